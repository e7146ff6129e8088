/* tinyforge kernel library: int8 dot products with the input offset, the inner loop of CONV_2D and
 * FULLY_CONNECTED. sum_i w[i] * (x[i] + off) in int32, exact (products and sums wrap like the reference's
 * int32 accumulator). ARMv7E-M: 4 input bytes per step through SXTB16/SADD16/SMLAD. */
#ifndef TF_DOT_H
#define TF_DOT_H
#include <string.h>
#include "tf_quant.h"

TF_INLINE uint32_t tf_ld32(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4); /* one LDR (unaligned access is allowed on ARMv7-M) */
  return v;
}

TF_INLINE uint32_t tf_ror8(uint32_t v) { return (v >> 8) | (v << 24); }

#if TF_DSP
/* SXTB16 of the bytes 1 and 3: one instruction (GCC does not fold the rotation into __sxtb16). */
TF_INLINE int32_t tf_sxtb16_ror8(uint32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

/* Most int16 elements of the per-pixel column buffer (a variable-length array on the stack, 2 bytes per
 * element of the dot product: 4 KiB at most); longer dot products take the in-loop path. */
#define TF_COL_MAX 2048
/* int32 words of a column buffer for len elements (word aligned for LDRD). */
#define TF_COL_WORDS(len) ((((len) + 3) / 4) * 2)

/* The column buffer holds x + offset as int16, each group of 4 in the order (0, 2, 1, 3): word 2g is the
 * pair (k0, k2), word 2g+1 the pair (k1, k3) — what SXTB16 / SXTB16 ROR 8 make of a weight word. */
TF_INLINE int tf_col_pos(int k) { return (k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1); }

/* Four contiguous int8 inputs plus the offset into the column buffer at group position k (k % 4 == 0). */
TF_INLINE void tf_col_put4(int16_t *col, int k, const int8_t *x, int32_t off2) {
  const uint32_t xv = tf_ld32(x);
  const int32_t e = __sadd16(__sxtb16(xv), off2), o = __sadd16(tf_sxtb16_ror8(xv), off2);
  memcpy(col + k, &e, 4);
  memcpy(col + k + 2, &o, 4);
}

/* acc[j] += sum_k w[j * ws + k] * col(k), j = 0..3, k < len: the column buffer against four weight rows.
 * The main loop is assembly: 23 instructions per 16 multiply-accumulates with every value in a register
 * (GCC's allocation of the same loop spills three pointers). */
TF_INLINE void tf_dot4_col(const int16_t *col, const int8_t *w, size_t ws, int len, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  const int n4 = len >> 2;
  const int8_t *w0 = w, *w3 = w + 3 * ws;
  if (n4 > 0) {
    const int16_t *c = col, *cend = col + 4 * n4;
    int32_t xe, xo, wv, t;
    __asm__ volatile(
        "1:\n\t"
        "ldrd   %[xe], %[xo], [%[c]], #8\n\t"
        "ldr    %[wv], [%[w0], %[ws]]\n\t"
        "sxtb16 %[t], %[wv]\n\t"
        "smlad  %[a1], %[t], %[xe], %[a1]\n\t"
        "sxtb16 %[t], %[wv], ror #8\n\t"
        "smlad  %[a1], %[t], %[xo], %[a1]\n\t"
        "ldr    %[wv], [%[w0], %[ws], lsl #1]\n\t"
        "sxtb16 %[t], %[wv]\n\t"
        "smlad  %[a2], %[t], %[xe], %[a2]\n\t"
        "sxtb16 %[t], %[wv], ror #8\n\t"
        "smlad  %[a2], %[t], %[xo], %[a2]\n\t"
        "ldr    %[wv], [%[w3]], #4\n\t"
        "sxtb16 %[t], %[wv]\n\t"
        "smlad  %[a3], %[t], %[xe], %[a3]\n\t"
        "sxtb16 %[t], %[wv], ror #8\n\t"
        "smlad  %[a3], %[t], %[xo], %[a3]\n\t"
        "ldr    %[wv], [%[w0]], #4\n\t"
        "sxtb16 %[t], %[wv]\n\t"
        "smlad  %[a0], %[t], %[xe], %[a0]\n\t"
        "sxtb16 %[t], %[wv], ror #8\n\t"
        "smlad  %[a0], %[t], %[xo], %[a0]\n\t"
        "cmp    %[c], %[cend]\n\t"
        "bne    1b\n\t"
        : [c] "+r"(c), [w0] "+r"(w0), [w3] "+r"(w3), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
          [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [t] "=&r"(t)
        : [cend] "r"(cend), [ws] "r"(ws)
        : "cc", "memory");
  }
  const int8_t *w1 = w0 + ws, *w2 = w0 + 2 * ws;
  for (int k = n4 * 4; k < len; k++) {
    const int32_t xv = col[tf_col_pos(k)];
    a0 += *w0++ * xv;
    a1 += *w1++ * xv;
    a2 += *w2++ * xv;
    a3 += *w3++ * xv;
  }
  acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

TF_INLINE int32_t tf_dot1_col(const int16_t *col, const int8_t *w, int len) {
  int32_t a = 0;
  const int n4 = len >> 2;
  for (int g = 0; g < n4; g++) {
    const uint32_t wv = tf_ld32(w + 4 * g);
    int32_t xe, xo;
    memcpy(&xe, col + 4 * g, 4);
    memcpy(&xo, col + 4 * g + 2, 4);
    a = __smlad(__sxtb16(wv), xe, a);
    a = __smlad(tf_sxtb16_ror8(wv), xo, a);
  }
  for (int k = n4 * 4; k < len; k++) a += w[k] * col[tf_col_pos(k)];
  return a;
}
#endif

/* sum w[i] * (x[i] + off) for i < len. */
TF_INLINE int32_t tf_dot1(const int8_t *x, const int8_t *w, int len, int32_t off) {
  int32_t a = 0;
  int i = 0;
#if TF_DSP
  const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  for (; i + 4 <= len; i += 4) {
    const uint32_t xv = tf_ld32(x + i), wv = tf_ld32(w + i);
    a = __smlad(__sxtb16(wv), __sadd16(__sxtb16(xv), off2), a);
    a = __smlad(tf_sxtb16_ror8(wv), __sadd16(tf_sxtb16_ror8(xv), off2), a);
  }
#endif
  for (; i < len; i++) a = tf_wadd(a, (int32_t)w[i] * ((int32_t)x[i] + off));
  return a;
}

/* acc[j] += sum w[j * ws + i] * (x[i] + off), j = 0..3: four filter rows share each input load. */
TF_INLINE void tf_dot4(const int8_t *x, const int8_t *w, size_t ws, int len, int32_t off, int32_t *acc) {
  const int8_t *w0 = w, *w1 = w + ws, *w2 = w + 2 * ws, *w3 = w + 3 * ws;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int i = 0;
#if TF_DSP
  const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  for (; i + 4 <= len; i += 4) {
    const uint32_t xv = tf_ld32(x + i);
    const int32_t xe = __sadd16(__sxtb16(xv), off2);
    const int32_t xo = __sadd16(tf_sxtb16_ror8(xv), off2);
    uint32_t wv;
    wv = tf_ld32(w0 + i); a0 = __smlad(__sxtb16(wv), xe, a0); a0 = __smlad(tf_sxtb16_ror8(wv), xo, a0);
    wv = tf_ld32(w1 + i); a1 = __smlad(__sxtb16(wv), xe, a1); a1 = __smlad(tf_sxtb16_ror8(wv), xo, a1);
    wv = tf_ld32(w2 + i); a2 = __smlad(__sxtb16(wv), xe, a2); a2 = __smlad(tf_sxtb16_ror8(wv), xo, a2);
    wv = tf_ld32(w3 + i); a3 = __smlad(__sxtb16(wv), xe, a3); a3 = __smlad(tf_sxtb16_ror8(wv), xo, a3);
  }
#endif
  for (; i < len; i++) {
    const int32_t xv = (int32_t)x[i] + off;
    a0 = tf_wadd(a0, w0[i] * xv);
    a1 = tf_wadd(a1, w1[i] * xv);
    a2 = tf_wadd(a2, w2[i] * xv);
    a3 = tf_wadd(a3, w3[i] * xv);
  }
  acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

#endif
