// Element-wise kernels. Every one runs as a forward stream (output elements in increasing order, each
// written right after reading what it depends on), which is also the plan's 'stream-element' order.
// Specs: src/reference/ops/{elementwise,activations,hard-swish,logistic,tanh,quantize}.ts.
import {
  ADD_INPUT1, ADD_INPUT2, ADD_OUTPUT, ADD_SIZE, ADD_FLAT, ADD_OUT_SHAPE, ADD_IN1_STRIDES, ADD_IN2_STRIDES, ADD_LEFT_SHIFT,
  ADD_INPUT1_OFFSET, ADD_INPUT2_OFFSET, ADD_OUTPUT_OFFSET, ADD_INPUT1_MULTIPLIER, ADD_INPUT1_SHIFT, ADD_INPUT2_MULTIPLIER,
  ADD_INPUT2_SHIFT, ADD_OUTPUT_MULTIPLIER, ADD_OUTPUT_SHIFT, ADD_ACT_MIN, ADD_ACT_MAX, ADD_LUT,
  MUL_INPUT1, MUL_INPUT2, MUL_OUTPUT, MUL_SIZE, MUL_FLAT, MUL_OUT_SHAPE, MUL_IN1_STRIDES, MUL_IN2_STRIDES, MUL_INPUT1_OFFSET,
  MUL_INPUT2_OFFSET, MUL_OUTPUT_OFFSET, MUL_OUTPUT_MULTIPLIER, MUL_OUTPUT_SHIFT, MUL_ACT_MIN, MUL_ACT_MAX,
  RELU_INPUT, RELU_OUTPUT, RELU_SIZE, RELU_INPUT_OFFSET, RELU_OUTPUT_OFFSET, RELU_OUTPUT_MULTIPLIER, RELU_OUTPUT_SHIFT,
  RELU_ACT_MIN, RELU_ACT_MAX, CLAMP_INPUT, CLAMP_OUTPUT, CLAMP_SIZE, CLAMP_ACT_MIN, CLAMP_ACT_MAX,
  LEAKY_RELU_INPUT, LEAKY_RELU_OUTPUT, LEAKY_RELU_SIZE, LEAKY_RELU_INPUT_OFFSET, LEAKY_RELU_OUTPUT_OFFSET,
  LEAKY_RELU_MULTIPLIER_ALPHA, LEAKY_RELU_SHIFT_ALPHA, LEAKY_RELU_MULTIPLIER_IDENTITY, LEAKY_RELU_SHIFT_IDENTITY,
  HARD_SWISH_INPUT, HARD_SWISH_OUTPUT, HARD_SWISH_SIZE, HARD_SWISH_INPUT_ZERO_POINT, HARD_SWISH_OUTPUT_ZERO_POINT,
  HARD_SWISH_RELUISH_MULTIPLIER, HARD_SWISH_RELUISH_EXPONENT, HARD_SWISH_OUTPUT_MULTIPLIER, HARD_SWISH_OUTPUT_EXPONENT,
  SIGMOID_INPUT, SIGMOID_OUTPUT, SIGMOID_SIZE, SIGMOID_INPUT_ZERO_POINT, SIGMOID_INPUT_RANGE_RADIUS,
  SIGMOID_INPUT_MULTIPLIER, SIGMOID_INPUT_LEFT_SHIFT, SIGMOID_TABLE,
  QUANTIZE_INPUT, QUANTIZE_OUTPUT, QUANTIZE_SIZE, QUANTIZE_SCALE, QUANTIZE_ZERO_POINT, QUANTIZE_QMIN, QUANTIZE_QMAX,
  REQUANTIZE_INPUT, REQUANTIZE_OUTPUT, REQUANTIZE_SIZE, REQUANTIZE_INPUT_ZERO_POINT, REQUANTIZE_OUTPUT_ZERO_POINT,
  REQUANTIZE_MULTIPLIER, REQUANTIZE_SHIFT, REQUANTIZE_QMIN, REQUANTIZE_QMAX,
  DEQUANTIZE_INPUT, DEQUANTIZE_OUTPUT, DEQUANTIZE_SIZE, DEQUANTIZE_SCALE, DEQUANTIZE_ZERO_POINT,
  MAX_MIN_INPUT1, MAX_MIN_INPUT2, MAX_MIN_OUTPUT,
} from './abi';
import { arg, ptr, ref, clampI32, ld, st } from './base';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT } from './quant';
import { fixedLogistic, fixedTanh, roundingDivideByPOTInt16, srdhmInt16, toInt16 } from './fixedpoint';
import { logistic16, sigmoid16Rescale, tanh16 } from './sigmoid16';

// ---- ADD / SUB / MUL / MAXIMUM / MINIMUM with broadcasting ----

