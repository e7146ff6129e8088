// Which ops of a model we cannot run yet, found by the code that refuses them (the params derivation at
// load, then plan -> schedule -> the shared lowering's per-call check, as compile does), never by a copy
// of its rules: so `inspect` and `compile` cannot disagree.
import { UnsupportedError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { OpKind, OpParams } from '../ir/ops.js';
import { deriveParams, type DeriveContext } from '../ir/params/index.js';
import type { UnsupportedOperator } from '../import/tflite/operators.js';
import { planGraph } from '../plan/planner.js';
import { lowerPlan } from '../schedule/lower.js';
import { refusedCalls } from '../schedule/abi/lower.js';

/** The importer's deriver, except that an op it refuses loads with null params and is listed in `refused`. */
export function listingDerive(): { derive: <K extends OpKind>(ctx: DeriveContext<K>) => OpParams[K] | null; refused: UnsupportedOperator[] } {
  const refused: UnsupportedOperator[] = [];
  const derive = <K extends OpKind>(ctx: DeriveContext<K>): OpParams[K] | null => {
    try {
      return deriveParams(ctx);
    } catch (e) {
      if (!(e instanceof UnsupportedError)) throw e;
      refused.push({ subgraph: 0, node: ctx.index, op: ctx.op.kind, version: ctx.op.version, reason: e.message });
      return null;
    }
  };
  return { derive, refused };
}

/**
 * The ops of a loaded graph we cannot run yet: `refusedAtLoad` (from listingDerive), then each op the
 * compile path refuses (default plan, the wasm and C backends' shared lowering), in node order.
 */
export function opsWeCannotRun(graph: Graph, refusedAtLoad: readonly UnsupportedOperator[] = []): UnsupportedOperator[] {
  const listed = new Map(refusedAtLoad.map((u) => [u.node, u]));
  for (const { opIndex, error } of refusedCalls(lowerPlan(planGraph(graph)))) {
    const op = graph.ops[opIndex]!;
    if (!listed.has(opIndex)) listed.set(opIndex, { subgraph: 0, node: opIndex, op: op.kind, version: op.version, reason: error.message });
  }
  return [...listed.values()].sort((a, b) => a.node - b.node);
}
