import { describe, expect, it } from 'vitest';
import { quantizeMultiplier } from '../../../src/ir/quant.js';
import type { Padding } from '../../../src/ir/ops.js';
import { buildOp, distinct, noPad, rng, runOp, type Spec } from './helpers.js';

const f = Math.fround;

describe('DEPTHWISE_CONV_2D reference kernel', () => {
  it('matches a hand-worked depth-multiplier-2 example with per-channel scales', () => {
    // Input 1x2x2x2: pixel p holds [p+1, 10*(p+1)]; M = 2 -> 4 output channels (oc = ic*2 + m).
    // Filter [1,2,2,4], per pixel p: oc0 = 1, oc1 = p+1, oc2 = (p==0), oc3 = -(p==3).
    // oc0 = 1+2+3+4 = 10, x scale 1 -> 10
    // oc1 = 1*1+2*2+3*3+4*4 = 30, x 0.5 -> 15
    // oc2 = 10, x 0.25 -> 2.5: SRDHM(10, 2^30) = 5, rounding shift by 1 -> 3
    // oc3 = -40, x 2 -> -80
    const out = runOp(
      'DEPTHWISE_CONV_2D',
      { stride: [1, 1], dilation: [1, 1], pad: noPad, clamp: [-128, 127], depthMultiplier: 2 },
      [
        { shape: [1, 2, 2, 2], scale: 1, zp: 0, values: [1, 10, 2, 20, 3, 30, 4, 40] },
        { shape: [1, 2, 2, 4], scale: [1, 0.5, 0.25, 2], axis: 3, constant: true, values: [1, 1, 1, 0, 1, 2, 0, 0, 1, 3, 0, 0, 1, 4, 0, -1] },
        null,
      ],
      { shape: [1, 1, 1, 4], scale: 1, zp: 0 },
    );
    expect(Array.from(out)).toEqual([10, 15, 3, -80]);
  });

  it('equals a dense conv with the block-diagonal filter, and a grouped conv', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(seed);
      const n = r.int(1, 2), h = r.int(3, 8), w = r.int(3, 8), c = r.int(1, 4), m = r.int(1, 3), kh = r.int(1, 3), kw = r.int(1, 3);
      const oc = c * m;
      const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
      const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
      const pad: Padding = { top: r.int(0, 1), bottom: r.int(0, 1), left: r.int(0, 1), right: r.int(0, 1) };
      const oh = Math.floor((h + pad.top + pad.bottom - ((kh - 1) * dilation[0] + 1)) / stride[0]) + 1;
      const ow = Math.floor((w + pad.left + pad.right - ((kw - 1) * dilation[1] + 1)) / stride[1]) + 1;
      const x = r.int8s(n * h * w * c);
      const dw = r.int8s(kh * kw * oc, -127, 127);
      const bias = Array.from({ length: oc }, () => r.int(-2000, 2000));
      const inScale = r.float(0.01, 0.05);
      const scales = seed % 2 ? Array.from({ length: oc }, () => r.float(0.002, 0.02)) : [r.float(0.002, 0.02)];
      const outScale = inScale * 0.01 * Math.sqrt(kh * kw) * 15;
      const input: Spec = { shape: [n, h, w, c], scale: inScale, zp: r.int(-10, 10), values: x };
      const biasSpec: Spec = { shape: [oc], dtype: 'int32', values: bias, constant: true };
      const output: Spec = { shape: [n, oh, ow, oc], scale: outScale, zp: r.int(-5, 5) };
      const base = { stride, dilation, pad, clamp: [-128, 127] as [number, number] };

      const got = Array.from(runOp('DEPTHWISE_CONV_2D', { ...base, depthMultiplier: m },
        [input, { shape: [1, kh, kw, oc], scale: scales, axis: 3, values: dw, constant: true }, biasSpec], output));
      expect(distinct(got)).toBeGreaterThan(1);

      // Dense filter [oc, kh, kw, c]: oc reads only input channel floor(oc / m).
      const dense = new Array<number>(oc * kh * kw * c).fill(0);
      const grouped = new Array<number>(oc * kh * kw).fill(0);
      for (let o = 0; o < oc; o++)
        for (let p = 0; p < kh * kw; p++) {
          dense[(o * kh * kw + p) * c + Math.floor(o / m)] = dw[p * oc + o]!;
          grouped[o * kh * kw + p] = dw[p * oc + o]!;
        }
      const viaDense = Array.from(runOp('CONV_2D', base,
        [input, { shape: [oc, kh, kw, c], scale: scales, axis: 0, values: dense, constant: true }, biasSpec], output));
      expect(got).toEqual(viaDense);
      const viaGroups = Array.from(runOp('CONV_2D', base,
        [input, { shape: [oc, kh, kw, 1], scale: scales, axis: 0, values: grouped, constant: true }, biasSpec], output));
      expect(got).toEqual(viaGroups);
    }
  });
});

