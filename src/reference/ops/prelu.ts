// PRELU on int8 / int16 with an int8 alpha (TFLM prelu.cc over reference_ops::BroadcastPrelu4DSlow).
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { intData, rangeOf } from './nonlinear-common.js';
import { broadcastIndexMap } from './util.js';

/** x - zp >= 0 requantized by the identity multiplier, else (x - zp) * (alpha - alpha zp) by the alpha multiplier; clamped to the type. */
export const prelu: RefKernel<'PRELU'> = (op, inputs, outputs) => {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x = intData(op.kind, a, 'input'), alpha = intData(op.kind, b, 'alpha'), y = intData(op.kind, out, 'output');
  const mapX = broadcastIndexMap(a.shape, out.shape), mapA = broadcastIndexMap(b.shape, out.shape);
  const p = op.params;
  const [qmin, qmax] = rangeOf(y);
  for (let i = 0; i < y.length; i++) {
    const v = p.inputOffset + x[mapX[i]!]!;
    const r = v >= 0
      ? multiplyByQuantizedMultiplier(v, p.multiplier1, p.shift1)
      : multiplyByQuantizedMultiplier(Math.imul(v, p.alphaOffset + alpha[mapA[i]!]!), p.multiplier2, p.shift2);
    const o = r + p.outputOffset;
    y[i] = o < qmin ? qmin : o > qmax ? qmax : o;
  }
};
