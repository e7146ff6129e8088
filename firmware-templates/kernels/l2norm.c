/* L2_NORMALIZATION int8 (reference: src/reference/ops/l2norm.ts, TFLite reference_integer_ops::L2Normalization).
 * Per row: the int32 (wrapping) sum of squares, its inverse square root as multiplier and shift, then each
 * element rescaled with 7 more left shifts (1/128 output steps). A second pass re-reads the row. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

void l2norm_s8(const int32_t *args) {
  const tf_l2norm_args *p = (const tf_l2norm_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int32_t zp = p->input_zero_point;
  for (int32_t r = 0; r < p->rows; r++) {
    const int8_t *xr = x + r * p->depth;
    int8_t *yr = y + r * p->depth;
    int32_t acc = 0;
    for (int32_t c = 0; c < p->depth; c++) {
      const int32_t v = xr[c] - zp;
      acc = tf_wadd(acc, v * v);
    }
    int32_t m;
    int shift;
    tf_inv_sqrt_multiplier_exp(acc, &m, &shift);
    for (int32_t c = 0; c < p->depth; c++) yr[c] = (int8_t)tf_clamp(tf_mbqm(xr[c] - zp, m, shift + 7), -128, 127);
  }
}
