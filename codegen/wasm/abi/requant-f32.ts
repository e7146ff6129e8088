// The float32 form of the wasm requantization table (codegen/wasm/abi/qparams.ts `qparams`, forms 3 and 4):
// r = round-to-nearest(fround(fround(x) * scale) + nudge [+ negative when the product is negative]),
// computed on 4 lanes per SIMD op. float32 cannot represent TFLM's arithmetic in general, so a channel
// gets this form only after a proof over every accumulator it can reach: both the exact result
// (MultiplyByQuantizedMultiplier) and the float32 one are non-decreasing step functions of x, so they
// give the same clamped output everywhere iff they step at the same x for every output level the clamp
// lets through. Each such step is located exactly and the float32 function is evaluated on both sides.
import { multiplyByQuantizedMultiplier } from '../../../src/ir/quant.js';

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
 * range, else null. `withNegative`: a second nudge where the product is negative (form 4) rather than one.
 * The nudges are fitted: every clamp-visible step k of the exact function, at x = s_k, bounds them
 * (r(s_k) >= k, r(s_k - 1) < k), and the middle of what the bounds leave is taken; the step check then
 * proves the result.
 */
export function float32Requant(multiplier: number, shift: number, range: ChannelRange, withNegative: boolean): Float32Requant | null {
  const e = Math.max(-shift, 0);
  const found = exactSteps(multiplier, shift, range);
  if (found === null) return null;
  const { scale, steps } = found;
  const { xLo, xHi } = range;
  const exact = (x: number) => multiplyByQuantizedMultiplier(x, multiplier, shift);
  const bounds = { pos: [-Infinity, Infinity], neg: [-Infinity, Infinity] };
  const bound = (p: number, low: boolean, k: number) => {
    const b = withNegative && p < 0 ? bounds.neg : bounds.pos;
    // r >= k needs p + n above k - 1/2; r < k needs it below (ties would go to the even integer)
    if (low) b[0] = Math.max(b[0]!, k - 0.5 - p);
    else b[1] = Math.min(b[1]!, k - 0.5 - p);
  };
  for (let i = 0; i < steps.length; i += 2) {
    const x = steps[i]!, k = steps[i + 1]!;
    bound(f(f(x) * scale), true, k);
    if (x > xLo) bound(f(f(x - 1) * scale), false, k);
  }
  const guess = e > 0 ? 2 ** -(1 + e) : 0;
  // the middle of each interval (float32 rounding of p + n may still cross a bound: the proof decides),
  // else the nudge TFLM's arithmetic implies
  const pick = ([lo, hi]: number[], fallback: number): number => {
    if (lo! < hi! && lo !== -Infinity && hi !== Infinity) return f((lo! + hi!) / 2);
    return f(Math.min(Math.max(fallback, lo!), hi!));
  };
  const negativeGuess = guess - (e > 0 ? 2 ** -e : 0);
  const candidates: Array<[number, number]> = [[pick(bounds.pos, guess), withNegative ? pick(bounds.neg, negativeGuess) : 0], [f(guess), f(negativeGuess)]];
  for (const [nPos, nNeg] of candidates) {
    const c: Float32Requant = { scale, nudge: nPos, negative: withNegative ? f(nNeg - nPos) : 0 };
    if (withNegative && f(nPos + c.negative) !== nNeg) continue; // the kernel adds the two
    if (proves(c)) return c;
  }
  return null;

  // at every step, both sides; and both ends of the range
  function proves(c: Float32Requant): boolean {
    for (let i = 0; i < steps.length; i += 2) {
      const x = steps[i]!, k = steps[i + 1]!;
      if (float32Result(x, c) < k) return false;
      if (x > xLo && float32Result(x - 1, c) >= k) return false;
    }
    const clamp = (v: number) => Math.min(range.actMax, Math.max(range.actMin, v + range.zeroPoint));
    return clamp(float32Result(xLo, c)) === clamp(exact(xLo)) && clamp(float32Result(xHi, c)) === clamp(exact(xHi));
  }
}

interface ExactSteps {
  /** fround of the exact scale multiplier * 2^(ls - 31 - e). */
  scale: number;
  /** Pairs (x, k): x is the smallest x in the range with exact(x) >= k, for every clamp-visible level k. */
  steps: number[];
}

// The lowering asks for both forms of a channel in turn; they share the exact function's steps.
let lastSteps: { key: string; found: ExactSteps | null } | null = null;

/**
 * Where MultiplyByQuantizedMultiplier steps across the output levels the clamp lets through, each
 * located from its closed-form estimate and confirmed with the integer function on both sides
 * (exact(x) >= k > exact(x - 1)); null outside the magic constant's range or when a step is not
 * found within 64 moves of its estimate.
 */
function exactSteps(multiplier: number, shift: number, range: ChannelRange): ExactSteps | null {
  const key = `${multiplier},${shift},${range.xLo},${range.xHi},${range.zeroPoint},${range.actMin},${range.actMax}`;
  if (lastSteps?.key === key) return lastSteps.found;
  const found = findSteps(multiplier, shift, range);
  lastSteps = { key, found };
  return found;
}

function findSteps(multiplier: number, shift: number, range: ChannelRange): ExactSteps | null {
  const e = Math.max(-shift, 0), ls = Math.max(shift, 0);
  if (multiplier <= 0) return null;
  const exactScale = multiplier * 2 ** (ls - 31 - e);
  const { xLo, xHi } = range;
  if (Math.max(Math.abs(xLo), Math.abs(xHi)) * exactScale >= 2 ** 21) return null; // the magic constant's range
  const exact = (x: number) => multiplyByQuantizedMultiplier(x, multiplier, shift);
  // output levels whose step the clamp lets through: r >= k changes the output for k in (kMin, kMax]
  const kMin = Math.max(range.actMin - range.zeroPoint, exact(xLo)), kMax = Math.min(range.actMax - range.zeroPoint, exact(xHi));
  // r >= k from x = (k - 1/2 - nudge) / scale on: TFLM's nudge for r > 0, and one 2^-e lower below
  const nudge = e > 0 ? 2 ** -(1 + e) : 0, negativeNudge = nudge - (e > 0 ? 2 ** -e : 0);
  const steps: number[] = [];
  for (let k = kMin + 1; k <= kMax; k++) {
    let x = Math.min(xHi, Math.max(xLo, Math.ceil((k - 0.5 - (k > 0 ? nudge : negativeNudge)) / exactScale)));
    let at = exact(x);
    // down while the level is already reached one lower, up while it is not reached
    for (let guard = 0; at >= k && x > xLo; guard++) {
      if (guard > 64) return null;
      const below = exact(x - 1);
      if (below < k) break;
      x--;
      at = below;
    }
    for (let guard = 0; at < k && x < xHi; guard++) {
      if (guard > 64) return null;
      at = exact(++x);
    }
    if (at < k) continue; // never reached within the range
    steps.push(x, k);
  }
  return { scale: f(exactScale), steps };
}
