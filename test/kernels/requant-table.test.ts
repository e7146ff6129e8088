// The float64 form of the wasm requantization table (codegen/wasm/abi/qparams.ts, form 0) is used only where
// floatRequantExact proves it equal to TFLM's MultiplyByQuantizedMultiplier for the clamped output. This
// replays that form's arithmetic (and form 2's, for outputs clamped at or above the zero point) in JS float64 (the same operations assembly/requant.ts runs) against the
// integer spec, on channels the proof accepts, with accumulators on and around every rounding boundary.
import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../src/ir/quant.js';
import { floatRequantExact, type ChannelWeights } from '../../codegen/wasm/abi/qparams.js';
import { float32Requant, float32Result } from '../../codegen/wasm/abi/requant-f32.js';

const MAGIC = 6755399441055744.0;

/** assembly/requant.ts requant4, form 0 (form 2: no sign-chosen nudge), for one lane: round-to-nearest via the magic constant. */
function floatForm(x: number, multiplier: number, shift: number, signNudge = true): number {
  const e = Math.max(-shift, 0), ls = Math.max(shift, 0), S = 31 + e;
  const scale = multiplier * 2 ** (ls - S);
  const nudge = (e > 0 ? 2 ** -(1 + e) : 0) + 2 ** -(S + 1);
  const negative = e > 0 && signNudge ? -(2 ** -e) : 0;
  const p = x * scale;
  return (p + (nudge + (p < 0 ? negative : 0)) + MAGIC) - MAGIC;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

describe('qparams float64 form', () => {
  it('equals MultiplyByQuantizedMultiplier on every channel it is chosen for, at and around rounding boundaries', () => {
    const r = rng(2026);
    let accepted = 0, rejected = 0, checked = 0;
    for (let ch = 0; ch < 3000; ch++) {
      const taps = 1 + Math.floor(r() * 600);
      const mean = r() * 60;
      const w: ChannelWeights = { sum: 0, positive: Math.round(taps * mean * r()), negative: Math.round(taps * mean * r()) };
      w.sum = w.positive - w.negative;
      const { multiplier, shift } = quantizeMultiplier(2 ** (-20 * r() - (ch % 7 === 0 ? 8 : 0)) * (1 + r()));
      const biasFolded = Math.round((r() - 0.5) * 2 ** (4 + 22 * r()));
      const zeroPoint = Math.floor(r() * 256) - 128;
      const relu = r() < 0.5;
      const out = { zeroPoint, actMin: relu ? zeroPoint : -128, actMax: 127 };
      if (!floatRequantExact(w, biasFolded, multiplier, shift, out)) { rejected++; continue; }
      accepted++;
      const xLo = -128 * w.positive - 127 * w.negative + biasFolded;
      const xHi = 127 * w.positive + 128 * w.negative + biasFolded;
      const xs = new Set<number>([xLo, xHi, biasFolded]);
      for (let i = 0; i < 40; i++) xs.add(Math.round(xLo + (xHi - xLo) * r()));
      // accumulators whose exact quotient lands on or next to a rounding boundary of the output
      const e = Math.max(-shift, 0), ls = Math.max(shift, 0);
      const step = 2 ** (31 + e) / (multiplier * 2 ** ls || 1);
      for (let y = -260; y <= 260; y += 1 + Math.floor(r() * 23)) {
        const x0 = Math.round((y + 0.5) * step);
        for (let d = -2; d <= 2; d++) if (x0 + d >= xLo && x0 + d <= xHi) xs.add(x0 + d);
      }
      for (const x of xs) {
        const want = clamp(multiplyByQuantizedMultiplier(x, multiplier, shift) + zeroPoint, out.actMin, out.actMax);
        const got = clamp(floatForm(x, multiplier, shift) + zeroPoint, out.actMin, out.actMax);
        if (got !== want) expect({ x, multiplier, shift, zeroPoint, got }).toEqual({ x, multiplier, shift, zeroPoint, got: want });
        if (out.actMin >= zeroPoint) {
          const got2 = clamp(floatForm(x, multiplier, shift, false) + zeroPoint, out.actMin, out.actMax);
          if (got2 !== want) expect({ form: 2, x, multiplier, shift, zeroPoint, got2 }).toEqual({ form: 2, x, multiplier, shift, zeroPoint, got2: want });
        }
        checked++;
      }
    }
    // the proof must accept the common case and still turn some channels away (both forms exercised)
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(100000);
  });

  it('float32 forms: every channel the step proof accepts gives the exact clamped output on every x tried', () => {
    const r = rng(7);
    let accepted = 0, rejected = 0, checked = 0;
    for (let ch = 0; ch < 1500; ch++) {
      const { multiplier, shift } = quantizeMultiplier(2 ** (-12 * r() - 2) * (1 + r()));
      const span = Math.round(2 ** (8 + 12 * r()));
      const mid = Math.round((r() - 0.5) * 2 ** (6 + 14 * r()));
      const zeroPoint = Math.floor(r() * 256) - 128;
      const relu = r() < 0.5;
      const range = { xLo: mid - span, xHi: mid + span, zeroPoint, actMin: relu ? zeroPoint : -128, actMax: 127 };
      for (const withNegative of [false, true]) {
        const c = float32Requant(multiplier, shift, range, withNegative);
        if (!c) { rejected++; continue; }
        accepted++;
        const e = Math.max(-shift, 0), ls = Math.max(shift, 0);
        const step = 2 ** (31 + e) / (multiplier * 2 ** ls);
        const xs = new Set<number>([range.xLo, range.xHi]);
        for (let i = 0; i < 30; i++) xs.add(range.xLo + Math.floor((range.xHi - range.xLo) * r()));
        for (let y = -300; y <= 300; y++) {
          const x0 = Math.round((y + 0.5) * step);
          for (let d = -2; d <= 2; d++) if (x0 + d >= range.xLo && x0 + d <= range.xHi) xs.add(x0 + d);
        }
        for (const x of xs) {
          const want = clamp(multiplyByQuantizedMultiplier(x, multiplier, shift) + zeroPoint, range.actMin, range.actMax);
          const got = clamp(float32Result(x, c) + zeroPoint, range.actMin, range.actMax);
          if (got !== want) expect({ x, multiplier, shift, zeroPoint, withNegative, got }).toEqual({ x, multiplier, shift, zeroPoint, withNegative, got: want });
          checked++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
    expect(checked).toBeGreaterThan(50000);
  });

  it('float32 forms: a channel gets the same constants whatever channel was asked before it (the shared step search)', () => {
    const { multiplier, shift } = quantizeMultiplier(0.0123);
    const other = quantizeMultiplier(0.0140); // the same shift
    const base = { xLo: -6000, xHi: 9000, zeroPoint: -3, actMin: -128, actMax: 127 };
    // channels that differ from the first in one thing each and get other form-4 constants
    const channels: Array<[number, number, typeof base]> = [
      [multiplier, shift, base],
      [other.multiplier, other.shift, base],
      [multiplier, shift - 1, base],
      [multiplier, shift, { ...base, xLo: -2000 }],
      [multiplier, shift, { ...base, xHi: 4000 }],
      [multiplier, shift, { ...base, zeroPoint: 60 }],
      [multiplier, shift, { ...base, actMin: -20 }],
      [multiplier, shift, { ...base, actMax: 60 }],
    ];
    const unrelated = () => float32Requant(1 << 30, -3, { xLo: 0, xHi: 10, zeroPoint: 0, actMin: -128, actMax: 127 }, false);
    const fresh = channels.map(([m, s, range]) => [false, true].map((neg) => { unrelated(); return float32Requant(m, s, range, neg); }));
    for (let a = 0; a < channels.length; a++) {
      for (let b = 0; b < channels.length; b++) {
        if (a === b) continue;
        expect(fresh[a]![1], `channels ${a} and ${b} must differ for the check to mean anything`).not.toEqual(fresh[b]![1]);
        for (const [i, neg] of [false, true].entries()) {
          float32Requant(channels[a]![0], channels[a]![1], channels[a]![2], neg);
          expect(float32Requant(channels[b]![0], channels[b]![1], channels[b]![2], neg), `channel ${b} after ${a}`).toEqual(fresh[b]![i]);
        }
      }
    }
  });

  it('turns away channels whose accumulator can wrap int32 or whose float64 error could show', () => {
    const w: ChannelWeights = { sum: 0, positive: 2 ** 24, negative: 2 ** 24 };
    expect(floatRequantExact(w, 0, 1 << 30, -8, { zeroPoint: 0, actMin: -128, actMax: 127 })).toBe(false); // |x| reaches 2^31
    const small: ChannelWeights = { sum: 100, positive: 100, negative: 0 };
    expect(floatRequantExact(small, 0, 1 << 30, -8, { zeroPoint: 0, actMin: -128, actMax: 127 })).toBe(true);
    // a tiny multiplier (e = 27) with a wide accumulator range: outputs depend on bits float64 loses
    const wide: ChannelWeights = { sum: 0, positive: 2 ** 20, negative: 2 ** 20 };
    expect(floatRequantExact(wide, 0, 2 ** 31 - 1, -27, { zeroPoint: 0, actMin: -128, actMax: 127 })).toBe(false);
    // ... unless the clamp hides them: a dead channel, always below act_min
    expect(floatRequantExact({ sum: 0, positive: 10, negative: 10 }, -(2 ** 30), 2 ** 31 - 1, -27, { zeroPoint: -128, actMin: -128, actMax: 127 })).toBe(true);
  });
});
