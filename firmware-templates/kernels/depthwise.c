/* DEPTHWISE_CONV_2D int8 (reference: src/reference/ops/depthwise.ts; variants: src/reference/variants.ts). */
#include <string.h>
#include "tf_kernels.h"
#include "tf_quant.h"
#include "tf_dot.h"

typedef struct {
  int ky0, ky1, kx0, kx1, in_y0, in_x0;
} dw_window;

static inline void dw_window_of(const tf_conv_params *p, int oy, int ox, dw_window *w) {
  w->in_y0 = oy * p->stride_h - p->pad_top;
  w->in_x0 = ox * p->stride_w - p->pad_left;
  w->ky0 = 0; w->ky1 = p->filter_h; w->kx0 = 0; w->kx1 = p->filter_w;
  while (w->ky0 < w->ky1 && w->in_y0 + p->dilation_h * w->ky0 < 0) w->ky0++;
  while (w->ky1 > w->ky0 && w->in_y0 + p->dilation_h * (w->ky1 - 1) >= p->in_h) w->ky1--;
  while (w->kx0 < w->kx1 && w->in_x0 + p->dilation_w * w->kx0 < 0) w->kx0++;
  while (w->kx1 > w->kx0 && w->in_x0 + p->dilation_w * (w->kx1 - 1) >= p->in_w) w->kx1--;
}

static inline int8_t dw_requant(const tf_conv_params *p, int32_t acc, int oc) {
  const int c = oc;
  return tf_requant_s8(acc, p->q.bias[oc], p->q.multiplier[c], p->q.shift[c], p->q.output_offset,
                       p->q.act_min, p->q.act_max);
}

/* Output value (n, window, ic, m): reads only input channel ic of batch n. */
static inline int32_t dw_acc(const tf_conv_params *p, const int8_t *x, int n, const dw_window *w, int ic, int oc) {
  const int32_t off = p->q.input_offset;
  int32_t acc = 0;
  for (int ky = w->ky0; ky < w->ky1; ky++) {
    const int iy = w->in_y0 + p->dilation_h * ky;
    const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w) * p->in_depth + ic;
    const int8_t *wr = p->filter + (size_t)ky * p->filter_w * p->out_depth + oc;
    for (int kx = w->kx0; kx < w->kx1; kx++) {
      const int ix = w->in_x0 + p->dilation_w * kx;
      acc = tf_wadd(acc, (int32_t)wr[(size_t)kx * p->out_depth] * ((int32_t)xr[(size_t)ix * p->in_depth] + off));
    }
  }
  return acc;
}

/* Output pixel (n, oy, ox): out_depth values to dst. Reads only the input. */
static void dw_pixel(const tf_conv_params *p, const int8_t *x, int n, int oy, int ox, int8_t *dst) {
  dw_window w;
  dw_window_of(p, oy, ox, &w);
  const int M = p->depth_multiplier;
  int ic = 0;
#if TF_DSP
  if (M == 1 && p->dilation_w == 1) {
    /* Four channels at a time: x and w as SXTB16 pairs, SMLABB/SMLATT keep the channels apart. */
    const int32_t off = p->q.input_offset;
    const int32_t off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
    for (; ic + 4 <= p->in_depth; ic += 4) {
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (int ky = w.ky0; ky < w.ky1; ky++) {
        const int iy = w.in_y0 + p->dilation_h * ky;
        const int8_t *xr = x + (((size_t)n * p->in_h + iy) * p->in_w + w.in_x0) * p->in_depth + ic;
        const int8_t *wr = p->filter + (size_t)ky * p->filter_w * p->out_depth + ic;
        for (int kx = w.kx0; kx < w.kx1; kx++) {
          uint32_t xv, wv;
          memcpy(&xv, xr + (size_t)kx * p->in_depth, 4);
          memcpy(&wv, wr + (size_t)kx * p->out_depth, 4);
          const int32_t xe = __sadd16(__sxtb16(xv), off2), xo = __sadd16(__sxtb16((xv >> 8) | (xv << 24)), off2);
          const int32_t we = __sxtb16(wv), wo = __sxtb16((wv >> 8) | (wv << 24));
          a0 = __smlabb(xe, we, a0);
          a2 = __smlatt(xe, we, a2);
          a1 = __smlabb(xo, wo, a1);
          a3 = __smlatt(xo, wo, a3);
        }
      }
      dst[ic] = dw_requant(p, a0, ic);
      dst[ic + 1] = dw_requant(p, a1, ic + 1);
      dst[ic + 2] = dw_requant(p, a2, ic + 2);
      dst[ic + 3] = dw_requant(p, a3, ic + 3);
    }
  }
#endif
  for (; ic < p->in_depth; ic++)
    for (int m = 0; m < M; m++) {
      const int oc = ic * M + m;
      dst[oc] = dw_requant(p, dw_acc(p, x, n, &w, ic, oc), oc);
    }
}

static void dw_params(const tf_dwconv2d_args *a, tf_conv_params *p);

#if TF_DSP
/* Depthwise requantization on a doubled accumulator (the shared helper of the 3x3 paths; tf_rqd_apply: one SMMLAR,
 * the output offset in hc). Whether channel c's is exact for every output the layer can give: 2 v within int32 for
 * v = bias + sum w (x + off) over at most kh * kw taps, |w| <= 128, |x + off| <= 255 (off in [-127, 128]:
 * dw4_geometry_ok), i.e. |bias| + 255 * 128 * taps < 2^30; m >= 0; r = -shift in 1..23 with an int8 output offset
 * (tf_rqd_init's proof stops at r = 21 for |offset| <= 256: SMMLAR's high word hc + (a >> 31) + a m / 2^32 must not
 * wrap, |a m| / 2^32 < 2^30, and hc = 2^(r-1) + offset 2^r is within [2^22 - 2^30, 2^30 - 2^22] for r = 23 and an
 * offset in [-128, 127]; mcunet's and vww's depthwise layers have channels at r = 22 and 23). Else the channel
 * requantizes the plain accumulator (tf_mbqm_fast). */
TF_INLINE int dw_rqd_ok(const tf_conv_params *p, int c) {
  const int32_t room = (1 << 30) - 255 * 128 * p->filter_h * p->filter_w; /* > 0: at most 64 taps (TF_DW_TAPS_MAX) */
  const int32_t s = p->q.shift[c], b = p->q.bias[c]; /* the output offset: an int8 zero point (src/ir/params checks it) */
  return s <= -1 && s >= -23 && p->q.multiplier[c] >= 0 && b > -room && b < room;
}

/* tf_rqd_init's hc for r = -shift and output offset oo (|oo| <= 256: an int8 zero point, or a constant output). A
 * constant v whatever the accumulator (an all-zero filter): m = 0, r = 1, hc = dw_rqd_hc(1, v). */
TF_INLINE int32_t dw_rqd_hc(int r, int32_t oo) { return (int32_t)((1u << (r - 1)) + (uint32_t)oo * (1u << r)); }

/* Requantized (int8 saturated, not yet clamped to the activation range) output of doubled accumulator a. */
TF_INLINE int8_t dw_rqd_s8(int32_t a, int32_t m, int32_t hc, int32_t sh) { return (int8_t)__ssat(tf_rqd_apply(a, m, hc, sh), 8); }

/* ARMv7E-M, depth multiplier 1: four channels at a time. The group's weights are unpacked once into a
 * tap table (SXTB16 pairs: channels (0, 2) and (1, 3)), the input offset is folded into the bias for
 * windows wholly inside the image (sum w * (x + off) = sum w * x + off * sum w) and added to x (SADD16) on
 * the border, where the reference skips the taps outside. Per tap: one word of input (4 channels), two
 * SXTB16, one LDRD of weights, four SMLAxy; the weights and biases are doubled, so the four results are
 * requantized by one SMMLAR each (dw_rqd_ok, DW4_RQ_ASM), packed into one word, clamped lane-wise and stored at
 * once. */
#define TF_DW_TAPS_MAX 64          /* taps of the tap table (kh * kw; src/ir/workspace.ts C_DW_TAPS_MAX) */
#define TF_DW_PLANE4_MAX 2560      /* bytes of the 4 planes of inplace-channel's group (src/ir/workspace.ts C_DW_PLANE4_MAX) */

typedef struct {
  const tf_conv_params *p;
  const int8_t *x;
  int c;
  int32_t bias[4], beff[4];
  int32_t rq[4][3]; /* per channel m, hc, sh (adjacent: LDRD / LDM) */
  int32_t off2;
  uint32_t lo4, hi4;
  uint32_t zp4; /* the input zero point in every byte: a tap that reads it adds w * (zp + off) = 0 */
  int ox0, ox1; /* the output columns whose window columns are all inside the image */
  int32_t *wt;  /* the tap table (2 words a tap), in the call's planned workspace */
} dw4;

/* Whether the call's geometry and input zero point suit the 4-channel paths. */
static int dw4_geometry_ok(const tf_conv_params *p) {
  if (p->depth_multiplier != 1 || p->filter_h * p->filter_w > TF_DW_TAPS_MAX || p->in_depth < 4) return 0;
  return p->q.input_offset >= -127 && p->q.input_offset <= 128; /* zp4: the zero point is an int8 */
}

/* Whether channel c's filter is all zero (a pruned channel: its output a constant). */
static int dw_zero_filter(const tf_conv_params *p, int c) {
  for (int t = 0; t < p->filter_h * p->filter_w; t++)
    if (p->filter[(size_t)t * p->out_depth + c]) return 0;
  return 1;
}

/* Whether the call can take the 4-channel path: every channel requantizes on the doubled accumulator (dw_rqd_ok), or
 * is a constant (an all-zero filter). */
static int dw4_rqd_ok(const tf_conv_params *p) {
  if (!dw4_geometry_ok(p)) return 0;
  for (int c = 0; c < p->out_depth; c++)
    if (!dw_rqd_ok(p, c) && !dw_zero_filter(p, c)) return 0;
  return 1;
}

/* The call's tap table: the head of its planned workspace (8 bytes a tap, then `extra` bytes; the sizes
 * are src/ir/workspace.ts's), or NULL for the portable path (fewer bytes planned, or no 4-channel path). */
static int32_t *dw4_taps(const tf_dwconv2d_args *a, const tf_conv_params *p, int32_t extra) {
  const int32_t need = 8 * p->filter_h * p->filter_w + extra;
  return dw4_rqd_ok(p) && need <= a->workspace_bytes ? (int32_t *)tf_ref(a->workspace) : NULL;
}

/* The first channel of the group at c0: c0, or for the 1-3 channels left over the four ending at the last. */
static inline int dw4_group(const tf_conv_params *p, int c0) { return c0 + 4 <= p->in_depth ? c0 : p->in_depth - 4; }

/* Channels c..c+3: tap table, biases, requantization, all on the doubled accumulator (dw4_rqd_ok): the weights
 * doubled in the tap table (|2 w| <= 256 fits the int16 lanes), the biases doubled, tf_rqd_apply's forms. */
static void dw4_setup(dw4 *g, const tf_conv_params *p, const int8_t *x, int c) {
  g->p = p; g->x = x; g->c = c;
  const int taps = p->filter_h * p->filter_w;
  const int32_t off = p->q.input_offset;
  /* the weight sums as int16 lanes of the SXTB16 pairs (channels (0, 2), (1, 3)): at most 64 taps of |w| <= 128 */
  int32_t se = 0, so = 0;
  uint32_t nz = 0; /* byte j nonzero: some weight of channel j is */
  const int8_t *f = p->filter + c;
  const size_t D = (size_t)p->out_depth;
  for (int t = 0; t < taps; t++, f += D) {
    const uint32_t wv = tf_ld32(f);
    const int32_t we = __sxtb16(wv), wo = tf_sxtb16_ror8(wv);
    se = __sadd16(se, we), so = __sadd16(so, wo), nz |= wv;
    g->wt[2 * t] = __sadd16(we, we);
    g->wt[2 * t + 1] = __sadd16(wo, wo);
  }
  const int32_t sums[4] = {(int16_t)se, (int16_t)so, se >> 16, so >> 16};
  for (int j = 0; j < 4; j++) {
    const int32_t bias = p->q.bias[c + j];
    int32_t m = p->q.multiplier[c + j], sh = -p->q.shift[c + j], hc;
    if (!(nz & (0xffu << (8 * j)))) {
      /* an all-zero filter: the constant bias requantized, whatever the accumulator (the m = 0 form); every other
       * channel has the doubled form (dw4_rqd_ok) */
      const int32_t v = tf_mbqm_fast(bias, m, -sh) + p->q.output_offset;
      m = 0, sh = 1, hc = dw_rqd_hc(1, v < -256 ? -256 : v > 256 ? 256 : v);
    } else {
      hc = dw_rqd_hc(sh, p->q.output_offset);
    }
    g->bias[j] = tf_wshl(bias, 1);
    g->beff[j] = tf_wshl(tf_wadd(bias, tf_wmul(off, sums[j])), 1);
    g->rq[j][0] = m, g->rq[j][1] = hc, g->rq[j][2] = sh;
  }
  g->off2 = (int32_t)(((uint32_t)off & 0xffffu) | ((uint32_t)off << 16));
  g->zp4 = tf_bytes4(-off);
  const int sw = p->stride_w, last = p->in_w - 1 - p->dilation_w * (p->filter_w - 1) + p->pad_left;
  g->ox0 = (p->pad_left + sw - 1) / sw;
  g->ox1 = last < 0 ? 0 : last / sw + 1;
  if (g->ox1 > p->out_w) g->ox1 = p->out_w;
  if (g->ox0 > g->ox1) g->ox0 = g->ox1;
  g->lo4 = tf_bytes4(p->q.act_min);
  g->hi4 = tf_bytes4(p->q.act_max);
}

/* Channel A's doubled accumulator requantized by tf_rqd_apply (its m, hc, sh by LDM from Q, which moves on to the next
 * channel's), saturated to int8 into r5, then INS (which packs it). Uses r4-r6. */
#define DW4_RQ_ASM(Q, A, INS)                                                                      \
  "ldmia  " Q "!, {r4, r5, r6}\n\t"                                                                  \
  "add    r5, r5, " A ", asr #31\n\t"                                                                \
  "smmlar r5, " A ", r4, r5\n\t"                                                                     \
  "asr    r5, r5, r6\n\t"                                                                            \
  "ssat   r5, #8, r5\n\t" INS "\n\t"
/* The packed word PK clamped lane-wise to [lo4, hi4] (Q: the group's off2, after the four channels' rq). Uses r4-r6. */
#define DW4_CLAMP_ASM(Q, PK)                                                                       \
  "ldrd   r4, r5, [" Q ", #4]\n\t"                                                                   \
  "ssub8  r6, " PK ", r4\n\t"                                                                        \
  "sel    " PK ", " PK ", r4\n\t"                                                                    \
  "ssub8  r6, r5, " PK "\n\t"                                                                        \
  "sel    " PK ", " PK ", r5\n\t"

/* The four doubled accumulators requantized, packed and clamped: each channel's m, hc, sh by one LDM (dw4's rq, then
 * off2, lo4, hi4: the layout the assembly reads). */
