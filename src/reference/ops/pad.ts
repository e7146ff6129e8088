// PAD and PADV2 (TFLM reference_ops::Pad), any rank.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { elements, fillWith, rowMajorStrides } from './util.js';

/** The int8 path's derived pad value; a float32 PADV2's constant value input, or 0. */
function padValueOf(op: Op<'PAD' | 'PADV2'>, inputs: Array<TensorView | null>): number {
  if (op.params) return op.params.padValue;
  const constant = op.kind === 'PADV2' ? inputs[2] : null;
  return constant ? Number(constant.data[0]) : 0;
}

/**
 * The output is filled with the pad value (PAD int8: the output zero point, i.e. real 0; PADV2: the
 * constant value tensor), then every input row (last dim) is copied to its shifted place.
 */
function pad(op: Op<'PAD' | 'PADV2'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { paddings } = op.attrs;
  fillWith(output.data, padValueOf(op, inputs));
  const inShape = input.shape;
  const rank = inShape.length;
  const x = elements(input.data);
  const y = elements(output.data);
  if (rank === 0) {
    if (x.length > 0) y[0] = x[0]!;
    return;
  }
  const outStrides = rowMajorStrides(output.shape);
  const rowLength = inShape[rank - 1]!;
  const rows = rowLength === 0 ? 0 : x.length / rowLength;
  // Odometer over the input's leading dims; `base` is where the current row starts in the output.
  const index = new Array<number>(rank - 1).fill(0);
  let base = 0;
  for (let d = 0; d < rank; d++) base += paddings[d]![0] * outStrides[d]!;
  for (let r = 0; r < rows; r++) {
    const src = r * rowLength;
    for (let i = 0; i < rowLength; i++) y[base + i] = x[src + i]!;
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      base += outStrides[d]!;
      if (index[d]! < inShape[d]!) break;
      base -= outStrides[d]! * index[d]!;
      index[d] = 0;
    }
  }
}

/**
 * The same result written front to back: output elements in increasing order, each right after reading
 * the input element it copies (pad elements read nothing). Nothing is filled ahead, so the output may
 * overlap the input as long as no write reaches an input element that is still to be read
 * (src/plan/overlap.ts derives the bound; the 'stream-element' variant runs this).
 */
export function padForward(op: Op<'PAD' | 'PADV2'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { paddings } = op.attrs;
  const value = padValueOf(op, inputs);
  const padValue: number | bigint = output.data instanceof BigInt64Array ? BigInt(value) : value;
  const inShape = input.shape;
  const outShape = output.shape;
  const rank = inShape.length;
  const x = elements(input.data);
  const y = elements(output.data);
  if (rank === 0) {
    if (x.length > 0) y[0] = x[0]!;
    return;
  }
  const rowLength = outShape[rank - 1]!;
  const rows = rowLength === 0 ? 0 : y.length / rowLength;
  const [before, after] = paddings[rank - 1]!;
  const inRowLength = inShape[rank - 1]!;
  // Odometer over the output's leading dims; an output row holds input data when every leading index
  // is inside [before, before + size) of its dim.
  const index = new Array<number>(rank - 1).fill(0);
  let src = 0; // next input element to copy
  let e = 0;
  for (let r = 0; r < rows; r++) {
    let inside = true;
    for (let d = 0; d < rank - 1; d++) {
      const i = index[d]! - paddings[d]![0];
      if (i < 0 || i >= inShape[d]!) inside = false;
    }
    if (inside) {
      for (let i = 0; i < before; i++) y[e++] = padValue;
      for (let i = 0; i < inRowLength; i++) y[e++] = x[src++]!;
      for (let i = 0; i < after; i++) y[e++] = padValue;
    } else {
      for (let i = 0; i < rowLength; i++) y[e++] = padValue;
    }
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
}

export const padKernel = pad as (op: Op<'PAD'>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;
export const padV2Kernel = pad as (op: Op<'PADV2'>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;
