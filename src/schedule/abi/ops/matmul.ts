// Lowering of BATCH_MATMUL: one record with the broadcast batch walk and each operand's element steps. A
// constant RHS not already [.., N, K] (adj_y) is stored transposed, as TFLM's Prepare transposes it once,
// so the kernels' inner loop runs over contiguous K on both operands.
import { batchMatMulGeometry, batchStrides } from '../../../ir/batch-matmul.js';
import { code, elemBytes, operand, type LowerContext, type OpLowering } from '../context.js';
import { constRef, WEIGHTS_ALIGN } from '../records.js';

/** The RHS's matrices [.., K, N] stored as [.., N, K] (each batch matrix transposed), as constant data. */
function transposedRhsRef(ctx: LowerContext, data: Uint8Array, batches: number, k: number, n: number, elem: number): number {
  const out = new Uint8Array(data.length);
  for (let b = 0; b < batches; b++) {
    const base = b * k * n * elem;
    for (let kk = 0; kk < k; kk++)
      for (let nn = 0; nn < n; nn++) out.set(data.subarray(base + (kk * n + nn) * elem, base + (kk * n + nn + 1) * elem), base + (nn * k + kk) * elem);
  }
  return constRef(ctx.consts.add(out, WEIGHTS_ALIGN));
}

export const BATCH_MATMUL: OpLowering<'BATCH_MATMUL'> = {
  symbol: ({ call, where }) => `batch_matmul_${code(call.outputs[0]!.dtype, where)}`,
  record(ctx, { call, op, where }) {
    const lhs = operand(ctx, call.inputs[0], `${where} LHS`);
    const rhs = operand(ctx, call.inputs[1], `${where} RHS`);
    const { adjX } = op.attrs;
    let { adjY } = op.attrs;
    const g = batchMatMulGeometry(lhs.shape, rhs.shape, adjX, adjY);
    if (typeof g === 'string') throw new Error(`${where}: ${g} (the params check lets no such op through)`);
    const { m, n, k } = g;
    let rhsRef = rhs.ref;
    if (!adjY && rhs.tensor?.data) {
      rhsRef = transposedRhsRef(ctx, rhs.tensor.data, g.rhsBatch[0] * g.rhsBatch[1] * g.rhsBatch[2], k, n, elemBytes(rhs.dtype, where));
      adjY = true;
    }
    const p = op.params;
    return {
      record: 'batch_matmul',
      fields: {
        lhs: lhs.ref, rhs: rhsRef, output: call.outputs[0]!.offset,
        batch: g.batch, lhs_steps: batchStrides(g.lhsBatch, m * k), rhs_steps: batchStrides(g.rhsBatch, k * n),
        m, n, k,
        lhs_m_step: adjX ? 1 : k, lhs_k_step: adjX ? m : 1, rhs_k_step: adjY ? 1 : n, rhs_n_step: adjY ? k : 1,
        lhs_offset: p.lhsOffset, rhs_offset: p.rhsOffset, output_offset: p.outputOffset, multiplier: p.multiplier, shift: p.shift,
      },
    };
  },
};
