// MEAN, int8/int16: TFLite's reference_ops::QuantizedMeanOrSum (compute_sum = false), the path TFLite
// Micro takes for every integer MEAN, whether or not input and output quantization match.
//
// Sum the raw input values over the reduced axes in int32 (wrapping), subtract zp_in * count, then
// one MultiplyByQuantizedMultiplier whose multiplier already holds input_scale / output_scale / count
// (rounded to nearest, halves away from zero), add zp_out, clamp to the output type.
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { intData, rangeOf } from './nonlinear-common.js';
import { UnsupportedError } from '../../errors.js';

export const mean: RefKernel<'MEAN'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData('MEAN', input, 'input');
  const y = intData('MEAN', outputs[0], 'output');
  const { inputZeroPoint, outputZeroPoint, multiplier, shift, count } = op.params;
  const axes = op.attrs.axes;
  const shape = input.shape;
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
  if (outSize !== y.length || outSize * count !== x.length) {
    throw new UnsupportedError(`MEAN: views do not match shape [${shape.join(',')}] reduced over [${axes.join(',')}]`, { op: 'MEAN' });
  }

  const sums = new Int32Array(outSize);
  const index = new Array<number>(rank).fill(0);
  let o = 0;
  for (let i = 0; i < x.length; i++) {
    sums[o] = (sums[o]! + x[i]!) | 0;
    // Odometer step over the input index, keeping the output offset in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      o += outStride[d]!;
      if (index[d]! < shape[d]!) break;
      o -= outStride[d]! * shape[d]!;
      index[d] = 0;
    }
  }

  const [qmin, qmax] = rangeOf(y);
  for (let k = 0; k < outSize; k++) {
    const shiftedSum = (sums[k]! - inputZeroPoint * count) | 0;
    const v = multiplyByQuantizedMultiplier(shiftedSum, multiplier, shift) + outputZeroPoint;
    y[k] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
};
