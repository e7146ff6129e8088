/* tinyforge kernel library: LUT-compressed weights (TFLM's DECODE format, src/ir/lut.ts) read by the
 * kernels themselves: packed indices of `bits` bits, high-order bits first, no padding, each an entry of
 * its channel's int8 table. The import proved every index inside its table, so no bounds are checked. */
#ifndef TF_LUT_H
#define TF_LUT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "tf_kernel_abi.h"
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

/* The conv2d_lut / dwconv2d_lut records start with the conv2d / dwconv2d record (src/schedule/abi/records.ts), whose
 * filter and workspace fields sit at the same words: tf_lut_run_decoded copies that prefix for either. */
typedef char tf_lut_prefix_check[TF_DWCONV2D_WORDS == TF_CONV2D_WORDS && TF_DWCONV2D_FILTER == TF_CONV2D_FILTER &&
                                         TF_DWCONV2D_WORKSPACE == TF_CONV2D_WORKSPACE && TF_DWCONV2D_WORKSPACE_BYTES == TF_CONV2D_WORKSPACE_BYTES &&
                                         TF_CONV2D_LUT_WORKSPACE == TF_CONV2D_WORKSPACE && TF_DWCONV2D_LUT_WORKSPACE == TF_CONV2D_WORKSPACE
                                     ? 1
                                     : -1];

/* The bytes a filter of n weights takes decoded whole at the workspace's start, rounded up to 16 (where the plain
 * kernel's own workspace starts): decoded whole when they fit the planned workspace (src/ir/workspace.ts). */
TF_INLINE int32_t tf_lut_whole_bytes(int32_t n) { return (n + 15) & ~15; }

/* A filter of outer x inner weights decoded into w. Weight (o, i)'s table is channel o's (axis_last 0: TFLM's tables
 * along the filter's first axis, CONV_2D [out, kh, kw, in]) or channel i's (axis_last 1: along its last,
 * DEPTHWISE_CONV_2D [1, kh, kw, out]); stride: a table's entries (0: one table for all). */
TF_INLINE void tf_lut_decode_filter(const uint8_t *packed, int32_t outer, int32_t inner, int32_t bits, const int8_t *tables, int32_t stride,
                                    int axis_last, int8_t *w) {
  if (!axis_last) {
    for (int32_t o = 0; o < outer; o++) tf_lut_row(packed, (size_t)o * (size_t)inner, inner, bits, tables + o * stride, w + (size_t)o * (size_t)inner);
    return;
  }
  const uint32_t mask = (1u << bits) - 1u;
  tf_lut_bits r;
  tf_lut_bits_at(&r, packed, 0);
  for (int32_t o = 0; o < outer; o++, w += inner)
    for (int32_t i = 0; i < inner; i++) w[i] = tables[i * stride + (int32_t)tf_lut_bits_next(&r, bits, mask)];
}

typedef void (*tf_lut_plain_fn)(const int32_t *args);

/* The plain kernel (conv.c's, depthwise.c's) on a copy of the LUT record's conv2d / dwconv2d prefix with the filter
 * decoded at the workspace's start (lut_bytes: tf_lut_whole_bytes) and the rest of the workspace after it. */
TF_INLINE void tf_lut_run_decoded(const int32_t *lut_args, tf_lut_plain_fn plain, int32_t lut_bytes) {
  int32_t r[TF_CONV2D_WORDS];
  memcpy(r, lut_args, sizeof r);
  r[TF_CONV2D_FILTER] = lut_args[TF_CONV2D_WORKSPACE];
  r[TF_CONV2D_WORKSPACE] = lut_args[TF_CONV2D_WORKSPACE] + lut_bytes;
  r[TF_CONV2D_WORKSPACE_BYTES] = lut_args[TF_CONV2D_WORKSPACE_BYTES] - lut_bytes;
  plain(r);
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
