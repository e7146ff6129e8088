/* bench/sparse-dot.c: does a block-sparse int8 kernel pay on Cortex-M4? (issue #13 part 2; BENCHMARKS.md "Pruning")
 * Dense: the kernel library's own inner loops (tf_dot.h: tf_dot4_col, FULLY_CONNECTED's DSP path; tf_dot_px4,
 * CONV_2D's 4-pixel path). Sparse: per row the uint16 indices of its non-zero blocks of 4 weights and those
 * blocks' words, the same SXTB16/SMLAD arithmetic (results compared: "equal"). Zeros i.i.d. as magnitude
 * pruning leaves them. Counted on qemu mps2-an386 (FPGAIO: 1 tick = 40 instructions under -icount shift=0):
 *
 *   T=firmware-templates; arm-none-eabi-gcc -std=c99 -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
 *     -I$T/kernels -I$T/startup -I$T/harness bench/sparse-dot.c $T/startup/startup.c $T/startup/semihost.c \
 *     -nostartfiles --specs=nano.specs -L $T/linker -T $T/linker/cortex-m.ld -Wl,--gc-sections \
 *     -Wl,--defsym=__ram_size__=262144 -Wl,--defsym=__stack_size__=16384 -o /tmp/sparse-dot.elf
 *   qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial none \
 *     -semihosting-config enable=on,target=native -icount shift=0,align=off,sleep=off -kernel /tmp/sparse-dot.elf
 */
#include <stdint.h>
#include <string.h>
#include "tf_dot.h"
#include "tf_counter.h"
#include "semihost.h"

#define ROWS 64
#define KF 1024
#define KC 288
static int8_t W[ROWS * KF];
static int16_t col[KF];
static int16_t colp[4 * KC];
static uint16_t idx[ROWS * KF / 4];
static uint32_t words[ROWS * KF / 4];
static uint16_t count[ROWS];
static uint32_t rng = 1;
static uint32_t xs(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

static void put(const char *s) { tf_sh_puts(s); }
static void putn(uint32_t v) { char b[12]; int i = 11; b[i] = 0; do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v); put(b + i); }

static uint32_t build(int K, uint32_t zero_permille) {
  uint32_t nz = 0;
  for (int i = 0; i < ROWS * K; i++) { int8_t v = (int8_t)((int)(xs() % 255) - 127); if (v == 0) v = 1; W[i] = (xs() % 1000) < zero_permille ? 0 : v; }
  for (int r = 0; r < ROWS; r++) {
    count[r] = 0;
    for (int b = 0; b < K / 4; b++) {
      uint32_t w; memcpy(&w, W + r * K + 4 * b, 4);
      if (w) { idx[nz] = (uint16_t)b; words[nz] = w; nz++; count[r]++; }
    }
  }
  return nz;
}

/* FC: one row against the column, its non-zero blocks only. */
static int32_t __attribute__((noinline)) sparse_row(const uint16_t *ix, const uint32_t *wd, int n, const int16_t *c) {
  int32_t a = 0;
  for (int j = 0; j < n; j++) {
    const uint32_t wv = wd[j];
    const int16_t *p = c + 4 * ix[j];
    int32_t xe, xo; memcpy(&xe, p, 4); memcpy(&xo, p + 2, 4);
    a = __smlad(__sxtb16(wv), xe, a);
    a = __smlad(tf_sxtb16_ror8(wv), xo, a);
  }
  return a;
}

/* conv: one filter against 4 pixels' columns (tf_colp_pos layout, P = 4), its non-zero blocks only. */
static void __attribute__((noinline)) sparse_px4(const uint16_t *ix, const uint32_t *wd, int n, const int16_t *c, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int j = 0; j < n; j++) {
    const uint32_t wv = wd[j];
    const int32_t we = __sxtb16(wv), wo = tf_sxtb16_ror8(wv);
    const int16_t *p = c + 16 * ix[j];
    int32_t x[8]; memcpy(x, p, 32);
    a0 = __smlad(wo, x[1], __smlad(we, x[0], a0));
    a1 = __smlad(wo, x[3], __smlad(we, x[2], a1));
    a2 = __smlad(wo, x[5], __smlad(we, x[4], a2));
    a3 = __smlad(wo, x[7], __smlad(we, x[6], a3));
  }
  acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

static int32_t out_d[ROWS * 4], out_s[ROWS * 4];

int main(void) {
  tf_counter_start();
  for (int i = 0; i < KF; i++) col[i] = (int16_t)((int)(xs() % 255) - 100);
  for (int i = 0; i < 4 * KC; i++) colp[i] = (int16_t)((int)(xs() % 255) - 100);
  static const uint32_t sp[] = {0, 500, 700, 900};
  for (int si = 0; si < 4; si++) {
    /* FC */
    uint32_t nz = build(KF, sp[si]);
    uint32_t t0 = TF_COUNTER;
    for (int u = 0; u < ROWS; u += 4) { int32_t acc[4] = {0, 0, 0, 0}; tf_dot4_col(col, W + (size_t)u * KF, KF, KF, acc); memcpy(out_d + u, acc, 16); }
    uint32_t t1 = TF_COUNTER;
    const uint16_t *ix = idx; const uint32_t *wd = words;
    for (int r = 0; r < ROWS; r++) { out_s[r] = sparse_row(ix, wd, count[r], col); ix += count[r]; wd += count[r]; }
    uint32_t t2 = TF_COUNTER;
    put("fc sparsity_permille="); putn(sp[si]); put(" nonzero_blocks="); putn(nz); put(" of "); putn(ROWS * KF / 4);
    put(" dense="); putn(t1 - t0); put(" sparse="); putn(t2 - t1); put(memcmp(out_d, out_s, ROWS * 4) ? " MISMATCH\n" : " equal\n");
    /* conv (4-pixel blocks) */
    nz = build(KC, sp[si]);
    t0 = TF_COUNTER;
    for (int r = 0; r < ROWS; r++) { int32_t a[4] = {0, 0, 0, 0}; tf_dot_px4(colp, W + (size_t)r * KC, KC / 4, a); memcpy(out_d + 4 * r, a, 16); }
    t1 = TF_COUNTER;
    ix = idx; wd = words;
    for (int r = 0; r < ROWS; r++) { int32_t a[4] = {0, 0, 0, 0}; sparse_px4(ix, wd, count[r], colp, a); memcpy(out_s + 4 * r, a, 16); ix += count[r]; wd += count[r]; }
    t2 = TF_COUNTER;
    put("conv-px4 sparsity_permille="); putn(sp[si]); put(" nonzero_blocks="); putn(nz); put(" of "); putn(ROWS * KC / 4);
    put(" dense="); putn(t1 - t0); put(" sparse="); putn(t2 - t1); put(memcmp(out_d, out_s, ROWS * 16) ? " MISMATCH\n" : " equal\n");
  }
  return 0;
}
