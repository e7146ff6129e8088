// Float32 reference kernels on small cases whose results are worked out by hand (or, for exp/tanh,
// computed here in float64 with a stated tolerance).
import { describe, expect, it } from 'vitest';
import { FLOAT32_MAX } from '../../../src/ir/float.js';
import type { Clamp, Padding } from '../../../src/ir/ops.js';
import { VARIANT_KERNELS } from '../../../src/reference/variants.js';
import { floatOpGraph, runFloat } from './helpers.js';

const f32 = Math.fround;
const NONE: Clamp = [-FLOAT32_MAX, FLOAT32_MAX];
const VALID: Padding = { top: 0, bottom: 0, left: 0, right: 0 };
const x3x3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('float32 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED', () => {
  const conv = (clamp: Clamp, pad = VALID, outHW = 2) =>
    floatOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad, clamp },
      [{ shape: [1, 3, 3, 1] }, { shape: [1, 2, 2, 1], values: [1, 2, 3, 4] }, { shape: [1], values: [0.5] }],
      { shape: [1, outHW, outHW, 1] });

  it('sums window x filter, adds the bias (windows 1*1+2*2+4*3+5*4 = 37, 47, 67, 77)', () => {
    expect(runFloat(conv(NONE), x3x3)).toEqual([37.5, 47.5, 67.5, 77.5]);
  });
  it('applies the fused activation as a real clamp (RELU6: [0, 6])', () => {
    expect(runFloat(conv([0, 6]), x3x3)).toEqual([6, 6, 6, 6]);
  });
  it('skips padded pixels (SAME: bottom/right pad 1; the last window holds only 9 * 1)', () => {
    const out = runFloat(conv(NONE, { top: 0, bottom: 1, left: 0, right: 1 }, 3), x3x3);
    expect(out[0]).toBe(37.5);
    expect(out[2]).toBe(3 * 1 + 6 * 3 + 0.5); // right column: only filter column 0
    expect(out[8]).toBe(9.5);
  });
  it('DEPTHWISE with depth multiplier 2: channel c feeds outputs 2c and 2c+1', () => {
    // input 1x1x2x2 (pixels p0 = [1, 10], p1 = [2, 20]); filter 1x1x2x4
    const g = floatOpGraph('DEPTHWISE_CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: VALID, clamp: NONE, depthMultiplier: 2 },
      [{ shape: [1, 1, 2, 2] }, { shape: [1, 1, 2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8] }, { shape: [4], values: [0, 0, 0, 1] }],
      { shape: [1, 1, 1, 4] });
    // out[oc] = p0[c] * w[0][oc] + p1[c] * w[1][oc], c = oc >> 1
    expect(runFloat(g, [1, 10, 2, 20])).toEqual([1 * 1 + 2 * 5, 1 * 2 + 2 * 6, 10 * 3 + 20 * 7, 10 * 4 + 20 * 8 + 1]);
  });
  it('FULLY_CONNECTED: out[u] = sum_d x[d] * w[u, d] + bias[u]', () => {
    const g = floatOpGraph('FULLY_CONNECTED', { clamp: NONE, keepNumDims: false },
      [{ shape: [1, 2] }, { shape: [2, 2], values: [1, 1, 2, -1] }, { shape: [2], values: [0.5, 0] }], { shape: [1, 2] });
    expect(runFloat(g, [1, 2])).toEqual([3.5, 0]);
  });
  it('accumulates in float32, not float64: 1e8 + 1 rounds back to 1e8 (float32 spacing 8), so the sum is 0', () => {
    const g = floatOpGraph('FULLY_CONNECTED', { clamp: NONE, keepNumDims: false },
      [{ shape: [1, 3] }, { shape: [1, 3], values: [1, 1, 1] }, null], { shape: [1, 1] });
    expect(runFloat(g, [1e8, 1, -1e8])).toEqual([0]); // float64 would give 1
  });
});

