/* DIV int8 (and unquantized int32) with broadcasting (reference: src/reference/ops/div.ts, TFLM div.h DivElementwise /
 * BroadcastDivSlowQuantized) on the mul record. Output elements in increasing order, each written right
 * after its operands are read (the stream-element order). */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

/* gemmlowp RoundingDivideByPOT as TFLM runs it on Cortex-M for exponents 0..255: from 32 on, the int32
 * mask is all ones and ASR by a register gives the sign, so 1 for x >= 0 and -1 below (C: undefined). */
static inline int32_t rdbpot_arm(int32_t x, int exponent) {
  if (exponent < 32) return tf_rdbpot(x, exponent);
  return x >= 0 ? 1 : -1;
}

/* One quotient before the zero point and clamp: signs moved to the dividend, the dividend shifted up by
 * its headroom (CountLeadingSignBits) times 1 / divisor (GetReciprocal), then the output multiplier. */
static inline int32_t div_one(const tf_mul_args *p, int32_t a, int32_t b) {
  int32_t x1 = a + p->input1_offset, x2 = b + p->input2_offset;
  if (x2 < 0) {
    x1 = -x1;
    x2 = -x2;
  }
  int recip_shift;
  const int32_t inv = tf_get_reciprocal(x2, 31, &recip_shift);
  const int headroom = tf_clz32((uint32_t)(x1 ^ (x1 >> 31))) - 1;
  const int32_t unscaled = tf_mbqm_greater_than_one(x1, inv, headroom);
  const int total_shift = p->output_shift - recip_shift - headroom;
  const int32_t v = p->output_offset + rdbpot_arm(tf_srdhm(unscaled, p->output_multiplier), -total_shift);
  return tf_clamp(v, p->act_min, p->act_max);
}

void div_s8(const int32_t *args) {
  const tf_mul_args *p = (const tf_mul_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    y[i] = (int8_t)div_one(p, a[i1], b[i2]);
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

/* Unquantized int32 DIV (TFLM's reference Div<int32_t>: a / b truncating, then the activation clamp).
 * C leaves x / 0 and INT32_MIN / -1 undefined; we give what Cortex-M's SDIV gives: 0 and INT32_MIN. */
static inline int32_t div_s32_one(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int32_t)(0u - (uint32_t)a);
  return a / b;
}

void div_s32(const int32_t *args) {
  const tf_mul_args *p = (const tf_mul_args *)args;
  const int32_t *a = (const int32_t *)tf_ref(p->input1);
  const int32_t *b = (const int32_t *)tf_ref(p->input2);
  int32_t *y = (int32_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    y[i] = tf_clamp(div_s32_one(a[i1], b[i2]), p->act_min, p->act_max);
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}
