/* CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; spec: the
 * reference conv over the decoded filter). The planned workspace (src/ir/workspace.ts cConvLutBytes) says
 * how the weights are read:
 *  - the whole filter fits: decoded once per call, then pixel by pixel like conv2d_s8 (any access order);
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
    for (int32_t j = 0; j < cnt; j++) {
      dst[c + j] = tf_requant_s8(acc[j], k->bias[ch + j], k->mult[ch + j], k->shift[ch + j], a->output_offset, a->act_min, a->act_max);
    }
    c += cnt;
  }
}

/* variant: 0 default, 1 stream-row (rows via scratch), 2 stream-pixel (pixels via scratch). */
static void conv_lut(const int32_t *args, int variant) {
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
  const int32_t fit = k.taps > 0 ? a->workspace_bytes / k.taps : 0;
  const size_t taps = (size_t)k.taps, pixel = (size_t)od;
  const int8_t *w = NULL;
  if (fit >= od) {
    for (int32_t c = 0; c < od; c++) tf_lut_row(k.packed, (size_t)c * taps, k.taps, bits, k.tables + c * k.stride, ws + (size_t)c * taps);
    w = ws;
  } else if (fit >= 4 && variant == 0) {
    const int32_t block = fit & ~3;
    for (int32_t c0 = 0; c0 < od; c0 += block) {
      const int32_t n = od - c0 < block ? od - c0 : block;
      for (int32_t j = 0; j < n; j++) tf_lut_row(k.packed, (size_t)(c0 + j) * taps, k.taps, bits, k.tables + (c0 + j) * k.stride, ws + (size_t)j * taps);
      for (int32_t b = 0; b < a->batches; b++) {
        for (int32_t oy = 0; oy < oh; oy++) {
          for (int32_t ox = 0; ox < ow; ox++) cl_pixel(&k, b, oy, ox, c0, n, ws, y + ((size_t)(b * oh + oy) * (size_t)ow + (size_t)ox) * pixel + (size_t)c0);
        }
      }
    }
    return;
  }
  /* pixel by pixel: the whole filter decoded (w), or each weight in the dot loop (w NULL) */
  int8_t *s = variant ? (int8_t *)tf_ref(a->scratch) : NULL;
  for (int32_t b = 0; b < a->batches; b++) {
    for (int32_t oy = 0; oy < oh; oy++) {
      int8_t *yrow = y + (size_t)(b * oh + oy) * (size_t)ow * pixel;
      for (int32_t ox = 0; ox < ow; ox++) {
        int8_t *dst = variant == 2 ? s : variant == 1 ? s + (size_t)ox * pixel : yrow + (size_t)ox * pixel;
        cl_pixel(&k, b, oy, ox, 0, od, w, dst);
        if (variant == 2) memcpy(yrow + (size_t)ox * pixel, s, pixel);
      }
      if (variant == 1) memcpy(yrow, s, (size_t)ow * pixel);
    }
  }
}

void conv2d_lut_s8(const int32_t *args) { conv_lut(args, 0); }
void conv2d_lut_s8_stream_row(const int32_t *args) { conv_lut(args, 1); }
void conv2d_lut_s8_stream_pixel(const int32_t *args) { conv_lut(args, 2); }
