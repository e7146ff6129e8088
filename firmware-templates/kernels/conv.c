/* CONV_2D int8 (reference: src/reference/ops/conv.ts; variants: src/reference/variants.ts). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_dot.h"

typedef struct conv_dsp conv_dsp;
/* Pixel (n, oy, ox)'s window into lane q of the block's column buffer. */
typedef void conv_fill_fn(const conv_dsp *d, int n, int oy, int ox, int q);

#if TF_DSP
/* ARMv7E-M: pixels in blocks of P = 4 (or 1 for long windows). Each block's windows (x + input offset as
 * int16, zeros for taps outside the image, which the reference skips, and up to the next multiple of 4)
 * are gathered into a column buffer first, then every filter row runs over the block (tf_dot_px4_from: each
 * weight word unpacked once per 4 pixels; P = 1: four rows at a time, tf_dot4_col), the accumulators
 * starting at the bias. Requantization by tf_rq_apply from a per-call table, four channels of a pixel
 * packed into one word, clamped lane-wise and stored at once. A block reads all its pixels before writing
 * any (the forward streams allow reading later units early and writing earlier units late). */
#define TF_COL4_MAX 2304 /* int16 elements of a 4-pixel column buffer (src/ir/workspace.ts C_COL4_MAX) */
#define TF_RQ_MAX 512    /* output channels of a per-call requantization table (8 bytes each, C_RQ_MAX) */

/* Place of element k % 4 in its group of the column buffer: the (0, 2, 1, 3) order of tf_col_pos. */
static const uint8_t conv_col_perm[4] = {0, 2, 1, 3};
#define TF_COL_PERM(j) conv_col_perm[j]


struct conv_dsp {
  const tf_conv_params *p;
  const int8_t *x;
  int16_t *col;
  const tf_rq *rq; /* NULL: tf_requant_s8 per output */
  int P, K, G;     /* pixels per block, window elements, groups of 4 (K rounded up) */
  conv_fill_fn *fill; /* the column fill for the call's window (conv_col_fill_for) */
  void (*block4)(const conv_dsp *d, int8_t *dst); /* a full 4-pixel block of the symbol's own KxK loop, or NULL: conv_kxk_block4 */
  int pw;          /* 1: the pointwise path (conv_pw_run), rq holding tf_rqd_init's forms */
  int pwd;         /* 1: no channel takes conv_pw_other's exact way (rq sh != 0): conv_pw_block4_asm runs the full blocks */
  const int32_t *channel_records; /* the lowering's channel-pair records of the RGB first conv (conv3_rec_run), or NULL */
  int32_t off2, off4; /* the input offset in both halves; twice it (the KxK column holds 2 (x + offset)) */
  uint32_t lo4, hi4;
};

/* Group word w (4 int8) doubled + off4 (twice the input offset) as the column's two int16 pairs at g: (k0, k2), (k1, k3).
 * STRD: one store (GCC makes two STRs of memcpys); the runs fill keeps the memcpys (GCC's code around the asm is
 * longer there). */
TF_INLINE void conv_col_group_at(int16_t *g, uint32_t w, int32_t off4, uint32_t keep_k3, const int strd) {
  const int32_t e = __sxtab16(__sxtab16(off4, w), w), o = (int32_t)((uint32_t)tf_sxtab16_ror8(tf_sxtab16_ror8(off4, w), w) & keep_k3);
  typedef struct { int16_t v[4]; } group_t;
  if (strd) {
    __asm__("strd %1, %2, [%3]" : "=m"(*(group_t *)g) : "r"(e), "r"(o), "r"(g));
  } else {
    memcpy(g, &e, 4);
    memcpy(g + 2, &o, 4);
  }
}
TF_INLINE void conv_col_group(int16_t *g, uint32_t w, int32_t off4, uint32_t keep_k3) { conv_col_group_at(g, w, off4, keep_k3, 1); }

TF_INLINE uint32_t conv_ld16(const int8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return v;
}

/* Pixel (n, oy, ox)'s 3x3 window over 3 channels (dilation 1: an RGB first convolution) into lane q. Inside the
 * image its 27 bytes are three runs of 9, gathered into the 7 groups with word loads (groups 2, 4, 6 straddle
 * runs), the 28th element 0; a window crossing the border tap by tap, zeros outside. */
static __attribute__((noinline)) void conv_col_fill_3x3c3(const conv_dsp *d, int n, int oy, int ox, int q) {
  const tf_conv_params *p = d->p;
  const int in_y0 = oy * p->stride_h - p->pad_top, in_x0 = ox * p->stride_w - p->pad_left;
  int16_t *g = d->col + 4 * q;
  const size_t step = (size_t)4 * d->P, row = (size_t)p->in_w * 3;
  const int32_t off4 = d->off4;
  /* signed: a plane narrower than 3 (in_w - 3 < 0) has no interior window */
  if (in_y0 < 0 || in_y0 > p->in_h - 3 || in_x0 < 0 || in_x0 > p->in_w - 3) {
    const int32_t off = p->q.input_offset;
    int k = 0;
    for (int iy = in_y0; iy < in_y0 + 3; iy++) {
      for (int ix = in_x0; ix < in_x0 + 3; ix++, k += 3) {
        if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) {
          const int8_t *xp = d->x + (((size_t)n * p->in_h + iy) * p->in_w + ix) * 3;
          g[tf_colp_pos(k, d->P)] = (int16_t)(2 * (xp[0] + off));
          g[tf_colp_pos(k + 1, d->P)] = (int16_t)(2 * (xp[1] + off));
          g[tf_colp_pos(k + 2, d->P)] = (int16_t)(2 * (xp[2] + off));
        } else {
          g[tf_colp_pos(k, d->P)] = g[tf_colp_pos(k + 1, d->P)] = g[tf_colp_pos(k + 2, d->P)] = 0;
        }
      }
    }
    g[tf_colp_pos(27, d->P)] = 0;
    return;
  }
  const int8_t *r0 = d->x + (((size_t)n * p->in_h + in_y0) * p->in_w + in_x0) * 3, *r1 = r0 + row, *r2 = r1 + row;
  conv_col_group(g, tf_ld32(r0), off4, ~0u);
  conv_col_group(g + step, tf_ld32(r0 + 4), off4, ~0u);
  conv_col_group(g + 2 * step, (uint8_t)r0[8] | tf_ld32(r1) << 8, off4, ~0u);
  conv_col_group(g + 3 * step, tf_ld32(r1 + 3), off4, ~0u);
  conv_col_group(g + 4 * step, conv_ld16(r1 + 7) | tf_ld32(r2) << 16, off4, ~0u);
  conv_col_group(g + 5 * step, tf_ld32(r2 + 2), off4, ~0u);
  conv_col_group(g + 6 * step, conv_ld16(r2 + 6) | (uint32_t)(uint8_t)r2[8] << 16, off4, 0xffffu);
}

/* Where the next window element goes: place j (0..3) of the group at g; step: one group to the next. */
typedef struct {
  int16_t *g;
  int j;
  size_t step;
} conv_col_cursor;

/* n zeros: place by place up to a group boundary, then whole groups, then the 1-3 left. */
TF_INLINE void conv_col_zeros(conv_col_cursor *c, int n) {
  for (; c->j != 0 && n > 0; n--) {
    c->g[TF_COL_PERM(c->j)] = 0;
    if (++c->j == 4) c->j = 0, c->g += c->step;
  }
  for (; n >= 4; n -= 4, c->g += c->step) memset(c->g, 0, 8);
  for (; n > 0; n--) c->g[TF_COL_PERM(c->j++)] = 0;
}

/* n consecutive inputs xp[0..n) plus the offset: place by place up to a group boundary, then a word load a
 * group, then the 1-3 left byte by byte (a word there could read past the input). */
TF_INLINE void conv_col_inputs(conv_col_cursor *c, const int8_t *xp, int n, int32_t off, int32_t off4) {
  for (; c->j != 0 && n > 0; n--) {
    c->g[TF_COL_PERM(c->j)] = (int16_t)(2 * (*xp++ + off));
    if (++c->j == 4) c->j = 0, c->g += c->step;
  }
  for (; n >= 4; n -= 4, xp += 4, c->g += c->step) conv_col_group_at(c->g, tf_ld32(xp), off4, ~0u, 0);
  for (; n > 0; n--) c->g[TF_COL_PERM(c->j++)] = (int16_t)(2 * (*xp++ + off));
}

/* Pixel (n, oy, ox)'s window into lane q of the block's column buffer: any depth, the window as runs of the input. */
static __attribute__((noinline)) void conv_col_fill_runs(const conv_dsp *d, int n, int oy, int ox, int q) {
  const tf_conv_params *p = d->p;
  const int fd = p->filter_depth;
  const int in_y0 = oy * p->stride_h - p->pad_top, in_x0 = ox * p->stride_w - p->pad_left;
  const int32_t off = p->q.input_offset;
  /* Element e of the window at g[TF_COL_PERM(j)]: the group pointer g and the place j advance as runs are
   * written (dilation 1: a row's in-bounds taps are one run of the input; else each tap is one). */
  conv_col_cursor c = {d->col + 4 * q, 0, (size_t)4 * d->P};
  for (int ky = 0; ky < p->filter_h; ky++) {
    const int iy = in_y0 + p->dilation_h * ky;
    if (iy < 0 || iy >= p->in_h) {
      conv_col_zeros(&c, p->filter_w * fd);
      continue;
    }
    const int8_t *xr = d->x + (((size_t)n * p->in_h + iy) * p->in_w) * p->in_depth;
    if (p->dilation_w == 1) {
      int kx0 = 0, kx1 = p->filter_w;
      while (kx0 < kx1 && in_x0 + kx0 < 0) kx0++;
      while (kx1 > kx0 && in_x0 + kx1 - 1 >= p->in_w) kx1--;
      if (kx0 > 0) conv_col_zeros(&c, kx0 * fd); /* a row inside the image: no zero runs to call */
      if (kx1 > kx0) conv_col_inputs(&c, xr + (size_t)(in_x0 + kx0) * p->in_depth, (kx1 - kx0) * fd, off, d->off4);
      if (kx1 < p->filter_w) conv_col_zeros(&c, (p->filter_w - (kx1 > kx0 ? kx1 : kx0)) * fd);
      continue;
    }
    for (int kx = 0; kx < p->filter_w; kx++) {
      const int ix = in_x0 + p->dilation_w * kx;
      if (ix >= 0 && ix < p->in_w) conv_col_inputs(&c, xr + (size_t)ix * p->in_depth, fd, off, d->off4);
      else conv_col_zeros(&c, fd);
    }
  }
  conv_col_zeros(&c, (4 - c.j) & 3); /* the last group's unused places */
}

