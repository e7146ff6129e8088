/* UNIDIRECTIONAL_SEQUENCE_LSTM, integer (reference: src/reference/ops/lstm.ts, TFLM lstm_eval.h LstmStep):
 * per batch row and time step, the four gates (forget, input, cell, output) of two fully connected layers
 * each into Q3.12 (input x W + bias, hidden x R, each rescaled and saturated to int16, then their sum),
 * through sigmoid (tanh for the cell gate) into Q0.15 in the planned workspace (TFLM's gate scratch); then
 * the int16 cell state (forget x cell + input x cell gate, saturated, clipped) and the hidden state
 * (tanh(cell) x output gate), both variable tensors updated in place; the output row copies the hidden state.
 * All four gates read the previous hidden state, so they are computed before either state changes. */
#include "tf_kernels.h"
#include "tf_quant.h"
#include "tf_dot.h"
#include "tf_sigmoid16.h"

#define LSTM_GATES 4
#define LSTM_CELL_GATE 2 /* the gate through tanh */

TF_INLINE int32_t lstm_sat16(int32_t v) { return tf_clamp(v, -32768, 32767); }

/* Sigmoid, or tanh for the cell gate, of a Q3.12 gate sum (TFLM passes multiplier 0, shift 0: x * 3). */
TF_INLINE int16_t lstm_activate(int32_t sum, int k) {
  const int32_t v = tf_sigmoid16_rescale(sum, 0, 0);
  return k == LSTM_CELL_GATE ? tf_tanh16(v) : tf_logistic16(v);
}

/* sum_i (x[i] + off), wrapping: with weights of zero point -wo, sum (w + wo)(x + off) = dot + wo * this. */
static int32_t lstm_sum_s8(const int8_t *x, int32_t n, int32_t off) {
  uint32_t s = 0;
  for (int32_t i = 0; i < n; i++) s += (uint32_t)((int32_t)x[i] + off);
  return (int32_t)s;
}

static int64_t lstm_sum_s16(const int16_t *x, int32_t n) {
  int64_t s = 0;
  for (int32_t i = 0; i < n; i++) s += x[i];
  return s;
}

/* The four gates of one step, int8 activations: int32 accumulators with the zero-point offsets, int32 bias. */
static void lstm_gates_s8(const tf_lstm_args *p, const int8_t *x, const int8_t *h, int16_t *g) {
  const int32_t n = p->input_size, units = p->units;
  const int32_t xs = lstm_sum_s8(x, n, p->input_offset), hs = lstm_sum_s8(h, units, p->hidden_offset);
  for (int k = 0; k < LSTM_GATES; k++) {
    const int8_t *w = (const int8_t *)tf_ref(p->input_weights[k]);
    const int8_t *r = (const int8_t *)tf_ref(p->recurrent_weights[k]);
    const int32_t *bias = (const int32_t *)tf_ref(p->bias[k]);
    for (int32_t u = 0; u < units; u++) {
      const int32_t a = tf_wadd(tf_wadd(bias[u], tf_dot1(x, w + u * n, n, p->input_offset)), tf_wmul(p->input_weight_offset[k], xs));
      const int32_t b = tf_wadd(tf_dot1(h, r + u * units, units, p->hidden_offset), tf_wmul(p->recurrent_weight_offset[k], hs));
      const int32_t qa = lstm_sat16(tf_mbqm(a, p->input_multiplier[k], p->input_shift[k]));
      const int32_t qb = lstm_sat16(tf_mbqm(b, p->recurrent_multiplier[k], p->recurrent_shift[k]));
      g[k * units + u] = lstm_activate(lstm_sat16(qa + qb), k);
    }
  }
}

/* The four gates of one step, 16x8: int64 accumulators and bias, no input offsets. */
static void lstm_gates_s16(const tf_lstm_args *p, const int16_t *x, const int16_t *h, int16_t *g) {
  const int32_t n = p->input_size, units = p->units;
  const int64_t xs = lstm_sum_s16(x, n), hs = lstm_sum_s16(h, units);
  for (int k = 0; k < LSTM_GATES; k++) {
    const int8_t *w = (const int8_t *)tf_ref(p->input_weights[k]);
    const int8_t *r = (const int8_t *)tf_ref(p->recurrent_weights[k]);
    const int32_t *bias = (const int32_t *)tf_ref(p->bias[k]);
    for (int32_t u = 0; u < units; u++) {
      const int64_t a = tf_load_s64(bias, u) + tf_dot64_s16(x, w + u * n, n, 0) + (int64_t)p->input_weight_offset[k] * xs;
      const int64_t b = tf_dot64_s16(h, r + u * units, units, 0) + (int64_t)p->recurrent_weight_offset[k] * hs;
      const int32_t qa = lstm_sat16(tf_mbqm64(a, p->input_multiplier[k], p->input_shift[k]));
      const int32_t qb = lstm_sat16(tf_mbqm64(b, p->recurrent_multiplier[k], p->recurrent_shift[k]));
      g[k * units + u] = lstm_activate(lstm_sat16(qa + qb), k);
    }
  }
}

/* Unit u's cell update in place; returns its new hidden state, clamped to [lo, hi]. */
TF_INLINE int32_t lstm_unit(const tf_lstm_args *p, const int16_t *g, int16_t *cell, int32_t u, int32_t lo, int32_t hi) {
  const int32_t units = p->units;
  const int32_t kept = lstm_sat16(tf_mbqm((int32_t)g[u] * cell[u], p->forget_cell_multiplier, p->forget_cell_shift));
  const int32_t added = lstm_sat16(tf_mbqm((int32_t)g[units + u] * g[2 * units + u], p->input_cell_multiplier, p->input_cell_shift));
  int32_t c = lstm_sat16(kept + added);
  if (p->cell_clip >= 0) c = tf_clamp(c, -p->cell_clip, p->cell_clip);
  cell[u] = (int16_t)c;
  const int32_t t = tf_tanh16(tf_sigmoid16_rescale(c, p->tanh_multiplier, p->tanh_shift));
  return tf_clamp(p->hidden_zero_point + tf_mbqm(t * g[3 * units + u], p->hidden_multiplier, p->hidden_shift), lo, hi);
}

#define LSTM_BODY(T, GATES, LO, HI)                                                                 \
  const tf_lstm_args *p = (const tf_lstm_args *)args;                                              \
  const T *x = (const T *)tf_ref(p->input);                                                        \
  T *y = (T *)tf_ref(p->output);                                                                   \
  T *hidden = (T *)tf_ref(p->hidden);                                                              \
  int16_t *cell = (int16_t *)tf_ref(p->cell);                                                      \
  int16_t *g = (int16_t *)tf_ref(p->workspace); /* 4 x units int16: the lowering checks the plan */ \
  const int32_t units = p->units;                                                                  \
  for (int32_t b = 0; b < p->batches; b++) {                                                       \
    T *h = hidden + b * units;                                                                     \
    for (int32_t t = 0; t < p->steps; t++) {                                                       \
      const int32_t row = p->time_major ? t * p->batches + b : b * p->steps + t;                   \
      GATES(p, x + row * p->input_size, h, g);                                                     \
      for (int32_t u = 0; u < units; u++) {                                                        \
        h[u] = (T)lstm_unit(p, g, cell + b * units, u, LO, HI);                                    \
        y[row * units + u] = h[u];                                                                 \
      }                                                                                            \
    }                                                                                              \
  }

void lstm_s8(const int32_t *args) { LSTM_BODY(int8_t, lstm_gates_s8, -128, 127) }

void lstm_s16(const int32_t *args) { LSTM_BODY(int16_t, lstm_gates_s16, -32768, 32767) }
