/* BATCH_MATMUL int8 and int16 (reference: src/reference/ops/batch-matmul.ts, TFLM batch_matmul.cc over
 * reference_ops::BatchMatMul). out[b, m, n] = requant(sum_k (lhs[m, k] + lhs_offset) * (rhs[k, n] + rhs_offset))
 * over the broadcast batch dims. int8: an int32 accumulator that wraps as the reference's; when both operands
 * run along K contiguously (a constant RHS is stored [.., N, K] by the lowering) four RHS columns share each
 * LHS load through the FC dot product (tf_dot4), the RHS offset added as rhs_offset * sum_k (lhs + lhs_offset).
 * int16: zero offsets (the params check), an int64 accumulator, the 64-bit requantization. */
#include "tf_kernels.h"
#include "tf_dot.h"

/* Pointer offsets (elements) of batch (b0, b1, b2) in an operand with these batch steps. */
static inline size_t bmm_batch_at(const int32_t *steps, int32_t b0, int32_t b1, int32_t b2) {
  return (size_t)b0 * (size_t)steps[0] + (size_t)b1 * (size_t)steps[1] + (size_t)b2 * (size_t)steps[2];
}

static inline int8_t bmm_out_s8(const tf_batch_matmul_args *p, int32_t acc) {
  return (int8_t)tf_clamp(tf_wadd(tf_mbqm(acc, p->multiplier, p->shift), p->output_offset), -128, 127);
}

/* One LHS row against every RHS column of a batch, both contiguous along K (lhs_k_step = rhs_k_step = 1). */
static void bmm_row_s8_contiguous(const tf_batch_matmul_args *p, const int8_t *lrow, const int8_t *rb, int8_t *dst) {
  const int32_t K = p->k, N = p->n;
  const size_t ws = (size_t)p->rhs_n_step;
  int32_t lsum = 0;
  for (int32_t k = 0; k < K; k++) lsum = tf_wadd(lsum, (int32_t)lrow[k] + p->lhs_offset);
  const int32_t corr = tf_wmul(p->rhs_offset, lsum);
  int32_t n = 0;
  int32_t acc[4];
  for (; n + 4 <= N; n += 4) {
    acc[0] = acc[1] = acc[2] = acc[3] = 0;
    tf_dot4(lrow, rb + (size_t)n * ws, ws, K, p->lhs_offset, acc);
    for (int j = 0; j < 4; j++) dst[n + j] = bmm_out_s8(p, tf_wadd(acc[j], corr));
  }
  for (; n < N; n++) dst[n] = bmm_out_s8(p, tf_wadd(tf_dot1(lrow, rb + (size_t)n * ws, K, p->lhs_offset), corr));
}

/* Any steps: the dot product element by element. */
static void bmm_row_s8_strided(const tf_batch_matmul_args *p, const int8_t *lrow, const int8_t *rb, int8_t *dst) {
  for (int32_t n = 0; n < p->n; n++) {
    const int8_t *rcol = rb + (size_t)n * (size_t)p->rhs_n_step;
    int32_t acc = 0;
    for (int32_t k = 0; k < p->k; k++) {
      const int32_t l = (int32_t)lrow[(size_t)k * (size_t)p->lhs_k_step] + p->lhs_offset;
      const int32_t r = (int32_t)rcol[(size_t)k * (size_t)p->rhs_k_step] + p->rhs_offset;
      acc = tf_wadd(acc, l * r);
    }
    dst[n] = bmm_out_s8(p, acc);
  }
}

void batch_matmul_s8(const int32_t *args) {
  const tf_batch_matmul_args *p = (const tf_batch_matmul_args *)args;
  const int8_t *lhs = (const int8_t *)tf_ref(p->lhs), *rhs = (const int8_t *)tf_ref(p->rhs);
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int contiguous = p->lhs_k_step == 1 && p->rhs_k_step == 1;
  for (int32_t b0 = 0; b0 < p->batch[0]; b0++)
    for (int32_t b1 = 0; b1 < p->batch[1]; b1++)
      for (int32_t b2 = 0; b2 < p->batch[2]; b2++) {
        const int8_t *lb = lhs + bmm_batch_at(p->lhs_steps, b0, b1, b2), *rb = rhs + bmm_batch_at(p->rhs_steps, b0, b1, b2);
        for (int32_t m = 0; m < p->m; m++, y += p->n) {
          const int8_t *lrow = lb + (size_t)m * (size_t)p->lhs_m_step;
          if (contiguous) bmm_row_s8_contiguous(p, lrow, rb, y);
          else bmm_row_s8_strided(p, lrow, rb, y);
        }
      }
}

void batch_matmul_s16(const int32_t *args) {
  const tf_batch_matmul_args *p = (const tf_batch_matmul_args *)args;
  const int16_t *lhs = (const int16_t *)tf_ref(p->lhs), *rhs = (const int16_t *)tf_ref(p->rhs);
  int16_t *y = (int16_t *)tf_ref(p->output);
  for (int32_t b0 = 0; b0 < p->batch[0]; b0++)
    for (int32_t b1 = 0; b1 < p->batch[1]; b1++)
      for (int32_t b2 = 0; b2 < p->batch[2]; b2++) {
        const int16_t *lb = lhs + bmm_batch_at(p->lhs_steps, b0, b1, b2), *rb = rhs + bmm_batch_at(p->rhs_steps, b0, b1, b2);
        for (int32_t m = 0; m < p->m; m++) {
          const int16_t *lrow = lb + (size_t)m * (size_t)p->lhs_m_step;
          for (int32_t n = 0; n < p->n; n++) {
            const int16_t *rcol = rb + (size_t)n * (size_t)p->rhs_n_step;
            int64_t acc = 0;
            for (int32_t k = 0; k < p->k; k++) {
              acc += (int64_t)lrow[(size_t)k * (size_t)p->lhs_k_step] * (int64_t)rcol[(size_t)k * (size_t)p->rhs_k_step];
            }
            *y++ = (int16_t)tf_clamp(tf_mbqm64(acc, p->multiplier, p->shift) + p->output_offset, -32768, 32767);
          }
        }
      }
}
