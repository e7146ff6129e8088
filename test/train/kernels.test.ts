// Every SIMD training kernel against tfjs's own cpu kernel on odd shapes, strides 1/2, SAME/VALID/explicit
// pads, dilation and batch > 1. Bound: the cpu kernels sum in float64 and round once, ours sums T float32
// products, so |ours - cpu| ≤ (T+1)·2^-24·Σ|aᵢbᵢ| per element (compare.ts); each case asserts the ratio ≤ 1.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Xorshift32 } from '../../src/builder/random.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { boundRatio, randomValues, runOn } from './compare.js';

beforeAll(async () => {
  await useTrainBackend();
});

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase { b: number; h: number; w: number; c: number; kh: number; kw: number; oc: number; stride: number; pad: Pad; dilation: number }

const CONVS: ConvCase[] = [
  { b: 2, h: 7, w: 9, c: 3, kh: 3, kw: 3, oc: 5, stride: 1, pad: 'same', dilation: 1 },
  { b: 3, h: 8, w: 8, c: 4, kh: 3, kw: 3, oc: 13, stride: 2, pad: 'same', dilation: 1 },
  { b: 1, h: 9, w: 7, c: 2, kh: 5, kw: 5, oc: 6, stride: 2, pad: 'valid', dilation: 1 },
  { b: 2, h: 11, w: 10, c: 1, kh: 5, kw: 5, oc: 32, stride: 1, pad: 'same', dilation: 1 },
  { b: 2, h: 6, w: 5, c: 9, kh: 1, kw: 1, oc: 12, stride: 1, pad: 'valid', dilation: 1 },
  { b: 2, h: 6, w: 7, c: 3, kh: 3, kw: 2, oc: 7, stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]], dilation: 1 },
];

const outSize = (n: number, k: number, s: number, pad: Pad, axis: 1 | 2, d = 1): number => {
  const ek = (k - 1) * d + 1;
  if (pad === 'same') return Math.ceil(n / s);
  const [lo, hi] = pad === 'valid' ? [0, 0] : pad[axis];
  return Math.floor((n + lo + hi - ek) / s) + 1;
};

