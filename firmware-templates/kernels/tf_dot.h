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

/* sum w[i] * (x[i] + off) for i < len. */
TF_INLINE int32_t tf_dot1(const int8_t *x, const int8_t *w, int len, int32_t off) {
  int32_t a = 0;
  int i = 0;
#if TF_DSP
  const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  for (; i + 4 <= len; i += 4) {
    const uint32_t xv = tf_ld32(x + i), wv = tf_ld32(w + i);
    a = __smlad(__sxtb16(wv), __sadd16(__sxtb16(xv), off2), a);
    a = __smlad(__sxtb16(tf_ror8(wv)), __sadd16(__sxtb16(tf_ror8(xv)), off2), a);
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
    const int32_t xo = __sadd16(__sxtb16(tf_ror8(xv)), off2);
    uint32_t wv;
    wv = tf_ld32(w0 + i); a0 = __smlad(__sxtb16(wv), xe, a0); a0 = __smlad(__sxtb16(tf_ror8(wv)), xo, a0);
    wv = tf_ld32(w1 + i); a1 = __smlad(__sxtb16(wv), xe, a1); a1 = __smlad(__sxtb16(tf_ror8(wv)), xo, a1);
    wv = tf_ld32(w2 + i); a2 = __smlad(__sxtb16(wv), xe, a2); a2 = __smlad(__sxtb16(tf_ror8(wv)), xo, a2);
    wv = tf_ld32(w3 + i); a3 = __smlad(__sxtb16(wv), xe, a3); a3 = __smlad(__sxtb16(tf_ror8(wv)), xo, a3);
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
