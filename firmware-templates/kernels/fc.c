/* FULLY_CONNECTED int8 (reference: src/reference/ops/fully-connected.ts). Four weight rows per input pass. */
#include <string.h>
#include "tf_kernels.h"
#include "tf_dot.h"
#include "tf_lut.h"

#if TF_DSP
/* The units' requantization when every unit has the same multiplier and shift (the record's per_tensor): tf_rq
 * form (one multiply-accumulate, the zero point folded), derived once a batch row (fc_rq_of); ok = 0 sends units to
 * fc_requant. */
typedef struct {
  int32_t m, hc, sh, ok;
  uint32_t lo4, hi4;
} fc_rq;
#endif

typedef struct {
  const int8_t *w;
  const int32_t *bias, *mult, *shift;
  int32_t units, depth, off, out_off, lo, hi;
  int16_t *col; /* the row as int16 (ARMv7E-M), in the call's planned workspace; NULL: too few bytes planned */
  int32_t per_tensor; /* the record's: every unit's multiplier and shift the same */
} fc_ctx;

static inline int8_t fc_requant(const fc_ctx *k, int32_t acc, int u) {
  return tf_requant_s8(acc, k->bias[u], k->mult[u], k->shift[u], k->out_off, k->lo, k->hi);
}

#if TF_DSP
static void fc_rq_of(const fc_ctx *k, fc_rq *q) {
  tf_rq r = {0, 0};
  q->ok = 0;
  if (!k->per_tensor || k->units < 1) return;
  const int32_t m = k->mult[0], s = k->shift[0];
  if (!tf_rq_init(&r, m, s, k->out_off) || tf_rq_post(r.sh) != 0) return;
  q->m = m; q->hc = r.hc; q->sh = r.sh;
  q->lo4 = tf_bytes4(k->lo);
  q->hi4 = tf_bytes4(k->hi);
  q->ok = 1;
}

/* Four units' accumulators (biases included) requantized (tf_rq_core: fc_rq_of took only forms with tf_rq_post
 * 0, one instruction a unit less than TF_RQ_BYTE_AT), saturated, packed, clamped lane-wise, stored at once. */