/* ng groups of the column from ng words of the input at xp (doubled, + off4), one group every step int16. */
TF_INLINE int16_t *conv_col_words(int16_t *g, const int8_t *xp, int ng, size_t step, int32_t off4) {
  for (; ng > 0; ng--, xp += 4, g += step) conv_col_group(g, tf_ld32(xp), off4, ~0u);
  return g;
}

TF_INLINE int16_t *conv_col_zero_groups(int16_t *g, int ng, size_t step) {
  for (; ng > 0; ng--, g += step) memset(g, 0, 8);
  return g;
}

/* Pixel (n, oy, ox)'s window into lane q of the block's column buffer, depth a multiple of 4 and dilation_w 1 (apart
 * from conv_col_fill_runs: neither frame holds the other's registers, and one is on the stack at a time). A filter
 * row's in-bounds taps are one run of the input, whole groups: one loop a row, zero groups for the taps outside. */
static __attribute__((noinline)) void conv_col_fill_taps4(const conv_dsp *d, int n, int oy, int ox, int q) {
  const tf_conv_params *p = d->p;
  const int fd4 = p->filter_depth >> 2, fw = p->filter_w;
  const int in_y0 = oy * p->stride_h - p->pad_top, in_x0 = ox * p->stride_w - p->pad_left;
  const int32_t off4 = d->off4; /* in a register: the column's stores may alias *d */
  const size_t step = (size_t)4 * d->P;
  int16_t *g = d->col + 4 * q;
  const int kx0 = in_x0 < 0 ? (-in_x0 < fw ? -in_x0 : fw) : 0;
  const int kx1 = in_x0 + fw > p->in_w ? (p->in_w - in_x0 > kx0 ? p->in_w - in_x0 : kx0) : fw;
  const int z0 = kx0 * fd4, run = (kx1 - kx0) * fd4, z1 = (fw - kx1) * fd4;
  for (int ky = 0; ky < p->filter_h; ky++) {
    const int iy = in_y0 + p->dilation_h * ky;
    if (iy < 0 || iy >= p->in_h) {
      g = conv_col_zero_groups(g, z0 + run + z1, step);
      continue;
    }
    g = conv_col_zero_groups(g, z0, step);
    g = conv_col_words(g, d->x + (((size_t)n * p->in_h + iy) * p->in_w + in_x0 + kx0) * p->in_depth, run, step, off4);
    g = conv_col_zero_groups(g, z1, step);
  }
}

/* The call's column fill, chosen once: 3x3 over 3 channels with dilation 1 (an RGB first convolution), a depth a
 * multiple of 4 with dilation_w 1, or any window. */
static conv_fill_fn *conv_col_fill_for(const tf_conv_params *p) {
  if (p->filter_depth == 3 && p->filter_h == 3 && p->filter_w == 3 && p->dilation_h == 1 && p->dilation_w == 1) return conv_col_fill_3x3c3;
  if ((p->filter_depth & 3) == 0 && p->dilation_w == 1) return conv_col_fill_taps4;
  return conv_col_fill_runs;
}

/* Lanes np..P-1 of a short block: zeros (their results are not stored). */
static void conv_col_clear(const conv_dsp *d, int np) {
  for (int g = 0; g < d->G; g++) memset(d->col + 4 * d->P * g + 4 * np, 0, (size_t)8 * (d->P - np));
}

/* pk's byte at bit BIT = the int8 saturation of v (SSAT, BFI). */
#define TF_SAT8_AT(pk_, v_, BIT) __asm__("ssat %1, #8, %1\n\tbfi %0, %1, #" #BIT ", #8" : "+r"(pk_), "+r"(v_))

/* v0..v3 saturated to int8 into bytes 0..3, clamped lane-wise to the activation range (lo4, hi4). */
TF_INLINE uint32_t conv_pack4(int32_t v0, int32_t v1, int32_t v2, int32_t v3, uint32_t lo4, uint32_t hi4) {
  uint32_t pk = 0;
  TF_SAT8_AT(pk, v0, 0);
  TF_SAT8_AT(pk, v1, 8);
  TF_SAT8_AT(pk, v2, 16);
  TF_SAT8_AT(pk, v3, 24);
  return tf_clamp4(pk, lo4, hi4);
}

/* Channel oc's output for the doubled dot product a2 (2 sum w (x + offset), bias not in it), from its entry in the
 * requantization table (conv_pw_table): sh > 0, tf_rqd_apply on 2 (bias + dot) (within 2^31: the table proved it);
 * sh < 0, the channel's one output hc; sh = 0, TFLM's arithmetic on the dot product. Clamped to the activation. */
static int32_t conv_kxk_out(const conv_dsp *d, int oc, int32_t a2) {
  const tf_conv_params *p = d->p;
  const tf_rq *rq = &d->rq[oc];
  if (rq->sh < 0) return rq->hc;
  if (rq->sh == 0)
    return tf_requant_s8(a2 >> 1, p->q.bias[oc], p->q.multiplier[oc], p->q.shift[oc], p->q.output_offset, p->q.act_min, p->q.act_max);
  return tf_clamp(tf_rqd_apply(a2 + 2 * p->q.bias[oc], p->q.multiplier[oc], rq->hc, rq->sh), p->q.act_min, p->q.act_max);
}

/* Channel oc's output at P = 1: a constant channel's (sh < 0) with no dot product, else conv_kxk_out's. */
static int32_t conv_out1(const conv_dsp *d, int oc) {
  if (d->rq[oc].sh < 0) return d->rq[oc].hc;
  return conv_kxk_out(d, oc, tf_dot1_col(d->col, d->p->filter + (size_t)oc * d->K, 4 * d->G));
}

/* One pixel at P = 1: four filter rows per pass over the column (tf_dot4_col), then the rest one by one; a group
 * of four with a channel not in the doubled form channel by channel (conv_out1). */
static void conv_block_out1(const conv_dsp *d, int8_t *dst) {
  const tf_conv_params *p = d->p;
  const int od = p->out_depth, K4 = 4 * d->G;
  int oc = 0;
  for (; oc + 4 <= od; oc += 4) {
    const tf_rq *rq = &d->rq[oc];
    if (__builtin_expect(rq[0].sh > 0 && rq[1].sh > 0 && rq[2].sh > 0 && rq[3].sh > 0, 1)) {
      int32_t a4[4] = {0, 0, 0, 0};
      tf_dot4_col(d->col, p->filter + (size_t)oc * d->K, (size_t)d->K, K4, a4);
      /* the four channels' outputs packed, clamped lane-wise, stored at once */
      const int32_t *bias = p->q.bias + oc, *mult = p->q.multiplier + oc;
      const uint32_t pk = conv_pack4(tf_rqd_apply(a4[0] + 2 * bias[0], mult[0], rq[0].hc, rq[0].sh),
                                     tf_rqd_apply(a4[1] + 2 * bias[1], mult[1], rq[1].hc, rq[1].sh),
                                     tf_rqd_apply(a4[2] + 2 * bias[2], mult[2], rq[2].hc, rq[2].sh),
                                     tf_rqd_apply(a4[3] + 2 * bias[3], mult[3], rq[3].hc, rq[3].sh), d->lo4, d->hi4);
      memcpy(dst + oc, &pk, 4);
      continue;
    }
    for (int j = 0; j < 4; j++) dst[oc + j] = (int8_t)conv_out1(d, oc + j);
  }
  for (; oc < od; oc++) dst[oc] = (int8_t)conv_out1(d, oc);
}

/* A 4-pixel block's outputs, np <= 4 pixels, pixel q's out_depth values at dst + q * out_depth: channel by channel,
 * each filter row over the block from twice its bias (tf_dot_px4_from), the four doubled accumulators requantized
 * by one SMMLAR each (tf_rqd_apply), packed (pixel q in byte q), clamped lane-wise, stored to the pixels. */
static void conv_kxk_block4(const conv_dsp *d, int np, int8_t *dst) {
  const tf_conv_params *p = d->p;
  const int od = p->out_depth, K = d->K, G = d->G;
  const int32_t *bias = p->q.bias, *mult = p->q.multiplier;
  const tf_rq *rq = d->rq;
  const int8_t *w = p->filter;
  const size_t s1 = (size_t)od, s2 = 2 * s1, s3 = 3 * s1;
  for (int oc = 0; oc < od; oc++, w += K) {
    int8_t *o = dst + oc;
    int32_t a[4];
    uint32_t pk = 0;
    if (__builtin_expect(rq[oc].sh > 0, 1)) {
      tf_dot_px4_ldm(d->col, w, G, tf_wadd(bias[oc], bias[oc]), a);
      const int32_t m = mult[oc], hc = rq[oc].hc, sh = rq[oc].sh;
      pk = conv_pack4(tf_rqd_apply(a[0], m, hc, sh), tf_rqd_apply(a[1], m, hc, sh), tf_rqd_apply(a[2], m, hc, sh),
                      tf_rqd_apply(a[3], m, hc, sh), d->lo4, d->hi4);
    } else if (rq[oc].sh < 0) {
      pk = (uint32_t)(uint8_t)rq[oc].hc * 0x01010101u; /* a constant channel (conv_pw_table proved it): no dot product */
    } else {
      tf_dot_px4_from(d->col, w, G, 0, a);
      for (int q = 0; q < 4; q++) pk |= (uint32_t)(uint8_t)conv_kxk_out(d, oc, a[q]) << (8 * q);
    }
    o[0] = (int8_t)pk;
    if (np == 4) {
      o[s1] = (int8_t)(pk >> 8), o[s2] = (int8_t)(pk >> 16), o[s3] = (int8_t)(pk >> 24);
    } else {
      if (np > 1) o[s1] = (int8_t)(pk >> 8);
      if (np > 2) o[s2] = (int8_t)(pk >> 16);
    }
  }
}

#if defined(__OPTIMIZE__)
/* conv_kxk_block4 for the 3x3c3 fill's column (K = 27: G = 7 groups, the 28th weight the next row's, times a 0) and a
 * full block: the seven groups unrolled (TF_PX4_LDM_GROUP, no jump into a pass), the activation bounds held across
 * channels, a constant channel (sh < 0) without a dot product. Only the 3x3c3 symbols link it (conv_entry sets
 * d->block4 for them). Four channels a pass with word stores per pixel measured slower (spills): 10 k more. */
