// DIV int8 with broadcasting on the mul record, output elements in increasing order (the stream-element
// order). Spec: src/reference/ops/div.ts (TFLM div.h DivElementwise / BroadcastDivSlowQuantized).
import {
  MUL_INPUT1, MUL_INPUT2, MUL_OUTPUT, MUL_SIZE, MUL_FLAT, MUL_OUT_SHAPE, MUL_IN1_STRIDES, MUL_IN2_STRIDES, MUL_INPUT1_OFFSET,
  MUL_INPUT2_OFFSET, MUL_OUTPUT_OFFSET, MUL_OUTPUT_MULTIPLIER, MUL_OUTPUT_SHIFT, MUL_ACT_MIN, MUL_ACT_MAX,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { roundingDivideByPOT, srdhm } from './quant';
import { multiplyByQuantizedMultiplierGreaterThanOne, oneOverOnePlusXForXIn01 } from './fixedpoint';

/**
 * One quotient before the zero point and clamp: signs moved to the dividend, the dividend shifted up by its
 * headroom times 1 / divisor (GetReciprocal; wasm's shift by 32 wraps to 0, which for a zero divisor
 * leaves 0 as TFLM's does), then the output multiplier; a right shift past 31 gives the sign as on Cortex-M.
 */
// @ts-ignore: decorator
@inline
function divOne(args: usize, a: i32, b: i32): i32 {
  let x1 = a + arg(args, MUL_INPUT1_OFFSET), x2 = b + arg(args, MUL_INPUT2_OFFSET);
  if (x2 < 0) {
    x1 = -x1;
    x2 = -x2;
  }
  const headroomPlusOne = <i32>clz(x2);
  const recipShift = 31 - headroomPlusOne;
  const inv = oneOverOnePlusXForXIn01((x2 << headroomPlusOne) - i32.MIN_VALUE);
  const headroom = <i32>clz(x1 ^ (x1 >> 31)) - 1;
  const unscaled = multiplyByQuantizedMultiplierGreaterThanOne(x1, inv, headroom);
  const exponent = recipShift + headroom - arg(args, MUL_OUTPUT_SHIFT);
  const q = srdhm(unscaled, arg(args, MUL_OUTPUT_MULTIPLIER));
  const v = arg(args, MUL_OUTPUT_OFFSET) + (exponent < 32 ? roundingDivideByPOT(q, exponent) : q >= 0 ? 1 : -1);
  return clampI32(v, arg(args, MUL_ACT_MIN), arg(args, MUL_ACT_MAX));
}

/** One output element of T (i8: the quantized quotient; i32: the unquantized one, then the clamp). */
// @ts-ignore: decorator
@inline
function divAt<T>(args: usize, a: i32, b: i32): i32 {
  if (sizeof<T>() == 4) return clampI32(divS32One(a, b), arg(args, MUL_ACT_MIN), arg(args, MUL_ACT_MAX));
  return divOne(args, a, b);
}

/** Unquantized int32 DIV: a / b truncating; x / 0 gives 0 and INT32_MIN / -1 gives INT32_MIN (Cortex-M's SDIV), where i32.div_s would trap. */
// @ts-ignore: decorator
@inline
function divS32One(a: i32, b: i32): i32 {
  if (b == 0) return 0;
  if (b == -1) return 0 - a;
  return a / b;
}

/** The element walk shared by div_s8 and div_s32: flat, or nested over the six output dims with both input offsets from the strides (0 on broadcast dims). */
// @ts-ignore: decorator
@inline
function divWalk<T>(args: usize): void {
  const x = ptr(args, MUL_INPUT1), w = ptr(args, MUL_INPUT2), y = ptr(args, MUL_OUTPUT), size = arg(args, MUL_SIZE);
  if (arg(args, MUL_FLAT) != 0) {
    for (let i = 0; i < size; i++) store<T>(y + (<usize>i << alignof<T>()), <T>divAt<T>(args, <i32>load<T>(x + (<usize>i << alignof<T>())), <i32>load<T>(w + (<usize>i << alignof<T>()))));
    return;
  }
  const sh = args + <usize>MUL_OUT_SHAPE, s1 = args + <usize>MUL_IN1_STRIDES, s2 = args + <usize>MUL_IN2_STRIDES;
  const d0 = load<i32>(sh), d1 = load<i32>(sh, 4), d2 = load<i32>(sh, 8), d3 = load<i32>(sh, 12), d4 = load<i32>(sh, 16), d5 = load<i32>(sh, 20);
  let i = 0;
  for (let a = 0; a < d0; a++) for (let b = 0; b < d1; b++) for (let c = 0; c < d2; c++) for (let d = 0; d < d3; d++) for (let e = 0; e < d4; e++) {
    let i1 = a * load<i32>(s1) + b * load<i32>(s1, 4) + c * load<i32>(s1, 8) + d * load<i32>(s1, 12) + e * load<i32>(s1, 16);
    let i2 = a * load<i32>(s2) + b * load<i32>(s2, 4) + c * load<i32>(s2, 8) + d * load<i32>(s2, 12) + e * load<i32>(s2, 16);
    for (let f = 0; f < d5; f++) {
      store<T>(y + (<usize>i << alignof<T>()), <T>divAt<T>(args, <i32>load<T>(x + (<usize>i1 << alignof<T>())), <i32>load<T>(w + (<usize>i2 << alignof<T>()))));
      i++;
      i1 += load<i32>(s1, 20);
      i2 += load<i32>(s2, 20);
    }
  }
}

export function div_s8(args: usize): void {
  divWalk<i8>(args);
}

export function div_s32(args: usize): void {
  divWalk<i32>(args);
}
