// ABS (int8, int16 quantized or not) and RSQRT (int8), one element at a time in a forward stream (also the plan's
// 'stream-element' order). Spec: src/reference/ops/abs-rsqrt.ts (TFLM elementwise.cc).
import {
  ABS_RSQRT_INPUT, ABS_RSQRT_OUTPUT, ABS_RSQRT_SIZE, ABS_RSQRT_INPUT_OFFSET, ABS_RSQRT_OUTPUT_OFFSET,
  ABS_RSQRT_MULTIPLIER, ABS_RSQRT_SHIFT, ABS_RSQRT_RESCALE,
} from './abi';
import { arg, ptr, clampI32, ld, st } from './base';
import { multiplyByQuantizedMultiplier } from './quant';
import { invSqrtMultiplierExp } from './fixedpoint';

// @ts-ignore: decorator
@inline
function absTyped<T>(args: usize, qmin: i32, qmax: i32): void {
  const x = ptr(args, ABS_RSQRT_INPUT), y = ptr(args, ABS_RSQRT_OUTPUT), size = arg(args, ABS_RSQRT_SIZE);
  const inOff = arg(args, ABS_RSQRT_INPUT_OFFSET), outOff = arg(args, ABS_RSQRT_OUTPUT_OFFSET);
  const m = arg(args, ABS_RSQRT_MULTIPLIER), s = arg(args, ABS_RSQRT_SHIFT);
  if (arg(args, ABS_RSQRT_RESCALE) == 0) {
    for (let i = 0; i < size; i++) st<T>(y, i, clampI32(abs(ld<T>(x, i) - inOff) + outOff, qmin, qmax));
  } else {
    for (let i = 0; i < size; i++) st<T>(y, i, clampI32(multiplyByQuantizedMultiplier(abs(ld<T>(x, i) - inOff), m, s) + outOff, qmin, qmax));
  }
}
export function abs_s8(args: usize): void {
  absTyped<i8>(args, -128, 127);
}
export function abs_s16(args: usize): void {
  absTyped<i16>(args, -32768, 32767);
}
/** Unquantized int16 (TFLM's AbsHelper): std::abs cast back to int16, so -32768 stays -32768 (the i16 store wraps). */
export function abs_s16_unquantized(args: usize): void {
  const x = ptr(args, ABS_RSQRT_INPUT), y = ptr(args, ABS_RSQRT_OUTPUT), size = arg(args, ABS_RSQRT_SIZE);
  for (let i = 0; i < size; i++) st<i16>(y, i, abs(ld<i16>(x, i)));
}

/**
 * 1 / sqrt(value) for value > 0 as an integer scaled by 2^20 (TFLM's kShift): TFLite's
 * GetInvSqrtQuantizedMultiplierExp (reverse shift -1) applied to 1 by MultiplyByQuantizedMultiplier.
 */
function invSqrtScaled(value: i32): i32 {
  const ms = invSqrtMultiplierExp(value);
  return multiplyByQuantizedMultiplier(1, <i32>ms, <i32>(ms >> 32) + 20);
}

/** RSQRT int8: an element below the zero point (TFLM fails the Invoke) is computed from its absolute value (the C kernel flags it). */
export function rsqrt_s8(args: usize): void {
  const x = ptr(args, ABS_RSQRT_INPUT), y = ptr(args, ABS_RSQRT_OUTPUT), size = arg(args, ABS_RSQRT_SIZE);
  const inOff = arg(args, ABS_RSQRT_INPUT_OFFSET), outOff = arg(args, ABS_RSQRT_OUTPUT_OFFSET);
  const m = arg(args, ABS_RSQRT_MULTIPLIER), s = arg(args, ABS_RSQRT_SHIFT) - 20;
  for (let i = 0; i < size; i++) {
    const value = abs(<i32>load<i8>(x + <usize>i) - inOff);
    const out = value == 0 ? 127 : clampI32(multiplyByQuantizedMultiplier(invSqrtScaled(value), m, s) + outOff, -128, 127);
    store<i8>(y + <usize>i, <i8>out);
  }
}
