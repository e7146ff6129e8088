/* ADD, SUB, MUL int8 with broadcasting (reference: src/reference/ops/elementwise.ts). Output elements in
 * increasing order, each written right after its operands are read (the stream-element order). */
#include "tf_kernels.h"
#include "tf_quant.h"

/* Walks the output index over TF_MAX_RANK dims, keeping both input offsets in step (stride 0 on broadcast dims). */
typedef struct {
  int32_t index[TF_MAX_RANK];
  int32_t i1, i2;
} bcast_iter;

static inline void bcast_next(const int32_t *shape, const int32_t *s1, const int32_t *s2, bcast_iter *it) {
  for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
    it->index[d]++;
    it->i1 += s1[d];
    it->i2 += s2[d];
    if (it->index[d] < shape[d]) return;
    it->i1 -= s1[d] * it->index[d];
    it->i2 -= s2[d] * it->index[d];
    it->index[d] = 0;
  }
}

static inline int8_t add_sub_one(const tf_add_args *p, int32_t a, int32_t b, int sub) {
  const int32_t v1 = (a + p->input1_offset) * (1 << p->left_shift);
  const int32_t v2 = (b + p->input2_offset) * (1 << p->left_shift);
  const int32_t s1 = tf_mbqm(v1, p->input1_multiplier, p->input1_shift);
  const int32_t s2 = tf_mbqm(v2, p->input2_multiplier, p->input2_shift);
  const int32_t v = tf_mbqm(sub ? tf_wsub(s1, s2) : tf_wadd(s1, s2), p->output_multiplier, p->output_shift) + p->output_offset;
  return (int8_t)tf_clamp(v, p->act_min, p->act_max);
}

static void add_sub(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) y[i] = add_sub_one(p, a[i], b[i], sub);
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    y[i] = add_sub_one(p, a[it.i1], b[it.i2], sub);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void add_s8(const int32_t *args) { add_sub(args, 0); }
void sub_s8(const int32_t *args) { add_sub(args, 1); }

static inline int8_t mul_one(const tf_mul_args *p, int32_t a, int32_t b) {
  const int32_t v = tf_mbqm((a + p->input1_offset) * (b + p->input2_offset), p->output_multiplier, p->output_shift) + p->output_offset;
  return (int8_t)tf_clamp(v, p->act_min, p->act_max);
}

void mul_s8(const int32_t *args) {
  const tf_mul_args *p = (const tf_mul_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) y[i] = mul_one(p, a[i], b[i]);
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    y[i] = mul_one(p, a[it.i1], b[it.i2]);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}
