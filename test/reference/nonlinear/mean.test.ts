// MEAN int8: hand-worked rounding, agreement with a float mean, identity quantization, deriver checks.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, UnsupportedError } from '../../../src/errors.js';
import type { OpAttrs } from '../../../src/ir/ops.js';
import { makeOp, makeTensors, run } from './harness.js';

function meanOp(inShape: number[], outShape: number[], attrs: OpAttrs['MEAN'], qIn: [number, number], qOut: [number, number]) {
  const tensors = makeTensors([
    { shape: inShape, dtype: 'int8', q: qIn, name: 'x' },
    { shape: [attrs.axes.length], dtype: 'int32', name: 'axes' },
    { shape: outShape, dtype: 'int8', q: qOut, name: 'y' },
  ]);
  return { op: makeOp('MEAN', attrs, tensors, [0, 1], [2]), tensors };
}

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return ((x & 0xff) << 24) >> 24;
  };
}

/** Float mean over `axes` of a row-major tensor, in the output's kept-dims order. */
function floatMean(x: number[], shape: number[], axes: number[]): number[] {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = keep.reduce((a, b) => a * b, 1);
  const sums = new Array<number>(outSize).fill(0);
  const count = x.length / outSize;
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < x.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o = o * keep[d]! + (axes.includes(d) ? 0 : idx[d]!);
    sums[o]! += x[i]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return sums.map((s) => s / count);
}

const roundAway = (v: number) => (v < 0 ? -Math.round(-v) : Math.round(v)) + 0;

describe('MEAN hand-worked', () => {
  it('[1,2,3,5] / 4 = 2.75 -> 3 and [-1,-2,-3,-4] / 4 = -2.5 -> -3 (away from zero, not truncated)', () => {
    // Multiplier 1.0 = 2^30 << 1; folding 1/4: extra shift 2, 2^32 / 4 = 2^30, shift 1 - 2 = -1.
    // -10: srdhm(-10, 2^30) = trunc((-11 * 2^30 + 1) / 2^31) = -5, then -5 / 2 rounded away = -3.
    const { op, tensors } = meanOp([2, 4], [2], { axes: [1], keepDims: false }, [0.1, 0], [0.1, 0]);
    expect(op.params).toEqual({ inputZeroPoint: 0, outputZeroPoint: 0, multiplier: 2 ** 30, shift: -1, count: 4 });
    expect(Array.from(run(op, tensors, [1, 2, 3, 5, -1, -2, -3, -4]))).toEqual([3, -3]);
  });
  it('count 3 folds to floor(2^31 / 3) = 715827882 with shift 0; 4 / 3 -> 1, 5 / 3 -> 2', () => {
    const { op, tensors } = meanOp([2, 3], [2, 1], { axes: [1], keepDims: true }, [0.1, 0], [0.1, 0]);
    expect([op.params!.multiplier, op.params!.shift]).toEqual([715827882, 0]);
    expect(Array.from(run(op, tensors, [1, 1, 2, 1, 2, 2]))).toEqual([1, 2]);
  });
  it('zero points: mean of (x - zp_in) requantized, plus zp_out', () => {
    // inputs 10, 20 with zp 4 -> 6, 16 -> mean 11 real steps of 0.1 = 1.1; output scale 0.2, zp -3 -> 5.5 -> 6 - 3 = 3.
    const { op, tensors } = meanOp([1, 2], [1], { axes: [1], keepDims: false }, [0.1, 4], [0.2, -3]);
    expect(Array.from(run(op, tensors, [10, 20]))).toEqual([3]);
  });
});

describe('MEAN invariants', () => {
  const cases: Array<{ inShape: number[]; outShape: number[]; attrs: OpAttrs['MEAN'] }> = [
    { inShape: [2, 5, 6, 3], outShape: [2, 1, 1, 3], attrs: { axes: [1, 2], keepDims: true } },
    { inShape: [2, 5, 6, 3], outShape: [2, 3], attrs: { axes: [1, 2], keepDims: false } },
    { inShape: [2, 5, 6, 3], outShape: [2, 5, 6], attrs: { axes: [3], keepDims: false } },
    { inShape: [4, 7, 9], outShape: [1, 7, 1], attrs: { axes: [0, 2], keepDims: true } },
    { inShape: [3, 49], outShape: [3], attrs: { axes: [1], keepDims: false } },
  ];
  for (const c of cases) {
    it(`[${c.inShape}] over [${c.attrs.axes}]: exact rounded mean with identical quantization`, () => {
      const next = rng(c.inShape.reduce((a, b) => a * 31 + b, 7));
      const n = c.inShape.reduce((a, b) => a * b, 1);
      const x = Array.from({ length: n }, next);
      const { op, tensors } = meanOp(c.inShape, c.outShape, c.attrs, [0.07, -9], [0.07, -9]);
      const y = Array.from(run(op, tensors, x));
      // The real mean is scale * (mean(q) - zp): rounded to nearest (ties away from zero) in that domain.
      expect(y).toEqual(floatMean(x, c.inShape, c.attrs.axes).map((m) => roundAway(m + 9) - 9));
    });
    it(`[${c.inShape}] over [${c.attrs.axes}]: within 1 LSB of the float mean when quantization differs`, () => {
      const next = rng(c.inShape.reduce((a, b) => a * 17 + b, 3));
      const n = c.inShape.reduce((a, b) => a * b, 1);
      const x = Array.from({ length: n }, next);
      const [si, zi, so, zo] = [0.07, -9, 0.03, 12];
      const { op, tensors } = meanOp(c.inShape, c.outShape, c.attrs, [si, zi], [so, zo]);
      const y = Array.from(run(op, tensors, x));
      const want = floatMean(x, c.inShape, c.attrs.axes).map((m) => Math.max(-128, Math.min(127, Math.round((Math.fround(si) * (m - zi)) / Math.fround(so)) + zo)));
      y.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1));
    });
  }
});

describe('MEAN deriver', () => {
  it('rejects more than two reduced axes (TFLM resolves at most 2)', () => {
    expect(() => meanOp([2, 3, 4, 5], [2], { axes: [1, 2, 3], keepDims: false }, [0.1, 0], [0.1, 0])).toThrow(UnsupportedError);
  });
  it('rejects an output whose element count does not match axes, naming the tensor', () => {
    const bad = () => meanOp([2, 3, 4], [2, 3], { axes: [1], keepDims: true }, [0.1, 0], [0.1, 0]);
    expect(bad).toThrow(ModelFormatError);
    expect(bad).toThrow(/MEAN \(node 7\) tensor 'y': output shape \[2,3\] should have the 8 elements of \[2,1,4\]/);
  });
  it('reads an output of the right element count whatever its shape, as TFLM (only the count is used)', () => {
    expect(() => meanOp([2, 3, 4], [2, 4], { axes: [1], keepDims: true }, [0.1, 0], [0.1, 0])).not.toThrow();
  });
  it('rejects axes out of range or unsorted', () => {
    expect(() => meanOp([2, 3], [2], { axes: [2], keepDims: false }, [0.1, 0], [0.1, 0])).toThrow(ModelFormatError);
    expect(() => meanOp([2, 3, 4], [2], { axes: [2, 1], keepDims: false }, [0.1, 0], [0.1, 0])).toThrow(ModelFormatError);
  });
});