const OP_ADD = 0;
const OP_SUB = 1;
const OP_MUL = 2;
const OP_MAX = 3;
const OP_MIN = 4;
/** ADD / SUB through the lookup table in ADD_LUT (either op: the table holds its results). */
const OP_LUT = 5;
const OP_ADD16 = 6;
const OP_SUB16 = 7;
const OP_SQDIFF = 8;
const OP_SQDIFF16 = 9;
const OP_PRELU = 10;
const OP_PRELU16 = 11;
const OP_MUL16 = 12;
const OP_SQDIFF32 = 13;

// @ts-ignore: decorator
@inline
function binaryElement(args: usize, kind: i32, i: i32, i1: i32, i2: i32): void {
  if (kind == OP_LUT) {
    const lut = ptr(args, ADD_LUT);
    const a = <usize>load<u8>(ptr(args, ADD_INPUT1) + <usize>i1), b = <usize>load<u8>(ptr(args, ADD_INPUT2) + <usize>i2);
    store<i8>(ptr(args, ADD_OUTPUT) + <usize>i, load<i8>(lut + ((a << 8) | b)));
    return;
  }
  if (kind == OP_ADD16 || kind == OP_SUB16) {
    addSub16Element(args, kind == OP_SUB16, i, i1, i2);
    return;
  }
  if (kind == OP_SQDIFF) {
    squaredDifferenceElement<i8>(args, i, i1, i2);
    return;
  }
  if (kind == OP_SQDIFF16) {
    squaredDifferenceElement<i16>(args, i, i1, i2);
    return;
  }
  if (kind == OP_SQDIFF32) {
    // TFLM's unquantized int32 path: the difference squared, wrapping (i32 arithmetic)
    const d = ld<i32>(ptr(args, ADD_INPUT1), i1) - ld<i32>(ptr(args, ADD_INPUT2), i2);
    st<i32>(ptr(args, ADD_OUTPUT), i, d * d);
    return;
  }
  if (kind == OP_PRELU) {
    preluElement<i8>(args, i, i1, i2);
    return;
  }
  if (kind == OP_PRELU16) {
    preluElement<i16>(args, i, i1, i2);
    return;
  }
  if (kind == OP_MAX || kind == OP_MIN) {
    // TFLM compares the stored values: no requantization
    const a = <i32>load<i8>(ptr(args, MAX_MIN_INPUT1) + <usize>i1), b = <i32>load<i8>(ptr(args, MAX_MIN_INPUT2) + <usize>i2);
    store<i8>(ptr(args, MAX_MIN_OUTPUT) + <usize>i, <i8>(kind == OP_MAX ? max(a, b) : min(a, b)));
    return;
  }
  if (kind == OP_MUL) {
    mulElement<i8>(args, i, i1, i2);
    return;
  }
  if (kind == OP_MUL16) {
    mulElement<i16>(args, i, i1, i2);
    return;
  }
  const leftShift = arg(args, ADD_LEFT_SHIFT);
  const v1 = (<i32>load<i8>(ptr(args, ADD_INPUT1) + <usize>i1) + arg(args, ADD_INPUT1_OFFSET)) << leftShift;
  const v2 = (<i32>load<i8>(ptr(args, ADD_INPUT2) + <usize>i2) + arg(args, ADD_INPUT2_OFFSET)) << leftShift;
  const s1 = multiplyByQuantizedMultiplier(v1, arg(args, ADD_INPUT1_MULTIPLIER), arg(args, ADD_INPUT1_SHIFT));
  const s2 = multiplyByQuantizedMultiplier(v2, arg(args, ADD_INPUT2_MULTIPLIER), arg(args, ADD_INPUT2_SHIFT));
  const sum = kind == OP_ADD ? s1 + s2 : s1 - s2;
  const v = multiplyByQuantizedMultiplier(sum, arg(args, ADD_OUTPUT_MULTIPLIER), arg(args, ADD_OUTPUT_SHIFT)) + arg(args, ADD_OUTPUT_OFFSET);
  store<i8>(ptr(args, ADD_OUTPUT) + <usize>i, <i8>clampI32(v, arg(args, ADD_ACT_MIN), arg(args, ADD_ACT_MAX)));
}

/** MultiplyByQuantizedMultiplier on 4 lanes with one multiplier and shift (never INT32_MIN). */
// @ts-ignore: decorator
@inline
function mbqm4(x: v128, m: i32, shift: i32): v128 {
  const v = i32x4.shl(x, shift > 0 ? shift : 0);
  const mv = i32x4.splat(m);
  const nudge = i64x2.splat(<i64>1 << 31);
  const pl = i64x2.extmul_low_i32x4_s(v, mv);
  const ph = i64x2.extmul_high_i32x4_s(v, mv);
  // srdhm = the high words of 2 v m + 2^31
  const t = i32x4.shuffle(i64x2.add(i64x2.add(pl, pl), nudge), i64x2.add(i64x2.add(ph, ph), nudge), 1, 3, 5, 7);
  const e = shift > 0 ? 0 : -shift;
  const mask = i32x4.splat(<i32>((<i64>1 << e) - 1));
  const threshold = i32x4.sub(i32x4.shr_s(mask, 1), i32x4.shr_s(t, 31));
  return i32x4.sub(i32x4.shr_s(t, e), i32x4.gt_s(v128.and(t, mask), threshold));
}