static __attribute__((noinline)) void conv_3x3c3_block4(const conv_dsp *d, int8_t *dst) {
  const tf_conv_params *p = d->p;
  const int od = p->out_depth;
  const int32_t *bias = p->q.bias, *mult = p->q.multiplier;
  const tf_rq *rq = d->rq;
  const int8_t *w = p->filter;
  const int16_t *const col = d->col;
  const uint32_t lo4 = d->lo4, hi4 = d->hi4;
  const size_t s1 = (size_t)od;
  for (int oc = 0; oc < od; oc++, w += 27) {
    int8_t *o = dst + oc;
    uint32_t pk;
    const int32_t sh = rq[oc].sh;
    if (__builtin_expect(sh > 0, 1)) {
      register int32_t x0 __asm__("r8"), x1 __asm__("r9"), x2 __asm__("r10"), x3 __asm__("r11");
      const int32_t b2 = tf_wadd(bias[oc], bias[oc]);
      int32_t a0 = b2, a1 = b2, a2 = b2, a3 = b2, wv, we;
      const int16_t *c = col;
      const int8_t *wp = w;
      __asm__ volatile(TF_PX4_LDM_GROUP TF_PX4_LDM_GROUP TF_PX4_LDM_GROUP TF_PX4_LDM_GROUP TF_PX4_LDM_GROUP
                       TF_PX4_LDM_GROUP TF_PX4_LDM_GROUP
                       : [c] "+r"(c), [w] "+r"(wp), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
                         [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [wv] "=&r"(wv), [we] "=&r"(we)
                       :
                       : "memory");
      const int32_t m = mult[oc], hc = rq[oc].hc;
      pk = conv_pack4(tf_rqd_apply(a0, m, hc, sh), tf_rqd_apply(a1, m, hc, sh), tf_rqd_apply(a2, m, hc, sh),
                      tf_rqd_apply(a3, m, hc, sh), lo4, hi4);
    } else if (sh < 0) {
      pk = (uint32_t)(uint8_t)rq[oc].hc * 0x01010101u; /* a constant channel: no dot product */
    } else {
      int32_t a[4];
      tf_dot_px4_from(col, w, 7, 0, a);
      pk = 0;
      for (int q = 0; q < 4; q++) pk |= (uint32_t)(uint8_t)conv_kxk_out(d, oc, a[q]) << (8 * q);
    }
    o[0] = (int8_t)pk, o[s1] = (int8_t)(pk >> 8), o[2 * s1] = (int8_t)(pk >> 16), o[3 * s1] = (int8_t)(pk >> 24);
  }
}
#endif

#if defined(__OPTIMIZE__)
/* The 3x3c3 path from the lowering's channel-pair records (conv2d_s8_3x3c3_rec: src/schedule/abi/ops/conv3-table.ts; the
 * full int8 output range, an even out_depth): two pixels' windows by conv3_rec_fill into a 2-lane column (P = 2:
 * group g's 16 bytes at col + 8 g, then conv3_rec_state), then every pair of channels over them: the four accumulators
 * from the record's doubled biases (2 (bias + input offset * sum w)), per group one LDM of the pair's doubled int16 weight
 * pairs (widened at compile time: no SXTB16), one LDM of the column (the inputs sign-extended), eight SMLADs (14 registers, no pointer besides the record's and the column's), then
 * m, hc, sh per channel, tf_rqd_apply's three instructions and SSAT per output, each pixel's two channels by one STRH.
 * The loop ends on the last pair's B sh word (+256: ASR reads its low byte). A block reads both pixels before writing. */
typedef struct {
  int8_t *o;  /* pixel 0's output at the pair's first channel (the asm steps it) */
  int32_t od; /* out_depth: pixel 1's output is od bytes on */
} conv3_rec_state;
#define CONV3_COL_BYTES 112 /* 7 groups of 2 pixels' 4 int16 */

#define CONV3_REC_GROUP                                    \
  "ldmia  %[r]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"         \
  "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"         \
  "smlad  %[a0], %[w0], %[x0], %[a0]\n\t"                  \
  "smlad  %[a0], %[w1], %[x1], %[a0]\n\t"                  \
  "smlad  %[a1], %[w0], %[x2], %[a1]\n\t"                  \
  "smlad  %[a1], %[w1], %[x3], %[a1]\n\t"                  \
  "smlad  %[a2], %[w2], %[x0], %[a2]\n\t"                  \
  "smlad  %[a2], %[w3], %[x1], %[a2]\n\t"                  \
  "smlad  %[a3], %[w2], %[x2], %[a3]\n\t"                  \
  "smlad  %[a3], %[w3], %[x3], %[a3]\n\t"

/* Accumulator A by the channel's m, hc, sh (tf_rqd_apply), then SSAT; T a free register. */
#define CONV3_REC_RQ(A, M, HC, SH, T)                      \
  "add    %[" T "], %[" HC "], %[" A "], asr #31\n\t"      \
  "smmlar %[" A "], %[" A "], %[" M "], %[" T "]\n\t"      \
  "asr    %[" A "], %[" A "], %[" SH "]\n\t"               \
  "ssat   %[" A "], #8, %[" A "]\n\t"

/* Both pixels' outputs over every channel pair, the column at col and the state after it. */
static __attribute__((noinline)) void conv3_rec_pairs(const int32_t *rec, int16_t *col) {
  register int32_t a0 __asm__("r0"), a1 __asm__("r1"), a2 __asm__("r2"), a3 __asm__("r3");
  register int32_t w0 __asm__("r4"), w1 __asm__("r5"), w2 __asm__("r6"), w3 __asm__("r7");
  register int32_t x0 __asm__("r8"), x1 __asm__("r9"), x2 __asm__("r10"), x3 __asm__("r11");
  register int16_t *c __asm__("r12") = col;
  register const int32_t *r __asm__("lr") = rec;
  __asm__ volatile("1:\n\t"
                   "ldmia  %[r]!, {%[a0], %[a1], %[a2], %[a3]}\n\t"
                   CONV3_REC_GROUP CONV3_REC_GROUP CONV3_REC_GROUP CONV3_REC_GROUP CONV3_REC_GROUP CONV3_REC_GROUP
                   CONV3_REC_GROUP
                   "ldmia  %[r]!, {%[w0], %[w1], %[w2], %[w3], %[x0], %[x1]}\n\t"
                   CONV3_REC_RQ("a0", "w0", "w1", "w2", "x2") CONV3_REC_RQ("a1", "w0", "w1", "w2", "x2")
                   CONV3_REC_RQ("a2", "w3", "x0", "x1", "x2") CONV3_REC_RQ("a3", "w3", "x0", "x1", "x2")
                   "bfi    %[a0], %[a2], #8, #8\n\t"
                   "bfi    %[a1], %[a3], #8, #8\n\t"
                   "ldmia  %[c], {%[x2], %[x3]}\n\t"
                   "strh   %[a1], [%[x2], %[x3]]\n\t"
                   "strh   %[a0], [%[x2]], #2\n\t"
                   "str    %[x2], [%[c]]\n\t"
                   "sub    %[c], %[c], #112\n\t"
                   "cmp    %[x1], #256\n\t"
                   "blo    1b\n\t"
                   : [r] "+r"(r), [c] "+r"(c), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),
                     [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2), [w3] "=&r"(w3),
                     [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                   :
                   : "cc", "memory");
}

/* SXTB16 of group word V, both halves, stored at byte offset OFF of the lane (STRD): (k0, k2), (k1, k3). */
#define CONV3_COL_GROUP(V, OFF)                 \
  "sxtb16 %[e], %[" V "]\n\t"                   \
  "sxtb16 %[o], %[" V "], ror #8\n\t"           \
  "strd   %[e], %[o], [%[g], #" #OFF "]\n\t"

/* The seven group words of a window (4 int8 each) as the lane's int16 pairs at g, sign-extended only (the records fold the
 * input offset into the bias and the doubling into the weights): one asm, so the stores take immediate offsets. */
TF_INLINE void conv3_col_groups(int16_t *g, uint32_t v0, uint32_t v1, uint32_t v2, uint32_t v3, uint32_t v4, uint32_t v5, uint32_t v6) {
  typedef struct { int16_t v[52]; } lane_t; /* the lane's 7 groups, 16 bytes apart */
  int32_t e, o;
  __asm__(CONV3_COL_GROUP("v0", 0) CONV3_COL_GROUP("v1", 16) CONV3_COL_GROUP("v2", 32) CONV3_COL_GROUP("v3", 48)
          CONV3_COL_GROUP("v4", 64) CONV3_COL_GROUP("v5", 80) CONV3_COL_GROUP("v6", 96)
          : "=m"(*(lane_t *)g), [e] "=&r"(e), [o] "=&r"(o)
          : [g] "r"(g), [v0] "r"(v0), [v1] "r"(v1), [v2] "r"(v2), [v3] "r"(v3), [v4] "r"(v4), [v5] "r"(v5), [v6] "r"(v6));
}

/* A window crossing the border into the lane at g, tap by tap (unrolled: each place a constant): -input_offset for a tap
 * outside the image (x + offset = 0: the reference skips it), the 28th place 0 (its weight is 0). */
static __attribute__((noinline)) void conv3_rec_border(const conv_dsp *d, int n, int in_y0, int in_x0, int16_t *g) {
  const tf_conv_params *p = d->p;
  const int16_t outside = (int16_t)-p->q.input_offset;
  const int in_h = p->in_h, in_w = p->in_w;
#pragma GCC unroll 3
  for (int ky = 0; ky < 3; ky++) {
    const int iy = in_y0 + ky, row_in = iy >= 0 && iy < in_h;
#pragma GCC unroll 3
    for (int kx = 0; kx < 3; kx++) {
      const int ix = in_x0 + kx, k = 9 * ky + 3 * kx;
      if (row_in && ix >= 0 && ix < in_w) {
        const int8_t *xp = d->x + (((size_t)n * in_h + iy) * in_w + ix) * 3;
        g[tf_colp_pos(k, 2)] = xp[0], g[tf_colp_pos(k + 1, 2)] = xp[1], g[tf_colp_pos(k + 2, 2)] = xp[2];
      } else {
        g[tf_colp_pos(k, 2)] = g[tf_colp_pos(k + 1, 2)] = g[tf_colp_pos(k + 2, 2)] = outside;
      }
    }
  }
  g[tf_colp_pos(27, 2)] = 0;
}

/* The input geometry conv3_rec_fill reads, in locals: the column's stores cannot alias them. */
typedef struct {
  const int8_t *x;
  int in_h, in_w, stride_h, stride_w, pad_top, pad_left;
} conv3_geometry;

/* Pixel (n, oy, ox)'s window into the lane at g of the 2-pixel column: inside the image its three runs of 9 bytes by
 * word loads (as conv_col_fill_3x3c3: groups 2, 4, 6 straddle runs; the 28th place 0), else conv3_rec_border. */
TF_INLINE void conv3_rec_fill(const conv_dsp *d, const conv3_geometry *q, int n, int oy, int ox, int16_t *g) {
  const int in_y0 = oy * q->stride_h - q->pad_top, in_x0 = ox * q->stride_w - q->pad_left;
  if (in_y0 < 0 || in_y0 > q->in_h - 3 || in_x0 < 0 || in_x0 > q->in_w - 3) {
    conv3_rec_border(d, n, in_y0, in_x0, g);
    return;
  }
  const size_t row = (size_t)q->in_w * 3;
  const int8_t *r0 = q->x + (((size_t)n * q->in_h + in_y0) * q->in_w + in_x0) * 3, *r1 = r0 + row, *r2 = r1 + row;
  conv3_col_groups(g, tf_ld32(r0), tf_ld32(r0 + 4), (uint8_t)r0[8] | tf_ld32(r1) << 8, tf_ld32(r1 + 3), conv_ld16(r1 + 7) | tf_ld32(r2) << 16,
                   tf_ld32(r2 + 2), conv_ld16(r2 + 6) | (uint32_t)(uint8_t)r2[8] << 16);
}

/* `count` pixels in output order from linear pixel index `first` (as conv_dsp_run), two a block; a last odd pixel takes
 * both lanes and its outputs go through the state's tail (after the state in the workspace), then to dst. */
static void conv3_rec_run(const conv_dsp *d, int first, int count, int8_t *dst) {
  const tf_conv_params *p = d->p;
  const int od = p->out_depth, out_w = p->out_w, out_h = p->out_h;
  const conv3_geometry q = {d->x, p->in_h, p->in_w, p->stride_h, p->stride_w, p->pad_top, p->pad_left};
  int16_t *const col = d->col;
  const int32_t *const rec = d->channel_records;
  conv3_rec_state *st = (conv3_rec_state *)(void *)((uint8_t *)col + CONV3_COL_BYTES);
  int8_t *tail = (int8_t *)(st + 1);
  int ox = first % out_w, t = first / out_w, oy = t % out_h, n = t / out_h;
  st->od = od;
  for (int i = 0; i < count; i += 2) {
    conv3_rec_fill(d, &q, n, oy, ox, col);
    const int two = i + 1 < count;
    if (two && ++ox == out_w) {
      ox = 0;
      if (++oy == out_h) oy = 0, n++;
    }
    conv3_rec_fill(d, &q, n, oy, ox, col + 4);
    st->o = two ? dst + (size_t)i * od : tail;
    conv3_rec_pairs(rec, col);
    if (!two) memcpy(dst + (size_t)i * od, tail, (size_t)od);
    if (++ox == out_w) {
      ox = 0;
      if (++oy == out_h) oy = 0, n++;
    }
  }
}
#endif

/* conv3_rec_run where it is compiled (rec3 is never set at -O0). */
TF_INLINE void conv3_rec_go(const conv_dsp *d, int first, int count, int8_t *dst) {
#if defined(__OPTIMIZE__)
  conv3_rec_run(d, first, count, dst);
#else
  (void)d, (void)first, (void)count, (void)dst;
#endif
}

/* `count` pixels in output order from linear pixel index `first`; pixel i's values at dst + (i - first) * out_depth. */
static void conv_dsp_run(const conv_dsp *d, int first, int count, int8_t *dst) {
  const tf_conv_params *p = d->p;
  int ox = first % p->out_w, t = first / p->out_w, oy = t % p->out_h, n = t / p->out_h;
  /* The single-pixel layout (four filter rows per pass) for a last block of one or two pixels: a 4-pixel
   * block costs the same for any np, one pixel at P = 1 about a third of it. */
  conv_dsp d1 = *d;
  d1.P = 1;
  for (int i = 0; i < count; i += d->P) {
    const int np = count - i < d->P ? count - i : d->P;
    const conv_dsp *b = d->P == 4 && np <= 2 ? &d1 : d;
    for (int q = 0; q < np; q++) {
      if (b->P == 1) {
        b->fill(b, n, oy, ox, 0);
        conv_block_out1(b, dst + (size_t)(i + q) * p->out_depth);
      } else {
        b->fill(b, n, oy, ox, q);
      }
      if (++ox == p->out_w) {
        ox = 0;
        if (++oy == p->out_h) oy = 0, n++;
      }
    }
    if (b->P == 1) continue; /* written pixel by pixel above */
    if (np < b->P) conv_col_clear(b, np);
    if (np == 4 && b->block4) b->block4(b, dst + (size_t)i * p->out_depth);
    else conv_kxk_block4(b, np, dst + (size_t)i * p->out_depth);
  }
}

/* Pointwise (1x1, stride 1, no pads, one group, any depth): the 4 pixels of a block are
 * consecutive in the input. Their inputs go doubled, 2 (x + offset), into the column buffer (conv_col_fill's
 * layout), each filter row runs over the block from twice its bias (the rows follow one another), and
 * tf_rqd_apply requantizes the doubled accumulators: 4 instructions an output instead of 8. Exact while
 * |accumulator| < 2^30, which conv_pw_fits proves from the depth, the input offset and the biases. */
/* A pixel's last r = 1..3 channels (no read past them) doubled with the offset into its group at g, the places
 * past them 0 (their weights are the next row's). */
TF_INLINE void conv_pw_put_tail(int16_t *g, const int8_t *x, int r, int32_t off4) {
  const uint32_t xv = r == 1 ? (uint8_t)x[0] : r == 2 ? conv_ld16(x) : conv_ld16(x) | (uint32_t)(uint8_t)x[2] << 16;
  const int32_t e = (int32_t)((uint32_t)__sxtab16(__sxtab16(off4, xv), xv) & (r == 3 ? ~0u : 0xffffu));
  const int32_t o = r == 1 ? 0 : (int32_t)((uint32_t)tf_sxtab16_ror8(tf_sxtab16_ror8(off4, xv), xv) & 0xffffu);
  memcpy(g, &e, 4);
  memcpy(g + 2, &o, 4);
}

TF_INLINE void conv_pw_fill(const conv_dsp *d, const int8_t *x, int np) {
  const int cin = d->p->in_depth, G = d->G;
  const int32_t off4 = __sadd16(d->off2, d->off2); /* 2 * offset in both halves */
  int16_t *c = d->col;
#define CONV_PW_PUT(q_, xv_)                                                                               \
  do {                                                                                                     \
    const int32_t e_ = __sxtab16(__sxtab16(off4, xv_), xv_), o_ = tf_sxtab16_ror8(tf_sxtab16_ror8(off4, xv_), xv_); \
    memcpy(c + 4 * (q_), &e_, 4);                                                                          \
    memcpy(c + 4 * (q_) + 2, &o_, 4);                                                                      \
  } while (0)
  const int G4 = cin >> 2; /* whole groups; a last group of cin & 3 channels after them */
  if (np == 4) {
    /* Group by group, the four pixels' words at once (one loop for the block). */
    for (int g = 0; g < G4; g++, c += 16, x += 4) {
      const uint32_t x0 = tf_ld32(x), x1 = tf_ld32(x + cin), x2 = tf_ld32(x + 2 * cin), x3 = tf_ld32(x + 3 * cin);
      CONV_PW_PUT(0, x0);
      CONV_PW_PUT(1, x1);
      CONV_PW_PUT(2, x2);
      CONV_PW_PUT(3, x3);
    }
    if (G4 < G) {
      for (int q = 0; q < 4; q++) conv_pw_put_tail(c + 4 * q, x + (size_t)q * cin, cin & 3, off4);
    }
    return;
  }
  for (int q = 0; q < np; q++) {
    for (int g = 0; g < G4; g++) {
      const uint32_t xv = tf_ld32(x + (size_t)q * cin + 4 * g);
      c = d->col + 16 * g;
      CONV_PW_PUT(q, xv);
    }
    if (G4 < G) conv_pw_put_tail(d->col + 16 * G4 + 4 * q, x + (size_t)q * cin + 4 * G4, cin & 3, off4);
  }
#undef CONV_PW_PUT
  conv_col_clear(d, np);
}

/* Channel oc of a block the doubled form cannot take (its table entry's sh <= 0): sh < 0, its output is the
 * same for every accumulator it can reach (hc, conv_pw_table proved it: pruned channels, a huge bias); sh = 0,
 * tf_rqd_init refused it or its bias may take the accumulator past 2^30: the dot product from 0 (within 2^29,
 * so its double is exact), then bias + dot through tf_requant_s8. Returns w past the channel's row. */
static const int8_t *conv_pw_other(const conv_dsp *d, int oc, int np, int8_t *o, const int8_t *w) {
  const tf_conv_params *p = d->p;
  const size_t od = (size_t)p->out_depth;
  if (d->rq[oc].sh < 0) {
    for (int q = 0; q < np; q++) o[q * od] = (int8_t)d->rq[oc].hc;
    return w + p->in_depth;
  }
  int32_t a[4];
  w = tf_dot_px4_from(d->col, w, d->G, 0, a) - (4 * d->G - p->in_depth); /* rows in_depth apart */
  for (int q = 0; q < np; q++)
    o[q * od] = tf_requant_s8(a[q] >> 1, p->q.bias[oc], p->q.multiplier[oc], p->q.shift[oc], p->q.output_offset,
                              p->q.act_min, p->q.act_max);
  return w;
}

/* The block's np pixels, pixel q's out_depth values at dst + q * out_depth. clampf: the activation range
 * is narrower than int8 (a constant in each instance, as np is in the full-block ones). */
TF_INLINE void conv_pw_block(const conv_dsp *d, int np, int8_t *dst, const int clampf, const int GC, const int odd) {
  const tf_conv_params *p = d->p;
  const int od = p->out_depth, G = GC ? GC : d->G;
  const int32_t *bias = p->q.bias, *mult = p->q.multiplier;
  const tf_rq *rq = d->rq;
  const int8_t *w = p->filter;
  const size_t s1 = (size_t)od, s2 = 2 * s1, s3 = 3 * s1;
  for (int oc = 0; oc < od; oc++) {
    int8_t *o = dst + oc;
    if (__builtin_expect(rq[oc].sh <= 0, 0)) {
      w = conv_pw_other(d, oc, np, o, w);
      continue;
    }
    int32_t a[4];
    /* c_in 8 (GC = 2): tf_dot_px4_from's two straight groups; else the LDM loads and the 4-group pass */
    const int32_t b2 = tf_wadd(bias[oc], bias[oc]);
    w = GC == 2 ? tf_dot_px4_from(d->col, w, G, b2, a) : tf_dot_px4_ldm(d->col, w, G, b2, a);
    if (odd) w -= 4 * G - p->in_depth; /* depth not a multiple of 4: the next row starts in_depth on */
    const int32_t m = mult[oc], hc = rq[oc].hc, sh = rq[oc].sh;
    int32_t v0 = tf_rqd_apply(a[0], m, hc, sh), v1 = tf_rqd_apply(a[1], m, hc, sh);
    int32_t v2 = tf_rqd_apply(a[2], m, hc, sh), v3 = tf_rqd_apply(a[3], m, hc, sh);
    if (!clampf && np == 4) {
      o[0] = (int8_t)__ssat(v0, 8), o[s1] = (int8_t)__ssat(v1, 8);
      o[s2] = (int8_t)__ssat(v2, 8), o[s3] = (int8_t)__ssat(v3, 8);
      continue;
    }
    uint32_t pk = 0;
    TF_SAT8_AT(pk, v0, 0);
    TF_SAT8_AT(pk, v1, 8);
    TF_SAT8_AT(pk, v2, 16);
    TF_SAT8_AT(pk, v3, 24);
    pk = tf_clamp4(pk, d->lo4, d->hi4);
    o[0] = (int8_t)pk;
    if (np > 1) o[s1] = (int8_t)(pk >> 8);
    if (np > 2) o[s2] = (int8_t)(pk >> 16);
    if (np > 3) o[s3] = (int8_t)(pk >> 24);
  }
}

/* c_in 8's full blocks (GC = 2 groups, where the dot product's branches cost most), one instance per clamp flag:
 * chosen once per call. Other depths' full blocks run conv_pw_block4_asm (or, with a channel the exact way, the
 * generic instance in conv_pw_run). */
typedef void conv_pw_block_fn(const conv_dsp *d, int8_t *dst);
#define CONV_PW_BLOCK4(NAME, CLAMPF, GC, ODD) \
  static void NAME(const conv_dsp *d, int8_t *dst) { conv_pw_block(d, 4, dst, CLAMPF, GC, ODD); }
CONV_PW_BLOCK4(conv_pw_block4_g2, 0, 2, 0)
CONV_PW_BLOCK4(conv_pw_block4_g2c, 1, 2, 0)

/* A full 4-pixel block when every channel takes the doubled form or is a constant, depth over 8: the whole channel
 * loop is one asm (GCC spilled and reloaded about 40 values a channel around the 13-register dot product; here the
 * per-channel pointers live in st and each is loaded, bumped and stored once). Per channel: the first group from
 * twice the bias, the other groups - 1 by TF_PX4_LDM_GROUP with one LDR PC into the 4-group pass (its entry set
 * once a block from st->skip), the row step for a depth not a multiple of 4, tf_rqd_apply's three instructions and
 * SSAT per output, clamped lane-wise when the activation range is narrower than int8 (CLAMP), four byte stores; a
 * constant channel (sh < 0) stores hc. Same order and values as conv_pw_block. */
typedef struct {
  const int32_t *bias, *mult; /* st[0], st[1]: the channel's bias and multiplier */
  const tf_rq *rq;            /* st[2] */
  int8_t *o, *oend;           /* st[3], st[4]: channel oc's output in pixel 0; past the last channel */
  int32_t s1;                 /* st[5]: out_depth, the pixel step of the output */
  const int16_t *col, *cend;  /* st[6], st[7]: the block's column buffer and its end */
  int32_t skip;               /* st[8]: bytes of the pass's first groups skipped, 52 each: (groups - 1) % 4 are run */
  int32_t back;               /* st[9]: 4 groups - in_depth, the row step's shortfall */
  uint32_t lo4, hi4;          /* st[10], st[11] */
  uint32_t entry;             /* st[12]: the asm's entry into its pass (address | 1, the Thumb bit), set by it */
  int32_t depth;              /* st[13]: in_depth, a constant channel's row */
} conv_pw_state;

#define CONV_PW_RQ(A)                                 \
  "add    %[wv], %[x0], %[" A "], asr #31\n\t"        \
  "smmlar %[" A "], %[" A "], %[x2], %[wv]\n\t"       \
  "asr    %[" A "], %[" A "], %[x1]\n\t"              \
  "ssat   %[" A "], #8, %[" A "]\n\t"

#define CONV_PW_ASM(CLAMP)                                                                                          \
  __asm__ volatile("adr    %[wv], 1f\n\t"                                                                           \
                   "ldr    %[we], [%[st], #32]\n\t"                                                                 \
                   "add    %[wv], %[wv], %[we]\n\t"                                                                 \
                   "orr    %[wv], %[wv], #1\n\t"                                                                    \
                   "str    %[wv], [%[st], #48]\n\t"                                                                 \
                   "0:\n\t"                                                                                         \
                   "ldr    %[c], [%[st], #8]\n\t"                                                                   \
                   "ldrd   %[x0], %[x1], [%[c]], #8\n\t"                                                            \
                   "str    %[c], [%[st], #8]\n\t"                                                                   \
                   "ldr    %[c], [%[st], #0]\n\t"                                                                   \
                   "ldr    %[a3], [%[c]], #4\n\t"                                                                   \
                   "str    %[c], [%[st], #0]\n\t"                                                                   \
                   "cmp    %[x1], #0\n\t"                                                                           \
                   "blt    7f\n\t"                                                                                  \
                   "lsls   %[a3], %[a3], #1\n\t"                                                                    \
                   "ldr    %[c], [%[st], #24]\n\t"                                                                  \
                   "ldr    %[wv], [%[w]], #4\n\t"                                                                   \
                   "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                 \
                   "sxtb16 %[we], %[wv]\n\t"                                                                        \
                   "sxtb16 %[wv], %[wv], ror #8\n\t"                                                                \
                   "smlad  %[a0], %[we], %[x0], %[a3]\n\t"                                                          \
                   "smlad  %[a0], %[wv], %[x1], %[a0]\n\t"                                                          \
                   "smlad  %[a1], %[we], %[x2], %[a3]\n\t"                                                          \
                   "smlad  %[a1], %[wv], %[x3], %[a1]\n\t"                                                          \
                   "ldmia  %[c]!, {%[x0], %[x1], %[x2], %[x3]}\n\t"                                                 \
                   "smlad  %[a2], %[we], %[x0], %[a3]\n\t"                                                          \
                   "smlad  %[a2], %[wv], %[x1], %[a2]\n\t"                                                          \
                   "smlad  %[a3], %[we], %[x2], %[a3]\n\t"                                                          \
                   "smlad  %[a3], %[wv], %[x3], %[a3]\n\t"                                                          \
                   "ldr    pc, [%[st], #48]\n\t"                                                                    \
                   ".p2align 2\n\t" /* word-aligns the section: ADR above is resolved for a 4-aligned PC (at -O0 it ran 2 bytes off) */     \
                   "1:\n\t" TF_PX4_LDM_GROUP                                                                        \
                   "4:\n\t" TF_PX4_LDM_GROUP                                                                        \
                   "3:\n\t" TF_PX4_LDM_GROUP                                                                        \
                   "2:\n\t" TF_PX4_LDM_GROUP                                                                        \
                   ".if (4b - 1b) != 52 || (3b - 4b) != 52 || (2b - 3b) != 52\n\t"                                  \
                   ".error \"conv_pw_block4_asm: st->skip assumes 52-byte groups\"\n\t"                            \
                   ".endif\n\t"                                                                                     \
                   "ldr    %[we], [%[st], #28]\n\t"                                                                 \
                   "cmp    %[c], %[we]\n\t"                                                                         \
                   "bne    1b\n\t"                                                                                  \
                   "ldr    %[we], [%[st], #36]\n\t"                                                                 \
                   "subs   %[w], %[w], %[we]\n\t"                                                                   \
                   "ldr    %[c], [%[st], #8]\n\t"                                                                   \
                   "ldrd   %[x0], %[x1], [%[c], #-8]\n\t"                                                           \
                   "ldr    %[c], [%[st], #4]\n\t"                                                                   \
                   "ldr    %[x2], [%[c]], #4\n\t"                                                                   \
                   "str    %[c], [%[st], #4]\n\t"                                                                   \
                   CONV_PW_RQ("a0") CONV_PW_RQ("a1") CONV_PW_RQ("a2") CONV_PW_RQ("a3")                              \
                   CLAMP                                                                                            \
                   "6:\n\t"                                                                                         \
                   "ldr    %[c], [%[st], #12]\n\t"                                                                  \
                   "ldr    %[x3], [%[st], #20]\n\t"                                                                 \
                   "strb   %[a0], [%[c]]\n\t"                                                                       \
                   "strb   %[a1], [%[c], %[x3]]\n\t"                                                                \
                   "add    %[we], %[c], %[x3], lsl #1\n\t"                                                          \
                   "strb   %[a2], [%[we]]\n\t"                                                                      \
                   "strb   %[a3], [%[we], %[x3]]\n\t"                                                               \
                   "adds   %[c], %[c], #1\n\t"                                                                      \
                   "str    %[c], [%[st], #12]\n\t"                                                                  \
                   "ldr    %[we], [%[st], #16]\n\t"                                                                 \
                   "cmp    %[c], %[we]\n\t"                                                                         \
                   "bne    0b\n\t"                                                                                  \
                   "b      8f\n\t"                                                                                  \
                   "7:\n\t" /* a constant channel (sh < 0): hc at every pixel, its row and multiplier passed */     \
                   "ldr    %[c], [%[st], #4]\n\t"                                                                   \
                   "adds   %[c], %[c], #4\n\t"                                                                      \
                   "str    %[c], [%[st], #4]\n\t"                                                                   \
                   "ldr    %[we], [%[st], #52]\n\t"                                                                 \
                   "adds   %[w], %[w], %[we]\n\t"                                                                   \
                   "mov    %[a0], %[x0]\n\t"                                                                        \
                   "mov    %[a1], %[x0]\n\t"                                                                        \
                   "mov    %[a2], %[x0]\n\t"                                                                        \
                   "mov    %[a3], %[x0]\n\t"                                                                        \
                   "b      6b\n\t"                                                                                  \
                   "8:\n\t"                                                                                         \
                   : [w] "+r"(w), [c] "=&r"(c), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3),      \
                     [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [wv] "=&r"(wv), [we] "=&r"(we) \
                   : [st] "r"(st)                                                                                   \
                   : "cc", "memory")

/* The four packed into a0's bytes, clamped to [lo, hi] lane-wise (tf_clamp4), a1..a3 its upper bytes again. */
#define CONV_PW_CLAMP4                        \
  "bfi    %[a0], %[a1], #8, #8\n\t"           \
  "bfi    %[a0], %[a2], #16, #8\n\t"          \
  "bfi    %[a0], %[a3], #24, #8\n\t"          \
  "ldrd   %[x0], %[x1], [%[st], #40]\n\t"     \
  "ssub8  %[wv], %[a0], %[x0]\n\t"            \
  "sel    %[a0], %[a0], %[x0]\n\t"            \
  "ssub8  %[wv], %[x1], %[a0]\n\t"            \
  "sel    %[a0], %[a0], %[x1]\n\t"            \
  "lsrs   %[a1], %[a0], #8\n\t"               \
  "lsrs   %[a2], %[a0], #16\n\t"              \
  "lsrs   %[a3], %[a0], #24\n\t"

/* One full block's channels, st set for it. */
TF_INLINE void conv_pw_block4_asm(conv_pw_state *st, const int8_t *w, const int clampf) {
  register int32_t x0 __asm__("r8"), x1 __asm__("r9"), x2 __asm__("r10"), x3 __asm__("r11");
  int32_t a0, a1, a2, a3, wv, we;
  const int16_t *c;
  if (clampf) CONV_PW_ASM(CONV_PW_CLAMP4);
  else CONV_PW_ASM("");
  (void)w;
}

/* The full blocks of conv_pw_run's `count` pixels from x by conv_pw_block4_asm; returns the pixels done. Its own
 * function, so that st's frame is not added to the generic path's (conv_pw_other) on the stack. */
static __attribute__((noinline)) int conv_pw_run_asm(const conv_dsp *d, const int8_t *x, int count, int8_t *dst, int clampf) {
  const tf_conv_params *p = d->p;
  const int cin = p->in_depth, od = p->out_depth;
  conv_pw_state st;
  st.s1 = od;
  st.col = d->col;
  st.cend = d->col + 16 * d->G;
  st.skip = 52 * ((4 - ((d->G - 1) & 3)) & 3);
  st.back = 4 * d->G - cin;
  st.depth = cin;
  st.lo4 = d->lo4;
  st.hi4 = d->hi4;
  int i = 0;
  for (; i + 4 <= count; i += 4) {
    conv_pw_fill(d, x + (size_t)i * cin, 4);
    st.bias = p->q.bias, st.mult = p->q.multiplier, st.rq = d->rq;
    st.o = dst + (size_t)i * od, st.oend = st.o + od;
    conv_pw_block4_asm(&st, p->filter, clampf);
  }
  return i;
}

/* One pixel's out_depth values at dst from its cin inputs at x: its doubled column in the single-pixel layout
 * (group g at col + 4 g, the places past cin 0), then four filter rows a pass over it (conv_block_out1, which
 * takes every kind of channel in conv_pw_table's forms), four outputs packed into one store. */
static void conv_pw_pixel1(const conv_dsp *d, const int8_t *x, int8_t *dst) {
  const int cin = d->p->in_depth, G4 = cin >> 2;
  int16_t *g = conv_col_words(d->col, x, G4, 4, d->off4);
  if (G4 < d->G) conv_pw_put_tail(g, x + 4 * G4, cin & 3, d->off4);
  conv_block_out1(d, dst);
}

#if defined(__OPTIMIZE__)
/* Pointwise convs over 8 or 16 channels with the lowering's channel records (src/schedule/abi/ops/pointwise-table.ts; the
 * full int8 output range, every channel in the doubled form): pixel by pixel, its inputs sign-extended into registers
 * once, then each channel's record by LDMs: 2 (bias + offset sum w) and the doubled weight pairs, one SMLAD per pair
 * (the doubled accumulator, exact: the lowering proved it within 2^31), then m, hc, sh and tf_rqd_apply's three
 * instructions, SSAT, one byte store. Four channels a pass: the loop ends on the last channel's sh word (+256: ASR reads
 * its low byte), which is always the pass's fourth (CONV_PW_REC_ENTER), so no end pointer takes a register and one test
 * serves four channels. Pixel i's outputs are written after its inputs are read (the stream-pixel order).
 * -O0 keeps a frame pointer in r7: the block path instead. */

/* The channel's requantization from the record's m, hc, sh (r advanced past them), SSAT, the byte store. */
#define CONV_PW_REC_OUT                      \
  "ldmia  %[r]!, {%[w0], %[w1], %[w2]}\n\t"  \
  "add    %[w1], %[w1], %[a], asr #31\n\t"   \
  "smmlar %[a], %[a], %[w0], %[w1]\n\t"      \
  "asr    %[a], %[a], %[w2]\n\t"             \
  "ssat   %[a], #8, %[a]\n\t"                \
  "strb   %[a], [%[o]], #1\n\t"

/* Four channels a pass, the last channel always the pass's fourth: w2 = out_depth mod 4 picks where the first pass
 * enters (0: at the first, 3: the second, 2: the third, 1: the fourth). */
#define CONV_PW_REC_ENTER       \
  "cmp    %[w2], #2\n\t"       \
  "beq    3f\n\t"              \
  "bhi    2f\n\t"              \
  "cmp    %[w2], #0\n\t"       \
  "bne    4f\n\t"

/* The four-channel pass CONV_PW_REC_ENTER enters (labels 1-4), repeated until the last channel's sh word (+256). */
#define CONV_PW_REC_PASSES(CHANNEL) \
  "1:\n\t" CHANNEL               \
  "2:\n\t" CHANNEL               \
  "3:\n\t" CHANNEL               \
  "4:\n\t" CHANNEL               \
  "cmp    %[w2], #256\n\t"       \
  "blo    1b\n\t"

/* c_in 8: the record's first five words by one LDM, four SMLADs: 12 instructions per 8 MACs (four channels a pass). */
#define CONV_PW8_CHANNEL                                     \
  "ldmia  %[r]!, {%[a], %[w0], %[w1], %[w2], %[w3]}\n\t"     \
  "smlad  %[a], %[w0], %[xe0], %[a]\n\t"                     \
  "smlad  %[a], %[w1], %[xo0], %[a]\n\t"                     \
  "smlad  %[a], %[w2], %[xe1], %[a]\n\t"                     \
  "smlad  %[a], %[w3], %[xo1], %[a]\n\t" CONV_PW_REC_OUT

static __attribute__((noinline)) void conv_pw8_run(const int32_t *rec, int od, const int8_t *x, int count, int8_t *o) {
  for (int i = 0; i < count; i++, x += 8) {
    register int32_t a __asm__("r4"), w0 __asm__("r5"), w1 __asm__("r6"), w2 __asm__("r7"), w3 __asm__("r8");
    int32_t xe0, xo0, xe1, xo1;
    const int32_t *r = rec;
    w2 = od & 3;
    __asm__ volatile("ldrd   %[xe1], %[xo1], [%[x]]\n\t"
                     "sxtb16 %[xe0], %[xe1]\n\t"
                     "sxtb16 %[xo0], %[xe1], ror #8\n\t"
                     "sxtb16 %[xe1], %[xo1]\n\t"
                     "sxtb16 %[xo1], %[xo1], ror #8\n\t" CONV_PW_REC_ENTER CONV_PW_REC_PASSES(CONV_PW8_CHANNEL)
                     : [r] "+r"(r), [o] "+r"(o), [a] "=&r"(a), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "+&r"(w2), [w3] "=&r"(w3),
                       [xe0] "=&r"(xe0), [xo0] "=&r"(xo0), [xe1] "=&r"(xe1), [xo1] "=&r"(xo1)
                     : [x] "r"(x)
                     : "cc", "memory");
  }
}

/* c_in 16: the 16 inputs in eight registers; the record's 12 words by five LDMs and the requantization's: 20
 * instructions per 16 MACs (four channels a pass). */
#define CONV_PW16_CHANNEL                          \
  "ldmia  %[r]!, {%[a], %[w0], %[w1]}\n\t"         \
  "smlad  %[a], %[w0], %[p0], %[a]\n\t"            \
  "smlad  %[a], %[w1], %[p1], %[a]\n\t"            \
  "ldmia  %[r]!, {%[w0], %[w1]}\n\t"               \
  "smlad  %[a], %[w0], %[p2], %[a]\n\t"            \
  "smlad  %[a], %[w1], %[p3], %[a]\n\t"            \
  "ldmia  %[r]!, {%[w0], %[w1]}\n\t"               \
  "smlad  %[a], %[w0], %[p4], %[a]\n\t"            \
  "smlad  %[a], %[w1], %[p5], %[a]\n\t"            \
  "ldmia  %[r]!, {%[w0], %[w1]}\n\t"               \
  "smlad  %[a], %[w0], %[p6], %[a]\n\t"            \
  "smlad  %[a], %[w1], %[p7], %[a]\n\t" CONV_PW_REC_OUT

static __attribute__((noinline)) void conv_pw16_run(const int32_t *rec, int od, const int8_t *x, int count, int8_t *o) {
  for (int i = 0; i < count; i++, x += 16) {
    register int32_t a __asm__("r10"), w0 __asm__("r11"), w1 __asm__("r12"), w2 __asm__("lr");
    int32_t p0, p1, p2, p3, p4, p5, p6, p7;
    const int32_t *r = rec;
    __asm__("ldrd   %[p1], %[p3], [%[x]]\n\t"
            "ldrd   %[p5], %[p7], [%[x], #8]\n\t"
            "sxtb16 %[p0], %[p1]\n\t"
            "sxtb16 %[p1], %[p1], ror #8\n\t"
            "sxtb16 %[p2], %[p3]\n\t"
            "sxtb16 %[p3], %[p3], ror #8\n\t"
            "sxtb16 %[p4], %[p5]\n\t"
            "sxtb16 %[p5], %[p5], ror #8\n\t"
            "sxtb16 %[p6], %[p7]\n\t"
            "sxtb16 %[p7], %[p7], ror #8\n\t"
            : [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2), [p3] "=&r"(p3), [p4] "=&r"(p4), [p5] "=&r"(p5), [p6] "=&r"(p6), [p7] "=&r"(p7)
            : [x] "r"(x), "m"(*(const int8_t(*)[16])x));
    w2 = od & 3;
    __asm__ volatile(CONV_PW_REC_ENTER CONV_PW_REC_PASSES(CONV_PW16_CHANNEL)
                     : [r] "+r"(r), [o] "+r"(o), [a] "=&r"(a), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "+&r"(w2)
                     : [p0] "r"(p0), [p1] "r"(p1), [p2] "r"(p2), [p3] "r"(p3), [p4] "r"(p4), [p5] "r"(p5), [p6] "r"(p6), [p7] "r"(p7)
                     : "cc", "memory");
  }
}
#endif

/* The pointwise path from the lowering's channel records (conv2d_s8_pw_rec: c_in 8 or 16), every pixel, straight from the
 * record: the records hold the whole requantization, so no conv_dsp_init (its table cost ~40 instructions a channel). 0
 * when the call has none (or at -O0), then conv_pw_run runs it. */
static int conv_pw_rec_run(const tf_conv2d_args *a) {
#if defined(__OPTIMIZE__)
  if (!a->channel_records) return 0;
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  const int32_t *rec = (const int32_t *)tf_ref(a->channel_records);
  const int count = a->batches * a->out_h * a->out_w;
  if (a->in_depth == 16) conv_pw16_run(rec, a->out_depth, x, count, y);
  else conv_pw8_run(rec, a->out_depth, x, count, y);
  return 1;
#else
  (void)a;
  return 0;
#endif
}

/* `count` pixels from linear pixel index `first` (as conv_dsp_run). */
static void conv_pw_run(const conv_dsp *d, int first, int count, int8_t *dst) {
  const tf_conv_params *p = d->p;
  const int cin = p->in_depth, od = p->out_depth;
  const int8_t *x = d->x + (size_t)first * cin;
  const int clampf = d->lo4 != 0x80808080u || d->hi4 != 0x7f7f7f7fu;
  int i = 0;
  if (d->G == 2 && !(cin & 3)) {
    conv_pw_block_fn *const full = clampf ? conv_pw_block4_g2c : conv_pw_block4_g2;
    for (; i + 4 <= count; i += 4) {
      conv_pw_fill(d, x + (size_t)i * cin, 4);
      full(d, dst + (size_t)i * od);
    }
  } else if (d->pwd && d->G > 2) {
    i = conv_pw_run_asm(d, x, count, dst, clampf);
  }
  /* The last 1-3 pixels, and every block when a channel goes the exact way (conv_pw_other). A last 1 or 2 pixels
   * one by one (conv_pw_pixel1): a 4-pixel block costs the same for any np, so on a 3x3 plane (9 pixels) its one
   * pixel cost a third of the call. */
  for (; i < count; i += 4) {
    const int np = count - i < 4 ? count - i : 4;
    if (np <= 2) {
      for (; i < count; i++) conv_pw_pixel1(d, x + (size_t)i * cin, dst + (size_t)i * od);
      break;
    }
    conv_pw_fill(d, x + (size_t)i * cin, np);
    conv_pw_block(d, np, dst + (size_t)i * od, 1, 0, cin & 3);
  }
}

/* Whether the call takes the pointwise path: its geometry, and every dot product within +-2^29
 * (K * 128 * (128 + |offset|)), so that its double is exact; conv_pw_table says which channels' biases
 * keep the whole accumulator within 2^30. */
static int64_t conv_pw_dot_bound(const tf_conv_params *p) {
  const int32_t off = p->q.input_offset;
  return (int64_t)p->filter_h * p->filter_w * p->filter_depth * 128 * (128 + (off < 0 ? -(int64_t)off : off)); /* the window: in_depth at 1x1 */
}

static int conv_pw_fits(const tf_conv_params *p, int P) {
  if (P != 4 || p->filter_h != 1 || p->filter_w != 1 || p->stride_h != 1 || p->stride_w != 1) return 0;
  if (p->pad_top != 0 || p->pad_left != 0 || p->in_h != p->out_h || p->in_w != p->out_w) return 0;
  if (p->filter_depth != p->in_depth) return 0;
  const int32_t off = p->q.input_offset;
  return off >= -256 && off <= 256 && conv_pw_dot_bound(p) < ((int64_t)1 << 29);
}

/* Channel c's output for accumulator v (bias included), as TFLM computes it. */
static int32_t conv_pw_out(const tf_conv_params *p, int c, int64_t v) {
  return tf_requant_s8((int32_t)v, 0, p->q.multiplier[c], p->q.shift[c], p->q.output_offset, p->q.act_min, p->q.act_max);
}

/* Channel c's doubled-form requantization (tf_rqd_init); else sh = -1 and hc its one output when the
 * requantization (non-decreasing in v for m >= 0, shift <= 0) gives the same at both ends of the reachable
 * accumulators [bias - dot, bias + dot] within int32; else sh = 0 (conv_pw_other's exact way). 1: sh != 0. */
static __attribute__((noinline)) int conv_pw_entry(const tf_conv_params *p, int64_t dot, int c, tf_rq *q) {
  const int64_t b = p->q.bias[c], lo = b - dot, hi = b + dot;
  if ((b < 0 ? -b : b) + dot < ((int64_t)1 << 30) && tf_rqd_init(q, p->q.multiplier[c], p->q.shift[c], p->q.output_offset)) return 1;
  q->sh = 0;
  q->hc = 0;
  if (p->q.multiplier[c] >= 0 && p->q.shift[c] <= 0 && lo >= INT32_MIN && hi <= INT32_MAX && conv_pw_out(p, c, lo) == conv_pw_out(p, c, hi)) {
    q->sh = -1;
    q->hc = conv_pw_out(p, c, lo);
  }
  return q->sh != 0;
}

/* Every channel's conv_pw_entry; 1: no channel has sh = 0. The common channel (m > 0, r = -shift in 1..21, |bias| + dot
 * < 2^30, |output offset| <= 256) first in a loop of its own, hc = 2^(r-1) + offset 2^r = (1 + 2 offset) 2^(r-1); the
 * others, left at sh = 0, then by conv_pw_entry (~15 instructions a channel instead of ~50). */
/* The common channels' entries (|bias| <= bspan, k = 1 + 2 offset), the others sh = 0; 1: there were others. */
static __attribute__((noinline)) int conv_pw_common(const tf_conv_params *p, tf_rq *rq, uint32_t bspan, uint32_t k) {
  const int32_t *bias = p->q.bias, *mult = p->q.multiplier, *shift = p->q.shift;
  const uint32_t b2 = 2 * bspan;
  int rest = 0;
  for (int c = 0; c < p->out_depth; c++) {
    const int32_t rm1 = ~shift[c]; /* r - 1 */
    const int ok = mult[c] > 0 && (uint32_t)rm1 < 21 && (uint32_t)bias[c] + bspan <= b2;
    rq[c].hc = (int32_t)(k << (ok ? rm1 : 0));
    rq[c].sh = ok ? rm1 + 1 : 0;
    rest |= !ok;
  }
  return rest;
}

static int conv_pw_table(const tf_conv_params *p, tf_rq *rq) {
  const int64_t dot = conv_pw_dot_bound(p);
  const int32_t oo = p->q.output_offset, n = p->out_depth;
  int rest = 1;
  if (dot < ((int64_t)1 << 30) && oo >= -256 && oo <= 256)
    rest = conv_pw_common(p, rq, (uint32_t)(((int64_t)1 << 30) - dot - 1), 1u + 2u * (uint32_t)oo);
  else
    for (int c = 0; c < n; c++) rq[c].sh = 0; /* no common loop ran: every channel by conv_pw_entry (rq is workspace) */
  int all = 1;
  if (rest)
    for (int c = 0; c < n; c++)
      if (rq[c].sh == 0) all &= conv_pw_entry(p, dot, c, &rq[c]);
  return all;
}

/* Whether the call runs the pixel-block path, and its block size: one group, window within the buffers,
 * and the column buffer and requantization table within the call's planned workspace. */
static int conv_dsp_pixels(const tf_conv_params *p, int32_t workspace_bytes) {
  if (p->filter_depth != p->in_depth || p->out_depth > TF_RQ_MAX) return 0;
  const int K4 = (p->filter_h * p->filter_w * p->filter_depth + 3) & ~3;
  if (K4 == 0) return 0;
  const int P = 4 * K4 <= TF_COL4_MAX ? 4 : K4 <= TF_COL_MAX ? 1 : 0;
  return P && 2 * P * K4 + p->out_depth * (int)sizeof(tf_rq) <= workspace_bytes ? P : 0;
}

/* The per-call state, its col (P * K4 int16) and requantization table in the call's workspace (the plan
 * places it in the arena: src/ir/workspace.ts); d->P = 0 (the portable path) when it does not fit. fill: the
 * call's column fill (the symbol's, or conv_col_fill_for's); pw_ok: the pointwise path may be taken. */
static void conv_dsp_init(conv_dsp *d, const tf_conv_params *p, const int8_t *x, const tf_conv2d_args *a, conv_fill_fn *fill, int pw_ok) {
  const int P = conv_dsp_pixels(p, a->workspace_bytes);
  const int G = P ? (p->filter_h * p->filter_w * p->filter_depth + 3) / 4 : 0;
  uint8_t *ws = (uint8_t *)tf_ref(a->workspace);
  tf_rq *rq = (tf_rq *)(void *)(ws + (size_t)8 * P * G);
  d->p = p; d->x = x; d->col = (int16_t *)(void *)ws; d->P = P; d->G = G;
  d->K = p->filter_h * p->filter_w * p->filter_depth;
  d->fill = fill;
  d->block4 = NULL;
  const int32_t off = p->q.input_offset;
  d->off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  d->off4 = __sadd16(d->off2, d->off2);
  d->lo4 = tf_bytes4(p->q.act_min);
  d->hi4 = tf_bytes4(p->q.act_max);
  d->rq = NULL;
  d->pw = 0;
  d->pwd = 0;
  d->channel_records = NULL;
  if (!P) return;
  if (pw_ok && conv_pw_fits(p, P)) {
    d->pwd = conv_pw_table(p, rq);
    d->pw = 1;
    d->rq = rq;
    return;
  }
  conv_pw_table(p, rq); /* KxK too: the column holds 2 (x + offset), every accumulator doubled */
  d->rq = rq;
}
#endif

/* Output pixel (n, oy, ox): out_depth values to dst. Reads only the input. */
static void conv_pixel(const tf_conv_params *p, const int8_t *x, int n, int oy, int ox, int8_t *dst) {
  const int in_y0 = oy * p->stride_h - p->pad_top;
  const int in_x0 = ox * p->stride_w - p->pad_left;
  const int fd = p->filter_depth;
  const int groups = p->in_depth / fd;
  const int per_group = p->out_depth / groups;
  const int32_t off = p->q.input_offset;
  /* Filter rows in bounds: [ky0, ky1), columns [kx0, kx1). */
  int ky0 = 0, ky1 = p->filter_h, kx0 = 0, kx1 = p->filter_w;
  while (ky0 < ky1 && in_y0 + p->dilation_h * ky0 < 0) ky0++;
  while (ky1 > ky0 && in_y0 + p->dilation_h * (ky1 - 1) >= p->in_h) ky1--;
  while (kx0 < kx1 && in_x0 + p->dilation_w * kx0 < 0) kx0++;
  while (kx1 > kx0 && in_x0 + p->dilation_w * (kx1 - 1) >= p->in_w) kx1--;
  const size_t w_oc = (size_t)p->filter_h * p->filter_w * fd;

  if (groups == 1 && p->dilation_w == 1) {
    /* Each filter row's in-bounds taps read one contiguous run of the input: (kx1 - kx0) * depth bytes. */
    const int run = (kx1 - kx0) * fd;
    int oc = 0;
    int32_t acc[4];
    for (; oc + 4 <= p->out_depth; oc += 4) {
      acc[0] = acc[1] = acc[2] = acc[3] = 0;
      for (int ky = ky0; ky < ky1; ky++) {
        const int iy = in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + in_x0 + kx0) * p->in_depth;
        const int8_t *wr = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx0) * fd;
        tf_dot4(xr, wr, w_oc, run, off, acc);
      }
      for (int j = 0; j < 4; j++) {
        const int c = oc + j;
        dst[oc + j] = tf_requant_s8(acc[j], p->q.bias[oc + j], p->q.multiplier[c], p->q.shift[c],
                                    p->q.output_offset, p->q.act_min, p->q.act_max);
      }
    }
    for (; oc < p->out_depth; oc++) {
      int32_t a = 0;
      for (int ky = ky0; ky < ky1; ky++) {
        const int iy = in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + in_x0 + kx0) * p->in_depth;
        const int8_t *wr = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx0) * fd;
        a = tf_wadd(a, tf_dot1(xr, wr, run, off));
      }
      const int c = oc;
      dst[oc] = tf_requant_s8(a, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                              p->q.act_min, p->q.act_max);
    }
    return;
  }

  for (int oc = 0; oc < p->out_depth; oc++) {
    const int in_c0 = (oc / per_group) * fd;
    int32_t a = 0;
    for (int ky = ky0; ky < ky1; ky++) {
      const int iy = in_y0 + p->dilation_h * ky;
      for (int kx = kx0; kx < kx1; kx++) {
        const int ix = in_x0 + p->dilation_w * kx;
        const int8_t *xp = x + (((size_t)n * p->in_h + iy) * p->in_w + ix) * p->in_depth + in_c0;
        const int8_t *wp = p->filter + (size_t)oc * w_oc + ((size_t)ky * p->filter_w + kx) * fd;
        a = tf_wadd(a, tf_dot1(xp, wp, fd, off));
      }
    }
    const int c = oc;
    dst[oc] = tf_requant_s8(a, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                            p->q.act_min, p->q.act_max);
  }
}

