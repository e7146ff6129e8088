/* FULLY_CONNECTED int8 (reference: src/reference/ops/fully-connected.ts). Four weight rows per input pass. */
#include <string.h>
#include "tf_kernels.h"
#include "tf_dot.h"

typedef struct {
  const int8_t *w;
  const int32_t *bias, *mult, *shift;
  int32_t units, depth, off, out_off, lo, hi;
  int16_t *col; /* the row as int16 (ARMv7E-M), in the call's planned workspace; NULL: too few bytes planned */
} fc_ctx;

static inline int8_t fc_requant(const fc_ctx *k, int32_t acc, int u) {
  return tf_requant_s8(acc, k->bias[u], k->mult[u], k->shift[u], k->out_off, k->lo, k->hi);
}

/* Batch row: reads its depth input elements only; units values to dst. */
static void fc_row(const fc_ctx *k, const int8_t *xr, int8_t *dst) {
  const size_t d = (size_t)k->depth;
  int u = 0;
  int32_t acc[4];
#if TF_DSP
  if (k->col) {
    /* ARMv7E-M: the row's x + offset as int16 once, then four weight rows at a time with SMLAD. */
    int16_t *col = k->col;
    const int32_t off2 = (int32_t)(((uint32_t)k->off & 0xffffu) | ((uint32_t)k->off << 16));
    int c = 0;
    for (; c + 4 <= k->depth; c += 4) tf_col_put4(col, c, xr + c, off2);
    for (; c < k->depth; c++) col[tf_col_pos(c)] = (int16_t)(xr[c] + k->off);
    for (; u + 4 <= k->units; u += 4) {
      acc[0] = acc[1] = acc[2] = acc[3] = 0;
      tf_dot4_col(col, k->w + (size_t)u * d, d, k->depth, acc);
      for (int j = 0; j < 4; j++) dst[u + j] = fc_requant(k, acc[j], u + j);
    }
    for (; u < k->units; u++) dst[u] = fc_requant(k, tf_dot1_col(col, k->w + (size_t)u * d, k->depth), u);
    return;
  }
#endif
  for (; u + 4 <= k->units; u += 4) {
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    tf_dot4(xr, k->w + (size_t)u * d, d, k->depth, k->off, acc);
    dst[u] = fc_requant(k, acc[0], u);
    dst[u + 1] = fc_requant(k, acc[1], u + 1);
    dst[u + 2] = fc_requant(k, acc[2], u + 2);
    dst[u + 3] = fc_requant(k, acc[3], u + 3);
  }
  for (; u < k->units; u++) dst[u] = fc_requant(k, tf_dot1(xr, k->w + (size_t)u * d, k->depth, k->off), u);
}

static void fc_ctx_of(const tf_fully_connected_args *a, fc_ctx *k) {
  k->w = (const int8_t *)tf_ref(a->filter);
  k->bias = (const int32_t *)tf_ref(a->bias);
  k->mult = (const int32_t *)tf_ref(a->multiplier);
  k->shift = (const int32_t *)tf_ref(a->shift);
  k->units = a->units; k->depth = a->depth; k->off = a->input_offset; k->out_off = a->output_offset;
  k->lo = a->act_min; k->hi = a->act_max;
#if TF_DSP
  const int fits = a->depth <= TF_COL_MAX && (int32_t)TF_COL_WORDS(a->depth) * 4 <= a->workspace_bytes;
  k->col = fits ? (int16_t *)tf_ref(a->workspace) : NULL;
#else
  k->col = NULL;
#endif
}

void fully_connected_s8(const int32_t *args) {
  const tf_fully_connected_args *a = (const tf_fully_connected_args *)args;
  fc_ctx k;
  fc_ctx_of(a, &k);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  for (int n = 0; n < a->batches; n++) fc_row(&k, x + (size_t)n * k.depth, y + (size_t)n * k.units);
}

/* stream-row: each batch row into the scratch (units bytes), then copied to the output. */
void fully_connected_s8_stream_row(const int32_t *args) {
  const tf_fully_connected_args *a = (const tf_fully_connected_args *)args;
  fc_ctx k;
  fc_ctx_of(a, &k);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  for (int n = 0; n < a->batches; n++) {
    fc_row(&k, x + (size_t)n * k.depth, s);
    memcpy(y + (size_t)n * k.units, s, (size_t)k.units);
  }
}
