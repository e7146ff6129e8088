// The float32 form of the wasm requantization table (src/schedule/abi.ts `qparams`, forms 3 and 4):
// r = round-to-nearest(fround(fround(x) * scale) + nudge [+ negative when the product is negative]),
// computed on 4 lanes per SIMD op. float32 cannot represent TFLM's arithmetic in general, so a channel
// gets this form only after a proof over every accumulator it can reach: both the exact result
// (MultiplyByQuantizedMultiplier) and the float32 one are non-decreasing step functions of x, so they
// give the same clamped output everywhere iff they step at the same x for every output level the clamp
// lets through. Each such step is located exactly and the float32 function is evaluated on both sides.
import { multiplyByQuantizedMultiplier } from '../ir/quant.js';

export interface Float32Requant {
  scale: number;
  nudge: number;
  /** Added to the nudge where the product is negative (0: form 3, no select). */
  negative: number;
}

/** The accumulator range and the clamped output a channel serves. */
export interface ChannelRange {
  /** Every x = acc + bias the channel can reach (int32, no wrap). */
  xLo: number;
  xHi: number;
  zeroPoint: number;
  actMin: number;
  actMax: number;
}

const MAGIC32 = 12582912; // 1.5 * 2^23: adding it rounds a float32 below 2^22 to an integer
const f = Math.fround;

/** The kernel's float32 arithmetic for one lane (assembly/requant.ts requant4, forms 3 and 4). */
export function float32Result(x: number, c: Float32Requant): number {
  const p = f(f(x) * c.scale);
  const n = c.negative !== 0 && p < 0 ? f(c.nudge + c.negative) : c.nudge;
  return f(f(p + n) + MAGIC32) - MAGIC32;
}

/**
 * The float32 constants for (multiplier, shift) if they give TFLM's clamped output for every x in the
 * range, else null. `withNegative`: also use the sign-chosen nudge (form 4) rather than one nudge.
 */
export function float32Requant(multiplier: number, shift: number, range: ChannelRange, withNegative: boolean): Float32Requant | null {
  const e = Math.max(-shift, 0), ls = Math.max(shift, 0);
  if (multiplier <= 0) return null;
  const exactScale = multiplier * 2 ** (ls - 31 - e);
  // round-to-nearest(p + nudge) = floor(p + 2^-(1+e) + 1/2), TFLM's two roundings, away from ties
  const c: Float32Requant = {
    scale: f(exactScale),
    nudge: f(e > 0 ? 2 ** -(1 + e) : 0),
    negative: withNegative && e > 0 ? f(-(2 ** -e)) : 0,
  };
  const { xLo, xHi } = range;
  if (Math.max(Math.abs(xLo), Math.abs(xHi)) * exactScale >= 2 ** 21) return null; // the magic constant's range
  const exact = (x: number) => multiplyByQuantizedMultiplier(x, multiplier, shift);
  // output levels whose step the clamp lets through: r >= k changes the output for k in (kMin, kMax]
  const kMin = Math.max(range.actMin - range.zeroPoint, exact(xLo)), kMax = Math.min(range.actMax - range.zeroPoint, exact(xHi));
  for (let k = kMin + 1; k <= kMax; k++) {
    // the smallest x with exact(x) >= k, from the linear estimate, then stepped to the exact boundary
    let x = Math.min(xHi, Math.max(xLo, Math.ceil((k - 0.5 - c.nudge) / exactScale)));
    for (let guard = 0; exact(x) >= k && x > xLo; guard++) { if (guard > 64) return null; x--; }
    for (let guard = 0; exact(x) < k && x < xHi; guard++) { if (guard > 64) return null; x++; }
    if (exact(x) < k) continue; // never reached within the range
    if (float32Result(x, c) < k) return null;
    if (x > xLo && exact(x - 1) < k && float32Result(x - 1, c) >= k) return null;
  }
  return c;
}
