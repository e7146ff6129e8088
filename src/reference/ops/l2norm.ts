// L2_NORMALIZATION int8: TFLite's reference_integer_ops::L2Normalization, the kernel TFLite Micro runs.
// Per innermost row: the int32 sum of (x - zp_in)^2 (wrapping), its inverse square root as a multiplier
// and shift (GetInvSqrtQuantizedMultiplierExp, reverse shift -1), then each (x - zp_in) times it with 7
// more left shifts (the output's fixed 1/128 steps), clamped to int8. The output's quantization is not read.
import { getInvSqrtQuantizedMultiplierExp } from '../../ir/fixedpoint.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData } from './nonlinear-common.js';

const OUTPUT_SCALE_BITS = 7; // TFLM's kOutputScale: outputs in 1/128 steps

export const l2Normalization: RefKernel<'L2_NORMALIZATION'> = (op, inputs, outputs) => {
  const input = inputs[0]!;
  const x = intData(op.kind, input, 'input');
  const y = intData(op.kind, outputs[0], 'output');
  const size = checkSameLength(op.kind, x, y);
  const depth = input.shape[input.shape.length - 1] ?? 1;
  const zp = op.params.inputZeroPoint;
  for (let row = 0; row + depth <= size && depth > 0; row += depth) {
    let acc = 0;
    for (let c = 0; c < depth; c++) {
      const v = x[row + c]! - zp;
      acc = (acc + v * v) | 0;
    }
    const { multiplier, shift } = getInvSqrtQuantizedMultiplierExp(acc, -1);
    for (let c = 0; c < depth; c++) {
      const v = multiplyByQuantizedMultiplier(x[row + c]! - zp, multiplier, shift + OUTPUT_SCALE_BITS);
      y[row + c] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
  }
};
