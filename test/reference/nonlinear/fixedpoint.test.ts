// gemmlowp fixed-point helpers: hand-worked values, accuracy against Math, and exact symmetries.
import { describe, expect, it } from 'vitest';
import {
  calculateInputRadius,
  downScaleInt32ToInt16Multiplier,
  expOnIntervalBetweenNegativeOneQuarterAnd0Excl,
  expOnNegativeValues,
  fixedLogistic,
  fixedTanh,
  getReciprocal,
  multiplyByQuantizedMultiplierGreaterThanOne,
  oneMinusXOverOnePlusXForXIn01,
  oneOverOnePlusXForXIn01,
  rescale,
  roundingDivideByPOTInt16,
  roundingHalfSum,
  saturatingRoundingDoublingHighMulInt16,
  saturatingRoundingMultiplyByPOT,
  toInt16,
} from '../../../src/ir/fixedpoint.js';
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../../../src/ir/quant.js';

const Q31 = 2 ** 31;

/** Evenly spaced int32 raws in [lo, hi]. */
function sweep(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(lo + ((hi - lo) * i) / (n - 1)));
}

describe('saturatingRoundingMultiplyByPOT / rescale', () => {
  it('saturates left shifts and rounds right shifts (BigInt formulation)', () => {
    for (const x of [0, 1, -1, 12345, -12345, 2 ** 28 - 1, 2 ** 28, -(2 ** 28), -(2 ** 28) - 1, 2147483647, -2147483648]) {
      for (const e of [1, 2, 3, 5]) {
        const exact = BigInt(x) << BigInt(e);
        const expected = exact > 2147483647n ? 2147483647 : exact < -2147483648n ? -2147483648 : Number(exact);
        expect(saturatingRoundingMultiplyByPOT(x, e)).toBe(expected);
      }
      expect(saturatingRoundingMultiplyByPOT(x, -3)).toBe(roundingDivideByPOT(x, 3));
    }
  });
  it('rescale Q0 -> Q12 is a rounding shift by 12: One (2^31-1) becomes 2^19', () => {
    expect(rescale(2147483647, 0, 12)).toBe(2 ** 19);
    expect(rescale(-(2 ** 20), 5, 0)).toBe(-(2 ** 25));
  });
});

describe('roundingHalfSum', () => {
  it('rounds halves away from zero', () => {
    expect(roundingHalfSum(3, 4)).toBe(4); // 3.5 -> 4
    expect(roundingHalfSum(-3, -4)).toBe(-4); // -3.5 -> -4
    expect(roundingHalfSum(2147483647, 2147483647)).toBe(2147483647);
    expect(roundingHalfSum(-2147483648, -2147483648)).toBe(-2147483648);
  });
});

describe('expOnNegativeValues', () => {
  it('exp(0) is One; exp(-1) is the Taylor step at -1/4 times the exp(-1/4) and exp(-1/2) barrel constants', () => {
    expect(expOnNegativeValues(0, 5)).toBe(2147483647);
    // -1 in Q5.26 = -2^26: (a & (2^24 - 1)) - 2^24 = -1/4 (Q0.31: -2^29); remainder 3 * 2^24 has the
    // bits for 2^-2 and 2^-1 set, so exp(-1) = exp(-1/4) * exp(-1/4) * exp(-1/2).
    const taylor = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(-(2 ** 29));
    const expected = saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(taylor, 1672461947), 1302514674);
    expect(expOnNegativeValues(-(2 ** 26), 5)).toBe(expected);
  });
  for (const bits of [0, 4, 5, 6, 12]) {
    // gemmlowp's Taylor step is worst at the ends of [-1/4, 0) (about 2.2e-7 at -1/4).
    it(`matches Math.exp within 3e-7 for ${bits} integer bits`, () => {
      const lo = -(2 ** 31);
      let worst = 0;
      for (const a of sweep(lo, 0, 4001)) {
        const got = expOnNegativeValues(a, bits) / Q31;
        const want = Math.exp(a / 2 ** (31 - bits));
        worst = Math.max(worst, Math.abs(got - want));
      }
      expect(worst).toBeLessThan(3e-7);
    });
  }
  it('is monotone in its input (Q5.26, fine sweep near 0)', () => {
    let prev = -1;
    for (let a = -(2 ** 24); a <= 0; a += 997) {
      const v = expOnNegativeValues(a, 5);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });
});

