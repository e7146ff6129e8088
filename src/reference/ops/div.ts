// DIV on int8 (and unquantized int32) with broadcasting as TFLM's div.h DivElementwise / BroadcastDivSlowQuantized: the quotient
// of the offset inputs through GetReciprocal of the divisor, then the output multiplier.
import { countLeadingSignBits, getReciprocal, multiplyByQuantizedMultiplierGreaterThanOne, roundingDivideByPOTArm } from '../../ir/fixedpoint.js';
import type { MulParams } from '../../ir/ops.js';
import { saturatingRoundingDoublingHighMul } from '../../ir/quant.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData } from './nonlinear-common.js';
import { broadcastIndexMap } from './util.js';

/**
 * One quotient before the zero point and clamp: signs moved to the dividend, the dividend shifted up by
 * its headroom and multiplied by 1 / divisor, then by the output multiplier with the combined right
 * shift. A divisor at its zero point (TFLM only DCHECKs it) goes through the same integer steps
 * (GetReciprocal of 0: shift -1 and a raw value from -1 in Q0.31), as TFLM's release build does.
 */
export function divQuotient(a: number, b: number, p: MulParams): number {
  let x1 = a + p.input1Offset, x2 = b + p.input2Offset;
  if (x2 < 0) {
    x1 = -x1;
    x2 = -x2;
  }
  const inv = getReciprocal(x2, 31);
  const headroom = countLeadingSignBits(x1);
  const unscaled = multiplyByQuantizedMultiplierGreaterThanOne(x1, inv.raw, headroom);
  const totalShift = p.outputShift - inv.numBitsOverUnit - headroom;
  return roundingDivideByPOTArm(saturatingRoundingDoublingHighMul(unscaled, p.outputMultiplier), -totalShift);
}

/**
 * TFLM's unquantized int32 Div: C++ a / b (truncating toward zero). A zero divisor and INT32_MIN / -1 are
 * undefined in C++; we give what Cortex-M's SDIV gives (0, and INT32_MIN), the same on every engine.
 */
export function divInt32(a: number, b: number): number {
  return b === 0 ? 0 : (a / b) | 0;
}

export const div: RefKernel<'DIV'> = (op, inputs, outputs) => {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x1 = intData(op.kind, a, 'input 1'), x2 = intData(op.kind, b, 'input 2'), y = intData(op.kind, out, 'output');
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (same) checkSameLength(op.kind, x1, y);
  const map1 = same ? null : broadcastIndexMap(a.shape, out.shape);
  const map2 = same ? null : broadcastIndexMap(b.shape, out.shape);
  const [lo, hi] = op.attrs.clamp;
  const quotient = y instanceof Int32Array ? (p: number, q: number) => divInt32(p, q) : (p: number, q: number) => op.params.outputOffset + divQuotient(p, q, op.params);
  for (let i = 0; i < y.length; i++) {
    const v = quotient(x1[map1 ? map1[i]! : i]!, x2[map2 ? map2[i]! : i]!);
    y[i] = v < lo ? lo : v > hi ? hi : v;
  }
};
