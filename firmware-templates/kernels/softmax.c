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