static void conv_params(const tf_conv2d_args *a, tf_conv_params *p) {
  p->batches = a->batches; p->in_h = a->in_h; p->in_w = a->in_w; p->in_depth = a->in_depth;
  p->out_h = a->out_h; p->out_w = a->out_w; p->out_depth = a->out_depth;
  p->filter_h = a->filter_h; p->filter_w = a->filter_w; p->filter_depth = a->filter_depth; p->depth_multiplier = 1;
  p->stride_h = a->stride_h; p->stride_w = a->stride_w; p->dilation_h = a->dilation_h; p->dilation_w = a->dilation_w;
  p->pad_top = a->pad_top; p->pad_left = a->pad_left;
  p->filter = (const int8_t *)tf_ref(a->filter);
  p->q.bias = (const int32_t *)tf_ref(a->bias);
  p->q.multiplier = (const int32_t *)tf_ref(a->multiplier);
  p->q.shift = (const int32_t *)tf_ref(a->shift);
  p->q.input_offset = a->input_offset; p->q.output_offset = a->output_offset;
  p->q.act_min = a->act_min; p->q.act_max = a->act_max;
}

/* What a kernel symbol links: CONV_ANY every path (the portable one when the workspace is short: the generic symbols);
 * the per-path symbols the lowering picks for a call whose conditions it proved (src/ir/workspace.ts cConvPath), so a
 * model links only the paths its layers run: CONV_PW the pointwise path, CONV_PW_REC it with the channel-record loops
 * first (a layer with records), CONV_KXK the column path with one fill, CONV_KXK_REC the 3x3c3 fill with the channel-pair
 * records first (conv3_rec_run). */
