/* RESIZE_BILINEAR int8, NHWC (reference: src/reference/ops/resize-bilinear.ts; TFLM's
 * reference_ops::ResizeBilinearInteger). `rows` / `cols` hold per output row / column the lower and upper source
 * index and the position past the lower one in 1/1024ths (frac in [-512, 1023]; lo == hi when negative), so
 * each weighted sum stays below 2^30 in int32: |x| <= 128 times weights summing in magnitude to <= 2048 * 2048. */
#include "tf_kernels.h"

void resize_bilinear_s8(const int32_t *args) {
  const tf_resize_bilinear_args *p = (const tf_resize_bilinear_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int32_t *rows = (const int32_t *)tf_ref(p->rows), *cols = (const int32_t *)tf_ref(p->cols);
  const int32_t depth = p->depth, row_len = p->in_w * depth;
  for (int32_t n = 0; n < p->batches; n++) {
    const int8_t *image = x + (size_t)n * p->in_h * row_len;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
      const int32_t *r = rows + 3 * oy;
      const int8_t *top = image + (size_t)r[0] * row_len, *bottom = image + (size_t)r[1] * row_len;
      const int32_t fy = r[2];
      for (int32_t ox = 0; ox < p->out_w; ox++) {
        const int32_t *c = cols + 3 * ox;
        const int32_t l = c[0] * depth, h = c[1] * depth, fx = c[2];
        const int32_t wll = (1024 - fy) * (1024 - fx), wlu = fy * (1024 - fx), wrl = (1024 - fy) * fx, wru = fy * fx;
        for (int32_t ch = 0; ch < depth; ch++) {
          const int32_t sum = top[l + ch] * wll + bottom[l + ch] * wlu + top[h + ch] * wrl + bottom[h + ch] * wru;
          *y++ = (int8_t)((sum + (sum > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20));
        }
      }
    }
  }
}