TF_INLINE uint32_t dw4_finish(const dw4 *g, int32_t a0, int32_t a1, int32_t a2, int32_t a3) {
  typedef char dw4_rq_layout[offsetof(dw4, lo4) - offsetof(dw4, rq) == 52 ? 1 : -1];
  (void)sizeof(dw4_rq_layout);
  uint32_t pk;
#if defined(__OPTIMIZE__)
  const int32_t *q = &g->rq[0][0];
  __asm__(DW4_RQ_ASM("%[q]", "%[a0]", "uxtb %[pk], r5") DW4_RQ_ASM("%[q]", "%[a1]", "bfi %[pk], r5, #8, #8")
          DW4_RQ_ASM("%[q]", "%[a2]", "bfi %[pk], r5, #16, #8") DW4_RQ_ASM("%[q]", "%[a3]", "bfi %[pk], r5, #24, #8")
          DW4_CLAMP_ASM("%[q]", "%[pk]")
          : [pk] "=&r"(pk), [q] "+r"(q)
          : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), "m"(*g)
          : "r4", "r5", "r6", "cc");
#else
  /* -O0 keeps a frame pointer, leaving too few registers for the block above: the same in C. */
#define DW4_RQ_C(A, J) ((uint32_t)(uint8_t)dw_rqd_s8(A, g->rq[J][0], g->rq[J][1], g->rq[J][2]) << (8 * J))
  pk = tf_clamp4(DW4_RQ_C(a0, 0) | DW4_RQ_C(a1, 1) | DW4_RQ_C(a2, 2) | DW4_RQ_C(a3, 3), g->lo4, g->hi4);
#undef DW4_RQ_C
#endif
  return pk;
}

#define DW4_TAP(xp, wp, border)                                                    \
  do {                                                                             \
    const uint32_t xv_ = tf_ld32(xp);                                              \
    int32_t xe_ = __sxtb16(xv_), xo_ = tf_sxtb16_ror8(xv_);                        \
    if (border) { xe_ = __sadd16(xe_, g->off2); xo_ = __sadd16(xo_, g->off2); }    \
    const int32_t we_ = (wp)[0], wo_ = (wp)[1];                                    \
    a0 = __smlabb(xe_, we_, a0);                                                   \
    a2 = __smlatt(xe_, we_, a2);                                                   \
    a1 = __smlabb(xo_, wo_, a1);                                                   \
    a3 = __smlatt(xo_, wo_, a3);                                                   \
  } while (0)

/* One window row of the group's taps: `taps` taps from x at r (xstep bytes apart) with the tap-table
 * entries from w, into a0..a3 (BORDER: the input offset added per tap, as the reference does where it
 * skips taps; else the accumulators started from the bias with the offset folded in). */
#define DW4_ROW_TAPS(r, w, taps, xstep, BORDER)                                                   \
  do {                                                                                         \
    const int8_t *xp_ = (r);                                                                   \
    const int32_t *wp_ = (w);                                                                  \
    for (int k_ = 0; k_ < (taps); k_++, xp_ += (xstep), wp_ += 2) DW4_TAP(xp_, wp_, BORDER);   \
  } while (0)

/* A pixel of `rows` window rows (r: its first in-bounds row's first in-bounds tap, rows rstep bytes
 * apart; w: that tap's table entry, rows wrow words apart), accumulators from b. KW3: three taps a row
 * one channel-step apart (3x3, dilation 1), unrolled. */
TF_INLINE uint32_t dw4_px(const dw4 *g, const int32_t *b, const int8_t *r, const int32_t *w, int rows, int taps,
                          size_t rstep, size_t xstep, int wrow, const int border, const int kw3) {
  int32_t a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3];
  for (int i = 0; i < rows; i++, r += rstep, w += wrow) {
    if (kw3) {
      DW4_TAP(r, w, border);
      DW4_TAP(r + xstep, w + 2, border);
      DW4_TAP(r + 2 * xstep, w + 4, border);
    } else {
      DW4_ROW_TAPS(r, w, taps, xstep, border);
    }
  }
  return dw4_finish(g, a0, a1, a2, a3);
}

/* DW4_TAP_ASM(XA, WO): one tap of the group, input word at address XA, tap-table words at w + WO bytes. */
#define DW4_TAP_ASM(XA, WO)                                                                        \
  "ldr    %[xv], " XA "\n\t"                                                                     \
  "ldrd   %[we], %[wo], [%[w], #" WO "]\n\t"                                                    \
  "sxtb16 %[xe], %[xv]\n\t"                                                                     \
  "sxtb16 %[xv], %[xv], ror #8\n\t"                                                             \
  "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                                       \
  "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                                       \
  "smlabb %[a1], %[xv], %[wo], %[a1]\n\t"                                                       \
  "smlatt %[a3], %[xv], %[wo], %[a3]\n\t"

