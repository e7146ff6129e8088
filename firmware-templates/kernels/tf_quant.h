/* tinyforge kernel library: TFLite's integer quantization primitives (src/ir/quant.ts), exactly.
 * C99, header-only (static inline). Signed overflow is avoided: wrapping steps go through uint32_t. */
#ifndef TF_QUANT_H
#define TF_QUANT_H
#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define TF_DSP 1
#else
#define TF_DSP 0
#endif

#define TF_INLINE static inline __attribute__((always_inline))

/* a + b, a * b, x << s with two's complement wrap (what the JS `| 0` and Math.imul do). */
TF_INLINE int32_t tf_wadd(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
TF_INLINE int32_t tf_wsub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
TF_INLINE int32_t tf_wmul(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
TF_INLINE int32_t tf_wshl(int32_t x, int s) { return (int32_t)((uint32_t)x << s); } /* s < 32 */

TF_INLINE int32_t tf_clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* gemmlowp SaturatingRoundingDoublingHighMul. (ab + nudge) / 2^31 truncated equals (ab + 2^30) >> 31
 * (arithmetic) for both signs of ab, so one 64-bit add and shift. */
TF_INLINE int32_t tf_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  int64_t ab = (int64_t)a * (int64_t)b + (1ll << 30);
  return (int32_t)(ab >> 31);
}

/* The same without the saturation test: for b != INT32_MIN (every requantization multiplier is > 0). */
TF_INLINE int32_t tf_srdhm_nosat(int32_t a, int32_t b) {
  int64_t ab = (int64_t)a * (int64_t)b + (1ll << 30);
  return (int32_t)(ab >> 31);
}

/* gemmlowp RoundingDivideByPOT, exponent 0..31. */
TF_INLINE int32_t tf_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier (double rounding). A left shift of 32 or more leaves 0 (the
 * reference multiplies by 2^shift wrapped to int32). */
TF_INLINE int32_t tf_mbqm(int32_t x, int32_t multiplier, int32_t shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return tf_rdbpot(tf_srdhm(left >= 32 ? 0 : tf_wshl(x, left), multiplier), right);
}

/* The same for a positive multiplier (conv/FC requantization): no saturation case. */
TF_INLINE int32_t tf_mbqm_pos(int32_t x, int32_t multiplier, int32_t shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return tf_rdbpot(tf_srdhm_nosat(tf_wshl(x, left), multiplier), right);
}

/* tf_mbqm_pos(v, m, shift) in one 64-bit multiply-accumulate when shift < 0 (right shift r = -shift):
 *   rdbpot(srdhm(v, m), r) = (v*m + 2^30 + 2^(30+r) - [v < 0] * 2^31) >> (31 + r)
 * (floor(floor(P / 2^31) + c) / 2^r) = floor((P + c * 2^31) / 2^(31+r)) with c = 2^(r-1) - [x < 0]; x < 0
 * exactly when v*m < -2^30, and where the sign of v says otherwise the result is 0 either way). Checked
 * against tf_mbqm_pos on 2e8 random (v, m > 0, shift) including the int32 extremes. */
/* 2^30 + 2^(30+r) for r = 0..31 (r = 0 unused). */
static const int64_t tf_round_k[32] = {
  0x80000000ll, 0xc0000000ll, 0x140000000ll, 0x240000000ll,
  0x440000000ll, 0x840000000ll, 0x1040000000ll, 0x2040000000ll,
  0x4040000000ll, 0x8040000000ll, 0x10040000000ll, 0x20040000000ll,
  0x40040000000ll, 0x80040000000ll, 0x100040000000ll, 0x200040000000ll,
  0x400040000000ll, 0x800040000000ll, 0x1000040000000ll, 0x2000040000000ll,
  0x4000040000000ll, 0x8000040000000ll, 0x10000040000000ll, 0x20000040000000ll,
  0x40000040000000ll, 0x80000040000000ll, 0x100000040000000ll, 0x200000040000000ll,
  0x400000040000000ll, 0x800000040000000ll, 0x1000000040000000ll, 0x2000000040000000ll,
};

TF_INLINE int32_t tf_mbqm_fast(int32_t v, int32_t multiplier, int32_t shift) {
  if (shift >= 0) return tf_mbqm_pos(v, multiplier, shift);
  const int r = -shift;
  const int64_t k = tf_round_k[r] - (int64_t)((uint32_t)v & 0x80000000u); /* - [v < 0] * 2^31 */
  const int32_t hi = (int32_t)((k + (int64_t)v * multiplier) >> 32); /* 31 + r >= 32: the high word, */
  return hi >> (r - 1);                                              /* then r - 1 more */
}

/* Requantization in one 64-bit multiply-accumulate with the output zero point folded in:
 *   tf_rq_apply(v, m, hc, sh) == tf_mbqm(v, m, shift) + out_offset   for every int32 v
 * with {hc, sh} from tf_rq_init (which refuses the forms it cannot express: m < 0, or m != 0 with
 * shift > -2). For r = -shift >= 2, tf_mbqm_fast's constant 2^30 + 2^(30+r) - [v < 0] * 2^31 is the
 * 64-bit value (hi = 2^(r-2) - [v < 0], lo = 2^30 | (v & 2^31)); after the multiply-accumulate the high
 * word shifted right by r - 1 is the result. The zero point enters the high word as out_offset * 2^(r-1)
 * (an exact floor shift) while that cannot overflow (r <= 23); beyond, sh carries it in its upper bits
 * (added after the shift; the shift only uses sh's low byte, as ARM's register shifts do). m = 0: the
 * result is out_offset (as r = 2, hc = 1 + 2 out_offset). Checked against tf_mbqm on 2.7e8 random
 * (v, m, shift, out_offset) including the int32 extremes. */
typedef struct {
  int32_t hc, sh;
} tf_rq;

static inline int tf_rq_init(tf_rq *q, int32_t m, int32_t shift, int32_t out_offset) {
  if (m == 0) {
    q->hc = 1 + 2 * out_offset;
    q->sh = 1;
    return 1;
  }
  if (m < 0 || shift > -2 || shift < -31) return 0;
  const int r = -shift;
  if (r <= 23) {
    q->hc = (int32_t)((1u << (r - 2)) + (uint32_t)out_offset * (1u << (r - 1)));
    q->sh = r - 1;
  } else {
    q->hc = (int32_t)(1u << (r - 2));
    q->sh = (int32_t)((uint32_t)out_offset << 8) | (r - 1);
  }
  return 1;
}

/* The result without the zero point of channels with r > 23 (tf_rq_post adds it). */
TF_INLINE int32_t tf_rq_core(int32_t v, int32_t m, int32_t hc, int32_t sh) {
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__) || (defined(__ARM_ARCH) && __ARM_ARCH >= 7 && defined(__thumb2__))
  uint32_t lo = ((uint32_t)v & 0x80000000u) | 0x40000000u;
  int32_t hi = hc + (v >> 31);
  int32_t r;
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(v), "r"(m));
  __asm__("asr %0, %1, %2" : "=r"(r) : "r"(hi), "r"(sh)); /* the low byte of sh */
  return r;
