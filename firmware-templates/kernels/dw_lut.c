/* DEPTHWISE_CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; spec: the
 * reference depthwise conv over the decoded filter). The filter [1, kh, kw, out_depth] has a table per output
 * channel (TFLM: along its last axis, element i in channel i % out_depth) or one for all. The planned workspace
 * (src/ir/workspace.ts cDepthwiseLutBytes) says how the weights are read:
 *  - the whole filter fits: decoded once per call, then depthwise.c's kernel of the same variant runs on it
 *    (its own workspace after the filter);
 *  - else each weight decoded where the window reads it, in the variant's order (rows / planes via scratch). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_lut.h"

/* The output value of channel oc at (b, oy, ox), each weight decoded from the packed stream. */
static int8_t dl_value(const tf_dwconv2d_lut_args *a, const int8_t *x, const uint8_t *packed, const int8_t *tables, int32_t stride,
                       int32_t b, int32_t oy, int32_t ox, int32_t oc) {
  const int32_t od = a->out_depth, ic = oc / a->depth_multiplier, off = a->input_offset;
  const int8_t *t = tables + oc * stride;
  const int32_t y0 = oy * a->stride_h - a->pad_top, x0 = ox * a->stride_w - a->pad_left;
  int32_t acc = 0;
  for (int32_t ky = 0; ky < a->filter_h; ky++) {
    const int32_t iy = y0 + ky * a->dilation_h;
    if (iy < 0 || iy >= a->in_h) continue;
    const int8_t *row = x + (size_t)(b * a->in_h + iy) * (size_t)a->in_w * (size_t)a->in_depth + ic;
    for (int32_t kx = 0; kx < a->filter_w; kx++) {
      const int32_t ix = x0 + kx * a->dilation_w;
      if (ix < 0 || ix >= a->in_w) continue;
      const int32_t w = t[tf_lut_at(packed, (size_t)(ky * a->filter_w + kx) * (size_t)od + (size_t)oc, a->bit_width)];
      acc = tf_wadd(acc, w * ((int32_t)row[(size_t)ix * (size_t)a->in_depth] + off));
    }
  }
  const int32_t *bias = (const int32_t *)tf_ref(a->bias), *mult = (const int32_t *)tf_ref(a->multiplier), *shift = (const int32_t *)tf_ref(a->shift);
  return tf_requant_s8(acc, bias[oc], mult[oc], shift[oc], a->output_offset, a->act_min, a->act_max);
}

/* variant: 0 default, 1 stream-row (rows via scratch), 2 inplace-channel (a channel's plane via scratch).
 * Returns the decoded filter's bytes when the whole filter was decoded into the workspace (the caller then
 * runs depthwise.c's kernel on it), else 0 once it has computed the output itself. */
static int32_t dw_lut(const int32_t *args, int variant) {
  const tf_dwconv2d_lut_args *a = (const tf_dwconv2d_lut_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  const uint8_t *packed = (const uint8_t *)tf_ref(a->filter);
  const int8_t *tables = (const int8_t *)tf_ref(a->ancillary) + 16;
  const int32_t stride = a->channels > 1 ? a->stride : 0;
  const int32_t od = a->out_depth, oh = a->out_h, ow = a->out_w, taps = a->filter_h * a->filter_w;
  int8_t *y = (int8_t *)tf_ref(a->output);
  const int32_t whole = tf_lut_whole_bytes(taps * od);
  if (whole <= a->workspace_bytes) {
    tf_lut_decode_filter(packed, taps, od, a->bit_width, tables, stride, 1, (int8_t *)tf_ref(a->workspace));
    return whole;
  }
  int8_t *s = variant ? (int8_t *)tf_ref(a->scratch) : NULL;
  const size_t pixel = (size_t)od, row = (size_t)ow * pixel;
  if (variant == 2) {
    /* multiplier 1: channel c's plane from input channel c alone, then into its slots */
    for (int32_t b = 0; b < a->batches; b++)
      for (int32_t c = 0; c < od; c++) {
        for (int32_t oy = 0; oy < oh; oy++)
          for (int32_t ox = 0; ox < ow; ox++) s[oy * ow + ox] = dl_value(a, x, packed, tables, stride, b, oy, ox, c);
        int8_t *base = y + (size_t)b * (size_t)(oh * ow) * pixel + c;
        for (int32_t i = 0; i < oh * ow; i++) base[(size_t)i * pixel] = s[i];
      }
    return 0;
  }
  for (int32_t b = 0; b < a->batches; b++)
    for (int32_t oy = 0; oy < oh; oy++) {
      int8_t *yrow = y + (size_t)(b * oh + oy) * row, *dst = variant == 1 ? s : yrow;
      for (int32_t ox = 0; ox < ow; ox++)
        for (int32_t c = 0; c < od; c++) dst[(size_t)ox * pixel + (size_t)c] = dl_value(a, x, packed, tables, stride, b, oy, ox, c);
      if (variant == 1) memcpy(yrow, s, row);
    }
  return 0;
}

void dwconv2d_lut_s8(const int32_t *args) {
  const tf_dwconv2d_lut_args *a = (const tf_dwconv2d_lut_args *)args;
  const int32_t whole = dw_lut(args, 0);
  /* the lowering's dwconv2d_s8_3x3 condition (src/schedule/abi/ops/window.ts) */
  const int k33 = a->filter_h == 3 && a->filter_w == 3 && a->dilation_h == 1 && a->dilation_w == 1 && a->depth_multiplier == 1;
  if (whole) tf_lut_run_decoded(args, k33 ? dwconv2d_s8_3x3 : dwconv2d_s8, whole);
}
void dwconv2d_lut_s8_stream_row(const int32_t *args) {
  const int32_t whole = dw_lut(args, 1);
  if (whole) tf_lut_run_decoded(args, dwconv2d_s8_stream_row, whole);
}
void dwconv2d_lut_s8_inplace_channel(const int32_t *args) {
  const int32_t whole = dw_lut(args, 2);
  if (whole) tf_lut_run_decoded(args, dwconv2d_s8_inplace_channel, whole);
}
