// QUANTIZE and DEQUANTIZE as TFLite Micro's reference kernels do them.
import { affineQuantize, multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, floatData, intData } from './nonlinear-common.js';

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
    for (let i = 0; i < size; i++) y[i] = affineQuantize(x[i]!, p.scale, p.zeroPoint, p.qmin, p.qmax);
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
