// Patch-based inference (MCUNetV2) planned with the same placement engine as layer-by-layer plans.
//
// Placement runs on a compressed timeline: pre-stage steps, ONE tile's stage steps (the template), then
// the post-stage steps. A slot (one stage tensor, or one window of it, in one tile) is one placement
// item sized for its largest tile, so every tile reuses the same offsets. A full tensor the stage reads
// or scatters into is live over the whole template (every tile touches it). The resulting offsets are
// then given to the unrolled plan, one buffer per unrolled tensor, which is what gets verified and
// lowered.
import type { Graph } from '../../ir/graph.js';
import { opMacs } from '../../ir/macs.js';
import { UsageError } from '../../errors.js';
import { computeLiveness, overwritableAt, type Liveness } from '../liveness.js';
import { overlapRules } from '../overlap.js';
import { placeItems, type PlaceItem, type PlacePair } from '../placement.js';
import { DEFAULT_PLAN_OPTIONS, liveBytesPerStep, planGraph, type RulesFor } from '../planner.js';
import type { OverlapRule, Plan, PlanOptions, PlanStep } from '../types.js';
import { buildStage, tileCount, type PatchSetting, type Stage } from './stage.js';
import { unrollStage, withCopyOperands, type PatchCopy } from './unroll.js';
import { maxOf } from '../../ir/extremes.js';
import { stepWorkspaceBytes } from '../workspace.js';

export type { PatchSetting } from './stage.js';

export interface PatchInfo {
  setting: PatchSetting;
  /** The graph the plan was made for; Plan.graph is its unrolled form. */
  source: Graph;
  /** Source-graph op index of each step's op, and its tile (-1 outside the stage). */
  origin: number[];
  tileOf: number[];
  /** Source-graph op indices of the stage (the last is the split op). */
  stageOps: number[];
  /** The stage: its slots hold every stage tensor's region per tile (halos included). */
  stage: Stage;
  copies: PatchCopy[];
  /** MACs of the source graph, of the plan (halos recomputed), and the difference. */
  macs: number;
  patchedMacs: number;
  extraMacs: number;
}

/** A Plan whose graph is the unrolled patch stage; `patch` says how to read it. */
export interface PatchedPlan extends Plan {
  patch: PatchInfo;
}

export function isPatchedPlan(plan: Plan): plan is PatchedPlan {
  return (plan as Partial<PatchedPlan>).patch !== undefined;
}

function graphMacs(graph: Graph): number {
  return graph.ops.reduce((sum, op) => sum + opMacs(graph, op), 0);
}

/** MACs of the stage run tile by tile minus its MACs run once, from the regions alone. */
function stageExtraMacs(graph: Graph, stage: Stage): number {
  let extra = 0;
  for (const o of stage.ops) {
    const op = graph.ops[o]!;
    const whole = opMacs(graph, op);
    const [, h, w] = graph.tensors[op.outputs[0]!]!.shape as [number, number, number, number];
    const perPixel = whole / (h * w);
    const boxes = stage.slots[stage.writeSlot.get(o)!]!.boxes;
    extra += boxes.reduce((s, b) => s + (b.y1 - b.y0) * (b.x1 - b.x0) * perPixel, 0) - whole;
  }
  return Math.round(extra);
}

/** Overlap chosen for one compressed step: the rule of each unrolled step it stands for. */
interface StepOverlap {
  input: number; // placement item of the overwritten input
  output: number; // placement item of the output
  minDelta: number;
  maxDelta: number;
  scratchItem: number | null;
  rules: Map<number, OverlapRule>; // unrolled step -> its own rule (its own clipped range)
}

/**
 * A rule usable at every unrolled step `us` (the same op on each tile): same variant and input position,
 * the input dying there. Its delta range is the intersection over the tiles, each tile's range first
 * widened to the placements where that tile's buffers do not overlap at all (also safe).
 */
