/* tinyforge kernel library: LUT-compressed weights (TFLM's DECODE format, src/ir/lut.ts) read by the
 * kernels themselves: packed indices of `bits` bits, high-order bits first, no padding, each an entry of
 * its channel's int8 table. The import proved every index inside its table, so no bounds are checked. */
#ifndef TF_LUT_H
#define TF_LUT_H
#include <stddef.h>
#include <stdint.h>
#include "tf_quant.h"

/* n indices from element `start` of the packed stream through table t, to dst. */
static inline void tf_lut_row(const uint8_t *packed, size_t start, int32_t n, int32_t bits, const int8_t *t, int8_t *dst) {
  const size_t bit = start * (size_t)bits;
  const uint8_t *p = packed + (bit >> 3);
  int32_t i = 0;
  if (bits == 4 && (bit & 7) == 0) {
    for (; i + 2 <= n; i += 2) {
      const uint32_t b = *p++;
      dst[i] = t[b >> 4];
      dst[i + 1] = t[b & 15u];
    }
    if (i < n) dst[i] = t[*p >> 4];
    return;
  }
  const uint32_t mask = (1u << bits) - 1u;
  uint32_t acc = 0;
  int32_t have = 0;
  if (n > 0) {
    acc = *p++;
    have = 8 - (int32_t)(bit & 7);
  }
  for (; i < n; i++) {
    if (have < bits) {
      acc = (acc << 8) | *p++;
      have += 8;
    }
    have -= bits;
    dst[i] = t[(acc >> have) & mask];
  }
}

/* sum_i t[index(start + i)] * (x[i] + off) for i < n, each weight decoded where the dot product reads it
 * (4- and 2-bit indices a byte at a time when the run starts on a byte). Wraps like the int32 reference. */
static inline int32_t tf_lut_dot(const int8_t *x, const uint8_t *packed, size_t start, int32_t n, int32_t bits, const int8_t *t, int32_t off) {
  const size_t bit = start * (size_t)bits;
  const uint8_t *p = packed + (bit >> 3);
  int32_t a = 0, i = 0;
  if ((bit & 7) == 0 && bits == 4) {
    for (; i + 2 <= n; i += 2) {
      const uint32_t b = *p++;
      a = tf_wadd(a, t[b >> 4] * ((int32_t)x[i] + off));
      a = tf_wadd(a, t[b & 15u] * ((int32_t)x[i + 1] + off));
    }
    if (i < n) a = tf_wadd(a, t[*p >> 4] * ((int32_t)x[i] + off));
    return a;
  }
  if ((bit & 7) == 0 && bits == 2) {
    for (; i + 4 <= n; i += 4) {
      const uint32_t b = *p++;
      a = tf_wadd(a, t[b >> 6] * ((int32_t)x[i] + off));
      a = tf_wadd(a, t[(b >> 4) & 3u] * ((int32_t)x[i + 1] + off));
      a = tf_wadd(a, t[(b >> 2) & 3u] * ((int32_t)x[i + 2] + off));
      a = tf_wadd(a, t[b & 3u] * ((int32_t)x[i + 3] + off));
    }
    for (int32_t s = 6; i < n; i++, s -= 2) a = tf_wadd(a, t[(*p >> s) & 3u] * ((int32_t)x[i] + off));
    return a;
  }
  const uint32_t mask = (1u << bits) - 1u;
  uint32_t acc = 0;
  int32_t have = 0;
  if (n > 0) {
    acc = *p++;
    have = 8 - (int32_t)(bit & 7);
  }
  for (; i < n; i++) {
    if (have < bits) {
      acc = (acc << 8) | *p++;
      have += 8;
    }
    have -= bits;
    a = tf_wadd(a, t[(acc >> have) & mask] * ((int32_t)x[i] + off));
  }
  return a;
}

#endif