/* DW4_3X3_ROW(WO): one window row of a 3x3 pixel (x at r, r + D, r + 2D; tap-table words from w + WO). */
#define DW4_3X3_ROW(WO)                                                                           \
  DW4_TAP_ASM("[%[r]]", #WO) DW4_TAP_ASM("[%[r], %[D]]", #WO " + 8") DW4_TAP_ASM("[%[r], %[D], lsl #1]", #WO " + 16")

/* An interior 3x3 pixel (dilation 1) whose nine input words are r + ky * rowb + kx * D: accumulators
 * from the bias with the offset folded in. The taps
 * are assembly: 74 instructions with every value in a register (GCC's allocation spills the offsets). */
TF_INLINE uint32_t dw4_pixel_3x3(const dw4 *g, const int8_t *r, size_t D, size_t rowb) {
  int32_t a0 = g->beff[0], a1 = g->beff[1], a2 = g->beff[2], a3 = g->beff[3];
  const int32_t *w = g->wt;
#if defined(__OPTIMIZE__)
  int32_t xv, xe, we, wo;
  __asm__(DW4_3X3_ROW(0)
          "add    %[r], %[r], %[rowb]\n\t"
          DW4_3X3_ROW(24)
          "add    %[r], %[r], %[rowb]\n\t"
          DW4_3X3_ROW(48)
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [r] "+r"(r),
            [xv] "=&r"(xv), [xe] "=&r"(xe), [we] "=&r"(we), [wo] "=&r"(wo)
          : [w] "r"(w), [D] "r"(D), [rowb] "r"(rowb)
          : "memory");
#else
  /* -O0 keeps a frame pointer, leaving too few registers for the block above: the same taps in C. */
  for (int ky = 0; ky < 3; ky++, r += rowb)
    for (int kx = 0; kx < 3; kx++, w += 2) DW4_TAP(r + kx * D, w, 0);
#endif
  return dw4_finish(g, a0, a1, a2, a3);
}

/* The interior 3x3 pixels of a dw4_row (n > 0 of them from input word r, step bytes apart; dilation 1): dw4_pixel_3x3
 * and dw4_finish as one assembly loop over the row, every value in a fixed register so the group's biases and
 * requantization come in by LDM (GCC's allocation of the C loop spills the pointers and reloads them per pixel: ~135
 * instructions a pixel, this ~113). Stores n packed words from out, ostride bytes apart. */
static __attribute__((noinline)) void dw4_run_3x3(const dw4 *g, const int8_t *r, size_t D, size_t rowb, size_t step,
                                                   int8_t *out, size_t ostride, int n) {
#if defined(__OPTIMIZE__)
  /* the pointer's move from the pixel's third window row to the next pixel's first, the output's end and stride:
   * memory operands (no register is left) */
  const int32_t back = (int32_t)step - 2 * (int32_t)rowb, ost = (int32_t)ostride;
  const int8_t *const end = out + (size_t)n * ostride;
  register int32_t a0 __asm__("r0"), a1 __asm__("r1"), a2 __asm__("r2"), a3 __asm__("r3");
  register int32_t t4 __asm__("r4"), t5 __asm__("r5"), t6 __asm__("r6"), xv __asm__("r12");
  register int8_t *o __asm__("r7") = out;
  register const int8_t *x __asm__("r8") = r;
  register const int32_t *w __asm__("r9") = g->wt;
  register size_t d __asm__("r10") = D, rb __asm__("r11") = rowb;
  register const int32_t *q __asm__("lr") = g->beff; /* beff[4], rq[4][3], off2, lo4, hi4 in order (dw4) */
  typedef char dw4_run_layout[offsetof(dw4, lo4) - offsetof(dw4, beff) == 68 ? 1 : -1]; /* the LDMs' offsets */
  (void)sizeof(dw4_run_layout);
#define DW4_RUN_TAP(XA, WO)                                                                        \
  "ldr    r12, " XA "\n\t"                                                                          \
  "ldrd   r4, r5, [r9, #" WO "]\n\t"                                                               \
  "sxtb16 r6, r12\n\t"                                                                               \
  "sxtb16 r12, r12, ror #8\n\t"                                                                      \
  "smlabb r0, r6, r4, r0\n\t"                                                                        \
  "smlatt r2, r6, r4, r2\n\t"                                                                        \
  "smlabb r1, r12, r5, r1\n\t"                                                                       \
  "smlatt r3, r12, r5, r3\n\t"
#define DW4_RUN_ROW(WO) DW4_RUN_TAP("[r8]", #WO) DW4_RUN_TAP("[r8, r10]", #WO " + 8") DW4_RUN_TAP("[r8, r10, lsl #1]", #WO " + 16")
  __asm__ volatile("1:\n\t"
                   "ldmia  lr!, {r0, r1, r2, r3}\n\t"
                   DW4_RUN_ROW(0) "add r8, r8, r11\n\t" DW4_RUN_ROW(24) "add r8, r8, r11\n\t" DW4_RUN_ROW(48)
                   "ldr    r6, %[back]\n\t"
                   "add    r8, r8, r6\n\t"
                   DW4_RQ_ASM("lr", "r0", "uxtb r12, r5") DW4_RQ_ASM("lr", "r1", "bfi r12, r5, #8, #8")
                   DW4_RQ_ASM("lr", "r2", "bfi r12, r5, #16, #8") DW4_RQ_ASM("lr", "r3", "bfi r12, r5, #24, #8")
                   DW4_CLAMP_ASM("lr", "r12")
                   "sub    lr, lr, #64\n\t"
                   "str    r12, [r7]\n\t"
                   "ldr    r6, %[ost]\n\t"
                   "add    r7, r7, r6\n\t"
                   "ldr    r6, %[end]\n\t"
                   "cmp    r7, r6\n\t"
                   "bne    1b"
                   : "=&r"(a0), "=&r"(a1), "=&r"(a2), "=&r"(a3), "=&r"(t4), "=&r"(t5), "=&r"(t6), "=&r"(xv), "+r"(o), "+r"(x),
                     "+r"(q)
                   : "r"(w), "r"(d), "r"(rb), [back] "m"(back), [ost] "m"(ost), [end] "m"(end)
                   : "cc", "memory");
#undef DW4_RUN_ROW
#undef DW4_RUN_TAP
#else
  /* -O0 keeps a frame pointer in r7: the same pixels in C. */
  for (int i = 0; i < n; i++, r += step, out += ostride) {
    const uint32_t v = dw4_pixel_3x3(g, r, D, rowb);
    memcpy(out, &v, 4);
  }
#endif
}

/* Small 3x3 planes (dilation 1, any stride): the group's input copied once into a window of packed words padded with
 * the zero point (a padded tap adds w * (zp + off) = 0, as the reference's skipped taps), so every output pixel is
 * dw4_pixel_3x3's interior case, with no per-row set-up or border case (mcunet's 5x5 and 3x3 planes). */
#define TF_DW_PAD4_MAX 400 /* bytes of the padded window (src/ir/workspace.ts C_DW_PAD4_MAX) */

/* Bytes of the call's padded window, or 0 when it does not take the padded path. */
static int32_t dw4_pad_bytes(const tf_conv_params *p) {
  if (p->filter_h != 3 || p->filter_w != 3 || p->dilation_h != 1 || p->dilation_w != 1) return 0;
  const int32_t bytes = 4 * ((p->out_h - 1) * p->stride_h + 3) * ((p->out_w - 1) * p->stride_w + 3);
  return bytes <= TF_DW_PAD4_MAX ? bytes : 0;
}

/* Whether a padded-window plane is SAME 3x3/1 (pad 1 on every side, at least 2x2): its border pixels then take only
 * their in-bounds taps (dw4_padded_same; a 3x3 plane's padding is 32 of its 81 taps). */
static int dw4_same_plane(const tf_conv_params *p) {
  return p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 1 && p->pad_left == 1 && p->out_h == p->in_h &&
         p->out_w == p->in_w && p->in_h >= 2 && p->in_w >= 2;
}

/* DW4_WIN_TAP(XA, WO): DW4_TAP_ASM with the input offset added to the input pairs (SADD16: |x + off| <= 255), for a
 * pixel that takes only its in-bounds taps from the bias without the offset folded in (as dw4_border). */
#define DW4_WIN_TAP(XA, WO)                                                                        \
  "ldr    %[xv], " XA "\n\t"                                                                     \
  "ldrd   %[we], %[wo], [%[w], #" WO "]\n\t"                                                    \
  "sxtb16 %[xe], %[xv]\n\t"                                                                     \
  "sxtb16 %[xv], %[xv], ror #8\n\t"                                                             \
  "sadd16 %[xe], %[xe], %[off2]\n\t"                                                            \
  "sadd16 %[xv], %[xv], %[off2]\n\t"                                                            \
  "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                                       \
  "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                                       \
  "smlabb %[a1], %[xv], %[wo], %[a1]\n\t"                                                       \
  "smlatt %[a3], %[xv], %[wo], %[a3]\n\t"

/* DW4_WIN_ROW2/3(WO): a window row of 2 or 3 such taps from the padded window (words at r, r + 4, r + 8; table words
 * from w + WO bytes). */
#define DW4_WIN_ROW2(WO) DW4_WIN_TAP("[%[r]]", #WO) DW4_WIN_TAP("[%[r], #4]", #WO " + 8")
#define DW4_WIN_ROW3(WO) DW4_WIN_ROW2(WO) DW4_WIN_TAP("[%[r], #8]", #WO " + 16")
#define DW4_WIN_ASM(BODY)                                                                           \
  __asm__(BODY                                                                                      \
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [r] "+r"(r), [xv] "=&r"(xv),  \
            [xe] "=&r"(xe), [we] "=&r"(we), [wo] "=&r"(wo)                                          \
          : [w] "r"(w), [rowb] "r"(rowb), [off2] "r"(g->off2)                                       \
          : "memory")

/* A padded-window border pixel of ROWS x COLS in-bounds taps (2 or 3 each; r: the first tap's word, rows rowb bytes
 * apart; w: its tap-table entry, table rows 6 words apart): the offset added per tap, from the doubled bias. */
TF_INLINE uint32_t dw4_pixel_win(const dw4 *g, const int8_t *r, const int32_t *w, size_t rowb, const int ROWS,
                                 const int COLS) {
  int32_t a0 = g->bias[0], a1 = g->bias[1], a2 = g->bias[2], a3 = g->bias[3];
#if defined(__OPTIMIZE__)
  int32_t xv, xe, we, wo;
  if (ROWS == 3)
    DW4_WIN_ASM(DW4_WIN_ROW2(0) "add %[r], %[r], %[rowb]\n\t" DW4_WIN_ROW2(24) "add %[r], %[r], %[rowb]\n\t"
                DW4_WIN_ROW2(48));
  else if (COLS == 3)
    DW4_WIN_ASM(DW4_WIN_ROW3(0) "add %[r], %[r], %[rowb]\n\t" DW4_WIN_ROW3(24));
  else
    DW4_WIN_ASM(DW4_WIN_ROW2(0) "add %[r], %[r], %[rowb]\n\t" DW4_WIN_ROW2(24));
#else
  for (int ky = 0; ky < ROWS; ky++)
    for (int kx = 0; kx < COLS; kx++) DW4_TAP(r + ky * rowb + 4 * kx, w + 6 * ky + 2 * kx, 1);
#endif
  return dw4_finish(g, a0, a1, a2, a3);
}

/* Stores packed word v of the group at yc (skip: the bytes not stored, dw_tail_skip). */
TF_INLINE void dw4_put(int8_t *yc, uint32_t v, int skip) {
  if (skip == 0) memcpy(yc, &v, 4);
  else
    for (int b = skip; b < 4; b++) yc[b] = (int8_t)(v >> (8 * b));
}

/* A SAME 3x3 plane (dw4_same_plane) from its padded window buf: the border pixels take only their in-bounds taps
 * (dw4_pixel_win), the inner ones the nine taps from beff. */
static void dw4_padded_same(const dw4 *g, int8_t *yc, int skip, const uint32_t *buf) {
  const tf_conv_params *p = g->p;
  const int H = p->out_h, W = p->out_w;
  const size_t D = (size_t)p->in_depth, rowb = 4 * (size_t)(W + 2);
  const int32_t *wt = g->wt;
  for (int oy = 0; oy < H; oy++) {
    const int8_t *r = (const int8_t *)(buf + (size_t)oy * (W + 2));
    if (oy > 0 && oy < H - 1) {
      dw4_put(yc, dw4_pixel_win(g, r + 4, wt + 2, rowb, 3, 2), skip), yc += D;
      for (int ox = 1; ox < W - 1; ox++, yc += D) dw4_put(yc, dw4_pixel_3x3(g, r + 4 * ox, 4, rowb), skip);
      dw4_put(yc, dw4_pixel_win(g, r + 4 * (W - 1), wt, rowb, 3, 2), skip), yc += D;
    } else {
      /* the first row's window rows 1-2, the last's 0-1 */
      const int ky0 = oy == 0;
      const int8_t *rr = r + ky0 * rowb;
      const int32_t *w = wt + 6 * ky0;
      dw4_put(yc, dw4_pixel_win(g, rr + 4, w + 2, rowb, 2, 2), skip), yc += D;
      for (int ox = 1; ox < W - 1; ox++, yc += D) dw4_put(yc, dw4_pixel_win(g, rr + 4 * ox, w, rowb, 2, 3), skip);
      dw4_put(yc, dw4_pixel_win(g, rr + 4 * (W - 1), w, rowb, 2, 2), skip), yc += D;
    }
  }
}

/* The group's output of one batch (xn, yn: the batch's input and output) straight into the output: the group's input
 * channels are all in buf before any output is written. skip: the bytes of each word not stored (dw_tail_skip). */
static __attribute__((noinline)) void dw4_padded(const dw4 *g, const int8_t *xn, int8_t *yn, int skip, uint32_t *buf) {
  const tf_conv_params *p = g->p;
  const int sh = p->stride_h, sw = p->stride_w;
  const int PH = (p->out_h - 1) * sh + 3, PW = (p->out_w - 1) * sw + 3;
  const size_t D = (size_t)p->in_depth;
  /* padded columns [j0, j1) hold the row's input columns from 0 */
  const int j0 = p->pad_left < PW ? p->pad_left : PW, j1 = p->pad_left + p->in_w < PW ? p->pad_left + p->in_w : PW;
  uint32_t *o = buf;
  for (int r = 0; r < PH; r++) {
    const int iy = r - p->pad_top;
    int j = 0;
    if (iy >= 0 && iy < p->in_h) {
      for (; j < j0; j++) *o++ = g->zp4;
      const int8_t *xp = xn + (size_t)iy * p->in_w * D + g->c;
      for (; j < j1; j++, xp += D) *o++ = tf_ld32(xp);
    }
    for (; j < PW; j++) *o++ = g->zp4;
  }
  int8_t *yc = yn + g->c;
  if (dw4_same_plane(p)) {
    dw4_padded_same(g, yc, skip, buf);
    return;
  }
  const size_t rowb = 4 * (size_t)PW;
  for (int oy = 0; oy < p->out_h; oy++) {
    const int8_t *r = (const int8_t *)(buf + (size_t)oy * sh * PW);
    for (int ox = 0; ox < p->out_w; ox++, r += 4 * sw, yc += D) {
      dw4_put(yc, dw4_pixel_3x3(g, r, 4, rowb), skip);
    }
  }
}

/* A border pixel (some column of its window outside the image): the in-bounds taps of the row's
 * in-bounds window rows, offset added per tap, from the bias. */
static uint32_t dw4_border(const dw4 *g, const int8_t *row0, const int32_t *wt0, int rows, size_t rstep, int ox) {
  const tf_conv_params *p = g->p;
  const int in_x0 = ox * p->stride_w - p->pad_left, dw = p->dilation_w;
  int kx0 = 0, kx1 = p->filter_w;
  while (kx0 < kx1 && in_x0 + dw * kx0 < 0) kx0++;
  while (kx1 > kx0 && in_x0 + dw * (kx1 - 1) >= p->in_w) kx1--;
  const size_t D = (size_t)p->in_depth;
  const int8_t *r = row0 + (ptrdiff_t)(in_x0 + dw * kx0) * (ptrdiff_t)D;
  return dw4_px(g, g->bias, r, wt0 + 2 * kx0, rows, kx1 - kx0, rstep, (size_t)dw * D, 2 * p->filter_w, 1, 0);
}

/* A 3x3 (dilation 1) pixel of in-bounds rows with a column outside the image: with two columns inside (pad 1: the
 * first or the last column out), its six in-bounds taps in assembly, the offset added per tap (SADD16, as dw4_border),
 * from the doubled bias; else dw4_border. */
static uint32_t dw4_pixel_3x3_cols(const dw4 *g, const int8_t *row0, size_t rowb, int ox) {
  const tf_conv_params *p = g->p;
  const int in_x0 = ox * p->stride_w - p->pad_left;
  const size_t D = (size_t)p->in_depth;
  const int kx0 = in_x0 == -1 ? 1 : 0; /* the first in-bounds tap */
  if (!((kx0 == 1 && p->in_w >= 2) || (in_x0 >= 0 && in_x0 + 2 == p->in_w))) return dw4_border(g, row0, g->wt, 3, rowb, ox);
  const int8_t *r = row0 + (ptrdiff_t)(in_x0 + kx0) * (ptrdiff_t)D;
  const int32_t *w = g->wt + 2 * kx0;
  int32_t a0 = g->bias[0], a1 = g->bias[1], a2 = g->bias[2], a3 = g->bias[3];
#if defined(__OPTIMIZE__)
  int32_t xv, xe, we, wo;
#define DW4_COLS_ROW(WO) DW4_WIN_TAP("[%[r]]", #WO) DW4_WIN_TAP("[%[r], %[D]]", #WO " + 8")
  __asm__(DW4_COLS_ROW(0) "add %[r], %[r], %[rowb]\n\t" DW4_COLS_ROW(24) "add %[r], %[r], %[rowb]\n\t" DW4_COLS_ROW(48)
          : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [r] "+r"(r), [xv] "=&r"(xv), [xe] "=&r"(xe),
            [we] "=&r"(we), [wo] "=&r"(wo)
          : [w] "r"(w), [D] "r"(D), [rowb] "r"(rowb), [off2] "r"(g->off2)
          : "memory");
#undef DW4_COLS_ROW
#else
  for (int ky = 0; ky < 3; ky++)
    for (int kx = 0; kx < 2; kx++) DW4_TAP(r + ky * rowb + kx * D, w + 6 * ky + 2 * kx, 1);
#endif
  return dw4_finish(g, a0, a1, a2, a3);
}

/* Output row (n, oy) of the group: out_w packed words, word ox at out + ox * ostride bytes. The row's
 * in-bounds window rows [ky0, ky1) are found once; pixels whose window columns are all inside start from
 * the bias plus offset times those rows' weights and run without per-tap offsets, the others
 * (dw4_border) take the reference's in-bounds taps. */
static void dw4_row(const dw4 *g, int n, int oy, int8_t *out, size_t ostride) {
  const tf_conv_params *p = g->p;
  const int kh = p->filter_h, kw = p->filter_w, dh = p->dilation_h, dw = p->dilation_w, sw = p->stride_w;
  const size_t D = (size_t)p->in_depth;
  const int in_y0 = oy * p->stride_h - p->pad_top;
  int ky0 = 0, ky1 = kh;
  while (ky0 < ky1 && in_y0 + dh * ky0 < 0) ky0++;
  while (ky1 > ky0 && in_y0 + dh * (ky1 - 1) >= p->in_h) ky1--;
  const int rows = ky1 - ky0;
  const size_t rstep = (size_t)dh * p->in_w * D;
  /* Row ky0 at image column 0 (any in-batch row when no window row is in bounds: nothing is read). */
  const int8_t *row0 = g->x + (((size_t)n * p->in_h + (rows ? in_y0 + dh * ky0 : 0)) * p->in_w) * D + g->c;
  const int32_t *wt0 = g->wt + 2 * ky0 * kw;
  int32_t b[4];
  if (rows == kh) {
    b[0] = g->beff[0], b[1] = g->beff[1], b[2] = g->beff[2], b[3] = g->beff[3];
  } else {
    /* sum w * (x + off) = sum w * x + off * sum w over the in-bounds rows' taps (SXTB16 pairs summed
     * as int16: at most 64 taps of |w| <= 128). */
    int32_t se = 0, so = 0;
    for (int t = 0; t < rows * kw; t++) se = __sadd16(se, wt0[2 * t]), so = __sadd16(so, wt0[2 * t + 1]);
    const int32_t off = p->q.input_offset;
    b[0] = tf_wadd(g->bias[0], tf_wmul(off, (int16_t)se));
    b[2] = tf_wadd(g->bias[2], tf_wmul(off, se >> 16));
    b[1] = tf_wadd(g->bias[1], tf_wmul(off, (int16_t)so));
    b[3] = tf_wadd(g->bias[3], tf_wmul(off, so >> 16));
  }
  const int ox0 = g->ox0, ox1 = g->ox1;
  const int win3 = kh == 3 && kw == 3 && dh == 1 && dw == 1 && rows == 3;
  int ox = 0;
  for (; ox < ox0; ox++) {
    const uint32_t v = win3 ? dw4_pixel_3x3_cols(g, row0, rstep, ox) : dw4_border(g, row0, wt0, rows, rstep, ox);
    memcpy(out + ox * ostride, &v, 4);
  }
  if (ox < ox1) {
    const size_t step = (size_t)sw * D, xstep = (size_t)dw * D;
    const int8_t *r = row0 + ((ptrdiff_t)ox * sw - p->pad_left) * (ptrdiff_t)D;
    if (win3) {
      dw4_run_3x3(g, r, D, rstep, step, out + ox * ostride, ostride, ox1 - ox);
      ox = ox1;
    } else if (kw == 3 && dw == 1) {
      for (; ox < ox1; ox++, r += step) {
        const uint32_t v = dw4_px(g, b, r, wt0, rows, 3, rstep, D, 2 * kw, 0, 1);
        memcpy(out + ox * ostride, &v, 4);
      }
    } else {
      for (; ox < ox1; ox++, r += step) {
        const uint32_t v = dw4_px(g, b, r, wt0, rows, kw, rstep, xstep, 2 * kw, 0, 0);
        memcpy(out + ox * ostride, &v, 4);
      }
    }
  }
  for (; ox < p->out_w; ox++) {
    const uint32_t v = win3 ? dw4_pixel_3x3_cols(g, row0, rstep, ox) : dw4_border(g, row0, wt0, rows, rstep, ox);
    memcpy(out + ox * ostride, &v, 4);
  }
}

/* ---- The ring path (inplace-channel; depth multiplier 1, dilation 1, stride_w 1; 3x3): SMLAD on pairs of
 * horizontally adjacent inputs. Per four-channel group, each input row is transposed once into a ring of kh
 * rows: channel k's row as words of four padded columns j..j+3 in the byte order (j, j+2, j+1, j+3), so
 * SXTB16 gives the int16 pair (x_j, x_j+1) and SXTB16 ROR 8 the pair (x_j+2, x_j+3); columns and rows outside
 * the image hold the input zero point, which adds w * (zp + offset) = 0, as the reference's skipped taps (the
 * offset is folded into the bias: sum w * (x + off) = sum w * x + off * sum w). A pixel starting at an even
 * padded column j takes the pairs P(j + 2i) against the even-phase weight pairs (w_2i, w_2i+1); the pixel at
 * j + 1 takes the same pairs against the odd-phase pairs (w_2i-1, w_2i) (w_-1 = w_kw = 0). Blocks of four
 * pixels (j, j+1, j+2, j+3) share the pairs: 3x3 is 8 SMLADs on 3 pairs per window row and channel. */
#define TF_DWR_K_MAX 7    /* kernel height and width of the ring's rows: the ring path 3x3, the large-window path 5x5 and 7x7 */
#define TF_DWR_W_MIN 8    /* output run length from which it is taken (src/ir/workspace.ts C_DWR_W_MIN) */

/* Pair words per window row of kernel width kw (3 or 5): even phase, odd phase. */
static inline int dwr_npe(int kw) { return (kw + 1) / 2; }
static inline int dwr_npo(int kw) { return kw / 2 + 1; }

/* Words of a channel's table: per window row (E_i, O_i) for i < npo, then bias (offset folded in), m, hc, sh. */
static inline int dwr_ct(const tf_conv_params *p) { return p->filter_h * 2 * dwr_npo(p->filter_w) + 4; }

/* Ring words per channel row: out_w rounded up to blocks of 4, plus the pairs the last block reads beyond. */
static inline int dwr_ww(const tf_conv_params *p) { return (p->out_w + 3) / 4 + dwr_npo(p->filter_w) / 2; }

/* The workspace head: the tap table, or on the ring path the pair table if larger. src/ir/workspace.ts
 * cDepthwiseBytes mirrors these sizes: the head, inplace-channel's planes, the ring. */
static int32_t dwr_head_bytes(const tf_conv_params *p, int ring) {
  const int32_t taps = 8 * p->filter_h * p->filter_w;
  const int32_t pairs = ring ? 16 * dwr_ct(p) : 0; /* 4 channels' (E_i, O_i), i < npo, and requantization */
  return taps > pairs ? taps : pairs;
}
/* Where it runs (src/ir/workspace.ts cDepthwiseRing; the lowering calls dwconv2d_s8_inplace_channel_ring there):
 * 3x3 (5x5 takes the large-window path, faster: dwconv2d_s8_kxk_inplace_channel), stride 1, the output the input's
 * size, pads below the kernel, so output run r overwrites input
 * run r only after the ring holds it. 1: along the rows, when 8 pixels wide or more (the per run and per channel
 * set-up is paid back over the run; runs of 6 and 5 measured slower than dw4); 2: along the columns (the plane
 * transposed), when they are that tall; 0: not at all. */
static inline int dwr_orientation(const tf_conv_params *p) {
  const int k = p->filter_h == 3 && p->filter_w == 3 ? 3 : 0;
  if (p->depth_multiplier != 1 || p->in_depth < 4 || k == 0 || p->stride_h != 1 || p->stride_w != 1) return 0;
  if (p->dilation_h != 1 || p->dilation_w != 1 || p->out_h != p->in_h || p->out_w != p->in_w) return 0;
  if (p->pad_top > k - 1 || p->pad_left > k - 1) return 0;
  return p->out_w >= TF_DWR_W_MIN ? 1 : p->out_h >= TF_DWR_W_MIN ? 2 : 0;
}
static int32_t dwr_ring_bytes(const tf_conv_params *p) { return 16 * p->filter_h * dwr_ww(p); }

typedef struct {
  const tf_conv_params *p; /* the call's geometry as the ring runs it (transposed along the columns) */
  const int8_t *x;     /* batch n's input at channel c */
  int8_t *y;           /* batch n's output at channel c */
  size_t rs, cs;       /* input bytes from one run (row) to the next, and between a run's pixels */
  size_t ys, ps;       /* the same for the output */
  int fr, fc;          /* filter elements from one window row to the next, and between a row's taps */
  int c, kh, kw, ww, skip;
  int32_t *tab;        /* per channel k and window row ky: (E_i, O_i) for i < npo, int16 pairs (E_i 0 from npe) */
  uint32_t *run;       /* one output run of the group: packed words, blocks of four pixels */
  uint32_t *ring;      /* kh slots of 4 * ww words: channel k's words at slot + k * ww */
  const uint32_t *rowp[TF_DWR_K_MAX]; /* the current output row's window rows (ring slots) */
  int32_t beff[4], m[4], hc[4], sh[4];
  int32_t shift[4];    /* the channel's TFLite shift, read where gen[k] */
  uint8_t gen[4];      /* 1: no dw_rqd_form (shift >= 0, the multiplier >= 0.5): its rows requantize by tf_mbqm_fast in C */
  uint8_t anygen;      /* some gen[k] (the group's other rows stay on the assembly path) */
  uint32_t zp4, lo4, hi4;
} dwr;

TF_INLINE uint32_t dwr_uxtb16_ror8(uint32_t v) {
  uint32_t r;
  __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

/* Channels c..c+3: the pair table (from the filter), biases with the offset folded in, requantization (KW: the
 * kernel width, a constant, so a window row's taps stay in registers). */
TF_INLINE void dwr_setup_k(dwr *g, const tf_conv_params *p, int c, const int kw) {
  const int kh = p->filter_h, npe = dwr_npe(kw), npo = dwr_npo(kw), D = p->out_depth;
  const int32_t off = p->q.input_offset;
  const size_t rstep = (size_t)g->fr * D, xstep = (size_t)g->fc * D;
  g->c = c;
  g->anygen = 0;
  for (int k = 0; k < 4; k++) {
    int32_t sum = 0, nz = 0; /* of the doubled weights */
    int32_t *t = g->tab + k * dwr_ct(p);
    const int8_t *f = p->filter + c + k;
    for (int ky = 0; ky < kh; ky++, t += 2 * npo, f += rstep) {
      int32_t w[TF_DWR_K_MAX + 2]; /* w[1 + kx]; w[0] and those beyond the filter 0 */
#pragma GCC unroll 8
      for (int i = 0; i < TF_DWR_K_MAX + 2; i++) w[i] = i >= 1 && i <= kw ? 2 * f[(size_t)(i - 1) * xstep] : 0; /* doubled (|2 w| <= 256 fits the int16 lanes) */
#pragma GCC unroll 8
      for (int kx = 0; kx < kw; kx++) sum += w[1 + kx], nz |= w[1 + kx];
#pragma GCC unroll 4
      for (int i = 0; i < npo; i++) {
        t[2 * i] = i < npe ? tf_pack_lo(w[1 + 2 * i], w[2 + 2 * i]) : 0; /* E_i = (w_2i, w_2i+1) */
        t[2 * i + 1] = tf_pack_lo(w[2 * i], w[2 * i + 1]);               /* O_i = (w_2i-1, w_2i) */
      }
    }
    g->beff[k] = tf_wadd(p->q.bias[c + k], tf_wmul(off, sum >> 1));
    int32_t m = p->q.multiplier[c + k], sh = -p->q.shift[c + k], hc = 0;
    g->gen[k] = 0;
    if (!nz) {
      /* an all-zero filter (a pruned channel): every output is its bias requantized, a constant whatever the multiplier
       * (often >= 0.25 after a batch-norm fold): the m = 0 form returns it (SSAT to int8 gives the same byte past 256) */
      const int32_t v = tf_mbqm_fast(p->q.bias[c + k], m, -sh) + p->q.output_offset;
      m = 0, sh = 1;
      hc = dw_rqd_hc(1, v < -256 ? -256 : v > 256 ? 256 : v);
    } else if (dw_rqd_ok(p, c + k)) {
      hc = dw_rqd_hc(sh, p->q.output_offset);
    } else {
      g->gen[k] = g->anygen = 1; /* tf_mbqm_fast in C (shift >= 0 after a batch-norm fold, h78; or a bias past the bound) */
    }
    g->m[k] = m, g->shift[k] = -sh;
    /* t: after the window rows; the bias doubled (within int32 on the assembly's channels: dw_rqd_ok) */
    t[0] = tf_wshl(g->beff[k], 1), t[1] = m, t[2] = hc, t[3] = sh;
  }
}

static __attribute__((noinline)) void dwr_setup(dwr *g, const tf_conv_params *p, int c) { dwr_setup_k(g, p, c, 3); }

/* Input row iy (any: outside the image it is the zero point) of the group into ring slot s. */
static void dwr_load_row(dwr *g, int iy, int s) {
  const tf_conv_params *p = g->p;
  uint32_t *o0 = g->ring + (size_t)s * 4 * g->ww, *o1 = o0 + g->ww, *o2 = o1 + g->ww, *o3 = o2 + g->ww;
  const int ww = g->ww;
  if (iy < 0 || iy >= p->in_h) {
    for (int m = 0; m < 4 * ww; m++) o0[m] = g->zp4;
    return;
  }
  const size_t D = g->cs;
  const int8_t *xr = g->x + (size_t)iy * g->rs;
  for (int m = 0; m < ww; m++) {
    const int ix = 4 * m - p->pad_left;
    uint32_t A, B, C, E;
    if (ix >= p->in_w || ix + 3 < 0) {
      o0[m] = o1[m] = o2[m] = o3[m] = g->zp4;
      continue;
    }
    if (ix >= 0 && ix + 3 < p->in_w) {
      const int8_t *xp = xr + (size_t)ix * D;
      A = tf_ld32(xp), B = tf_ld32(xp + D), C = tf_ld32(xp + 2 * D), E = tf_ld32(xp + 3 * D);
    } else {
#define DWR_COL(ix_) ((ix_) >= 0 && (ix_) < p->in_w ? tf_ld32(xr + (size_t)(ix_) * D) : g->zp4)
      A = DWR_COL(ix), B = DWR_COL(ix + 1), C = DWR_COL(ix + 2), E = DWR_COL(ix + 3);
#undef DWR_COL
    }
    /* bytes (A0 C0 A2 C2), (A1 C1 A3 C3), (B0 E0 B2 E2), (B1 E1 B3 E3); then channel k: (Ak Ck Bk Ek) */
    const uint32_t acl = __uxtb16(A) | (__uxtb16(C) << 8), ach = dwr_uxtb16_ror8(A) | (dwr_uxtb16_ror8(C) << 8);
    const uint32_t bel = __uxtb16(B) | (__uxtb16(E) << 8), beh = dwr_uxtb16_ror8(B) | (dwr_uxtb16_ror8(E) << 8);
    o0[m] = (uint32_t)tf_pack_lo((int32_t)acl, (int32_t)bel);
    o2[m] = (uint32_t)tf_pack_hi((int32_t)acl, (int32_t)bel);
    o1[m] = (uint32_t)tf_pack_lo((int32_t)ach, (int32_t)beh);
    o3[m] = (uint32_t)tf_pack_hi((int32_t)ach, (int32_t)beh);
  }
}

/* The pair P(j) of a ring word row w: j = 4 * word + 2 * half (a constant after unrolling). */
#define DWR_PAIR(w, j) (((j) & 2) ? tf_sxtb16_ror8((w)[(j) >> 2]) : __sxtb16((w)[(j) >> 2]))

/* Requantized (int8 saturated, not yet clamped to the activation range) output. */
TF_INLINE int8_t dwr_rq(int32_t v, int32_t m, int32_t hc, int32_t sh) { return (int8_t)__ssat(tf_rq_apply(v, m, hc, sh), 8); }

/* Channel k's accumulators of NPX (1 to 4) pixels at padded columns j0 + q, j0 = 4 * word (KW: the table's
 * kernel width, a constant; the rows' words from the ring slots rowp). Table row: (E_i, O_i) for i < npo. */
TF_INLINE void dwr_acc(const dwr *g, const uint32_t *const *rowp, int off, const int32_t *t, const int KW, const int NPX,
                       int32_t b, int32_t *a) {
  const int npe = (KW + 1) / 2, npo = KW / 2 + 1;
  int32_t a0 = b, a1 = b, a2 = b, a3 = b;
  for (int ky = 0; ky < g->kh; ky++, t += 2 * npo) {
    const uint32_t *w = rowp[ky] + off;
    const int last = NPX >= 3 ? npo : NPX == 2 ? npo - 1 : npe - 1; /* the last pair index read */
#pragma GCC unroll 8
    for (int i = 0; i <= last; i++) {
      const int32_t q = DWR_PAIR(w, 2 * i);
      if (i < npe) a0 = __smlad(q, t[2 * i], a0);
      if (NPX > 1 && i < npo) a1 = __smlad(q, t[2 * i + 1], a1);
      if (NPX > 2 && i >= 1 && i - 1 < npe) a2 = __smlad(q, t[2 * i - 2], a2);
      if (NPX > 3 && i >= 1 && i - 1 < npo) a3 = __smlad(q, t[2 * i - 1], a3);
    }
  }
  a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
}

/* One window row of a 3x3 four-pixel block in assembly: the words (j..j+3), (j+4..j+7) at R give P(j), P(j+2),
 * P(j+4) (R advanced by a word), against the table row at T + TO: (w0 w1) (0 w0), then (w2 0) (w1 w2). */
#define DWR_3X3_ROW(R, TO)                                                                          \
  "ldr    %[x], [%[" R "]], #4\n\t"                                                               \
  "ldrd   %[e], %[o], [%[t], #" TO "]\n\t"                                                        \
  "sxtb16 %[q], %[x]\n\t"                                                                         \
  "smlad  %[a0], %[q], %[e], %[a0]\n\t"                                                           \
  "smlad  %[a1], %[q], %[o], %[a1]\n\t"                                                           \
  "sxtb16 %[x], %[x], ror #8\n\t"                                                                 \
  "smlad  %[a2], %[x], %[e], %[a2]\n\t"                                                           \
  "smlad  %[a3], %[x], %[o], %[a3]\n\t"                                                           \
  DWR_3X3_ROW_1(R, TO)

/* The second weight pairs of a window row: (w2 0) (w1 w2) at T + TO + 8 against P(j+2) in x and P(j+4) from R. */
#define DWR_3X3_ROW_1(R, TO)                                                                        \
  "ldrd   %[e], %[o], [%[t], #" TO " + 8]\n\t"                                                    \
  "ldr    %[q], [%[" R "]]\n\t"                                                                   \
  "smlad  %[a0], %[x], %[e], %[a0]\n\t"                                                           \
  "smlad  %[a1], %[x], %[o], %[a1]\n\t"                                                           \
  "sxtb16 %[q], %[q]\n\t"                                                                         \
  "smlad  %[a2], %[q], %[e], %[a2]\n\t"                                                           \
  "smlad  %[a3], %[q], %[o], %[a3]\n\t"

/* The first window row of a block (DWR_3X3_ROW's taps with the accumulators started from the bias in a0, no moves). */
#define DWR_3X3_ROW0(R)                                                                             \
  "ldr    %[x], [%[" R "]], #4\n\t"                                                               \
  "ldrd   %[e], %[o], [%[t]]\n\t"                                                                 \
  "sxtb16 %[q], %[x]\n\t"                                                                         \
  "smlad  %[a1], %[q], %[o], %[a0]\n\t"                                                           \
  "sxtb16 %[x], %[x], ror #8\n\t"                                                                 \
  "smlad  %[a2], %[x], %[e], %[a0]\n\t"                                                           \
  "smlad  %[a3], %[x], %[o], %[a0]\n\t"                                                           \
  "smlad  %[a0], %[q], %[e], %[a0]\n\t"                                                           \
  DWR_3X3_ROW_1(R, "0")

/* tf_rqd_apply of doubled accumulator A saturated to int8 (4 instructions): m, hc, sh in e, o, a0; scratch x; the
 * byte stored at out, out += 4 (the next pixel word). */
#define DWR_RQD_4(A)                                                                                \
  "add    %[x], %[o], %[" A "], asr #31\n\t"                                                       \
  "smmlar %[x], %[" A "], %[e], %[x]\n\t"                                                          \
  "asr    %[x], %[x], %[a0]\n\t"                                                                   \
  "ssat   %[x], #8, %[x]\n\t"                                                                      \
  "strb   %[x], [%[out]], #4\n\t"

/* Output row of channel k (its window rows in the ring): out_w pixels, pixel ox at out + ox * ostride. The
 * requantization parameters stay in registers over the row. */
/* Output row of a channel without a dw_rqd_form (g->gen[k]): the same (plain) accumulators, requantized as every other
 * kernel's output stage (tf_requant_s8 before its clamp). */
static __attribute__((noinline)) void dwr_row_gen(const dwr *g, int k, const int KW, int8_t *out, size_t ostride) {
  const int W = g->p->out_w;
  const int32_t *t = g->tab + k * dwr_ct(g->p);
  const int32_t b = g->beff[k], m = g->m[k], shift = g->shift[k], zo = g->p->q.output_offset;
  const int off = k * g->ww;
  int32_t a[4];
  for (int ox = 0; ox < W; ox += 4, out += 4 * ostride) {
    const int n = W - ox < 4 ? W - ox : 4;
    /* the doubled weights' sum from 0 (|2 sum| < 2^19), halved, plus the bias: exact for any bias */
    if (n == 4) dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 4, 0, a);
    else if (n == 3) dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 3, 0, a);
    else if (n == 2) dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 2, 0, a);
    else dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 1, 0, a);
    for (int q = 0; q < n; q++) out[(size_t)q * ostride] = (int8_t)__ssat(tf_mbqm_fast(tf_wadd(a[q] >> 1, b), m, shift) + zo, 8);
  }
}

