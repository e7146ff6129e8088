/* CONV_2D 16x8: int16 activations, int8 filter, int64 bias and accumulator (reference: the int16 path of
 * src/reference/ops/conv.ts, TFLM's reference_integer_ops::ConvPerChannel for int16). Zero points are 0
 * (the deriver checks it): no input or output offset. The bias is int64, read as two words (low first). */
#include "tf_kernels.h"
#include "tf_dot.h"

/* One group, dilation_w 1: per output pixel and filter row the in-bounds taps are one contiguous run of the
 * input and of each filter row, taken four output channels at a time (tf_dot4_s16: SMLAD on ARMv7E-M) in
 * int32 partial sums of at most TF_BLOCK16 taps added into int64 (the bound in tf_dot.h). */
static void conv16_rows(const tf_conv2d_args *p, const int16_t *x, const int8_t *w, const int32_t *bias,
                        const int32_t *mult, const int32_t *shift, int16_t *y) {
  const int32_t depth = p->in_depth, window = p->filter_h * p->filter_w * depth;
  for (int32_t n = 0; n < p->batches; n++) {
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = p->in_w - ix0 < p->filter_w ? p->in_w - ix0 : p->filter_w;
        const int32_t run = (kx1 - kx0) * depth;
        int16_t *out = y + ((n * p->out_h + oy) * p->out_w + ox) * p->out_depth;
        int32_t oc = 0;
        for (; oc + 4 <= p->out_depth; oc += 4) {
          int64_t acc[4] = {0, 0, 0, 0};
          int32_t part[4] = {0, 0, 0, 0}, taps = 0;
          for (int32_t ky = 0; ky < p->filter_h && run > 0; ky++) {
            const int32_t iy = iy0 + p->dilation_h * ky;
            if (iy < 0 || iy >= p->in_h) continue;
            const int16_t *xp = x + ((n * p->in_h + iy) * p->in_w + ix0 + kx0) * depth;
            const int8_t *wp = w + oc * window + (ky * p->filter_w + kx0) * depth;
            for (int32_t i = 0; i < run; i += TF_BLOCK16) {
              const int32_t len = run - i < TF_BLOCK16 ? run - i : TF_BLOCK16;
              if (taps + len > TF_BLOCK16) {
                for (int j = 0; j < 4; j++) acc[j] += part[j], part[j] = 0;
                taps = 0;
              }
              tf_dot4_s16(xp + i, wp + i, (size_t)window, len, part);
              taps += len;
            }
          }
          for (int j = 0; j < 4; j++) {
            const int64_t a = acc[j] + part[j] + tf_load_s64(bias, oc + j);
            out[oc + j] = (int16_t)tf_clamp(tf_mbqm64(a, mult[oc + j], shift[oc + j]) + p->output_offset, p->act_min, p->act_max);
          }
        }
        for (; oc < p->out_depth; oc++) {
          int64_t acc = 0;
          for (int32_t ky = 0; ky < p->filter_h && run > 0; ky++) {
            const int32_t iy = iy0 + p->dilation_h * ky;
            if (iy < 0 || iy >= p->in_h) continue;
            acc += tf_dot64_s16(x + ((n * p->in_h + iy) * p->in_w + ix0 + kx0) * depth, w + oc * window + (ky * p->filter_w + kx0) * depth, run, 0);
          }
          acc += tf_load_s64(bias, oc);
          out[oc] = (int16_t)tf_clamp(tf_mbqm64(acc, mult[oc], shift[oc]) + p->output_offset, p->act_min, p->act_max);
        }
      }
    }
  }
}

void conv2d_s16(const int32_t *args) {
  const tf_conv2d_args *p = (const tf_conv2d_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  const int8_t *w = (const int8_t *)tf_ref(p->filter);
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);
  const int32_t *mult = (const int32_t *)tf_ref(p->multiplier);
  const int32_t *shift = (const int32_t *)tf_ref(p->shift);
  int16_t *y = (int16_t *)tf_ref(p->output);
  const int32_t fd = p->filter_depth, per_group = p->out_depth / (p->in_depth / fd);
  if (fd == p->in_depth && p->dilation_w == 1) {
    conv16_rows(p, x, w, bias, mult, shift, y);
    return;
  }
  for (int32_t n = 0; n < p->batches; n++) {
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int16_t *out = y + ((n * p->out_h + oy) * p->out_w + ox) * p->out_depth;
        for (int32_t oc = 0; oc < p->out_depth; oc++) {
          const int32_t in_base = (oc / per_group) * fd;
          int64_t acc = 0;
          for (int32_t ky = 0; ky < p->filter_h; ky++) {
            const int32_t iy = iy0 + p->dilation_h * ky;
            if (iy < 0 || iy >= p->in_h) continue;
            for (int32_t kx = 0; kx < p->filter_w; kx++) {
              const int32_t ix = ix0 + p->dilation_w * kx;
              if (ix < 0 || ix >= p->in_w) continue;
              const int16_t *xp = x + ((n * p->in_h + iy) * p->in_w + ix) * p->in_depth + in_base;
              const int8_t *wp = w + ((oc * p->filter_h + ky) * p->filter_w + kx) * fd;
              acc += tf_dot64_s16(xp, wp, fd, 0);
            }
          }
          acc += tf_load_s64(bias, oc);
          out[oc] = (int16_t)tf_clamp(tf_mbqm64(acc, mult[oc], shift[oc]) + p->output_offset, p->act_min, p->act_max);
        }
      }
    }
  }
}

