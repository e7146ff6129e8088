/* QUANTIZE (float32 -> int, int -> int requantization) and DEQUANTIZE (reference: src/reference/ops/quantize.ts). */
#include <string.h>
#include "tf_elem.h"

static inline float f32_of_bits(int32_t bits) {
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/* Element i: round(x / scale) halves away from zero, + zero point, clamped. */
static inline int32_t quantize_one(const tf_quantize_args *p, float xv, float scale) {
  const float r = tf_roundf(xv / scale);
  /* static_cast<int32_t> as the golden x86 build runs it: NaN and out-of-range give INT32_MIN. */
  const int32_t q = (r >= -2147483648.0f && r < 2147483648.0f) ? (int32_t)r : INT32_MIN;
  return tf_clamp(tf_wadd(q, p->zero_point), p->qmin, p->qmax);
}

static void quantize_from_float(const int32_t *args, int out_type) {
  const tf_quantize_args *p = (const tf_quantize_args *)args;
  const float *x = (const float *)tf_ref(p->input);
  void *y = tf_ref(p->output);
  const float scale = f32_of_bits(p->scale);
  for (int32_t i = 0; i < p->size; i++) {
    float xv;
    memcpy(&xv, x + i, 4);
    tf_store(y, out_type, i, quantize_one(p, xv, scale));
  }
}

#if TF_DSP && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__OPTIMIZE__)
/* Single-precision FPU: round half away from zero without a compare chain. VCVT to fixed point with one
 * fraction bit gives t = trunc(2r) exactly (toward zero, saturating), and round(r) = (t + 1 - [t < 0]) >> 1
 * (floor): for t >= 0 that is floor((floor(2r) + 1) / 2) = floor(r + 1/2), for t < 0 its mirror
 * -floor((|t| + 1) / 2). The zero point enters doubled before the shift (2 zp is even), QADD keeps a sum past
 * int32 on its side, SSAT #8 is the int8 clamp. NaN and |2r| >= 2^31 (where the x86 cast gives INT32_MIN)
 * are exactly the conversions that raise FPSCR.IOC (bit 0, sticky): a block of eight that raised it is redone
 * by quantize_one (nothing of the block is stored yet). test/c/quantize-round.test.ts covers the edges. */
/* Element T of a block: (T + c - [T < 0]) >> 1 saturated to int8, stored (st is the scratch register). */
#define Q_S8_STORE(T)                          \
  "add %[st], %[c], %[" #T "], asr #31\n\t"    \
  "qadd %[" #T "], %[" #T "], %[st]\n\t"       \
  "ssat %[" #T "], #8, %[" #T "], asr #1\n\t"  \
  "strb %[" #T "], [%[y]], #1\n\t"

/* (-O0, whose frame pointer leaves too few registers for the block loop, takes the portable loop.) */
static int quantize_f32_s8_fpu(const tf_quantize_args *p) {
  const float *x = (const float *)tf_ref(p->input);
  int8_t *y = (int8_t *)tf_ref(p->output);
  if (p->qmin != -128 || p->qmax != 127 || ((uintptr_t)x & 3u) != 0) return 0;
  const float scale = f32_of_bits(p->scale);
  const int32_t c = 1 + 2 * p->zero_point, n = p->size;
  int32_t saved, clear;
  __asm__ volatile("vmrs %0, fpscr\n\tbic %1, %0, #1\n\tvmsr fpscr, %1" : "=&r"(saved), "=&r"(clear) : : "memory");
  const float *x8 = x + (n & ~7);
  while (x != x8) {
    int32_t t0, t1, t2, t3, t4, t5, t6, t7, st;
    /* blocks of eight until the end or a block that raised IOC (st bit 0; then nothing of it is stored): eight
     * quotients (x / scale, the reference's float division) to 2r fixed point, one FPSCR test, each
     * (t + c - [t < 0]) >> 1 saturated and stored; 7.25 instructions an element (9.25 in C blocks of four) */
    __asm__ volatile(
        "1:\n\t"
        "vldmia %[x]!, {s0-s7}\n\t"
        "vdiv.f32 s0, s0, %[sc]\n\t"
        "vdiv.f32 s1, s1, %[sc]\n\t"
        "vdiv.f32 s2, s2, %[sc]\n\t"
        "vdiv.f32 s3, s3, %[sc]\n\t"
        "vdiv.f32 s4, s4, %[sc]\n\t"
        "vdiv.f32 s5, s5, %[sc]\n\t"
        "vdiv.f32 s6, s6, %[sc]\n\t"
        "vdiv.f32 s7, s7, %[sc]\n\t"
        "vcvt.s32.f32 s0, s0, #1\n\t"
        "vcvt.s32.f32 s1, s1, #1\n\t"
        "vcvt.s32.f32 s2, s2, #1\n\t"
        "vcvt.s32.f32 s3, s3, #1\n\t"
        "vcvt.s32.f32 s4, s4, #1\n\t"
        "vcvt.s32.f32 s5, s5, #1\n\t"
        "vcvt.s32.f32 s6, s6, #1\n\t"
        "vcvt.s32.f32 s7, s7, #1\n\t"
        "vmov %[t0], %[t1], s0, s1\n\t"
        "vmov %[t2], %[t3], s2, s3\n\t"
        "vmov %[t4], %[t5], s4, s5\n\t"
        "vmov %[t6], %[t7], s6, s7\n\t"
        "vmrs %[st], fpscr\n\t"
        "tst %[st], #1\n\t"
        "bne 2f\n\t"
        Q_S8_STORE(t0) Q_S8_STORE(t1) Q_S8_STORE(t2) Q_S8_STORE(t3)
        Q_S8_STORE(t4) Q_S8_STORE(t5) Q_S8_STORE(t6) Q_S8_STORE(t7)
        "cmp %[x], %[x8]\n\t"
        "bne 1b\n\t"
        "movs %[st], #0\n\t"
        "2:"
        : [x] "+r"(x), [y] "+r"(y), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),
          [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [st] "=&r"(st)
        : [sc] "w"(scale), [c] "r"(c), [x8] "r"(x8)
        : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "cc", "memory");
    if (st & 1) {
      for (int j = 0; j < 8; j++) y[j] = (int8_t)quantize_one(p, x[j - 8], scale);
      __asm__ volatile("vmsr fpscr, %0" : : "r"(clear) : "memory");
      y += 8;
    }
  }
  for (int32_t i = 0; i < (n & 7); i++) y[i] = (int8_t)quantize_one(p, x[i], scale);
  __asm__ volatile("vmsr fpscr, %0" : : "r"(saved) : "memory");
  return 1;
}
#endif

void quantize_f32_s8(const int32_t *args) {
#if TF_DSP && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__OPTIMIZE__)
  if (quantize_f32_s8_fpu((const tf_quantize_args *)args)) return;
#endif
  quantize_from_float(args, TF_INT8);
}
void quantize_f32_s16(const int32_t *args) { quantize_from_float(args, TF_INT16); }

static void requantize(const int32_t *args, int in_type, int out_type) {
  const tf_requantize_args *p = (const tf_requantize_args *)args;
  const void *x = tf_ref(p->input);
  void *y = tf_ref(p->output);
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t in = tf_wsub(tf_load(x, in_type, i), p->input_zero_point);
    const int32_t out = tf_wadd(tf_mbqm(in, p->multiplier, p->shift), p->output_zero_point);
    tf_store(y, out_type, i, tf_clamp(out, p->qmin, p->qmax));
  }
}
void requantize_s16_s8(const int32_t *args) { requantize(args, TF_INT16, TF_INT8); }
void requantize_s8_s8(const int32_t *args) { requantize(args, TF_INT8, TF_INT8); }
void requantize_s8_u8(const int32_t *args) { requantize(args, TF_INT8, TF_UINT8); }
void requantize_u8_s8(const int32_t *args) { requantize(args, TF_UINT8, TF_INT8); }
void requantize_s8_s16(const int32_t *args) { requantize(args, TF_INT8, TF_INT16); }
void requantize_s8_s32(const int32_t *args) { requantize(args, TF_INT8, TF_INT32); }
void requantize_s16_s16(const int32_t *args) { requantize(args, TF_INT16, TF_INT16); }
void requantize_s16_s32(const int32_t *args) { requantize(args, TF_INT16, TF_INT32); }
void requantize_s32_s8(const int32_t *args) { requantize(args, TF_INT32, TF_INT8); }
void requantize_s32_s16(const int32_t *args) { requantize(args, TF_INT32, TF_INT16); }

/* float32(scale * (x - zp)): the product of a float32 and a small integer, rounded once. */
static void dequantize(const int32_t *args, int in_type) {
  const tf_dequantize_args *p = (const tf_dequantize_args *)args;
  const void *x = tf_ref(p->input);
  float *y = (float *)tf_ref(p->output);
  const float scale = f32_of_bits(p->scale);
  for (int32_t i = 0; i < p->size; i++) {
    const float v = scale * (float)(tf_load(x, in_type, i) - p->zero_point);
    memcpy(y + i, &v, 4);
  }
}
void dequantize_s8_f32(const int32_t *args) { dequantize(args, TF_INT8); }
void dequantize_u8_f32(const int32_t *args) { dequantize(args, TF_UINT8); }
void dequantize_s16_f32(const int32_t *args) { dequantize(args, TF_INT16); }
