/* DEPTHWISE_CONV_2D int8 (reference: src/reference/ops/depthwise.ts; variants: src/reference/variants.ts). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_quant.h"

typedef struct {
  int ky0, ky1, kx0, kx1, in_y0, in_x0;
} dw_window;

static inline void dw_window_of(const tf_conv_params *p, int oy, int ox, dw_window *w) {
  w->in_y0 = oy * p->stride_h - p->pad_top;
  w->in_x0 = ox * p->stride_w - p->pad_left;
  w->ky0 = 0; w->ky1 = p->filter_h; w->kx0 = 0; w->kx1 = p->filter_w;
  while (w->ky0 < w->ky1 && w->in_y0 + p->dilation_h * w->ky0 < 0) w->ky0++;
  while (w->ky1 > w->ky0 && w->in_y0 + p->dilation_h * (w->ky1 - 1) >= p->in_h) w->ky1--;
  while (w->kx0 < w->kx1 && w->in_x0 + p->dilation_w * w->kx0 < 0) w->kx0++;
  while (w->kx1 > w->kx0 && w->in_x0 + p->dilation_w * (w->kx1 - 1) >= p->in_w) w->kx1--;
}

static inline int8_t dw_requant(const tf_conv_params *p, int32_t acc, int oc) {
  const int c = oc;
  return tf_requant_s8(acc, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                       p->q.act_min, p->q.act_max);
}

/* Output value (n, window, ic, m): reads only input channel ic of batch n. */
static inline int32_t dw_acc(const tf_conv_params *p, const int8_t *x, int n, const dw_window *w, int ic, int oc) {
  const int32_t off = p->q.input_offset;
  int32_t acc = 0;
  for (int ky = w->ky0; ky < w->ky1; ky++) {
    const int iy = w->in_y0 + p->dilation_h * ky;
    const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w) * p->in_depth + ic;
    const int8_t *wr = p->filter + (size_t)ky * p->filter_w * p->out_depth + oc;
    for (int kx = w->kx0; kx < w->kx1; kx++) {
      const int ix = w->in_x0 + p->dilation_w * kx;
      acc = tf_wadd(acc, (int32_t)wr[(size_t)kx * p->out_depth] * ((int32_t)xr[(size_t)ix * p->in_depth] + off));
    }
  }
  return acc;
}

/* Output pixel (n, oy, ox): out_depth values to dst. Reads only the input. */
static void dw_pixel(const tf_conv_params *p, const int8_t *x, int n, int oy, int ox, int8_t *dst) {
  dw_window w;
  dw_window_of(p, oy, ox, &w);
  const int M = p->depth_multiplier;
  int ic = 0;
#if TF_DSP
  if (M == 1 && p->dilation_w == 1) {
    /* Four channels at a time: x and w as SXTB16 pairs, SMLABB/SMLATT keep the channels apart. */
    const int32_t off = p->q.input_offset;
    const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
    for (; ic + 4 <= p->in_depth; ic += 4) {
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (int ky = w.ky0; ky < w.ky1; ky++) {
        const int iy = w.in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + w.in_x0) * p->in_depth + ic;
        const int8_t *wr = p->filter + (size_t)ky * p->filter_w * p->out_depth + ic;
        for (int kx = w.kx0; kx < w.kx1; kx++) {
          uint32_t xv, wv;
          memcpy(&xv, xr + (size_t)kx * p->in_depth, 4);
          memcpy(&wv, wr + (size_t)kx * p->out_depth, 4);
          const int32_t xe = __sadd16(__sxtb16(xv), off2), xo = __sadd16(__sxtb16((xv >> 8) | (xv << 24)), off2);
          const int32_t we = __sxtb16(wv), wo = __sxtb16((wv >> 8) | (wv << 24));
          a0 = __smlabb(xe, we, a0);
          a2 = __smlatt(xe, we, a2);
          a1 = __smlabb(xo, wo, a1);
          a3 = __smlatt(xo, wo, a3);
        }
      }
      dst[ic] = dw_requant(p, a0, ic);
      dst[ic + 1] = dw_requant(p, a1, ic + 1);
      dst[ic + 2] = dw_requant(p, a2, ic + 2);
      dst[ic + 3] = dw_requant(p, a3, ic + 3);
    }
  }
#endif
  for (; ic < p->in_depth; ic++)
    for (int m = 0; m < M; m++) {
      const int oc = ic * M + m;
      dst[oc] = dw_requant(p, dw_acc(p, x, n, &w, ic, oc), oc);
    }
}

static void dw_params(const tf_dwconv2d_args *a, tf_conv_params *p) {
  p->batches = a->batches; p->in_h = a->in_h; p->in_w = a->in_w; p->in_depth = a->in_depth;
  p->out_h = a->out_h; p->out_w = a->out_w; p->out_depth = a->out_depth;
  p->filter_h = a->filter_h; p->filter_w = a->filter_w; p->filter_depth = 1; p->depth_multiplier = a->depth_multiplier;
  p->stride_h = a->stride_h; p->stride_w = a->stride_w; p->dilation_h = a->dilation_h; p->dilation_w = a->dilation_w;
  p->pad_top = a->pad_top; p->pad_left = a->pad_left;
  p->filter = (const int8_t *)tf_ref(a->filter);
  p->q.bias = (const int32_t *)tf_ref(a->bias);
  p->q.multiplier = (const int32_t *)tf_ref(a->multiplier);
  p->q.shift = (const int32_t *)tf_ref(a->shift);
  p->q.input_offset = a->input_offset; p->q.output_offset = a->output_offset;
  p->q.act_min = a->act_min; p->q.act_max = a->act_max;
}

