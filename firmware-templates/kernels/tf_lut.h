/* tinyforge kernel library: LUT-compressed weights (TFLM's DECODE format, src/ir/lut.ts) read by the
 * kernels themselves: packed indices of `bits` bits, high-order bits first, no padding, each an entry of
 * its channel's int8 table. The import proved every index inside its table, so no bounds are checked. */
#ifndef TF_LUT_H
#define TF_LUT_H
#include <stddef.h>
#include <stdint.h>
#include "tf_quant.h"

/* A reader of consecutive indices from any bit of the packed stream. */
typedef struct {
  const uint8_t *p;
  uint32_t acc;
  int32_t have; /* unread bits at the bottom of acc */
} tf_lut_bits;

/* Starts at bit `bit` (reads its byte: only when an index follows). */
TF_INLINE void tf_lut_bits_at(tf_lut_bits *r, const uint8_t *packed, size_t bit) {
  r->p = packed + (bit >> 3);
  r->acc = *r->p++;
  r->have = 8 - (int32_t)(bit & 7);
}

/* The next index (mask = 2^bits - 1). */
TF_INLINE uint32_t tf_lut_bits_next(tf_lut_bits *r, int32_t bits, uint32_t mask) {
  if (r->have < bits) {
    r->acc = (r->acc << 8) | *r->p++;
    r->have += 8;
  }
  r->have -= bits;
  return (r->acc >> r->have) & mask;
}

/* Index `i` of the packed stream (an index of at most 7 bits spans at most two bytes; the second is read only then). */
TF_INLINE uint32_t tf_lut_at(const uint8_t *packed, size_t i, int32_t bits) {
  const size_t bit = i * (size_t)bits;
  const uint8_t *p = packed + (bit >> 3);
  const int32_t lead = (int32_t)(bit & 7);
  uint32_t v = (uint32_t)p[0] << 8;
  if (lead + bits > 8) v |= p[1];
  return (v >> (16 - lead - bits)) & ((1u << bits) - 1u);
}

/* n indices from element `start` of the packed stream through table t, to dst. */
static inline void tf_lut_row(const uint8_t *packed, size_t start, int32_t n, int32_t bits, const int8_t *t, int8_t *dst) {
  const size_t bit = start * (size_t)bits;
  int32_t i = 0;
  if (bits == 4 && (bit & 7) == 0) {
    /* whole bytes: two indices each */
    const uint8_t *p = packed + (bit >> 3);
    for (; i + 2 <= n; i += 2) {
      const uint32_t b = *p++;
      dst[i] = t[b >> 4];
      dst[i + 1] = t[b & 15u];
    }
    if (i < n) dst[i] = t[*p >> 4];
    return;
  }
  if (bits == 2 && (bit & 7) == 0) {
    /* whole bytes: four indices each */
    const uint8_t *p = packed + (bit >> 3);
    for (; i + 4 <= n; i += 4) {
      const uint32_t b = *p++;
      dst[i] = t[b >> 6];
      dst[i + 1] = t[(b >> 4) & 3u];
      dst[i + 2] = t[(b >> 2) & 3u];
      dst[i + 3] = t[b & 3u];
    }
    for (int32_t s = 6; i < n; i++, s -= 2) dst[i] = t[(*p >> s) & 3u];
    return;
  }
  if (n <= 0) return;
  const uint32_t mask = (1u << bits) - 1u;
  tf_lut_bits r;
  tf_lut_bits_at(&r, packed, bit);
  for (; i < n; i++) dst[i] = t[tf_lut_bits_next(&r, bits, mask)];
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
  if (n <= 0) return 0;
  const uint32_t mask = (1u << bits) - 1u;
  tf_lut_bits r;
  tf_lut_bits_at(&r, packed, bit);
  for (; i < n; i++) a = tf_wadd(a, t[tf_lut_bits_next(&r, bits, mask)] * ((int32_t)x[i] + off));
  return a;
}

#endif
