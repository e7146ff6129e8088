// SQUARED_DIFFERENCE on int8, int16 and unquantized int32 with broadcasting (TFLM squared_difference.cc SquaredDifference<T>
// over ElementWise / BroadcastBinaryFunction4DSlow).
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData, rangeOf } from './nonlinear-common.js';
import { broadcastIndexMap } from './util.js';

/**
 * Both inputs to a common scale after the left shift (the input multipliers are below 1), the int32
 * difference squared (wrapping like the C++), then requantized to the output and clamped to the type.
 */
export const squaredDifference: RefKernel<'SQUARED_DIFFERENCE'> = (op, inputs, outputs) => {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x1 = intData(op.kind, a, 'input 1'), x2 = intData(op.kind, b, 'input 2'), y = intData(op.kind, out, 'output');
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (same) checkSameLength(op.kind, x1, y);
  const map1 = same ? null : broadcastIndexMap(a.shape, out.shape);
  const map2 = same ? null : broadcastIndexMap(b.shape, out.shape);
  if (y instanceof Int32Array) {
    // TFLM's unquantized int32 path: (x - y) * (x - y) in int32, wrapping as the C++ does
    for (let i = 0; i < y.length; i++) {
      const diff = (x1[map1 ? map1[i]! : i]! - x2[map2 ? map2[i]! : i]!) | 0;
      y[i] = Math.imul(diff, diff);
    }
    return;
  }
  const p = op.params;
  const scale = 2 ** p.leftShift;
  const [qmin, qmax] = rangeOf(y);
  for (let i = 0; i < y.length; i++) {
    const s1 = multiplyByQuantizedMultiplier((x1[map1 ? map1[i]! : i]! + p.input1Offset) * scale, p.input1Multiplier, p.input1Shift);
    const s2 = multiplyByQuantizedMultiplier((x2[map2 ? map2[i]! : i]! + p.input2Offset) * scale, p.input2Multiplier, p.input2Shift);
    const diff = (s1 - s2) | 0;
    const v = multiplyByQuantizedMultiplier(Math.imul(diff, diff), p.outputMultiplier, p.outputShift) + p.outputOffset;
    y[i] = v < qmin ? qmin : v > qmax ? qmax : v;
  }
};
