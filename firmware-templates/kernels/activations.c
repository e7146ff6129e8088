/* RELU, RELU_N1_TO_1, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH (reference: src/reference/ops/
 * activations.ts, hard-swish.ts, logistic.ts, tanh.ts). One forward pass: y[i] right after x[i] is read. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"
#include "tf_sigmoid16.h"

/* RELU / RELU_N1_TO_1: requantize x - input zp, add output zp, clamp to [act_min, act_max]. */
static void relu_typed(const int32_t *args, int type) {
  const tf_relu_args *p = (const tf_relu_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t v = p->output_offset + tf_mbqm(tf_load(x, type, i) - p->input_offset, p->output_multiplier, p->output_shift);
    tf_store(y, type, i, tf_clamp(v, p->act_min, p->act_max));
  }
}
void relu_s8(const int32_t *args) { relu_typed(args, TF_INT8); }
void relu_s16(const int32_t *args) { relu_typed(args, TF_INT16); }

/* RELU6: a plain clamp to [act_min, act_max] in the input's domain. */
static void clamp_typed(const int32_t *args, int type) {
  const tf_clamp_args *p = (const tf_clamp_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) tf_store(y, type, i, tf_clamp(tf_load(x, type, i), p->act_min, p->act_max));
}
void relu6_s8(const int32_t *args) { clamp_typed(args, TF_INT8); }
void relu6_s16(const int32_t *args) { clamp_typed(args, TF_INT16); }

static void leaky_relu_typed(const int32_t *args, int type) {
  const tf_leaky_relu_args *p = (const tf_leaky_relu_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = tf_load(x, type, i) - p->input_offset;
    const int32_t scaled = in >= 0 ? tf_mbqm(in, p->multiplier_identity, p->shift_identity) : tf_mbqm(in, p->multiplier_alpha, p->shift_alpha);
    tf_store(y, type, i, tf_clamp(p->output_offset + scaled, lo, hi));
  }
}
void leaky_relu_s8(const int32_t *args) { leaky_relu_typed(args, TF_INT8); }
void leaky_relu_s16(const int32_t *args) { leaky_relu_typed(args, TF_INT16); }

static inline int16_t sat_left_shift16(int32_t value, int amount) {
  const int64_t r = (int64_t)value * ((int64_t)1 << amount);
  return (int16_t)(r > 32767 ? 32767 : r < -32768 ? -32768 : r);
}

/* TFLite SaturatingDoublingHighMul for int16: (a*b*2) >> 16 truncating toward zero. */
static inline int16_t sat_doubling_high_mul16(int16_t a, int16_t b) {
  if (a == -32768 && b == -32768) return 32767;
  return (int16_t)(((int32_t)a * (int32_t)b) / 32768);
}

void hard_swish_s8(const int32_t *args) {
  const tf_hard_swish_args *p = (const tf_hard_swish_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int16_t input_value = (int16_t)(x[i] - p->input_zero_point);
    const int16_t hires = (int16_t)(input_value * 128);
    const int16_t preshift = tf_srdhm16(hires, (int16_t)p->output_multiplier);
    int16_t reluish = hires;
    if (p->reluish_exponent > 0) reluish = sat_left_shift16(reluish, p->reluish_exponent - 1);
    reluish = tf_srdhm16(reluish, (int16_t)p->reluish_multiplier);
    if (p->reluish_exponent > 0) reluish = sat_left_shift16(reluish, 1);
    if (p->reluish_exponent < 0) reluish = tf_rdbpot16(reluish, -p->reluish_exponent);
    reluish = (int16_t)((reluish + (1 << 15)) >> 1);
    const int16_t pre = sat_doubling_high_mul16(reluish, preshift);
    int16_t out = tf_rdbpot16(pre, -p->output_exponent);
    out = (int16_t)(out + p->output_zero_point);
    y[i] = (int8_t)(out > 127 ? 127 : out < -128 ? -128 : out);
  }
}

/* LOGISTIC (tanh = 0) and TANH (tanh = 1). */
static void sigmoid_tanh(const int32_t *args, int tanh) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = x[i] - p->input_zero_point;
    if (in <= -p->input_range_radius) {
      y[i] = -128;
    } else if (in >= p->input_range_radius) {
      y[i] = 127;
    } else {
      const int32_t q4 = tf_mbqm(in, p->input_multiplier, p->input_left_shift);
      const int32_t out = tanh ? tf_rdbpot(tf_fixed_tanh(q4, 4), 31 - 7) : tf_rdbpot(tf_fixed_logistic(q4, 4), 31 - 8) - 128;
      y[i] = (int8_t)tf_clamp(out, -128, 127);
    }
  }
}
void logistic_s8(const int32_t *args) { sigmoid_tanh(args, 0); }
void tanh_s8(const int32_t *args) { sigmoid_tanh(args, 1); }

/* LOGISTIC and TANH, int16 (spec: src/reference/ops/sigmoid16.ts): the per-element routines of tf_sigmoid16.h. */
void logistic_s16(const int32_t *args) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) y[i] = tf_logistic16(tf_sigmoid16_rescale(x[i], p->input_multiplier, p->input_left_shift));
}

void tanh_s16(const int32_t *args) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) y[i] = tf_tanh16(tf_sigmoid16_rescale(x[i], p->input_multiplier, p->input_left_shift));
}
