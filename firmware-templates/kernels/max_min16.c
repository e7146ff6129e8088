/* MAXIMUM / MINIMUM int16 with broadcasting (reference: src/reference/ops/maximum-minimum.ts; TFLM's
 * MaximumMinimumBroadcastSlow): the stored values compared, no requantization. Output elements in
 * increasing order, each written right after its operands are read (the stream-element order). */
#include "tf_elem.h"

static void max_min16(const int32_t *args, int is_max) {
  const tf_max_min_args *p = (const tf_max_min_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int32_t u = tf_load(a, TF_INT16, i1), v = tf_load(b, TF_INT16, i2);
    tf_store(y, TF_INT16, i, is_max ? (u > v ? u : v) : (u < v ? u : v));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void maximum_s16(const int32_t *args) { max_min16(args, 1); }
void minimum_s16(const int32_t *args) { max_min16(args, 0); }
