// A patched plan lowered to a Schedule: the layer-by-layer lowering of the unrolled graph, with each
// step's window copies placed around its kernel call. The Schedule refers to the source graph: a tile
// call's opIndex is the source op it computes a tile of, and its op carries the tile's pads.
import { lowerPlan } from './lower.js';
import type { ArenaRef, CopyWindowCall, ScheduleCall, Schedule } from './types.js';
import type { PatchedPlan } from '../plan/patch/plan.js';

export function lowerPatchedPlan(plan: PatchedPlan): Schedule {
  const lowered = lowerPlan(plan);
  const { graph, buffers } = plan;
  const offsetOf = new Map<number, number>();
  for (const b of buffers) if (b.tensor !== null) offsetOf.set(b.tensor, b.offset);
  const ref = (t: number): ArenaRef => ({ offset: offsetOf.get(t)!, shape: graph.tensors[t]!.shape, dtype: graph.tensors[t]!.dtype });
  const before = new Map<number, CopyWindowCall[]>();
  const after = new Map<number, CopyWindowCall[]>();
  for (const c of plan.patch.copies) {
    const call: CopyWindowCall = { type: 'copy-window', direction: c.direction, full: ref(c.full), tile: ref(c.tile), y0: c.y0, x0: c.x0 };
    const at = c.when === 'before' ? before : after;
    at.set(c.step, [...(at.get(c.step) ?? []), call]);
  }
  const calls: ScheduleCall[] = [];
  for (const call of lowered.calls) {
    if (call.type !== 'kernel') {
      calls.push(call);
      continue;
    }
    const step = call.opIndex; // the unrolled plan runs its ops in index order
    for (const c of before.get(step) ?? []) calls.push(c);
    calls.push({ ...call, opIndex: plan.patch.origin[step]! });
    for (const c of after.get(step) ?? []) calls.push(c);
  }
  return { ...lowered, graph: plan.patch.source, calls };
}