describe('conv2d kernels vs tfjs cpu', () => {
  const rng = new Xorshift32(11);
  for (const t of CONVS) {
    const name = `${t.b}x${t.h}x${t.w}x${t.c} * ${t.kh}x${t.kw}x${t.oc} s${t.stride} ${JSON.stringify(t.pad)}`;
    const x = { shape: [t.b, t.h, t.w, t.c], values: randomValues(rng, t.b * t.h * t.w * t.c) };
    const filter = { shape: [t.kh, t.kw, t.c, t.oc], values: randomValues(rng, t.kh * t.kw * t.c * t.oc) };
    const oh = outSize(t.h, t.kh, t.stride, t.pad, 1);
    const ow = outSize(t.w, t.kw, t.stride, t.pad, 2);
    const dy = { shape: [t.b, oh, ow, t.oc], values: randomValues(rng, t.b * oh * ow * t.oc) };
    const attrs = { strides: [t.stride, t.stride], pad: t.pad, dataFormat: 'NHWC', dilations: [1, 1] };

    it(`Conv2D ${name}`, async () => {
      const r = await boundRatio('Conv2D', { x, filter }, attrs, t.kh * t.kw * t.c);
      expect(r.size).toBe(t.b * oh * ow * t.oc);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
    it(`Conv2DBackpropInput ${name}`, async () => {
      const r = await boundRatio('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }, t.kh * t.kw * t.oc);
      expect(r.size).toBe(x.values.length);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
    it(`Conv2DBackpropFilter ${name}`, async () => {
      const r = await boundRatio('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }, t.b * oh * ow);
      expect(r.size).toBe(filter.values.length);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
  }

  it('Conv2D with dilation 2 (forward only: tfjs has no dilated conv gradients)', async () => {
    const x = { shape: [2, 10, 9, 3], values: randomValues(rng, 2 * 10 * 9 * 3) };
    const filter = { shape: [3, 3, 3, 4], values: randomValues(rng, 3 * 3 * 3 * 4) };
    const r = await boundRatio('Conv2D', { x, filter }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [2, 2] }, 27);
    expect(r.size).toBe(2 * 10 * 9 * 4);
    expect(r.ratio).toBeLessThanOrEqual(1);
  });
});

interface DwCase { b: number; h: number; w: number; c: number; k: number; stride: number; pad: 'same' | 'valid'; dilation: number }
const DEPTHWISE: DwCase[] = [
  { b: 2, h: 9, w: 7, c: 6, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { b: 3, h: 8, w: 8, c: 5, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { b: 1, h: 10, w: 9, c: 8, k: 5, stride: 1, pad: 'valid', dilation: 1 },
];

describe('depthwise kernels vs tfjs cpu', () => {
  const rng = new Xorshift32(12);
  for (const t of DEPTHWISE) {
    const name = `${t.b}x${t.h}x${t.w}x${t.c} k${t.k} s${t.stride} ${t.pad} d${t.dilation}`;
    const x = { shape: [t.b, t.h, t.w, t.c], values: randomValues(rng, t.b * t.h * t.w * t.c) };
    const filter = { shape: [t.k, t.k, t.c, 1], values: randomValues(rng, t.k * t.k * t.c) };
    const oh = outSize(t.h, t.k, t.stride, t.pad, 1, t.dilation);
    const ow = outSize(t.w, t.k, t.stride, t.pad, 2, t.dilation);
    const dy = { shape: [t.b, oh, ow, t.c], values: randomValues(rng, t.b * oh * ow * t.c) };
    const attrs = { strides: [t.stride, t.stride], pad: t.pad, dilations: [t.dilation, t.dilation] };
    it(`DepthwiseConv2dNative ${name}`, async () => {
      const r = await boundRatio('DepthwiseConv2dNative', { x, filter }, attrs, t.k * t.k);
      expect(r.size).toBe(t.b * oh * ow * t.c);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
    it(`DepthwiseConv2dNativeBackpropInput ${name}`, async () => {
      const r = await boundRatio('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape }, t.k * t.k);
      expect(r.size).toBe(x.values.length);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
    it(`DepthwiseConv2dNativeBackpropFilter ${name}`, async () => {
      const r = await boundRatio('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }, t.b * oh * ow);
      expect(r.size).toBe(filter.values.length);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
  }

  it('DepthwiseConv2dNative with dilation 2 (forward only: tfjs has no dilated depthwise gradients)', async () => {
    const x = { shape: [2, 9, 9, 7], values: randomValues(rng, 2 * 9 * 9 * 7) };
    const filter = { shape: [3, 3, 7, 1], values: randomValues(rng, 3 * 3 * 7) };
    const r = await boundRatio('DepthwiseConv2dNative', { x, filter }, { strides: [1, 1], pad: 'same', dilations: [2, 2] }, 9);
    expect(r.size).toBe(2 * 9 * 9 * 7);
    expect(r.ratio).toBeLessThanOrEqual(1);
  });
});

describe('max pool kernels vs tfjs cpu', () => {
  const rng = new Xorshift32(13);
  const POOLS = [
    { shape: [2, 9, 9, 5], k: 2, stride: 2, pad: 'valid' },
    { shape: [1, 7, 8, 6], k: 3, stride: 2, pad: 'same' },
    { shape: [2, 8, 8, 4], k: 3, stride: 1, pad: 'same' },
  ] as const;
  for (const t of POOLS) {
    const name = `${t.shape.join('x')} k${t.k} s${t.stride} ${t.pad}`;
    // Few distinct values, so windows hold ties and the first-greatest rule is exercised.
    const x = { shape: [...t.shape], values: randomValues(rng, t.shape.reduce((a: number, b: number) => a * b, 1), 3) };
    const attrs = { filterSize: [t.k, t.k], strides: [t.stride, t.stride], pad: t.pad };
    it(`MaxPool ${name} equals cpu exactly`, async () => {
      const ours = await runOn('tinyforge', 'MaxPool', { x }, attrs);
      const ref = await runOn('cpu', 'MaxPool', { x }, attrs);
      expect(Array.from(ours)).toEqual(Array.from(ref));
    });
    it(`MaxPoolGrad ${name}`, async () => {
      const output = { shape: [] as number[], values: await runOn('cpu', 'MaxPool', { x }, attrs) };
      const [b, h, w, c] = t.shape;
      const oh = t.pad === 'same' ? Math.ceil(h / t.stride) : Math.floor((h - t.k) / t.stride) + 1;
      const ow = t.pad === 'same' ? Math.ceil(w / t.stride) : Math.floor((w - t.k) / t.stride) + 1;
      output.shape = [b, oh, ow, c];
      const dy = { shape: output.shape, values: randomValues(rng, output.values.length) };
      // An input takes the gradient of every window whose max it is: at most k·k sums.
      const r = await boundRatio('MaxPoolGrad', { dy, input: x, output }, attrs, t.k * t.k, ['dy']);
      expect(r.size).toBe(x.values.length);
      expect(r.ratio).toBeLessThanOrEqual(1);
    });
  }
});

describe('BatchMatMul vs tfjs cpu', () => {
  const rng = new Xorshift32(14);
  const CASES = [[1, 5, 13, 11], [3, 7, 9, 16], [1, 64, 37, 10], [2, 4, 1, 9]] as const;
  for (const [batch, M, K, N] of CASES) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`[${batch}] ${M}x${K} · ${K}x${N} transposeA=${transposeA} transposeB=${transposeB}`, async () => {
          const a = { shape: [batch, ...(transposeA ? [K, M] : [M, K])], values: randomValues(rng, batch * M * K) };
          const b = { shape: [batch, ...(transposeB ? [N, K] : [K, N])], values: randomValues(rng, batch * K * N) };
          const r = await boundRatio('BatchMatMul', { a, b }, { transposeA, transposeB }, K);
          expect(r.size).toBe(batch * M * N);
          expect(r.ratio).toBeLessThanOrEqual(1);
        });
      }
    }
  }
});

describe('elementwise fast paths vs tfjs cpu', () => {
  const rng = new Xorshift32(15);
  const t = (shape: number[]) => ({ shape, values: randomValues(rng, shape.reduce((a, b) => a * b, 1)) });
  const BINARY = [
    ['same shape', [2, 3, 5, 4], [2, 3, 5, 4]],
    ['bias on the last axis', [2, 3, 5, 4], [4]],
    ['bias on the first operand', [7], [3, 7]],
    ['scalar', [3, 5], []],
    ['trailing block', [2, 3, 5], [3, 5]],
    ['pooled against its map', [2, 1, 1, 4], [2, 3, 5, 4]],
    ['row scale', [3, 5], [3, 1]],
    ['general broadcast (cpu fallback)', [3, 1], [1, 4]],
  ] as const;
  for (const kernel of ['Add', 'Sub', 'Multiply', 'RealDiv']) {
    for (const [what, sa, sb] of BINARY) {
      it(`${kernel} ${what} equals cpu exactly`, async () => {
        const inputs = { a: t([...sa]), b: t([...sb]) };
        const ours = await runOn('tinyforge', kernel, inputs, {});
        const ref = await runOn('cpu', kernel, inputs, {});
        expect(ours.length).toBe(ref.length);
        expect(Array.from(ours)).toEqual(Array.from(ref));
      });
    }
  }
  it('Relu, Relu6 and Step equal cpu exactly, NaN and the clip bounds included', async () => {
    const x = t([3, 7]);
    x.values[4] = NaN;
    x.values[5] = 0;
    x.values[6] = 6;
    x.values[8] = 7.5;
    for (const [kernel, attrs] of [['Relu', {}], ['Relu6', {}], ['Step', { alpha: 0 }], ['Step', { alpha: 0.25 }]] as const) {
      const ours = await runOn('tinyforge', kernel, { x }, attrs);
      const ref = await runOn('cpu', kernel, { x }, attrs);
      expect(Array.from(ours)).toEqual(Array.from(ref));
    }
  });
  const REDUCE = [[[0, 1, 2], false], [[0], true], [[2, 3], false], [[3], true], [[1], false], [[1, 2], true], [[0, 2], false]] as const;
  for (const kernel of ['Sum', 'Mean']) {
    for (const [axis, keepDims] of REDUCE) {
      it(`${kernel} over axes ${axis.join(',')} keepDims=${keepDims}`, async () => {
        const x = t([3, 4, 5, 6]);
        const ours = await runOn('tinyforge', kernel, { x }, { axis: [...axis], keepDims });
        const ref = await runOn('cpu', kernel, { x }, { axis: [...axis], keepDims });
        const reduced = (axis as readonly number[]).reduce((n: number, a: number) => n * x.shape[a]!, 1);
        expect(ours.length).toBe(360 / reduced);
        // Both sum in float64 and round once: only the summation order can differ.
        for (let i = 0; i < ref.length; i++) expect(Math.abs(ours[i]! - ref[i]!)).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(ref[i]!)));
      });
    }
  }
});

describe('fused ReLU gradient', () => {
  it("equals tfjs's dy · step(x) on cpu, NaN and zero included", async () => {
    const rng = new Xorshift32(16);
    const x = { shape: [4, 9], values: randomValues(rng, 36) };
    const dy = { shape: [4, 9], values: randomValues(rng, 36) };
    x.values[3] = NaN;
    x.values[7] = 0;
    const ours = await runOn('tinyforge', 'TinyforgeReluGrad', { dy, x }, {});
    await tf.setBackend('cpu');
    const ref = tf.tidy(() => tf.mul(tf.tensor(dy.values, dy.shape), tf.cast(tf.step(tf.tensor(x.values, x.shape)), 'float32')).dataSync());
    expect(Array.from(ours)).toEqual(Array.from(ref));
  });
});

describe('fused ReLU6 gradient', () => {
  it("equals tfjs's dy · (0 < x < 6) on cpu: the bounds, values past them and NaN included", async () => {
    const rng = new Xorshift32(17);
    const x = { shape: [4, 9], values: randomValues(rng, 36).map((v) => v * 8) };
    const dy = { shape: [4, 9], values: randomValues(rng, 36) };
    [x.values[1], x.values[2], x.values[3], x.values[4], x.values[5]] = [0, 6, NaN, 6.5, -0.5];
    const ours = await runOn('tinyforge', 'TinyforgeRelu6Grad', { dy, x }, {});
    await tf.setBackend('cpu');
    const ref = tf.tidy(() => {
      const xt = tf.tensor(x.values, x.shape);
      return tf.mul(tf.tensor(dy.values, dy.shape), tf.cast(tf.logicalAnd(tf.greater(xt, 0), tf.less(xt, 6)), 'float32')).dataSync();
    });
    expect(Array.from(ours)).toEqual(Array.from(ref));
    expect(ours.filter((v) => v !== 0).length).toBeGreaterThan(5);
  });
});
