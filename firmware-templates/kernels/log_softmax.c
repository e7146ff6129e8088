/* LOG_SOFTMAX int8 (reference: src/reference/ops/log-softmax.ts, TFLM log_softmax.h LogSoftmaxQuantized).
 * Each row is read twice (max, sum of exponentials) before its outputs are written in increasing order,
 * each right after its input is read again. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

static inline int32_t sat_add(int32_t a, int32_t b) {
  const int64_t s = (int64_t)a + b;
  return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}

/* TFLite log_x_for_x_greater_than_or_equal_to_1 (src/ir/fixedpoint.ts logXForXGreaterThanOrEqualTo1):
 * ln(x), x >= 1 with in_bits integer bits, the result with out_bits. */
static int32_t log_x_ge_1(int32_t z_a, int in_bits, int out_bits) {
  const int accum_bits = out_bits + 1;
  const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250, one_quarter = 536870912;
  const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
  const int32_t shifted_quarter = tf_rescale(one_quarter, 0, accum_bits);
  const int z_a_headroom_plus_1 = tf_clz32((uint32_t)z_a);
  const int32_t r_a_tmp = tf_srmbpot(z_a, z_a_headroom_plus_1 - 1);
  const int32_t r_a_raw = tf_srmbpot(tf_srdhm(r_a_tmp, sqrt_half), 1);
  const int32_t z_a_pow_2_adj = sat_add(tf_srmbpot(in_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
  const int32_t z_b = tf_srdhm(z_a, sqrt_half);
  const int z_b_headroom = tf_clz32((uint32_t)z_b) - 1;
  const int32_t r_b_raw = tf_srmbpot(z_a, z_b_headroom);
  const int32_t z_b_pow_2_adj = sat_add(tf_srmbpot(in_bits - z_b_headroom, 31 - accum_bits), -shifted_quarter);
  const int32_t r = r_a_raw < r_b_raw ? r_a_raw : r_b_raw;
  const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;
  const int32_t p = tf_rounding_half_sum(r, sqrt_sqrt_half);
  int32_t q = tf_wsub(r, sqrt_sqrt_half);
  q = tf_wadd(q, q);
  const int32_t common_sq = tf_srdhm(q, q);
  const int32_t num = tf_wadd(tf_srdhm(q, r), tf_srdhm(tf_srdhm(q, common_sq), alpha_n));
  const int32_t denom_minus_one = tf_wadd(tf_srdhm(p, tf_wadd(tf_wadd(alpha_i, q), tf_srdhm(alpha_d, common_sq))), tf_srdhm(alpha_f, q));
  const int32_t recip_denom = tf_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
  const int32_t num_scaled = tf_rescale(num, 0, accum_bits);
  return tf_rescale(tf_wadd(tf_srdhm(z_pow_2_adj, log_2), tf_srdhm(num_scaled, recip_denom)), accum_bits, out_bits);
}

void log_softmax_s8(const int32_t *args) {
  const tf_log_softmax_args *p = (const tf_log_softmax_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t r = 0; r < p->rows; r++) {
    const int8_t *xr = x + (size_t)r * p->depth;
    int8_t *yr = y + (size_t)r * p->depth;
    int32_t max_in_row = -128;
    for (int32_t c = 0; c < p->depth; c++)
      if (xr[c] > max_in_row) max_in_row = xr[c];
    int32_t sum = 0; /* Q12.19 */
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t diff = xr[c] - max_in_row;
      if (diff >= p->diff_min) sum = tf_wadd(sum, tf_rescale(tf_exp_on_negative_values(tf_mbqm(diff, p->input_multiplier, p->input_left_shift), 5), 0, 12));
    }
    const int32_t log_sum = log_x_ge_1(sum, 12, 5); /* Q5.26 */
    const int32_t reverse = tf_mbqm(tf_wadd(log_sum, INT32_MIN), p->reverse_scaling_divisor, -p->reverse_scaling_right_shift);
    const int32_t adjusted_diff_min = p->diff_min - 1 > reverse ? p->diff_min - 1 : reverse;
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t diff = xr[c] - max_in_row;
      int32_t v = -128;
      if (diff > adjusted_diff_min) {
        v = tf_rdbpot(tf_wsub(tf_mbqm(diff, p->input_multiplier, p->input_left_shift), log_sum), 31 - 5 - 4) + 127;
        v = tf_clamp(v, -128, 127);
      }
      yr[c] = (int8_t)v;
    }
  }
}
