/* SVDF, int8 input/output with int8 or int16 time weights and state (reference: src/reference/ops/svdf.ts,
 * TFLM svdf_common.cc). The state is an arena tensor kept across invokes and updated in place. Each unit
 * sums its rank filters' time dot products directly (TFLM keeps them in int32 scratch first: the same
 * int32 sums, wrapping alike, so no workspace). Sums wrap in uint32 as TFLM's int32 would, without UB. */
#include "tf_kernels.h"
#include "tf_quant.h"

#define SVDF_BODY(T, LO, HI)                                                                                  \
  const tf_svdf_args *p = (const tf_svdf_args *)args;                                                         \
  const int8_t *x = (const int8_t *)tf_ref(p->input);                                                         \
  const int8_t *feature = (const int8_t *)tf_ref(p->feature);                                                 \
  const T *time = (const T *)tf_ref(p->time);                                                                 \
  const int32_t *bias = (const int32_t *)tf_ref(p->bias);                                                     \
  T *state = (T *)tf_ref(p->state);                                                                           \
  int8_t *y = (int8_t *)tf_ref(p->output);                                                                    \
  const int32_t mem = p->memory, filters = p->filters, units = p->filters / p->rank;                          \
  /* shift the whole state left by one element (every filter's last slot is overwritten next) */            \
  const int32_t total = p->batches * filters * mem;                                                           \
  for (int32_t i = 0; i + 1 < total; i++) state[i] = state[i + 1];                                            \
  for (int32_t b = 0; b < p->batches; b++) {                                                                  \
    const int8_t *xb = x + b * p->input_size;                                                                 \
    for (int32_t f = 0; f < filters; f++) {                                                                   \
      const int8_t *wf = feature + f * p->input_size;                                                         \
      uint32_t acc = 0;                                                                                       \
      for (int32_t c = 0; c < p->input_size; c++) acc += (uint32_t)(wf[c] * (xb[c] + p->input_offset));      \
      const int32_t v = tf_mbqm((int32_t)acc, p->multiplier1, p->shift1) + p->state_zero_point;              \
      state[(b * filters + f) * mem + mem - 1] = (T)tf_clamp(v, LO, HI);                                      \
    }                                                                                                         \
  }                                                                                                           \
  for (int32_t b = 0; b < p->batches; b++)                                                                    \
    for (int32_t u = 0; u < units; u++) {                                                                     \
      uint32_t acc = (uint32_t)bias[u];                                                                       \
      for (int32_t r = 0; r < p->rank; r++) {                                                                 \
        const int32_t f = u * p->rank + r;                                                                    \
        const T *wt = time + f * mem;                                                                         \
        const T *st = state + (b * filters + f) * mem;                                                        \
        for (int32_t m = 0; m < mem; m++) acc += (uint32_t)((int32_t)wt[m] * ((int32_t)st[m] - p->state_zero_point)); \
      }                                                                                                       \
      y[b * units + u] = (int8_t)tf_clamp(tf_mbqm((int32_t)acc, p->multiplier2, p->shift2) + p->output_offset, -128, 127); \
    }

void svdf_s8(const int32_t *args) { SVDF_BODY(int8_t, -128, 127) }

void svdf_s16(const int32_t *args) { SVDF_BODY(int16_t, -32768, 32767) }
