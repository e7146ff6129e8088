/* int8 table lookup (ELU; reference: src/reference/ops/lookup-table.ts, TFLM elu.cc EvalUsingLookupTable):
 * y[i] = table[(uint8_t)x[i]], the 256-entry table built at compile time as TFLM's Prepare builds it.
 * One forward pass: y[i] right after x[i] is read. */
#include "tf_kernels.h"

void lut_s8(const int32_t *args) {
  const tf_lut_s8_args *p = (const tf_lut_s8_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int8_t *table = (const int8_t *)tf_ref(p->table);
  for (int32_t i = 0; i < p->size; i++) y[i] = table[(uint8_t)x[i]];
}
