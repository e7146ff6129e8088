// The memory planner: order, overlap decisions and offsets for one static arena. Several operator
// orders, overlap choices and placement strategies are tried; the smallest arena is kept.
import type { Graph } from '../ir/graph.js';
import { UsageError } from '../errors.js';
import { computeLiveness, overwritableAt } from './liveness.js';
import { searchOrder } from './order.js';
import { overlapRules } from './overlap.js';
import { maxSharedBytes, placeItems, type PlaceItem, type PlacePair } from './placement.js';
import type { OverlapRule, Plan, PlanOptions, PlanStep, PlannedBuffer } from './types.js';
import { maxOf } from '../ir/extremes.js';
import { PLAN_BACKENDS, type PlanBackend } from '../ir/workspace.js';
import { stepWorkspaceBytes } from './workspace.js';

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { alignment: 16, inplace: true, backend: 'c' };

export type RulesFor = (graph: Graph, opIndex: number) => OverlapRule[];

function checkOptions(options: PlanOptions): void {
  const a = options.alignment;
  if (!Number.isInteger(a) || a < 4 || a > 4096 || (a & (a - 1)) !== 0) {
    throw new UsageError(`alignment must be a power of two from 4 to 4096, got ${a}`, { alignment: a });
  }
  if (!(PLAN_BACKENDS as readonly string[]).includes(options.backend)) {
    throw new UsageError(`the plan's backend must be one of ${PLAN_BACKENDS.join(', ')}, got "${String(options.backend)}"`, { backend: options.backend });
  }
}

/** Adds the step's kernel workspace buffer (first = last = the step), if its kernel needs one; returns its id. */
export function addWorkspace(graph: Graph, opIndex: number, variant: PlanStep['variant'], at: number, backend: PlanBackend, buffers: PlannedBuffer[]): number | null {
  const bytes = stepWorkspaceBytes(graph, opIndex, variant, backend);
  if (bytes === 0) return null;
  const id = buffers.length;
  buffers.push({ id, tensor: null, name: `workspace@${at}`, kind: 'workspace', bytes, offset: 0, first: at, last: at, aliasOf: null });
  return id;
}

interface Candidate {
  steps: PlanStep[];
  buffers: PlannedBuffer[];
  pairs: PlacePair[];
}

/** Buffers and steps for one order, using for each op the first usable rule allowed by `useRule`. */
function buildCandidate(graph: Graph, order: readonly number[], backend: PlanBackend, rulesFor: RulesFor | null, useRule: (step: number) => boolean): Candidate {
  const liveness = computeLiveness(graph, order);
  const { buffers, bufferOf } = liveness;
  const root = (id: number) => buffers[id]!.aliasOf ?? id;
  const pairs: PlacePair[] = [];
  const steps: PlanStep[] = order.map((opIndex, step) => {
    const op = graph.ops[opIndex]!;
    const inputs = op.inputs.map((t) => (t >= 0 && !graph.tensors[t]!.data ? bufferOf.get(t)! : null));
    const outputs = op.outputs.map((t) => bufferOf.get(t)!);
    let overlap: OverlapRule | null = null;
    if (rulesFor && useRule(step) && outputs.length === 1 && buffers[outputs[0]!]!.aliasOf === null) {
      overlap =
        rulesFor(graph, opIndex).find((r) => {
          const inBuf = inputs[r.input];
          // The input's bytes may be overwritten only if nothing reads them later and the model does not return them.
          return inBuf !== null && inBuf !== undefined && overwritableAt(liveness, root(inBuf), step) && root(inBuf) !== outputs[0];
        }) ?? null;
    }
    let scratch: number | null = null;
    if (overlap) {
      pairs.push({ input: root(inputs[overlap.input]!), output: outputs[0]!, minDelta: overlap.minDelta, maxDelta: overlap.maxDelta });
      if (overlap.scratchBytes > 0) {
        scratch = buffers.length;
        buffers.push({ id: scratch, tensor: null, name: `scratch@${step}`, kind: 'scratch', bytes: overlap.scratchBytes, offset: 0, first: step, last: step, aliasOf: null });
      }
    }
    const variant = overlap ? overlap.variant : 'default';
    const workspace = addWorkspace(graph, opIndex, variant, step, backend, buffers);
    return { op: opIndex, variant, overlap, inputs, outputs, scratch, workspace };
  });
  return { steps, buffers, pairs };
}

/** Live bytes at each step with the overlap each step's rule allows credited. */
export function liveBytesPerStep(steps: readonly PlanStep[], buffers: readonly PlannedBuffer[]): number[] {
  const live = steps.map(() => 0);
  for (const b of buffers) {
    if (b.aliasOf !== null) continue;
    for (let s = b.first; s <= b.last; s++) live[s]! += b.bytes;
  }
  steps.forEach((st, s) => {
    if (!st.overlap) return;
    const inBuf = buffers[st.inputs[st.overlap.input]!]!;
    const root = buffers[inBuf.aliasOf ?? inBuf.id]!;
    live[s]! -= maxSharedBytes(root.bytes, buffers[st.outputs[0]!]!.bytes, st.overlap);
  });
  return live;
}