describe('float32 pools', () => {
  const pool = (kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D') =>
    floatOpGraph(kind, { filter: [2, 2], stride: [1, 1], pad: { top: 0, bottom: 1, left: 0, right: 1 }, clamp: NONE }, [{ shape: [1, 3, 3, 1] }], { shape: [1, 3, 3, 1] });
  it('AVERAGE_POOL_2D divides by the in-bounds pixels only', () => {
    const out = runFloat(pool('AVERAGE_POOL_2D'), x3x3);
    expect(out[0]).toBe((1 + 2 + 4 + 5) / 4);
    expect(out[2]).toBe((3 + 6) / 2);
    expect(out[8]).toBe(9);
  });
  it('MAX_POOL_2D takes the largest in-bounds pixel', () => {
    expect(runFloat(pool('MAX_POOL_2D'), x3x3.map((v) => -v))).toEqual([-1, -2, -3, -4, -5, -6, -7, -8, -9]);
  });
});

describe('float32 ADD / SUB / MUL / CONCATENATION', () => {
  const binary = (kind: 'ADD' | 'SUB' | 'MUL', clamp = NONE) =>
    floatOpGraph(kind, { clamp }, [{ shape: [2, 2] }, { shape: [2] }], { shape: [2, 2] });
  it('broadcast the smaller operand along the leading dim', () => {
    expect(runFloat(binary('ADD'), [1, 2, 3, 4], [10, 20])).toEqual([11, 22, 13, 24]);
    expect(runFloat(binary('SUB'), [1, 2, 3, 4], [10, 20])).toEqual([-9, -18, -7, -16]);
    expect(runFloat(binary('MUL'), [1, 2, 3, 4], [0.5, -2])).toEqual([0.5, -4, 1.5, -8]);
  });
  it('clamp with the fused activation (RELU_N1_TO_1)', () => {
    expect(runFloat(binary('ADD', [-1, 1]), [1, 2, -3, 0.25], [0, 0])).toEqual([1, 1, -1, 0.25]);
  });
  it('round each result to float32 (0.1 + 0.2 as float32 values)', () => {
    expect(runFloat(binary('ADD'), [0.1, 0, 0, 0], [0.2, 0])[0]).toBe(f32(f32(0.1) + f32(0.2)));
  });
  it('CONCATENATION lays float32 inputs side by side', () => {
    const g = floatOpGraph('CONCATENATION', { axis: 1, clamp: NONE }, [{ shape: [2, 1] }, { shape: [2, 2] }], { shape: [2, 3] });
    expect(runFloat(g, [1.5, 2.5], [3, 4, 5, 6])).toEqual([1.5, 3, 4, 2.5, 5, 6]);
  });
});

describe('float32 activations', () => {
  const unary = <K extends 'RELU' | 'RELU6' | 'RELU_N1_TO_1' | 'HARD_SWISH' | 'LOGISTIC' | 'TANH'>(kind: K, values: number[]) =>
    runFloat(floatOpGraph(kind, {}, [{ shape: [values.length] }], { shape: [values.length] }), values);
  it('RELU, RELU6, RELU_N1_TO_1 clamp to [0, inf), [0, 6], [-1, 1]', () => {
    expect(unary('RELU', [-2, 0.5, 7])).toEqual([0, 0.5, 7]);
    expect(unary('RELU6', [-2, 0.5, 7])).toEqual([0, 0.5, 6]);
    expect(unary('RELU_N1_TO_1', [-2, 0.5, 7])).toEqual([-1, 0.5, 1]);
  });
  it('HARD_SWISH: x * min(6, max(0, x + 3)) / 6', () => {
    expect(unary('HARD_SWISH', [-4, -3, 1, 3, 4])).toEqual([-0, -0, f32(4 / 6), 3, 4]);
  });
  it('LEAKY_RELU: alpha * x below 0', () => {
    const g = floatOpGraph('LEAKY_RELU', { alpha: 0.25 }, [{ shape: [3] }], { shape: [3] });
    expect(runFloat(g, [-2, 0, 3])).toEqual([-0.5, 0, 3]);
  });
  it('LOGISTIC: 1 / (1 + e^-x), exactly 1 above the cutoff 16.619, e^x below -9', () => {
    const out = unary('LOGISTIC', [0, 1, 17, -10]);
    expect(out[0]).toBe(0.5);
    expect(Math.abs(out[1]! - 1 / (1 + Math.exp(-1)))).toBeLessThan(1e-7); // float64 reference, float32 result
    expect(out[2]).toBe(1);
    expect(Math.abs(out[3]! - Math.exp(-10)) / Math.exp(-10)).toBeLessThan(1e-7);
  });
  it('TANH within float32 rounding of the float64 tanh', () => {
    const out = unary('TANH', [0, 0.5, -3]);
    expect(out[0]).toBe(0);
    expect(Math.abs(out[1]! - Math.tanh(0.5))).toBeLessThan(6e-8);
    expect(Math.abs(out[2]! - Math.tanh(-3))).toBeLessThan(6e-8);
  });
});

describe('float32 SOFTMAX and MEAN', () => {
  it('SOFTMAX per row: e^(beta (x - max)) / sum, rows independent', () => {
    const g = floatOpGraph('SOFTMAX', { beta: 1 }, [{ shape: [2, 3] }], { shape: [2, 3] });
    const out = runFloat(g, [1, 2, 3, 5, 5, 5]);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const sum = e[0]! + e[1]! + e[2]!;
    e.forEach((v, i) => expect(Math.abs(out[i]! - v / sum)).toBeLessThan(1e-7));
    expect(out.slice(3)).toEqual([f32(1 / 3), f32(1 / 3), f32(1 / 3)]);
  });
  it('MEAN over H and W of 1x2x2x2: per channel (sum of 4) / 4', () => {
    const g = floatOpGraph('MEAN', { axes: [1, 2], keepDims: true }, [{ shape: [1, 2, 2, 2] }, { shape: [2], dtype: 'int32', values: [1, 2] }], { shape: [1, 1, 1, 2] });
    expect(runFloat(g, [1, 10, 2, 20, 3, 30, 4, 41])).toEqual([2.5, 25.25]);
  });
});

describe('float32 layout ops', () => {
  it('PAD pads with 0, PADV2 with its constant', () => {
    const paddings = { shape: [1, 2], dtype: 'int32' as const, values: [1, 2] };
    expect(runFloat(floatOpGraph('PAD', { paddings: [[1, 2]] }, [{ shape: [2] }, paddings], { shape: [5] }), [1.5, 2.5])).toEqual([0, 1.5, 2.5, 0, 0]);
    const g = floatOpGraph('PADV2', { paddings: [[1, 0]] }, [{ shape: [2] }, { ...paddings, values: [1, 0] }, { shape: [], values: [-7.25] }], { shape: [3] });
    expect(runFloat(g, [1.5, 2.5])).toEqual([-7.25, 1.5, 2.5]);
  });
  it('RESHAPE and SQUEEZE keep the float32 values in order', () => {
    expect(runFloat(floatOpGraph('RESHAPE', {}, [{ shape: [1, 2, 2] }], { shape: [4] }), [0.5, 1, 1.5, 2])).toEqual([0.5, 1, 1.5, 2]);
    expect(runFloat(floatOpGraph('SQUEEZE', {}, [{ shape: [1, 3, 1] }], { shape: [3] }), [0.5, -1, 2])).toEqual([0.5, -1, 2]);
  });
  it('TRANSPOSE [2,3] -> [3,2]', () => {
    const g = floatOpGraph('TRANSPOSE', { perm: [1, 0] }, [{ shape: [2, 3] }, { shape: [2], dtype: 'int32', values: [1, 0] }], { shape: [3, 2] });
    expect(runFloat(g, [1, 2, 3, 4, 5, 6])).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it('STRIDED_SLICE every other element from 1', () => {
    const ints = (v: number[]) => ({ shape: [1], dtype: 'int32' as const, values: v });
    const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };
    const g = floatOpGraph('STRIDED_SLICE', { begin: [1], end: [6], strides: [2], masks }, [{ shape: [6] }, ints([1]), ints([6]), ints([2])], { shape: [3] });
    expect(runFloat(g, [0, 0.5, 1, 1.5, 2, 2.5])).toEqual([0.5, 1.5, 2.5]);
  });
  it('RESIZE_NEAREST_NEIGHBOR 1x1x2x1 -> 1x2x4x1 repeats each pixel', () => {
    const g = floatOpGraph('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false },
      [{ shape: [1, 1, 2, 1] }, { shape: [2], dtype: 'int32', values: [2, 4] }], { shape: [1, 2, 4, 1] });
    expect(runFloat(g, [0.5, -1])).toEqual([0.5, 0.5, -1, -1, 0.5, 0.5, -1, -1]);
  });
});

describe('QUANTIZE and DEQUANTIZE between float32 and int8', () => {
  it('QUANTIZE: round(x / scale) + zero point, clamped to int8', () => {
    const g = floatOpGraph('QUANTIZE', {}, [{ shape: [4] }], { shape: [4], dtype: 'int8', quant: { scale: 0.5, zeroPoint: 1 } });
    expect(runFloat(g, [0.5, -1, 0.75, 1000])).toEqual([2, -1, 3, 127]);
  });
  it('DEQUANTIZE: (q - zero point) * scale', () => {
    const g = floatOpGraph('DEQUANTIZE', {}, [{ shape: [3], dtype: 'int8', quant: { scale: 0.25, zeroPoint: -2 } }], { shape: [3] });
    expect(runFloat(g, [-2, 2, -128])).toEqual([0, 1, -31.5]);
  });
});

describe('float32 kernel variants compute what the default kernels do', () => {
  it('stream-pixel, stream-row (CONV_2D) and inplace-channel, stream-row (DEPTHWISE) with a float32 scratch', () => {
    const attrs = { stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: NONE };
    const x = Array.from({ length: 3 * 3 * 2 }, (_, i) => f32(Math.sin(i + 1)));
    const conv = floatOpGraph('CONV_2D', attrs,
      [{ shape: [1, 3, 3, 2] }, { shape: [2, 3, 3, 2], values: Array.from({ length: 36 }, (_, i) => f32(Math.cos(i))) }, { shape: [2], values: [0.25, -0.5] }],
      { shape: [1, 3, 3, 2] });
    const dw = floatOpGraph('DEPTHWISE_CONV_2D', { ...attrs, depthMultiplier: 1 },
      [{ shape: [1, 3, 3, 2] }, { shape: [1, 3, 3, 2], values: Array.from({ length: 18 }, (_, i) => f32(Math.cos(2 * i))) }, null],
      { shape: [1, 3, 3, 2] });
    for (const [graph, variants] of [[conv, ['stream-pixel', 'stream-row']], [dw, ['inplace-channel', 'stream-row']]] as const) {
      const expected = runFloat(graph, x);
      for (const variant of variants) {
        const views = graph.ops[0]!.inputs.map((id) => {
          if (id < 0) return null;
          const t = graph.tensors[id]!;
          return { shape: t.shape, data: t.data ? new Float32Array(t.data.buffer.slice(0)) : Float32Array.from(x) };
        });
        const out = { shape: [1, 3, 3, 2], data: new Float32Array(18) };
        const scratch = { shape: [64], data: new Int8Array(64) };
        VARIANT_KERNELS[variant]!(graph.ops[0]!, views, [out], scratch);
        expect(Array.from(out.data), variant).toEqual(expected);
      }
    }
  });
});

describe('float32 ops refuse what their kernels do not do', () => {
  it('a float32 FULLY_CONNECTED with int8 weights (hybrid) is E_UNSUPPORTED naming the weights', () => {
    expect(() => floatOpGraph('FULLY_CONNECTED', { clamp: NONE, keepNumDims: false },
      [{ shape: [1, 2] }, { shape: [1, 2], dtype: 'int8', values: [1, 2], quant: { scale: 0.5, zeroPoint: 0 } }, null], { shape: [1, 1] }))
      .toThrow(/FULLY_CONNECTED \(node 0\), tensor 't1' \(#1\): weights is int8 on a float32 op/);
  });
  it('a float32 ADD with an int8 operand is E_UNSUPPORTED', () => {
    expect(() => floatOpGraph('ADD', { clamp: NONE }, [{ shape: [2] }, { shape: [2], dtype: 'int8', quant: { scale: 1, zeroPoint: 0 } }], { shape: [2] }))
      .toThrow(/dtype int8 is not supported \(expected float32\)/);
  });
  it('a float32 CONCATENATION with a fused activation is refused, as TFLM does', () => {
    expect(() => floatOpGraph('CONCATENATION', { axis: 0, clamp: [0, FLOAT32_MAX] }, [{ shape: [1] }, { shape: [1] }], { shape: [2] }))
      .toThrow(/fused activation/);
  });
});
