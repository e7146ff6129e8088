/* tinyforge kernel library: integer element load/store by tf_dtype (ops with several element types). */
#ifndef TF_ELEM_H
#define TF_ELEM_H
#include <string.h>
#include "tf_kernels.h"
#include "tf_quant.h"

static inline int32_t tf_load(const void *p, int type, int32_t i) {
  switch (type) {
    case TF_INT8: return ((const int8_t *)p)[i];
    case TF_UINT8: return ((const uint8_t *)p)[i];
    case TF_INT16: { int16_t v; memcpy(&v, (const uint8_t *)p + 2 * (size_t)i, 2); return v; }
    default: { int32_t v; memcpy(&v, (const uint8_t *)p + 4 * (size_t)i, 4); return v; }
  }
}

/* Stores v, which the caller already clamped to the type's range. */
static inline void tf_store(void *p, int type, int32_t i, int32_t v) {
  switch (type) {
    case TF_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
    case TF_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case TF_INT16: { int16_t s = (int16_t)v; memcpy((uint8_t *)p + 2 * (size_t)i, &s, 2); break; }
    default: memcpy((uint8_t *)p + 4 * (size_t)i, &v, 4); break;
  }
}

static inline void tf_range(int type, int32_t *lo, int32_t *hi) {
  switch (type) {
    case TF_INT8: *lo = -128; *hi = 127; break;
    case TF_UINT8: *lo = 0; *hi = 255; break;
    case TF_INT16: *lo = -32768; *hi = 32767; break;
    default: *lo = INT32_MIN; *hi = INT32_MAX; break;
  }
}

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

#endif
