import { FLOAT32_MAX } from '../../../src/ir/float.js';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/graph.js';
import type { StridedSliceAttrs } from '../../../src/ir/ops.js';
import { linearKernels } from '../../../src/reference/ops/linear.js';
import { nearestSource } from '../../../src/reference/ops/resize.js';
import { buildOp, rng, runOp, type Spec } from './helpers.js';

const q = { scale: 0.1, zp: -3 };
const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };
const iota = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('CONCATENATION', () => {
  it('lays inputs side by side along the axis, copying int8 bytes unchanged (as TFLM)', () => {
    // [2,2] ++ [2,1] along axis 1 -> rows [1,2,9], [3,4,8]. The second input has another scale: TFLM
    // does not requantize, so the stored values are copied as they are.
    const out = runOp('CONCATENATION', { axis: 1, clamp: [-128, 127] }, [
      { shape: [2, 2], ...q, values: [1, 2, 3, 4] },
      { shape: [2, 1], scale: 0.7, zp: 5, values: [9, 8] },
    ], { shape: [2, 3], ...q });
    expect(Array.from(out)).toEqual([1, 2, 9, 3, 4, 8]);
    const { op } = buildOp('CONCATENATION', { axis: 1, clamp: [-128, 127] }, [{ shape: [2, 2], ...q }, { shape: [2, 1], scale: 0.7, zp: 5 }], { shape: [2, 3], ...q });
    expect(op.params!.inputs).toEqual([null, null]);
  });

  it('requantizes an input whose params ask for it (not produced for TFLM models, kept for passes)', () => {
    // Input 1: (q - 2) * 0.5 (2^30, shift 0) + zp -1: q = 10 -> 4 -> 3; q = -7 -> -9 * 0.5 = -4.5, and
    // SRDHM's negative nudge (1 - 2^30) then truncation sends that tie toward zero: -4 -> -5.
    const built = buildOp('CONCATENATION', { axis: 0, clamp: [-128, 127] }, [{ shape: [1], ...q }, { shape: [2], ...q }], { shape: [3], ...q });
    const op = { ...built.op, params: { outputZeroPoint: -1, inputs: [null, { inputZeroPoint: 2, multiplier: 2 ** 30, shift: 0 }] } };
    const out = new Int8Array(3);
    linearKernels.CONCATENATION(op, [{ shape: [1], data: Int8Array.of(50) }, { shape: [2], data: Int8Array.of(10, -7) }], [{ shape: [3], data: out }]);
    expect(Array.from(out)).toEqual([50, 3, -5]);
  });

  it('matches naive index math on random shapes and axes, for several dtypes', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const rank = r.int(1, 4);
      const axis = r.int(0, rank - 1);
      const base = Array.from({ length: rank }, () => r.int(1, 3));
      const k = r.int(1, 3);
      const shapes = Array.from({ length: k }, () => base.map((d, i) => (i === axis ? r.int(1, 3) : d)));
      const dtype: DType = (['int8', 'int32', 'float32', 'int16'] as const)[seed % 4]!;
      const values = shapes.map((s, k) => iota(s.reduce((p, c) => p * c, 1)).map((v) => ((v * 3 + k * 37) % 200) - 100));
      const outShape = base.map((d, i) => (i === axis ? shapes.reduce((p, s) => p + s[i]!, 0) : d));
      // No fused activation: the dtype's whole range (a float32 op's clamp is on real values: [-FLT_MAX, FLT_MAX]).
      const clamp: [number, number] = dtype === 'float32' ? [-FLOAT32_MAX, FLOAT32_MAX] : dtype === 'int16' ? [-32768, 32767] : [-128, 127];
      const got = Array.from(runOp('CONCATENATION', { axis, clamp },
        shapes.map((s, i) => ({ shape: s, dtype, values: values[i]!, ...(dtype === 'int8' ? q : { noQuant: true }) })),
        { shape: outShape, dtype, ...(dtype === 'int8' ? q : { noQuant: true }) }));
      // Naive: for every output index, find the input owning its axis coordinate.
      const expected: number[] = [];
      const total = outShape.reduce((p, c) => p * c, 1);
      for (let i = 0; i < total; i++) {
        const idx: number[] = [];
        let rem = i;
        for (let d = rank - 1; d >= 0; d--) {
          idx[d] = rem % outShape[d]!;
          rem = Math.floor(rem / outShape[d]!);
        }
        let a = idx[axis]!, which = 0;
        while (a >= shapes[which]![axis]!) a -= shapes[which++]![axis]!;
        const s = shapes[which]!;
        let flat = 0;
        for (let d = 0; d < rank; d++) flat = flat * s[d]! + (d === axis ? a : idx[d]!);
        expected.push(values[which]![flat]!);
      }
      expect(got).toEqual(expected);
    }
  });
});