/**
 * ADD / SUB without broadcasting, 16 elements at a time (each group's reads before its writes, as the
 * forward stream needs); returns the elements done.
 */
// @ts-ignore: decorator
@inline
function addFlat16(args: usize, sub: bool, size: i32): i32 {
  const x1 = ptr(args, ADD_INPUT1), x2 = ptr(args, ADD_INPUT2), y = ptr(args, ADD_OUTPUT);
  const leftShift = arg(args, ADD_LEFT_SHIFT);
  const off1 = i16x8.splat(<i16>arg(args, ADD_INPUT1_OFFSET)), off2 = i16x8.splat(<i16>arg(args, ADD_INPUT2_OFFSET));
  const m1 = arg(args, ADD_INPUT1_MULTIPLIER), sh1 = arg(args, ADD_INPUT1_SHIFT);
  const m2 = arg(args, ADD_INPUT2_MULTIPLIER), sh2 = arg(args, ADD_INPUT2_SHIFT);
  const mo = arg(args, ADD_OUTPUT_MULTIPLIER), sho = arg(args, ADD_OUTPUT_SHIFT);
  const outOff = i16x8.splat(<i16>arg(args, ADD_OUTPUT_OFFSET));
  const lo = i8x16.splat(<i8>arg(args, ADD_ACT_MIN)), hi = i8x16.splat(<i8>arg(args, ADD_ACT_MAX));
  let i = 0;
  for (; i + 16 <= size; i += 16) {
    const a = v128.load(x1 + <usize>i);
    const b = v128.load(x2 + <usize>i);
    // int8 + offset fits int16
    const al = i16x8.add(i16x8.extend_low_i8x16_s(a), off1), ah = i16x8.add(i16x8.extend_high_i8x16_s(a), off1);
    const bl = i16x8.add(i16x8.extend_low_i8x16_s(b), off2), bh = i16x8.add(i16x8.extend_high_i8x16_s(b), off2);
    const r0 = addLanes(i32x4.extend_low_i16x8_s(al), i32x4.extend_low_i16x8_s(bl), leftShift, m1, sh1, m2, sh2, mo, sho, sub);
    const r1 = addLanes(i32x4.extend_high_i16x8_s(al), i32x4.extend_high_i16x8_s(bl), leftShift, m1, sh1, m2, sh2, mo, sho, sub);
    const r2 = addLanes(i32x4.extend_low_i16x8_s(ah), i32x4.extend_low_i16x8_s(bh), leftShift, m1, sh1, m2, sh2, mo, sho, sub);
    const r3 = addLanes(i32x4.extend_high_i16x8_s(ah), i32x4.extend_high_i16x8_s(bh), leftShift, m1, sh1, m2, sh2, mo, sho, sub);
    const v = i8x16.narrow_i16x8_s(i16x8.add_sat_s(i16x8.narrow_i32x4_s(r0, r1), outOff), i16x8.add_sat_s(i16x8.narrow_i32x4_s(r2, r3), outOff));
    v128.store(y + <usize>i, i8x16.min_s(i8x16.max_s(v, lo), hi));
  }
  return i;
}

// @ts-ignore: decorator
@inline
function addLanes(a: v128, b: v128, leftShift: i32, m1: i32, sh1: i32, m2: i32, sh2: i32, mo: i32, sho: i32, sub: bool): v128 {
  const s1 = mbqm4(i32x4.shl(a, leftShift), m1, sh1);
  const s2 = mbqm4(i32x4.shl(b, leftShift), m2, sh2);
  return mbqm4(sub ? i32x4.sub(s1, s2) : i32x4.add(s1, s2), mo, sho);
}

/** MAXIMUM / MINIMUM without broadcasting, 16 elements at a time; returns the elements done. */
// @ts-ignore: decorator
@inline
function maxMinFlat16(args: usize, isMax: bool, size: i32): i32 {
  const x1 = ptr(args, MAX_MIN_INPUT1), x2 = ptr(args, MAX_MIN_INPUT2), y = ptr(args, MAX_MIN_OUTPUT);
  let i = 0;
  for (; i + 16 <= size; i += 16) {
    const a = v128.load(x1 + <usize>i), b = v128.load(x2 + <usize>i);
    v128.store(y + <usize>i, isMax ? i8x16.max_s(a, b) : i8x16.min_s(a, b));
  }
  return i;
}