TF_INLINE void dwr_row_k(const dwr *g, int k, const int KW, const int K33, int8_t *out, size_t ostride) {
  const int W = g->p->out_w;
  const int32_t *t = g->tab + k * dwr_ct(g->p);
  const int32_t *rq = t + g->kh * 2 * dwr_npo(KW); /* bias (offset folded in), m, hc, sh: the table's, as the assembly reads them */
  const int32_t b = rq[0], m = rq[1], hc = rq[2], sh = rq[3];
  const int off = k * g->ww;
  int ox = 0;
#if defined(__OPTIMIZE__)
  if (K33) {
    /* 3x3 into the run (packed pixel words): the whole row of blocks in assembly, the channel's doubled bias and
     * requantization (dw_rqd_form) loaded from its table per block (13 registers, no spills); 71 instructions a
     * block of 4 outputs. A last block past the row's end writes the run's last block (whole blocks); its ring
     * words exist (dwr_ww). */
    const uint32_t *r0 = g->rowp[0] + off, *r1 = g->rowp[1] + off, *r2 = g->rowp[2] + off;
    const int nb = (W + 3) >> 2;
    const int8_t *end = out + 16 * nb;
    int32_t a0, a1, a2, a3, x, q, e, o;
    __asm__ volatile("1:\n\t"
                     "ldr    %[a0], [%[t], #48]\n\t"
                     DWR_3X3_ROW0("r0") DWR_3X3_ROW("r1", "16") DWR_3X3_ROW("r2", "32")
                     "ldrd   %[e], %[o], [%[t], #52]\n\t" /* m, hc */
                     "add    %[x], %[o], %[a0], asr #31\n\t"
                     "smmlar %[x], %[a0], %[e], %[x]\n\t"
                     "ldr    %[a0], [%[t], #60]\n\t" /* sh, in a0's register from here */
                     "asr    %[x], %[x], %[a0]\n\t"
                     "ssat   %[x], #8, %[x]\n\t"
                     "strb   %[x], [%[out]], #4\n\t"
                     DWR_RQD_4("a1") DWR_RQD_4("a2") DWR_RQD_4("a3")
                     "ldr    %[x], %[end]\n\t"
                     "cmp    %[out], %[x]\n\t"
                     "bne    1b\n\t"
                     : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2),
                       [x] "=&r"(x), [q] "=&r"(q), [e] "=&r"(e), [o] "=&r"(o), [out] "+r"(out)
                     : [t] "r"(t), [end] "m"(end)
                     : "cc", "memory");
    return;
  }
