// RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH on int8: hand-worked clamps and float agreement.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/errors.js';
import { allInt8, run, unaryOp } from './harness.js';

const shape = [256];
const xs = allInt8();
const clamp8 = (v: number) => Math.max(-128, Math.min(127, v));
/** std::round */
const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

describe('RELU6 (TFLM: clamp in the input domain)', () => {
  it('scale 0.05, zp -10: clamps to [-10, -10 + round(6 / 0.05)] = [-10, 110]', () => {
    const { op, tensors } = unaryOp('RELU6', {}, { shape, dtype: 'int8', q: [0.05, -10] }, { shape, dtype: 'int8', q: [0.05, -10] });
    expect(op.params!.clamp).toEqual([-10, 110]);
    const y = Array.from(run(op, tensors, xs));
    xs.forEach((q, i) => expect(y[i]).toBe(Math.min(110, Math.max(-10, q))));
  });
  it('ignores the output quantization, as TFLM does', () => {
    const { op, tensors } = unaryOp('RELU6', {}, { shape: [4], dtype: 'int8', q: [0.05, -10] }, { shape: [4], dtype: 'int8', q: [6 / 255, -128] });
    expect(Array.from(run(op, tensors, [-128, -10, 50, 127]))).toEqual([-10, -10, 50, 110]);
  });
  it('six beyond the int8 range clamps to 127', () => {
    const { op } = unaryOp('RELU6', {}, { shape: [1], dtype: 'int8', q: [0.01, 0] }, { shape: [1], dtype: 'int8', q: [0.01, 0] });
    expect(op.params!.clamp).toEqual([0, 127]);
  });
});

describe('RELU (requantizing)', () => {
  it('same quantization: max(x, zp)', () => {
    const { op, tensors } = unaryOp('RELU', {}, { shape, dtype: 'int8', q: [0.1, 7] }, { shape, dtype: 'int8', q: [0.1, 7] });
    const y = Array.from(run(op, tensors, xs));
    xs.forEach((q, i) => expect(y[i]).toBe(Math.max(7, q)));
  });
  it('different quantization: within 1 LSB of relu(x) requantized in float', () => {
    const [si, zi, so, zo] = [0.1, 7, 0.06, -128];
    const { op, tensors } = unaryOp('RELU', {}, { shape, dtype: 'int8', q: [si, zi] }, { shape, dtype: 'int8', q: [so, zo] });
    const y = Array.from(run(op, tensors, xs));
    xs.forEach((q, i) => {
      const real = Math.max(0, si * (q - zi));
      expect(Math.abs(y[i]! - clamp8(Math.round(real / so) + zo))).toBeLessThanOrEqual(1);
      expect(y[i]!).toBeGreaterThanOrEqual(zo);
    });
  });
});

describe('RELU_N1_TO_1', () => {
  it('clamps to [-1, 1] real: scale 1/64, zp 0 gives [-64, 64]', () => {
    const { op, tensors } = unaryOp('RELU_N1_TO_1', {}, { shape, dtype: 'int8', q: [1 / 64, 0] }, { shape, dtype: 'int8', q: [1 / 64, 0] });
    expect(op.params!.clamp).toEqual([-64, 64]);
    const y = Array.from(run(op, tensors, xs));
    xs.forEach((q, i) => expect(y[i]).toBe(Math.max(-64, Math.min(64, q))));
  });
});

describe('LEAKY_RELU', () => {
  for (const [alpha, si, zi, so, zo] of [
    [0.2, 0.1, 3, 0.08, -20],
    [0.01, 0.05, 0, 0.05, 0],
    [-0.5, 0.1, 0, 0.1, 0],
  ] as const) {
    it(`alpha ${alpha}: within 1 LSB of the float function`, () => {
      const { op, tensors } = unaryOp('LEAKY_RELU', { alpha }, { shape, dtype: 'int8', q: [si, zi] }, { shape, dtype: 'int8', q: [so, zo] });
      const y = Array.from(run(op, tensors, xs));
      xs.forEach((q, i) => {
        const x = Math.fround(si) * (q - zi);
        const real = x > 0 ? x : Math.fround(alpha) * x;
        expect(Math.abs(y[i]! - clamp8(Math.round(real / Math.fround(so)) + zo))).toBeLessThanOrEqual(1);
      });
    });
  }
  it('hand-worked: alpha 0.5, identical quantization: -3 -> round(-1.5); 5 -> 5', () => {
    // alpha multiplier = 0.5 -> 2^30 with shift 0; srdhm(-3, 2^30) = trunc((-3*2^30 + 1 - 2^30) / 2^31) = -1
    // (gemmlowp's high-mul rounds a negative tie toward zero).
    const { op, tensors } = unaryOp('LEAKY_RELU', { alpha: 0.5 }, { shape: [3], dtype: 'int8', q: [0.1, 0] }, { shape: [3], dtype: 'int8', q: [0.1, 0] });
    expect(Array.from(run(op, tensors, [-3, 5, -128]))).toEqual([-1, 5, -64]);
  });
});

describe('HARD_SWISH', () => {
  const hswish = (x: number) => (x * Math.min(6, Math.max(0, x + 3))) / 6;
  for (const [si, zi, so, zo] of [
    [0.05, 0, 0.04, -30],
    [0.1, -20, 0.1, -100],
    [0.03, 10, 0.02, 5],
  ] as const) {
    it(`scale ${si}/${so}: all inputs within 1 LSB of x * relu6(x + 3) / 6`, () => {
      const { op, tensors } = unaryOp('HARD_SWISH', {}, { shape, dtype: 'int8', q: [si, zi] }, { shape, dtype: 'int8', q: [so, zo] });
      const y = Array.from(run(op, tensors, xs));
      xs.forEach((q, i) => {
        const want = clamp8(roundAway(hswish(si * (q - zi)) / so) + zo);
        expect(Math.abs(y[i]! - want)).toBeLessThanOrEqual(1);
      });
    });
  }
  it('x = zp gives exactly the output zero point', () => {
    const { op, tensors } = unaryOp('HARD_SWISH', {}, { shape: [1], dtype: 'int8', q: [0.05, 9] }, { shape: [1], dtype: 'int8', q: [0.04, -30] });
    expect(Array.from(run(op, tensors, [9]))).toEqual([-30]);
  });
  it('rejects an output scale that would need a left shift', () => {
    // input/(128*output) = 0.05 / (128 * 1e-4) > 1
    expect(() => unaryOp('HARD_SWISH', {}, { shape, dtype: 'int8', q: [0.05, 0] }, { shape, dtype: 'int8', q: [1e-4, 0] })).toThrow(UnsupportedError);
  });
});
