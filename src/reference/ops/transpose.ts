// TRANSPOSE (TFLM reference_ops::Transpose), any rank: out[o_0..o_{r-1}] = in[i] with i[perm[k]] = o_k.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { elements, rowMajorStrides } from './util.js';

export function transpose(op: Op<'TRANSPOSE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { perm } = op.attrs;
  const rank = perm.length;
  const inStrides = rowMajorStrides(input.shape);
  // Moving one step along output dim k moves inStrides[perm[k]] elements in the input.
  const strides = perm.map((p) => inStrides[p]!);
  const outShape = output.shape;
  const x = elements(input.data);
  const y = elements(output.data);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < y.length; i++) {
    y[i] = x[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      src -= strides[d]! * index[d]!;
      index[d] = 0;
    }
  }
}
