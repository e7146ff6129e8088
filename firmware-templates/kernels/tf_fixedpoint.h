/* tinyforge kernel library: gemmlowp fixed-point math (src/ir/fixedpoint.ts), exactly. Header-only. */
#ifndef TF_FIXEDPOINT_H
#define TF_FIXEDPOINT_H
#include "tf_quant.h"

#define TF_FIXED_ONE_Q0 INT32_MAX

/* gemmlowp SaturatingRoundingMultiplyByPOT. */
static inline int32_t tf_srmbpot(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return tf_rdbpot(x, -exponent);
  const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return tf_wshl(x, exponent);
}

static inline int32_t tf_rescale(int32_t x, int src_bits, int dst_bits) { return tf_srmbpot(x, src_bits - dst_bits); }

/* gemmlowp RoundingHalfSum for int32 (int64 sum). */
static inline int32_t tf_rounding_half_sum(int32_t a, int32_t b) {
  int64_t sum = (int64_t)a + (int64_t)b;
  int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

static inline int32_t tf_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  const int32_t constant_term = 1895147668;
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = tf_wadd(a, 1 << 28);
  const int32_t x2 = tf_srdhm(x, x);
  const int32_t x3 = tf_srdhm(x2, x);
  const int32_t x4 = tf_srdhm(x2, x2);
  const int32_t x4_over_4 = tf_rdbpot(x4, 2);
  const int32_t poly = tf_rdbpot(tf_wadd(tf_srdhm(tf_wadd(x4_over_4, x3), constant_1_over_3), x2), 1);
  return tf_wadd(constant_term, tf_srdhm(constant_term, tf_wadd(x, poly)));
}

/* gemmlowp exp_on_negative_values: a <= 0 with integer_bits integer bits, result in Q0.31. */
static inline int32_t tf_exp_on_negative_values(int32_t a, int integer_bits) {
  static const int32_t barrel[7][2] = {
    {-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308}, {2, 39332535}, {3, 720401}, {4, 242},
  };
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)(1u << (fractional_bits - 2));
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = tf_wsub(a & mask, one_quarter);
  int32_t result = tf_exp_on_interval_between_negative_one_quarter_and_0_excl(tf_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = tf_wsub(a_mod_quarter_minus_one_quarter, a);
  for (int i = 0; i < 7; i++) {
    const int exponent = barrel[i][0];
    if (integer_bits > exponent) {
      const int32_t bit = (int32_t)(1u << (fractional_bits + exponent));
      if ((remainder & bit) != 0) result = tf_srdhm(result, barrel[i][1]);
    }
  }
  if (integer_bits > 5) {
    const int32_t clamp = -(int32_t)(1u << (36 - integer_bits));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = TF_FIXED_ONE_Q0;
  return result;
}

static inline int32_t tf_newton_reciprocal_q2(int32_t half_denominator) {
  const int32_t constant_48_over_17 = 1515870810;
  const int32_t constant_neg_32_over_17 = -1010580540;
  const int32_t one_q2 = 1 << 29;
  int32_t x = tf_wadd(constant_48_over_17, tf_srdhm(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; i++) {
    const int32_t half_denominator_times_x = tf_srdhm(half_denominator, x);
    const int32_t one_minus = tf_wsub(one_q2, half_denominator_times_x);
    x = tf_wadd(x, tf_rescale(tf_srdhm(x, one_minus), 4, 2));
  }
  return x;
}

static inline int32_t tf_one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  return tf_rescale(tf_newton_reciprocal_q2(tf_rounding_half_sum(a, TF_FIXED_ONE_Q0)), 1, 0);
}

static inline int32_t tf_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t x = tf_newton_reciprocal_q2(tf_rounding_half_sum(a, TF_FIXED_ONE_Q0));
  return tf_rescale(tf_wsub(x, 1 << 29), 2, 0);
}

static inline int32_t tf_fixed_logistic(int32_t a, int integer_bits) {
  if (a == 0) return 1 << 30;
  const int32_t abs_input = a > 0 ? a : tf_wsub(0, a);
  const int32_t r = tf_one_over_one_plus_x_for_x_in_0_1(tf_exp_on_negative_values(tf_wsub(0, abs_input), integer_bits));
  return a > 0 ? r : tf_wsub(TF_FIXED_ONE_Q0, r);
}

static inline int32_t tf_fixed_tanh(int32_t a, int integer_bits) {
  if (a == 0) return 0;
  const int32_t n = a < 0 ? a : tf_wsub(0, a);
  const int32_t t = tf_one_minus_x_over_one_plus_x_for_x_in_0_1(tf_exp_on_negative_values(n, integer_bits + 1));
  return a < 0 ? tf_wsub(0, t) : t;
}

static inline int tf_clz32(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

/* TFLite GetReciprocal: raw Q0.31 and the power of two it is scaled by. x = 0 (a DIV divisor at its zero
 * point) shifts by 32, which leaves 0 on Cortex-M and x86 alike: spelled out, as C leaves it undefined. */
static inline int32_t tf_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit) {
  const int headroom_plus_one = tf_clz32((uint32_t)x);
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const uint32_t shifted = headroom_plus_one >= 32 ? 0u : (uint32_t)x << headroom_plus_one;
  const int32_t shifted_sum_minus_one = (int32_t)(shifted - 0x80000000u);
  return tf_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

static inline int32_t tf_mbqm_greater_than_one(int32_t x, int32_t multiplier, int left_shift) {
  return tf_srdhm(tf_wshl(x, left_shift), multiplier);
}

/* ---- int16 (HARD_SWISH) ---- */
static inline int16_t tf_srdhm16(int16_t a, int16_t b) {
  if (a == -32768 && b == -32768) return 32767;
  const int32_t ab = (int32_t)a * (int32_t)b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return (int16_t)((ab + nudge) / 32768);
}

/* gemmlowp RoundingDivideByPOT on int16, exponent 0..31: its mask (1ll << exponent) - 1 in int16 is -1 from 16 on
 * (HARD_SWISH's output exponent reaches -31); 1 << 31 in int would be undefined. */
static inline int16_t tf_rdbpot16(int16_t x, int exponent) {
  const int16_t mask = (int16_t)(exponent >= 16 ? -1 : (1 << exponent) - 1);
  const int16_t remainder = (int16_t)(x & mask);
  const int16_t threshold = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
  return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* TFLite's GetInvSqrtQuantizedMultiplierExp with reverse shift -1: 1 / sqrt(input) as a multiplier and a
 * MultiplyByQuantizedMultiplier shift (five Newton steps in Q3.28; input <= 1 gives INT32_MAX, 0). */
static inline void tf_inv_sqrt_multiplier_exp(int32_t input, int32_t *multiplier, int *shift) {
  if (input <= 1) {
    *multiplier = INT32_MAX;
    *shift = 0;
    return;
  }
  int s = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    s++;
  }
  const int pairs = ((tf_clz32((uint32_t)input) - 1) / 2) - 1;
  s -= pairs;
  input = tf_wshl(input, 2 * pairs);
  const int32_t half_input = tf_rdbpot(input >> 1, 1);
  const int32_t half_three = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; i++) {
    const int32_t x3 = tf_srmbpot(tf_srdhm(tf_srdhm(x, x), x), 6);
    x = tf_srmbpot(tf_wsub(tf_srdhm(half_three, x), tf_srdhm(half_input, x3)), 3);
  }
  int32_t m = tf_srdhm(x, 1518500250);
  if (s < 0) {
    m = tf_wshl(m, -s);
    s = 0;
  }
  *multiplier = m;
  *shift = -s;
}

#endif
