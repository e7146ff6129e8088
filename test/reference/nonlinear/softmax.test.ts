// SOFTMAX int8 -> int8/int16: hand-worked rows, agreement with a float softmax, and deriver checks.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, UnsupportedError } from '../../../src/errors.js';
import { run, unaryOp } from './harness.js';

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function softmaxOp(shape: number[], scale: number, zp: number, beta = 1, out: 'int8' | 'int16' = 'int8') {
  const q: [number, number] = out === 'int8' ? [1 / 256, -128] : [1 / 65536, -32768];
  return unaryOp('SOFTMAX', { beta }, { shape, dtype: 'int8', q: [scale, zp] }, { shape, dtype: out, q });
}

/** Float softmax of one row of quantized values (zero point cancels in x - max). */
function floatSoftmax(row: number[], scale: number, beta: number): number[] {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(beta * scale * (v - max)));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('SOFTMAX hand-worked', () => {
  it('four equal logits: each 1/4 = 64/256, so -128 + 64 = -64', () => {
    // exp(0) = One in Q0.31 -> 2^19 in Q12.19; sum 2^21 -> 1/sum has 2 bits over unit with mantissa ~1;
    // exponent = 2 + 31 - 8 = 25; (~2^31 * ~2^31 / 2^31) / 2^25 = 64.
    const { op, tensors } = softmaxOp([1, 4], 0.1, 3);
    expect(Array.from(run(op, tensors, [7, 7, 7, 7]))).toEqual([-64, -64, -64, -64]);
  });
  it('a single logit is probability 1: 256 steps saturate at 127', () => {
    const { op, tensors } = softmaxOp([3, 1], 0.1, 0);
    expect(Array.from(run(op, tensors, [-100, 0, 90]))).toEqual([127, 127, 127]);
  });
  it('diffs below diffMin give exactly -128 (probability 0)', () => {
    // scale 1: beta*scale*2^26 = 2^26 -> multiplier 2^30, left shift 27; diffMin = -floor(31 * 2^26 / 2^27) = -15.
    const { op, tensors } = softmaxOp([1, 3], 1, 0);
    expect(op.params).toEqual({ inputMultiplier: 2 ** 30, inputLeftShift: 27, diffMin: -15 });
    const y = Array.from(run(op, tensors, [100, 84, 85]));
    // diff -16 is dropped; diff -15 gives exp(-15) * 256 ~ 8e-5: rounds to 0 steps, i.e. -128 as well.
    expect(y).toEqual([127, -128, -128]);
  });
  it('two logits one step of ln(3) apart: 3/4 and 1/4 of 256 = 192 and 64', () => {
    // scale = ln 3 rounded to float32; exp(-ln3) = 1/3; probabilities 0.75 / 0.25 -> 192 - 128 = 64, 64 - 128 = -64.
    const { op, tensors } = softmaxOp([1, 2], Math.log(3), 0);
    expect(Array.from(run(op, tensors, [1, 0]))).toEqual([64, -64]);
  });
});

describe('SOFTMAX invariants on random rows', () => {
  const configs: Array<[number, number, number]> = [
    [0.1, 3, 1],
    [0.0146, -5, 1],
    [0.5, 10, 1],
    [0.05, 0, 2],
  ];
  for (const [scale, zp, beta] of configs) {
    for (const depth of [2, 10, 100]) {
      it(`scale ${scale}, beta ${beta}, depth ${depth}: within 1 LSB of float, monotone, sum near 256`, () => {
        const next = rng(depth * 7919 + Math.round(scale * 1e4));
        const rows = 40;
        const x = Array.from({ length: rows * depth }, () => ((next() & 0xff) << 24) >> 24);
        const { op, tensors } = softmaxOp([rows, depth], scale, zp, beta);
        const y = Array.from(run(op, tensors, x));
        for (let r = 0; r < rows; r++) {
          const row = x.slice(r * depth, (r + 1) * depth);
          const out = y.slice(r * depth, (r + 1) * depth);
          const p = floatSoftmax(row, Math.fround(scale), beta);
          let sum = 0;
          for (let c = 0; c < depth; c++) {
            expect(Math.abs((out[c]! + 128) / 256 - p[c]!)).toBeLessThanOrEqual(1 / 256 + 1e-9);
            for (let d = 0; d < depth; d++) if (row[c]! >= row[d]!) expect(out[c]!).toBeGreaterThanOrEqual(out[d]!);
            sum += out[c]! + 128;
          }
          // Each output rounds to nearest (plus saturation of a lone maximum at 255 steps).
          expect(Math.abs(sum - 256)).toBeLessThanOrEqual(depth / 2 + 1);
        }
      });
    }
  }
  it('int16 output (zero point -32768, scale 1/65536) within 1 LSB of float', () => {
    const next = rng(42);
    const depth = 12;
    const x = Array.from({ length: 10 * depth }, () => ((next() & 0xff) << 24) >> 24);
    const { op, tensors } = softmaxOp([10, depth], 0.07, 2, 1, 'int16');
    const y = Array.from(run(op, tensors, x));
    for (let r = 0; r < 10; r++) {
      const p = floatSoftmax(x.slice(r * depth, (r + 1) * depth), Math.fround(0.07), 1);
      for (let c = 0; c < depth; c++) expect(Math.abs((y[r * depth + c]! + 32768) / 65536 - p[c]!)).toBeLessThanOrEqual(1 / 65536 + 1e-9);
    }
  });
});

describe('SOFTMAX deriver', () => {
  it('rejects an int8 output not at scale 1/256, zero point -128, naming node and tensor', () => {
    const shape = [1, 4];
    const bad = () => unaryOp('SOFTMAX', { beta: 1 }, { shape, dtype: 'int8', q: [0.1, 0] }, { shape, dtype: 'int8', q: [1 / 128, -128], name: 'probs' });
    expect(bad).toThrow(UnsupportedError);
    expect(bad).toThrow(/SOFTMAX \(node 7\) tensor 'probs'/);
    const badZp = () => unaryOp('SOFTMAX', { beta: 1 }, { shape, dtype: 'int8', q: [0.1, 0] }, { shape, dtype: 'int8', q: [1 / 256, 0] });
    expect(badZp).toThrow(UnsupportedError);
  });
  it('takes float32 (no params: a float op) and rejects float32 to int8 and a beta*scale too small for TFLM', () => {
    const shape = [1, 4];
    expect(unaryOp('SOFTMAX', { beta: 1 }, { shape, dtype: 'float32' }, { shape, dtype: 'float32' }).op.params).toBeNull();
    expect(() => unaryOp('SOFTMAX', { beta: 1 }, { shape, dtype: 'float32' }, { shape, dtype: 'int8', q: [1 / 256, -128] })).toThrow(UnsupportedError);
    expect(() => softmaxOp(shape, 1e-9, 0)).toThrow(/too small/);
  });
  it('rejects an output shape that differs from the input', () => {
    expect(() => unaryOp('SOFTMAX', { beta: 1 }, { shape: [1, 4], dtype: 'int8', q: [0.1, 0] }, { shape: [1, 5], dtype: 'int8', q: [1 / 256, -128] })).toThrow(
      ModelFormatError,
    );
  });
});
