/* ADD, SUB, SQUARED_DIFFERENCE (also unquantized int32), PRELU (int8, int16), MUL (int8, int16), MAXIMUM, MINIMUM int8 with broadcasting (reference:
 * src/reference/ops/elementwise.ts, squared-difference.ts and maximum-minimum.ts). Output elements in increasing order, each written right after its operands are
 * read (the stream-element order). */
#include "tf_elem.h"
#include "tf_dot.h"

/* One output element, clamped to [act_min, act_max]: int8 (left shift 20) and int16 (left shift 15) alike. */
static inline int32_t add_sub_one(const tf_add_args *p, int32_t a, int32_t b, int sub) {
  const int32_t v1 = (a + p->input1_offset) * (1 << p->left_shift);
  const int32_t v2 = (b + p->input2_offset) * (1 << p->left_shift);
  const int32_t s1 = tf_mbqm(v1, p->input1_multiplier, p->input1_shift);
  const int32_t s2 = tf_mbqm(v2, p->input2_multiplier, p->input2_shift);
  const int32_t v = tf_mbqm(sub ? tf_wsub(s1, s2) : tf_wadd(s1, s2), p->output_multiplier, p->output_shift) + p->output_offset;
  return tf_clamp(v, p->act_min, p->act_max);
}

#if TF_DSP
/* ARMv7E-M: the three MultiplyByQuantizedMultiplier as single 64-bit multiply-accumulates (tf_mq for the
 * input scalings, tf_rq with the output zero point folded for the output), same elements in the same order. */
typedef struct {
  tf_mq q1, q2;
  tf_rq qo;
  int32_t mo, off1, off2, ls, lo, hi;
} add_fast;

static int add_fast_init(add_fast *f, const tf_add_args *p) {
  if (p->left_shift < 0 || p->left_shift > 30) return 0;
  if (!tf_mq_init(&f->q1, p->input1_multiplier, p->input1_shift) || !tf_mq_init(&f->q2, p->input2_multiplier, p->input2_shift)) return 0;
  if (!tf_rq_init(&f->qo, p->output_multiplier, p->output_shift, p->output_offset)) return 0;
  f->mo = p->output_multiplier;
  f->off1 = p->input1_offset; f->off2 = p->input2_offset; f->ls = p->left_shift;
  f->lo = p->act_min; f->hi = p->act_max;
  return 1;
}

TF_INLINE int8_t add_fast_one(const add_fast *f, int32_t a, int32_t b, int sub) {
  const int32_t s1 = tf_mq_apply(&f->q1, tf_wshl(a + f->off1, f->ls));
  const int32_t s2 = tf_mq_apply(&f->q2, tf_wshl(b + f->off2, f->ls));
  const int32_t v = tf_rq_apply(sub ? tf_wsub(s1, s2) : tf_wadd(s1, s2), f->mo, f->qo.hc, f->qo.sh);
  return (int8_t)tf_clamp(v, f->lo, f->hi);
}
#endif

/* int8 ADD / SUB without broadcasting, in 32-bit arithmetic. An input's scaling is
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(p << 20, m), r) with p = x + offset in [-255, 255].
 * With m = mh 2^11 + ml (ml < 2^11) the doubling high multiply is floor((p m 2^20 + 2^30) / 2^31)
 * = p mh + ((p ml + 2^10) >> 11), both products inside int32; RoundingDivideByPOT is (x + 2^(r-1) - [x < 0]) >> r,
 * and x has p's sign when mh >= 1. r = 0 comes from the larger input scale (multiplier 0.5: m = 2^30,
 * ml = 0), where the scaling is p mh alone. The output stage is tf_rq (zero point folded). */
typedef struct {
  int32_t off, mh, ml, h, r;
} add_in;

/* 1: the input's scaling fits the form above (r = 0 only with ml = 0); 0: the general path takes it. */
static int add_in_init(add_in *q, int32_t off, int32_t m, int32_t shift) {
  if (m < (1 << 11) || shift > 0 || shift < -31) return 0;
  q->off = off; q->mh = m >> 11; q->ml = m & 0x7ff; q->r = -shift;
  q->h = q->r ? (int32_t)(1u << (q->r - 1)) : 0;
  return q->r > 0 || q->ml == 0;
}

