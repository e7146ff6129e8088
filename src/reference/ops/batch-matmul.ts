// BATCH_MATMUL (TFLM batch_matmul.cc over reference_ops::BatchMatMul): out[b, m, n] = requant(sum over k of
// (lhs[b, m, k] + lhs offset) * (rhs[b, k, n] + rhs offset)); int8 in an int32 accumulator (wrapping as the
// C++), int16 in an int64 one with the 64-bit MultiplyByQuantizedMultiplier; float32 in float32 steps.
import { batchMatMulGeometry, batchStrides, type BatchMatMulGeometry } from '../../ir/batch-matmul.js';
import type { Op } from '../../ir/graph.js';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../../ir/quant.js';
import type { FloatKernel, RefKernel, TensorView } from '../types.js';
import { floatData, intData, rangeOf } from './nonlinear-common.js';

/** Products summed in a double before the int64 sum takes them: 2^22 int16 products (< 2^30 each) stay exact. */
const EXACT_CHUNK = 1 << 22;

/** Where element (m, k) of the LHS and (k, n) of the RHS sit in their batch's matrix, per the adj flags. */
interface Walk {
  g: BatchMatMulGeometry;
  lhsAt: (m: number, k: number) => number;
  rhsAt: (k: number, n: number) => number;
  lhsStrides: [number, number, number];
  rhsStrides: [number, number, number];
}

function walkOf(op: Op<'BATCH_MATMUL'>, lhs: TensorView, rhs: TensorView): Walk {
  const { adjX, adjY } = op.attrs;
  const g = batchMatMulGeometry(lhs.shape, rhs.shape, adjX, adjY);
  if (typeof g === 'string') throw new Error(`BATCH_MATMUL: ${g} (the params check lets no such op through)`);
  const { m: M, n: N, k: K } = g;
  return {
    g,
    lhsAt: adjX ? (m, k) => k * M + m : (m, k) => m * K + k,
    rhsAt: adjY ? (k, n) => n * K + k : (k, n) => k * N + n,
    lhsStrides: batchStrides(g.lhsBatch, M * K),
    rhsStrides: batchStrides(g.rhsBatch, K * N),
  };
}

/** Calls `cell(outIndex, lhsBase, rhsBase, m, n)` for every output element in row-major order. */
function forEachCell(w: Walk, cell: (out: number, lhsBase: number, rhsBase: number, m: number, n: number) => void): void {
  const { batch, m: M, n: N } = w.g;
  let out = 0;
  for (let b0 = 0; b0 < batch[0]; b0++)
    for (let b1 = 0; b1 < batch[1]; b1++)
      for (let b2 = 0; b2 < batch[2]; b2++) {
        const lb = b0 * w.lhsStrides[0] + b1 * w.lhsStrides[1] + b2 * w.lhsStrides[2];
        const rb = b0 * w.rhsStrides[0] + b1 * w.rhsStrides[1] + b2 * w.rhsStrides[2];
        for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) cell(out++, lb, rb, m, n);
      }
}

export const batchMatMul: RefKernel<'BATCH_MATMUL'> = (op, inputs, outputs) => {
  const lhs = inputs[0]!, rhs = inputs[1]!;
  const x = intData(op.kind, lhs, 'LHS'), z = intData(op.kind, rhs, 'RHS'), y = intData(op.kind, outputs[0], 'output');
  const w = walkOf(op, lhs, rhs);
  const { lhsOffset, rhsOffset, outputOffset, multiplier, shift } = op.params;
  const [qmin, qmax] = rangeOf(y);
  const wide = y instanceof Int16Array;
  const K = w.g.k;
  forEachCell(w, (out, lb, rb, m, n) => {
    let v: number;
    if (wide) {
      let total = 0n;
      for (let k0 = 0; k0 < K; k0 += EXACT_CHUNK) {
        let part = 0;
        for (let k = k0; k < Math.min(K, k0 + EXACT_CHUNK); k++) part += (x[lb + w.lhsAt(m, k)]! + lhsOffset) * (z[rb + w.rhsAt(k, n)]! + rhsOffset);
        total += BigInt(part);
      }
      v = multiplyByQuantizedMultiplier64(total, multiplier, shift);
    } else {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = (acc + Math.imul(x[lb + w.lhsAt(m, k)]! + lhsOffset, z[rb + w.rhsAt(k, n)]! + rhsOffset)) | 0;
      v = multiplyByQuantizedMultiplier(acc, multiplier, shift);
    }
    v += outputOffset;
    y[out] = v < qmin ? qmin : v > qmax ? qmax : v;
  });
};

/** TFLite's float reference: each product and sum rounded to float32, k in order. */
export const floatBatchMatMul: FloatKernel<'BATCH_MATMUL'> = (op, inputs, outputs) => {
  const lhs = inputs[0]!, rhs = inputs[1]!;
  const x = floatData(op.kind, lhs, 'LHS'), z = floatData(op.kind, rhs, 'RHS'), y = floatData(op.kind, outputs[0], 'output');
  const w = walkOf(op, lhs, rhs);
  forEachCell(w, (out, lb, rb, m, n) => {
    let total = 0;
    for (let k = 0; k < w.g.k; k++) total = Math.fround(total + Math.fround(x[lb + w.lhsAt(m, k)]! * z[rb + w.rhsAt(k, n)]!));
    y[out] = total;
  });
};
