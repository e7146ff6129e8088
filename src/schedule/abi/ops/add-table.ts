// The compile-time input table of a flat int8 ADD (elementwise.c's add_tab_run): TFLite's ADD scales each input by
// itself before the sum, so the scaled value of the input that is not 'half' (multiplier 2^30, shift 0: (x + offset) 2^19
// exactly) depends on one byte and is read from 256 words, the half input's shifted byte added at run time.
import type { AddSubParams } from '../../../ir/ops.js';
import { multiplyByQuantizedMultiplier } from '../../../ir/quant.js';

/** Below this many elements the table's 1 KB of flash saves under 4k instructions (about 4 an element): no table. */
export const ADD_TABLE_MIN_ELEMENTS = 1024;

/** ADD's derived params, with the call's clamp and its broadcast geometry (elements, whether flat). */
export type AddTableOp = AddSubParams & { clamp: readonly [number, number]; size: number; flat: boolean };

const isHalf = (m: number, shift: number): boolean => m === 2 ** 30 && shift === 0;

/**
 * The 256 words T[x + 128] = 2 (s_B(x) + s_A(0)) for the ADD's non-half input B (s: TFLite's scaled value before the sum,
 * s_A(0) = offset_A 2^19), so that twice TFLite's sum is T[b] + a 2^20, the doubled accumulator of tf_rqd_apply; or null
 * when the call does not take the kernel's table loop: int8 with left shift 20, flat, at least ADD_TABLE_MIN_ELEMENTS,
 * exactly one half input, no fused clamp (SSAT is the whole clamp), the output in tf_rqd_init's form (m >= 0, shift
 * -21..-1, |offset| <= 256), and every doubled sum within int32.
 */
export function addInputTable(op: AddTableOp): Int32Array | null {
  if (op.leftShift !== 20 || !op.flat || op.size < ADD_TABLE_MIN_ELEMENTS || op.clamp[0] !== -128 || op.clamp[1] !== 127) return null;
  const h1 = isHalf(op.input1Multiplier, op.input1Shift), h2 = isHalf(op.input2Multiplier, op.input2Shift);
  if (h1 === h2) return null;
  const outShift = op.outputMultiplier === 0 ? -1 : op.outputShift;
  if (op.outputMultiplier < 0 || outShift > -1 || outShift < -21 || Math.abs(op.outputOffset) > 256) return null;
  const offA = h1 ? op.input1Offset : op.input2Offset, offB = h1 ? op.input2Offset : op.input1Offset;
  const m = h1 ? op.input2Multiplier : op.input1Multiplier, shift = h1 ? op.input2Shift : op.input1Shift;
  const table = new Int32Array(256);
  for (let x = -128; x < 128; x++) {
    const t = 2 * (multiplyByQuantizedMultiplier((x + offB) * 2 ** 20, m, shift) + offA * 2 ** 19);
    // with a = -128 or 127 the doubled sum t + a 2^20 must not wrap
    if (t - 2 ** 27 < -(2 ** 31) || t + 127 * 2 ** 20 >= 2 ** 31) return null;
    table[x + 128] = t;
  }
  return table;
}