#else
  (void)K33;
#endif
  int32_t a[4];
  for (; ox + 4 <= W; ox += 4, out += 4 * ostride) {
    dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 4, b, a);
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) out[(size_t)q * ostride] = dw_rqd_s8(a[q], m, hc, sh);
  }
  const int n = W - ox;
  if (n == 0) return;
  if (n == 3) dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 3, b, a);
  else if (n == 2) dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 2, b, a);
  else dwr_acc(g, g->rowp, off + (ox >> 2), t, KW, 1, b, a);
  for (int q = 0; q < n; q++) out[(size_t)q * ostride] = dw_rqd_s8(a[q], m, hc, sh);
}

TF_INLINE void dwr_row_33(const dwr *g, int k, int8_t *out, size_t ostride) { dwr_row_k(g, k, 3, 1, out, ostride); }


/* The run's W packed words clamped to the activation range into the output, word i at dst + i * ps (only bytes
 * skip..3 of each when skip > 0). Locals and two words a step: GCC reloads the group record's fields after every
 * store through dst otherwise (13 -> 8 instructions a word). */
static inline void dwr_store_run(const uint32_t *run, int W, uint32_t lo4, uint32_t hi4, int8_t *dst, size_t ps, int skip) {
  const uint32_t *end = run + W;
  if (skip == 0) {
    for (; run < end; run++, dst += ps) {
      const uint32_t v = tf_clamp4(*run, lo4, hi4);
      memcpy(dst, &v, 4);
    }
    return;
  }
  for (; run < end; run++, dst += ps) {
    const uint32_t v = tf_clamp4(*run, lo4, hi4);
    for (int b = skip; b < 4; b++) dst[b] = (int8_t)(v >> (8 * b));
  }
}

/* The group's output plane of batch n (g->x, g->y: batch n's input and output at channel c): run by run, each
 * input run entering the ring once, each output run computed into g->run (not yet clamped) and then written
 * clamped to the activation range into the output (bytes skip..3 of each pixel's word: a tail group writes
 * only the channels no other group does). dwr_orientation makes the write safe: it lands on input runs the
 * ring already holds. */
static __attribute__((noinline)) void dwr_plane(dwr *g) {
  const tf_conv_params *p = g->p;
  const int kh = p->filter_h, W = p->out_w;
  int next = -p->pad_top; /* the first input row not in the ring */
  for (int oy = 0; oy < p->out_h; oy++) {
    const int iy0 = oy * p->stride_h - p->pad_top;
    int from = next > iy0 ? next : iy0;
    for (int iy = from; iy < iy0 + kh; iy++) dwr_load_row(g, iy, (iy + p->pad_top) % kh);
    next = iy0 + kh;
    for (int ky = 0; ky < kh; ky++) g->rowp[ky] = g->ring + (size_t)((iy0 + ky + p->pad_top) % kh) * 4 * g->ww;
    int8_t *o = (int8_t *)g->run;
    for (int k = 0; k < 4; k++) {
      if (g->anygen && g->gen[k]) dwr_row_gen(g, k, 3, o + k, 4);
      else dwr_row_33(g, k, o + k, 4);
    }
    dwr_store_run(g->run, W, g->lo4, g->hi4, g->y + (size_t)oy * g->ys, g->ps, g->skip);
  }
}

/* The ring path's state over the call's planned workspace (head: pair table; then one run; then the ring), p made
 * the geometry as it runs (transposed along the columns), or 0 when the call does not take it. */
static int dwr_init(dwr *g, const tf_dwconv2d_args *a, tf_conv_params *p) {
  const int dir = dwr_orientation(p);
  if (!dir || !dw4_geometry_ok(p)) return 0; /* a channel without a tf_rq form takes dwr_row_gen, not the portable path */
  const size_t D = (size_t)p->in_depth;
  g->zp4 = tf_bytes4(-p->q.input_offset);
  g->lo4 = tf_bytes4(p->q.act_min), g->hi4 = tf_bytes4(p->q.act_max);
  g->rs = p->in_w * D, g->cs = D, g->ys = p->out_w * D, g->ps = D, g->fr = p->filter_w, g->fc = 1;
  if (dir == 2) {
    g->rs = D, g->cs = p->in_w * D, g->ys = D, g->ps = p->out_w * D, g->fr = 1, g->fc = p->filter_w;
    int t;
#define DWR_SWAP(u, v) (t = (u), (u) = (v), (v) = t)
    DWR_SWAP(p->in_h, p->in_w), DWR_SWAP(p->out_h, p->out_w), DWR_SWAP(p->filter_h, p->filter_w), DWR_SWAP(p->pad_top, p->pad_left);
#undef DWR_SWAP
  }
  const int32_t head = dwr_head_bytes(p, 1), run = 16 * ((p->out_w + 3) / 4);
  if (head + run + dwr_ring_bytes(p) > a->workspace_bytes) return 0;
  uint8_t *ws = (uint8_t *)tf_ref(a->workspace);
  g->p = p;
  g->kh = p->filter_h, g->kw = p->filter_w, g->ww = dwr_ww(p);
  g->tab = (int32_t *)(void *)ws;
  g->run = (uint32_t *)(void *)(ws + head);
  g->ring = (uint32_t *)(void *)(ws + head + run);
  return 1;
}

/* ---- The large-window path (inplace-channel; depth multiplier 1, dilation 1, 5x5 and 7x7, stride_w 1 or 2, any
 * stride_h): the ring's transposed rows and pair table (dwr_setup, dwr_load_row), SMLAD on pairs of horizontally
 * adjacent taps, blocks of four output pixels sharing the pairs. Window rows outside the image are skipped per
 * output row (never loaded): the row's bias is bias + offset * (the in-bounds rows' weight sum), from per-channel
 * prefix sums of the row sums; columns outside hold the zero point (w * (zp + off) = 0). Stride 2: pixel q of a
 * block at padded column j + 2q takes the even-phase pairs P(j + 2q + 2i) (the odd taps are never read). */
/* Ring words per channel row: blocks of four output pixels and the pairs the last block reads beyond. */
static inline int dwk_ww(const tf_conv_params *p) {
  const int nb = (p->out_w + 3) / 4;
  return p->stride_w == 1 ? nb + dwr_npo(p->filter_w) / 2 : 2 * nb - 1 + (dwr_npe(p->filter_w) + 2) / 2;
}
/* The workspace head: the pair table, then per channel the prefix sums of its window rows' weights (kh + 1 words,
 * 4 channels). src/ir/workspace.ts cDepthwiseBytes mirrors these sizes: the head, the planes, the ring. */
static inline int32_t dwk_head_bytes(const tf_conv_params *p) { return 16 * dwr_ct(p) + 16 * (p->filter_h + 1); }
static int dwk_geometry(const tf_conv_params *p) {
  const int k = p->filter_h;
  return p->depth_multiplier == 1 && p->dilation_h == 1 && p->dilation_w == 1 && (p->stride_w == 1 || p->stride_w == 2) &&
         p->in_depth >= 4 && p->filter_w == k && (k == 5 || k == 7);
}

/* The large-window path's state over the call's planned workspace (head, then `mid` bytes: the planes; then the
 * ring), or 0 when the call does not take it. */
static int dwk_init(dwr *g, const tf_dwconv2d_args *a, const tf_conv_params *p, int32_t mid) {
  if (!dwk_geometry(p) || !dw4_rqd_ok(p)) return 0;
  const int32_t head = dwk_head_bytes(p), ww = dwk_ww(p);
  if (head + mid + 16 * p->filter_h * ww > a->workspace_bytes) return 0;
  uint8_t *ws = (uint8_t *)tf_ref(a->workspace);
  g->p = p;
  g->kh = p->filter_h, g->kw = p->filter_w, g->ww = ww;
  g->rs = (size_t)p->in_w * p->in_depth, g->cs = (size_t)p->in_depth; /* dwr_load_row's strides: along the rows */
  g->tab = (int32_t *)(void *)ws;
  g->ring = (uint32_t *)(void *)(ws + head + mid);
  g->zp4 = tf_bytes4(-p->q.input_offset);
  return 1;
}

/* Assembly pieces of dwk_block: E_I, O_I of the table row at t into e, o; two SMLADs of pair P into A and B. */
#define DWK_EO(I) "ldrd   %[e], %[o], [%[t], #8 * " I "]\n\t"
#define DWK_SM(P, A, B) "smlad  %[" A "], %[" P "], %[e], %[" A "]\n\t" "smlad  %[" B "], %[" P "], %[o], %[" B "]\n\t"

/* dwk_block's 4-pixel stride-1 window rows (5x5: 12 SMLADs on 4 pairs from 2 words, TSTEP 24 table bytes a row; 7x7
 * adds DWK_S1_4_7X7: 16 SMLADs on 5 pairs from 3 words, TSTEP 32), one statement for both widths. */
#define DWK_S1_4_7X7 DWK_EO("3") DWK_SM("x", "a0", "a1") "ldr    %[x], [%[w], #8]\n\t" "sxtb16 %[x], %[x]\n\t" DWK_SM("x", "a2", "a3")
#define DWK_S1_4(TAPS7, TSTEP)                                                                                         \
  __asm__ volatile("1:\n\t"                                                                                             \
                   "ldr    %[w], [%[rp]], #4\n\t"                                                                      \
                   "add    %[w], %[w], %[offb]\n\t"                                                                    \
                   "ldr    %[x], [%[w]]\n\t"                                                                           \
                   "sxtb16 %[q], %[x]\n\t"                                                                             \
                   DWK_EO("0") DWK_SM("q", "a0", "a1") "sxtb16 %[x], %[x], ror #8\n\t" DWK_SM("x", "a2", "a3")         \
                   DWK_EO("1") DWK_SM("x", "a0", "a1") "ldr    %[x], [%[w], #4]\n\t" "sxtb16 %[q], %[x]\n\t"             \
                   DWK_SM("q", "a2", "a3")                                                                              \
                   DWK_EO("2") DWK_SM("q", "a0", "a1") "sxtb16 %[x], %[x], ror #8\n\t" DWK_SM("x", "a2", "a3")         \
                   TAPS7                                                                                                \
                   "add    %[t], %[t], #" TSTEP "\n\t"                                                                \
                   "ldr    %[q], %[end]\n\t"                                                                           \
                   "cmp    %[rp], %[q]\n\t"                                                                            \
                   "bne    1b\n\t"                                                                                     \
                   : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [rp] "+r"(rp), [t] "+r"(t),             \
                     [w] "=&r"(w), [x] "=&r"(x), [q] "=&r"(q), [e] "=&r"(e), [o] "=&r"(o)                                \
                   : [offb] "r"(offb), [end] "m"(end)                                                                   \
                   : "cc", "memory")

/* A row's last block of one or two pixels at stride 1 (pixel 0 takes the pairs P(j + 2i) against E_i, pixel 1 the same
 * pairs against O_i): per window row, DWK_T1 or DWK_T2 of each pair I (E_I, or E_I and O_I); 5x5 3 pairs from 2 words,
 * DWK_S1_TAIL_7X7 a fourth (TSTEP as DWK_S1_4). */
#define DWK_T1(P, I) "ldr    %[e], [%[t], #8 * " I "]\n\t" "smlad  %[a0], %[" P "], %[e], %[a0]\n\t"
#define DWK_T2(P, I) DWK_EO(I) "smlad  %[a0], %[" P "], %[e], %[a0]\n\t" "smlad  %[a1], %[" P "], %[o], %[a1]\n\t"
#define DWK_S1_TAIL_7X7(T) "sxtb16 %[x], %[x], ror #8\n\t" T("x", "3")
#define DWK_S1_TAIL(T, TAPS7, TSTEP)                                                                                   \
  __asm__ volatile("1:\n\t"                                                                                             \
                   "ldr    %[w], [%[rp]], #4\n\t"                                                                      \
                   "add    %[w], %[w], %[offb]\n\t"                                                                    \
                   "ldr    %[x], [%[w]]\n\t"                                                                           \
                   "sxtb16 %[q], %[x]\n\t" T("q", "0")                                                                  \
                   "sxtb16 %[q], %[x], ror #8\n\t" T("q", "1")                                                          \
                   "ldr    %[x], [%[w], #4]\n\t"                                                                       \
                   "sxtb16 %[q], %[x]\n\t" T("q", "2")                                                                  \
                   TAPS7                                                                                                \
                   "add    %[t], %[t], #" TSTEP "\n\t"                                                                \
                   "cmp    %[rp], %[end]\n\t"                                                                          \
                   "bne    1b\n\t"                                                                                     \
                   : [a0] "+r"(a0), [a1] "+r"(a1), [rp] "+r"(rp), [t] "+r"(t), [w] "=&r"(w), [x] "=&r"(x), [q] "=&r"(q), \
                     [e] "=&r"(e), [o] "=&r"(o)                                                                         \
                   : [offb] "r"(offb), [end] "r"(end)                                                                   \
                   : "cc", "memory")

