// PAD and PADV2 (TFLM reference_ops::Pad), any rank.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { elements, fillWith, rowMajorStrides } from './util.js';

/**
 * The output is filled with the pad value (PAD int8: the output zero point, i.e. real 0; PADV2: the
 * constant value tensor), then every input row (last dim) is copied to its shifted place.
 */
function pad(op: Op<'PAD' | 'PADV2'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { paddings } = op.attrs;
  fillWith(output.data, op.params.padValue);
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

export const padKernel = pad as (op: Op<'PAD'>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;
export const padV2Kernel = pad as (op: Op<'PADV2'>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;
