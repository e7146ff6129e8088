// Multiply-accumulates and byte counts per op: the arithmetic a kernel must do, independent of any target (IR-level, so the planner may use it).
import type { AnyOp, Graph } from './graph.js';
import type { OpKind } from './ops.js';
import { byteSize, elementCount } from './shapes.js';

/** MACs of one op: conv/depthwise/FC count one per weight use; MUL one per output element; the rest 0. */
export function opMacs(graph: Graph, op: AnyOp): number {
  const shapeOf = (id: number) => graph.tensors[id]!.shape;
  const weights = op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED' ? shapeOf(op.inputs[1]!) : [];
  return macsOf(op.kind, shapeOf(op.outputs[0]!), weights);
}

/** MACs from shapes alone (a patch tile's call has its own output shape): see opMacs. */
export function macsOf(kind: OpKind, outputShape: readonly number[], weightShape: readonly number[]): number {
  const outElems = elementCount(outputShape);
  switch (kind) {
    case 'CONV_2D': {
      const [, kh, kw, cin] = weightShape;
      return outElems * kh! * kw! * cin!;
    }
    case 'DEPTHWISE_CONV_2D': {
      const [, kh, kw] = weightShape;
      return outElems * kh! * kw!;
    }
    case 'FULLY_CONNECTED':
      return outElems * weightShape[weightShape.length - 1]!;
    case 'MUL':
      return outElems;
    default:
      return 0;
  }
}

/** Bytes of the constant tensors an op reads (weights, biases, parameter tensors). */
export function opWeightBytes(graph: Graph, op: AnyOp): number {
  let total = 0;
  for (const id of op.inputs) {
    const t = id >= 0 ? graph.tensors[id] : undefined;
    if (t?.data) total += t.data.byteLength;
  }
  return total;
}

/** Distinct constant bytes in the graph (a tensor shared by two ops counts once). */
export function graphWeightBytes(graph: Graph): number {
  const used = new Set<number>();
  for (const op of graph.ops) for (const id of op.inputs) if (id >= 0 && graph.tensors[id]!.data) used.add(id);
  let total = 0;
  for (const id of used) total += graph.tensors[id]!.data!.byteLength;
  return total;
}

export function tensorBytes(graph: Graph, id: number): number {
  const t = graph.tensors[id]!;
  return byteSize(t.shape, t.dtype);
}
