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

/* int8 ADD / SUB without broadcasting, in 32-bit arithmetic. An input's scaling is
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(p << 20, m), r) with p = x + offset in [-255, 255].
 * With m = mh 2^11 + ml (ml < 2^11) the doubling high multiply is floor((p m 2^20 + 2^30) / 2^31)
 * = p mh + ((p ml + 2^10) >> 11), both products inside int32; RoundingDivideByPOT is (x + 2^(r-1) - [x < 0]) >> r,
 * and x has p's sign when mh >= 1. r = 0 comes from the larger input scale (multiplier 0.5: m = 2^30,
 * ml = 0), where the scaling is p mh alone. The output stage is tf_rq (zero point folded). */
typedef struct {
  int32_t off, mh, ml, h, r;
} add_in;

/* 1: the input's scaling fits the form above (r = 0 only with ml = 0); 0: the general path takes it. */
static int add_in_init(add_in *q, int32_t off, int32_t m, int32_t shift) {
  if (m < (1 << 11) || shift > 0 || shift < -31) return 0;
  q->off = off; q->mh = m >> 11; q->ml = m & 0x7ff; q->r = -shift;
  q->h = q->r ? (int32_t)(1u << (q->r - 1)) : 0;
  return q->r > 0 || q->ml == 0;
}

TF_INLINE int32_t add_in_apply(const add_in *q, int32_t x, int r0) {
  const int32_t p = x + q->off;
  if (r0) return p * q->mh;
  return (p * q->mh + q->h + (p >> 31) + ((p * q->ml + 1024) >> 11)) >> q->r;
}

/* n elements; r1 / r2: that input's shift is 0 (a literal at each call, so each loop is its own). */
TF_INLINE void add_flat_loop(const add_in *q1, const add_in *q2, int32_t mo, const tf_rq *qo, int32_t lo, int32_t hi,
                             const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int r1, int r2, int sub) {
  for (int32_t i = 0; i < n; i++) {
    const int32_t s1 = add_in_apply(q1, a[i], r1), s2 = add_in_apply(q2, b[i], r2);
    const int32_t v = tf_rq_apply(sub ? s1 - s2 : s1 + s2, mo, qo->hc, qo->sh);
    y[i] = (int8_t)tf_clamp(v, lo, hi);
  }
}

/* 1 when it ran: int8, left shift 20, both input scalings and the output's in the forms above. */
static int add_sub_flat(const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y, int sub) {
  add_in q1, q2;
  tf_rq qo;
  if (p->left_shift != 20 || !add_in_init(&q1, p->input1_offset, p->input1_multiplier, p->input1_shift) ||
      !add_in_init(&q2, p->input2_offset, p->input2_multiplier, p->input2_shift) ||
      !tf_rq_init(&qo, p->output_multiplier, p->output_shift, p->output_offset))
    return 0;
  const int32_t mo = p->output_multiplier, lo = p->act_min, hi = p->act_max, n = p->size;
  const int z1 = q1.r == 0, z2 = q2.r == 0;
  if (sub) {
    if (z1 || z2) return 0;
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 0, 0, 1);
  } else if (z1 && z2) {
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 1, 1, 0);
  } else if (z1 || z2) {
    /* the shift-0 input first (the sum commutes; each element still read before it is written) */
    if (z1) add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 1, 0, 0);
    else add_flat_loop(&q2, &q1, mo, &qo, lo, hi, b, a, y, n, 1, 0, 0);
  } else {
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 0, 0, 0);
  }
  return 1;
}

static void add_sub(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  if (p->flat && add_sub_flat(p, a, b, y, sub)) return;
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
