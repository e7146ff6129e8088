// QUANTIZE / DEQUANTIZE: hand-worked rounding, round trips, requantization, deriver checks.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/errors.js';
import { allInt8, makeTensors, run, unaryOp } from './harness.js';
import { makeOp } from './harness.js';

describe('QUANTIZE float32 -> int8', () => {
  it('round(x / scale) with halves away from zero, plus zp, clamped', () => {
    // scale 0.5, zp 3: 1.25 / 0.5 = 2.5 -> 3 -> 6; -1.25 -> -2.5 -> -3 -> 0; 0.74 -> 1.48 -> 1 -> 4;
    // 1000 -> 2000 + 3 -> 127; -1000 -> -128.
    const shape = [5];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'float32' }, { shape, dtype: 'int8', q: [0.5, 3] });
    expect(Array.from(run(op, tensors, [1.25, -1.25, 0.74, 1000, -1000]))).toEqual([6, 0, 4, 127, -128]);
  });
  it('NaN and infinities take the x86 cvttss2si value INT32_MIN, then clamp to -128 (golden platform)', () => {
    const shape = [3];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'float32' }, { shape, dtype: 'int8', q: [0.5, 3] });
    expect(Array.from(run(op, tensors, [NaN, Infinity, -Infinity]))).toEqual([-128, -128, -128]);
  });
  it('int16 output clamps to the int16 range', () => {
    const shape = [2];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'float32' }, { shape, dtype: 'int16', q: [0.001, 0] });
    expect(Array.from(run(op, tensors, [12.3456, -1e6]))).toEqual([12346, -32768]);
  });
});

describe('DEQUANTIZE', () => {
  it('float32(scale * (q - zp)): scale 0.25, zp -5 gives exact quarters', () => {
    const shape = [3];
    const { op, tensors } = unaryOp('DEQUANTIZE', {}, { shape, dtype: 'int8', q: [0.25, -5] }, { shape, dtype: 'float32' });
    expect(Array.from(run(op, tensors, [-5, -128, 127]))).toEqual([0, -30.75, 33]);
  });
  it('float32(0.1) * 10 rounds to exactly 1 in float32', () => {
    const { op, tensors } = unaryOp('DEQUANTIZE', {}, { shape: [1], dtype: 'int8', q: [0.1, 0] }, { shape: [1], dtype: 'float32' });
    expect(Array.from(run(op, tensors, [10]))).toEqual([1]);
  });
  it('uint8 and int16 inputs', () => {
    const u = unaryOp('DEQUANTIZE', {}, { shape: [2], dtype: 'uint8', q: [0.5, 128] }, { shape: [2], dtype: 'float32' });
    expect(Array.from(run(u.op, u.tensors, [0, 255]))).toEqual([-64, 63.5]);
    const s = unaryOp('DEQUANTIZE', {}, { shape: [2], dtype: 'int16', q: [0.125, 0] }, { shape: [2], dtype: 'float32' });
    expect(Array.from(run(s.op, s.tensors, [-32768, 8]))).toEqual([-4096, 1]);
  });
});

describe('QUANTIZE o DEQUANTIZE round trips', () => {
  for (const [scale, zp] of [
    [0.0078393072, 0],
    [0.1467, 1],
    [0.02, -128],
    [3.7, 100],
  ] as const) {
    it(`int8 -> float32 -> int8 is the identity for scale ${scale}, zp ${zp}`, () => {
      const shape = [256];
      const d = unaryOp('DEQUANTIZE', {}, { shape, dtype: 'int8', q: [scale, zp] }, { shape, dtype: 'float32' });
      const q = unaryOp('QUANTIZE', {}, { shape, dtype: 'float32' }, { shape, dtype: 'int8', q: [scale, zp] });
      const xs = allInt8();
      const f = run(d.op, d.tensors, xs);
      expect(Array.from(run(q.op, q.tensors, f))).toEqual(xs);
    });
  }
});

describe('QUANTIZE requantize', () => {
  it('int8 -> int8, scale ratio 2: doubles and clamps', () => {
    const shape = [4];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'int8', q: [0.2, 0] }, { shape, dtype: 'int8', q: [0.1, 0] });
    expect(Array.from(run(op, tensors, [3, -3, 70, -70]))).toEqual([6, -6, 127, -128]);
  });
  it('int8 -> int8, scale ratio 1/2: ties go up (srdhm nudge, no second rounding at shift 0)', () => {
    // 0.5 -> multiplier 2^30, shift 0: srdhm(3, 2^30) = 2, srdhm(-3, 2^30) = trunc((-2^32 + 1) / 2^31) = -1.
    const shape = [4];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'int8', q: [0.1, 0] }, { shape, dtype: 'int8', q: [0.2, 0] });
    expect(Array.from(run(op, tensors, [3, -3, 4, -4]))).toEqual([2, -1, 2, -2]);
  });
  it('uint8 -> int8 with the same scale and zero points 128 / 0 subtracts 128', () => {
    const shape = [256];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'uint8', q: [0.5, 128] }, { shape, dtype: 'int8', q: [0.5, 0] });
    const xs = Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(run(op, tensors, xs))).toEqual(xs.map((v) => v - 128));
  });
  it('int16 -> int8 within 1 LSB of float requantization', () => {
    const shape = [200];
    const { op, tensors } = unaryOp('QUANTIZE', {}, { shape, dtype: 'int16', q: [0.001, 0] }, { shape, dtype: 'int8', q: [0.05, -3] });
    const xs = Array.from({ length: 200 }, (_, i) => i * 329 - 32768);
    const y = Array.from(run(op, tensors, xs));
    xs.forEach((v, i) => expect(Math.abs(y[i]! - Math.max(-128, Math.min(127, Math.round((v * 0.001) / 0.05) - 3)))).toBeLessThanOrEqual(1));
  });
  it('rejects pairs TFLM does not requantize and float32 -> uint8', () => {
    const shape = [2];
    expect(() => unaryOp('QUANTIZE', {}, { shape, dtype: 'uint8', q: [0.5, 0] }, { shape, dtype: 'int16', q: [0.5, 0] })).toThrow(UnsupportedError);
    expect(() => unaryOp('QUANTIZE', {}, { shape, dtype: 'float32' }, { shape, dtype: 'uint8', q: [0.5, 0] })).toThrow(UnsupportedError);
  });
  it('rejects a per-channel output quantization', () => {
    const tensors = makeTensors([
      { shape: [2], dtype: 'float32' },
      { shape: [2], dtype: 'int8', q: [0.5, 0] },
    ]);
    tensors[1]!.quant = { scales: [0.5, 0.25], zeroPoints: [0, 0], axis: 0 };
    expect(() => makeOp('QUANTIZE', {}, tensors)).toThrow(UnsupportedError);
  });
});
