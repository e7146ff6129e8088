/* CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; spec: the
 * reference conv over the decoded filter). The planned workspace (src/ir/workspace.ts cConvLutBytes) says
 * how the weights are read:
 *  - the whole filter fits (convLutWhole: at most the model's largest activation or 4 KiB): decoded once per
 *    call, then conv.c's kernel of the same variant runs on it (its own workspace after the filter);
 *  - a block of >= 4 channels fits: their rows decoded, run over every output pixel, then the next block
 *    (the default order only: a pixel's channels are written block by block);
 *  - less: each weight decoded where the dot product reads it (tf_lut_dot), pixel by pixel. */
#include <string.h>
#include "tf_kernels.h"
#include "tf_dot.h"
#include "tf_lut.h"

typedef struct {
  const tf_conv2d_lut_args *a;
  const int8_t *x;
  const uint8_t *packed;
  const int8_t *tables;
  const int32_t *bias, *mult, *shift;
  int32_t taps;      /* weights per output channel: filter_h * filter_w * filter_depth */
  int32_t stride;    /* table entries per channel (0: one table for all) */
  int32_t per_group; /* output channels per group */
} cl_ctx;

/* C_CONV_LUT_BYTES and convLutChannels in src/ir/workspace.ts: the channels decoded at a time when the whole
 * filter does not fit (the planned block; the bytes after it, if any, hold a pointwise conv's int16 input row). */
#define TF_CONV_LUT_BYTES 4096
static int32_t cl_block_channels(int32_t od, int32_t taps) {
  if (od * taps <= TF_CONV_LUT_BYTES) return od;
  int32_t c = TF_CONV_LUT_BYTES / taps / 4 * 4;
  if (c < 4) c = 4;
  return c < od ? c : od;
}

static inline int8_t cl_requant(const cl_ctx *k, int32_t acc, int32_t c) {
  return tf_requant_s8(acc, k->bias[c], k->mult[c], k->shift[c], k->a->output_offset, k->a->act_min, k->a->act_max);
}

/* Channels c0 .. c0 + n - 1 of output pixel (b, oy, ox), requantized to dst[0 .. n-1]; w: their decoded rows
 * (row j = channel c0 + j, taps each), or NULL to decode each weight in the dot loop. */
static void cl_pixel(const cl_ctx *k, int32_t b, int32_t oy, int32_t ox, int32_t c0, int32_t n, const int8_t *w, int8_t *dst) {
  const tf_conv2d_lut_args *a = k->a;
  const int32_t kw = a->filter_w, fd = a->filter_depth, id = a->in_depth, off = a->input_offset, taps = k->taps;
  const int32_t y0 = oy * a->stride_h - a->pad_top, x0 = ox * a->stride_w - a->pad_left;
  /* one group and dilation 1 along x: a window row's in-bounds taps are one contiguous run of input and weights */
  const int contiguous = a->dilation_w == 1 && fd == id;
  for (int32_t c = 0; c < n;) {
    int32_t acc[4] = {0, 0, 0, 0};
    const int32_t cnt = w != NULL && contiguous && c + 4 <= n ? 4 : 1;
    const int32_t ch = c0 + c;
    const int32_t group = ch / k->per_group;
    const int8_t *t = k->tables + ch * k->stride;
    for (int32_t ky = 0; ky < a->filter_h; ky++) {
      const int32_t iy = y0 + ky * a->dilation_h;
      if (iy < 0 || iy >= a->in_h) continue;
      const int8_t *row = k->x + (size_t)(b * a->in_h + iy) * (size_t)a->in_w * (size_t)id;
      if (contiguous) {
        const int32_t kx0 = x0 < 0 ? -x0 : 0, kx1 = a->in_w - x0 < kw ? a->in_w - x0 : kw;
        if (kx0 >= kx1) continue;
        const int8_t *xs = row + (size_t)(x0 + kx0) * (size_t)id;
        const int32_t len = (kx1 - kx0) * fd, wo = (ky * kw + kx0) * fd;
        if (cnt == 4) tf_dot4(xs, w + (size_t)c * (size_t)taps + (size_t)wo, (size_t)taps, len, off, acc);
        else if (w) acc[0] = tf_wadd(acc[0], tf_dot1(xs, w + (size_t)c * (size_t)taps + (size_t)wo, len, off));
        else acc[0] = tf_wadd(acc[0], tf_lut_dot(xs, k->packed, (size_t)ch * (size_t)taps + (size_t)wo, len, a->bit_width, t, off));
        continue;
      }
      for (int32_t kx = 0; kx < kw; kx++) {
        const int32_t ix = x0 + kx * a->dilation_w;
        if (ix < 0 || ix >= a->in_w) continue;
        const int8_t *xs = row + (size_t)ix * (size_t)id + (size_t)group * (size_t)fd;
        const int32_t wo = (ky * kw + kx) * fd;
        const int32_t d = w ? tf_dot1(xs, w + (size_t)c * (size_t)taps + (size_t)wo, fd, off)
                            : tf_lut_dot(xs, k->packed, (size_t)ch * (size_t)taps + (size_t)wo, fd, a->bit_width, t, off);
        acc[0] = tf_wadd(acc[0], d);
      }
    }
    for (int32_t j = 0; j < cnt; j++) dst[c + j] = cl_requant(k, acc[j], ch + j);
    c += cnt;
  }
}

