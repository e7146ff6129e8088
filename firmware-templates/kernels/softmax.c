/* SOFTMAX int8 -> int8/int16 (reference: src/reference/ops/softmax.ts). Each row is read twice (max,
 * sum of exponentials) before its outputs are written in increasing order. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

static inline int32_t exp_of_diff(const tf_softmax_args *p, int32_t diff) {
  return tf_exp_on_negative_values(tf_mbqm_greater_than_one(diff, p->input_multiplier, p->input_left_shift), 5);
}

static void softmax_typed(const int32_t *args, int out_type) {
  const tf_softmax_args *p = (const tf_softmax_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  void *y = tf_ref(p->output);
  const int bits = out_type == TF_INT16 ? 16 : 8;
  const int32_t out_min = out_type == TF_INT16 ? -32768 : -128;
  const int32_t out_max = out_type == TF_INT16 ? 32767 : 127;
  for (int32_t r = 0; r < p->rows; r++) {
    const int8_t *xr = x + (size_t)r * p->depth;
    const int32_t base = r * p->depth;
    int32_t max_in_row = -128;
    for (int32_t c = 0; c < p->depth; c++)
      if (xr[c] > max_in_row) max_in_row = xr[c];
    int32_t sum = 0;
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t diff = xr[c] - max_in_row;
      if (diff >= p->diff_min) sum = tf_wadd(sum, tf_rescale(exp_of_diff(p, diff), 0, 12));
    }
    int num_bits_over_unit;
    const int32_t shifted_scale = tf_get_reciprocal(sum, 12, &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - bits;
    if (exponent < 0 || exponent > 31) {
      tf_status = -1; /* TFLM's TFLITE_CHECK aborts here */
      for (int32_t c = 0; c < p->depth; c++) tf_store(y, out_type, base + c, out_min);
      continue;
    }
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t diff = xr[c] - max_in_row;
      int32_t v = out_min;
      if (diff >= p->diff_min) {
        const int32_t unsat = tf_rdbpot(tf_srdhm(shifted_scale, exp_of_diff(p, diff)), exponent);
        v = tf_clamp(unsat + out_min, out_min, out_max);
      }
      tf_store(y, out_type, base + c, v);
    }
  }
}
void softmax_s8(const int32_t *args) { softmax_typed(args, TF_INT8); }
void softmax_s8_s16(const int32_t *args) { softmax_typed(args, TF_INT16); }

/* int16 -> int16 (TFLite's SoftmaxInt16): TFLM's interpolated int16 tables; exps are computed again in the
 * write pass rather than cached in the output, so the row is read three times before it is written. */
static inline int32_t lut16(int32_t v, const int16_t *lut) {
  const int32_t index = 256 + (v >> 7);
  const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
  return (int16_t)(lut[index] + ((slope * (v & 0x7f) + 64) >> 7));
}

static inline int32_t exp16(const tf_softmax_args *p, const int16_t *exp_lut, int32_t diff) {
  return lut16(tf_clamp(tf_mbqm(diff, p->input_multiplier, p->input_left_shift) + 32767, -32768, 32767), exp_lut);
}

void softmax_s16(const int32_t *args) {
  const tf_softmax_args *p = (const tf_softmax_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  const int16_t *exp_lut = (const int16_t *)tf_ref(p->exp_lut), *recip_lut = (const int16_t *)tf_ref(p->recip_lut);
  for (int32_t r = 0; r < p->rows; r++) {
    const int16_t *xr = x + (size_t)r * p->depth;
    int16_t *yr = y + (size_t)r * p->depth;
    int32_t max_in_row = -32768;
    for (int32_t c = 0; c < p->depth; c++)
      if (xr[c] > max_in_row) max_in_row = xr[c];
    int32_t sum = 0; /* Q16.15 */
    for (int32_t c = 0; c < p->depth; c++) sum += exp16(p, exp_lut, xr[c] - max_in_row);
    const int headroom_plus_one = sum == 0 ? 32 : __builtin_clz((uint32_t)sum);
    const int32_t shifted_sum = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t reciprocal = lut16(tf_clamp(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767), recip_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = (int64_t)1 << (right_shift - 1);
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t result = (int32_t)(((int64_t)exp16(p, exp_lut, xr[c] - max_in_row) * reciprocal + round) >> right_shift);
      yr[c] = (int16_t)tf_clamp(result, 0, 32767);
    }
  }
}