/**
 * Output elements from `from` on, in order: the same index into every operand when the record is `flat`,
 * else a 6-D walk where broadcast inputs step by their strides (0 on broadcast dims). The add, mul and
 * max_min records share the shape fields' offsets (test/wasm/abi.test.ts checks it). The one walk every
 * broadcasting kernel takes; `kind` is a constant at each inlined call, so the element dispatch folds.
 */
// @ts-ignore: decorator
@inline
function broadcastWalk(args: usize, kind: i32, from: i32): void {
  const size = arg(args, ADD_SIZE);
  if (arg(args, ADD_FLAT) != 0) {
    for (let i = from; i < size; i++) binaryElement(args, kind, i, i, i);
    return;
  }
  const sh = args + <usize>ADD_OUT_SHAPE, s1 = args + <usize>ADD_IN1_STRIDES, s2 = args + <usize>ADD_IN2_STRIDES;
  const d0 = load<i32>(sh), d1 = load<i32>(sh, 4), d2 = load<i32>(sh, 8), d3 = load<i32>(sh, 12), d4 = load<i32>(sh, 16), d5 = load<i32>(sh, 20);
  const st15 = load<i32>(s1, 20), st25 = load<i32>(s2, 20);
  let i = 0;
  for (let a = 0; a < d0; a++) for (let b = 0; b < d1; b++) for (let c = 0; c < d2; c++) for (let d = 0; d < d3; d++) for (let e = 0; e < d4; e++) {
    let i1 = a * load<i32>(s1) + b * load<i32>(s1, 4) + c * load<i32>(s1, 8) + d * load<i32>(s1, 12) + e * load<i32>(s1, 16);
    let i2 = a * load<i32>(s2) + b * load<i32>(s2, 4) + c * load<i32>(s2, 8) + d * load<i32>(s2, 12) + e * load<i32>(s2, 16);
    for (let f = 0; f < d5; f++) {
      binaryElement(args, kind, i++, i1, i2);
      i1 += st15;
      i2 += st25;
    }
  }
}

/** int8 ADD / SUB / MUL / MAXIMUM / MINIMUM: the lookup table when the ADD / SUB record has one, SIMD on the flat prefix. */
// @ts-ignore: decorator
@inline
function binary(args: usize, kind: i32): void {
  if ((kind == OP_ADD || kind == OP_SUB) && arg(args, ADD_LUT) != 0) {
    binaryLut(args);
    return;
  }
  let i = 0;
  if (ASC_FEATURE_SIMD && arg(args, ADD_FLAT) != 0) {
    const size = arg(args, ADD_SIZE);
    if (kind == OP_ADD || kind == OP_SUB) i = addFlat16(args, kind == OP_SUB, size);
    if (kind == OP_MAX || kind == OP_MIN) i = maxMinFlat16(args, kind == OP_MAX, size);
  }
  broadcastWalk(args, kind, i);
}

/** ADD / SUB through their lookup table: y = lut[x1 as u8 << 8 | x2 as u8], in output order (the flat loop with the table base hoisted). */
function binaryLut(args: usize): void {
  if (arg(args, ADD_FLAT) == 0) {
    broadcastWalk(args, OP_LUT, 0);
    return;
  }
  const x1 = ptr(args, ADD_INPUT1), x2 = ptr(args, ADD_INPUT2), y = ptr(args, ADD_OUTPUT), lut = ptr(args, ADD_LUT), size = arg(args, ADD_SIZE);
  for (let i = 0; i < size; i++) {
    store<i8>(y + <usize>i, load<i8>(lut + ((<usize>load<u8>(x1 + <usize>i) << 8) | <usize>load<u8>(x2 + <usize>i))));
  }
}

/**
 * Fills an ADD / SUB lookup table (a preparation step, codegen/wasm/abi/prepare.ts `lut`): entry x1 as u8 << 8 |
 * x2 as u8 is the kernel's own element result for (x1, x2), computed here once.
 */
// @ts-ignore: decorator
@inline
function fillLut(args: usize, kind: i32): void {
  const lut = ptr(args, ADD_LUT);
  const leftShift = arg(args, ADD_LEFT_SHIFT);
  const off1 = arg(args, ADD_INPUT1_OFFSET), off2 = arg(args, ADD_INPUT2_OFFSET);
  const m1 = arg(args, ADD_INPUT1_MULTIPLIER), sh1 = arg(args, ADD_INPUT1_SHIFT);
  const m2 = arg(args, ADD_INPUT2_MULTIPLIER), sh2 = arg(args, ADD_INPUT2_SHIFT);
  const mo = arg(args, ADD_OUTPUT_MULTIPLIER), sho = arg(args, ADD_OUTPUT_SHIFT);
  const outOff = arg(args, ADD_OUTPUT_OFFSET), lo = arg(args, ADD_ACT_MIN), hi = arg(args, ADD_ACT_MAX);
  for (let a = -128; a < 128; a++) {
    const s1 = multiplyByQuantizedMultiplier((a + off1) << leftShift, m1, sh1);
    for (let b = -128; b < 128; b++) {
      const s2 = multiplyByQuantizedMultiplier((b + off2) << leftShift, m2, sh2);
      const v = multiplyByQuantizedMultiplier(kind == OP_ADD ? s1 + s2 : s1 - s2, mo, sho) + outOff;
      store<i8>(lut + ((<usize>(a & 255) << 8) | <usize>(b & 255)), <i8>clampI32(v, lo, hi));
    }
  }
}

