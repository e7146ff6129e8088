// The 16x8 path refuses, with a typed error naming the op and tensor, what TFLM's 16x8 kernels do not run:
// non-zero int16 zero points on a convolution (its kernel adds no offsets), a bias that is not int64,
// shifts the 64-bit requantization does not take, and int16 on ops whose int16 kernels are not built.
import { describe, expect, it } from 'vitest';
import { singleOpGraph, type TSpec } from '../plan/overlap-harness.js';
import { refusal } from '../helpers/refusal.js';

const conv = (input: Partial<TSpec>, bias: TSpec | null, output: Partial<TSpec> = {}) =>
  singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: [-32768, 32767] }, [
    { shape: [1, 2, 2, 3], dtype: 'int16', scale: 0.001, zp: 0, ...input },
    { shape: [2, 1, 1, 3], scale: [0.01, 0.02], axis: 0, values: [1, 2, 3, 4, 5, 6] },
    bias,
  ], { shape: [1, 2, 2, 2], dtype: 'int16', scale: 0.001, zp: 0, ...output });

const int64Bias: TSpec = { shape: [2], dtype: 'int64', scale: [0.00001, 0.00002], values: [5, -5] };

describe('16x8 refusals', () => {
  it('a 16x8 CONV_2D with int64 bias and zero points 0 is accepted', () => {
    expect(conv({}, int64Bias).ops[0]!.params).toMatchObject({ inputOffset: 0, outputOffset: 0 });
  });

  it('non-zero int16 zero points', () => {
    const e = refusal(() => conv({ zp: 4 }, int64Bias));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe("CONV_2D (node 0), tensor 't0' (#0): int16 zero point 4 is not supported (TFLM's 16x8 kernels need 0)");
    expect(refusal(() => conv({}, int64Bias, { zp: -2 })).message).toMatch(/tensor 't3' \(#3\): int16 zero point -2/);
  });

  it('an int32 bias on the 16x8 path (TFLM reads it as int64)', () => {
    const e = refusal(() => conv({}, { ...int64Bias, dtype: 'int32' }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe("CONV_2D (node 0), tensor 't2' (#2): dtype int32 is not supported (expected int64)");
  });

  it('a requantization shift above 7 (the 64-bit MultiplyByQuantizedMultiplier asserts shift < 8)', () => {
    // input x filter / output scale = 0.001 * 0.01 / 1e-9 = 1e4 = 2^13.3: a shift of 14
    const e = refusal(() => conv({}, int64Bias, { scale: 1e-9 }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/CONV_2D \(node 0\), tensor 't3' \(#3\): channel 0 output multiplier [0-9.e+]+ needs a shift of 14 \(TFLM requires a shift of at most 7\)/);
  });

  it('int16 on an op without a 16x8 kernel names the dtype', () => {
    // TFLM's HARD_SWISH runs int8 only (hard_swish.cc Eval), and so does ours
    const e = refusal(() => singleOpGraph('HARD_SWISH', {}, [{ shape: [1, 4], dtype: 'int16', scale: 0.001, zp: 0 }], { shape: [1, 4], dtype: 'int16', scale: 0.001, zp: 0 }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe("HARD_SWISH (node 0) tensor 't0': input dtype int16 is not supported (supported: int8)");
  });
});
