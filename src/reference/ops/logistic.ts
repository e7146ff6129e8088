// LOGISTIC, int8 (int16: sigmoid16.ts): TFLite's reference_integer_ops::Logistic (gemmlowp fixed point).
//
// x - zp beyond +-inputRangeRadius saturates to 127 / -128; inside, it is rescaled to Q4.27
// (multiplier from frexp(input_scale * 2^27)), passed through gemmlowp's logistic (result in Q0.31),
// and rounded down to 1/256 steps with the output zero point fixed at -128.
import { fixedLogistic } from '../../ir/fixedpoint.js';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { logistic16 } from './sigmoid16.js';
import { checkSameLength, intData } from './nonlinear-common.js';

const INPUT_INTEGER_BITS = 4;
const OUTPUT_INTEGER_BITS = 8;

export const logistic: RefKernel<'LOGISTIC'> = (op, inputs, outputs) => {
  const x = intData('LOGISTIC', inputs[0], 'input');
  const y = intData('LOGISTIC', outputs[0], 'output');
  const size = checkSameLength('LOGISTIC', x, y);
  if (x instanceof Int16Array) {
    // int16: TFLite's table with interpolation; zero points are 0 (params).
    for (let i = 0; i < size; i++) y[i] = logistic16(x[i]!, op.params.inputMultiplier, op.params.inputLeftShift);
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
      const outputInQ0 = fixedLogistic(inputInQ4, INPUT_INTEGER_BITS);
      const out = roundingDivideByPOT(outputInQ0, 31 - OUTPUT_INTEGER_BITS) - 128;
      y[i] = out < -128 ? -128 : out > 127 ? 127 : out;
    }
  }
};
