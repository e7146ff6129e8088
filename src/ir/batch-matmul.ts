// BATCH_MATMUL's geometry (TFLM batch_matmul.cc Prepare / reference_ops::BatchMatMul), shared by the params
// check, the reference kernel, the lowering and the MAC count: both operands extended to 5-D, the three
// leading batch dims broadcast (a dim of 1 repeats), then [M, K] x [K, N] per batch.

/** TFLM takes operands of rank 2 to 5. */
export const BATCH_MATMUL_MAX_RANK = 5;

export interface BatchMatMulGeometry {
  /** The output's shape: the broadcast batch dims (rank max(lhs, rhs) - 2) then [M, N]. */
  outShape: number[];
  /** The three leading batch dims of the output, of the LHS and of the RHS once extended to 5-D. */
  batch: [number, number, number];
  lhsBatch: [number, number, number];
  rhsBatch: [number, number, number];
  /** Rows of the LHS (and the output), columns of the RHS (and the output), the accumulation depth. */
  m: number;
  n: number;
  k: number;
}

/** The geometry, or why the shapes do not multiply (TFLM's Prepare checks, as a message with the numbers). */
export function batchMatMulGeometry(lhs: readonly number[], rhs: readonly number[], adjX: boolean, adjY: boolean): BatchMatMulGeometry | string {
  for (const [name, s] of [['LHS', lhs], ['RHS', rhs]] as const) {
    if (s.length < 2 || s.length > BATCH_MATMUL_MAX_RANK) return `${name} rank ${s.length} is outside 2..${BATCH_MATMUL_MAX_RANK}`;
  }
  const ext = (s: readonly number[]) => [...new Array<number>(BATCH_MATMUL_MAX_RANK - s.length).fill(1), ...s];
  const l = ext(lhs), r = ext(rhs);
  const batch: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (l[i] !== r[i] && l[i] !== 1 && r[i] !== 1) return `batch dims ${l[i]} (LHS) and ${r[i]} (RHS) do not broadcast`;
    batch.push(l[i] === 1 ? r[i]! : l[i]!);
  }
  const m = adjX ? l[4]! : l[3]!, kl = adjX ? l[3]! : l[4]!;
  const kr = adjY ? r[4]! : r[3]!, n = adjY ? r[3]! : r[4]!;
  if (kl !== kr) return `accumulation depth ${kl} (LHS) differs from ${kr} (RHS)`;
  const rank = Math.max(lhs.length, rhs.length);
  return {
    outShape: [...batch.slice(3 - (rank - 2)), m, n],
    batch: batch as [number, number, number],
    lhsBatch: [l[0]!, l[1]!, l[2]!],
    rhsBatch: [r[0]!, r[1]!, r[2]!],
    m, n, k: kl,
  };
}

/** Element strides of an operand's three batch dims (0 where it broadcasts), for its matrices of `matrix` elements. */
export function batchStrides(dims: readonly [number, number, number], matrix: number): [number, number, number] {
  const s2 = matrix, s1 = dims[2] * s2, s0 = dims[1] * s1;
  return [dims[0] === 1 ? 0 : s0, dims[1] === 1 ? 0 : s1, dims[2] === 1 ? 0 : s2];
}
