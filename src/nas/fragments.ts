// The efficiency predictor's fast path: a member is a chain of pieces (stem, blocks, tail) and only one
// activation crosses from one piece to the next, so its costs compose from the pieces' costs, each piece
// built, planned and lowered once per distinct shape (the cache key) and reused across members.
// Which kernel variant (and so which symbol, instructions, stack) a layer runs is not the piece's own choice:
// the planner keeps the no-overlap plan of the whole graph unless overlaps make its arena smaller (planGraph),
// so a piece is measured both ways and `compose` makes that choice over the whole chain. Additive figures
// (MACs, instructions, cycles, calls, constant bytes) and the kernel symbols' union then follow; the arena is
// the largest piece's arena, which the full planner can only differ from by how it packs across a boundary:
// `nas` re-checks every reported candidate with the full planner (predictor.ts).
import { flashTable } from '../cost/flash.js';
import { profileSchedule } from '../cost/profile.js';
import { stackTable } from '../cost/stack.js';
import { bestCandidate } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import { lowerSchedule } from '../schedule/abi/lower.js';
import { planModelCandidates, scheduleOf } from '../pipeline.js';
import { archPieces, buildPiece, type Piece } from './build.js';
import type { Arch, SearchSpace } from './space.js';
import type { Efficiency, PredictorOptions } from './predictor.js';

/** What one piece contributes under one of the planner's modes. */
export interface PieceModeCost {
  arenaBytes: number;
  /** The plan's largest live bytes at one step: the planner's tie-break between equal arenas. */
  lowerBoundBytes: number;
  /** The deepest kernel call's stack (callees included), without invoke's frame. */
  deepestCallBytes: number;
  symbols: string[];
  calls: number;
  constantBytes: number;
  macs: number;
  instructions: number;
  ms: number;
}

/** A piece planned without overlaps and with them (the best overlap plan; the plain one when overlaps are off). */
export interface PieceCost {
  plain: PieceModeCost;
  overlaps: PieceModeCost;
}

type Mode = keyof PieceCost;

const words = (bytes: number) => Math.max(1, Math.ceil(bytes / 4)) * 4;

export class FragmentCosts {
  private readonly cache = new Map<string, PieceCost>();
  /** Pieces built and planned (cache misses). */
  built = 0;

  constructor(readonly options: PredictorOptions) {}

  piece(piece: Piece): PieceCost {
    const key = pieceKey(piece);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const cost = measurePiece(piece, this.options);
    this.cache.set(key, cost);
    this.built++;
    return cost;
  }

  /** Costs measured elsewhere (worker threads) for these pieces. */
  seed(entries: ReadonlyArray<readonly [Piece, PieceCost]>): void {
    for (const [piece, cost] of entries) this.cache.set(pieceKey(piece), cost);
  }

  /** The member's figures from its pieces' (see the file comment for which are exact). */
  compose(space: SearchSpace, arch: Arch): Efficiency {
    const costs = archPieces(space, arch).map((p) => this.piece(p));
    // The whole graph's choice: its arena and lower bound are its pieces' largest, the no-overlap plan first on ties.
    const whole = (mode: Mode) => ({
      mode,
      arenaBytes: Math.max(...costs.map((c) => c[mode].arenaBytes)),
      lowerBoundBytes: Math.max(...costs.map((c) => c[mode].lowerBoundBytes)),
    });
    const { mode, arenaBytes } = bestCandidate([whole('plain'), whole('overlaps')]);
    const stack = stackTable(this.options.stackCpu);
    const flash = flashTable(this.options.stackCpu);
    const symbols = new Set<string>();
    let deepest = 0, calls = 0, constants = 0, macs = 0, instructions = 0, ms = 0;
    for (const cost of costs) {
      const c = cost[mode];
      deepest = Math.max(deepest, c.deepestCallBytes);
      for (const s of c.symbols) symbols.add(s);
      calls += c.calls;
      constants += c.constantBytes;
      macs += c.macs;
      instructions += c.instructions;
      ms += c.ms;
    }
    const stackBytes = stack.invokeFrameBytes + deepest;
    return {
      peakBytes: arenaBytes,
      stackBytes,
      staticBytes: stack.staticBytes,
      ramBytes: arenaBytes + stackBytes + stack.staticBytes + this.options.reserveBytes,
      flashBytes: flashBytesOf(flash, symbols, calls, constants),
      macs,
      instructions,
      ms,
    };
  }
}

/** flash.ts's flashOfLowered for a one-input, one-output model, from the composed parts. */
function flashBytesOf(table: ReturnType<typeof flashTable>, symbols: ReadonlySet<string>, calls: number, constantBytes: number): number {
  const keys = new Set(table.runtime);
  for (const s of symbols) for (const k of table.kernels[s] ?? []) keys.add(k);
  let bytes = 0;
  for (const k of keys) {
    const s = table.sections[k]!;
    if (s.kind !== 'bss') bytes += s.bytes;
  }
  return bytes + table.model.textBytes + Math.round(table.model.perCallTextBytes * calls) + words(constantBytes);
}

/** Pieces with equal keys compute the same thing (a block's name is only its label). */
export function pieceKey(piece: Piece): string {
  return JSON.stringify(piece.kind === 'block' ? { ...piece, name: '' } : piece);
}

/** Every distinct piece the space's members are made of: what a search can need, to plan up front in parallel. */
export function spacePieces(space: SearchSpace): Piece[] {
  const out = new Map<string, Piece>();
  const add = (p: Piece) => out.set(pieceKey(p), p);
  for (const resolution of space.resolutions) {
    for (const width of space.widths) {
      // The largest member at this resolution and width passes every shape its smaller siblings pass.
      const deepest = space.stages.map((s) => Array.from({ length: s.depths[s.depths.length - 1]! }, () => ({ kernel: space.kernels[0]!, expand: space.expands[0]! })));
      for (const p of archPieces(space, { resolution, width, stages: deepest })) {
        if (p.kind !== 'block') {
          add(p);
          continue;
        }
        for (const kernel of space.kernels) for (const expand of space.expands) add({ ...p, kernel, expand });
      }
    }
  }
  return [...out.values()];
}

export function measurePiece(piece: Piece, options: PredictorOptions): PieceCost {
  const { plans } = planModelCandidates(buildPiece(piece), options.plan);
  const plain = bestCandidate(plans.filter((c) => !c.overlaps).map((c) => c.plan));
  const withOverlaps = plans.filter((c) => c.overlaps).map((c) => c.plan);
  const overlaps = withOverlaps.length > 0 ? bestCandidate(withOverlaps) : plain;
  const plainCost = measurePlan(plain, options);
  return { plain: plainCost, overlaps: overlaps === plain ? plainCost : measurePlan(overlaps, options) };
}

function measurePlan(plan: Plan, options: PredictorOptions): PieceModeCost {
  const schedule = scheduleOf(plan);
  const lowered = lowerSchedule(schedule);
  const table = stackTable(options.stackCpu);
  let deepest = 0;
  for (const c of lowered.calls) deepest = Math.max(deepest, table.kernels[c.symbol]?.bytes ?? 0);
  const profile = profileSchedule(schedule, { device: options.device, mhz: options.mhz });
  return {
    arenaBytes: plan.arenaBytes,
    lowerBoundBytes: plan.lowerBoundBytes,
    deepestCallBytes: deepest,
    symbols: lowered.symbols,
    calls: lowered.calls.length,
    constantBytes: lowered.constants.length,
    macs: profile.totals.macs,
    instructions: profile.totals.instructions,
    ms: profile.totals.ms,
  };
}
