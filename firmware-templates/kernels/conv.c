/* CONV_2D int8 (reference: src/reference/ops/conv.ts; variants: src/reference/variants.ts). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_dot.h"

#if TF_DSP
/* ARMv7E-M: the pixel's window (x + input offset as int16, zeros for taps outside the image, which the
 * reference skips) gathered once into a column buffer, then four filter rows at a time with SMLAD. */
static void conv_pixel_col(const tf_conv_params *p, const int8_t *x, int n, int oy, int ox, int8_t *dst, int16_t *col) {
  const int in_y0 = oy * p->stride_h - p->pad_top, in_x0 = ox * p->stride_w - p->pad_left;
  const int fd = p->filter_depth;
  const int32_t off = p->q.input_offset;
  const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  int k = 0;
  if (p->filter_h == 1 && p->filter_w == 1 && in_y0 >= 0 && in_y0 < p->in_h && in_x0 >= 0 && in_x0 < p->in_w) {
    /* 1x1: the pixel's depth is the whole column. */
    const int8_t *xp = x + (((size_t)n * p->in_h + in_y0) * p->in_w + in_x0) * p->in_depth;
    for (; k + 4 <= fd; k += 4) tf_col_put4(col, k, xp + k, off2);
    for (; k < fd; k++) col[tf_col_pos(k)] = (int16_t)(xp[k] + off);
  } else
  for (int ky = 0; ky < p->filter_h; ky++) {
    const int iy = in_y0 + p->dilation_h * ky;
    const int row_in = iy >= 0 && iy < p->in_h;
    for (int kx = 0; kx < p->filter_w; kx++) {
      const int ix = in_x0 + p->dilation_w * kx;
      if (row_in && ix >= 0 && ix < p->in_w) {
        const int8_t *xp = x + (((size_t)n * p->in_h + iy) * p->in_w + ix) * p->in_depth;
        int c = 0;
        if ((fd & 3) == 0)
          for (; c < fd; c += 4, k += 4) tf_col_put4(col, k, xp + c, off2);
        for (; c < fd; c++, k++) col[tf_col_pos(k)] = (int16_t)(xp[c] + off);
      } else {
        for (int c = 0; c < fd; c++, k++) col[tf_col_pos(k)] = 0;
      }
    }
  }
  const int K = k;
  int oc = 0;
  int32_t acc[4];
  for (; oc + 4 <= p->out_depth; oc += 4) {
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    tf_dot4_col(col, p->filter + (size_t)oc * K, (size_t)K, K, acc);
    for (int j = 0; j < 4; j++)
      dst[oc + j] = tf_requant_s8(acc[j], p->q.bias[oc + j], p->q.multiplier[oc + j], p->q.shift[oc + j], p->q.output_offset, p->q.act_min, p->q.act_max);
  }
  for (; oc < p->out_depth; oc++)
    dst[oc] = tf_requant_s8(tf_dot1_col(col, p->filter + (size_t)oc * K, K), p->q.bias[oc], p->q.multiplier[oc], p->q.shift[oc], p->q.output_offset,
                            p->q.act_min, p->q.act_max);
}
#endif

/* Output pixel (n, oy, ox): out_depth values to dst. Reads only the input. */
static void conv_pixel(const tf_conv_params *p, const int8_t *x, int n, int oy, int ox, int8_t *dst, int16_t *col) {
#if TF_DSP
  if (col) {
    conv_pixel_col(p, x, n, oy, ox, dst, col);
    return;
  }
#else
  (void)col;
#endif
  const int in_y0 = oy * p->stride_h - p->pad_top;
  const int in_x0 = ox * p->stride_w - p->pad_left;
  const int fd = p->filter_depth;
  const int groups = p->in_depth / fd;
  const int per_group = p->out_depth / groups;
  const int32_t off = p->q.input_offset;
  /* Filter rows in bounds: [ky0, ky1), columns [kx0, kx1). */
  int ky0 = 0, ky1 = p->filter_h, kx0 = 0, kx1 = p->filter_w;
  while (ky0 < ky1 && in_y0 + p->dilation_h * ky0 < 0) ky0++;
  while (ky1 > ky0 && in_y0 + p->dilation_h * (ky1 - 1) >= p->in_h) ky1--;
  while (kx0 < kx1 && in_x0 + p->dilation_w * kx0 < 0) kx0++;
  while (kx1 > kx0 && in_x0 + p->dilation_w * (kx1 - 1) >= p->in_w) kx1--;
  const size_t w_oc = (size_t)p->filter_h * p->filter_w * fd;

  if (groups == 1 && p->dilation_w == 1) {
    /* Each filter row's in-bounds taps read one contiguous run of the input: (kx1 - kx0) * depth bytes. */
    const int run = (kx1 - kx0) * fd;
    int oc = 0;
    int32_t acc[4];
    for (; oc + 4 <= p->out_depth; oc += 4) {
      acc[0] = acc[1] = acc[2] = acc[3] = 0;
      for (int ky = ky0; ky < ky1; ky++) {
        const int iy = in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + in_x0 + kx0) * p->in_depth;
        const int8_t *wr = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx0) * fd;
        tf_dot4(xr, wr, w_oc, run, off, acc);
      }
      for (int j = 0; j < 4; j++) {
        const int c = oc + j;
        dst[oc + j] = tf_requant_s8(acc[j], p->q.bias[oc + j], p->q.multiplier[c], p->q.shift[c],
                                    p->q.output_offset, p->q.act_min, p->q.act_max);
      }
    }
    for (; oc < p->out_depth; oc++) {
      int32_t a = 0;
      for (int ky = ky0; ky < ky1; ky++) {
        const int iy = in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + in_x0 + kx0) * p->in_depth;
        const int8_t *wr = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx0) * fd;
        a = tf_wadd(a, tf_dot1(xr, wr, run, off));
      }
      const int c = oc;
      dst[oc] = tf_requant_s8(a, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                              p->q.act_min, p->q.act_max);
    }
    return;
  }

  for (int oc = 0; oc < p->out_depth; oc++) {
    const int in_c0 = (oc / per_group) * fd;
    int32_t a = 0;
    for (int ky = ky0; ky < ky1; ky++) {
      const int iy = in_y0 + p->dilation_h * ky;
      for (int kx = kx0; kx < kx1; kx++) {
        const int ix = in_x0 + p->dilation_w * kx;
        const int8_t *xp = x + (((size_t)n * p->in_h + iy) * p->in_w + ix) * p->in_depth + in_c0;
        const int8_t *wp = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx) * fd;
        a = tf_wadd(a, tf_dot1(xp, wp, fd, off));
      }
    }
    const int c = oc;
    dst[oc] = tf_requant_s8(a, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                            p->q.act_min, p->q.act_max);
  }
}