function commonRule(g: Graph, us: readonly number[], liveness: Liveness, rulesFor: RulesFor) {
  const { buffers, bufferOf } = liveness;
  const perStep = us.map((u) => {
    const op = g.ops[u]!;
    if (op.outputs.length !== 1) return [];
    const out = bufferOf.get(op.outputs[0]!)!;
    if (buffers[out]!.aliasOf !== null) return [];
    return rulesFor(g, u).filter((r) => {
      const t = op.inputs[r.input]!;
      const inBuf = bufferOf.get(t);
      if (inBuf === undefined) return false;
      const root = buffers[inBuf]!.aliasOf ?? inBuf;
      return overwritableAt(liveness, root, u) && root !== out;
    });
  });
  for (const r0 of perStep[0] ?? []) {
    let lo = -Infinity, hi = Infinity, scratch = 0;
    const rules = new Map<number, OverlapRule>();
    const ok = us.every((u, i) => {
      const r = perStep[i]!.find((x) => x.variant === r0.variant && x.input === r0.input);
      if (!r) return false;
      const op = g.ops[u]!;
      const inBytes = buffers[bufferOf.get(op.inputs[r.input]!)!]!.bytes;
      const outBytes = buffers[bufferOf.get(op.outputs[0]!)!]!.bytes;
      lo = Math.max(lo, r.minDelta <= 1 - outBytes ? -Infinity : r.minDelta);
      hi = Math.min(hi, r.maxDelta >= inBytes - 1 ? Infinity : r.maxDelta);
      scratch = Math.max(scratch, r.scratchBytes);
      rules.set(u, r);
      return true;
    });
    if (ok && lo <= hi) return { variant: r0.variant, input: r0.input, lo, hi, scratch, rules };
  }
  return null;
}