TF_INLINE int32_t add_in_apply(const add_in *q, int32_t x, int r0) {
  const int32_t p = x + q->off;
  if (r0) return p * q->mh;
  return (p * q->mh + q->h + (p >> 31) + ((p * q->ml + 1024) >> 11)) >> q->r;
}

/* n elements; r1 / r2: that input's shift is 0 (a literal at each call, so each loop is its own). */
TF_INLINE void add_flat_loop(const add_in *q1, const add_in *q2, int32_t mo, const tf_rq *qo, int32_t lo, int32_t hi,
                             const int8_t *a, const int8_t *b, int8_t *y, int32_t n, int r1, int r2, int sub) {
  for (int32_t i = 0; i < n; i++) {
    const int32_t s1 = add_in_apply(q1, a[i], r1), s2 = add_in_apply(q2, b[i], r2);
    const int32_t v = tf_rq_apply(sub ? s1 - s2 : s1 + s2, mo, qo->hc, qo->sh);
    y[i] = (int8_t)tf_clamp(v, lo, hi);
  }
}

/* add_hg_run's asm needs every register: -O0's frame pointer leaves too few, so -O0 takes the C loops. */
#if TF_DSP && defined(__OPTIMIZE__)
#define ADD_HG_ASM 1
#else
#define ADD_HG_ASM 0
#endif
#if ADD_HG_ASM
/* ARMv7E-M ADD without broadcasting of inputs with different scales: input A's multiplier is 2^30 with shift 0
 * (the larger scale), its scaled value (x + off_A) 2^19 exactly; input B's, m >= 2^11 and r = -shift >= 1, is
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(p 2^20, m), r) with p = x + off_B, where the high multiply
 * floor((p m + 2^10) / 2^11) is SMMULR(p 2^21, m) (|p 2^21| < 2^29) and the rounding 2^(r-1) - [p < 0] (the result
 * has p's sign for m >= 2^11) rides in the same SMMLAR's high word, with A's offset as off_A 2^(19+r) (a multiple of
 * 2^r: the floor shift stays exact). The sum v (|v| < 2^29) goes doubled into SMMLAR's requantization (tf_rqd_apply),
 * four outputs packed by BFI, clamped lane-wise, stored at once: 15 instructions an element, every value in a
 * register. */
typedef struct {
  int32_t off21, m, hk, r;
} add_hg;

/* 1: input 1 (hA = 1) or 2 (hA = 2) has the 'half' form, the other the general one, the offset fold within int32. */
static int add_hg_init(add_hg *q, const tf_add_args *p, int *hA) {
  const int h1 = p->input1_multiplier == (1 << 30) && p->input1_shift == 0, h2 = p->input2_multiplier == (1 << 30) && p->input2_shift == 0;
  if (h1 == h2 || p->left_shift != 20) return 0;
  *hA = h1 ? 1 : 2;
  const int32_t offA = h1 ? p->input1_offset : p->input2_offset, offB = h1 ? p->input2_offset : p->input1_offset;
  const int32_t m = h1 ? p->input2_multiplier : p->input1_multiplier, shift = h1 ? p->input2_shift : p->input1_shift;
  if (m < (1 << 11) || shift > -1 || shift < -8 || offA < -256 || offA > 256 || offB < -256 || offB > 256) return 0;
  const int64_t hk = ((int64_t)1 << (-shift - 1)) + (int64_t)offA * ((int64_t)1 << (19 - shift));
  /* the high word hk - 1 + SMMULR (|SMMULR| < 2^28) within int32 */
  if (hk < -((int64_t)1 << 30) || hk > ((int64_t)1 << 30)) return 0;
  q->off21 = (int32_t)((uint32_t)offB << 21); q->m = m; q->hk = (int32_t)hk; q->r = -shift;
  return 1;
}

/* One element into acc: xa from A, xb from B (post-incremented), v = s_A + s_B, tf_rqd_apply(2 v), SSAT. */
#define ADD_HG_CORE                                       \
  "ldrsb  %[xa], [%[a]], #1\n\t"                          \
  "ldrsb  %[t], [%[b]], #1\n\t"                           \
  "add    %[t], %[off21], %[t], lsl #21\n\t"              \
  "add    %[acc], %[hk], %[t], asr #31\n\t"               \
  "smmlar %[acc], %[t], %[m], %[acc]\n\t"                 \
  "asr    %[acc], %[acc], %[r]\n\t"                       \
  "add    %[acc], %[acc], %[xa], lsl #19\n\t"             \
  "add    %[xa], %[acc], %[acc]\n\t"                      \
  "add    %[acc], %[hc], %[acc], asr #31\n\t"             \
  "smmlar %[acc], %[xa], %[mo], %[acc]\n\t"               \
  "asr    %[acc], %[acc], %[sho]\n\t"                     \
  "ssat   %[acc], #8, %[acc]\n\t"