/* FULLY_CONNECTED 16x8 (reference: the int16 path of src/reference/ops/fully-connected.ts, TFLM's
 * reference_integer_ops::FullyConnected / FullyConnectedPerChannel for int16): no offsets, int64 bias,
 * multiplier and shift per unit (the lowering expands a per-tensor one). */
void fully_connected_s16(const int32_t *args) {
  const tf_fully_connected_args *p = (const tf_fully_connected_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  const int8_t *w = (const int8_t *)tf_ref(p->filter);
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);
  const int32_t *mult = (const int32_t *)tf_ref(p->multiplier);
  const int32_t *shift = (const int32_t *)tf_ref(p->shift);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t b = 0; b < p->batches; b++) {
    const int16_t *xr = x + b * p->depth;
    int16_t *out = y + b * p->units;
    int32_t u = 0;
    /* four units at a time, each input load shared by the four weight rows */
    for (; u + 4 <= p->units; u += 4) {
      int64_t acc[4] = {0, 0, 0, 0};
      for (int32_t i = 0; i < p->depth; i += TF_BLOCK16) {
        int32_t part[4] = {0, 0, 0, 0};
        tf_dot4_s16(xr + i, w + u * p->depth + i, (size_t)p->depth, p->depth - i < TF_BLOCK16 ? p->depth - i : TF_BLOCK16, part);
        for (int j = 0; j < 4; j++) acc[j] += part[j];
      }
      for (int j = 0; j < 4; j++) {
        const int64_t a = acc[j] + tf_load_s64(bias, u + j);
        out[u + j] = (int16_t)tf_clamp(tf_mbqm64(a, mult[u + j], shift[u + j]) + p->output_offset, p->act_min, p->act_max);
      }
    }
    for (; u < p->units; u++) {
      const int64_t acc = tf_dot64_s16(xr, w + u * p->depth, p->depth, 0) + tf_load_s64(bias, u);
      out[u] = (int16_t)tf_clamp(tf_mbqm64(acc, mult[u], shift[u]) + p->output_offset, p->act_min, p->act_max);
    }
  }
}

/* DEPTHWISE_CONV_2D 16x8 (reference: the int16 path of src/reference/ops/depthwise.ts, TFLM's
 * reference_integer_ops::DepthwiseConvPerChannel for int16): output channel oc = ic * M + m reads input
 * channel ic only; no offsets, int64 bias and accumulator, multiplier and shift per output channel. */
void dwconv2d_s16(const int32_t *args) {
  const tf_dwconv2d_args *p = (const tf_dwconv2d_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  const int8_t *w = (const int8_t *)tf_ref(p->filter);
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);
  const int32_t *mult = (const int32_t *)tf_ref(p->multiplier);
  const int32_t *shift = (const int32_t *)tf_ref(p->shift);
  int16_t *y = (int16_t *)tf_ref(p->output);
  const int32_t m = p->depth_multiplier;
  for (int32_t n = 0; n < p->batches; n++) {
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t iy0 = oy * p->stride_h - p->pad_top;
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t ix0 = ox * p->stride_w - p->pad_left;
        int16_t *out = y + ((n * p->out_h + oy) * p->out_w + ox) * p->out_depth;
        for (int32_t oc = 0; oc < p->out_depth; oc++) {
          const int32_t ic = oc / m;
          int64_t acc = 0;
          int32_t part = 0, taps = 0; /* int32 partial sums of TF_BLOCK16 taps (the bound in tf_dot.h) */
          for (int32_t ky = 0; ky < p->filter_h; ky++) {
            const int32_t iy = iy0 + p->dilation_h * ky;
            if (iy < 0 || iy >= p->in_h) continue;
            for (int32_t kx = 0; kx < p->filter_w; kx++) {
              const int32_t ix = ix0 + p->dilation_w * kx;
              if (ix < 0 || ix >= p->in_w) continue;
              const int32_t xv = x[((n * p->in_h + iy) * p->in_w + ix) * p->in_depth + ic];
              part += xv * (int32_t)w[(ky * p->filter_w + kx) * p->out_depth + oc];
              if (++taps == TF_BLOCK16) acc += part, part = 0, taps = 0;
            }
          }
          const int64_t a = acc + part + tf_load_s64(bias, oc);
          out[oc] = (int16_t)tf_clamp(tf_mbqm64(a, mult[oc], shift[oc]) + p->output_offset, p->act_min, p->act_max);
        }
      }
    }
  }
}
