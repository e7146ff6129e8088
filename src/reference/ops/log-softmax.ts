// LOG_SOFTMAX, int8 in and out, as TFLM's reference_ops::LogSoftmax (log_softmax.h LogSoftmaxQuantized).
//
// Per row of the last dim: diff = x - max (<= 0). Diffs at or above diffMin are scaled to Q5.26 and their
// exps summed in Q12.19; ln(sum) in Q5.26. Each output is (scaled diff - ln(sum)) down to Q4.3 (scale
// 16/256) plus 127, clamped; a diff at or below the reverse-scaled limit (where that difference would
// leave Q5.26) is -128.
import { UnsupportedError } from '../../errors.js';
import { expOnNegativeValues, logXForXGreaterThanOrEqualTo1, rescale } from '../../ir/fixedpoint.js';
import { INT32_MIN, multiplyByQuantizedMultiplier, roundingDivideByPOT } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData } from './nonlinear-common.js';

const INPUT_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;
const OUTPUT_INTEGER_BITS = 4;

export const logSoftmax: RefKernel<'LOG_SOFTMAX'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData('LOG_SOFTMAX', input, 'input');
  const y = intData('LOG_SOFTMAX', outputs[0], 'output');
  const size = checkSameLength('LOG_SOFTMAX', x, y);
  const { inputMultiplier, inputLeftShift, reverseScalingDivisor, reverseScalingRightShift, diffMin } = op.params;
  const depth = input.shape[input.shape.length - 1] ?? 1;
  if (depth === 0) return;
  if (size % depth !== 0) throw new UnsupportedError(`LOG_SOFTMAX: ${size} elements are not rows of ${depth}`, { op: 'LOG_SOFTMAX' });
  const scaled = (diff: number) => multiplyByQuantizedMultiplier(diff, inputMultiplier, inputLeftShift);

  for (let row = 0; row < size; row += depth) {
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, x[row + c]!);

    let sumOfExps = 0; // Q12.19, wraps like int32
    for (let c = 0; c < depth; c++) {
      const diff = x[row + c]! - maxInRow;
      if (diff >= diffMin) sumOfExps = (sumOfExps + rescale(expOnNegativeValues(scaled(diff), INPUT_INTEGER_BITS), 0, ACCUMULATION_INTEGER_BITS)) | 0;
    }
    const logSum = logXForXGreaterThanOrEqualTo1(sumOfExps, ACCUMULATION_INTEGER_BITS, INPUT_INTEGER_BITS);
    // The lowest Q5.26 value plus ln(sum), back in input units: diffs at or below it give -128.
    const adjustedDiffMin = Math.max(diffMin - 1, multiplyByQuantizedMultiplier((logSum + INT32_MIN) | 0, reverseScalingDivisor, -reverseScalingRightShift));

    for (let c = 0; c < depth; c++) {
      const diff = x[row + c]! - maxInRow;
      if (diff > adjustedDiffMin) {
        const v = roundingDivideByPOT((scaled(diff) - logSum) | 0, 31 - INPUT_INTEGER_BITS - OUTPUT_INTEGER_BITS) + 127;
        y[row + c] = v < -128 ? -128 : v > 127 ? 127 : v;
      } else {
        y[row + c] = -128;
      }
    }
  }
};
