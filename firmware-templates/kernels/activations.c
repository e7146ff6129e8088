/* RELU, RELU_N1_TO_1, RELU6, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH (reference: src/reference/ops/
 * activations.ts, hard-swish.ts, logistic.ts, tanh.ts). One forward pass: y[i] right after x[i] is read. */
#include "tf_elem.h"
#include "tf_fixedpoint.h"

/* RELU / RELU_N1_TO_1: requantize x - input zp, add output zp, clamp to [act_min, act_max]. */
static void relu_typed(const int32_t *args, int type) {
  const tf_relu_args *p = (const tf_relu_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t v = p->output_offset + tf_mbqm(tf_load(x, type, i) - p->input_offset, p->output_multiplier, p->output_shift);
    tf_store(y, type, i, tf_clamp(v, p->act_min, p->act_max));
  }
}
void relu_s8(const int32_t *args) { relu_typed(args, TF_INT8); }
void relu_s16(const int32_t *args) { relu_typed(args, TF_INT16); }

/* RELU6: a plain clamp to [act_min, act_max] in the input's domain. */
static void clamp_typed(const int32_t *args, int type) {
  const tf_clamp_args *p = (const tf_clamp_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) tf_store(y, type, i, tf_clamp(tf_load(x, type, i), p->act_min, p->act_max));
}
void relu6_s8(const int32_t *args) { clamp_typed(args, TF_INT8); }
void relu6_s16(const int32_t *args) { clamp_typed(args, TF_INT16); }

static void leaky_relu_typed(const int32_t *args, int type) {
  const tf_leaky_relu_args *p = (const tf_leaky_relu_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = tf_load(x, type, i) - p->input_offset;
    const int32_t scaled = in >= 0 ? tf_mbqm(in, p->multiplier_identity, p->shift_identity) : tf_mbqm(in, p->multiplier_alpha, p->shift_alpha);
    tf_store(y, type, i, tf_clamp(p->output_offset + scaled, lo, hi));
  }
}
void leaky_relu_s8(const int32_t *args) { leaky_relu_typed(args, TF_INT8); }
void leaky_relu_s16(const int32_t *args) { leaky_relu_typed(args, TF_INT16); }

static inline int16_t sat_left_shift16(int32_t value, int amount) {
  const int64_t r = (int64_t)value * ((int64_t)1 << amount);
  return (int16_t)(r > 32767 ? 32767 : r < -32768 ? -32768 : r);
}

/* TFLite SaturatingDoublingHighMul for int16: (a*b*2) >> 16 truncating toward zero. */
static inline int16_t sat_doubling_high_mul16(int16_t a, int16_t b) {
  if (a == -32768 && b == -32768) return 32767;
  return (int16_t)(((int32_t)a * (int32_t)b) / 32768);
}

void hard_swish_s8(const int32_t *args) {
  const tf_hard_swish_args *p = (const tf_hard_swish_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int16_t input_value = (int16_t)(x[i] - p->input_zero_point);
    const int16_t hires = (int16_t)(input_value * 128);
    const int16_t preshift = tf_srdhm16(hires, (int16_t)p->output_multiplier);
    int16_t reluish = hires;
    if (p->reluish_exponent > 0) reluish = sat_left_shift16(reluish, p->reluish_exponent - 1);
    reluish = tf_srdhm16(reluish, (int16_t)p->reluish_multiplier);
    if (p->reluish_exponent > 0) reluish = sat_left_shift16(reluish, 1);
    if (p->reluish_exponent < 0) reluish = tf_rdbpot16(reluish, -p->reluish_exponent);
    reluish = (int16_t)((reluish + (1 << 15)) >> 1);
    const int16_t pre = sat_doubling_high_mul16(reluish, preshift);
    int16_t out = tf_rdbpot16(pre, -p->output_exponent);
    out = (int16_t)(out + p->output_zero_point);
    y[i] = (int8_t)(out > 127 ? 127 : out < -128 ? -128 : out);
  }
}

/* LOGISTIC (tanh = 0) and TANH (tanh = 1). */
static void sigmoid_tanh(const int32_t *args, int tanh) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = x[i] - p->input_zero_point;
    if (in <= -p->input_range_radius) {
      y[i] = -128;
    } else if (in >= p->input_range_radius) {
      y[i] = 127;
    } else {
      const int32_t q4 = tf_mbqm(in, p->input_multiplier, p->input_left_shift);
      const int32_t out = tanh ? tf_rdbpot(tf_fixed_tanh(q4, 4), 31 - 7) : tf_rdbpot(tf_fixed_logistic(q4, 4), 31 - 8) - 128;
      y[i] = (int8_t)tf_clamp(out, -128, 127);
    }
  }
}
void logistic_s8(const int32_t *args) { sigmoid_tanh(args, 0); }
void tanh_s8(const int32_t *args) { sigmoid_tanh(args, 1); }

/* LOGISTIC and TANH, int16 (spec: src/reference/ops/sigmoid16.ts): TFLite's 256-entry sigmoid table in
 * 0.16 fixed point with linear interpolation; tanh(x) = 2 sigmoid(2x) - 1 reads the same table. */
static const uint16_t tf_sigmoid_table_u16[256] = {
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
  43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
  51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
  57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
  61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
  63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
  64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
  64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
  65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
  65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
  65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
  65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
  65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
  65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

/* The input in 1/(3*4096) units: multiplier 0 is the power-of-two path, x * (3 << shift). */
static inline int32_t sigmoid16_rescale(int16_t x, int32_t multiplier, int32_t shift) {
  if (multiplier == 0) {
    multiplier = 3 << shift;
    shift = 0;
  }
  const int32_t round = shift > 0 ? 1 << (shift - 1) : 0;
  return (x * multiplier + round) >> shift;
}

void logistic_s16(const int32_t *args) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t v = sigmoid16_rescale(x[i], p->input_multiplier, p->input_left_shift);
    const uint32_t abs_v = (uint32_t)(v < 0 ? -v : v);
    const uint32_t uh = abs_v >> 9;
    uint32_t r;
    if (uh >= 255) {
      r = 0x7fffu << 10;
    } else {
      const uint32_t ua = tf_sigmoid_table_u16[uh], ub = tf_sigmoid_table_u16[uh + 1];
      r = (ua << 9) + (abs_v & 0x1ffu) * (ub - ua);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    y[i] = (int16_t)(r >> 10);
  }
}

void tanh_s16(const int32_t *args) {
  const tf_sigmoid_args *p = (const tf_sigmoid_args *)args;
  const int16_t *x = (const int16_t *)tf_ref(p->input);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t v = sigmoid16_rescale(x[i], p->input_multiplier, p->input_left_shift);
    const uint32_t abs_v = (uint32_t)(v < 0 ? -v : v);
    const uint32_t uh = abs_v >> 8;
    int32_t r;
    if (uh >= 255) {
      r = 0xffff << 8;
    } else {
      const uint32_t ua = tf_sigmoid_table_u16[uh], ub = tf_sigmoid_table_u16[uh + 1];
      r = (int32_t)((ua << 8) + (abs_v & 0xffu) * (ub - ua));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    y[i] = (int16_t)(r >> 8);
  }
}