enum { CONV_ANY, CONV_PW, CONV_PW_REC, CONV_KXK, CONV_KXK_REC };
/* The variant's write order: CONV_DIRECT straight to the output (default), CONV_ROWS each output row into scratch then
 * copied (stream-row), CONV_PIXELS each pixel into scratch then copied (stream-pixel; the DSP paths read a block's
 * windows before writing its pixels, so they write straight to the output). */
enum { CONV_DIRECT, CONV_ROWS, CONV_PIXELS };

TF_INLINE void conv_entry(const int32_t *args, const int order, const int path, conv_fill_fn *fill) {
  const tf_conv2d_args *a = (const tf_conv2d_args *)args;
#if TF_DSP
  /* the record loops write each pixel after reading it, stream-pixel too */
  if (path == CONV_PW_REC && order != CONV_ROWS && conv_pw_rec_run(a)) return;
#endif
  tf_conv_params p;
  conv_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const size_t row = (size_t)p.out_w * p.out_depth;
#if TF_DSP
  (void)fill;
  conv_dsp d;
  conv_dsp_init(&d, &p, x, a, path == CONV_ANY ? conv_col_fill_for(&p) : fill, path != CONV_KXK && path != CONV_KXK_REC);
  int rec3 = 0; /* the channel-pair records (conv3_rec_run); none at -O0 */
#if defined(__OPTIMIZE__)
  if (fill == conv_col_fill_3x3c3 && d.G == 7) d.block4 = conv_3x3c3_block4; /* a constant per symbol */
  if (path == CONV_KXK_REC && a->channel_records && d.P) d.channel_records = (const int32_t *)tf_ref(a->channel_records), rec3 = 1;
#endif
  /* a per-path symbol's call meets its path's conditions (the lowering's choice): no portable fallback linked */
  if (path != CONV_ANY || d.P) {
    const int pw = path == CONV_PW || path == CONV_PW_REC || (path == CONV_ANY && d.pw);
    if (order != CONV_ROWS) {
      if (rec3) conv3_rec_go(&d, 0, p.batches * p.out_h * p.out_w, y);
      else if (pw) conv_pw_run(&d, 0, p.batches * p.out_h * p.out_w, y);
      else conv_dsp_run(&d, 0, p.batches * p.out_h * p.out_w, y);
      return;
    }
    for (int n = 0; n < p.batches; n++)
      for (int oy = 0; oy < p.out_h; oy++) {
        if (rec3) conv3_rec_go(&d, (n * p.out_h + oy) * p.out_w, p.out_w, s);
        else if (pw) conv_pw_run(&d, (n * p.out_h + oy) * p.out_w, p.out_w, s);
        else conv_dsp_run(&d, (n * p.out_h + oy) * p.out_w, p.out_w, s);
        memcpy(y + ((size_t)n * p.out_h + oy) * row, s, row);
      }
    return;
  }
#else
  (void)path;
  (void)fill;
#endif
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++) {
      for (int ox = 0; ox < p.out_w; ox++) {
        int8_t *o = y + (((size_t)n * p.out_h + oy) * p.out_w + ox) * p.out_depth;
        if (order == CONV_DIRECT) conv_pixel(&p, x, n, oy, ox, o);
        else if (order == CONV_ROWS) conv_pixel(&p, x, n, oy, ox, s + (size_t)ox * p.out_depth);
        else {
          conv_pixel(&p, x, n, oy, ox, s);
          memcpy(o, s, (size_t)p.out_depth);
        }
      }
      if (order == CONV_ROWS) memcpy(y + ((size_t)n * p.out_h + oy) * row, s, row);
    }
}

