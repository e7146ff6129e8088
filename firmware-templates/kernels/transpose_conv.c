/* TRANSPOSE_CONV int8 and 16x8 (reference: src/reference/ops/transpose-conv.ts). TFLM scatters every input
 * element into a zeroed accumulator buffer; here each output element gathers the same products (input
 * pixel iy contributes to output row oy = iy * stride - pad + ky), which sums them without scratch:
 * integer sums do not depend on their order (int32 wraps alike, int64 does not overflow). */
#include "tf_kernels.h"
#include "tf_dot.h"

/* The input index a filter tap reads for output position o, or -1 when no input pixel lands there. */
static inline int32_t source_index(int32_t o, int32_t k, int32_t pad, int32_t stride, int32_t size) {
  const int32_t t = o + pad - k;
  if (t < 0 || t % stride != 0) return -1;
  return t / stride < size ? t / stride : -1;
}

/* Sum over the taps of output (n, oy, ox) and channel oc of (x + input_offset) * w, in int64. */
#define TRANSPOSE_CONV_SUM(DOT)                                                                             \
  int64_t acc = 0;                                                                                          \
  for (int32_t ky = 0; ky < p->filter_h; ky++) {                                                            \
    const int32_t iy = source_index(oy, ky, p->pad_top, p->stride_h, p->in_h);                              \
    if (iy < 0) continue;                                                                                   \
    for (int32_t kx = 0; kx < p->filter_w; kx++) {                                                          \
      const int32_t ix = source_index(ox, kx, p->pad_left, p->stride_w, p->in_w);                          \
      if (ix < 0) continue;                                                                                 \
      acc += DOT(x + ((n * p->in_h + iy) * p->in_w + ix) * p->in_depth,                                     \
                 w + ((oc * p->filter_h + ky) * p->filter_w + kx) * p->in_depth, p->in_depth, p->input_offset); \
    }                                                                                                       \
  }

void transpose_conv_s8(const int32_t *args) {
  const tf_transpose_conv_args *p = (const tf_transpose_conv_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  const int8_t *w = (const int8_t *)tf_ref(p->filter);
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);
  const int32_t *mult = (const int32_t *)tf_ref(p->multiplier);
  const int32_t *shift = (const int32_t *)tf_ref(p->shift);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t n = 0; n < p->batches; n++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++)
        for (int32_t oc = 0; oc < p->out_depth; oc++) {
          TRANSPOSE_CONV_SUM(tf_dot64_s8)
          /* TFLM's int32 scratch wraps: the sum mod 2^32, then the bias with int32 wrap */
          const int32_t v = tf_wadd((int32_t)(uint32_t)(uint64_t)acc, bias[oc]);
          y[((n * p->out_h + oy) * p->out_w + ox) * p->out_depth + oc] =
              (int8_t)tf_clamp(tf_mbqm_pos(v, mult[oc], shift[oc]) + p->output_offset, p->act_min, p->act_max);
        }
}

void transpose_conv_s16(const int32_t *args) {
  const tf_transpose_conv_args *p = (const tf_transpose_conv_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  const int8_t *w = (const int8_t *)tf_ref(p->filter);
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);
  const int32_t *mult = (const int32_t *)tf_ref(p->multiplier);
  const int32_t *shift = (const int32_t *)tf_ref(p->shift);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t n = 0; n < p->batches; n++)
    for (int32_t oy = 0; oy < p->out_h; oy++)
      for (int32_t ox = 0; ox < p->out_w; ox++)
        for (int32_t oc = 0; oc < p->out_depth; oc++) {
          TRANSPOSE_CONV_SUM(tf_dot64_s16)
          acc += tf_load_s64(bias, oc);
          y[((n * p->out_h + oy) * p->out_w + ox) * p->out_depth + oc] =
              (int16_t)tf_clamp(tf_mbqm64(acc, mult[oc], shift[oc]) + p->output_offset, p->act_min, p->act_max);
        }
}