describe('PAD / PADV2', () => {
  it('pads int8 with the output zero point', () => {
    // [[1,2],[3,4]] padded by 1 row above, 1 column right: zp -3 fills the border.
    const out = runOp('PAD', { paddings: [[1, 0], [0, 1]] },
      [{ shape: [2, 2], ...q, values: [1, 2, 3, 4] }, { shape: [2, 2], dtype: 'int32', values: [1, 0, 0, 1], constant: true }],
      { shape: [3, 3], ...q });
    expect(Array.from(out)).toEqual([-3, -3, -3, 1, 2, -3, 3, 4, -3]);
  });

  it('PADV2 pads with the constant value tensor; float32 and int64 work too', () => {
    const paddings: Array<[number, number]> = [[0, 0], [2, 1]];
    const p: Spec = { shape: [2, 2], dtype: 'int32', values: [0, 0, 2, 1], constant: true };
    const out = runOp('PADV2', { paddings },
      [{ shape: [1, 2], ...q, values: [7, 8] }, p, { shape: [], ...q, values: [-9], constant: true }], { shape: [1, 5], ...q });
    expect(Array.from(out)).toEqual([-9, -9, 7, 8, -9]);
    const fl = runOp('PADV2', { paddings },
      [{ shape: [1, 2], dtype: 'float32', values: [0.5, 1.5] }, p, { shape: [1], dtype: 'float32', values: [2.25], constant: true }],
      { shape: [1, 5], dtype: 'float32' });
    expect(Array.from(fl)).toEqual([2.25, 2.25, 0.5, 1.5, 2.25]);
    const i64 = runOp('PAD', { paddings }, [{ shape: [1, 2], dtype: 'int64', values: [5n, -6n] }, p], { shape: [1, 5], dtype: 'int64' });
    expect(Array.from(i64)).toEqual([0n, 0n, 5n, -6n, 0n]);
  });

  it('matches naive index math on random 1-5-D shapes', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const rank = r.int(1, 5);
      const shape = Array.from({ length: rank }, () => r.int(1, 3));
      const paddings = shape.map(() => [r.int(0, 2), r.int(0, 2)] as [number, number]);
      const outShape = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = r.int8s(n, -100, 100);
      const got = Array.from(runOp('PAD', { paddings },
        [{ shape, ...q, values: x }, { shape: [rank, 2], dtype: 'int32', values: paddings.flat(), constant: true }], { shape: outShape, ...q }));
      const total = outShape.reduce((a, b) => a * b, 1);
      for (let i = 0; i < total; i++) {
        let rem = i, src = 0, inside = true;
        const idx: number[] = [];
        for (let d = rank - 1; d >= 0; d--) {
          idx[d] = rem % outShape[d]!;
          rem = Math.floor(rem / outShape[d]!);
        }
        for (let d = 0; d < rank; d++) {
          const j = idx[d]! - paddings[d]![0];
          if (j < 0 || j >= shape[d]!) inside = false;
          src = src * shape[d]! + j;
        }
        expect(got[i]).toBe(inside ? x[src] : q.zp);
      }
    }
  });
});

describe('TRANSPOSE', () => {
  it('NCHW -> NHWC on a hand example', () => {
    // [1,2,2,2] channels-first: c0 = [0,1,2,3], c1 = [4,5,6,7] -> pixels interleave the channels.
    const out = runOp('TRANSPOSE', { perm: [0, 2, 3, 1] },
      [{ shape: [1, 2, 2, 2], ...q, values: iota(8) }, { shape: [4], dtype: 'int32', values: [0, 2, 3, 1], constant: true }], { shape: [1, 2, 2, 2], ...q });
    expect(Array.from(out)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
  });

  it('a permutation followed by its inverse is the identity; out[o] = in[o permuted]', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(seed);
      const rank = r.int(1, 6);
      const shape = Array.from({ length: rank }, () => r.int(1, 4));
      const perm = iota(rank);
      for (let i = rank - 1; i > 0; i--) {
        const j = r.int(0, i);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const inverse = perm.map((_, i) => perm.indexOf(i));
      const n = shape.reduce((a, b) => a * b, 1);
      const x = iota(n).map((v) => v * 7 - 1000);
      const tShape = perm.map((p) => shape[p]!);
      const permSpec = (p: number[]): Spec => ({ shape: [rank], dtype: 'int32', values: p, constant: true });
      const t = Array.from(runOp('TRANSPOSE', { perm }, [{ shape, dtype: 'int32', values: x }, permSpec(perm)], { shape: tShape, dtype: 'int32' }));
      const back = Array.from(runOp('TRANSPOSE', { perm: inverse }, [{ shape: tShape, dtype: 'int32', values: t }, permSpec(inverse)], { shape, dtype: 'int32' }));
      expect(back).toEqual(x);
      // Naive: output index o reads the input index i with i[perm[k]] = o[k].
      for (let o = 0; o < n; o++) {
        const oi: number[] = [];
        let rem = o;
        for (let d = rank - 1; d >= 0; d--) {
          oi[d] = rem % tShape[d]!;
          rem = Math.floor(rem / tShape[d]!);
        }
        const ii: number[] = [];
        perm.forEach((p, k) => (ii[p] = oi[k]!));
        expect(t[o]).toBe(x[ii.reduce((acc, v, d) => acc * shape[d]! + v, 0)]);
      }
    }
  });
});