function plan(graph: Graph, stage: Stage, opts: PlanOptions, derive: boolean, rulesFor: RulesFor): PatchedPlan {
  const u = unrollStage(graph, stage, derive);
  const g = u.graph;
  const order = g.ops.map((_, i) => i);
  const liveness = computeLiveness(withCopyOperands(u), order);
  const { buffers, bufferOf } = liveness;

  const tiles = tileCount(stage.setting);
  const m = u.stepsPerTile;
  const start = u.stageStart;
  const end = start + tiles * m; // first post-stage step (unrolled)
  const shift = (tiles - 1) * m;
  const compressFirst = (s: number) => (s < start ? s : s < end ? start : s - shift);
  const compressLast = (s: number) => (s < start ? s : s < end ? start + m - 1 : s - shift);
  const compressedSteps = g.ops.length - shift;
  /** The unrolled steps a compressed step stands for (one per tile inside the template). */
  const unrolledOf = (c: number) => (c < start ? [c] : c < start + m ? Array.from({ length: tiles }, (_, k) => c + k * m) : [c + shift]);

  // One placement item per slot and per root buffer outside the tiles.
  const items: PlaceItem[] = [];
  const itemOfSlot = new Map<number, number>();
  const itemOfBuffer = new Map<number, number>();
  for (const b of buffers) {
    if (b.aliasOf !== null) continue;
    const slot = b.tensor === null ? undefined : u.slotOfTensor.get(b.tensor);
    if (slot === undefined) {
      itemOfBuffer.set(b.id, items.length);
      items.push({ bytes: b.bytes, first: compressFirst(b.first), last: compressLast(b.last) });
      continue;
    }
    const tile = Math.floor((b.first - start) / m);
    const first = b.first - tile * m, last = b.last - tile * m;
    let item = itemOfSlot.get(slot);
    if (item === undefined) {
      item = items.length;
      itemOfSlot.set(slot, item);
      items.push({ bytes: b.bytes, first, last });
    } else {
      const it = items[item]!;
      it.bytes = Math.max(it.bytes, b.bytes);
      it.first = Math.min(it.first, first);
      it.last = Math.max(it.last, last);
    }
    itemOfBuffer.set(b.id, item);
  }
  const baseItems = items.length;

  // Overlap choices per compressed step (in-place depthwise, streaming convs, element-wise ops).
  const choices = new Map<number, ReturnType<typeof commonRule> & object>();
  if (opts.inplace) {
    for (let c = 0; c < compressedSteps; c++) {
      const r = commonRule(g, unrolledOf(c), liveness, rulesFor);
      if (r) choices.set(c, r);
    }
  }

  const build = (disabled: ReadonlySet<number>) => {
    const its = items.slice(0, baseItems).map((it) => ({ ...it }));
    const used = new Map<number, StepOverlap>();
    for (const [c, r] of choices) {
      if (disabled.has(c)) continue;
      const u0 = unrolledOf(c)[0]!;
      const op = g.ops[u0]!;
      const input = itemOfBuffer.get(buffers[bufferOf.get(op.inputs[r.input]!)!]!.aliasOf ?? bufferOf.get(op.inputs[r.input]!)!)!;
      const output = itemOfBuffer.get(bufferOf.get(op.outputs[0]!)!)!;
      let scratchItem: number | null = null;
      if (r.scratch > 0) {
        scratchItem = its.length;
        its.push({ bytes: r.scratch, first: c, last: c });
      }
      used.set(c, { input, output, minDelta: r.lo, maxDelta: r.hi, scratchItem, rules: r.rules });
    }
    // Each step's kernel workspace: one item per compressed step, as large as its largest tile's.
    const workspaceItems = new Map<number, number>();
    for (let c = 0; c < compressedSteps; c++) {
      const o = used.get(c);
      const bytes = maxOf(unrolledOf(c).map((us) => stepWorkspaceBytes(g, us, o ? o.rules.get(us)!.variant : 'default', opts.backend)), 0);
      if (bytes === 0) continue;
      workspaceItems.set(c, its.length);
      its.push({ bytes, first: c, last: c });
    }
    const pairs: PlacePair[] = [...used.values()].map((o) => ({ input: o.input, output: o.output, minDelta: o.minDelta, maxDelta: o.maxDelta }));
    const placement = placeItems(its, pairs, opts.alignment);
    return { its, used, workspaceItems, placement };
  };

  let best = build(new Set());
  if (choices.size > 0) {
    let disabled = new Set<number>();
    let current = best;
    for (let round = 0; round < 4; round++) {
      // Rules the placement could not use only cost scratch: drop them and place again.
      const off = current.placement.offsets;
      const unused = [...current.used].filter(([, o]) => {
        const a = current.its[o.input]!, b = current.its[o.output]!;
        return off[o.input]! + a.bytes <= off[o.output]! || off[o.output]! + b.bytes <= off[o.input]!;
      });
      if (unused.length === 0) break;
      disabled = new Set([...disabled, ...unused.map(([c]) => c)]);
      current = build(disabled);
      if (current.placement.arenaBytes < best.placement.arenaBytes) best = current;
    }
    const plain = build(new Set(choices.keys()));
    if (plain.placement.arenaBytes < best.placement.arenaBytes) best = plain;
  }
  const { used, workspaceItems, placement } = best;

  for (const b of buffers) if (b.aliasOf === null) b.offset = placement.offsets[itemOfBuffer.get(b.id)!]!;
  for (const b of buffers) if (b.aliasOf !== null) b.offset = buffers[b.aliasOf]!.offset;

  const planSteps: PlanStep[] = g.ops.map((op, i) => ({
    op: i,
    variant: 'default',
    overlap: null,
    inputs: op.inputs.map((t) => (t >= 0 && !g.tensors[t]!.data ? bufferOf.get(t)! : null)),
    outputs: op.outputs.map((t) => bufferOf.get(t)!),
    scratch: null,
    workspace: null,
  }));
  for (const [c, o] of used) {
    for (const us of unrolledOf(c)) {
      const rule = o.rules.get(us)!;
      const step = planSteps[us]!;
      step.overlap = rule;
      step.variant = rule.variant;
      if (o.scratchItem !== null && rule.scratchBytes > 0) {
        step.scratch = buffers.length;
        buffers.push({ id: buffers.length, tensor: null, name: `scratch@${us}`, kind: 'scratch', bytes: rule.scratchBytes, offset: placement.offsets[o.scratchItem]!, first: us, last: us, aliasOf: null });
      }
    }
  }

  for (const [c, item] of workspaceItems) {
    for (const us of unrolledOf(c)) {
      const bytes = stepWorkspaceBytes(g, us, planSteps[us]!.variant, opts.backend);
      if (bytes === 0) continue;
      planSteps[us]!.workspace = buffers.length;
      buffers.push({ id: buffers.length, tensor: null, name: `workspace@${us}`, kind: 'workspace', bytes, offset: placement.offsets[item]!, first: us, last: us, aliasOf: null });
    }
  }

  // Live bytes per unrolled step with each tile's own sizes, overlaps credited: no placement can do
  // better, and it is the same measure the reports show per step (edge tiles are smaller than the template).
  const live = liveBytesPerStep(planSteps, buffers);
  const lowerBoundBytes = maxOf(live, 0);

  const macs = graphMacs(graph);
  const patchedMacs = macs + stageExtraMacs(graph, stage);
  return {
    graph: g,
    options: opts,
    steps: planSteps,
    buffers,
    arenaBytes: placement.arenaBytes,
    lowerBoundBytes,
    peakStep: Math.max(0, live.indexOf(lowerBoundBytes)),
    strategy: `${placement.strategy}${used.size === 0 ? ', no overlap' : ''}, patch ${stage.setting.tiles}x${stage.setting.tiles} at op ${stage.setting.splitOp}`,
    patch: {
      setting: stage.setting,
      source: graph,
      origin: u.origin,
      tileOf: u.tileOf,
      stageOps: stage.ops,
      stage,
      copies: u.copies,
      macs,
      patchedMacs,
      extraMacs: patchedMacs - macs,
    },
  };
}