/* One element into byte BIT of pk. */
#define ADD_HG_ONE(BIT)                                   \
  ADD_HG_CORE                                             \
  "bfi    %[pk], %[acc], #" #BIT ", #8\n\t"

/* a: the half input, b: the other. */
/* pk clamped lane-wise to [lo4, hi4] (tf_clamp4 with the bounds from memory). */
#define ADD_HG_CLAMP                                      \
  "ldr    %[t], %[lo4]\n\t"                               \
  "ssub8  %[acc], %[pk], %[t]\n\t"                        \
  "sel    %[pk], %[pk], %[t]\n\t"                         \
  "ldr    %[t], %[hi4]\n\t"                               \
  "ssub8  %[acc], %[t], %[pk]\n\t"                        \
  "sel    %[pk], %[pk], %[t]\n\t"

/* One element stored by itself: SSAT #8 is the whole clamp when it is int8's full range. */
#define ADD_HG_ONE_STORE                                  \
  ADD_HG_CORE                                             \
  "strb   %[acc], [%[y]], #1\n\t"

/* add_hg_run without a fused activation (mcunet's and resnet's residual ADDs): no lane clamp, a byte store an
 * element and the end in a register: 13.5 instructions an element instead of 15.5. */
static void add_hg_run_full(const add_hg *q, const tf_rq *qo, const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y) {
  const int32_t n = p->size, mo = p->output_multiplier;
  int32_t off21 = q->off21, m = q->m, hk = q->hk, r = q->r, hc = qo->hc, sho = qo->sh;
  const int8_t *yend = y + (n & ~3), *ytail = y + n;
  uint32_t t, acc, xa;
  if (y != yend) {
    __asm__ volatile("1:\n\t"
                     ADD_HG_ONE_STORE ADD_HG_ONE_STORE ADD_HG_ONE_STORE ADD_HG_ONE_STORE
                     "cmp    %[y], %[yend]\n\t"
                     "bne    1b\n\t"
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [t] "=&r"(t), [acc] "=&r"(acc), [xa] "=&r"(xa)
                     : [off21] "r"(off21), [m] "r"(m), [hk] "r"(hk), [r] "r"(r), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho),
                       [yend] "r"(yend)
                     : "cc", "memory");
  }
  while (y != ytail) {
    /* the last n % 4 elements */
    __asm__ volatile(ADD_HG_ONE_STORE
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [t] "=&r"(t), [acc] "=&r"(acc), [xa] "=&r"(xa)
                     : [off21] "r"(off21), [m] "r"(m), [hk] "r"(hk), [r] "r"(r), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho)
                     : "cc", "memory");
  }
}

static void add_hg_run(const add_hg *q, const tf_rq *qo, const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y) {
  const int32_t n = p->size, mo = p->output_multiplier;
  if (p->act_min == -128 && p->act_max == 127) {
    add_hg_run_full(q, qo, p, a, b, y);
    return;
  }
  const uint32_t lo4 = tf_bytes4(p->act_min), hi4 = tf_bytes4(p->act_max);
  int32_t off21 = q->off21, m = q->m, hk = q->hk, r = q->r, hc = qo->hc, sho = qo->sh;
  const int8_t *yend = y + (n & ~3);
  uint32_t pk = 0, t, acc, xa;
  if (y != yend) {
    __asm__ volatile("1:\n\t"
                     ADD_HG_ONE(0) ADD_HG_ONE(8) ADD_HG_ONE(16) ADD_HG_ONE(24)
                     ADD_HG_CLAMP
                     "str    %[pk], [%[y]], #4\n\t"
                     "ldr    %[t], %[yend]\n\t"
                     "cmp    %[y], %[t]\n\t"
                     "bne    1b\n\t"
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [pk] "+r"(pk), [t] "=&r"(t), [acc] "=&r"(acc), [xa] "=&r"(xa)
                     : [off21] "r"(off21), [m] "r"(m), [hk] "r"(hk), [r] "r"(r), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho),
                       [lo4] "m"(lo4), [hi4] "m"(hi4), [yend] "m"(yend)
                     : "cc", "memory");
  }
  for (int32_t i = n & 3; i > 0; i--) {
    /* the last n % 4 elements one by one through byte 0 */
    __asm__ volatile(ADD_HG_ONE(0) ADD_HG_CLAMP "strb   %[pk], [%[y]], #1\n\t"
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [pk] "+r"(pk), [t] "=&r"(t), [acc] "=&r"(acc), [xa] "=&r"(xa)
                     : [off21] "r"(off21), [m] "r"(m), [hk] "r"(hk), [r] "r"(r), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho),
                       [lo4] "m"(lo4), [hi4] "m"(hi4)
                     : "cc", "memory");
  }
}