describe('FULLY_CONNECTED reference kernel', () => {
  it('matches a hand-worked example', () => {
    // q - zp = [10, -5, 0] - 2 = [8, -7, -2]
    // u0 = 8*1 - 7*2 - 2*3 = -12, + bias 100 = 88;  u1 = -8 + 0 - 8 = -16, + bias -4 = -20
    // multiplier 0.5 * 0.5 / 1 = 0.25 (exact): 22 and -5, + zp -3 -> 19, -8
    const out = runOp('FULLY_CONNECTED', { clamp: [-128, 127], keepNumDims: false }, [
      { shape: [1, 3], scale: 0.5, zp: 2, values: [10, -5, 0] },
      { shape: [2, 3], scale: 0.5, values: [1, 2, 3, -1, 0, 4], constant: true },
      { shape: [2], dtype: 'int32', scale: 0.25, values: [100, -4], constant: true },
    ], { shape: [1, 2], scale: 1, zp: -3 });
    expect(Array.from(out)).toEqual([19, -8]);
  });

  it('per-tensor: the real multiplier uses the float32 product of input and weight scales', () => {
    // TFLM GetQuantizedConvolutionMultipler: double(input_scale * filter_scale) / double(output_scale),
    // the product being a float product. These scales make the two roundings differ.
    const a = f(0.010731), b = f(0.0030419), c = f(0.05117);
    const expected = quantizeMultiplier(f(a * b) / c);
    expect(expected.multiplier).not.toBe(quantizeMultiplier((a * b) / c).multiplier);
    const { op } = buildOp('FULLY_CONNECTED', { clamp: [-128, 127], keepNumDims: false }, [
      { shape: [1, 4], scale: a, zp: 0 },
      { shape: [2, 4], scale: b, values: new Array(8).fill(1), constant: true },
      { shape: [2], dtype: 'int32', scale: f(a * b), values: [0, 0], constant: true },
    ], { shape: [1, 2], scale: c, zp: 0 });
    expect(Array.from(op.params!.multiplier)).toEqual([expected.multiplier]);
    expect(Array.from(op.params!.shift)).toEqual([expected.shift]);
    // Per-channel weights go through the double formula instead.
    const { op: pc } = buildOp('FULLY_CONNECTED', { clamp: [-128, 127], keepNumDims: false }, [
      { shape: [1, 4], scale: a, zp: 0 },
      { shape: [2, 4], scale: [b, b], axis: 0, values: new Array(8).fill(1), constant: true },
      null,
    ], { shape: [1, 2], scale: c, zp: 0 });
    expect(Array.from(pc.params!.multiplier)).toEqual([0, 1].map(() => quantizeMultiplier((a * b) / c).multiplier));
  });

  it('equals a 1x1 conv over the batch rows (per-channel), with batches and keepNumDims', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = rng(seed);
      const batches = r.int(1, 4), depth = r.int(1, 20), units = r.int(1, 6);
      const x = r.int8s(batches * depth);
      const wt = r.int8s(units * depth, -127, 127);
      const bias = Array.from({ length: units }, () => r.int(-3000, 3000));
      const inScale = r.float(0.01, 0.05);
      const scales = Array.from({ length: units }, () => r.float(0.002, 0.02));
      const outScale = inScale * 0.01 * Math.sqrt(depth) * 12;
      const zpIn = r.int(-10, 10), zpOut = r.int(-10, 10);
      const keep = seed % 2 === 0;
      const fc = Array.from(runOp('FULLY_CONNECTED', { clamp: [-100, 100], keepNumDims: keep }, [
        { shape: keep ? [1, batches, depth] : [batches, depth], scale: inScale, zp: zpIn, values: x },
        { shape: [units, depth], scale: scales, axis: 0, values: wt, constant: true },
        { shape: [units], dtype: 'int32', values: bias, constant: true },
      ], { shape: keep ? [1, batches, units] : [batches, units], scale: outScale, zp: zpOut }));
      const conv = Array.from(runOp('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: noPad, clamp: [-100, 100] }, [
        { shape: [batches, 1, 1, depth], scale: inScale, zp: zpIn, values: x },
        { shape: [units, 1, 1, depth], scale: scales, axis: 0, values: wt, constant: true },
        { shape: [units], dtype: 'int32', values: bias, constant: true },
      ], { shape: [batches, 1, 1, units], scale: outScale, zp: zpOut }));
      expect(fc).toEqual(conv);
    }
  });

  it('reads a 4-D input as rows of the weights depth (micro_speech: [1,25,20,8] x [4,4000])', () => {
    const r = rng(5);
    const x = r.int8s(2 * 3 * 2);
    const wt = r.int8s(2 * 12, -127, 127);
    const flat = Array.from(runOp('FULLY_CONNECTED', { clamp: [-128, 127], keepNumDims: false },
      [{ shape: [1, 12], scale: 0.5, zp: 1, values: x }, { shape: [2, 12], scale: 0.01, values: wt, constant: true }, null],
      { shape: [1, 2], scale: 0.3, zp: 0 }));
    const nd = Array.from(runOp('FULLY_CONNECTED', { clamp: [-128, 127], keepNumDims: false },
      [{ shape: [1, 2, 3, 2], scale: 0.5, zp: 1, values: x }, { shape: [2, 12], scale: 0.01, values: wt, constant: true }, null],
      { shape: [1, 2], scale: 0.3, zp: 0 }));
    expect(nd).toEqual(flat);
    // Independent check: the dot products in plain arithmetic, rounded the same way to 2 decimals of slack.
    for (let u = 0; u < 2; u++) {
      let acc = 0;
      for (let d = 0; d < 12; d++) acc += wt[u * 12 + d]! * (x[d]! - 1);
      const real = (acc * f(f(0.5) * f(0.01))) / f(0.3);
      expect(Math.abs(flat[u]! - Math.max(-128, Math.min(127, real)))).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });
});