void dwconv2d_s8(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++)
      for (int ox = 0; ox < p.out_w; ox++)
        dw_pixel(&p, x, n, oy, ox, y + (((size_t)n * p.out_h + oy) * p.out_w + ox) * p.out_depth);
}

/* 3x3, dilation 1, multiplier 1 (default variant: no overlap). */
void dwconv2d_s8_3x3(const int32_t *args) { dwconv2d_s8(args); }

void dwconv2d_s8_stream_row(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const size_t row = (size_t)p.out_w * p.out_depth;
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++) {
      for (int ox = 0; ox < p.out_w; ox++) dw_pixel(&p, x, n, oy, ox, s + (size_t)ox * p.out_depth);
      memcpy(y + ((size_t)n * p.out_h + oy) * row, s, row);
    }
}

/* 3x3, stride 1 or 2, no dilation: one channel plane with the nine weights in registers; the input
 * offset enters through sum(w) * offset where the whole window is in bounds. */
/* A 3x3 (dilation 1) output at the image border: only the in-bounds taps, as the reference. */
static __attribute__((noinline)) void dw_border_3x3(const tf_conv_params *p, const int8_t *x, int n, int c, int oy, int ox, int8_t *dst) {
  const int iy = oy * p->stride_h - p->pad_top, ix = ox * p->stride_w - p->pad_left;
  const int ky0 = iy < 0 ? -iy : 0, ky1 = p->in_h - iy < 3 ? p->in_h - iy : 3;
  const int kx0 = ix < 0 ? -ix : 0, kx1 = p->in_w - ix < 3 ? p->in_w - ix : 3;
  const size_t D = (size_t)p->in_depth;
  const int32_t off = p->q.input_offset;
  int32_t acc = 0;
  for (int ky = ky0; ky < ky1; ky++) {
    const int8_t *r = x + (((size_t)n * p->in_h + iy + ky) * p->in_w + ix) * D + c;
    const int8_t *f = p->filter + (size_t)ky * 3 * D + c;
    for (int kx = kx0; kx < kx1; kx++) acc += f[kx * D] * (r[kx * D] + off);
  }
  *dst = dw_requant(p, acc, c);
}

static __attribute__((noinline)) void dw_plane_3x3(const tf_conv_params *p, const int8_t *x, int n, int c, int8_t *plane) {
  const size_t D = (size_t)p->in_depth, rowb = (size_t)p->in_w * D;
  const int8_t *f = p->filter + c;
  const int32_t w0 = f[0], w1 = f[D], w2 = f[2 * D], w3 = f[3 * D], w4 = f[4 * D], w5 = f[5 * D], w6 = f[6 * D],
                w7 = f[7 * D], w8 = f[8 * D];
  const int32_t off = p->q.input_offset;
  const int32_t full_off = off * (w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8);
  const int32_t bias = p->q.bias[c];
  const int qc = c;
  const int32_t mult = p->q.multiplier[qc], shift = p->q.shift[qc];
  const int32_t oo = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
  const int8_t *xc = x + (size_t)n * p->in_h * rowb + c;
  const int sh = p->stride_h, sw = p->stride_w;
  /* Output columns whose window is inside the image: [ox0, ox1). */
  int ox0 = (p->pad_left + sw - 1) / sw, ox1 = (p->in_w - 3 + p->pad_left) / sw + 1;
  if (p->in_w < 3) ox1 = 0;
  if (ox1 > p->out_w) ox1 = p->out_w;
  if (ox0 > ox1) ox0 = ox1;
  const size_t step = (size_t)sw * D;
  for (int oy = 0; oy < p->out_h; oy++) {
    const int iy = oy * sh - p->pad_top;
    int8_t *out = plane + (size_t)oy * p->out_w;
    if (!(iy >= 0 && iy + 2 < p->in_h)) {
      for (int ox = 0; ox < p->out_w; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
      continue;
    }
    for (int ox = 0; ox < ox0; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
    const int8_t *r = xc + (size_t)iy * rowb + ((size_t)ox0 * sw - p->pad_left) * D;
    for (int ox = ox0; ox < ox1; ox++, r += step) {
      int32_t acc = full_off + w0 * r[0] + w1 * r[D] + w2 * r[2 * D];
      acc += w3 * r[rowb] + w4 * r[rowb + D] + w5 * r[rowb + 2 * D];
      acc += w6 * r[2 * rowb] + w7 * r[2 * rowb + D] + w8 * r[2 * rowb + 2 * D];
      out[ox] = tf_requant_s8(acc, bias, mult, shift, oo, lo, hi);
    }
    for (int ox = ox1; ox < p->out_w; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
  }
}

/* inplace-channel (depth multiplier 1): per batch and channel, the channel's output plane into the
 * scratch from input channel c alone, then written into channel c's slots of the output. */
void dwconv2d_s8_inplace_channel(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const int plane_size = p.out_h * p.out_w;
  const int fast = p.filter_h == 3 && p.filter_w == 3 && p.dilation_h == 1 && p.dilation_w == 1;
  for (int n = 0; n < p.batches; n++)
    for (int c = 0; c < p.in_depth; c++) {
      if (fast) {
        dw_plane_3x3(&p, x, n, c, s);
      } else {
        for (int oy = 0; oy < p.out_h; oy++)
          for (int ox = 0; ox < p.out_w; ox++) {
            dw_window w;
            dw_window_of(&p, oy, ox, &w);
            s[oy * p.out_w + ox] = dw_requant(&p, dw_acc(&p, x, n, &w, c, c), c);
          }
      }
      int8_t *base = y + (size_t)n * plane_size * p.out_depth + c;
      for (int i = 0; i < plane_size; i++) base[(size_t)i * p.out_depth] = s[i];
    }
}