/* 1 when it ran: ADD, int8, one input 'half', the other general, the output's requantization in tf_rqd's form. */
static int add_hg_flat(const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y) {
  add_hg q;
  tf_rq qo;
  int hA;
  if (!add_hg_init(&q, p, &hA) || !tf_rqd_init(&qo, p->output_multiplier, p->output_shift, p->output_offset)) return 0;
  /* the half input as A (the sum commutes; each element still read before it is written) */
  if (hA == 1) add_hg_run(&q, &qo, p, a, b, y);
  else add_hg_run(&q, &qo, p, b, a, y);
  return 1;
}
#endif

/* int8 ADD with the lowering's input table (record field `table`, src/schedule/abi/ops/add-table.ts: flat, no fused
 * clamp, one input 'half', the output in tf_rqd's form): twice TFLite's sum is tab[b] + a 2^20 for the half input's byte a
 * and the other's b, into tf_rqd_apply and SSAT. 1 when it ran. */
static int add_tab_flat(const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y) {
  tf_rq qo;
  if (!p->table || !tf_rqd_init(&qo, p->output_multiplier, p->output_shift, p->output_offset)) return 0;
  const int32_t *tab = (const int32_t *)tf_ref(p->table) + 128;
  if (p->input1_multiplier != (1 << 30) || p->input1_shift != 0) {
    /* input 2 is the half one (the sum commutes; each element still read before it is written) */
    const int8_t *t = a;
    a = b;
    b = t;
  }
  const int32_t n = p->size, mo = p->output_multiplier, hc = qo.hc, sho = qo.sh;
#if ADD_HG_ASM
  /* 9 instructions an element: two byte loads, the table word, the sum, tf_rqd_apply's three, SSAT, the store */
  const int8_t *yend = y + (n & ~3), *ytail = y + n;
  int32_t xa, t, acc;
#define ADD_TAB_ONE                                  \
  "ldrsb  %[xa], [%[a]], #1\n\t"                     \
  "ldrsb  %[t], [%[b]], #1\n\t"                      \
  "ldr    %[t], [%[tab], %[t], lsl #2]\n\t"          \
  "add    %[t], %[t], %[xa], lsl #20\n\t"            \
  "add    %[acc], %[hc], %[t], asr #31\n\t"          \
  "smmlar %[acc], %[t], %[mo], %[acc]\n\t"           \
  "asr    %[acc], %[acc], %[sho]\n\t"                \
  "ssat   %[acc], #8, %[acc]\n\t"                    \
  "strb   %[acc], [%[y]], #1\n\t"
  if (y != yend) {
    __asm__ volatile("1:\n\t" ADD_TAB_ONE ADD_TAB_ONE ADD_TAB_ONE ADD_TAB_ONE
                     "cmp    %[y], %[yend]\n\t"
                     "bne    1b\n\t"
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [xa] "=&r"(xa), [t] "=&r"(t), [acc] "=&r"(acc)
                     : [tab] "r"(tab), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho), [yend] "r"(yend)
                     : "cc", "memory");
  }
  while (y != ytail) {
    __asm__ volatile(ADD_TAB_ONE
                     : [a] "+r"(a), [b] "+r"(b), [y] "+r"(y), [xa] "=&r"(xa), [t] "=&r"(t), [acc] "=&r"(acc)
                     : [tab] "r"(tab), [hc] "r"(hc), [mo] "r"(mo), [sho] "r"(sho)
                     : "cc", "memory");
  }
