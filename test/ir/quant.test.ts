import { describe, expect, it } from 'vitest';
import {
  activationClamp,
  frexp,
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplier64,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../src/ir/quant.js';

// Independent formulations in BigInt, straight from gemmlowp's definitions.
function srdhmBig(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates like C++
}
function rdbpBig(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const bx = BigInt(x);
  const rem = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(e)) + (rem > threshold ? 1n : 0n));
}

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x | 0;
  };
}

describe('fixed-point primitives', () => {
  it('SaturatingRoundingDoublingHighMul equals the 64-bit definition', () => {
    const next = rng(7);
    const edges = [0, 1, -1, 2147483647, -2147483648, 1 << 30, -(1 << 30), 65535, -65536, 12345678];
    for (const a of edges) for (const b of edges) expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmBig(a, b));
    for (let i = 0; i < 20000; i++) {
      const a = next(), b = next();
      expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmBig(a, b));
      const small = next() >> 12;
      expect(saturatingRoundingDoublingHighMul(small, b)).toBe(srdhmBig(small, b));
    }
  });

  it('RoundingDivideByPOT rounds halves away from zero', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(4, 1)).toBe(2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2); // -1.5 -> -2
    const next = rng(11);
    for (let i = 0; i < 5000; i++) {
      const x = next(), e = (next() >>> 0) % 32;
      expect(roundingDivideByPOT(x, e)).toBe(rdbpBig(x, e));
    }
  });

  it('QuantizeMultiplier matches frexp-based Q31 encoding', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1073741824, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1073741824, shift: 1 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    // 0.75 = 0.75 * 2^0 -> round(0.75 * 2^31)
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    // A mantissa that rounds up to 2^31 carries into the exponent.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1073741824, shift: 1 });
    const next = rng(3);
    for (let i = 0; i < 2000; i++) {
      const x = Math.abs(next()) / 2 ** ((next() >>> 0) % 40) + 1e-9;
      const [m, e] = frexp(x);
      expect(m).toBeGreaterThanOrEqual(0.5);
      expect(m).toBeLessThan(1);
      expect(m * 2 ** e).toBe(x);
      const { multiplier, shift } = quantizeMultiplier(x);
      if (multiplier !== 0) expect(Math.abs(multiplier * 2 ** (shift - 31) - x) / x).toBeLessThan(2 ** -30);
    }
  });

  it('MultiplyByQuantizedMultiplier approximates x * real within one unit', () => {
    const next = rng(5);
    for (let i = 0; i < 5000; i++) {
      const real = (Math.abs(next()) / 2 ** 31) * 2 ** (((next() >>> 0) % 12) - 8);
      const x = next() >> 10;
      const { multiplier, shift } = quantizeMultiplier(real);
      const got = multiplyByQuantizedMultiplier(x, multiplier, shift);
      expect(Math.abs(got - x * real)).toBeLessThanOrEqual(1);
    }
  });

  it('the 64-bit MultiplyByQuantizedMultiplier (16x8 kernels): 16-bit multiplier, one rounding shift by 15 - shift', () => {
    // 2^30 (0.5) rounds to 16384; (1000 * 16384 + 2^14) >> 15 = floor(500.5); the tie of -500.5 goes up
    expect(multiplyByQuantizedMultiplier64(1000n, 1 << 30, 0)).toBe(500);
    expect(multiplyByQuantizedMultiplier64(-1001n, 1 << 30, 0)).toBe(-500);
    // a multiplier at or above 0x7fff0000 saturates to 0x7fff: (2^20 * 32767 + 2^14) >> 15 = floor(1048544.5)
    expect(multiplyByQuantizedMultiplier64(1n << 20n, 0x7fffffff, 0)).toBe(1048544);
    // left shift 7: total shift 8; 3 * 16384 = 49152, + 128, >> 8 = 192 (3 * 0.5 * 2^7)
    expect(multiplyByQuantizedMultiplier64(3n, 1 << 30, 7)).toBe(192);
    // an accumulator beyond int32 (|x| < 2^47 as TFLM requires): 2^40 * 0.5 * 2^-20 = 2^19
    expect(multiplyByQuantizedMultiplier64(1n << 40n, 1 << 30, -20)).toBe(1 << 19);
  });

  it('activation clamps follow the output quantization', () => {
    expect(activationClamp('NONE', 0.1, 3, [-128, 127])).toEqual([-128, 127]);
    expect(activationClamp('RELU', 0.1, -5, [-128, 127])).toEqual([-5, 127]);
    expect(activationClamp('RELU6', 0.05, -128, [-128, 127])).toEqual([-128, -8]);
    expect(activationClamp('RELU6', 0.01, 0, [-128, 127])).toEqual([0, 127]);
    expect(activationClamp('RELU_N1_TO_1', 0.02, 0, [-128, 127])).toEqual([-50, 50]);
  });
});
