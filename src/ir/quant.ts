// TFLite's integer quantization primitives, exactly as its kernels compute them.
// JS numbers are doubles: products of two int32 values are split so every step stays exact.
import type { Clamp } from './ops.js';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

const TWO_15 = 32768;
const TWO_16 = 65536;
const TWO_31 = 2147483648;

/** std::round: halves go away from zero (Math.round sends -2.5 to -2). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * float -> integer as Cortex-M's VCVT (and the soft-float __aeabi_f2iz) do it: toward zero, saturated to
 * int32, NaN to 0; a narrower integer then keeps the low bits (C's conversion to int8/int16).
 */
export function floatToInt32(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v <= -2147483648 ? -2147483648 : v >= 2147483647 ? 2147483647 : Math.trunc(v);
}

/**
 * TFLite's CheckedLog2 (float arithmetic): log2(x) rounded half away from zero, and whether x is a power of
 * two within 1e-3 of a binary digit.
 */
export function checkedLog2(x: number): { power: number; exact: boolean } {
  const log2 = Math.fround(Math.fround(Math.log(Math.fround(x))) * Math.fround(1 / Math.fround(Math.log(2))));
  const rounded = roundHalfAway(log2);
  return { power: rounded, exact: Math.abs(Math.fround(log2 - rounded)) < Math.fround(1e-3) };
}

/**
 * static_cast<int32_t>(float) as the golden x86 build executes it (cvttss2si): NaN and values outside
 * the int32 range become INT32_MIN. (The C++ is undefined there; ARM would saturate instead.)
 */
export function castFloatToInt32(r: number): number {
  return r >= -2147483648 && r < 2147483648 ? r : -2147483648;
}

/**
 * TFLite's AffineQuantize of one real value: round(x / scale) in float32 with halves away from zero,
 * cast to int32, plus the zero point, clamped to [qmin, qmax].
 */
export function affineQuantize(x: number, scale: number, zeroPoint: number, qmin: number, qmax: number): number {
  const unclamped = (castFloatToInt32(roundHalfAway(Math.fround(x / Math.fround(scale)))) + zeroPoint) | 0;
  return unclamped < qmin ? qmin : unclamped > qmax ? qmax : unclamped;
}

/** C's frexp: x = mantissa * 2^exponent with |mantissa| in [0.5, 1). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  const sign = x < 0 ? -1 : 1;
  let m = Math.abs(x);
  let e = Math.ceil(Math.log2(m)) | 0; // | 0 also turns -0 into 0
  m = m / 2 ** e;
  while (m >= 1) {
    m /= 2;
    e++;
  }
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  return [sign * m, e];
}

/** TFLite QuantizeMultiplier: a real multiplier as a Q31 int32 and a power-of-two shift (positive = left). */
export function quantizeMultiplier(realMultiplier: number): { multiplier: number; shift: number } {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const [q, e] = frexp(realMultiplier);
  let shift = e;
  let qFixed = roundHalfAway(q * TWO_31);
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  return { multiplier: qFixed, shift };
}

/** gemmlowp SaturatingRoundingDoublingHighMul: (a*b*2 + round) >> 32, computed without losing bits. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const nudge = a * b >= 0 ? 1 << 30 : 1 - (1 << 30);
  // a*b + nudge = hi * 2^16 + lo, each part exact in a double (|hi| < 2^46, |lo| < 2^48).
  const bLo = b & 0xffff;
  const bHi = (b - bLo) / TWO_16;
  const hi = a * bHi;
  const lo = a * bLo + nudge;
  const q = Math.floor(hi / TWO_15);
  const rest = (hi - q * TWO_15) * TWO_16 + lo;
  const restQ = Math.floor(rest / TWO_31);
  const floorQuotient = q + restQ;
  const remainder = rest - restQ * TWO_31;
  // C++ integer division truncates toward zero.
  return floorQuotient < 0 && remainder !== 0 ? floorQuotient + 1 : floorQuotient;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, halves away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = (2 ** exponent - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite MultiplyByQuantizedMultiplier (int32 input, double-rounding variant used by TFLM by default). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(Math.imul(x, 2 ** leftShift | 0), multiplier), rightShift);
}

/**
 * TFLM's MultiplyByQuantizedMultiplier for an int64 accumulator (the 16x8 kernels): the multiplier rounded
 * to 16 bits, one rounding right shift by 15 - shift, the result truncated to int32.
 */
export function multiplyByQuantizedMultiplier64(x: bigint, multiplier: number, shift: number): number {
  const reduced = multiplier < 0x7fff0000 ? (multiplier + (1 << 15)) >> 16 : 0x7fff;
  const totalShift = BigInt(15 - shift);
  // 64-bit wrap as the C kernels do (TFLM requires |x| < 2^47, where nothing wraps).
  return Number(BigInt.asIntN(32, BigInt.asIntN(64, x * BigInt(reduced) + (1n << (totalShift - 1n))) >> totalShift));
}

export function dtypeRange(dtype: 'int8' | 'uint8' | 'int16' | 'int32'): Clamp {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'uint8':
      return [0, 255];
    case 'int16':
      return [-32768, 32767];
    case 'int32':
      return [INT32_MIN, INT32_MAX];
  }
}

export type FusedActivation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6';

/** TFLite CalculateActivationRangeQuantized: the fused activation as a clamp in the output's quantized domain. */
export function activationClamp(activation: FusedActivation, scale: number, zeroPoint: number, range: Clamp): Clamp {
  const [qmin, qmax] = range;
  // f / scale is a float32 division in TFLite.
  const quantize = (f: number) => zeroPoint + roundHalfAway(Math.fround(f / Math.fround(scale)));
  switch (activation) {
    case 'NONE':
      return [qmin, qmax];
    case 'RELU':
      return [Math.max(qmin, quantize(0)), qmax];
    case 'RELU6':
      return [Math.max(qmin, quantize(0)), Math.min(qmax, quantize(6))];
    case 'RELU_N1_TO_1':
      return [Math.max(qmin, quantize(-1)), Math.min(qmax, quantize(1))];
  }
}

export function clampTo(x: number, clamp: Clamp): number {
  return x < clamp[0] ? clamp[0] : x > clamp[1] ? clamp[1] : x;
}
