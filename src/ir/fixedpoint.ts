// gemmlowp's fixed-point math (fixedpoint/fixedpoint.h) and the few TFLite helpers built on it
// (GetReciprocal, MultiplyByQuantizedMultiplierGreaterThanOne, the int16 variants HARD_SWISH uses),
// exactly as TFLite Micro's reference kernels compute them.
//
// A fixed-point value is a plain int32 `raw` plus a number of integer bits m (gemmlowp's
// FixedPoint<int32_t, m>): real = raw / 2^(31 - m). Products are saturatingRoundingDoublingHighMul
// (the integer bits add up); additions are plain int32 additions that wrap like the C++ code does
// (gemmlowp's Add is not saturating). Everything stays a JS number in int32 range.
import { INT32_MAX, INT32_MIN, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from './quant.js';

const fpMul = saturatingRoundingDoublingHighMul;

/** gemmlowp's One() for 0 integer bits: the largest raw value, 1 - 2^-31. */
export const FIXED_ONE_Q0 = INT32_MAX;

/**
 * gemmlowp SaturatingRoundingMultiplyByPOT: x * 2^exponent, saturating to int32 for a positive
 * exponent, rounding to nearest (halves away from zero) for a negative one.
 */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * 2 ** exponent;
}

/** gemmlowp Rescale: the same real value with `dstBits` integer bits instead of `srcBits`. */
export function rescale(x: number, srcBits: number, dstBits: number): number {
  return saturatingRoundingMultiplyByPOT(x, srcBits - dstBits);
}