describe('RESHAPE / SQUEEZE', () => {
  it('keep the elements in order', () => {
    const x = iota(6, -3);
    expect(Array.from(runOp('RESHAPE', {}, [{ shape: [1, 6], ...q, values: x }, null], { shape: [2, 3], ...q }))).toEqual(x);
    expect(Array.from(runOp('SQUEEZE', {}, [{ shape: [1, 1, 6], ...q, values: x }], { shape: [6], ...q }))).toEqual(x);
  });
});

describe('STRIDED_SLICE', () => {
  function naive(shape: number[], x: number[], begin: number[], end: number[], strides: number[]) {
    const lists = shape.map((_, d) => {
      const l: number[] = [];
      for (let i = begin[d]!; strides[d]! > 0 ? i < end[d]! : i > end[d]!; i += strides[d]!) l.push(i);
      return l;
    });
    let idx: number[][] = [[]];
    for (const l of lists) idx = idx.flatMap((pre) => l.map((i) => [...pre, i]));
    return idx.map((ix) => x[ix.reduce((acc, i, d) => acc * shape[d]! + i, 0)]!);
  }

  it('matches naive index math with positive and negative strides', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      const rank = r.int(1, 5);
      const shape = Array.from({ length: rank }, () => r.int(1, 6));
      const begin: number[] = [], end: number[] = [], strides: number[] = [];
      for (const d of shape) {
        const s = r.int(1, 3) * (r.int(0, 2) === 0 ? -1 : 1);
        if (s > 0) {
          const b = r.int(0, d - 1);
          begin.push(b), end.push(r.int(b + 1, d)), strides.push(s);
        } else {
          const b = r.int(0, d - 1);
          begin.push(b), end.push(r.int(-1, b - 1)), strides.push(s);
        }
      }
      const n = shape.reduce((a, b) => a * b, 1);
      const x = iota(n).map((v) => (v % 200) - 100);
      const expected = naive(shape, x, begin, end, strides);
      const counts = shape.map((_, d) => naive([shape[d]!], iota(shape[d]!), [begin[d]!], [end[d]!], [strides[d]!]).length);
      const attrs: StridedSliceAttrs = { begin, end, strides, masks };
      const got = Array.from(runOp('STRIDED_SLICE', attrs, [{ shape, ...q, values: x }], { shape: counts, ...q }));
      expect(got).toEqual(expected);
    }
  });

  it('shrink_axis drops a dim from the output shape', () => {
    // [2,3] -> row 1, columns 0..2: shrink dim 0.
    const out = runOp('STRIDED_SLICE', { begin: [1, 0], end: [2, 3], strides: [1, 1], masks: { ...masks, shrinkAxis: 1 } },
      [{ shape: [2, 3], ...q, values: iota(6) }], { shape: [3], ...q });
    expect(Array.from(out)).toEqual([3, 4, 5]);
  });
});

describe('RESIZE_NEAREST_NEIGHBOR', () => {
  it('source indices for the TFLite flag combinations (hand-computed)', () => {
    const src = (inS: number, outS: number, ac: boolean, hp: boolean) => iota(outS).map((i) => nearestSource(i, inS, outS, ac, hp));
    // plain: floor(i * 2/4) -> 0,0,1,1
    expect(src(2, 4, false, false)).toEqual([0, 0, 1, 1]);
    // align_corners 2->3: scale 1/2, round(i * 0.5) with halves away from zero -> 0, 1, 1
    expect(src(2, 3, true, false)).toEqual([0, 1, 1]);
    // half_pixel 2->4: floor((i + 0.5) * 0.5) -> 0,0,1,1; 3->2: floor((i + 0.5) * 1.5) -> 0, 2
    expect(src(2, 4, false, true)).toEqual([0, 0, 1, 1]);
    expect(src(3, 2, false, true)).toEqual([0, 2]);
    // downscale 5->2 plain: floor(i * 2.5) -> 0, 2
    expect(src(5, 2, false, false)).toEqual([0, 2]);
    // align_corners with a single output pixel falls back to in/out: round(0) -> 0
    expect(src(4, 1, true, false)).toEqual([0]);
    // half_pixel + align_corners 3->5: scale 0.5, round((i + 0.5) * 0.5) = round(.25,.75,1.25,1.75,2.25) -> 0,1,1,2,2
    expect(src(3, 5, true, true)).toEqual([0, 1, 1, 2, 2]);
  });

  it('copies whole pixels (all channels) from the source position', () => {
    // 1x2x2x2 -> 1x3x3x2 plain: src rows/cols floor(i * 2/3) = 0, 0, 1.
    const x = [1, -1, 2, -2, 3, -3, 4, -4];
    const out = runOp('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false },
      [{ shape: [1, 2, 2, 2], ...q, values: x }, { shape: [2], dtype: 'int32', values: [3, 3], constant: true }], { shape: [1, 3, 3, 2], ...q });
    const p = (y: number, x0: number) => [x[(y * 2 + x0) * 2]!, x[(y * 2 + x0) * 2 + 1]!];
    const rows = [0, 0, 1];
    expect(Array.from(out)).toEqual(rows.flatMap((y) => rows.flatMap((c) => p(y, c))));
  });
});
