/* MEAN / SUM int8/int16 (reference: src/reference/ops/mean.ts, TFLite QuantizedMeanOrSum) and REDUCE_MAX
 * int8 (TFLite ReduceGeneric with max). Output elements in order, each the int32 (wrapping) sum, or the
 * max, over the reduced dims: the same integers as the reference's. An int8 MEAN / SUM whose reduced dims are one
 * run per channel (an NHWC spatial mean) sums channel by channel over the plane instead (mean_spatial_s8); one whose
 * reduced dims are one run (a MEAN over the last axis) sums each output's run in a register (mean_runs_s8). */
#include "tf_elem.h"
#include "tf_dot.h"

/* The kept walk one output on: its index ki and the input offset kbase of its first reduced element. */
TF_INLINE void mean_kept_next(const tf_mean_args *p, int32_t *ki, int32_t *kbase) {
  for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
    ki[d]++;
    *kbase += p->kept_strides[d];
    if (ki[d] < p->kept_shape[d]) return;
    *kbase -= p->kept_strides[d] * ki[d];
    ki[d] = 0;
  }
}

/* Dims (shape, strides) as one run *step apart (dims of size 1 skipped, the others collapsible: an NHWC tensor's H
 * and W; *step 0 when every dim is 1): 1, else 0. */
static int mean_dims_run(const int32_t *shape, const int32_t *strides, int32_t *step) {
  int32_t st = 0, span = 0;
  for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
    if (shape[d] == 1) continue;
    if (span == 0) st = strides[d];
    else if (strides[d] != span) return 0;
    span = strides[d] * shape[d];
  }
  *step = st;
  return 1;
}

/* The reduced elements as one run `step` apart, or 0. */
static int32_t mean_red_step(const tf_mean_args *p) {
  int32_t step = 0;
  return mean_dims_run(p->red_shape, p->red_strides, &step) ? step : 0;
}

/* The innermost kept dim of size > 1 when its stride is 1 (the channels: consecutive outputs, consecutive
 * inputs), else 0. */
static int32_t mean_channels(const tf_mean_args *p) {
  for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
    if (p->kept_shape[d] == 1) continue;
    return p->kept_strides[d] == 1 ? p->kept_shape[d] : 0;
  }
  return 0;
}

/* Channel sums of c channels from x over `count` rows `step` apart (int32, wrapping like the reference's). */
static void mean_sum_channels(const int8_t *x, int32_t c, int32_t count, int32_t step, int32_t *sum) {
  int32_t ch = 0;
#if TF_DSP
  /* four channels per word load: bytes 0/2 and 1/3 into int16 lanes (SXTAB16), at most 256 rows per lane
   * sum (|sum| <= 256 * 128 fits int16), then into int32 */
  for (; ch + 4 <= c; ch += 4) {
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int32_t r0 = 0; r0 < count; r0 += 256) {
      const int32_t n = count - r0 < 256 ? count - r0 : 256;
      const int8_t *q = x + (size_t)r0 * (size_t)step + ch;
      int32_t e = 0, o = 0;
      for (int32_t r = 0; r < n; r++, q += step) {
        const uint32_t v = tf_ld32(q);
        e = __sxtab16(e, v);
        o = tf_sxtab16_ror8(o, v);
      }
      s0 = tf_wadd(s0, (int16_t)e); s2 = tf_wadd(s2, e >> 16); s1 = tf_wadd(s1, (int16_t)o); s3 = tf_wadd(s3, o >> 16);
    }
    sum[ch] = s0; sum[ch + 1] = s1; sum[ch + 2] = s2; sum[ch + 3] = s3;
  }
#endif
  for (; ch < c; ch++) {
    const int8_t *q = x + ch;
    int32_t s = 0;
    for (int32_t r = 0; r < count; r++, q += step) s = tf_wadd(s, *q);
    sum[ch] = s;
  }
}

/* int8 MEAN / SUM over a run of rows per channel (an NHWC spatial mean): each channel summed over the plane
 * (four channels a word on ARMv7E-M), then the reference's requantization. Returns 0 when the shape is not one. */
static int mean_spatial_s8(const tf_mean_args *p) {
  const int32_t step = mean_red_step(p), c = mean_channels(p);
  if (step == 0 || c == 0 || p->count < 2) return 0;
  const int8_t *x = (const int8_t *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  int32_t ki[TF_MAX_RANK] = {0};
  int32_t kbase = 0;
  int32_t sum[16];
  const int32_t zp_count = tf_wmul(p->input_zero_point, p->count);
  for (int32_t o = 0; o < p->out_size;) {
    /* outputs o .. o + c - 1 are channels 0 .. c - 1 at kbase; sixteen at a time (a small frame) */
    for (int32_t c0 = 0; c0 < c; c0 += 16) {
      const int32_t n = c - c0 < 16 ? c - c0 : 16;
      mean_sum_channels(x + kbase + c0, n, p->count, step, sum);
      for (int32_t j = 0; j < n; j++) {
        const int32_t v = tf_mbqm(tf_wsub(sum[j], zp_count), p->multiplier, p->shift) + p->output_zero_point;
        y[o + c0 + j] = (int8_t)tf_clamp(v, -128, 127);
      }
    }
    /* the kept walk past these c outputs */
    for (int32_t j = 0; j < c; j++, o++) mean_kept_next(p, ki, &kbase);
  }
  return 1;
}

/* SMMLAR: acc + (a m + 2^31) >> 32 (the high word rounded). With a = 2 v (|v| < 2^30) and m >= 0 that is
 * tf_mbqm(v, m, 0) + acc: floor((2 v m + 2^31) / 2^32) = floor((v m + 2^30) / 2^31), tf_srdhm's value. */
TF_INLINE int32_t mean_smmlar(int32_t a, int32_t m, int32_t acc) {
#if TF_DSP
  int32_t t;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(t) : "r"(a), "r"(m), "r"(acc));
  return t;
#else
  return (int32_t)(((int64_t)a * m + 0x80000000ll) >> 32) + acc;
#endif
}