export function add_lut_s8(args: usize): void {
  fillLut(args, OP_ADD);
}

export function sub_lut_s8(args: usize): void {
  fillLut(args, OP_SUB);
}

export function add_s8(args: usize): void {
  binary(args, OP_ADD);
}

export function sub_s8(args: usize): void {
  binary(args, OP_SUB);
}

/** One int16 ADD / SUB output element (TFLM's general path): the int8 element arithmetic with left shift 15. */
// @ts-ignore: decorator
@inline
function addSub16Element(args: usize, sub: bool, i: i32, i1: i32, i2: i32): void {
  const leftShift = arg(args, ADD_LEFT_SHIFT);
  const v1 = multiplyByQuantizedMultiplier((ld<i16>(ptr(args, ADD_INPUT1), i1) + arg(args, ADD_INPUT1_OFFSET)) << leftShift, arg(args, ADD_INPUT1_MULTIPLIER), arg(args, ADD_INPUT1_SHIFT));
  const v2 = multiplyByQuantizedMultiplier((ld<i16>(ptr(args, ADD_INPUT2), i2) + arg(args, ADD_INPUT2_OFFSET)) << leftShift, arg(args, ADD_INPUT2_MULTIPLIER), arg(args, ADD_INPUT2_SHIFT));
  const v = multiplyByQuantizedMultiplier(sub ? v1 - v2 : v1 + v2, arg(args, ADD_OUTPUT_MULTIPLIER), arg(args, ADD_OUTPUT_SHIFT)) + arg(args, ADD_OUTPUT_OFFSET);
  st<i16>(ptr(args, ADD_OUTPUT), i, clampI32(v, arg(args, ADD_ACT_MIN), arg(args, ADD_ACT_MAX)));
}

/** int16 ADD / SUB in output order, with broadcasting. */
// @ts-ignore: decorator
@inline
function addSub16(args: usize, sub: bool): void {
  broadcastWalk(args, sub ? OP_SUB16 : OP_ADD16, 0);
}

export function add_s16(args: usize): void {
  addSub16(args, false);
}

export function sub_s16(args: usize): void {
  addSub16(args, true);
}

/** One SQUARED_DIFFERENCE output element (TFLM squared_difference.cc): ADD's input scaling, the difference squared, any output shift. */
// @ts-ignore: decorator
@inline
function squaredDifferenceElement<T>(args: usize, i: i32, i1: i32, i2: i32): void {
  const leftShift = arg(args, ADD_LEFT_SHIFT);
  const v1 = multiplyByQuantizedMultiplier((ld<T>(ptr(args, ADD_INPUT1), i1) + arg(args, ADD_INPUT1_OFFSET)) << leftShift, arg(args, ADD_INPUT1_MULTIPLIER), arg(args, ADD_INPUT1_SHIFT));
  const v2 = multiplyByQuantizedMultiplier((ld<T>(ptr(args, ADD_INPUT2), i2) + arg(args, ADD_INPUT2_OFFSET)) << leftShift, arg(args, ADD_INPUT2_MULTIPLIER), arg(args, ADD_INPUT2_SHIFT));
  const d = v1 - v2;
  const v = multiplyByQuantizedMultiplier(d * d, arg(args, ADD_OUTPUT_MULTIPLIER), arg(args, ADD_OUTPUT_SHIFT)) + arg(args, ADD_OUTPUT_OFFSET);
  st<T>(ptr(args, ADD_OUTPUT), i, clampI32(v, arg(args, ADD_ACT_MIN), arg(args, ADD_ACT_MAX)));
}

export function squared_difference_s8(args: usize): void {
  broadcastWalk(args, OP_SQDIFF, 0);
}

export function squared_difference_s16(args: usize): void {
  broadcastWalk(args, OP_SQDIFF16, 0);
}

export function squared_difference_s32(args: usize): void {
  broadcastWalk(args, OP_SQDIFF32, 0);
}

