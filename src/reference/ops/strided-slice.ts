// STRIDED_SLICE (TFLM reference_ops::StridedSlice) over resolved per-dim begin/end/strides, any rank.
import type { Op } from '../../ir/graph.js';
import { sliceCount } from '../../ir/params/linear.js';
import type { TensorView } from '../types.js';
import { elements, rowMajorStrides } from './util.js';

/**
 * Visits begin[d], begin[d]+strides[d], ... (stopping before end[d]) in every dim, row-major, writing
 * the selected elements to the output in order; shrink/new-axis masks only change the output's shape.
 */
export function stridedSlice(op: Op<'STRIDED_SLICE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { begin, end, strides } = op.attrs;
  const rank = input.shape.length;
  const counts = begin.map((b, d) => sliceCount(b, end[d]!, strides[d]!));
  const total = counts.reduce((p, c) => p * c, 1);
  const inStrides = rowMajorStrides(input.shape);
  const steps = strides.map((s, d) => s * inStrides[d]!);
  const x = elements(input.data);
  const y = elements(output.data);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let d = 0; d < rank; d++) src += begin[d]! * inStrides[d]!;
  for (let i = 0; i < total; i++) {
    y[i] = x[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += steps[d]!;
      if (index[d]! < counts[d]!) break;
      src -= steps[d]! * index[d]!;
      index[d] = 0;
    }
  }
}