#undef ADD_TAB_ONE
#else
  for (int32_t i = 0; i < n; i++) {
    const int32_t v2 = tab[b[i]] + a[i] * (1 << 20);
    y[i] = (int8_t)tf_clamp(tf_rqd_apply(v2, mo, hc, sho), -128, 127);
  }
#endif
  return 1;
}

/* 1 when it ran: int8, left shift 20, both input scalings and the output's in the forms above. */
static int add_sub_flat(const tf_add_args *p, const int8_t *a, const int8_t *b, int8_t *y, int sub) {
  add_in q1, q2;
  tf_rq qo;
#if ADD_HG_ASM
  if (!sub && add_hg_flat(p, a, b, y)) return 1;
#endif
  if (p->left_shift != 20 || !add_in_init(&q1, p->input1_offset, p->input1_multiplier, p->input1_shift) ||
      !add_in_init(&q2, p->input2_offset, p->input2_multiplier, p->input2_shift) ||
      !tf_rq_init(&qo, p->output_multiplier, p->output_shift, p->output_offset))
    return 0;
  const int32_t mo = p->output_multiplier, lo = p->act_min, hi = p->act_max, n = p->size;
  const int z1 = q1.r == 0, z2 = q2.r == 0;
  if (sub) {
    if (z1 || z2) return 0;
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 0, 0, 1);
  } else if (z1 && z2) {
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 1, 1, 0);
  } else if (z1 || z2) {
#if ADD_HG_ASM
    return 0; /* add_hg_flat's form, unless its offsets or shift are out of its range: add_fast's path */
#else
    /* the shift-0 input first (the sum commutes; each element still read before it is written) */
    if (z1) add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 1, 0, 0);
    else add_flat_loop(&q2, &q1, mo, &qo, lo, hi, b, a, y, n, 1, 0, 0);
#endif
  } else {
    add_flat_loop(&q1, &q2, mo, &qo, lo, hi, a, b, y, n, 0, 0, 0);
  }
  return 1;
}

static void add_sub(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  if (p->flat && !sub && add_tab_flat(p, a, b, y)) return;
  if (p->flat && add_sub_flat(p, a, b, y, sub)) return;
#if TF_DSP
  add_fast f;
  if (add_fast_init(&f, p)) {
    /* flat calls too (their strides walk the elements in order): the flat forms are add_sub_flat's, add_hg_flat's */
    bcast_iter it = {{0}, 0, 0};
    for (int32_t i = 0; i < p->size; i++) {
      y[i] = add_fast_one(&f, a[it.i1], b[it.i2], sub);
      bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
    }
    return;
  }
#endif
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) y[i] = (int8_t)add_sub_one(p, a[i], b[i], sub);
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    y[i] = (int8_t)add_sub_one(p, a[it.i1], b[it.i2], sub);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void add_s8(const int32_t *args) { add_sub(args, 0); }
void sub_s8(const int32_t *args) { add_sub(args, 1); }