export interface PatchSummary {
  tiles: number;
  splitOp: number;
  splitKind: string;
  peakBytes: number;
  lowerBoundBytes: number;
  extraMacs: number;
  /** extraMacs / MACs of the unpatched graph. */
  extraMacsRatio: number;
}

/** The figures a report shows for a patched plan. */
export function patchSummary(plan: PatchedPlan): PatchSummary {
  const { setting, source, extraMacs, macs } = plan.patch;
  return {
    tiles: setting.tiles,
    splitOp: setting.splitOp,
    splitKind: source.ops[setting.splitOp]!.kind,
    peakBytes: plan.arenaBytes,
    lowerBoundBytes: plan.lowerBoundBytes,
    extraMacs,
    extraMacsRatio: macs > 0 ? extraMacs / macs : 0,
  };
}

function resolveOptions(options: Partial<PlanOptions>): PlanOptions {
  return { ...DEFAULT_PLAN_OPTIONS, ...options };
}

/** The plan for a forced setting (`--patch N@LAYER`): the stage up to op `splitOp` in a tiles x tiles grid. */
export function planPatched(graph: Graph, setting: PatchSetting, options: Partial<PlanOptions> = {}, rulesFor: RulesFor = overlapRules): PatchedPlan {
  return plan(graph, buildStage(graph, setting), resolveOptions(options), true, rulesFor);
}

export interface PatchAutoOptions {
  /** Most extra MACs allowed, as a fraction of the unpatched graph's MACs (default 0.25). */
  maxRecompute?: number;
  /** Grid sizes to try (default 2..8). */
  tiles?: number[];
  /** Progress of the search: (settings considered so far, all settings), before each and once at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface PatchCandidate {
  setting: PatchSetting;
  arenaBytes: number;
  lowerBoundBytes: number;
  extraMacs: number;
}

export interface PatchAutoResult {
  /** The smallest patched plan, or null when none beats the layer-by-layer plan within the MAC budget. */
  patched: PatchedPlan | null;
  layerByLayer: Plan;
  /** The plan to use: `patched` when there is one, else `layerByLayer`. */
  best: Plan;
  /** Every setting that was planned (within the MAC budget), smallest arena first. */
  candidates: PatchCandidate[];
}

/**
 * `--patch auto`: every split op and grid size whose extra MACs stay within the budget is planned; the
 * smallest arena wins (ties: fewer extra MACs). A patched plan is returned only if its arena is smaller
 * than the layer-by-layer plan's.
 */
export function planPatchAuto(graph: Graph, auto: PatchAutoOptions = {}, options: Partial<PlanOptions> = {}, rulesFor: RulesFor = overlapRules): PatchAutoResult {
  const opts = resolveOptions(options);
  const maxRecompute = auto.maxRecompute ?? 0.25;
  if (!(maxRecompute >= 0)) throw new UsageError(`maxRecompute must be a non-negative fraction, got ${maxRecompute}`, { maxRecompute });
  const grid = auto.tiles ?? [2, 3, 4, 5, 6, 7, 8];
  const layerByLayer = planGraph(graph, opts, rulesFor);
  const macs = graphMacs(graph);
  const candidates: PatchCandidate[] = [];
  let bestSetting: PatchSetting | null = null;
  let bestKey: [number, number] = [layerByLayer.arenaBytes, 0];
  const total = graph.ops.length * grid.length;
  let done = 0;
  for (let splitOp = 0; splitOp < graph.ops.length; splitOp++) {
    for (const tiles of grid) {
      auto.onProgress?.(done++, total);
      let stage: Stage;
      try {
        stage = buildStage(graph, { tiles, splitOp });
      } catch {
        continue; // not tileable here, or the grid does not fit
      }
      const extra = stageExtraMacs(graph, stage);
      if (extra > maxRecompute * macs) continue;
      const p = plan(graph, stage, opts, false, rulesFor);
      candidates.push({ setting: { tiles, splitOp }, arenaBytes: p.arenaBytes, lowerBoundBytes: p.lowerBoundBytes, extraMacs: extra });
      if (p.arenaBytes < bestKey[0] || (p.arenaBytes === bestKey[0] && bestSetting && extra < bestKey[1])) {
        bestSetting = { tiles, splitOp };
        bestKey = [p.arenaBytes, extra];
      }
    }
  }
  auto.onProgress?.(total, total);
  candidates.sort((a, b) => a.arenaBytes - b.arenaBytes || a.extraMacs - b.extraMacs);
  const patched = bestSetting ? planPatched(graph, bestSetting, opts, rulesFor) : null;
  return { patched, layerByLayer, best: patched ?? layerByLayer, candidates };
}