/** One PRELU output element (TFLM BroadcastPrelu4DSlow): identity multiplier for x - zp >= 0, else times the int8 alpha - zp by the alpha multiplier. */
// @ts-ignore: decorator
@inline
function preluElement<T>(args: usize, i: i32, i1: i32, i2: i32): void {
  const v = ld<T>(ptr(args, ADD_INPUT1), i1) + arg(args, ADD_INPUT1_OFFSET);
  const r = v >= 0
    ? multiplyByQuantizedMultiplier(v, arg(args, ADD_INPUT1_MULTIPLIER), arg(args, ADD_INPUT1_SHIFT))
    : multiplyByQuantizedMultiplier(v * (<i32>load<i8>(ptr(args, ADD_INPUT2) + <usize>i2) + arg(args, ADD_INPUT2_OFFSET)), arg(args, ADD_INPUT2_MULTIPLIER), arg(args, ADD_INPUT2_SHIFT));
  st<T>(ptr(args, ADD_OUTPUT), i, clampI32(r + arg(args, ADD_OUTPUT_OFFSET), arg(args, ADD_ACT_MIN), arg(args, ADD_ACT_MAX)));
}

export function prelu_s8(args: usize): void {
  broadcastWalk(args, OP_PRELU, 0);
}

export function prelu_s16(args: usize): void {
  broadcastWalk(args, OP_PRELU16, 0);
}

/** One MUL output element (TFLM MulElementwise, int8 and int16 alike): the offset inputs' int32 product, requantized, clamped. */
// @ts-ignore: decorator
@inline
function mulElement<T>(args: usize, i: i32, i1: i32, i2: i32): void {
  const v1 = ld<T>(ptr(args, MUL_INPUT1), i1) + arg(args, MUL_INPUT1_OFFSET);
  const v2 = ld<T>(ptr(args, MUL_INPUT2), i2) + arg(args, MUL_INPUT2_OFFSET);
  const v = multiplyByQuantizedMultiplier(v1 * v2, arg(args, MUL_OUTPUT_MULTIPLIER), arg(args, MUL_OUTPUT_SHIFT)) + arg(args, MUL_OUTPUT_OFFSET);
  st<T>(ptr(args, MUL_OUTPUT), i, clampI32(v, arg(args, MUL_ACT_MIN), arg(args, MUL_ACT_MAX)));
}

export function mul_s8(args: usize): void {
  binary(args, OP_MUL);
}

export function mul_s16(args: usize): void {
  broadcastWalk(args, OP_MUL16, 0);
}

export function maximum_s8(args: usize): void {
  binary(args, OP_MAX);
}

export function minimum_s8(args: usize): void {
  binary(args, OP_MIN);
}

// ---- activations ----

// @ts-ignore: decorator
@inline
function relu<T>(args: usize): void {
  const x = ptr(args, RELU_INPUT), y = ptr(args, RELU_OUTPUT), size = arg(args, RELU_SIZE);
  const inOff = arg(args, RELU_INPUT_OFFSET), outOff = arg(args, RELU_OUTPUT_OFFSET);
  const m = arg(args, RELU_OUTPUT_MULTIPLIER), s = arg(args, RELU_OUTPUT_SHIFT);
  const lo = arg(args, RELU_ACT_MIN), hi = arg(args, RELU_ACT_MAX);
  for (let i = 0; i < size; i++) {
    const v = outOff + multiplyByQuantizedMultiplier(ld<T>(x, i) - inOff, m, s);
    st<T>(y, i, min(hi, max(lo, v)));
  }
}
export function relu_s8(args: usize): void {
  relu<i8>(args);
}
export function relu_s16(args: usize): void {
  relu<i16>(args);
}

// @ts-ignore: decorator
@inline
function relu6<T>(args: usize): void {
  const x = ptr(args, CLAMP_INPUT), y = ptr(args, CLAMP_OUTPUT), size = arg(args, CLAMP_SIZE);
  const lo = arg(args, CLAMP_ACT_MIN), hi = arg(args, CLAMP_ACT_MAX);
  for (let i = 0; i < size; i++) st<T>(y, i, clampI32(ld<T>(x, i), lo, hi));
}
export function relu6_s8(args: usize): void {
  relu6<i8>(args);
}
export function relu6_s16(args: usize): void {
  relu6<i16>(args);
}

// @ts-ignore: decorator
@inline
function leakyRelu<T>(args: usize, qmin: i32, qmax: i32): void {
  const x = ptr(args, LEAKY_RELU_INPUT), y = ptr(args, LEAKY_RELU_OUTPUT), size = arg(args, LEAKY_RELU_SIZE);
  const inOff = arg(args, LEAKY_RELU_INPUT_OFFSET), outOff = arg(args, LEAKY_RELU_OUTPUT_OFFSET);
  const ma = arg(args, LEAKY_RELU_MULTIPLIER_ALPHA), sa = arg(args, LEAKY_RELU_SHIFT_ALPHA);
  const mi = arg(args, LEAKY_RELU_MULTIPLIER_IDENTITY), si = arg(args, LEAKY_RELU_SHIFT_IDENTITY);
  for (let i = 0; i < size; i++) {
    const input = ld<T>(x, i) - inOff;
    const scaled = input >= 0 ? multiplyByQuantizedMultiplier(input, mi, si) : multiplyByQuantizedMultiplier(input, ma, sa);
    st<T>(y, i, clampI32(outOff + scaled, qmin, qmax));
  }
}
export function leaky_relu_s8(args: usize): void {
  leakyRelu<i8>(args, -128, 127);
}
export function leaky_relu_s16(args: usize): void {
  leakyRelu<i16>(args, -32768, 32767);
}

