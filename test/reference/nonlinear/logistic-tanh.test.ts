// LOGISTIC and TANH int8: every input value against the float functions, exact symmetries, saturation.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/errors.js';
import { allInt8, run, unaryOp } from './harness.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function logisticOp(scale: number, zp: number, outScale = 1 / 256) {
  const shape = [2, 128];
  return unaryOp('LOGISTIC', {}, { shape, dtype: 'int8', q: [scale, zp] }, { shape, dtype: 'int8', q: [outScale, -128] });
}

function tanhOp(scale: number, zp: number) {
  const shape = [256];
  return unaryOp('TANH', {}, { shape, dtype: 'int8', q: [scale, zp] }, { shape, dtype: 'int8', q: [1 / 128, 0] });
}

const clamp8 = (v: number) => Math.max(-128, Math.min(127, v));

describe('LOGISTIC int8', () => {
  it('params for scale 0.1: 0.1f * 2^27 = 0.8 * 2^24, so radius floor(15 * 2^27 / 2^24) = 120', () => {
    const { op } = logisticOp(0.1, 5);
    expect(op.params!.inputLeftShift).toBe(24);
    expect(op.params!.inputRangeRadius).toBe(120);
    expect(op.params!.inputZeroPoint).toBe(5);
    // frexp mantissa of float32(0.1) * 2^3 = 0.800000011920929, times 2^31, rounded.
    expect(op.params!.inputMultiplier).toBe(1717986944);
  });
  it('x = zero point gives 1/2 = 128/256, i.e. 0; |x - zp| >= radius saturates', () => {
    const shape = [5];
    const { op, tensors } = unaryOp('LOGISTIC', {}, { shape, dtype: 'int8', q: [0.1, 5] }, { shape, dtype: 'int8', q: [1 / 256, -128] });
    const y = Array.from(run(op, tensors, [5, 125, -115, 124, -114]));
    // 125 - 5 = 120 and -115 - 5 = -120 are at the radius; +-119 are inside, sigmoid(11.9) rounds to 256 steps.
    expect(y).toEqual([0, 127, -128, 127, -128]);
  });
  for (const [scale, zp] of [
    [0.1, 5],
    [0.0625, -128],
    [0.02, 0],
    [0.3, 20],
  ] as const) {
    it(`scale ${scale} zp ${zp}: all 256 inputs within 1 LSB of float sigmoid; f(zp+d) + f(zp-d) within 1 of 0`, () => {
      const { op, tensors } = logisticOp(scale, zp);
      const xs = allInt8();
      const y = Array.from(run(op, tensors, xs));
      xs.forEach((q, i) => {
        const want = clamp8(Math.round(sigmoid(Math.fround(scale) * (q - zp)) * 256) - 128);
        expect(Math.abs(y[i]! - want)).toBeLessThanOrEqual(1);
      });
      for (let d = 1; zp + d <= 127 && zp - d >= -128; d++) {
        expect(Math.abs(y[zp + d + 128]! + y[zp - d + 128]!)).toBeLessThanOrEqual(1);
      }
    });
  }
  it('ignores the output scale (TFLM checks only the zero point)', () => {
    const a = logisticOp(0.1, 0);
    const b = logisticOp(0.1, 0, 0.01);
    expect(Array.from(run(b.op, b.tensors, allInt8()))).toEqual(Array.from(run(a.op, a.tensors, allInt8())));
  });
  it('rejects an output zero point other than -128, and int16 with a non-zero zero point (int16 itself: test/ops/sigmoid-tanh-16.test.ts)', () => {
    const shape = [4];
    expect(() => unaryOp('LOGISTIC', {}, { shape, dtype: 'int8', q: [0.1, 0] }, { shape, dtype: 'int8', q: [1 / 256, 0] })).toThrow(UnsupportedError);
    expect(() => unaryOp('LOGISTIC', {}, { shape, dtype: 'int16', q: [1 / 4096, 0] }, { shape, dtype: 'int16', q: [1 / 32768, 1] })).toThrow(UnsupportedError);
  });
});

describe('TANH int8', () => {
  for (const [scale, zp] of [
    [0.1, 0],
    [0.03, 0],
    [0.05, -7],
    [0.2, 3],
  ] as const) {
    it(`scale ${scale} zp ${zp}: all inputs within 1 LSB (1/128) of Math.tanh`, () => {
      const { op, tensors } = tanhOp(scale, zp);
      const xs = allInt8();
      const y = Array.from(run(op, tensors, xs));
      xs.forEach((q, i) => {
        const want = clamp8(Math.round(Math.tanh(Math.fround(scale) * (q - zp)) * 128));
        expect(Math.abs(y[i]! - want)).toBeLessThanOrEqual(1);
      });
    });
  }
  it('is odd inside the input radius (before the int8 clamp) and saturates asymmetrically (127 / -128) outside it', () => {
    const { op, tensors } = tanhOp(0.1, 0);
    const radius = op.params!.inputRangeRadius; // 120: float32(0.1) * 2^27 has exponent 24
    expect(radius).toBe(120);
    const xs = allInt8();
    const y = Array.from(run(op, tensors, xs));
    const at = (q: number) => y[q + 128]!;
    expect(at(0)).toBe(0);
    for (let q = 1; q <= 127; q++) {
      // Inside, the unclamped result is exactly odd; only +128 (tanh ~ 1) is clamped to 127.
      if (q < radius) expect(at(q) === 127 ? [-127, -128] : [-at(q)]).toContain(at(-q));
      else expect([at(q), at(-q)]).toEqual([127, -128]);
    }
  });
});