/* The whole filter decoded at the workspace's start (lut_bytes): conv.c's kernel for the variant on it, the 1x1
 * fast path when the lowering's conv2d_s8_1x1 condition holds (src/schedule/abi/ops/window.ts; each entry names only
 * its own kernels, so a model links only the conv.c kernels its variants use). */
TF_INLINE void conv_lut_plain(const int32_t *lut_args, tf_lut_plain_fn plain, tf_lut_plain_fn pointwise_fn, int32_t lut_bytes) {
  const tf_conv2d_lut_args *a = (const tf_conv2d_lut_args *)lut_args;
  const int pointwise = a->filter_h == 1 && a->filter_w == 1 && a->stride_h == 1 && a->stride_w == 1 && a->pad_top == 0 && a->pad_left == 0 && a->filter_depth == a->in_depth;
  tf_lut_run_decoded(lut_args, pointwise ? pointwise_fn : plain, lut_bytes);
}

/* variant: 0 default, 1 stream-row (rows via scratch), 2 stream-pixel (pixels via scratch). Returns the
 * decoded filter's bytes when it decoded the whole filter into the workspace (the caller then runs conv.c's
 * kernel on it: a direct call from each entry), else 0 once it has computed the output itself. */
static int32_t conv_lut(const int32_t *args, int variant) {
  const tf_conv2d_lut_args *a = (const tf_conv2d_lut_args *)args;
  cl_ctx k;
  k.a = a;
  k.x = (const int8_t *)tf_ref(a->input);
  k.packed = (const uint8_t *)tf_ref(a->filter);
  k.tables = (const int8_t *)tf_ref(a->ancillary) + 16;
  k.bias = (const int32_t *)tf_ref(a->bias);
  k.mult = (const int32_t *)tf_ref(a->multiplier);
  k.shift = (const int32_t *)tf_ref(a->shift);
  k.taps = a->filter_h * a->filter_w * a->filter_depth;
  k.stride = a->channels > 1 ? a->stride : 0;
  k.per_group = a->out_depth / (a->in_depth / a->filter_depth);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *ws = (int8_t *)tf_ref(a->workspace);
  const int32_t od = a->out_depth, oh = a->out_h, ow = a->out_w, bits = a->bit_width;
  const size_t taps = (size_t)k.taps, pixel = (size_t)od;
  const int32_t whole = tf_lut_whole_bytes(od * k.taps);
  if (whole <= a->workspace_bytes) {
    tf_lut_decode_filter(k.packed, od, k.taps, bits, k.tables, k.stride, 0, ws);
    return whole;
  }
  const int32_t block = cl_block_channels(od, k.taps), block_bytes = (block * k.taps + 3) & ~3;
  if (variant == 0 && block_bytes <= a->workspace_bytes) {
    /* a 1x1 stride-1 unpadded conv is a matrix product: each pixel's input row as int16 once per block */
    const int pointwise = a->filter_h == 1 && a->filter_w == 1 && a->stride_h == 1 && a->stride_w == 1 && a->pad_top == 0 && a->pad_left == 0 &&
                          a->filter_depth == a->in_depth && oh == a->in_h && ow == a->in_w;
#if TF_DSP
    int16_t *col = NULL;
    if (pointwise && k.taps <= TF_COL_MAX && block_bytes + (int32_t)TF_COL_WORDS(k.taps) * 4 <= a->workspace_bytes) col = (int16_t *)(void *)(ws + block_bytes);
    const int32_t off2 = (int32_t)(((uint32_t)a->input_offset & 0xffffu) | ((uint32_t)a->input_offset << 16));
#endif
    const int32_t pixels = a->batches * oh * ow;
    for (int32_t c0 = 0; c0 < od; c0 += block) {
      const int32_t n = od - c0 < block ? od - c0 : block;
      for (int32_t j = 0; j < n; j++) tf_lut_row(k.packed, (size_t)(c0 + j) * taps, k.taps, bits, k.tables + (c0 + j) * k.stride, ws + (size_t)j * taps);
      if (!pointwise) {
        for (int32_t b = 0; b < a->batches; b++) {
          for (int32_t oy = 0; oy < oh; oy++) {
            for (int32_t ox = 0; ox < ow; ox++) cl_pixel(&k, b, oy, ox, c0, n, ws, y + ((size_t)(b * oh + oy) * (size_t)ow + (size_t)ox) * pixel + (size_t)c0);
          }
        }
        continue;
      }
      for (int32_t q = 0; q < pixels; q++) {
        const int8_t *xr = k.x + (size_t)q * taps;
        int8_t *dst = y + (size_t)q * pixel + (size_t)c0;
        int32_t j = 0;
#if TF_DSP
        if (col) {
          int32_t c = 0;
          for (; c + 4 <= k.taps; c += 4) tf_col_put4(col, c, xr + c, off2);
          for (; c < k.taps; c++) col[tf_col_pos(c)] = (int16_t)(xr[c] + a->input_offset);
          for (; j + 4 <= n; j += 4) {
            int32_t acc[4] = {0, 0, 0, 0};
            tf_dot4_col(col, ws + (size_t)j * taps, taps, k.taps, acc);
            for (int32_t i = 0; i < 4; i++) dst[j + i] = cl_requant(&k, acc[i], c0 + j + i);
          }
          for (; j < n; j++) dst[j] = cl_requant(&k, tf_dot1_col(col, ws + (size_t)j * taps, k.taps), c0 + j);
          continue;
        }
#endif
        for (; j + 4 <= n; j += 4) {
          int32_t acc[4] = {0, 0, 0, 0};
          tf_dot4(xr, ws + (size_t)j * taps, taps, k.taps, a->input_offset, acc);
          for (int32_t i = 0; i < 4; i++) dst[j + i] = cl_requant(&k, acc[i], c0 + j + i);
        }
        for (; j < n; j++) dst[j] = cl_requant(&k, tf_dot1(xr, ws + (size_t)j * taps, k.taps, a->input_offset), c0 + j);
      }
    }
    return 0;
  }
  /* pixel by pixel, each weight decoded in the dot loop */
  int8_t *s = variant ? (int8_t *)tf_ref(a->scratch) : NULL;
  for (int32_t b = 0; b < a->batches; b++) {
    for (int32_t oy = 0; oy < oh; oy++) {
      int8_t *yrow = y + (size_t)(b * oh + oy) * (size_t)ow * pixel;
      for (int32_t ox = 0; ox < ow; ox++) {
        int8_t *dst = variant == 2 ? s : variant == 1 ? s + (size_t)ox * pixel : yrow + (size_t)ox * pixel;
        cl_pixel(&k, b, oy, ox, 0, od, NULL, dst);
        if (variant == 2) memcpy(yrow + (size_t)ox * pixel, s, pixel);
      }
      if (variant == 1) memcpy(yrow, s, (size_t)ow * pixel);
    }
  }
  return 0;
}

void conv2d_lut_s8(const int32_t *args) {
  const int32_t whole = conv_lut(args, 0);
  if (whole) conv_lut_plain(args, conv2d_s8, conv2d_s8_1x1, whole);
}
void conv2d_lut_s8_stream_row(const int32_t *args) {
  const int32_t whole = conv_lut(args, 1);
  if (whole) conv_lut_plain(args, conv2d_s8_stream_row, conv2d_s8_stream_row, whole);
}
void conv2d_lut_s8_stream_pixel(const int32_t *args) {
  const int32_t whole = conv_lut(args, 2);
  if (whole) conv_lut_plain(args, conv2d_s8_stream_pixel, conv2d_s8_stream_pixel, whole);
}
