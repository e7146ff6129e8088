// float32 arithmetic as TFLite's float kernels do it: every product, sum and quotient rounded to
// float32 (Math.fround), never accumulated in float64.
import type { Clamp } from '../../ir/ops.js';

export const f32 = Math.fround;

/** ActivationFunctionWithMinMax: min(max(x, lo), hi) on float32 values. */
export function clampF32(x: number, clamp: Clamp): number {
  const lo = clamp[0];
  const hi = clamp[1];
  return x < lo ? f32(lo) : x > hi ? f32(hi) : x;
}