/* The call's column buffer (ARMv7E-M, one group, window within TF_COL_MAX): a VLA sized to the window, once
 * per call; NULL selects the in-loop path. */
#if TF_DSP
#define TF_CONV_COL(p, col)                                                                          \
  const int col_len_ = (p).filter_depth == (p).in_depth ? (p).filter_h * (p).filter_w * (p).filter_depth : 0; \
  int32_t col_words_[TF_COL_WORDS(col_len_ > 0 && col_len_ <= TF_COL_MAX ? col_len_ : 1)];           \
  int16_t *col = col_len_ > 0 && col_len_ <= TF_COL_MAX ? (int16_t *)(void *)col_words_ : NULL
#else
#define TF_CONV_COL(p, col) int16_t *col = NULL
#endif

static void conv_params(const tf_conv2d_args *a, tf_conv_params *p) {
  p->batches = a->batches; p->in_h = a->in_h; p->in_w = a->in_w; p->in_depth = a->in_depth;
  p->out_h = a->out_h; p->out_w = a->out_w; p->out_depth = a->out_depth;
  p->filter_h = a->filter_h; p->filter_w = a->filter_w; p->filter_depth = a->filter_depth; p->depth_multiplier = 1;
  p->stride_h = a->stride_h; p->stride_w = a->stride_w; p->dilation_h = a->dilation_h; p->dilation_w = a->dilation_w;
  p->pad_top = a->pad_top; p->pad_left = a->pad_left;
  p->filter = (const int8_t *)tf_ref(a->filter);
  p->q.bias = (const int32_t *)tf_ref(a->bias);
  p->q.multiplier = (const int32_t *)tf_ref(a->multiplier);
  p->q.shift = (const int32_t *)tf_ref(a->shift);
  p->q.input_offset = a->input_offset; p->q.output_offset = a->output_offset;
  p->q.act_min = a->act_min; p->q.act_max = a->act_max;
}

void conv2d_s8(const int32_t *args) {
  const tf_conv2d_args *a = (const tf_conv2d_args *)args;
  tf_conv_params p;
  conv_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  TF_CONV_COL(p, col);
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++)
      for (int ox = 0; ox < p.out_w; ox++)
        conv_pixel(&p, x, n, oy, ox, y + (((size_t)n * p.out_h + oy) * p.out_w + ox) * p.out_depth, col);
}

/* 1x1, stride 1, no pads, one group: every pixel is a dot product of its depth with each filter row. */
void conv2d_s8_1x1(const int32_t *args) { conv2d_s8(args); }

/* stream-row: each output row (n, oy) into the scratch row, then copied to the output. */
void conv2d_s8_stream_row(const int32_t *args) {
  const tf_conv2d_args *a = (const tf_conv2d_args *)args;
  tf_conv_params p;
  conv_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const size_t row = (size_t)p.out_w * p.out_depth;
  TF_CONV_COL(p, col);
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++) {
      for (int ox = 0; ox < p.out_w; ox++) conv_pixel(&p, x, n, oy, ox, s + (size_t)ox * p.out_depth, col);
      memcpy(y + ((size_t)n * p.out_h + oy) * row, s, row);
    }
}

/* stream-pixel: each output pixel into the scratch pixel, then copied to the output. */
void conv2d_s8_stream_pixel(const int32_t *args) {
  const tf_conv2d_args *a = (const tf_conv2d_args *)args;
  tf_conv_params p;
  conv_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  TF_CONV_COL(p, col);
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++)
      for (int ox = 0; ox < p.out_w; ox++) {
        conv_pixel(&p, x, n, oy, ox, s, col);
        memcpy(y + (((size_t)n * p.out_h + oy) * p.out_w + ox) * p.out_depth, s, (size_t)p.out_depth);
      }
}
