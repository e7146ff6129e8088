/* QUANTIZE (float32 -> int, int -> int requantization) and DEQUANTIZE (reference: src/reference/ops/quantize.ts). */
#include <string.h>
#include "tf_elem.h"

static inline float f32_of_bits(int32_t bits) {
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static void quantize_from_float(const int32_t *args, int out_type) {
  const tf_quantize_args *p = (const tf_quantize_args *)args;
  const float *x = (const float *)tf_ref(p->input);
  void *y = tf_ref(p->output);
  const float scale = f32_of_bits(p->scale);
  for (int32_t i = 0; i < p->size; i++) {
    float xv;
    memcpy(&xv, x + i, 4);
    const float r = tf_roundf(xv / scale);
    /* static_cast<int32_t> as the golden x86 build runs it: NaN and out-of-range give INT32_MIN. */
    const int32_t q = (r >= -2147483648.0f && r < 2147483648.0f) ? (int32_t)r : INT32_MIN;
    tf_store(y, out_type, i, tf_clamp(tf_wadd(q, p->zero_point), p->qmin, p->qmax));
  }
}
void quantize_f32_s8(const int32_t *args) { quantize_from_float(args, TF_INT8); }
void quantize_f32_s16(const int32_t *args) { quantize_from_float(args, TF_INT16); }

static void requantize(const int32_t *args, int in_type, int out_type) {
  const tf_requantize_args *p = (const tf_requantize_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = tf_wsub(tf_load(x, in_type, i), p->input_zero_point);
    const int32_t out = tf_wadd(tf_mbqm(in, p->multiplier, p->shift), p->output_zero_point);
    tf_store(y, out_type, i, tf_clamp(out, p->qmin, p->qmax));
  }
}
void requantize_s16_s8(const int32_t *args) { requantize(args, TF_INT16, TF_INT8); }
void requantize_s8_s8(const int32_t *args) { requantize(args, TF_INT8, TF_INT8); }
void requantize_s8_u8(const int32_t *args) { requantize(args, TF_INT8, TF_UINT8); }
void requantize_u8_s8(const int32_t *args) { requantize(args, TF_UINT8, TF_INT8); }
void requantize_s8_s16(const int32_t *args) { requantize(args, TF_INT8, TF_INT16); }
void requantize_s8_s32(const int32_t *args) { requantize(args, TF_INT8, TF_INT32); }
void requantize_s16_s16(const int32_t *args) { requantize(args, TF_INT16, TF_INT16); }
void requantize_s16_s32(const int32_t *args) { requantize(args, TF_INT16, TF_INT32); }
void requantize_s32_s8(const int32_t *args) { requantize(args, TF_INT32, TF_INT8); }
void requantize_s32_s16(const int32_t *args) { requantize(args, TF_INT32, TF_INT16); }

/* float32(scale * (x - zp)): the product of a float32 and a small integer, rounded once. */
static void dequantize(const int32_t *args, int in_type) {
  const tf_dequantize_args *p = (const tf_dequantize_args *)args;
  const void *x = tf_ref(p->input);
  float *y = (float *)tf_ref(p->output);
  const float scale = f32_of_bits(p->scale);
  for (int32_t i = 0; i < p->size; i++) {
    const float v = scale * (float)(tf_load(x, in_type, i) - p->zero_point);
    memcpy(y + i, &v, 4);
  }
}
void dequantize_s8_f32(const int32_t *args) { dequantize(args, TF_INT8); }
void dequantize_u8_f32(const int32_t *args) { dequantize(args, TF_UINT8); }
void dequantize_s16_f32(const int32_t *args) { dequantize(args, TF_INT16); }