#else
  const uint32_t lo = ((uint32_t)v & 0x80000000u) | 0x40000000u;
  const int64_t a = (int64_t)(((uint64_t)(uint32_t)(hc + (v >> 31)) << 32) | lo);
  const int32_t hi = (int32_t)((a + (int64_t)v * m) >> 32);
  return hi >> (sh & 0xff);
#endif
}

TF_INLINE int32_t tf_rq_post(int32_t sh) { return sh >> 8; }

TF_INLINE int32_t tf_rq_apply(int32_t v, int32_t m, int32_t hc, int32_t sh) { return tf_rq_core(v, m, hc, sh) + tf_rq_post(sh); }

/* Requantization of a doubled accumulator a = 2 v (|v| < 2^30, so a is exact) in one SMMLAR:
 *   tf_rqd_apply(a, m, hc, r) == tf_mbqm(v, m, shift) + out_offset
 * for r = -shift in 1..21 with hc = 2^(r-1) + out_offset * 2^r (tf_rqd_init). Doubling tf_mbqm_fast's
 *   floor((v m + 2^30 + 2^(30+r) - [v < 0] 2^31) / 2^(31+r))
 * gives floor((a m + 2^31 + (2^(r-1) - [v < 0]) 2^32) / 2^(32+r)): SMMLAR's high word of
 * (hc + (a >> 31)) 2^32 + a m + 2^31, shifted right by r (nested floors); the zero point rides in the
 * high word (|a m| / 2^32 < 2^30 and |hc| < 2^30 for r <= 21, so nothing wraps). m = 0: r = 1,
 * hc = 1 + 2 out_offset, the result out_offset. */
static inline int tf_rqd_init(tf_rq *q, int32_t m, int32_t shift, int32_t out_offset) {
  if (m == 0) shift = -1;
  if (m < 0 || shift > -1 || shift < -21 || out_offset < -256 || out_offset > 256) return 0;
  const int r = -shift;
  q->hc = (int32_t)((1u << (r - 1)) + (uint32_t)out_offset * (1u << r));
  q->sh = r;
  return 1;
}

