// SOFTMAX, int8 input -> int8 or int16 output: TFLite's reference_ops::Softmax<int8_t, OutputT>
// (gemmlowp fixed point, as TFLite Micro runs it).
//
// Per row of the last dim: diff = x - max (<= 0). Diffs below diffMin contribute nothing (exp < 2^-32
// would round away). The rest are scaled to Q5.26 (diff * beta * input_scale), exponentiated in Q0.31,
// summed in Q12.19, and each exp is multiplied by 1/sum and shifted down to 8 (or 16) bits, then offset
// by the output type's minimum (-128 / -32768), which is its zero point: output scale 1/256 (1/65536).
import { UnsupportedError } from '../../errors.js';
import { expOnNegativeValues, getReciprocal, multiplyByQuantizedMultiplierGreaterThanOne, rescale } from '../../ir/fixedpoint.js';
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../../ir/quant.js';
import { lookupInt16Lut, softmaxInt16Luts } from '../../ir/softmax-lut.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData, rangeOf } from './nonlinear-common.js';

const SCALED_DIFF_INTEGER_BITS = 5;
const ACCUMULATION_INTEGER_BITS = 12;

export const softmax: RefKernel<'SOFTMAX'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData('SOFTMAX', input, 'input');
  const y = intData('SOFTMAX', outputs[0], 'output');
  const size = checkSameLength('SOFTMAX', x, y);
  const { inputMultiplier, inputLeftShift, diffMin } = op.params;
  const [outMin, outMax] = rangeOf(y);
  const outputBits = y instanceof Int16Array ? 16 : 8;
  const depth = input.shape[input.shape.length - 1] ?? 1;
  if (depth === 0) return;
  if (size % depth !== 0) throw new UnsupportedError(`SOFTMAX: ${size} elements are not rows of ${depth}`, { op: 'SOFTMAX' });

  // exp(diff) in Q0.31 for a diff >= diffMin.
  const expOfDiff = (diff: number) =>
    expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift), SCALED_DIFF_INTEGER_BITS);

  if (x instanceof Int16Array) {
    softmax16(x, y, depth, inputMultiplier, inputLeftShift);
    return;
  }
  for (let row = 0; row < size; row += depth) {
    let maxInRow = -128; // int8 input
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, x[row + c]!);

    let sumOfExps = 0; // Q12.19, wraps like int32
    for (let c = 0; c < depth; c++) {
      const diff = x[row + c]! - maxInRow;
      if (diff >= diffMin) sumOfExps = (sumOfExps + rescale(expOfDiff(diff), 0, ACCUMULATION_INTEGER_BITS)) | 0;
    }

    const { raw: shiftedScale, numBitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    const exponent = numBitsOverUnit + 31 - outputBits;
    if (exponent < 0 || exponent > 31) {
      // TFLM's TFLITE_CHECK aborts here (a row with hundreds of values tied at the maximum).
      throw new UnsupportedError(`SOFTMAX: sum of exponentials out of TFLM's range (exponent ${exponent})`, { op: 'SOFTMAX' });
    }

    for (let c = 0; c < depth; c++) {
      const diff = x[row + c]! - maxInRow;
      if (diff >= diffMin) {
        const unsat = roundingDivideByPOT(saturatingRoundingDoublingHighMul(shiftedScale, expOfDiff(diff)), exponent);
        const shifted = unsat + outMin;
        y[row + c] = shifted > outMax ? outMax : shifted < outMin ? outMin : shifted;
      } else {
        y[row + c] = outMin;
      }
    }
  }
};

/**
 * int16 -> int16: TFLite's SoftmaxInt16. exp(diff) from the exp table (diff rescaled to [-65535, 0] ~ [-10, 0],
 * recentred by +32767), summed in Q16.15; 1/sum from the 1/(1+x) table after normalizing the sum by its
 * leading zeros; each exp times it, rounded, clamped to [0, 32767].
 */
function softmax16(x: Int16Array, y: ArrayLike<number> & { [i: number]: number }, depth: number, multiplier: number, shift: number): void {
  const { exp, oneOverOnePlusX } = softmaxInt16Luts();
  const clamp16 = (v: number) => (v < -32768 ? -32768 : v > 32767 ? 32767 : v);
  const expOf = (v: number, max: number) => lookupInt16Lut(clamp16(multiplyByQuantizedMultiplier(v - max, multiplier, shift) + 32767), exp);
  for (let row = 0; row < x.length; row += depth) {
    let max = -32768;
    for (let c = 0; c < depth; c++) max = Math.max(max, x[row + c]!);
    let sum = 0;
    for (let c = 0; c < depth; c++) sum += expOf(x[row + c]!, max);
    const headroomPlusOne = Math.clz32(sum);
    // (sum << (headroom - 1) + 2^13) >> 14: below 2^31 + 2^13, exact in a double
    const shiftedSum = Math.floor((sum * 2 ** (headroomPlusOne - 1) + (1 << 13)) / (1 << 14));
    const reciprocal = lookupInt16Lut(clamp16(shiftedSum - ((1 << 15) + (1 << 16))), oneOverOnePlusX);
    const rightShift = 31 - headroomPlusOne;
    for (let c = 0; c < depth; c++) {
      const result = Math.floor((expOf(x[row + c]!, max) * reciprocal + 2 ** (rightShift - 1)) / 2 ** rightShift);
      y[row + c] = result < 0 ? 0 : result > 32767 ? 32767 : result;
    }
  }
}