function saturatingLeftShiftInt16(value: i32, amount: i32): i32 {
  const r: i64 = <i64>value << amount;
  return r > 32767 ? 32767 : r < -32768 ? -32768 : <i32>r;
}

function saturatingDoublingHighMulInt16(a: i32, b: i32): i32 {
  if (a == -32768 && b == -32768) return 32767;
  return toInt16((a * b) / 32768);
}

export function hard_swish_s8(args: usize): void {
  const x = ptr(args, HARD_SWISH_INPUT), y = ptr(args, HARD_SWISH_OUTPUT), size = arg(args, HARD_SWISH_SIZE);
  const inZp = arg(args, HARD_SWISH_INPUT_ZERO_POINT), outZp = arg(args, HARD_SWISH_OUTPUT_ZERO_POINT);
  const reluishMul = arg(args, HARD_SWISH_RELUISH_MULTIPLIER), reluishExp = arg(args, HARD_SWISH_RELUISH_EXPONENT);
  const outMul = arg(args, HARD_SWISH_OUTPUT_MULTIPLIER), outExp = arg(args, HARD_SWISH_OUTPUT_EXPONENT);
  for (let i = 0; i < size; i++) {
    const inputValue = toInt16(<i32>load<i8>(x + <usize>i) - inZp);
    const hires = toInt16(inputValue * 128);
    const preshift = srdhmInt16(hires, outMul);
    let reluish = hires;
    if (reluishExp > 0) reluish = saturatingLeftShiftInt16(reluish, reluishExp - 1);
    reluish = srdhmInt16(reluish, reluishMul);
    if (reluishExp > 0) reluish = saturatingLeftShiftInt16(reluish, 1);
    if (reluishExp < 0) reluish = roundingDivideByPOTInt16(reluish, -reluishExp);
    reluish = toInt16((reluish + (1 << 15)) >> 1);
    const preshiftOutput = saturatingDoublingHighMulInt16(reluish, preshift);
    let out = roundingDivideByPOTInt16(preshiftOutput, -outExp);
    out = toInt16(out + outZp);
    store<i8>(y + <usize>i, <i8>clampI32(out, -128, 127));
  }
}

// @ts-ignore: decorator
@inline
function sigmoidLike(args: usize, tanh: bool): void {
  const x = ptr(args, SIGMOID_INPUT), y = ptr(args, SIGMOID_OUTPUT), size = arg(args, SIGMOID_SIZE);
  const zp = arg(args, SIGMOID_INPUT_ZERO_POINT), radius = arg(args, SIGMOID_INPUT_RANGE_RADIUS);
  const m = arg(args, SIGMOID_INPUT_MULTIPLIER), ls = arg(args, SIGMOID_INPUT_LEFT_SHIFT);
  for (let i = 0; i < size; i++) {
    const input = <i32>load<i8>(x + <usize>i) - zp;
    let out: i32;
    if (input <= -radius) out = -128;
    else if (input >= radius) out = 127;
    else {
      const inQ4 = multiplyByQuantizedMultiplier(input, m, ls);
      out = tanh ? roundingDivideByPOT(fixedTanh(inQ4, 4), 24) : roundingDivideByPOT(fixedLogistic(inQ4, 4), 23) - 128;
      out = clampI32(out, -128, 127);
    }
    store<i8>(y + <usize>i, <i8>out);
  }
}
export function logistic_s8(args: usize): void {
  sigmoidLike(args, false);
}
export function tanh_s8(args: usize): void {
  sigmoidLike(args, true);
}

// ---- LOGISTIC / TANH int16 (spec: src/reference/ops/sigmoid16.ts): the per-element routines of sigmoid16.ts ----

export function logistic_s16(args: usize): void {
  const x = ptr(args, SIGMOID_INPUT), y = ptr(args, SIGMOID_OUTPUT), size = arg(args, SIGMOID_SIZE);
  const m = arg(args, SIGMOID_INPUT_MULTIPLIER), ls = arg(args, SIGMOID_INPUT_LEFT_SHIFT), table = ptr(args, SIGMOID_TABLE);
  for (let i = 0; i < size; i++) store<i16>(y + (<usize>i << 1), logistic16(sigmoid16Rescale(<i32>load<i16>(x + (<usize>i << 1)), m, ls), table));
}