TF_INLINE void fc_rq_store4(const fc_rq *q, int32_t a0, int32_t a1, int32_t a2, int32_t a3, int8_t *dst) {
  uint32_t pk = (uint32_t)__ssat(tf_rq_core(a0, q->m, q->hc, q->sh), 8);
  TF_BYTE_INSERT(pk, __ssat(tf_rq_core(a1, q->m, q->hc, q->sh), 8), 1);
  TF_BYTE_INSERT(pk, __ssat(tf_rq_core(a2, q->m, q->hc, q->sh), 8), 2);
  TF_BYTE_INSERT(pk, __ssat(tf_rq_core(a3, q->m, q->hc, q->sh), 8), 3);
  pk = tf_clamp4(pk, q->lo4, q->hi4);
  memcpy(dst, &pk, 4);
}
#endif

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
    fc_rq q;
    fc_rq_of(k, &q);
    const int8_t *w = k->w;
    const int32_t *bias = k->bias;
    if (q.ok) {
      for (; u + 4 <= k->units; u += 4, w += 4 * d, bias += 4) {
        int32_t a4[4]; /* the biases as the accumulators' start (the int32 sum wraps the same) */
        memcpy(a4, bias, sizeof a4);
        tf_dot4_col(col, w, d, k->depth, a4);
        fc_rq_store4(&q, a4[0], a4[1], a4[2], a4[3], dst + u);
      }
    }
    for (; u + 4 <= k->units; u += 4, w += 4 * d) {
      int32_t a4[4] = {0, 0, 0, 0};
      tf_dot4_col(col, w, d, k->depth, a4);
      const int32_t a0 = a4[0], a1 = a4[1], a2 = a4[2], a3 = a4[3];
      dst[u] = fc_requant(k, a0, u);
      dst[u + 1] = fc_requant(k, a1, u + 1);
      dst[u + 2] = fc_requant(k, a2, u + 2);
      dst[u + 3] = fc_requant(k, a3, u + 3);
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
  k->lo = a->act_min; k->hi = a->act_max; k->per_tensor = a->per_tensor;
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

/* ---- LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts) ---- */

/* Units decoded per block (fc_row's four weight rows); the formula in src/ir/workspace.ts sizes the block. */
#define FC_LUT_ROWS 4

void fully_connected_lut_s8(const int32_t *args) {
  const tf_fully_connected_lut_args *a = (const tf_fully_connected_lut_args *)args;
  const uint8_t *packed = (const uint8_t *)tf_ref(a->filter);
  const int8_t *tables = (const int8_t *)tf_ref(a->ancillary) + 16;
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  const int32_t depth = a->depth, units = a->units, bits = a->bit_width, stride = a->channels > 1 ? a->stride : 0;
  const size_t d = (size_t)depth;
  /* the block's decoded rows, then (ARMv7E-M, room planned) the input row as int16 */
  int8_t *rows = (int8_t *)tf_ref(a->workspace);
  const int32_t rows_bytes = (FC_LUT_ROWS * depth + 3) & ~3;
  fc_ctx k = {0};
  k.bias = (const int32_t *)tf_ref(a->bias);
  k.mult = (const int32_t *)tf_ref(a->multiplier);
  k.shift = (const int32_t *)tf_ref(a->shift);
  k.depth = depth; k.off = a->input_offset; k.out_off = a->output_offset; k.lo = a->act_min; k.hi = a->act_max;
  k.col = NULL;
#if TF_DSP
  if (depth <= TF_COL_MAX && rows_bytes + (int32_t)TF_COL_WORDS(depth) * 4 <= a->workspace_bytes) k.col = (int16_t *)(void *)(rows + rows_bytes);
  const int32_t off2 = (int32_t)(((uint32_t)k.off & 0xffffu) | ((uint32_t)k.off << 16));
#endif
  if (a->workspace_bytes < rows_bytes) {
    /* no block planned (a plan for other kernels): each weight decoded where the dot product reads it */
    int8_t w1[1];
    for (int32_t u = 0; u < units; u++) {
      for (int32_t b = 0; b < a->batches; b++) {
        const int8_t *xr = x + (size_t)b * d;
        int32_t acc = 0;
        for (int32_t c = 0; c < depth; c++) {
          tf_lut_row(packed, (size_t)u * d + (size_t)c, 1, bits, tables + u * stride, w1);
          acc += (xr[c] + k.off) * w1[0];
        }
        y[(size_t)b * (size_t)units + u] = fc_requant(&k, acc, u);
      }
    }
    return;
  }
  for (int32_t u0 = 0; u0 < units; u0 += FC_LUT_ROWS) {
    const int32_t n = units - u0 < FC_LUT_ROWS ? units - u0 : FC_LUT_ROWS;
    for (int32_t j = 0; j < n; j++) tf_lut_row(packed, (size_t)(u0 + j) * d, depth, bits, tables + (u0 + j) * stride, rows + (size_t)j * d);
    for (int32_t b = 0; b < a->batches; b++) {
      const int8_t *xr = x + (size_t)b * d;
      int8_t *dst = y + (size_t)b * (size_t)units + u0;
      int32_t acc[4] = {0, 0, 0, 0};
#if TF_DSP
      if (k.col) {
        /* the row as int16 once per batch row (once in all for one batch) */
        if (a->batches > 1 || u0 == 0) {
          int c = 0;
          for (; c + 4 <= depth; c += 4) tf_col_put4(k.col, c, xr + c, off2);
          for (; c < depth; c++) k.col[tf_col_pos(c)] = (int16_t)(xr[c] + k.off);
        }
        if (n == FC_LUT_ROWS) {
          tf_dot4_col(k.col, rows, d, depth, acc);
          for (int j = 0; j < 4; j++) dst[j] = fc_requant(&k, acc[j], u0 + j);
        } else {
          for (int j = 0; j < n; j++) dst[j] = fc_requant(&k, tf_dot1_col(k.col, rows + (size_t)j * d, depth), u0 + j);
        }
        continue;
      }
#endif
      if (n == FC_LUT_ROWS) {
        tf_dot4(xr, rows, d, depth, k.off, acc);
        for (int j = 0; j < 4; j++) dst[j] = fc_requant(&k, acc[j], u0 + j);
      } else {
        for (int j = 0; j < n; j++) dst[j] = fc_requant(&k, tf_dot1(xr, rows + (size_t)j * d, depth, k.off), u0 + j);
      }
    }
  }
}
