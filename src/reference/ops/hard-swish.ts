// HARD_SWISH, int8: TFLite's reference_ops::HardSwish<int8_t> (16-bit fixed point).
//
// x * relu6(x + 3) / 6 computed as: x on a "hires" scale (x - zp) * 2^7, the same value on the output
// scale (a Q15 multiplier), a "reluish" factor in [0, 1] = (x / 3 saturated to [-1, 1] + 1) / 2, and
// their product (rounding toward zero, as TFLite does to cancel the bias of the other roundings).
import {
  roundingDivideByPOTInt16,
  saturatingRoundingDoublingHighMulInt16,
  toInt16,
} from '../../ir/fixedpoint.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData, rangeOf } from './nonlinear-common.js';

/** TFLite's SaturatingLeftShift for int16: value * 2^amount clamped to int16. */
function saturatingLeftShiftInt16(value: number, amount: number): number {
  const r = value * 2 ** amount;
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** TFLite's SaturatingDoublingHighMul for int16 (like ARM SQDMULH): (a*b*2) >> 16, truncating toward zero. */
function saturatingDoublingHighMulInt16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  return toInt16(Math.trunc((a * b) / 32768));
}

export const hardSwish: RefKernel<'HARD_SWISH'> = (op, inputs, outputs) => {
  const x = intData('HARD_SWISH', inputs[0], 'input');
  const y = intData('HARD_SWISH', outputs[0], 'output');
  const size = checkSameLength('HARD_SWISH', x, y);
  const p = op.params;
  const [outMin, outMax] = rangeOf(y);
  for (let i = 0; i < size; i++) {
    const inputValue = toInt16(x[i]! - p.inputZeroPoint);
    const inputOnHiresScale = toInt16(inputValue * 128);
    const inputOnPreshiftOutputScale = saturatingRoundingDoublingHighMulInt16(inputOnHiresScale, p.outputMultiplierFixedpointInt16);

    // Rescale to [-1, 1] = [-3, 3] real, saturating; the last bit of left shift applied after the multiply.
    let reluish = inputOnHiresScale;
    if (p.reluishMultiplierExponent > 0) reluish = saturatingLeftShiftInt16(reluish, p.reluishMultiplierExponent - 1);
    reluish = saturatingRoundingDoublingHighMulInt16(reluish, p.reluishMultiplierFixedpointInt16);
    if (p.reluishMultiplierExponent > 0) reluish = saturatingLeftShiftInt16(reluish, 1);
    if (p.reluishMultiplierExponent < 0) reluish = roundingDivideByPOTInt16(reluish, -p.reluishMultiplierExponent);
    // [-1, 1] -> [0, 1]
    reluish = toInt16((reluish + (1 << 15)) >> 1);

    const preshiftOutput = saturatingDoublingHighMulInt16(reluish, inputOnPreshiftOutputScale);
    let out = roundingDivideByPOTInt16(preshiftOutput, -p.outputMultiplierExponent);
    out = toInt16(out + p.outputZeroPoint);
    y[i] = out > outMax ? outMax : out < outMin ? outMin : out;
  }
};
