/* MEAN int8/int16 (reference: src/reference/ops/mean.ts, TFLite QuantizedMeanOrSum). Output elements in
 * order, each the int32 (wrapping) sum over the reduced dims: the same integers as the reference's sums. */
#include "tf_elem.h"

static void mean_typed(const int32_t *args, int type) {
  const tf_mean_args *p = (const tf_mean_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  int32_t ki[TF_MAX_RANK] = {0};
  int32_t kbase = 0;
  for (int32_t o = 0; o < p->out_size; o++) {
    int32_t ri[TF_MAX_RANK] = {0};
    int32_t roff = 0, sum = 0;
    for (int32_t k = 0; k < p->count; k++) {
      sum = tf_wadd(sum, tf_load(x, type, kbase + roff));
      for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
        ri[d]++;
        roff += p->red_strides[d];
        if (ri[d] < p->red_shape[d]) break;
        roff -= p->red_strides[d] * ri[d];
        ri[d] = 0;
      }
    }
    const int32_t shifted = tf_wsub(sum, tf_wmul(p->input_zero_point, p->count));
    const int32_t v = tf_mbqm(shifted, p->multiplier, p->shift) + p->output_zero_point;
    tf_store(y, type, o, tf_clamp(v, lo, hi));
    for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
      ki[d]++;
      kbase += p->kept_strides[d];
      if (ki[d] < p->kept_shape[d]) break;
      kbase -= p->kept_strides[d] * ki[d];
      ki[d] = 0;
    }
  }
}
void mean_s8(const int32_t *args) { mean_typed(args, TF_INT8); }
void mean_s16(const int32_t *args) { mean_typed(args, TF_INT16); }
