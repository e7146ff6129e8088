// MEAN and SUM, int8/int16: TFLite's reference_ops::QuantizedMeanOrSum, the path TFLite Micro takes for every
// integer SUM (compute_sum = true) and MEAN (compute_sum = false; 1/count is in the params' multiplier).
// REDUCE_MAX, int8: TFLite's ReduceGeneric with a max reducer from the type's lowest value.
//
// Sum the raw input values over the reduced axes in int32 (wrapping), subtract zp_in * count, then
// one MultiplyByQuantizedMultiplier (rounded to nearest, halves away from zero), add zp_out, clamp to the
// output type.
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { intData, rangeOf } from './nonlinear-common.js';
import { UnsupportedError } from '../../errors.js';
import type { OpKind } from '../../ir/ops.js';

/** Calls visit(inputIndex, outputIndex) for every input element in input order; the output index drops the reduced axes. */
export function forEachReduced(kind: OpKind, shape: readonly number[], axes: readonly number[], inputs: number, outputs: number, visit: (i: number, o: number) => void): void {
  const rank = shape.length;
  // Output stride of each input dim: 0 on reduced dims, row-major over the kept dims otherwise.
  const outStride = new Array<number>(rank).fill(0);
  let outSize = 1;
  for (let d = rank - 1; d >= 0; d--) {
    if (!axes.includes(d)) {
      outStride[d] = outSize;
      outSize *= shape[d]!;
    }
  }
  const count = shape.reduce((a, d) => a * d, 1) / outSize;
  if (outSize !== outputs || outSize * count !== inputs) {
    throw new UnsupportedError(`${kind}: views do not match shape [${shape.join(',')}] reduced over [${axes.join(',')}]`, { op: kind });
  }
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < inputs; i++) {
    visit(i, o);
    // Odometer step over the input index, keeping the output offset in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      o += outStride[d]!;
      if (index[d]! < shape[d]!) break;
      o -= outStride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

export const mean: RefKernel<'MEAN' | 'SUM'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData(op.kind, input, 'input');
  const y = intData(op.kind, outputs[0], 'output');
  const { inputZeroPoint, outputZeroPoint, multiplier, shift, count } = op.params;
  const sums = new Int32Array(y.length);
  forEachReduced(op.kind, input.shape, op.attrs.axes, x.length, y.length, (i, o) => (sums[o] = (sums[o]! + x[i]!) | 0));
  const [qmin, qmax] = rangeOf(y);
  for (let k = 0; k < y.length; k++) {
    const shiftedSum = (sums[k]! - inputZeroPoint * count) | 0;
    const v = multiplyByQuantizedMultiplier(shiftedSum, multiplier, shift) + outputZeroPoint;
    y[k] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
};

/** REDUCE_MAX int8: the largest stored value per output (input and output quantization are equal). */
export const reduceMax: RefKernel<'REDUCE_MAX'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData(op.kind, input, 'input');
  const y = intData(op.kind, outputs[0], 'output');
  y.fill(rangeOf(y)[0]);
  forEachReduced(op.kind, input.shape, op.attrs.axes, x.length, y.length, (i, o) => {
    if (x[i]! > y[o]!) y[o] = x[i]!;
  });
};
