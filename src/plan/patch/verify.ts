// Independent check of a patched plan: the layer-by-layer verifier (liveness recomputed from the graph
// and the step order, never from the plan's lifetimes) run on the unrolled graph in which every window
// copy's tensors count as read by the copy's step, so a gather's source, a crop's source and a
// scatter's full tensor are all required live (and untouched by anything else) where the copies run.
import { verifyPlan, type PlanViolation } from '../verify.js';
import type { PatchedPlan } from './plan.js';
import { withCopyOperands } from './unroll.js';

export function verifyPatchedPlan(plan: PatchedPlan): PlanViolation[] {
  const violations = verifyPlan({ ...plan, graph: withCopyOperands({ graph: plan.graph, copies: plan.patch.copies }) });
  // Copies must stay inside their tensors: the window lies within the larger tensor.
  for (const c of plan.patch.copies) {
    const full = plan.graph.tensors[c.full]!.shape, tile = plan.graph.tensors[c.tile]!.shape;
    const fits = c.y0 >= 0 && c.x0 >= 0 && c.y0 + tile[1]! <= full[1]! && c.x0 + tile[2]! <= full[2]! && tile[3] === full[3];
    if (!fits) violations.push({ step: c.step, message: `copy of ${plan.graph.tensors[c.tile]!.name} at (${c.y0}, ${c.x0}) does not fit in ${plan.graph.tensors[c.full]!.name}` });
  }
  return violations;
}
