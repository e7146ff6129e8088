/* ADD, SUB, SQUARED_DIFFERENCE (also unquantized int32), PRELU (int8, int16), MUL (int8, int16), MAXIMUM, MINIMUM int8 with broadcasting (reference:
 * src/reference/ops/elementwise.ts, squared-difference.ts and maximum-minimum.ts). Output elements in increasing order, each written right after its operands are
 * read (the stream-element order). */
#include "tf_elem.h"

/* One output element, clamped to [act_min, act_max]: int8 (left shift 20) and int16 (left shift 15) alike. */
static inline int32_t add_sub_one(const tf_add_args *p, int32_t a, int32_t b, int sub) {
  const int32_t v1 = (a + p->input1_offset) * (1 << p->left_shift);
  const int32_t v2 = (b + p->input2_offset) * (1 << p->left_shift);
  const int32_t s1 = tf_mbqm(v1, p->input1_multiplier, p->input1_shift);
  const int32_t s2 = tf_mbqm(v2, p->input2_multiplier, p->input2_shift);
  const int32_t v = tf_mbqm(sub ? tf_wsub(s1, s2) : tf_wadd(s1, s2), p->output_multiplier, p->output_shift) + p->output_offset;
  return tf_clamp(v, p->act_min, p->act_max);
}

#if TF_DSP
/* ARMv7E-M: the three MultiplyByQuantizedMultiplier as single 64-bit multiply-accumulates (tf_mq for the
 * input scalings, tf_rq with the output zero point folded for the output), same elements in the same order. */
typedef struct {
  tf_mq q1, q2;
  tf_rq qo;
  int32_t mo, off1, off2, ls, lo, hi;
} add_fast;

static int add_fast_init(add_fast *f, const tf_add_args *p) {
  if (p->left_shift < 0 || p->left_shift > 30) return 0;
  if (!tf_mq_init(&f->q1, p->input1_multiplier, p->input1_shift) || !tf_mq_init(&f->q2, p->input2_multiplier, p->input2_shift)) return 0;
  if (!tf_rq_init(&f->qo, p->output_multiplier, p->output_shift, p->output_offset)) return 0;
  f->mo = p->output_multiplier;
  f->off1 = p->input1_offset; f->off2 = p->input2_offset; f->ls = p->left_shift;
  f->lo = p->act_min; f->hi = p->act_max;
  return 1;
}

TF_INLINE int8_t add_fast_one(const add_fast *f, int32_t a, int32_t b, int sub) {
  const int32_t s1 = tf_mq_apply(&f->q1, tf_wshl(a + f->off1, f->ls));
  const int32_t s2 = tf_mq_apply(&f->q2, tf_wshl(b + f->off2, f->ls));
  const int32_t v = tf_rq_apply(sub ? tf_wsub(s1, s2) : tf_wadd(s1, s2), f->mo, f->qo.hc, f->qo.sh);
  return (int8_t)tf_clamp(v, f->lo, f->hi);
}
#endif

static void add_sub(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
#if TF_DSP
  add_fast f;
  if (add_fast_init(&f, p)) {
    if (p->flat) {
      if (sub)
        for (int32_t i = 0; i < p->size; i++) y[i] = add_fast_one(&f, a[i], b[i], 1);
      else
        for (int32_t i = 0; i < p->size; i++) y[i] = add_fast_one(&f, a[i], b[i], 0);
      return;
    }
    bcast_iter it = {{0}, 0, 0};
    for (int32_t i = 0; i < p->size; i++) {
      y[i] = add_fast_one(&f, a[it.i1], b[it.i2], sub);
      bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
    }
    return;
  }
#endif
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) y[i] = (int8_t)add_sub_one(p, a[i], b[i], sub);
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    y[i] = (int8_t)add_sub_one(p, a[it.i1], b[it.i2], sub);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void add_s8(const int32_t *args) { add_sub(args, 0); }
void sub_s8(const int32_t *args) { add_sub(args, 1); }

