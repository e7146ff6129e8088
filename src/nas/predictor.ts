// The efficiency predictor: a member of the space -> its int8 graph (builder) -> the real planner with the
// user's planner flags -> peak SRAM (arena, plus the generated C's stack and static data), flash, MACs and
// Cortex-M latency from the calibrated profiler. `exact` gives the same figures `plan`/`profile` give for the
// whole graph; `predict` composes them from per-piece figures cached across members (fragments.ts), fast
// enough for thousands of candidates per second, and the agents re-check what they report with `exact`.
import { estimateFlash } from '../cost/flash.js';
import { profileSchedule } from '../cost/profile.js';
import { scheduleStack } from '../cost/stack.js';
import type { DeviceModel } from '../cost/devices.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../pipeline.js';
import { buildArch } from './build.js';
import { FragmentCosts, type PieceCost } from './fragments.js';
import type { Piece } from './build.js';
import { archKey, type Arch, type SearchSpace } from './space.js';

export interface Efficiency {
  /** The planned arena (`plan --json` peakBytes). */
  peakBytes: number;
  /** The generated C's worst-case stack and static data on the stack cpu. */
  stackBytes: number;
  staticBytes: number;
  /** peakBytes + stackBytes + staticBytes + reserve: what an SRAM budget is compared with. */
  ramBytes: number;
  flashBytes: number;
  macs: number;
  /** Calibrated Cortex-M instruction model, and ms at the device's clock. */
  instructions: number;
  ms: number;
}

export interface PredictorOptions {
  plan: PlanModelOptions;
  /** The core whose stack and flash (code size) are counted (src/cost/stack.ts STACK_CPUS). */
  stackCpu: string;
  reserveBytes: number;
  device: DeviceModel;
  mhz: number;
}

export class EfficiencyPredictor {
  private readonly exactCache = new Map<string, Efficiency>();
  private readonly pieces: FragmentCosts;
  /** Whole graphs built and planned by `exact` (cache misses). */
  evaluated = 0;

  constructor(
    readonly space: SearchSpace,
    readonly options: PredictorOptions,
  ) {
    this.pieces = new FragmentCosts(options);
  }

  /** Pieces built and planned so far by `predict` (its cache misses). */
  get piecesBuilt(): number {
    return this.pieces.built;
  }

  /** Piece costs measured elsewhere (nas's worker threads plan the space's pieces up front). */
  seedPieces(entries: ReadonlyArray<readonly [Piece, PieceCost]>): void {
    this.pieces.seed(entries);
  }

  /** The member's figures composed from its pieces': MACs, instructions, stack and the arena as the whole graph's, flash within the constants pieces share (fragments.ts). */
  predict(arch: Arch): Efficiency {
    // Patch-based inference spans layers across pieces: only the whole graph plans it.
    if ((this.options.plan.patch ?? 'none') !== 'none') return this.exact(arch);
    return this.pieces.compose(this.space, arch);
  }

  /** The member's figures from its whole graph through the planner: what `plan` and `profile` print. */
  exact(arch: Arch): Efficiency {
    const key = archKey(arch);
    const hit = this.exactCache.get(key);
    if (hit) return hit;
    const e = measureArch(this.space, arch, this.options);
    this.exactCache.set(key, e);
    this.evaluated++;
    return e;
  }
}

export function measureArch(space: SearchSpace, arch: Arch, options: PredictorOptions): Efficiency {
  const planned = planModel(buildArch(space, arch), options.plan);
  const schedule = scheduleOf(planned.plan);
  const stack = scheduleStack(schedule, options.stackCpu);
  const profile = profileSchedule(schedule, { device: options.device, mhz: options.mhz });
  const peakBytes = planned.plan.arenaBytes;
  const stackBytes = stack?.stackBytes ?? 0;
  const staticBytes = stack?.staticBytes ?? 0;
  return {
    peakBytes,
    stackBytes,
    staticBytes,
    ramBytes: peakBytes + stackBytes + staticBytes + options.reserveBytes,
    flashBytes: estimateFlash(schedule, options.stackCpu).totalBytes,
    macs: profile.totals.macs,
    instructions: profile.totals.instructions,
    ms: profile.totals.ms,
  };
}
