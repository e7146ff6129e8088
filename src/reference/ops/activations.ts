// RELU, RELU_N1_TO_1, RELU6 and LEAKY_RELU on int8 (and int16 where TFLM has it).
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData, rangeOf } from './nonlinear-common.js';

/**
 * RELU / RELU_N1_TO_1 (TFLM ReluQuantized): requantize x - input zp to the output scale, add the output
 * zero point, clamp to the activation range (already in the output's quantized domain).
 */
const reluRequantize: RefKernel<'RELU' | 'RELU_N1_TO_1'> = (op, inputs, outputs) => {
  const x = intData(op.kind, inputs[0], 'input');
  const y = intData(op.kind, outputs[0], 'output');
  const size = checkSameLength(op.kind, x, y);
  const { inputOffset, outputOffset, outputMultiplier, outputShift, clamp } = op.params;
  const [lo, hi] = clamp;
  for (let i = 0; i < size; i++) {
    const v = outputOffset + multiplyByQuantizedMultiplier(x[i]! - inputOffset, outputMultiplier, outputShift);
    y[i] = Math.min(hi, Math.max(lo, v));
  }
};

export const relu: RefKernel<'RELU'> = reluRequantize;
export const reluN1To1: RefKernel<'RELU_N1_TO_1'> = reluRequantize;

/** RELU6 (TFLM Relu6Quantized): a plain clamp to [input zp, quantized 6] in the input's domain. */
export const relu6: RefKernel<'RELU6'> = (op, inputs, outputs) => {
  const x = intData('RELU6', inputs[0], 'input');
  const y = intData('RELU6', outputs[0], 'output');
  const size = checkSameLength('RELU6', x, y);
  const [lower, upper] = op.params.clamp;
  for (let i = 0; i < size; i++) {
    const v = x[i]!;
    y[i] = v > upper ? upper : v < lower ? lower : v;
  }
};

/**
 * LEAKY_RELU (TFLite QuantizeLeakyRelu): x - input zp >= 0 is requantized with input/output scale,
 * below zero with alpha * input/output scale; plus the output zero point, clamped to the output type.
 */
export const leakyRelu: RefKernel<'LEAKY_RELU'> = (op, inputs, outputs) => {
  const x = intData('LEAKY_RELU', inputs[0], 'input');
  const y = intData('LEAKY_RELU', outputs[0], 'output');
  const size = checkSameLength('LEAKY_RELU', x, y);
  const p = op.params;
  const [qmin, qmax] = rangeOf(y);
  for (let i = 0; i < size; i++) {
    const input = x[i]! - p.inputOffset;
    const scaled =
      input >= 0
        ? multiplyByQuantizedMultiplier(input, p.outputMultiplierIdentity, p.outputShiftIdentity)
        : multiplyByQuantizedMultiplier(input, p.outputMultiplierAlpha, p.outputShiftAlpha);
    const v = p.outputOffset + scaled;
    y[i] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
};
