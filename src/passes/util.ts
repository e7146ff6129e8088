// Small helpers shared by the graph passes.
import type { AnyOp, Graph } from '../ir/graph.js';
import { deriveParams } from '../ir/params/index.js';
import type { OpKind } from '../ir/ops.js';

/** Op indices that read each tensor (an op reading a tensor twice is listed once). */
export function consumersOf(graph: Graph): Map<number, number[]> {
  const consumers = new Map<number, number[]>();
  graph.ops.forEach((op, i) => {
    for (const t of new Set(op.inputs)) if (t >= 0) consumers.set(t, [...(consumers.get(t) ?? []), i]);
  });
  return consumers;
}

/** The op with new attrs/inputs and its quantization params derived again from the graph's tensors. */
export function rederive(graph: Graph, op: AnyOp, index: number): AnyOp {
  const { params: _old, ...rest } = op;
  const params = deriveParams({ op: rest as Omit<AnyOp, 'params'>, index, tensors: graph.tensors } as Parameters<typeof deriveParams<OpKind>>[0]);
  return { ...rest, params } as AnyOp;
}
