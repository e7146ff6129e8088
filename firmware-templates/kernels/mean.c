/* MEAN / SUM int8/int16 (reference: src/reference/ops/mean.ts, TFLite QuantizedMeanOrSum) and REDUCE_MAX
 * int8 (TFLite ReduceGeneric with max). Output elements in order, each the int32 (wrapping) sum, or the
 * max, over the reduced dims: the same integers as the reference's. */
#include "tf_elem.h"

static inline void reduce_typed(const int32_t *args, int type, int is_max) {
  const tf_mean_args *p = (const tf_mean_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  int32_t ki[TF_MAX_RANK] = {0};
  int32_t kbase = 0;
  for (int32_t o = 0; o < p->out_size; o++) {
    int32_t ri[TF_MAX_RANK] = {0};
    int32_t roff = 0, acc = is_max ? lo : 0;
    for (int32_t k = 0; k < p->count; k++) {
      const int32_t v = tf_load(x, type, kbase + roff);
      acc = is_max ? (v > acc ? v : acc) : tf_wadd(acc, v);
      for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
        ri[d]++;
        roff += p->red_strides[d];
        if (ri[d] < p->red_shape[d]) break;
        roff -= p->red_strides[d] * ri[d];
        ri[d] = 0;
      }
    }
    if (is_max) {
      tf_store(y, type, o, acc);
    } else {
      const int32_t shifted = tf_wsub(acc, tf_wmul(p->input_zero_point, p->count));
      const int32_t v = tf_mbqm(shifted, p->multiplier, p->shift) + p->output_zero_point;
      tf_store(y, type, o, tf_clamp(v, lo, hi));
    }
    for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
      ki[d]++;
      kbase += p->kept_strides[d];
      if (ki[d] < p->kept_shape[d]) break;
      kbase -= p->kept_strides[d] * ki[d];
      ki[d] = 0;
    }
  }
}
void mean_s8(const int32_t *args) { reduce_typed(args, TF_INT8, 0); }
void mean_s16(const int32_t *args) { reduce_typed(args, TF_INT16, 0); }
void reduce_max_s8(const int32_t *args) { reduce_typed(args, TF_INT8, 1); }
