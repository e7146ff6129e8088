// TANH, int8 (int16: sigmoid16.ts): TFLite's reference_integer_ops::Tanh (gemmlowp fixed point).
//
// Like LOGISTIC, but the result (Q0.31 in (-1, 1)) is rounded to 1/128 steps around zero: the output
// is read as scale 1/128, zero point 0 whatever the output tensor says (TFLM does not check it).
import { fixedTanh } from '../../ir/fixedpoint.js';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { tanh16 } from './sigmoid16.js';
import { checkSameLength, intData } from './nonlinear-common.js';

const INPUT_INTEGER_BITS = 4;
const OUTPUT_SCALE_BITS = 7;

export const tanh: RefKernel<'TANH'> = (op, inputs, outputs) => {
  const x = intData('TANH', inputs[0], 'input');
  const y = intData('TANH', outputs[0], 'output');
  const size = checkSameLength('TANH', x, y);
  if (x instanceof Int16Array) {
    // int16: TFLite's table with interpolation; zero points are 0 (params).
    for (let i = 0; i < size; i++) y[i] = tanh16(x[i]!, op.params.inputMultiplier, op.params.inputLeftShift);
    return;
  }
  const { inputZeroPoint, inputRangeRadius, inputMultiplier, inputLeftShift } = op.params;
  for (let i = 0; i < size; i++) {
    const input = x[i]! - inputZeroPoint;
    if (input <= -inputRangeRadius) {
      y[i] = -128;
    } else if (input >= inputRangeRadius) {
      y[i] = 127;
    } else {
      const inputInQ4 = multiplyByQuantizedMultiplier(input, inputMultiplier, inputLeftShift);
      const outputInQ0 = fixedTanh(inputInQ4, INPUT_INTEGER_BITS);
      const out = roundingDivideByPOT(outputInQ0, 31 - OUTPUT_SCALE_BITS);
      y[i] = out < -128 ? -128 : out > 127 ? 127 : out;
    }
  }
};