/* A stride-2 row's last block of two pixels: pixel 0 takes P_i = P(j + 2i) against E_i, pixel 1 P_i+1 against E_i;
 * per window row DWK_S2_T2 of each E_I (P_I in q, then P_I+1 from the word x or, NEXT, a new word); 5x5 3 of them, 7x7
 * DWK_S2_TAIL_7X7 a fourth. */
#define DWK_S2_T2(I, NEXT) "ldr    %[e], [%[t], #8 * " I "]\n\t" "smlad  %[a0], %[q], %[e], %[a0]\n\t" NEXT "smlad  %[a1], %[q], %[e], %[a1]\n\t"
#define DWK_S2_ROR "sxtb16 %[q], %[x], ror #8\n\t"
#define DWK_S2_WORD(W) "ldr    %[x], [%[w], #" W "]\n\t" "sxtb16 %[q], %[x]\n\t"
#define DWK_S2_TAIL_7X7 DWK_S2_T2("3", DWK_S2_WORD("8"))
#define DWK_S2_TAIL(TAPS7, TSTEP)                                                                                      \
  __asm__ volatile("1:\n\t"                                                                                             \
                   "ldr    %[w], [%[rp]], #4\n\t"                                                                      \
                   "add    %[w], %[w], %[offb]\n\t"                                                                    \
                   DWK_S2_WORD("0") DWK_S2_T2("0", DWK_S2_ROR) DWK_S2_T2("1", DWK_S2_WORD("4")) DWK_S2_T2("2", DWK_S2_ROR) \
                   TAPS7                                                                                                \
                   "add    %[t], %[t], #" TSTEP "\n\t"                                                                \
                   "cmp    %[rp], %[end]\n\t"                                                                          \
                   "bne    1b\n\t"                                                                                     \
                   : [a0] "+r"(a0), [a1] "+r"(a1), [rp] "+r"(rp), [t] "+r"(t), [w] "=&r"(w), [x] "=&r"(x), [q] "=&r"(q), \
                     [e] "=&r"(e)                                                                                       \
                   : [offb] "r"(offb), [end] "r"(end)                                                                   \
                   : "cc", "memory")

/* NPX (1 to 4) output pixels of a block of channel k (S: stride_w; KW: kernel width; padded column of pixel q:
 * j0 + S * q, j0 = 4 * off's word) over window rows [ky0, ky1) from b, requantized (int8, not yet clamped) to
 * out + 4 * q for the first nst. t: the channel's pair table at window row 0. */
TF_INLINE void dwk_block(const uint32_t *const *rowp, int ky0, int ky1, int off, const int32_t *t, const int KW, const int S,
                         const int NPX, int nst, int32_t b, int32_t m, int32_t hc, int32_t sh, int8_t *out) {
  const int npe = (KW + 1) / 2, npo = KW / 2 + 1;
  int32_t a0 = b, a1 = b, a2 = b, a3 = b;
  t += ky0 * 2 * npo;
#if defined(__OPTIMIZE__)
  if (NPX <= 2 && ky1 > ky0) {
    /* a last block of 1 or 2 pixels (one pixel: the same pairs at either stride) */
    const uint32_t *const *rp = rowp + ky0, *const *end = rowp + ky1;
    const size_t offb = (size_t)off * 4;
    int32_t w, x, q, e, o = 0;
    if (NPX == 1 && KW == 5) DWK_S1_TAIL(DWK_T1, "", "24");
    else if (NPX == 1) DWK_S1_TAIL(DWK_T1, DWK_S1_TAIL_7X7(DWK_T1), "32");
    else if (S == 2 && KW == 5) DWK_S2_TAIL("", "24");
    else if (S == 2) DWK_S2_TAIL(DWK_S2_TAIL_7X7, "32");
    else if (KW == 5) DWK_S1_TAIL(DWK_T2, "", "24");
    else DWK_S1_TAIL(DWK_T2, DWK_S1_TAIL_7X7(DWK_T2), "32");
    (void)o;
    ky1 = ky0; /* done */
  }
  if (NPX == 4 && (KW == 7 || (KW == 5 && S == 1)) && ky1 > ky0) {
    /* The window rows in assembly (GCC's allocation spills the accumulators): 7x7, per row 16 SMLADs, 5 pairs from 3
     * input words (stride 1) or 7 from 4 (stride 2; the weights E_0..E_3 in registers, 13 registers); 5x5 stride 1,
     * 12 SMLADs on 4 pairs from 2 words. */
    const uint32_t *const *rp = rowp + ky0, *const *end = rowp + ky1;
    const size_t offb = (size_t)off * 4;
    int32_t w, x, q, e, o;
    if (KW == 5) DWK_S1_4("", "24");
    else if (S == 1) DWK_S1_4(DWK_S1_4_7X7, "32");
    else {
      /* E_0..E_3 in e, o, w's partner registers: pairs P_m = P(j + 2m), m < 7; pixel q takes P_(q+i) E_i. */
      int32_t e2, e3;
      __asm__ volatile("1:\n\t"
                       "ldr    %[e], [%[t]]\n\t"
                       "ldr    %[o], [%[t], #8]\n\t"
                       "ldr    %[e2], [%[t], #16]\n\t"
                       "ldr    %[e3], [%[t], #24]\n\t"
                       "ldr    %[w], [%[rp]], #4\n\t"
                       "ldr    %[q], %[offm]\n\t"
                       "add    %[w], %[w], %[q]\n\t"
                       "ldr    %[x], [%[w]]\n\t"
                       "sxtb16 %[q], %[x]\n\t" /* P0 */
                       "smlad  %[a0], %[q], %[e], %[a0]\n\t"
                       "sxtb16 %[x], %[x], ror #8\n\t" /* P1 */
                       "smlad  %[a0], %[x], %[o], %[a0]\n\t"
                       "smlad  %[a1], %[x], %[e], %[a1]\n\t"
                       "ldr    %[x], [%[w], #4]\n\t"
                       "sxtb16 %[q], %[x]\n\t" /* P2 */
                       "smlad  %[a0], %[q], %[e2], %[a0]\n\t"
                       "smlad  %[a1], %[q], %[o], %[a1]\n\t"
                       "smlad  %[a2], %[q], %[e], %[a2]\n\t"
                       "sxtb16 %[x], %[x], ror #8\n\t" /* P3 */
                       "smlad  %[a0], %[x], %[e3], %[a0]\n\t"
                       "smlad  %[a1], %[x], %[e2], %[a1]\n\t"
                       "smlad  %[a2], %[x], %[o], %[a2]\n\t"
                       "smlad  %[a3], %[x], %[e], %[a3]\n\t"
                       "ldr    %[x], [%[w], #8]\n\t"
                       "sxtb16 %[q], %[x]\n\t" /* P4 */
                       "smlad  %[a1], %[q], %[e3], %[a1]\n\t"
                       "smlad  %[a2], %[q], %[e2], %[a2]\n\t"
                       "smlad  %[a3], %[q], %[o], %[a3]\n\t"
                       "sxtb16 %[x], %[x], ror #8\n\t" /* P5 */
                       "smlad  %[a2], %[x], %[e3], %[a2]\n\t"
                       "smlad  %[a3], %[x], %[e2], %[a3]\n\t"
                       "ldr    %[x], [%[w], #12]\n\t"
                       "sxtb16 %[x], %[x]\n\t" /* P6 */
                       "smlad  %[a3], %[x], %[e3], %[a3]\n\t"
                       "add    %[t], %[t], #32\n\t"
                       "ldr    %[q], %[end]\n\t"
                       "cmp    %[rp], %[q]\n\t"
                       "bne    1b\n\t"
                       : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [rp] "+r"(rp), [t] "+r"(t),
                         [w] "=&r"(w), [x] "=&r"(x), [q] "=&r"(q), [e] "=&r"(e), [o] "=&r"(o), [e2] "=&r"(e2), [e3] "=&r"(e3)
                       : [offm] "m"(offb), [end] "m"(end)
                       : "cc", "memory");
    }
    ky1 = ky0; /* done */
  }
#endif
  for (int ky = ky0; ky < ky1; ky++, t += 2 * npo) {
    const uint32_t *w = rowp[ky] + off;
    if (S == 1) {
      const int last = NPX >= 3 ? npo : NPX == 2 ? npo - 1 : npe - 1; /* the last pair index read */
#pragma GCC unroll 8
      for (int i = 0; i <= last; i++) {
        const int32_t q = DWR_PAIR(w, 2 * i);
        if (i < npe) a0 = __smlad(q, t[2 * i], a0);
        if (NPX > 1 && i < npo) a1 = __smlad(q, t[2 * i + 1], a1);
        if (NPX > 2 && i >= 1 && i - 1 < npe) a2 = __smlad(q, t[2 * i - 2], a2);
        if (NPX > 3 && i >= 1 && i - 1 < npo) a3 = __smlad(q, t[2 * i - 1], a3);
      }
    } else {
      /* pixel q: pairs m = q + i against E_i, i < npe */
#pragma GCC unroll 12
      for (int j = 0; j < NPX + npe - 1; j++) {
        const int32_t q = DWR_PAIR(w, 2 * j);
        if (j < npe) a0 = __smlad(q, t[2 * j], a0);
        if (NPX > 1 && j >= 1 && j - 1 < npe) a1 = __smlad(q, t[2 * (j - 1)], a1);
        if (NPX > 2 && j >= 2 && j - 2 < npe) a2 = __smlad(q, t[2 * (j - 2)], a2);
        if (NPX > 3 && j >= 3 && j - 3 < npe) a3 = __smlad(q, t[2 * (j - 3)], a3);
      }
    }
  }
  out[0] = dw_rqd_s8(a0, m, hc, sh);
  if (NPX > 1 && nst > 1) out[4] = dw_rqd_s8(a1, m, hc, sh);
  if (NPX > 2 && nst > 2) out[8] = dw_rqd_s8(a2, m, hc, sh);
  if (NPX > 3 && nst > 3) out[12] = dw_rqd_s8(a3, m, hc, sh);
}

/* Output row oy of the group over window rows [ky0, ky1) (g->rowp set): per channel k its bias from the prefix
 * sums and its requantization loaded once for the row, out_w pixels, pixel ox at out + 4 * ox + k. */
TF_INLINE void dwk_row(const dwr *g, int ky0, int ky1, const int KW, const int S, int8_t *out) {
  const tf_conv_params *p = g->p;
  const int W = p->out_w, kh = g->kh, ct = dwr_ct(p), nb = W >> 2, n = W & 3;
  const int32_t off = p->q.input_offset;
  const int32_t *pre = g->tab + 4 * ct;
  for (int k = 0; k < 4; k++, out++, pre += kh + 1) {
    const int32_t *t = g->tab + k * ct;
    const int32_t *rq = t + kh * 2 * (KW / 2 + 1); /* bias, m, hc, sh */
    const int32_t m = rq[1], hc = rq[2], sh = rq[3];
    const int32_t b = tf_wshl(tf_wadd(rq[0], tf_wmul(off, ky1 > ky0 ? pre[ky1] - pre[ky0] : 0)), 1); /* doubled */
    int o = k * g->ww;
    int8_t *dst = out;
    if (S == 1) {
      /* a last block of 3 pixels as a 4-pixel one (its ring words exist: dwk_ww), 3 stored; of 1 or 2, their own
       * assembly (DWK_S1_TAIL); at stride 2 a 4-pixel block costs twice a 1-pixel one (measured) */
      for (int i = 0; i < nb; i++, o += S, dst += 16) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 4, 4, b, m, hc, sh, dst);
      if (n == 3) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 4, 3, b, m, hc, sh, dst);
      else if (n == 2) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 2, 2, b, m, hc, sh, dst);
      else if (n == 1) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 1, 1, b, m, hc, sh, dst);
      continue;
    }
    for (int i = 0; i < nb; i++, o += S, dst += 16) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 4, 4, b, m, hc, sh, dst);
    if (n == 3) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 3, 3, b, m, hc, sh, dst);
    else if (n == 2) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 2, 2, b, m, hc, sh, dst);
    else if (n == 1) dwk_block(g->rowp, ky0, ky1, o, t, KW, S, 1, 1, b, m, hc, sh, dst);
  }
}

/* One instance per (kernel, stride_w): direct calls (the stack table follows no function pointer). */
static __attribute__((noinline)) void dwk_row_5s1(const dwr *g, int ky0, int ky1, int8_t *o) { dwk_row(g, ky0, ky1, 5, 1, o); }
static __attribute__((noinline)) void dwk_row_5s2(const dwr *g, int ky0, int ky1, int8_t *o) { dwk_row(g, ky0, ky1, 5, 2, o); }
static __attribute__((noinline)) void dwk_row_7s1(const dwr *g, int ky0, int ky1, int8_t *o) { dwk_row(g, ky0, ky1, 7, 1, o); }
static __attribute__((noinline)) void dwk_row_7s2(const dwr *g, int ky0, int ky1, int8_t *o) { dwk_row(g, ky0, ky1, 7, 2, o); }

/* Channels c..c+3: dwr_setup's pair table (per channel and window row (E_i, O_i), i < npo, O_i only at stride 1;
 * then bias, m, hc, sh)
 * and per channel the prefix sums of its window rows' weights, built four channels at once: a tap's word of four
 * weights as SXTB16 pairs (channels 0, 2) and (1, 3), paired with the next tap's by PKHBT / PKHTB. */