/* Outputs y[0..n) of a MEAN / SUM over runs of `count` elements `step` apart, output o's run at x + o * kstride, in
 * TFLM's arithmetic on the doubled sum 2 (sum - zp count) (|sum - zp count| < 2^30 as count < 2^22): shift 0
 * (r0) one SMMLAR onto the zero point (mean_smmlar), else tf_rqd_apply with rq from tf_rqd_init; saturated to int8. */
TF_INLINE void mean_runs_loop(const int8_t *x, int8_t *y, int32_t n, int32_t kstride, int32_t count, int32_t step,
                              int32_t zp_count, int32_t m, tf_rq rq, const int r0) {
  for (int32_t o = 0; o < n; o++, x += kstride) {
    int32_t s = -zp_count;
    for (int32_t r = 0, off = 0; r < count; r++, off += step) s += x[off];
    const int32_t v = r0 ? mean_smmlar(s + s, m, rq.hc) : tf_rqd_apply(s + s, m, rq.hc, rq.sh);
    y[o] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
  }
}

static __attribute__((noinline)) void mean_runs_rqd(const int8_t *x, int8_t *y, int32_t n, int32_t kstride, int32_t count,
                                                    int32_t step, int32_t zp_count, int32_t m, tf_rq rq, int r0) {
  if (r0) mean_runs_loop(x, y, n, kstride, count, step, zp_count, m, rq, 1);
  else mean_runs_loop(x, y, n, kstride, count, step, zp_count, m, rq, 0);
}

/* int8 MEAN / SUM whose reduced dims are one run `step` apart and kept dims one run of outputs (a MEAN over the last
 * axis, or over a transposed plane) with a shift 0 or one tf_rqd_init takes: mean_runs_rqd. Returns 0 otherwise
 * (reduce_typed's walk: a general loop here measured +924 bytes of mean_s8 for no model's layer). */
static int mean_runs_s8(const tf_mean_args *p) {
  const int32_t step = mean_red_step(p), count = p->count, ozp = p->output_zero_point;
  int32_t kstride = 0;
  tf_rq rq = {ozp, 0};
  const int r0 = p->shift == 0 && p->multiplier >= 0;
  if (step == 0 || count >= (1 << 22) || !mean_dims_run(p->kept_shape, p->kept_strides, &kstride) || !(r0 || tf_rqd_init(&rq, p->multiplier, p->shift, ozp))) return 0;
  mean_runs_rqd((const int8_t *)tf_ref(p->input), (int8_t *)tf_ref(p->output), p->out_size, kstride, count, step,
                tf_wmul(p->input_zero_point, count), p->multiplier, rq, r0);
  return 1;
}

static inline void reduce_typed(const int32_t *args, int type, int is_max) {
  const tf_mean_args *p = (const tf_mean_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  int32_t lo, hi;
  tf_range(type, &lo, &hi);
  int32_t ki[TF_MAX_RANK] = {0};
  int32_t kbase = 0;
  for (int32_t o = 0; o < p->out_size; o++) {
    int32_t ri[TF_MAX_RANK] = {0};
    int32_t roff = 0, acc = is_max ? lo : 0;
    for (int32_t k = 0; k < p->count; k++) {
      const int32_t v = tf_load(x, type, kbase + roff);
      acc = is_max ? (v > acc ? v : acc) : tf_wadd(acc, v);
      for (int d = TF_MAX_RANK - 1; d >= 0; d--) {
        ri[d]++;
        roff += p->red_strides[d];
        if (ri[d] < p->red_shape[d]) break;
        roff -= p->red_strides[d] * ri[d];
        ri[d] = 0;
      }
    }
    if (is_max) {
      tf_store(y, type, o, acc);
    } else {
      const int32_t shifted = tf_wsub(acc, tf_wmul(p->input_zero_point, p->count));
      const int32_t v = tf_mbqm(shifted, p->multiplier, p->shift) + p->output_zero_point;
      tf_store(y, type, o, tf_clamp(v, lo, hi));
    }
    mean_kept_next(p, ki, &kbase);
  }
}
void mean_s8(const int32_t *args) {
  const tf_mean_args *p = (const tf_mean_args *)args;
  if (!mean_spatial_s8(p) && !mean_runs_s8(p)) reduce_typed(args, TF_INT8, 0);
}
void mean_s16(const int32_t *args) { reduce_typed(args, TF_INT16, 0); }
void reduce_max_s8(const int32_t *args) { reduce_typed(args, TF_INT8, 1); }