/** gemmlowp RoundingHalfSum for int32: (a + b) / 2 rounded to nearest, halves away from zero. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact in a double, like gemmlowp's int64 sum
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** exp(a) for a in [-1/4, 0), a and the result in Q0.31 (gemmlowp's Taylor expansion around -1/8). */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constant1Over3 = 715827883; // 1/3
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = fpMul(x, x);
  const x3 = fpMul(x2, x);
  const x4 = fpMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const x4Over24PlusX3Over6PlusX2Over2 = roundingDivideByPOT((fpMul((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, 1);
  return (constantTerm + fpMul(constantTerm, (x + x4Over24PlusX3Over6PlusX2Over2) | 0)) | 0;
}

/** exp(-2^k) in Q0.31 for k = -2..4: gemmlowp's barrel-shifter multipliers. */
const EXP_BARREL: ReadonlyArray<readonly [exponent: number, multiplier: number]> = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/**
 * gemmlowp exp_on_negative_values: exp(a) for a <= 0, a with `integerBits` integer bits, the result
 * in Q0.31. Accurate to a few 1e-7 absolute (the Taylor step is good to ~1e-9; each barrel
 * multiplication adds one rounding).
 */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 2 ** (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent) {
      const bit = 2 ** (fractionalBits + exponent); // < 2^31
      if ((remainder & bit) !== 0) result = fpMul(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clamp = -(2 ** (36 - integerBits)); // -32.0
    if (a < clamp) result = 0;
  }
  if (a === 0) result = FIXED_ONE_Q0;
  return result;
}

/** Newton-Raphson reciprocal shared by the two divisions below: x ~ 1 / half_denominator, in Q2.29. */
function newtonReciprocalQ2(halfDenominator: number): number {
  const constant48Over17 = 1515870810;
  const constantNeg32Over17 = -1010580540;
  const oneQ2 = 1 << 29;
  let x = (constant48Over17 + fpMul(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = fpMul(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + rescale(fpMul(x, oneMinusHalfDenominatorTimesX), 4, 2)) | 0;
  }
  return x;
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1: 1 / (1 + a), a and the result in Q0.31. */
export function oneOverOnePlusXForXIn01(a: number): number {
  const x = newtonReciprocalQ2(roundingHalfSum(a, FIXED_ONE_Q0));
  return rescale(x, 1, 0); // ExactMulByPot<-1> (Q2 -> Q1, same raw), then Rescale<0>
}

/** gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1: (1 - a) / (1 + a), in Q0.31. */
export function oneMinusXOverOnePlusXForXIn01(a: number): number {
  const x = newtonReciprocalQ2(roundingHalfSum(a, FIXED_ONE_Q0));
  return rescale((x - (1 << 29)) | 0, 2, 0);
}

/** gemmlowp logistic: 1 / (1 + exp(-a)), a with `integerBits` integer bits, the result in Q0.31. */
export function fixedLogistic(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30; // one half
  const absInput = a > 0 ? a : -a | 0;
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput | 0, integerBits));
  return a > 0 ? resultIfPositive : (FIXED_ONE_Q0 - resultIfPositive) | 0;
}

/** gemmlowp tanh, a with `integerBits` integer bits, the result in Q0.31. */
export function fixedTanh(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : -a | 0; // -|a|
  // neg_tanh_on_negative_values: exp(2n) reads the same raw as one more integer bit (ExactMulByPot<1>).
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return a < 0 ? -t | 0 : t;
}

/** int32 a + b / a - b computed exactly, then clamped to int32 (TFLite's SaturatingAddNonGemmlowp / SaturatingSub). */
function saturatingAdd(a: number, b: number): number {
  const sum = a + b;
  return sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : sum;
}

/**
 * TFLite log_x_for_x_greater_than_or_equal_to_1: ln(x) for x >= 1 given with `inputIntegerBits`, the result
 * with `outputIntegerBits`. The input is normalized twice (by its own headroom, and times sqrt(1/2)) and the
 * closer mantissa r near sqrt(sqrt(1/2)) goes through a rational approximation in Q0.31, accumulated with one
 * more integer bit (the power-of-two part times ln 2 may saturate).
 */
export function logXForXGreaterThanOrEqualTo1(input: number, inputIntegerBits: number, outputIntegerBits: number): number {
  const accumBits = outputIntegerBits + 1;
  const log2 = 1488522236; // ln 2
  const sqrtSqrtHalf = 1805811301; // (1/2)^(1/4)
  const sqrtHalf = 1518500250; // (1/2)^(1/2)
  const oneQuarter = 536870912;
  const alphaN = 117049297; // 11/240 * 2^(1/4)
  const alphaD = 127690142; // 1/20 * 2^(1/4)
  const alphaI = 1057819769; // 2 / 2^(1/4) - 2^(1/4)
  const alphaF = 638450708; // 1/4 * 2^(1/4)
  const shiftedQuarter = rescale(oneQuarter, 0, accumBits);
  const zA = input; // read as Q0.31: the shifts below are worked out here
  const zAHeadroomPlus1 = Math.clz32(zA);
  const rATmp = saturatingRoundingMultiplyByPOT(zA, zAHeadroomPlus1 - 1);
  const rARaw = saturatingRoundingMultiplyByPOT(fpMul(rATmp, sqrtHalf), 1);
  const zAPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inputIntegerBits - zAHeadroomPlus1, 31 - accumBits), shiftedQuarter);
  const zB = fpMul(zA, sqrtHalf);
  const zBHeadroom = Math.clz32(zB) - 1;
  const rBRaw = saturatingRoundingMultiplyByPOT(zA, zBHeadroom);
  const zBPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inputIntegerBits - zBHeadroom, 31 - accumBits), -shiftedQuarter);
  const r = Math.min(rARaw, rBRaw);
  const zPow2Adj = Math.max(zAPow2Adj, zBPow2Adj);
  const p = roundingHalfSum(r, sqrtSqrtHalf);
  let q = (r - sqrtSqrtHalf) | 0;
  q = (q + q) | 0;
  const commonSq = fpMul(q, q);
  const num = (fpMul(q, r) + fpMul(fpMul(q, commonSq), alphaN)) | 0;
  const denomMinusOne = (fpMul(p, (((alphaI + q) | 0) + fpMul(alphaD, commonSq)) | 0) + fpMul(alphaF, q)) | 0;
  const recipDenom = oneOverOnePlusXForXIn01(denomMinusOne);
  const numScaled = rescale(num, 0, accumBits);
  return rescale((fpMul(zPow2Adj, log2) + fpMul(numScaled, recipDenom)) | 0, accumBits, outputIntegerBits);
}

/**
 * TFLite GetReciprocal: 1 / x for x > 0 with `xIntegerDigits` integer bits, returned as a Q0.31 value
 * in [0.5, 1] and the power of two it is scaled by (result = raw / 2^31 / 2^numBitsOverUnit).
 */
export function getReciprocal(x: number, xIntegerDigits: number): { raw: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x);
  const numBitsOverUnit = xIntegerDigits - headroomPlusOne;
  const shiftedSumMinusOne = ((x << headroomPlusOne) - 0x80000000) | 0;
  return { raw: oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit };
}

