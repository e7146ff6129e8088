// gemmlowp fixed point as TFLite Micro uses it (the spec is src/ir/fixedpoint.ts).
import { srdhm, roundingDivideByPOT } from './quant';

const FIXED_ONE_Q0: i32 = i32.MAX_VALUE;

/** gemmlowp SaturatingRoundingMultiplyByPOT. */
export function saturatingRoundingMultiplyByPOT(x: i32, exponent: i32): i32 {
  if (exponent == 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold: i64 = (<i64>1 << (31 - exponent)) - 1;
  if (<i64>x > threshold) return i32.MAX_VALUE;
  if (<i64>x < -threshold) return i32.MIN_VALUE;
  return x << exponent;
}

// @ts-ignore: decorator
@inline
function rescale(x: i32, srcBits: i32, dstBits: i32): i32 {
  return saturatingRoundingMultiplyByPOT(x, srcBits - dstBits);
}

export function roundingHalfSum(a: i32, b: i32): i32 {
  const sum: i64 = <i64>a + <i64>b;
  return <i32>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: i32): i32 {
  const constantTerm: i32 = 1895147668;
  const constant1Over3: i32 = 715827883;
  const x = a + (1 << 28);
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT(srdhm(x4Over4 + x3, constant1Over3) + x2, 1);
  return constantTerm + srdhm(constantTerm, x + poly);
}

/** exp(a) for a <= 0 with `integerBits` integer bits; the result in Q0.31. */
export function expOnNegativeValues(a: i32, integerBits: i32): i32 {
  const fractionalBits = 31 - integerBits;
  const oneQuarter: i32 = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = aModQuarterMinusOneQuarter - a;
  if (integerBits > -2 && (remainder & (1 << (fractionalBits - 2))) != 0) result = srdhm(result, 1672461947);
  if (integerBits > -1 && (remainder & (1 << (fractionalBits - 1))) != 0) result = srdhm(result, 1302514674);
  if (integerBits > 0 && (remainder & (1 << fractionalBits)) != 0) result = srdhm(result, 790015084);
  if (integerBits > 1 && (remainder & (1 << (fractionalBits + 1))) != 0) result = srdhm(result, 290630308);
  if (integerBits > 2 && (remainder & (1 << (fractionalBits + 2))) != 0) result = srdhm(result, 39332535);
  if (integerBits > 3 && (remainder & (1 << (fractionalBits + 3))) != 0) result = srdhm(result, 720401);
  if (integerBits > 4 && (remainder & (1 << (fractionalBits + 4))) != 0) result = srdhm(result, 242);
  if (integerBits > 5) {
    const clamp: i64 = -(<i64>1 << (36 - integerBits));
    if (<i64>a < clamp) result = 0;
  }
  if (a == 0) result = FIXED_ONE_Q0;
  return result;
}

function newtonReciprocalQ2(halfDenominator: i32): i32 {
  const constant48Over17: i32 = 1515870810;
  const constantNeg32Over17: i32 = -1010580540;
  const oneQ2: i32 = 1 << 29;
  let x = constant48Over17 + srdhm(halfDenominator, constantNeg32Over17);
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinus = oneQ2 - halfDenominatorTimesX;
    x = x + rescale(srdhm(x, oneMinus), 4, 2);
  }
  return x;
}

export function oneOverOnePlusXForXIn01(a: i32): i32 {
  return rescale(newtonReciprocalQ2(roundingHalfSum(a, FIXED_ONE_Q0)), 1, 0);
}

function oneMinusXOverOnePlusXForXIn01(a: i32): i32 {
  const x = newtonReciprocalQ2(roundingHalfSum(a, FIXED_ONE_Q0));
  return rescale(x - (1 << 29), 2, 0);
}

export function fixedLogistic(a: i32, integerBits: i32): i32 {
  if (a == 0) return 1 << 30;
  const absInput = a > 0 ? a : -a;
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput, integerBits));
  return a > 0 ? resultIfPositive : FIXED_ONE_Q0 - resultIfPositive;
}

export function fixedTanh(a: i32, integerBits: i32): i32 {
  if (a == 0) return 0;
  const n = a < 0 ? a : -a;
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return a < 0 ? -t : t;
}

/** TFLite MultiplyByQuantizedMultiplierGreaterThanOne. */
// @ts-ignore: decorator
@inline
export function multiplyByQuantizedMultiplierGreaterThanOne(x: i32, multiplier: i32, leftShift: i32): i32 {
  return srdhm(x * (1 << leftShift), multiplier);
}

export { rescale };

// ---- int16 (HARD_SWISH) ----

// @ts-ignore: decorator
@inline
export function toInt16(x: i32): i32 {
  return (x << 16) >> 16;
}

export function srdhmInt16(a: i32, b: i32): i32 {
  if (a == -32768 && b == -32768) return 32767;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return toInt16((ab + nudge) / 32768);
}

export function roundingDivideByPOTInt16(x: i32, exponent: i32): i32 {
  const mask = toInt16(<i32>((<i64>1 << exponent) - 1));
  const remainder = toInt16(x & mask);
  const threshold = toInt16((mask >> 1) + (x < 0 ? 1 : 0));
  return toInt16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/**
 * TFLite GetInvSqrtQuantizedMultiplierExp with reverse shift -1: 1 / sqrt(input) as a multiplier (low 32
 * bits) and a MultiplyByQuantizedMultiplier shift (high 32 bits). Five Newton steps in Q3.28; input <= 1
 * gives (INT32_MAX, 0).
 */
export function invSqrtMultiplierExp(input: i32): i64 {
  if (input <= 1) return <i64><u32>i32.MAX_VALUE;
  let shift = 11;
  while (input >= 1 << 29) {
    input /= 4;
    shift++;
  }
  const pairs = ((<i32>clz(input) - 1) >>> 1) - 1;
  shift -= pairs;
  input <<= 2 * pairs;
  const halfInput = roundingDivideByPOT(input >> 1, 1);
  const halfThree = (1 << 28) + (1 << 27);
  let x = 1 << 28;
  for (let i = 0; i < 5; i++) {
    const x3 = saturatingRoundingMultiplyByPOT(srdhm(srdhm(x, x), x), 6);
    x = saturatingRoundingMultiplyByPOT(srdhm(halfThree, x) - srdhm(halfInput, x3), 3);
  }
  let m = srdhm(x, 1518500250);
  if (shift < 0) {
    m <<= -shift;
    shift = 0;
  }
  return (<i64>(-shift) << 32) | <i64><u32>m;
}