function place(graph: Graph, options: PlanOptions, cand: Candidate): Plan {
  const roots = cand.buffers.filter((b) => b.aliasOf === null);
  const index = new Map(roots.map((b, i) => [b.id, i]));
  const items: PlaceItem[] = roots.map((b) => ({ bytes: b.bytes, first: b.first, last: b.last }));
  const pairs = cand.pairs.map((p) => ({ ...p, input: index.get(p.input)!, output: index.get(p.output)! }));
  const placement = placeItems(items, pairs, options.alignment);
  roots.forEach((b, i) => (b.offset = placement.offsets[i]!));
  for (const b of cand.buffers) if (b.aliasOf !== null) b.offset = cand.buffers[b.aliasOf]!.offset;
  const live = liveBytesPerStep(cand.steps, cand.buffers);
  const lowerBoundBytes = maxOf(live, 0);
  return {
    graph,
    options,
    steps: cand.steps,
    buffers: cand.buffers,
    arenaBytes: placement.arenaBytes,
    lowerBoundBytes,
    peakStep: Math.max(0, live.indexOf(lowerBoundBytes)),
    strategy: `${placement.strategy}, ${placement.grouping === 'none' ? 'pairs free' : `${placement.grouping} grouped`}`,
  };
}

/** Steps whose rule the placement did not use (their buffers ended up disjoint): better run plainly. */
function unusedOverlaps(plan: Plan): Set<number> {
  const unused = new Set<number>();
  plan.steps.forEach((s, i) => {
    if (!s.overlap) return;
    const a = plan.buffers[s.inputs[s.overlap.input]!]!;
    const b = plan.buffers[s.outputs[0]!]!;
    if (a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset) unused.add(i);
  });
  return unused;
}

function better(a: Pick<Plan, 'arenaBytes' | 'lowerBoundBytes'> | null, b: Pick<Plan, 'arenaBytes' | 'lowerBoundBytes'>): boolean {
  return !a || b.arenaBytes < a.arenaBytes || (b.arenaBytes === a.arenaBytes && b.lowerBoundBytes < a.lowerBoundBytes);
}

export interface PlanCandidate {
  plan: Plan;
  /** Planned with the overlap rules (in-place and streaming variants) on. */
  overlaps: boolean;
}

/** Every plan planGraph weighs, in the order it tries them; it keeps the first of the smallest (`better`). */
export interface PlanCandidates {
  /** Per operator order: the plan without overlaps, then each overlap round (later rounds drop the overlaps placement left unused). */
  plans: PlanCandidate[];
  orderSearch: NonNullable<Plan['orderSearch']>;
}

export function planCandidates(graph: Graph, options: Partial<PlanOptions> = {}, rulesFor: RulesFor = overlapRules): PlanCandidates {
  const opts: PlanOptions = { ...DEFAULT_PLAN_OPTIONS, ...options };
  checkOptions(opts);
  const stored = graph.ops.map((_, i) => i);
  const search = searchOrder(graph);
  const optimal = search.order;
  const orders = optimal.join() === stored.join() ? [stored] : [optimal, stored];

  const plans: PlanCandidate[] = [];
  for (const order of orders) {
    const plain = place(graph, opts, buildCandidate(graph, order, opts.backend, null, () => false));
    plans.push({ plan: { ...plain, strategy: `${plain.strategy}, no overlap` }, overlaps: false });
    if (!opts.inplace) continue;
    // With overlaps: drop the ones placement could not use (they only cost scratch) and re-place.
    let disabled = new Set<number>();
    for (let round = 0; round < 4; round++) {
      const off = disabled;
      const plan = place(graph, opts, buildCandidate(graph, order, opts.backend, rulesFor, (s) => !off.has(s)));
      plans.push({ plan, overlaps: true });
      const unused = unusedOverlaps(plan);
      if (unused.size === 0) break;
      disabled = new Set([...disabled, ...unused]);
    }
  }
  return { plans, orderSearch: { exhaustive: search.exhaustive, reason: search.reason } };
}

/** The planner's choice among the candidates: the smallest arena, then the smallest lower bound; the first on ties. */
export function bestCandidate<T extends Pick<Plan, 'arenaBytes' | 'lowerBoundBytes'>>(plans: readonly T[]): T {
  let best: T | null = null;
  for (const p of plans) if (better(best, p)) best = p;
  return best!;
}

export function planGraph(graph: Graph, options: Partial<PlanOptions> = {}, rulesFor: RulesFor = overlapRules): Plan {
  const { plans, orderSearch } = planCandidates(graph, options, rulesFor);
  return { ...bestCandidate(plans.map((c) => c.plan)), orderSearch };
}