/* int16 ADD / SUB (TFLM's general path, which TFLM Micro always takes): the int8 arithmetic with left shift 15. */
static void add_sub16(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int16_t *a = (const int16_t *)tf_ref(p->input1);
  const int16_t *b = (const int16_t *)tf_ref(p->input2);
  int16_t *y = (int16_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    if (p->flat) {
      y[i] = (int16_t)add_sub_one(p, a[i], b[i], sub);
      continue;
    }
    y[i] = (int16_t)add_sub_one(p, a[it.i1], b[it.i2], sub);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void add_s16(const int32_t *args) { add_sub16(args, 0); }
void sub_s16(const int32_t *args) { add_sub16(args, 1); }

/* SQUARED_DIFFERENCE (TFLM squared_difference.cc): ADD's input scaling, the int32 difference squared
 * (wrapping), then any output multiplier, clamped to the type. */
static void squared_difference(const int32_t *args, int type) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int32_t s1 = tf_mbqm(tf_wshl(tf_load(a, type, i1) + p->input1_offset, p->left_shift), p->input1_multiplier, p->input1_shift);
    const int32_t s2 = tf_mbqm(tf_wshl(tf_load(b, type, i2) + p->input2_offset, p->left_shift), p->input2_multiplier, p->input2_shift);
    const int32_t d = tf_wsub(s1, s2);
    const int32_t v = tf_mbqm((int32_t)((uint32_t)d * (uint32_t)d), p->output_multiplier, p->output_shift) + p->output_offset;
    tf_store(y, type, i, tf_clamp(v, p->act_min, p->act_max));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void squared_difference_s8(const int32_t *args) { squared_difference(args, TF_INT8); }
void squared_difference_s16(const int32_t *args) { squared_difference(args, TF_INT16); }

/* int32 SQUARED_DIFFERENCE (TFLM's unquantized path): (a - b) * (a - b) in int32, wrapping as the C++ does. */
void squared_difference_s32(const int32_t *args) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const uint32_t d = (uint32_t)tf_wsub(tf_load(a, TF_INT32, i1), tf_load(b, TF_INT32, i2));
    tf_store(y, TF_INT32, i, (int32_t)(d * d));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

/* PRELU (TFLM BroadcastPrelu4DSlow): x - zp >= 0 by the identity multiplier (input 1's), else times
 * alpha - alpha zp by the alpha multiplier (input 2's); alpha is int8 for either input type. */
static void prelu(const int32_t *args, int type) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *x = tf_ref(p->input1);
  const int8_t *alpha = (const int8_t *)tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int32_t v = tf_load(x, type, i1) + p->input1_offset;
    const int32_t r = v >= 0 ? tf_mbqm(v, p->input1_multiplier, p->input1_shift)
                             : tf_mbqm(v * (alpha[i2] + p->input2_offset), p->input2_multiplier, p->input2_shift);
    tf_store(y, type, i, tf_clamp(r + p->output_offset, p->act_min, p->act_max));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void prelu_s8(const int32_t *args) { prelu(args, TF_INT8); }
void prelu_s16(const int32_t *args) { prelu(args, TF_INT16); }

/* MUL (TFLM MulElementwise / BroadcastMul4DSlow, int8 and int16 alike): the offset inputs' int32
 * product, one MultiplyByQuantizedMultiplier, clamped; int16 zero points are 0 (the deriver checks it). */
static inline int32_t mul_one(const tf_mul_args *p, int32_t a, int32_t b) {
  const int32_t v = tf_mbqm((a + p->input1_offset) * (b + p->input2_offset), p->output_multiplier, p->output_shift) + p->output_offset;
  return tf_clamp(v, p->act_min, p->act_max);
}

/* MUL for element type `type`, inlined into each kernel so the type folds (gcc shares it otherwise): a flat loop when no input
 * broadcasts, else the broadcast walk. */
TF_INLINE void mul(const int32_t *args, int type) {
  const tf_mul_args *p = (const tf_mul_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) tf_store(y, type, i, mul_one(p, tf_load(a, type, i), tf_load(b, type, i)));
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    tf_store(y, type, i, mul_one(p, tf_load(a, type, it.i1), tf_load(b, type, it.i2)));
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void mul_s8(const int32_t *args) { mul(args, TF_INT8); }
void mul_s16(const int32_t *args) { mul(args, TF_INT16); }

/* MAXIMUM / MINIMUM: stored values compared (TFLM's MaximumMinimumBroadcastSlow, no requantization). */
static void max_min(const int32_t *args, int is_max) {
  const tf_max_min_args *p = (const tf_max_min_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int8_t u = a[i1], v = b[i2];
    y[i] = is_max ? (u > v ? u : v) : (u < v ? u : v);
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void maximum_s8(const int32_t *args) { max_min(args, 1); }
void minimum_s8(const int32_t *args) { max_min(args, 0); }