export function tanh_s16(args: usize): void {
  const x = ptr(args, SIGMOID_INPUT), y = ptr(args, SIGMOID_OUTPUT), size = arg(args, SIGMOID_SIZE);
  const m = arg(args, SIGMOID_INPUT_MULTIPLIER), ls = arg(args, SIGMOID_INPUT_LEFT_SHIFT), table = ptr(args, SIGMOID_TABLE);
  for (let i = 0; i < size; i++) store<i16>(y + (<usize>i << 1), tanh16(sigmoid16Rescale(<i32>load<i16>(x + (<usize>i << 1)), m, ls), table));
}

// ---- QUANTIZE / DEQUANTIZE ----

// @ts-ignore: decorator
@inline
function quantizeF32<T>(args: usize): void {
  const x = ptr(args, QUANTIZE_INPUT), y = ptr(args, QUANTIZE_OUTPUT), size = arg(args, QUANTIZE_SIZE);
  const scale = reinterpret<f32>(arg(args, QUANTIZE_SCALE));
  const zp = arg(args, QUANTIZE_ZERO_POINT), qmin = arg(args, QUANTIZE_QMIN), qmax = arg(args, QUANTIZE_QMAX);
  for (let i = 0; i < size; i++) {
    const q = <f64>(load<f32>(x + (<usize>i << 2)) / scale); // a float32 division, as TFLite
    const rounded = q < 0 ? -Math.floor(-q + 0.5) : Math.floor(q + 0.5); // std::round
    // static_cast<int32_t> as the x86 golden build executes it: out of range and NaN give INT32_MIN.
    const cast: i32 = rounded >= -2147483648.0 && rounded < 2147483648.0 ? <i32>rounded : i32.MIN_VALUE;
    st<T>(y, i, clampI32(cast + zp, qmin, qmax));
  }
}
export function quantize_f32_s8(args: usize): void {
  quantizeF32<i8>(args);
}
export function quantize_f32_s16(args: usize): void {
  quantizeF32<i16>(args);
}

// @ts-ignore: decorator
@inline
function requantize<I, O>(args: usize): void {
  const x = ptr(args, REQUANTIZE_INPUT), y = ptr(args, REQUANTIZE_OUTPUT), size = arg(args, REQUANTIZE_SIZE);
  const inZp = arg(args, REQUANTIZE_INPUT_ZERO_POINT), outZp = arg(args, REQUANTIZE_OUTPUT_ZERO_POINT);
  const m = arg(args, REQUANTIZE_MULTIPLIER), s = arg(args, REQUANTIZE_SHIFT);
  const qmin = arg(args, REQUANTIZE_QMIN), qmax = arg(args, REQUANTIZE_QMAX);
  for (let i = 0; i < size; i++) {
    const v = multiplyByQuantizedMultiplier(ld<I>(x, i) - inZp, m, s) + outZp;
    st<O>(y, i, clampI32(v, qmin, qmax));
  }
}
export function requantize_s16_s8(args: usize): void { requantize<i16, i8>(args); }
export function requantize_s8_s8(args: usize): void { requantize<i8, i8>(args); }
export function requantize_s8_u8(args: usize): void { requantize<i8, u8>(args); }
export function requantize_u8_s8(args: usize): void { requantize<u8, i8>(args); }
export function requantize_s8_s16(args: usize): void { requantize<i8, i16>(args); }
export function requantize_s8_s32(args: usize): void { requantize<i8, i32>(args); }
export function requantize_s16_s16(args: usize): void { requantize<i16, i16>(args); }
export function requantize_s16_s32(args: usize): void { requantize<i16, i32>(args); }
export function requantize_s32_s8(args: usize): void { requantize<i32, i8>(args); }
export function requantize_s32_s16(args: usize): void { requantize<i32, i16>(args); }

// @ts-ignore: decorator
@inline
function dequantize<T>(args: usize): void {
  const x = ptr(args, DEQUANTIZE_INPUT), y = ptr(args, DEQUANTIZE_OUTPUT), size = arg(args, DEQUANTIZE_SIZE);
  const scale = <f64>reinterpret<f32>(arg(args, DEQUANTIZE_SCALE));
  const zp = arg(args, DEQUANTIZE_ZERO_POINT);
  // One float32 rounding of the exact product (it is exact in a double).
  for (let i = 0; i < size; i++) store<f32>(y + (<usize>i << 2), <f32>(scale * <f64>(ld<T>(x, i) - zp)));
}
export function dequantize_s8_f32(args: usize): void { dequantize<i8>(args); }
export function dequantize_u8_f32(args: usize): void { dequantize<u8>(args); }
export function dequantize_s16_f32(args: usize): void { dequantize<i16>(args); }
