// BATCH_MATMUL int8 and int16 (TFLM batch_matmul.cc); the spec is src/reference/ops/batch-matmul.ts.
// int8: an i32 accumulator (wrapping as the reference's); when both operands run along K contiguously (a
// constant RHS is stored [.., N, K] by the lowering) each output is the FC/conv SIMD dot product with the LHS
// offset, plus rhs_offset * sum_k (lhs + lhs_offset). int16: zero offsets (the params check), an i64 accumulator.
import {
  BATCH_MATMUL_LHS, BATCH_MATMUL_RHS, BATCH_MATMUL_OUTPUT, BATCH_MATMUL_BATCH, BATCH_MATMUL_LHS_STEPS, BATCH_MATMUL_RHS_STEPS,
  BATCH_MATMUL_M, BATCH_MATMUL_N, BATCH_MATMUL_K, BATCH_MATMUL_LHS_M_STEP, BATCH_MATMUL_LHS_K_STEP, BATCH_MATMUL_RHS_K_STEP,
  BATCH_MATMUL_RHS_N_STEP, BATCH_MATMUL_LHS_OFFSET, BATCH_MATMUL_RHS_OFFSET, BATCH_MATMUL_OUTPUT_OFFSET, BATCH_MATMUL_MULTIPLIER,
  BATCH_MATMUL_SHIFT,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { dot } from './conv';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from './quant';

// @ts-ignore: decorator
@inline
function batchMatMul<T>(args: usize): void {
  const lhs = ptr(args, BATCH_MATMUL_LHS), rhs = ptr(args, BATCH_MATMUL_RHS);
  let y = ptr(args, BATCH_MATMUL_OUTPUT);
  const M = arg(args, BATCH_MATMUL_M), N = arg(args, BATCH_MATMUL_N), K = arg(args, BATCH_MATMUL_K);
  const lm = arg(args, BATCH_MATMUL_LHS_M_STEP), lk = arg(args, BATCH_MATMUL_LHS_K_STEP);
  const rk = arg(args, BATCH_MATMUL_RHS_K_STEP), rn = arg(args, BATCH_MATMUL_RHS_N_STEP);
  const lo = arg(args, BATCH_MATMUL_LHS_OFFSET), ro = arg(args, BATCH_MATMUL_RHS_OFFSET), oo = arg(args, BATCH_MATMUL_OUTPUT_OFFSET);
  const mult = arg(args, BATCH_MATMUL_MULTIPLIER), shift = arg(args, BATCH_MATMUL_SHIFT);
  const wide = sizeof<T>() == 2;
  const qmin: i32 = wide ? -32768 : -128, qmax: i32 = wide ? 32767 : 127;
  const contiguous = !wide && lk == 1 && rk == 1;
  const e = <usize>alignof<T>();
  for (let b0 = 0; b0 < arg(args, BATCH_MATMUL_BATCH); b0++) {
    for (let b1 = 0; b1 < arg(args, BATCH_MATMUL_BATCH + 4); b1++) {
      for (let b2 = 0; b2 < arg(args, BATCH_MATMUL_BATCH + 8); b2++) {
        const lb = lhs + (<usize>(b0 * arg(args, BATCH_MATMUL_LHS_STEPS) + b1 * arg(args, BATCH_MATMUL_LHS_STEPS + 4) + b2 * arg(args, BATCH_MATMUL_LHS_STEPS + 8)) << e);
        const rb = rhs + (<usize>(b0 * arg(args, BATCH_MATMUL_RHS_STEPS) + b1 * arg(args, BATCH_MATMUL_RHS_STEPS + 4) + b2 * arg(args, BATCH_MATMUL_RHS_STEPS + 8)) << e);
        for (let m = 0; m < M; m++) {
          const lrow = lb + (<usize>(m * lm) << e);
          let corr: i32 = 0;
          if (contiguous) {
            let lsum: i32 = 0;
            for (let k = 0; k < K; k++) lsum += <i32>load<i8>(lrow + <usize>k) + lo;
            corr = ro * lsum;
          }
          for (let n = 0; n < N; n++) {
            const rcol = rb + (<usize>(n * rn) << e);
            let v: i32;
            if (wide) {
              let acc: i64 = 0;
              for (let k = 0; k < K; k++) {
                acc += <i64>load<i16>(lrow + (<usize>(k * lk) << 1)) * <i64>load<i16>(rcol + (<usize>(k * rk) << 1));
              }
              v = multiplyByQuantizedMultiplier64(acc, mult, shift);
            } else {
              let acc: i32 = 0;
              if (contiguous) acc = dot(lrow, rcol, K, lo) + corr;
              else for (let k = 0; k < K; k++) acc += (<i32>load<i8>(lrow + <usize>(k * lk)) + lo) * (<i32>load<i8>(rcol + <usize>(k * rk)) + ro);
              v = multiplyByQuantizedMultiplier(acc, mult, shift);
            }
            store<T>(y, <T>clampI32(v + oo, qmin, qmax));
            y += sizeof<T>();
          }
        }
      }
    }
  }
}

export function batch_matmul_s8(args: usize): void {
  batchMatMul<i8>(args);
}

export function batch_matmul_s16(args: usize): void {
  batchMatMul<i16>(args);
}