#if TF_DSP
#define CONV_FILL(f) f
#else
#define CONV_FILL(f) NULL /* the portable build has no column fills */
#endif

void conv2d_s8(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_ANY, NULL); }

/* 1x1, stride 1, no pads, one group: every pixel is a dot product of its depth with each filter row. */
void conv2d_s8_1x1(const int32_t *args) { conv2d_s8(args); }

/* stream-row: each output row (n, oy) into the scratch row, then copied to the output. */
void conv2d_s8_stream_row(const int32_t *args) { conv_entry(args, CONV_ROWS, CONV_ANY, NULL); }

/* stream-pixel: each output pixel into the scratch pixel, then copied to the output. */
void conv2d_s8_stream_pixel(const int32_t *args) { conv_entry(args, CONV_PIXELS, CONV_ANY, NULL); }

/* The per-path symbols (cConvPath), in the variants the planner gives their layers (stream-pixel only pixelwise): pointwise;
 * 3x3 over 3 channels; depth a multiple of 4 (dilation_w 1); any window. */
void conv2d_s8_pw(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_PW, NULL); }
void conv2d_s8_pw_stream_pixel(const int32_t *args) { conv_entry(args, CONV_PIXELS, CONV_PW, NULL); }
/* pointwise over 8 or 16 channels with the lowering's channel records (field channel_records), else as conv2d_s8_pw */
void conv2d_s8_pw_rec(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_PW_REC, NULL); }
void conv2d_s8_pw_rec_stream_pixel(const int32_t *args) { conv_entry(args, CONV_PIXELS, CONV_PW_REC, NULL); }
void conv2d_s8_3x3c3(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_KXK, CONV_FILL(conv_col_fill_3x3c3)); }
void conv2d_s8_3x3c3_stream_row(const int32_t *args) { conv_entry(args, CONV_ROWS, CONV_KXK, CONV_FILL(conv_col_fill_3x3c3)); }
/* 3x3 over 3 channels with the lowering's channel-pair records (field channel_records), else as conv2d_s8_3x3c3 */
void conv2d_s8_3x3c3_rec(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_KXK_REC, CONV_FILL(conv_col_fill_3x3c3)); }
void conv2d_s8_3x3c3_rec_stream_row(const int32_t *args) { conv_entry(args, CONV_ROWS, CONV_KXK_REC, CONV_FILL(conv_col_fill_3x3c3)); }
void conv2d_s8_kxk4(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_KXK, CONV_FILL(conv_col_fill_taps4)); }
void conv2d_s8_kxk4_stream_row(const int32_t *args) { conv_entry(args, CONV_ROWS, CONV_KXK, CONV_FILL(conv_col_fill_taps4)); }
void conv2d_s8_kxk(const int32_t *args) { conv_entry(args, CONV_DIRECT, CONV_KXK, CONV_FILL(conv_col_fill_runs)); }
void conv2d_s8_kxk_stream_row(const int32_t *args) { conv_entry(args, CONV_ROWS, CONV_KXK, CONV_FILL(conv_col_fill_runs)); }
