// ABS (int8, int16 quantized or not) and RSQRT (int8) as TFLM's elementwise.cc AbsEvalQuantized / RsqrtEvalQuantized.
import { InputDataError } from '../../errors.js';
import { getInvSqrtQuantizedMultiplierExp } from '../../ir/fixedpoint.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData, rangeOf } from './nonlinear-common.js';

/** TFLM's kShift in RsqrtEvalQuantized: 1 / sqrt(value) is formed as an integer scaled by 2^20. */
export const RSQRT_KSHIFT = 20;

/** |x - input zp|, requantized to the output scale when the scales differ, plus the output zp, clamped to the type. */
export const abs: RefKernel<'ABS'> = (op, inputs, outputs) => {
  const x = intData('ABS', inputs[0], 'input');
  const y = intData('ABS', outputs[0], 'output');
  const size = checkSameLength('ABS', x, y);
  const { inputOffset, outputOffset, multiplier, shift, rescale, unquantized } = op.params;
  if (unquantized) {
    // TFLM's AbsHelper<int16_t>: std::abs in int, cast back to int16 (the typed array wraps 32768 to -32768)
    for (let i = 0; i < size; i++) y[i] = Math.abs(x[i]!);
    return;
  }
  const [qmin, qmax] = rangeOf(y);
  for (let i = 0; i < size; i++) {
    const value = Math.abs(x[i]! - inputOffset);
    const v = (rescale ? multiplyByQuantizedMultiplier(value, multiplier, shift) : value) + outputOffset;
    y[i] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
};

/** One RSQRT element: x - input zp of 0 gives the type's maximum, else 1 / sqrt(value) requantized. */
export function rsqrtElement(value: number, multiplier: number, shift: number, outputOffset: number, qmin: number, qmax: number): number {
  if (value === 0) return qmax;
  const inv = getInvSqrtQuantizedMultiplierExp(value, -1);
  const data = multiplyByQuantizedMultiplier(1, inv.multiplier, inv.shift + RSQRT_KSHIFT);
  const v = multiplyByQuantizedMultiplier(data, multiplier, shift - RSQRT_KSHIFT) + outputOffset;
  return v < qmin ? qmin : v > qmax ? qmax : v;
}

/** TFLM fails the Invoke on an element below the input zero point ("Rsqrt is only defined for positive values"). */
export const rsqrt: RefKernel<'RSQRT'> = (op, inputs, outputs) => {
  const x = intData('RSQRT', inputs[0], 'input');
  const y = intData('RSQRT', outputs[0], 'output');
  const size = checkSameLength('RSQRT', x, y);
  const { inputOffset, outputOffset, multiplier, shift } = op.params;
  const [qmin, qmax] = rangeOf(y);
  for (let i = 0; i < size; i++) {
    if (x[i]! < inputOffset) {
      throw new InputDataError(`RSQRT: input element ${i} is ${x[i]}, below the zero point ${inputOffset} (a negative value; TFLM's Invoke fails there)`, {
        op: 'RSQRT', element: i, value: x[i], zeroPoint: inputOffset,
      });
    }
    y[i] = rsqrtElement(x[i]! - inputOffset, multiplier, shift, outputOffset, qmin, qmax);
  }
};