/** TFLite CountLeadingSignBits<int32_t> (GCC's __builtin_clrsb): the redundant sign bits, 31 for 0 and -1. */
export function countLeadingSignBits(x: number): number {
  return Math.clz32(x ^ (x >> 31)) - 1;
}

/**
 * gemmlowp RoundingDivideByPOT for exponents 0..255 as TFLM computes it on Cortex-M: past 31 its int32
 * mask is all ones and an arithmetic shift by a register of 32 or more gives the sign, so the result is
 * 1 for x >= 0 and -1 below (TFLM's DIV reaches such exponents; C leaves them undefined).
 */
export function roundingDivideByPOTArm(x: number, exponent: number): number {
  return exponent < 32 ? roundingDivideByPOT(x, exponent) : x >= 0 ? 1 : -1;
}

/** TFLite MultiplyByQuantizedMultiplierGreaterThanOne (double rounding): srdhm(x * 2^leftShift, m), the shift wrapping like int32. */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return fpMul(Math.imul(x, 1 << leftShift), multiplier);
}

/**
 * TFLite GetInvSqrtQuantizedMultiplierExp: 1 / sqrt(input) for input >= 0 as a multiplier and shift
 * (shift times reverseShift; -1 makes it a left shift). Five Newton-Raphson steps in Q3.28; 0 and 1 give
 * (INT32_MAX, 0). The final left shift wraps like the C++ int32 shift.
 */
export function getInvSqrtQuantizedMultiplierExp(input: number, reverseShift: number): { multiplier: number; shift: number } {
  if (input <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let shift = 11;
  while (input >= 1 << 29) {
    input = Math.trunc(input / 4);
    shift++;
  }
  const leftShiftBitPairs = ((Math.clz32(input) - 1) >>> 1) - 1;
  shift -= leftShiftBitPairs;
  input <<= 2 * leftShiftBitPairs;
  const halfInput = roundingDivideByPOT(input >> 1, 1); // SaturatingRoundingMultiplyByPOT<-1> of Q3.28 input / 2
  const halfThree = (1 << 28) + (1 << 27); // 1.5 in Q3.28
  let x = 1 << 28; // One() in Q3.28
  for (let i = 0; i < 5; i++) {
    const x3 = rescale(fpMul(fpMul(x, x), x), 9, 3);
    x = rescale((fpMul(halfThree, x) - fpMul(halfInput, x3)) | 0, 6, 3);
  }
  let multiplier = fpMul(x, 1518500250); // times sqrt(2) / 2 in Q0.31
  if (shift < 0) {
    multiplier = (multiplier << -shift) | 0;
    shift = 0;
  }
  return { multiplier, shift: shift * reverseShift };
}

/** TFLite CalculateInputRadius: the largest |input - zp| whose rescaled value stays below 2^(31) in the fixed-point format. */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number, totalSignedBits = 31): number {
  const maxInputRescaled = ((2 ** inputIntegerBits - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift;
  return Math.floor(maxInputRescaled);
}

// ---- int16 variants (HARD_SWISH works in 16-bit fixed point) ----

/** Truncate to int16 like a C cast (two's complement wrap). */
export function toInt16(x: number): number {
  return (x << 16) >> 16;
}

/** gemmlowp SaturatingRoundingDoublingHighMul for int16: (a*b*2 + round) >> 16. */
export function saturatingRoundingDoublingHighMulInt16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  const ab = a * b;
  const nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
  return toInt16(Math.trunc((ab + nudge) / 32768));
}

/** gemmlowp RoundingDivideByPOT on int16 values: every intermediate truncated to int16 like the C++ template. */
export function roundingDivideByPOTInt16(x: number, exponent: number): number {
  const mask = toInt16((2 ** exponent - 1) | 0);
  const remainder = toInt16(x & mask);
  const threshold = toInt16((mask >> 1) + (x < 0 ? 1 : 0));
  return toInt16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/** TFLite DownScaleInt32ToInt16Multiplier: a Q31 multiplier rounded to Q15. */
export function downScaleInt32ToInt16Multiplier(multiplier: number): number {
  const roundingOffset = 1 << 15;
  if (multiplier >= INT32_MAX - roundingOffset) return 32767;
  return (multiplier + roundingOffset) >> 16;
}
