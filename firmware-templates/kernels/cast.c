/* CAST (reference: src/reference/ops/cast.ts, TFLM cast.cc): each stored value converted to the output's
 * type, one forward pass. float -> integer as Cortex-M's VCVT: toward zero, saturated to int32, NaN to 0
 * (spelled out: C leaves an out-of-range conversion undefined), then the integer type's low bits. */
#include "tf_elem.h"

static int32_t float_to_int32(float v) {
  if (v != v) return 0;
  if (v <= -2147483648.0f) return INT32_MIN;
  if (v >= 2147483648.0f) return INT32_MAX;
  return (int32_t)v;
}

static float load_float(const void *p, int32_t i) {
  float v;
  memcpy(&v, (const uint8_t *)p + 4 * (size_t)i, 4);
  return v;
}

void cast(const int32_t *args) {
  const tf_cast_args *p = (const tf_cast_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  const int from = p->from_type, to = p->to_type;
  for (int32_t i = 0; i < p->size; i++) {
    if (to == TF_FLOAT32) {
      const float v = from == TF_FLOAT32 ? load_float(x, i) : (float)tf_load(x, from, i);
      memcpy((uint8_t *)y + 4 * (size_t)i, &v, 4);
    } else {
      const int32_t v = from == TF_FLOAT32 ? float_to_int32(load_float(x, i)) : tf_load(x, from, i);
      tf_store(y, to, i, v);
    }
  }
}