TF_INLINE void dwk_setup_k(dwr *g, const tf_conv_params *p, int c, const int KW) {
  const int kh = p->filter_h, npo = KW / 2 + 1, ct = dwr_ct(p);
  const size_t D = (size_t)p->out_depth;
  /* only the window rows some output row reads, [kya, kyb) (7x7 over 3 rows: 5 of 7), their prefix sums from kya */
  const int kyb = p->in_h + p->pad_top < kh ? p->in_h + p->pad_top : kh, top = p->pad_top - (p->out_h - 1) * p->stride_h;
  const int kya = top < 0 ? 0 : top < kyb ? top : kyb;
  int32_t *t0 = g->tab + kya * 2 * npo, *t1 = t0 + ct, *t2 = t1 + ct, *t3 = t2 + ct;
  int32_t *pre = g->tab + 4 * ct; /* channel k's prefix sums at pre + k * (kh + 1) */
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const int odd = p->stride_w == 1;
  pre[kya] = pre[kh + 1 + kya] = pre[2 * (kh + 1) + kya] = pre[3 * (kh + 1) + kya] = 0;
  for (int ky = kya; ky < kyb; ky++, t0 += 2 * npo, t1 += 2 * npo, t2 += 2 * npo, t3 += 2 * npo) {
    const int8_t *f = p->filter + (size_t)ky * KW * D + c;
    int32_t pe = 0, po = 0; /* the previous tap's pairs (channels 0, 2) and (1, 3); 0 before the row */
    int32_t re = 0, ro = 0;
    /* pair j = (w_j-1, w_j) of the row, j = 0..KW (w_-1 = w_KW = 0): O_j/2 at word j + 1 for even j, E_(j-1)/2 at
     * word j - 1 for odd j; two taps live at a time (the whole row's pairs in arrays spilled: mcunet -41 k instructions) */
#pragma GCC unroll 8
    for (int j = 0; j <= KW; j++) {
      const uint32_t wv = j < KW ? tf_ld32(f + (size_t)j * D) : 0;
      int32_t ce = __sxtb16(wv), co = tf_sxtb16_ror8(wv);
      if (j < KW) re = __sadd16(re, ce), ro = __sadd16(ro, co); /* int16 lanes: at most 7 * 128 */
      ce = __sadd16(ce, ce), co = __sadd16(co, co);             /* the table's weights doubled (dw_rqd_s8) */
      const int at = (j & 1) ? j - 1 : j + 1;
      if ((j & 1) || odd) { /* the odd-phase pairs: read at stride 1 only */
        t0[at] = tf_pack_lo(pe, ce), t2[at] = tf_pack_hi(pe, ce);
        t1[at] = tf_pack_lo(po, co), t3[at] = tf_pack_hi(po, co);
      }
      pe = ce, po = co;
    }
    pre[ky + 1] = s0 += (int16_t)re, pre[kh + 2 + ky] = s1 += (int16_t)ro;
    pre[2 * (kh + 1) + ky + 1] = s2 += re >> 16, pre[3 * (kh + 1) + ky + 1] = s3 += ro >> 16;
  }
  for (int k = 0; k < 4; k++) {
    int32_t *rq = g->tab + k * ct + kh * 2 * npo; /* after the window rows */
    const int32_t bias = p->q.bias[c + k];
    int32_t m = p->q.multiplier[c + k], sh = -p->q.shift[c + k], hc;
    if (!dw_rqd_ok(p, c + k)) {
      /* an all-zero filter (dwk_init: dw4_rqd_ok): the constant bias requantized, whatever the accumulator */
      const int32_t v = tf_mbqm_fast(bias, m, -sh) + p->q.output_offset;
      m = 0, sh = 1, hc = dw_rqd_hc(1, v < -256 ? -256 : v > 256 ? 256 : v);
    } else {
      hc = dw_rqd_hc(sh, p->q.output_offset);
    }
    rq[0] = bias, rq[1] = m, rq[2] = hc, rq[3] = sh;
  }
}
static __attribute__((noinline)) void dwk_setup_5(dwr *g, const tf_conv_params *p, int c) { dwk_setup_k(g, p, c, 5); }
static __attribute__((noinline)) void dwk_setup_7(dwr *g, const tf_conv_params *p, int c) { dwk_setup_k(g, p, c, 7); }

/* Channels c..c+3 of batch n (x: batch n's input at channel c) into inplace-channel's planes: pixel (oy, ox) the
 * packed word out + 4 * (oy * out_w + ox), not yet clamped to the activation range (the copy-back clamps). Each
 * in-image input row enters the ring once; rows outside the image are neither loaded nor read. */
static __attribute__((noinline)) void dwk_plane(dwr *g, int c, const int8_t *x, int8_t *out) {
  const tf_conv_params *p = g->p;
  const int kh = p->filter_h, kw = p->filter_w;
  if (kw == 7) dwk_setup_7(g, p, c);
  else dwk_setup_5(g, p, c);
  g->x = x;
  const int sel = (kw == 7) * 2 + (p->stride_w == 2);
  int next = -p->pad_top; /* the first input row not yet considered for the ring */
  for (int oy = 0; oy < p->out_h; oy++) {
    const int iy0 = oy * p->stride_h - p->pad_top;
    const int ky0 = iy0 < 0 ? -iy0 : 0, ky1 = p->in_h - iy0 < kh ? p->in_h - iy0 : kh;
    for (int iy = next > iy0 ? next : iy0; iy < iy0 + kh; iy++)
      if (iy >= 0 && iy < p->in_h) dwr_load_row(g, iy, (iy + p->pad_top) % kh);
    next = iy0 + kh;
    for (int ky = ky0; ky < ky1; ky++) g->rowp[ky] = g->ring + (size_t)((iy0 + ky + p->pad_top) % kh) * 4 * g->ww;
    int8_t *o = out + (size_t)oy * p->out_w * 4;
    if (sel == 0) dwk_row_5s1(g, ky0, ky1, o);
    else if (sel == 1) dwk_row_5s2(g, ky0, ky1, o);
    else if (sel == 2) dwk_row_7s1(g, ky0, ky1, o);
    else dwk_row_7s2(g, ky0, ky1, o);
  }
}
#endif

static void dw_params(const tf_dwconv2d_args *a, tf_conv_params *p) {
  p->batches = a->batches; p->in_h = a->in_h; p->in_w = a->in_w; p->in_depth = a->in_depth;
  p->out_h = a->out_h; p->out_w = a->out_w; p->out_depth = a->out_depth;
  p->filter_h = a->filter_h; p->filter_w = a->filter_w; p->filter_depth = 1; p->depth_multiplier = a->depth_multiplier;
  p->stride_h = a->stride_h; p->stride_w = a->stride_w; p->dilation_h = a->dilation_h; p->dilation_w = a->dilation_w;
  p->pad_top = a->pad_top; p->pad_left = a->pad_left;
  p->filter = (const int8_t *)tf_ref(a->filter);
  p->q.bias = (const int32_t *)tf_ref(a->bias);
  p->q.multiplier = (const int32_t *)tf_ref(a->multiplier);
  p->q.shift = (const int32_t *)tf_ref(a->shift);
  p->q.input_offset = a->input_offset; p->q.output_offset = a->output_offset;
  p->q.act_min = a->act_min; p->q.act_max = a->act_max;
}

void dwconv2d_s8(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
#if TF_DSP
  int32_t *wt = dw4_taps(a, &p, 0);
  if (wt) {
    /* Channel groups outermost (no overlap in the default variant); 1-3 channels left over take the group
     * ending at the last channel (its first channels written again with the same values). */
    dw4 g;
    g.wt = wt;
    for (int c0 = 0; c0 < p.in_depth; c0 += 4) {
      const int c = dw4_group(&p, c0);
      dw4_setup(&g, &p, x, c);
      for (int n = 0; n < p.batches; n++)
        for (int oy = 0; oy < p.out_h; oy++)
          dw4_row(&g, n, oy, y + (((size_t)n * p.out_h + oy) * p.out_w) * p.out_depth + c, (size_t)p.out_depth);
    }
    return;
  }
#endif
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++)
      for (int ox = 0; ox < p.out_w; ox++)
        dw_pixel(&p, x, n, oy, ox, y + (((size_t)n * p.out_h + oy) * p.out_w + ox) * p.out_depth);
}

/* 3x3, dilation 1, multiplier 1 (default variant: no overlap). */
void dwconv2d_s8_3x3(const int32_t *args) { dwconv2d_s8(args); }

void dwconv2d_s8_stream_row(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const size_t row = (size_t)p.out_w * p.out_depth;
#if TF_DSP
  int32_t *wt = dw4_taps(a, &p, 0);
  const int fast = wt != NULL;
  dw4 g;
  g.wt = wt;
#endif
  for (int n = 0; n < p.batches; n++)
    for (int oy = 0; oy < p.out_h; oy++) {
#if TF_DSP
      if (fast) {
        for (int c0 = 0; c0 < p.in_depth; c0 += 4) {
          const int c = dw4_group(&p, c0); /* into the row's scratch: a tail group writes its first channels again */
          dw4_setup(&g, &p, x, c);
          dw4_row(&g, n, oy, s + c, (size_t)p.out_depth);
        }
      } else
#endif
      for (int ox = 0; ox < p.out_w; ox++) dw_pixel(&p, x, n, oy, ox, s + (size_t)ox * p.out_depth);
      memcpy(y + ((size_t)n * p.out_h + oy) * row, s, row);
    }
}

/* 3x3, stride 1 or 2, no dilation: one channel plane with the nine weights in registers; the input
 * offset enters through sum(w) * offset where the whole window is in bounds. */
/* A 3x3 (dilation 1) output at the image border: only the in-bounds taps, as the reference. */
static __attribute__((noinline)) void dw_border_3x3(const tf_conv_params *p, const int8_t *x, int n, int c, int oy, int ox, int8_t *dst) {
  const int iy = oy * p->stride_h - p->pad_top, ix = ox * p->stride_w - p->pad_left;
  const int ky0 = iy < 0 ? -iy : 0, ky1 = p->in_h - iy < 3 ? p->in_h - iy : 3;
  const int kx0 = ix < 0 ? -ix : 0, kx1 = p->in_w - ix < 3 ? p->in_w - ix : 3;
  const size_t D = (size_t)p->in_depth;
  const int32_t off = p->q.input_offset;
  int32_t acc = 0;
  for (int ky = ky0; ky < ky1; ky++) {
    const int8_t *r = x + (((size_t)n * p->in_h + iy + ky) * p->in_w + ix) * D + c;
    const int8_t *f = p->filter + (size_t)ky * 3 * D + c;
    for (int kx = kx0; kx < kx1; kx++) acc += f[kx * D] * (r[kx * D] + off);
  }
  *dst = dw_requant(p, acc, c);
}