TF_INLINE int32_t tf_rqd_apply(int32_t a, int32_t m, int32_t hc, int32_t sh) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
  int32_t t;
  __asm__("add    %0, %1, %2, asr #31\n\t"
          "smmlar %0, %2, %3, %0\n\t"
          "asr    %0, %0, %4"
          : "=&r"(t)
          : "r"(hc), "r"(a), "r"(m), "r"(sh));
  return t;
#else
  const int64_t x = (int64_t)(hc + (a >> 31)) * 4294967296ll + (int64_t)a * m + 0x80000000ll;
  return (int32_t)(x >> 32) >> sh;
#endif
}

/* tf_mbqm(v, m, shift) for any shift <= 0 and m >= 0 (ADD's input scalings, r = -shift = 0 or 1
 * included): one 64-bit multiply-accumulate onto a per-call constant, then
 *   r = 0: (v m + 2^30) >> 31;   r = 1: the high word;   r >= 2: as tf_rq (high word >> (r - 1)).
 * ((hi << a) | (lo >> b)) >> s covers the three (register shifts of 32 give 0 on ARM; the portable
 * version spells it in 64 bits). */
typedef struct {
  int32_t m, lo, hi, sgn, hmask, a, b, s;
} tf_mq;

static inline int tf_mq_init(tf_mq *q, int32_t m, int32_t shift) {
  if (m < 0 || shift > 0 || shift < -31) return 0;
  const int r = -shift;
  q->m = m;
  q->lo = r == 1 ? (int32_t)0xC0000000u : 0x40000000;
  q->hi = r >= 2 ? (int32_t)(1u << (r - 2)) : 0;
  q->sgn = r >= 1 ? (int32_t)0x80000000u : 0;
  q->hmask = r >= 2 ? -1 : 0;
  q->a = r == 0 ? 1 : 0;
  q->b = r == 0 ? 31 : 32;
  q->s = r >= 2 ? r - 1 : 0;
  return 1;
}

TF_INLINE int32_t tf_mq_apply(const tf_mq *q, int32_t v) {
  uint32_t lo = (uint32_t)q->lo ^ ((uint32_t)v & (uint32_t)q->sgn);
  int32_t hi = q->hi + ((v >> 31) & q->hmask);
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__)
  __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(v), "r"(q->m));
  int32_t t, u;
  __asm__("lsl %0, %2, %3\n\t"
          "lsr %1, %4, %5\n\t"
          "orr %0, %0, %1\n\t"
          "asr %0, %0, %6"
          : "=&r"(t), "=&r"(u)
          : "r"(hi), "r"(q->a), "r"(lo), "r"(q->b), "r"(q->s));
  return t;
#else
  const int64_t x = (int64_t)(((uint64_t)(uint32_t)hi << 32) | lo) + (int64_t)v * q->m;
  return (int32_t)(x >> (32 - q->a)) >> q->s;
#endif
}

/* Conv/depthwise/FC output stage: bias, int32 wrap, requantize, output zero point, clamp. */
TF_INLINE int8_t tf_requant_s8(int32_t acc, int32_t bias, int32_t multiplier, int32_t shift, int32_t out_offset,
                               int32_t act_min, int32_t act_max) {
  int32_t v = tf_mbqm_fast(tf_wadd(acc, bias), multiplier, shift) + out_offset;
  return (int8_t)tf_clamp(v, act_min, act_max);
}

/* std::round on a float (halves away from zero), as an integer-valued float. */
TF_INLINE float tf_roundf(float x) {
  const float big = 8388608.0f; /* 2^23: every float at least this large is an integer */
  if (!(x < big && x > -big)) return x;
  float t = (float)(int32_t)x; /* truncation, exact */
  float frac = x - t;          /* exact */
  if (frac >= 0.5f) t += 1.0f;
  else if (frac <= -0.5f) t -= 1.0f;
  return t;
}

/* Element c of an int64 array stored as little-endian words (low first): any 4-byte alignment will do. */
TF_INLINE int64_t tf_load_s64(const int32_t *words, int32_t c) {
  return (int64_t)(((uint64_t)(uint32_t)words[2 * c + 1] << 32) | (uint32_t)words[2 * c]);
}

/* TFLite MultiplyByQuantizedMultiplier for an int64 accumulator (the 16x8 kernels): the multiplier rounded
 * to 16 bits, one rounding shift by 15 - shift (shift <= 7), the result truncated to int32. Wrapping
 * steps go through uint64_t (TFLM requires |x| < 2^47, where nothing wraps). */
TF_INLINE int32_t tf_mbqm64(int64_t x, int32_t multiplier, int32_t shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int total = 15 - shift;
  const int64_t v = (int64_t)((uint64_t)x * (uint64_t)reduced + ((uint64_t)1 << (total - 1)));
  return (int32_t)(uint32_t)(uint64_t)(v >> total);
}

#endif