describe('Newton-Raphson divisions in Q0.31', () => {
  it('1/(1+x) within 1e-8 and (1-x)/(1+x) within 2e-8 on [0, 1)', () => {
    for (const a of sweep(0, 2147483647, 2001)) {
      const x = a / Q31;
      expect(Math.abs(oneOverOnePlusXForXIn01(a) / Q31 - 1 / (1 + x))).toBeLessThan(1e-8);
      expect(Math.abs(oneMinusXOverOnePlusXForXIn01(a) / Q31 - (1 - x) / (1 + x))).toBeLessThan(2e-8);
    }
  });
  it('getReciprocal of 4.0 in Q12.19 is 1/4: raw ~1.0 with 2 bits over unit', () => {
    // 4 * 2^19 = 2^21: clz 10, so numBitsOverUnit = 12 - 10 = 2 and the Q0.31 mantissa is 1/(1+0).
    const r = getReciprocal(2 ** 21, 12);
    expect(r.numBitsOverUnit).toBe(2);
    expect(Math.abs(r.raw - 2147483647)).toBeLessThan(4);
  });
  it('getReciprocal matches 1/x for sums in Q12.19', () => {
    for (const x of [2 ** 19, 3 * 2 ** 19, 1234567, 987654321, 2 ** 30 + 12345]) {
      const r = getReciprocal(x, 12);
      const got = r.raw / Q31 / 2 ** r.numBitsOverUnit;
      const want = 2 ** 19 / x;
      expect(Math.abs(got / want - 1)).toBeLessThan(1e-8);
    }
  });
});

describe('logistic and tanh in fixed point', () => {
  const raws = sweep(-(2 ** 31) + 1, 2 ** 31 - 1, 4001);
  it('logistic (Q4.27 in) is within 3e-7 of 1/(1+exp(-x)) and exactly complementary: f(-a) = One - f(a)', () => {
    for (const a of raws) {
      const got = fixedLogistic(a, 4) / Q31;
      expect(Math.abs(got - 1 / (1 + Math.exp(-a / 2 ** 27)))).toBeLessThan(3e-7);
      if (a !== 0) expect(fixedLogistic(-a, 4)).toBe(2147483647 - fixedLogistic(a, 4));
    }
    expect(fixedLogistic(0, 4)).toBe(2 ** 30);
  });
  it('tanh (Q4.27 in) is within 5e-7 of Math.tanh and exactly odd', () => {
    for (const a of raws) {
      const got = fixedTanh(a, 4) / Q31;
      expect(Math.abs(got - Math.tanh(a / 2 ** 27))).toBeLessThan(5e-7);
      expect(fixedTanh(-a, 4)).toBe(-fixedTanh(a, 4) | 0);
    }
    expect(fixedTanh(0, 4)).toBe(0);
  });
});

describe('TFLite helpers', () => {
  it('CalculateInputRadius: floor(31 * 2^26 / 2^23) = 248 for softmax; 15 * 2^27 / 2^24 = 120 for logistic', () => {
    expect(calculateInputRadius(5, 23)).toBe(248);
    expect(calculateInputRadius(4, 24)).toBe(120);
    expect(calculateInputRadius(4, 31)).toBe(0);
  });
  it('MultiplyByQuantizedMultiplierGreaterThanOne: -3 * 2^4 * 0.75 = -36', () => {
    // srdhm(-48, 0.75 * 2^31) = -36 exactly.
    expect(multiplyByQuantizedMultiplierGreaterThanOne(-3, 1610612736, 4)).toBe(-36);
  });
  it('DownScaleInt32ToInt16Multiplier rounds to Q15 and saturates near 2^31', () => {
    expect(downScaleInt32ToInt16Multiplier(1073741824)).toBe(16384); // 0.5
    expect(downScaleInt32ToInt16Multiplier(1073774591)).toBe(16384); // 16384.49.. -> 16384
    expect(downScaleInt32ToInt16Multiplier(1073774592)).toBe(16385); // 16384.5 -> 16385
    expect(downScaleInt32ToInt16Multiplier(2147483647)).toBe(32767);
  });
});

describe('int16 variants', () => {
  it('toInt16 wraps like a C cast', () => {
    expect(toInt16(32768)).toBe(-32768);
    expect(toInt16(-32769)).toBe(32767);
    expect(toInt16(65535)).toBe(-1);
  });
  it('SaturatingRoundingDoublingHighMul<int16>: hand-worked values', () => {
    expect(saturatingRoundingDoublingHighMulInt16(16384, 16384)).toBe(8192); // 0.5 * 0.5
    expect(saturatingRoundingDoublingHighMulInt16(3, 16384)).toBe(2); // 1.5 -> 2 (nudge up)
    expect(saturatingRoundingDoublingHighMulInt16(-3, 16384)).toBe(-1); // -1.5 -> -1 (truncating division)
    expect(saturatingRoundingDoublingHighMulInt16(-32768, -32768)).toBe(32767);
  });
  it('RoundingDivideByPOT<int16> equals the int32 one for exponents below 16', () => {
    for (let x = -32768; x <= 32767; x += 37) {
      for (const e of [0, 1, 3, 7, 15]) expect(roundingDivideByPOTInt16(x, e)).toBe(roundingDivideByPOT(x, e));
    }
  });
  it('RoundingDivideByPOT<int16> with exponent >= 16: the int16 mask becomes -1 (C++ template behaviour)', () => {
    // mask = int16(2^20 - 1) = -1, remainder = x, threshold = -1 (x >= 0): 5 >> 20 = 0, plus 1.
    expect(roundingDivideByPOTInt16(5, 20)).toBe(1);
    expect(roundingDivideByPOTInt16(0, 20)).toBe(1);
    // x < 0: threshold = 0, remainder = x < 0: -5 >> 20 = -1, plus 0.
    expect(roundingDivideByPOTInt16(-5, 20)).toBe(-1);
  });
});
