// TFLite's fixed-point requantization in AssemblyScript, with native i64 (the spec is src/ir/quant.ts).

/** gemmlowp SaturatingRoundingDoublingHighMul. */
// @ts-ignore: decorator
@inline
export function srdhm(a: i32, b: i32): i32 {
  if (a == i32.MIN_VALUE && b == i32.MIN_VALUE) return i32.MAX_VALUE;
  // (ab + nudge) / 2^31 truncated toward zero, nudge = ab >= 0 ? 2^30 : 1 - 2^30, is floor((ab + 2^30) / 2^31)
  // for both signs (ab < 0: trunc((ab + 1 - 2^30) / 2^31) = floor((ab + 1 - 2^30 + 2^31 - 1) / 2^31)).
  return <i32>((<i64>a * <i64>b + (1 << 30)) >> 31);
}

/** gemmlowp RoundingDivideByPOT. */
// @ts-ignore: decorator
@inline
export function roundingDivideByPOT(x: i32, exponent: i32): i32 {
  const mask: i32 = <i32>((<i64>1 << exponent) - 1);
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite MultiplyByQuantizedMultiplier for an int64 accumulator (the 16x8 kernels): the multiplier rounded
 * to 16 bits, one rounding shift by 15 - shift (shift <= 7), truncated to i32 (i64 arithmetic wraps as the C's).
 */
export function multiplyByQuantizedMultiplier64(x: i64, multiplier: i32, shift: i32): i32 {
  const reduced: i64 = multiplier < 0x7fff0000 ? <i64>((multiplier + (1 << 15)) >> 16) : 0x7fff;
  const total = <i64>(15 - shift);
  return <i32>((x * reduced + (<i64>1 << (total - 1))) >> total);
}

/** TFLite MultiplyByQuantizedMultiplier (double rounding, TFLM's default). */
export function multiplyByQuantizedMultiplier(x: i32, multiplier: i32, shift: i32): i32 {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm(x * (1 << leftShift), multiplier), rightShift);
}
