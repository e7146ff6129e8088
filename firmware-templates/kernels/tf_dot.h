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

/* Most int16 elements of the per-pixel column buffer (in the call's planned workspace, src/ir/workspace.ts
 * C_COL_MAX: 2 bytes per element of the dot product, 4 KiB at most); longer dot products take the in-loop path. */
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

/* One group of tf_dot4_col's loop: 8 int16 of the column against 4 weights of each of the four rows. */
#define TF_DOT4_COL_GROUP                                                                           \
  "ldrd   %[xe], %[xo], [%[c]], #8\n\t" \
  "ldr    %[wv], [%[w0], %[ws]]\n\t" \
  "sxtb16 %[t], %[wv]\n\t" \
  "smlad  %[a1], %[t], %[xe], %[a1]\n\t" \
  "sxtb16 %[t], %[wv], ror #8\n\t" \
  "smlad  %[a1], %[t], %[xo], %[a1]\n\t" \
  "ldr    %[wv], [%[w0], %[ws], lsl #1]\n\t" \
  "sxtb16 %[t], %[wv]\n\t" \
  "smlad  %[a2], %[t], %[xe], %[a2]\n\t" \
  "sxtb16 %[t], %[wv], ror #8\n\t" \
  "smlad  %[a2], %[t], %[xo], %[a2]\n\t" \
  "ldr    %[wv], [%[w3]], #4\n\t" \
  "sxtb16 %[t], %[wv]\n\t" \
  "smlad  %[a3], %[t], %[xe], %[a3]\n\t" \
  "sxtb16 %[t], %[wv], ror #8\n\t" \
  "smlad  %[a3], %[t], %[xo], %[a3]\n\t" \
  "ldr    %[wv], [%[w0]], #4\n\t" \
  "sxtb16 %[t], %[wv]\n\t" \
  "smlad  %[a0], %[t], %[xe], %[a0]\n\t" \
  "sxtb16 %[t], %[wv], ror #8\n\t" \
  "smlad  %[a0], %[t], %[xo], %[a0]\n\t"

/* acc[j] += sum_k w[j * ws + k] * col(k), j = 0..3, k < len: the column buffer against four weight rows.
 * The main loop is assembly, two groups a pass: 45 instructions per 32 multiply-accumulates with every
 * value but the end pointer in a register (GCC's allocation of the same loop spills three pointers). */