/* int16 ADD / SUB (TFLM's general path, which TFLM Micro always takes): the int8 arithmetic with left shift 15. */
static void add_sub16(const int32_t *args, int sub) {
  const tf_add_args *p = (const tf_add_args *)args;
  const int16_t *a = (const int16_t *)tf_ref(p->input1);
  const int16_t *b = (const int16_t *)tf_ref(p->input2);
  int16_t *y = (int16_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    if (p->flat) {
      y[i] = (int16_t)add_sub_one(p, a[i], b[i], sub);
      continue;
    }
    y[i] = (int16_t)add_sub_one(p, a[it.i1], b[it.i2], sub);
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void add_s16(const int32_t *args) { add_sub16(args, 0); }
void sub_s16(const int32_t *args) { add_sub16(args, 1); }

/* SQUARED_DIFFERENCE (TFLM squared_difference.cc): ADD's input scaling, the int32 difference squared
 * (wrapping), then any output multiplier, clamped to the type. */
static void squared_difference(const int32_t *args, int type) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int32_t s1 = tf_mbqm(tf_wshl(tf_load(a, type, i1) + p->input1_offset, p->left_shift), p->input1_multiplier, p->input1_shift);
    const int32_t s2 = tf_mbqm(tf_wshl(tf_load(b, type, i2) + p->input2_offset, p->left_shift), p->input2_multiplier, p->input2_shift);
    const int32_t d = tf_wsub(s1, s2);
    const int32_t v = tf_mbqm((int32_t)((uint32_t)d * (uint32_t)d), p->output_multiplier, p->output_shift) + p->output_offset;
    tf_store(y, type, i, tf_clamp(v, p->act_min, p->act_max));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void squared_difference_s8(const int32_t *args) { squared_difference(args, TF_INT8); }
void squared_difference_s16(const int32_t *args) { squared_difference(args, TF_INT16); }

/* int32 SQUARED_DIFFERENCE (TFLM's unquantized path): (a - b) * (a - b) in int32, wrapping as the C++ does. */
void squared_difference_s32(const int32_t *args) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const uint32_t d = (uint32_t)tf_wsub(tf_load(a, TF_INT32, i1), tf_load(b, TF_INT32, i2));
    tf_store(y, TF_INT32, i, (int32_t)(d * d));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

/* PRELU (TFLM BroadcastPrelu4DSlow): x - zp >= 0 by the identity multiplier (input 1's), else times
 * alpha - alpha zp by the alpha multiplier (input 2's); alpha is int8 for either input type. */
static void prelu(const int32_t *args, int type) {
  const tf_add_args *p = (const tf_add_args *)args;
  const void *x = tf_ref(p->input1);
  const int8_t *alpha = (const int8_t *)tf_ref(p->input2);
  void *y = tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int32_t v = tf_load(x, type, i1) + p->input1_offset;
    const int32_t r = v >= 0 ? tf_mbqm(v, p->input1_multiplier, p->input1_shift)
                             : tf_mbqm(v * (alpha[i2] + p->input2_offset), p->input2_multiplier, p->input2_shift);
    tf_store(y, type, i, tf_clamp(r + p->output_offset, p->act_min, p->act_max));
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void prelu_s8(const int32_t *args) { prelu(args, TF_INT8); }
void prelu_s16(const int32_t *args) { prelu(args, TF_INT16); }

/* MUL (TFLM MulElementwise / BroadcastMul4DSlow, int8 and int16 alike): the offset inputs' int32
 * product, one MultiplyByQuantizedMultiplier, clamped; int16 zero points are 0 (the deriver checks it). */
static inline int32_t mul_one(const tf_mul_args *p, int32_t a, int32_t b) {
  const int32_t v = tf_mbqm((a + p->input1_offset) * (b + p->input2_offset), p->output_multiplier, p->output_shift) + p->output_offset;
  return tf_clamp(v, p->act_min, p->act_max);
}

/* MUL for element type `type`, inlined into each kernel so the type folds (gcc shares it otherwise): a flat loop when no input
 * broadcasts, else the broadcast walk. */
TF_INLINE void mul(const int32_t *args, int type) {
  const tf_mul_args *p = (const tf_mul_args *)args;
  const void *a = tf_ref(p->input1), *b = tf_ref(p->input2);
  void *y = tf_ref(p->output);
  if (p->flat) {
    for (int32_t i = 0; i < p->size; i++) tf_store(y, type, i, mul_one(p, tf_load(a, type, i), tf_load(b, type, i)));
    return;
  }
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    tf_store(y, type, i, mul_one(p, tf_load(a, type, it.i1), tf_load(b, type, it.i2)));
    bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void mul_s8(const int32_t *args) { mul(args, TF_INT8); }
void mul_s16(const int32_t *args) { mul(args, TF_INT16); }

/* MAXIMUM / MINIMUM: stored values compared (TFLM's MaximumMinimumBroadcastSlow, no requantization). */
static void max_min(const int32_t *args, int is_max) {
  const tf_max_min_args *p = (const tf_max_min_args *)args;
  const int8_t *a = (const int8_t *)tf_ref(p->input1);
  const int8_t *b = (const int8_t *)tf_ref(p->input2);
  int8_t *y = (int8_t *)tf_ref(p->output);
  bcast_iter it = {{0}, 0, 0};
  for (int32_t i = 0; i < p->size; i++) {
    const int32_t i1 = p->flat ? i : it.i1, i2 = p->flat ? i : it.i2;
    const int8_t u = a[i1], v = b[i2];
    y[i] = is_max ? (u > v ? u : v) : (u < v ? u : v);
    if (!p->flat) bcast_next(p->out_shape, p->in1_strides, p->in2_strides, &it);
  }
}

void maximum_s8(const int32_t *args) { max_min(args, 1); }
void minimum_s8(const int32_t *args) { max_min(args, 0); }
