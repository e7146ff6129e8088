// Multiply-accumulates and byte counts per op: the arithmetic a kernel must do, independent of any target (IR-level, so the planner may use it).
import type { AnyOp, Graph, Tensor } from './graph.js';
import type { OpKind } from './ops.js';
import { byteSize, elementCount } from './shapes.js';
import { batchMatMulGeometry } from './batch-matmul.js';

/** MACs of one op: conv/depthwise/FC count one per weight use; MUL one per output element; the rest 0. */
export function opMacs(graph: Graph, op: AnyOp): number {
  const shapeOf = (id: number) => graph.tensors[id]!.shape;
  if (op.kind === 'TRANSPOSE_CONV') return transposeConvMacs(shapeOf(op.inputs[2]!), shapeOf(op.outputs[0]!), shapeOf(op.inputs[1]!), op.attrs);
  if (op.kind === 'SVDF') return svdfMacs(shapeOf(op.inputs[0]!), shapeOf(op.inputs[1]!), shapeOf(op.inputs[2]!));
  if (op.kind === 'UNIDIRECTIONAL_SEQUENCE_LSTM') return lstmMacs(shapeOf(op.inputs[0]!), shapeOf(op.outputs[0]!));
  if (op.kind === 'BATCH_MATMUL') return batchMatMulMacs(shapeOf(op.inputs[0]!), shapeOf(op.inputs[1]!), op.attrs.adjX, op.attrs.adjY);
  const weights = op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED' ? shapeOf(op.inputs[1]!) : [];
  return macsOf(op.kind, shapeOf(op.outputs[0]!), weights);
}

/** SVDF's MACs per invoke: the feature matmul (filters x input size) and the time dot products (filters x memory), per batch. */
export function svdfMacs(inputShape: readonly number[], featureShape: readonly number[], timeShape: readonly number[]): number {
  const [batches = 0] = inputShape, [filters = 0, inputSize = 0] = featureShape, [, memory = 0] = timeShape;
  return batches * filters * (inputSize + memory);
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM's MACs per invoke: per output element (batch x time x state), four gates of
 * one input row (input size) and one hidden row (state size), plus its three element-wise products
 * (forget x cell, input x cell gate, tanh(cell) x output gate), each counted as MUL counts them.
 */
export function lstmMacs(inputShape: readonly number[], outputShape: readonly number[]): number {
  const inputSize = inputShape[inputShape.length - 1] ?? 0;
  const units = outputShape[outputShape.length - 1] ?? 0;
  return elementCount(outputShape) * (4 * (inputSize + units) + 3);
}

/** BATCH_MATMUL's MACs: one per output element per accumulation step (0 for shapes that do not multiply). */
export function batchMatMulMacs(lhs: readonly number[], rhs: readonly number[], adjX: boolean, adjY: boolean): number {
  const g = batchMatMulGeometry(lhs, rhs, adjX, adjY);
  return typeof g === 'string' ? 0 : elementCount(g.outShape) * g.k;
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

/**
 * TRANSPOSE_CONV's MACs: per filter tap (ky, kx), the input pixels whose product lands inside the output
 * (iy * stride - pad.top + ky in [0, outH)), times input and output channels and batches.
 */
export function transposeConvMacs(
  inShape: readonly number[],
  outShape: readonly number[],
  weightShape: readonly number[],
  attrs: { stride: readonly [number, number]; pad: { top: number; left: number } },
): number {
  const [batches, inH, inW, inDepth] = inShape as [number, number, number, number];
  const [outDepth, kh, kw] = weightShape as [number, number, number, number];
  const landing = (inSize: number, outSize: number, stride: number, pad: number, k: number) => {
    let n = 0;
    for (let i = 0; i < inSize; i++) if (i * stride - pad + k >= 0 && i * stride - pad + k < outSize) n++;
    return n;
  };
  let taps = 0;
  for (let ky = 0; ky < kh; ky++) {
    const rows = landing(inH, outShape[1]!, attrs.stride[0], attrs.pad.top, ky);
    for (let kx = 0; kx < kw; kx++) taps += rows * landing(inW, outShape[2]!, attrs.stride[1], attrs.pad.left, kx);
  }
  return batches * taps * inDepth * outDepth;
}

/** Bytes of the constant tensors an op reads (weights, biases, parameter tensors). */
export function opWeightBytes(graph: Graph, op: AnyOp): number {
  let total = 0;
  for (const id of op.inputs) {
    const t = id >= 0 ? graph.tensors[id] : undefined;
    if (t?.data) total += storedBytes(t);
  }
  return total;
}

/** Bytes a constant takes in flash: its packed indices and tables when LUT-stored, else its data. */
export function storedBytes(t: Tensor): number {
  return t.lut ? t.lut.packed.byteLength + t.lut.ancillary.byteLength : t.data!.byteLength;
}

/** Distinct constant bytes in the graph (a tensor shared by two ops counts once). */
export function graphWeightBytes(graph: Graph): number {
  const used = new Set<number>();
  for (const op of graph.ops) for (const id of op.inputs) if (id >= 0 && graph.tensors[id]!.data) used.add(id);
  let total = 0;
  for (const id of used) total += storedBytes(graph.tensors[id]!);
  return total;
}

export function tensorBytes(graph: Graph, id: number): number {
  const t = graph.tensors[id]!;
  return byteSize(t.shape, t.dtype);
}
