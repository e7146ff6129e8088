// QUANTIZE and DEQUANTIZE as TFLite Micro's reference kernels do them.
import { multiplyByQuantizedMultiplier, roundHalfAway } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, floatData, intData } from './nonlinear-common.js';

/**
 * static_cast<int32_t>(float) as the golden x86 build executes it (cvttss2si): NaN and values outside
 * the int32 range become INT32_MIN. (The C++ is undefined there; ARM would saturate instead.)
 */
function castFloatToInt32(r: number): number {
  return r >= -2147483648 && r < 2147483648 ? r : -2147483648;
}

/**
 * QUANTIZE. float32 input: AffineQuantize, round(x / scale) in float32 (halves away from zero), plus the
 * zero point, clamped. Integer input: Requantize, MultiplyByQuantizedMultiplier(x - zp_in) + zp_out, clamped.
 */
export const quantize: RefKernel<'QUANTIZE'> = (op, inputs, outputs) => {
  const y = intData('QUANTIZE', outputs[0], 'output');
  const p = op.params;
  if (p.mode === 'fromFloat') {
    const x = floatData('QUANTIZE', inputs[0], 'input');
    const size = checkSameLength('QUANTIZE', x, y);
    const scale = Math.fround(p.scale);
    for (let i = 0; i < size; i++) {
      const rounded = roundHalfAway(Math.fround(x[i]! / scale));
      const unclamped = (castFloatToInt32(rounded) + p.zeroPoint) | 0;
      y[i] = unclamped < p.qmin ? p.qmin : unclamped > p.qmax ? p.qmax : unclamped;
    }
    return;
  }
  const x = intData('QUANTIZE', inputs[0], 'input');
  const size = checkSameLength('QUANTIZE', x, y);
  for (let i = 0; i < size; i++) {
    const input = (x[i]! - p.inputZeroPoint) | 0;
    const output = (multiplyByQuantizedMultiplier(input, p.multiplier, p.shift) + p.outputZeroPoint) | 0;
    y[i] = output < p.qmin ? p.qmin : output > p.qmax ? p.qmax : output;
  }
};

/** DEQUANTIZE: float32(scale * (x - zp)), one float32 rounding of an exact product. */
export const dequantize: RefKernel<'DEQUANTIZE'> = (op, inputs, outputs) => {
  const x = intData('DEQUANTIZE', inputs[0], 'input');
  const y = floatData('DEQUANTIZE', outputs[0], 'output');
  const size = checkSameLength('DEQUANTIZE', x, y);
  const scale = Math.fround(op.params.scale);
  const zeroPoint = op.params.zeroPoint;
  for (let i = 0; i < size; i++) y[i] = scale * (x[i]! - zeroPoint); // Float32Array stores round to float32
};
