/* ABS (int8, int16 quantized or not) and RSQRT (int8) (reference: src/reference/ops/abs-rsqrt.ts, TFLM elementwise.cc).
 * One forward pass: y[i] right after x[i] is read. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

/* wrap: the unquantized int16 path (TFLM's AbsHelper: std::abs cast back to int16, so -32768 stays
 * -32768; its record has zero offsets and no rescale); else clamped to the type as AbsEvalQuantized. */
static void abs_typed(const int32_t *args, int type, int wrap) {
  const tf_abs_rsqrt_args *p = (const tf_abs_rsqrt_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t d = tf_load(x, type, i) - p->input_offset;
    const int32_t value = d < 0 ? -d : d;
    const int32_t v = (p->rescale ? tf_mbqm(value, p->multiplier, p->shift) : value) + p->output_offset;
    tf_store(y, type, i, wrap ? (int32_t)(int16_t)(uint16_t)v : tf_clamp(v, lo, hi));
  }
}
void abs_s8(const int32_t *args) { abs_typed(args, TF_INT8, 0); }
void abs_s16(const int32_t *args) { abs_typed(args, TF_INT16, 0); }
void abs_s16_unquantized(const int32_t *args) { abs_typed(args, TF_INT16, 1); }

/* 1 / sqrt(value), value > 0, as an integer scaled by 2^20 (TFLM's kShift): TFLite's
 * GetInvSqrtQuantizedMultiplierExp (reverse shift -1) applied to 1 by MultiplyByQuantizedMultiplier. */
static int32_t inv_sqrt_scaled(int32_t value) {
  int32_t m;
  int shift;
  tf_inv_sqrt_multiplier_exp(value, &m, &shift);
  return tf_mbqm(1, m, shift + 20);
}

/* RSQRT int8: an element below the zero point sets tf_status (TFLM fails the Invoke there) and is
 * computed from its absolute value, as the wasm kernel does. */
void rsqrt_s8(const int32_t *args) {
  const tf_abs_rsqrt_args *p = (const tf_abs_rsqrt_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    int32_t value = x[i] - p->input_offset;
    if (value < 0) {
      tf_status = -1;
      value = -value;
    }
    const int32_t out = value == 0 ? 127 : tf_clamp(tf_mbqm(inv_sqrt_scaled(value), p->multiplier, p->shift - 20) + p->output_offset, -128, 127);
    y[i] = (int8_t)out;
  }
}