static __attribute__((noinline)) void dw_plane_3x3(const tf_conv_params *p, const int8_t *x, int n, int c, int8_t *plane) {
  const size_t D = (size_t)p->in_depth, rowb = (size_t)p->in_w * D;
  const int8_t *f = p->filter + c;
  const int32_t w0 = f[0], w1 = f[D], w2 = f[2 * D], w3 = f[3 * D], w4 = f[4 * D], w5 = f[5 * D], w6 = f[6 * D],
                w7 = f[7 * D], w8 = f[8 * D];
  const int32_t off = p->q.input_offset;
  const int32_t full_off = off * (w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7 + w8);
  const int32_t bias = p->q.bias[c];
  const int qc = c;
  const int32_t mult = p->q.multiplier[qc], shift = p->q.shift[qc];
  const int32_t oo = p->q.output_offset, lo = p->q.act_min, hi = p->q.act_max;
  const int8_t *xc = x + (size_t)n * p->in_h * rowb + c;
  const int sh = p->stride_h, sw = p->stride_w;
  /* Output columns whose window is inside the image: [ox0, ox1). */
  int ox0 = (p->pad_left + sw - 1) / sw, ox1 = (p->in_w - 3 + p->pad_left) / sw + 1;
  if (p->in_w < 3) ox1 = 0;
  if (ox1 > p->out_w) ox1 = p->out_w;
  if (ox0 > ox1) ox0 = ox1;
  const size_t step = (size_t)sw * D;
  for (int oy = 0; oy < p->out_h; oy++) {
    const int iy = oy * sh - p->pad_top;
    int8_t *out = plane + (size_t)oy * p->out_w;
    if (!(iy >= 0 && iy + 2 < p->in_h)) {
      for (int ox = 0; ox < p->out_w; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
      continue;
    }
    for (int ox = 0; ox < ox0; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
    const int8_t *r = xc + (size_t)iy * rowb + ((size_t)ox0 * sw - p->pad_left) * D;
    for (int ox = ox0; ox < ox1; ox++, r += step) {
      int32_t acc = full_off + w0 * r[0] + w1 * r[D] + w2 * r[2 * D];
      acc += w3 * r[rowb] + w4 * r[rowb + D] + w5 * r[rowb + 2 * D];
      acc += w6 * r[2 * rowb] + w7 * r[2 * rowb + D] + w8 * r[2 * rowb + 2 * D];
      out[ox] = tf_requant_s8(acc, bias, mult, shift, oo, lo, hi);
    }
    for (int ox = ox1; ox < p->out_w; ox++) dw_border_3x3(p, x, n, c, oy, ox, out + ox);
  }
}

/* acc + the window row (b[0], b[1], b[2]) times (w0, w1) = wp and w2: one SMLAD on the pair (an unaligned word). */
TF_INLINE int32_t dw_row3_mla(const int16_t *b, int32_t wp, int32_t w2, int32_t acc) {
#if TF_DSP
  uint32_t pr;
  memcpy(&pr, b, 4);
  return __smlabb((int32_t)b[2], w2, __smlad((int32_t)pr, wp, acc));
#else
  return acc + b[0] * (int16_t)wp + b[1] * (wp >> 16) + b[2] * w2;
#endif
}

/* One channel's 3x3 plane (dilation 1) over a copy of the input it reads, in the workspace: int16 x + offset, 0 where
 * the reference skips the tap, so every output takes its nine taps with no border case (a window row is one SMLAD
 * and one SMLABB). Writes output channel c of batch n in place (the copy holds every input value it reads); returns
 * 0 when the workspace cannot hold the copy or the channel's requantization has no tf_rq form. */
static __attribute__((noinline)) int dw_lone_3x3(const tf_conv_params *p, const int8_t *x, int8_t *y, int n, int c, void *ws, int32_t ws_bytes) {
  const int sh = p->stride_h, sw = p->stride_w;
  const int PH = (p->out_h - 1) * sh + 3, PW = (p->out_w - 1) * sw + 3;
  tf_rq q;
  if (2 * PH * PW > ws_bytes || !tf_rq_init(&q, p->q.multiplier[c], p->q.shift[c], p->q.output_offset)) return 0;
  int16_t *buf = (int16_t *)ws;
  const size_t D = (size_t)p->in_depth;
  const int32_t off = p->q.input_offset;
  const int8_t *xc = x + (size_t)n * p->in_h * p->in_w * D + c;
  /* padded columns [0, j0) and [j1, PW) hold 0, [j0, j1) the row's input columns from 0 */
  const int j0 = p->pad_left < PW ? p->pad_left : PW, j1 = p->pad_left + p->in_w < PW ? p->pad_left + p->in_w : PW;
  for (int r = 0; r < PH; r++) {
    const int iy = r - p->pad_top;
    int16_t *o = buf + (size_t)r * PW;
    int j = 0;
    if (iy >= 0 && iy < p->in_h) {
      for (; j < j0; j++) o[j] = 0;
      const int8_t *xp = xc + (size_t)iy * p->in_w * D;
      for (; j < j1; j++, xp += D) o[j] = (int16_t)(*xp + off);
    }
    for (; j < PW; j++) o[j] = 0;
  }
  const int8_t *f = p->filter + c;
#define DW_PAIR(a_, b_) ((int32_t)(((uint32_t)(a_) & 0xffffu) | ((uint32_t)(b_) << 16)))
  const int32_t wp0 = DW_PAIR(f[0], f[D]), wp1 = DW_PAIR(f[3 * D], f[4 * D]), wp2 = DW_PAIR(f[6 * D], f[7 * D]);
#undef DW_PAIR
  const int32_t w2 = f[2 * D], w5 = f[5 * D], w8 = f[8 * D];
  const int32_t bias = p->q.bias[c], m = p->q.multiplier[c], lo = p->q.act_min, hi = p->q.act_max;
  int8_t *yc = y + (size_t)n * p->out_h * p->out_w * D + c;
  for (int oy = 0; oy < p->out_h; oy++) {
    const int16_t *b = buf + (size_t)oy * sh * PW;
    for (int ox = 0; ox < p->out_w; ox++, b += sw, yc += D) {
      int32_t acc = dw_row3_mla(b, wp0, w2, 0);
      acc = dw_row3_mla(b + PW, wp1, w5, acc);
      acc = dw_row3_mla(b + 2 * PW, wp2, w8, acc);
      *yc = (int8_t)tf_clamp(tf_rq_apply(tf_wadd(acc, bias), m, q.hc, q.sh), lo, hi);
    }
  }
  return 1;
}

/* inplace-channel's unit without the four-channel paths: channel c's output plane of batch n into the scratch s from
 * input channel c alone, then into channel c's slots of the output; a 3x3 one over a padded copy of its input in the
 * call's workspace (ws_bytes of it free) when it fits. */
TF_INLINE void dw_channel_plane(const tf_conv_params *p, const int8_t *x, int8_t *y, int8_t *s, int n, int c, void *ws, int32_t ws_bytes) {
  const int plane_size = p->out_h * p->out_w;
  const int k33 = p->filter_h == 3 && p->filter_w == 3 && p->dilation_h == 1 && p->dilation_w == 1;
  if (k33 && dw_lone_3x3(p, x, y, n, c, ws, ws_bytes)) return;
  if (k33) {
    dw_plane_3x3(p, x, n, c, s);
  } else {
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++) {
        dw_window w;
        dw_window_of(p, oy, ox, &w);
        s[oy * p->out_w + ox] = dw_requant(p, dw_acc(p, x, n, &w, c, c), c);
      }
  }
  int8_t *base = y + (size_t)n * plane_size * p->out_depth + c;
  for (int i = 0; i < plane_size; i++) base[(size_t)i * p->out_depth] = s[i];
}

/* The channels a four-channel path leaves over (in_depth % 4): one goes alone (dw_channel_plane: cheaper than a group
 * of four for it, bench/c.ts --calls on a 45-channel DS-CNN); two or three take the four channels ending at the last,
 * run before the other groups and storing only their own bytes (the bytes of each word it skips, returned; 0: no
 * such group). */
static inline int dw_tail_skip(int depth) { return (depth & 3) >= 2 ? 4 - (depth & 3) : 0; }
/* The first channel the four-channel paths leave to dw_channel_plane. */
static inline int dw_tail_alone(int depth) { return (depth & 3) == 1 ? depth - 1 : depth; }

#if TF_DSP
/* The large-window path (dwk_geometry) over every batch and group into the planes after its head (a group's planes
 * computed from its input channels alone before any is written), stored clamped to the activation range; two or three
 * channels left over first, as the four ending at the last channel storing only their own bytes; one left over is the
 * caller's. 0 when the call does not take it. */
static __attribute__((noinline)) int dwk_run(const tf_dwconv2d_args *a) {
  tf_conv_params p;
  dw_params(a, &p);
  const int plane_size = p.out_h * p.out_w;
  const int32_t plane4 = plane_size * 4;
  dwr g;
  if (plane4 > TF_DW_PLANE4_MAX || !dwk_init(&g, a, &p, plane4)) return 0;
  uint32_t *planes = (uint32_t *)(void *)((int8_t *)tf_ref(a->workspace) + dwk_head_bytes(&p));
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  const uint32_t lo4 = tf_bytes4(p.q.act_min), hi4 = tf_bytes4(p.q.act_max);
  const int C = p.in_depth, tskip = dw_tail_skip(C);
  for (int n = 0; n < p.batches; n++)
    for (int i = tskip ? -1 : 0; 4 * i + 4 <= C; i++) {
      const int c4 = i < 0 ? C - 4 : 4 * i, skip = i < 0 ? tskip : 0;
      dwk_plane(&g, c4, x + (size_t)n * p.in_h * p.in_w * C + c4, (int8_t *)planes);
      int8_t *base = y + (size_t)n * plane_size * p.out_depth + c4;
      for (int j = 0; j < plane_size; j++) {
        const uint32_t v = tf_clamp4(planes[j], lo4, hi4);
        if (skip == 0) memcpy(base + (size_t)j * p.out_depth, &v, 4);
        else
          for (int b = skip; b < 4; b++) base[(size_t)j * p.out_depth + b] = (int8_t)(v >> (8 * b));
      }
    }
  return 1;
}
#endif

/* inplace-channel (depth multiplier 1): per batch and channel, the channel's output plane into the
 * scratch from input channel c alone, then written into channel c's slots of the output. */
void dwconv2d_s8_inplace_channel(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  tf_conv_params p;
  dw_params(a, &p);
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  int8_t *s = (int8_t *)tf_ref(a->scratch);
  const int C = p.in_depth;
#if TF_DSP
  const int plane_size = p.out_h * p.out_w;
  /* Four channels at a time: their planes (packed words, in the call's planned workspace) are computed from
   * input channels c..c+3 alone before any of them is written, then stored four channels per word; the
   * channels left over as dw_tail_skip says. */
  const int32_t plane4 = plane_size * 4, pad4 = dw4_pad_bytes(&p);
  /* after the head: the padded window (dw4_padded), else the planes */
  int32_t *wt = pad4 ? dw4_taps(a, &p, pad4) : plane4 <= TF_DW_PLANE4_MAX ? dw4_taps(a, &p, plane4) : NULL;
  uint32_t *planes = wt ? (uint32_t *)(void *)(wt + 2 * p.filter_h * p.filter_w) : NULL;
  dw4 g;
  g.wt = wt;
#endif
  for (int n = 0; n < p.batches; n++) {
    int c = 0;
#if TF_DSP
    if (wt) {
      const int tskip = dw_tail_skip(C);
      for (int i = tskip ? -1 : 0; 4 * i + 4 <= C; i++) {
        const int c4 = i < 0 ? C - 4 : 4 * i, skip = i < 0 ? tskip : 0;
        dw4_setup(&g, &p, x, c4);
        if (pad4) {
          dw4_padded(&g, x + (size_t)n * p.in_h * p.in_w * C, y + (size_t)n * plane_size * C, skip, planes);
          continue;
        }
        for (int oy = 0; oy < p.out_h; oy++) dw4_row(&g, n, oy, (int8_t *)(planes + (size_t)oy * p.out_w), 4);
        int8_t *base = y + (size_t)n * plane_size * p.out_depth + c4;
        if (skip == 0) {
          /* two words a step (one LDRD, one pointer step): 3 instructions a pixel instead of 5 */
          const size_t D = (size_t)p.out_depth;
          int8_t *d = base;
          int j = 0;
          for (; j + 2 <= plane_size; j += 2, d += 2 * D) {
            memcpy(d, &planes[j], 4);
            memcpy(d + D, &planes[j + 1], 4);
          }
          if (j < plane_size) memcpy(d, &planes[j], 4);
        } else
          for (int j = 0; j < plane_size; j++)
            for (int b = skip; b < 4; b++) base[(size_t)j * p.out_depth + b] = (int8_t)(planes[j] >> (8 * b));
      }
      c = dw_tail_alone(C);
    }
#endif
    for (; c < C; c++) dw_channel_plane(&p, x, y, s, n, c, tf_ref(a->workspace), a->workspace_bytes);
  }
}

#if TF_DSP
/* The ring path over every batch and group (two or three channels left over first, as the four ending at the last
 * channel storing only their own bytes; one left over is the caller's), or 0 when the call does not take it. */
static __attribute__((noinline)) int dwr_run(const tf_dwconv2d_args *a) {
  tf_conv_params p;
  dw_params(a, &p);
  dwr g;
  if (!dwr_init(&g, a, &p)) return 0;
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output);
  const int C = p.in_depth, tskip = dw_tail_skip(C);
  const size_t plane = (size_t)p.in_h * p.in_w * C; /* the output's too */
  for (int n = 0; n < p.batches; n++)
    for (int i = tskip ? -1 : 0; 4 * i + 4 <= C; i++) {
      const int c = i < 0 ? C - 4 : 4 * i;
      g.skip = i < 0 ? tskip : 0;
      dwr_setup(&g, &p, c);
      g.x = x + n * plane + c;
      g.y = y + n * plane + c;
      dwr_plane(&g);
    }
  return 1;
}
#endif

/* Channels [c0, in_depth) of every batch by dw_channel_plane (a frame of its own, beside the ring and large-window paths'). */
static __attribute__((noinline)) void dw_channels_from(const tf_dwconv2d_args *a, int c0) {
  tf_conv_params p;
  dw_params(a, &p);
  for (int n = 0; n < p.batches; n++)
    for (int c = c0; c < p.in_depth; c++)
      dw_channel_plane(&p, (const int8_t *)tf_ref(a->input), (int8_t *)tf_ref(a->output), (int8_t *)tf_ref(a->scratch), n, c, tf_ref(a->workspace), a->workspace_bytes);
}

/* inplace-channel over the ring path (3x3 runs of 8 pixels or more: dwr_orientation), its own symbol so
 * a model whose layers never take it does not link it; any other call, as dwconv2d_s8_inplace_channel. */
void dwconv2d_s8_inplace_channel_ring(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  int c0 = 0; /* the channels left to dw_channel_plane: all on the portable path (the ring's workspace holds no dw4 planes) */
#if TF_DSP
  if (dwr_run(a)) c0 = dw_tail_alone(a->in_depth);
#endif
  if (c0 < a->in_depth) dw_channels_from(a, c0);
}

/* inplace-channel over the large-window path (5x5 and 7x7: dwk_geometry; the lowering picks it per layer: dwLargeWindow),
 * its own symbol so a model whose layers never take it does not link it; a channel left alone, or a call it does not
 * take, by dw_channel_plane (as dwconv2d_s8_inplace_channel without dw4 planes). */
void dwconv2d_s8_kxk_inplace_channel(const int32_t *args) {
  const tf_dwconv2d_args *a = (const tf_dwconv2d_args *)args;
  int c0 = 0;
#if TF_DSP
  if (dwk_run(a)) c0 = dw_tail_alone(a->in_depth);
#endif
  if (c0 < a->in_depth) dw_channels_from(a, c0);
}

#if TF_DSP
/* stream-row over the ring path (3x3, stride 1, the output the input's size, rows of 8 or more: dwr_orientation 1).
 * Every four-channel group keeps its own pair table and ring of kh input rows in the workspace (after one run), so
 * each input row is transposed once per call; output row oy is computed group by group into the run, stored clamped
 * into the row scratch (a tail group, the four channels ending at the last, writes its first channels again with the
 * same values) and then copied into the output, as dwconv2d_s8_stream_row: output row oy is written after the input
 * rows it reads are in the rings. 0 when the call does not take it. */
static __attribute__((noinline)) int dws_run(const tf_dwconv2d_args *a) {
  tf_conv_params p;
  dw_params(a, &p);
  if (dwr_orientation(&p) != 1 || !dw4_geometry_ok(&p)) return 0; /* a channel without dw_rqd_form: dwr_row_gen */
  const int C = p.in_depth, G = (C + 3) / 4, W = p.out_w, kh = p.filter_h;
  const int32_t run = 16 * ((W + 3) / 4), head = dwr_head_bytes(&p, 1), gb = head + dwr_ring_bytes(&p);
  if (run + G * gb > a->workspace_bytes) return 0;
  uint8_t *ws = (uint8_t *)tf_ref(a->workspace), *groups = ws + run;
  const int8_t *x = (const int8_t *)tf_ref(a->input);
  int8_t *y = (int8_t *)tf_ref(a->output), *s = (int8_t *)tf_ref(a->scratch);
  dwr g;
  g.p = &p;
  g.kh = kh, g.kw = p.filter_w, g.ww = dwr_ww(&p), g.skip = 0;
  g.rs = (size_t)p.in_w * C, g.cs = (size_t)C, g.ys = (size_t)W * C, g.ps = (size_t)C, g.fr = p.filter_w, g.fc = 1;
  g.zp4 = tf_bytes4(-p.q.input_offset);
  g.lo4 = tf_bytes4(p.q.act_min), g.hi4 = tf_bytes4(p.q.act_max);
  g.run = (uint32_t *)(void *)ws;
  /* the groups with a channel for dwr_row_gen: its bias, multiplier and shift live in g, not in the group's table, so
   * such a group is set up again before its rows (at most 32 such groups, else the call does not take this path) */
  uint32_t gen_groups = 0;
  for (int i = 0; i < G; i++) {
    g.tab = (int32_t *)(void *)(groups + (size_t)i * gb);
    dwr_setup(&g, &p, dw4_group(&p, 4 * i));
    if (g.anygen) {
      if (i >= 32) return 0;
      gen_groups |= 1u << i;
    }
  }
  const size_t plane = (size_t)p.in_h * p.in_w * C; /* the output's too */
  for (int n = 0; n < p.batches; n++) {
    int next = -p.pad_top; /* the first input row not in the rings */
    for (int oy = 0; oy < p.out_h; oy++) {
      const int iy0 = oy - p.pad_top, from = next > iy0 ? next : iy0;
      for (int i = 0; i < G; i++) {
        const int c = dw4_group(&p, 4 * i);
        g.tab = (int32_t *)(void *)(groups + (size_t)i * gb);
        if (gen_groups >> i & 1u) dwr_setup(&g, &p, c); /* g's gen, beff, m, shift: this group's (its table unchanged) */
        else g.anygen = 0;
        g.ring = (uint32_t *)(void *)(groups + (size_t)i * gb + head);
        g.x = x + n * plane + c;
        for (int iy = from; iy < iy0 + kh; iy++) dwr_load_row(&g, iy, (iy + p.pad_top) % kh);
        for (int ky = 0; ky < kh; ky++) g.rowp[ky] = g.ring + (size_t)((iy0 + ky + p.pad_top) % kh) * 4 * g.ww;
        for (int k = 0; k < 4; k++) {
          if (g.anygen && g.gen[k]) dwr_row_gen(&g, k, 3, (int8_t *)g.run + k, 4);
          else dwr_row_33(&g, k, (int8_t *)g.run + k, 4);
        }
        dwr_store_run(g.run, W, g.lo4, g.hi4, s + c, (size_t)C, 0);
      }
      next = iy0 + kh;
      memcpy(y + n * plane + (size_t)oy * g.ys, s, g.ys);
    }
  }
  return 1;
}
#endif

/* stream-row over the ring path (src/ir/workspace.ts cDepthwiseStreamRing), its own symbol so a model whose layers never
 * take it does not link it; any other call, as dwconv2d_s8_stream_row. */
void dwconv2d_s8_stream_row_ring(const int32_t *args) {
#if TF_DSP
  if (dws_run((const tf_dwconv2d_args *)args)) return;
#endif
  dwconv2d_s8_stream_row(args);
}