TF_INLINE void tf_dot4_col(const int16_t *col, const int8_t *w, size_t ws, int len, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  const int n4 = len >> 2;
  const int8_t *w0 = w, *w3 = w + 3 * ws;
#if defined(__OPTIMIZE__)
  const int16_t *c = col;
  if (n4 & 1) {
    /* An odd group first: the loop below takes two groups per pass (half its compare-and-branch). */
    int32_t xe, xo;
    memcpy(&xe, c, 4);
    memcpy(&xo, c + 2, 4);
    const uint32_t v0 = tf_ld32(w0), v1 = tf_ld32(w0 + ws), v2 = tf_ld32(w0 + 2 * ws), v3 = tf_ld32(w3);
    a0 = __smlad(tf_sxtb16_ror8(v0), xo, __smlad(__sxtb16(v0), xe, a0));
    a1 = __smlad(tf_sxtb16_ror8(v1), xo, __smlad(__sxtb16(v1), xe, a1));
    a2 = __smlad(tf_sxtb16_ror8(v2), xo, __smlad(__sxtb16(v2), xe, a2));
    a3 = __smlad(tf_sxtb16_ror8(v3), xo, __smlad(__sxtb16(v3), xe, a3));
    c += 4, w0 += 4, w3 += 4;
  }
  if (n4 > 1) {
    const int16_t *cend = col + 4 * n4;
    int32_t xe, xo, wv, t;
    __asm__ volatile(
        "1:\n\t"
        TF_DOT4_COL_GROUP
        TF_DOT4_COL_GROUP
        "ldr    %[t], %[cend]\n\t"
        "cmp    %[c], %[t]\n\t"
        "bne    1b\n\t"
        : [c] "+r"(c), [w0] "+r"(w0), [w3] "+r"(w3), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
          [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [t] "=&r"(t)
        : [cend] "m"(cend), [ws] "r"(ws)
        : "cc", "memory");
  }
#else
  /* -O0 keeps a frame pointer, leaving too few registers for the loop above: the same steps in C. */
  for (int g = 0; g < n4; g++, w0 += 4, w3 += 4) {
    int32_t xe, xo;
    memcpy(&xe, col + 4 * g, 4);
    memcpy(&xo, col + 4 * g + 2, 4);
    const uint32_t v0 = tf_ld32(w0), v1 = tf_ld32(w0 + ws), v2 = tf_ld32(w0 + 2 * ws), v3 = tf_ld32(w3);
    a0 = __smlad(tf_sxtb16_ror8(v0), xo, __smlad(__sxtb16(v0), xe, a0));
    a1 = __smlad(tf_sxtb16_ror8(v1), xo, __smlad(__sxtb16(v1), xe, a1));
    a2 = __smlad(tf_sxtb16_ror8(v2), xo, __smlad(__sxtb16(v2), xe, a2));
    a3 = __smlad(tf_sxtb16_ror8(v3), xo, __smlad(__sxtb16(v3), xe, a3));
  }
#endif
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

/* Pixel-block column buffers: P pixels' columns interleaved by groups of 4 elements, group g of pixel q at
 * int16 index 4 P g + 4 q in the (0, 2, 1, 3) order above (P = 1 is the single-pixel layout). */
TF_INLINE int tf_colp_pos(int k, int P) { return (k >> 2) * 4 * P + ((k & 1) << 1 | ((k >> 1) & 1)); }

/* One group of 4 elements of a 4-pixel block against one filter row: the weight word unpacked once, then
 * each pixel's pair of column words into its accumulator (A0..A3: the operands added to, which the first
 * group of a row takes from its start value). 15 instructions per 16 MACs. */
#define TF_PX4_GROUP_FROM(A0, A1, A2, A3)                            \
  "ldr    %[wv], [%[w]], #4\n\t"                                     \
  "ldrd   %[xe], %[xo], [%[c]], #8\n\t"                              \
  "sxtb16 %[we], %[wv]\n\t"                                          \
  "sxtb16 %[wv], %[wv], ror #8\n\t"                                  \
  "smlad  %[a0], %[we], %[xe], %[" #A0 "]\n\t"                       \
  "smlad  %[a0], %[wv], %[xo], %[a0]\n\t"                            \
  "ldrd   %[xe], %[xo], [%[c]], #8\n\t"                              \
  "smlad  %[a1], %[we], %[xe], %[" #A1 "]\n\t"                       \
  "smlad  %[a1], %[wv], %[xo], %[a1]\n\t"                            \
  "ldrd   %[xe], %[xo], [%[c]], #8\n\t"                              \
  "smlad  %[a2], %[we], %[xe], %[" #A2 "]\n\t"                       \
  "smlad  %[a2], %[wv], %[xo], %[a2]\n\t"                            \
  "ldrd   %[xe], %[xo], [%[c]], #8\n\t"                              \
  "smlad  %[a3], %[we], %[xe], %[" #A3 "]\n\t"                       \
  "smlad  %[a3], %[wv], %[xo], %[a3]\n\t"
#define TF_PX4_GROUP TF_PX4_GROUP_FROM(a0, a1, a2, a3)

/* a[q] = b + sum_k w[k] * col_q(k), q = 0..3, over groups >= 1 groups of 4 (a 4-pixel block, one filter row:
 * each weight word loaded and unpacked once for the four pixels). The first group adds to b, so no moves;
 * then an odd group, then two a pass (16 instructions per 16 MACs). Returns w past the row (rows are consecutive when the depth is a multiple of 4). */
TF_INLINE const int8_t *tf_dot_px4_from(const int16_t *col, const int8_t *w, int groups, int32_t b, int32_t *a) {
  int32_t a0, a1, a2, a3, xe, xo, wv, we;
  const int16_t *c = col;
  __asm__ volatile(TF_PX4_GROUP_FROM(b, b, b, b)
                   : [c] "+r"(c), [w] "+r"(w), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
                     [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [we] "=&r"(we)
                   : [b] "r"(b)
                   : "memory");
  if (!(groups & 1)) {
    __asm__ volatile(TF_PX4_GROUP
                     : [c] "+r"(c), [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [we] "=&r"(we)
                     :
                     : "memory");
  }
  if (groups > 2) {
    const int16_t *cend = col + 16 * groups;
    __asm__ volatile("1:\n\t"
                     TF_PX4_GROUP
                     TF_PX4_GROUP
                     "cmp    %[c], %[cend]\n\t"
                     "bne    1b\n\t"
                     : [c] "+r"(c), [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                       [xe] "=&r"(xe), [xo] "=&r"(xo), [wv] "=&r"(wv), [we] "=&r"(we)
                     : [cend] "r"(cend)
                     : "cc", "memory");
  }
  a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
  return w;
}

/* One group of a 4-pixel block against one filter row with the column words loaded by LDM, two pixels' pairs an
 * instruction (x0..x3 are pinned to ascending registers: LDM fills them in register order): 13 instructions per
 * 16 MACs. */
#define TF_PX4_LDM_GROUP                                     \
  "ldr    %[wv], [%[w]], #4\n\t"                             \
  "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"           \
  "sxtb16 %[we], %[wv]\n\t"                                  \
  "sxtb16 %[wv], %[wv], ror #8\n\t"                          \
  "smlad  %[a0], %[we], %[x0], %[a0]\n\t"                    \
  "smlad  %[a0], %[wv], %[x1], %[a0]\n\t"                    \
  "smlad  %[a1], %[we], %[x2], %[a1]\n\t"                    \
  "smlad  %[a1], %[wv], %[x3], %[a1]\n\t"                    \
  "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"           \
  "smlad  %[a2], %[we], %[x0], %[a2]\n\t"                    \
  "smlad  %[a2], %[wv], %[x1], %[a2]\n\t"                    \
  "smlad  %[a3], %[we], %[x2], %[a3]\n\t"                    \
  "smlad  %[a3], %[wv], %[x3], %[a3]\n\t"

/* tf_dot_px4_from with LDM column loads (TF_PX4_LDM_GROUP): a[q] = b + sum_k w[k] col_q(k) over groups >= 1;
 * groups % 4 single groups first (a jump into the unrolled pass), then four a pass: 54 instructions per 64 MACs.
 * Returns w past the row. -O0 keeps a frame pointer and cannot give the asm its 13 registers: tf_dot_px4_from. */
TF_INLINE const int8_t *tf_dot_px4_ldm(const int16_t *col, const int8_t *w, int groups, int32_t b, int32_t *a) {
#if defined(__OPTIMIZE__)
  register int32_t x0 __asm__("r8"), x1 __asm__("r9"), x2 __asm__("r10"), x3 __asm__("r11");
  int32_t a0 = b, a1 = b, a2 = b, a3 = b, wv, we;
  const int16_t *c = col, *const cend = col + 16 * groups;
  /* Bits 5-6 of the bytes left (32 a group) are groups % 4: enter the pass 4 - groups % 4 groups in. */
  __asm__ volatile("sub    %[wv], %[cend], %[c]\n\t"
                   "ands   %[wv], %[wv], #96\n\t"
                   "beq    1f\n\t"
                   "cmp    %[wv], #64\n\t"
                   "bhi    4f\n\t"
                   "beq    3f\n\t"
                   "b      2f\n\t"
                   "1:\n\t" TF_PX4_LDM_GROUP
                   "4:\n\t" TF_PX4_LDM_GROUP
                   "3:\n\t" TF_PX4_LDM_GROUP
                   "2:\n\t" TF_PX4_LDM_GROUP
                   "cmp    %[c], %[cend]\n\t"
                   "bne    1b\n\t"
                   : [c] "+r"(c), [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                     [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [wv] "=&r"(wv), [we] "=&r"(we)
                   : [cend] "r"(cend)
                   : "cc", "memory");
  a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
  return w;
#else
  return tf_dot_px4_from(col, w, groups, b, a);
#endif
}

/* SXTAB16 with the bytes 1 and 3 of v: a's halves plus them sign-extended (one instruction). */
TF_INLINE int32_t tf_sxtab16_ror8(int32_t a, uint32_t v) {
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
  return r;
}

/* Four int8 lanes clamped to [lo, hi] lane-wise (lo4 / hi4: the bounds in every byte). */
TF_INLINE uint32_t tf_clamp4(uint32_t v, uint32_t lo4, uint32_t hi4) {
  uint32_t t;
  __asm__("ssub8 %1, %0, %2\n\t"
          "sel   %0, %0, %2\n\t"
          "ssub8 %1, %3, %0\n\t"
          "sel   %0, %0, %3"
          : "+r"(v), "=&r"(t)
          : "r"(lo4), "r"(hi4));
  return v;
}

/* pk's byte at bit BIT (0, 8, 16 or 24, a literal) = int8 saturation of tf_rq_apply(v, m, hc, sh)
 * (8 instructions). */
#define TF_RQ_BYTE_AT(pk_, v_, m_, hc_, sh_, BIT)                                                          \
  do {                                                                                                 \
    uint32_t lo_;                                                                                      \
    int32_t hi_;                                                                                       \
    __asm__("and   %[lo], %[v], #0x80000000\n\t"                                                        \
            "orr   %[lo], %[lo], #0x40000000\n\t"                                                       \
            "add   %[hi], %[hc], %[v], asr #31\n\t"                                                     \
            "smlal %[lo], %[hi], %[v], %[m]\n\t"                                                        \
            "asr   %[hi], %[hi], %[sh]\n\t"                                                             \
            "add   %[hi], %[hi], %[sh], asr #8\n\t"                                                     \
            "ssat  %[hi], #8, %[hi]\n\t"                                                                \
            "bfi   %[pk], %[hi], #" #BIT ", #8"                                                        \
            : [pk] "+r"(pk_), [lo] "=&r"(lo_), [hi] "=&r"(hi_)                                           \
            : [v] "r"(v_), [m] "r"(m_), [hc] "r"(hc_), [sh] "r"(sh_));                                  \
  } while (0)

/* The same for byte j, any int expression 0..3: the BFI position must be a literal in the instruction,
 * and j is a constant only after unrolling (-O2), so a switch that optimization folds to one case. */
#define TF_RQ_BYTE(pk_, v_, m_, hc_, sh_, j_)                                                                \
  do {                                                                                                 \
    switch (j_) {                                                                                      \
      case 0: TF_RQ_BYTE_AT(pk_, v_, m_, hc_, sh_, 0); break;                                          \
      case 1: TF_RQ_BYTE_AT(pk_, v_, m_, hc_, sh_, 8); break;                                          \
      case 2: TF_RQ_BYTE_AT(pk_, v_, m_, hc_, sh_, 16); break;                                         \
      default: TF_RQ_BYTE_AT(pk_, v_, m_, hc_, sh_, 24); break;                                        \
    }                                                                                                  \
  } while (0)

/* v with bits [8j, 8j + 8) replaced by the low byte of b (BFI). */
#define TF_BYTE_INSERT(v, b, j) ((v) = ((v) & ~(0xffu << (8 * (j)))) | (((uint32_t)(b) & 0xffu) << (8 * (j))))

TF_INLINE uint32_t tf_bytes4(int32_t b) { return 0x01010101u * ((uint32_t)b & 0xffu); }

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

/* sum_i w[i] * (x[i] + off) in int64, for the 16x8 kernels (int16 x) and TRANSPOSE_CONV (int8 x): partial
 * sums of 256 taps in int32 (each |product| < 2^23), added into the 64-bit accumulator. */
#define TF_DOT64(NAME, XTYPE)                                                           \
  TF_INLINE int64_t NAME(const XTYPE *x, const int8_t *w, int32_t n, int32_t off) {     \
    int64_t acc = 0;                                                                    \
    for (int32_t i = 0; i < n; i += 256) {                                              \
      const int32_t end = n - i < 256 ? n : i + 256;                                    \
      int32_t part = 0;                                                                 \
      for (int32_t k = i; k < end; k++) part += (int32_t)w[k] * ((int32_t)x[k] + off);  \
      acc += part;                                                                      \
    }                                                                                   \
    return acc;                                                                         \
  }
TF_DOT64(tf_dot64_s8, int8_t)

/* Taps of a 16x8 partial sum kept in int32: |int16 x int8| <= 2^22, so 256 of them sum to at most 2^30 and
 * never wrap; added into the int64 accumulator every <= 256 taps, the sum is TFLM's 64-bit one exactly. */
#define TF_BLOCK16 256

#if TF_DSP
/* Two int16 elements at p (one LDR; unaligned access is allowed on ARMv7-M). */
TF_INLINE int32_t tf_ld16x2(const int16_t *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* The low halves of a and b as one word (a's low first), and their high halves: one PKHBT / PKHTB each (GCC
 * makes three to five instructions of the masks). */
TF_INLINE int32_t tf_pack_lo(int32_t a, int32_t b) {
  int32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
TF_INLINE int32_t tf_pack_hi(int32_t a, int32_t b) {
  int32_t r;
  __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
#endif

/* sum_{k < n} w[k] * x[k], int16 x, int8 w, n <= TF_BLOCK16 (exact in int32). ARMv7E-M: 4 taps per step,
 * the weights sign-extended in pairs (0, 2) / (1, 3) by SXTB16, the inputs paired to match (tf_pack_lo / hi),
 * two SMLADs. */
TF_INLINE int32_t tf_dot_s16(const int16_t *x, const int8_t *w, int n) {
  int32_t a = 0;
  int k = 0;
#if TF_DSP
  for (; k + 4 <= n; k += 4) {
    const int32_t x01 = tf_ld16x2(x + k), x23 = tf_ld16x2(x + k + 2);
    const uint32_t wv = tf_ld32(w + k);
    a = __smlad(__sxtb16(wv), tf_pack_lo(x01, x23), a);
    a = __smlad(tf_sxtb16_ror8(wv), tf_pack_hi(x01, x23), a);
  }
#endif
  for (; k < n; k++) a += (int32_t)w[k] * x[k];
  return a;
}

/* acc[j] += sum_{k < n} w[j * ws + k] * x[k], j = 0..3, n <= TF_BLOCK16 and each acc[j] a partial sum of at
 * most TF_BLOCK16 - n taps: four filter rows share each input load. */
TF_INLINE void tf_dot4_s16(const int16_t *x, const int8_t *w, size_t ws, int n, int32_t *acc) {
  const int8_t *w0 = w, *w1 = w + ws, *w2 = w + 2 * ws, *w3 = w + 3 * ws;
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  int k = 0;
#if TF_DSP
#if defined(__OPTIMIZE__)
  /* Assembly: 4 taps x 4 rows in 27 instructions with every value but the end pointer in a register (GCC's
   * allocation of the same steps spills the unpacked weights); rows 1 and 2 addressed from row 0 by ws. */
  const int16_t *xp = x, *xend = x + (n & ~3);
  const int8_t *p0 = w0, *p3 = w3;
  if (xp != xend) {
    int32_t xa, xb, t, wv;
    __asm__ volatile(
        "1:\n\t"
        "ldr    %[xa], [%[x]], #4\n\t"
        "ldr    %[xb], [%[x]], #4\n\t"
        "pkhtb  %[t], %[xb], %[xa], asr #16\n\t"
        "pkhbt  %[xa], %[xa], %[xb], lsl #16\n\t"
        "ldr    %[wv], [%[p0], %[ws]]\n\t"
        "sxtb16 %[xb], %[wv]\n\t"
        "smlad  %[a1], %[xb], %[xa], %[a1]\n\t"
        "sxtb16 %[xb], %[wv], ror #8\n\t"
        "smlad  %[a1], %[xb], %[t], %[a1]\n\t"
        "ldr    %[wv], [%[p0], %[ws], lsl #1]\n\t"
        "sxtb16 %[xb], %[wv]\n\t"
        "smlad  %[a2], %[xb], %[xa], %[a2]\n\t"
        "sxtb16 %[xb], %[wv], ror #8\n\t"
        "smlad  %[a2], %[xb], %[t], %[a2]\n\t"
        "ldr    %[wv], [%[p3]], #4\n\t"
        "sxtb16 %[xb], %[wv]\n\t"
        "smlad  %[a3], %[xb], %[xa], %[a3]\n\t"
        "sxtb16 %[xb], %[wv], ror #8\n\t"
        "smlad  %[a3], %[xb], %[t], %[a3]\n\t"
        "ldr    %[wv], [%[p0]], #4\n\t"
        "sxtb16 %[xb], %[wv]\n\t"
        "smlad  %[a0], %[xb], %[xa], %[a0]\n\t"
        "sxtb16 %[xb], %[wv], ror #8\n\t"
        "smlad  %[a0], %[xb], %[t], %[a0]\n\t"
        "ldr    %[t], %[xend]\n\t"
        "cmp    %[x], %[t]\n\t"
        "bne    1b\n\t"
        : [x] "+r"(xp), [p0] "+r"(p0), [p3] "+r"(p3), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
          [xa] "=&r"(xa), [xb] "=&r"(xb), [t] "=&r"(t), [wv] "=&r"(wv)
        : [xend] "m"(xend), [ws] "r"(ws)
        : "cc", "memory");
  }
#else
  /* -O0 keeps a frame pointer, leaving too few registers for the loop above: the same steps in C. */
  for (int g = 0; g + 4 <= n; g += 4) {
    const int32_t x01 = tf_ld16x2(x + g), x23 = tf_ld16x2(x + g + 2);
    const int32_t xe = tf_pack_lo(x01, x23), xo = tf_pack_hi(x01, x23);
    uint32_t wv;
    wv = tf_ld32(w0 + g); a0 = __smlad(__sxtb16(wv), xe, a0); a0 = __smlad(tf_sxtb16_ror8(wv), xo, a0);
    wv = tf_ld32(w1 + g); a1 = __smlad(__sxtb16(wv), xe, a1); a1 = __smlad(tf_sxtb16_ror8(wv), xo, a1);
    wv = tf_ld32(w2 + g); a2 = __smlad(__sxtb16(wv), xe, a2); a2 = __smlad(tf_sxtb16_ror8(wv), xo, a2);
    wv = tf_ld32(w3 + g); a3 = __smlad(__sxtb16(wv), xe, a3); a3 = __smlad(tf_sxtb16_ror8(wv), xo, a3);
  }
#endif
  k = n & ~3;
#endif
  for (; k < n; k++) {
    const int32_t xv = x[k];
    a0 += w0[k] * xv;
    a1 += w1[k] * xv;
    a2 += w2[k] * xv;
    a3 += w3[k] * xv;
  }
  acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

/* sum_i w[i] * x[i] in int64 for int16 x: partial sums of TF_BLOCK16 taps (tf_dot_s16). */
TF_INLINE int64_t tf_dot64_s16(const int16_t *x, const int8_t *w, int32_t n, int32_t off) {
  int64_t acc = 0;
  if (off != 0) {
    for (int32_t i = 0; i < n; i += TF_BLOCK16) {
      const int32_t end = n - i < TF_BLOCK16 ? n : i + TF_BLOCK16;
      int32_t part = 0;
      for (int32_t k = i; k < end; k++) part += (int32_t)w[k] * ((int32_t)x[k] + off);
      acc += part;
    }
    return acc;
  }
  for (int32_t i = 0; i < n; i += TF_BLOCK16) acc += tf_dot_s16(x + i, w + i, n - i < TF_BLOCK16 ? n - i : TF_BLOCK16);
  return acc;
}

#endif
