// The gradual pruning schedule (AGP: Zhu & Gupta 2017, "To prune, or not to prune"): each layer's sparsity
// rises along a cubic curve at k evenly spaced steps over the first half of the fine-tuning batches, then
// stays fixed while the rest recovers. Plain numbers: the CLI reads its default without loading tfjs.
/** Magnitude pruning during fine-tuning. */
export interface GradualPruning {
  /** Op index of each layer to prune -> its final sparsity in [0, 1) (reached exactly: round(s·n) zeros). */
  sparsities: ReadonlyMap<number, number>;
  /** Pruning steps: 1 prunes once before the first batch (one-shot, then fine-tune); k > 1 is AGP's schedule. */
  steps: number;
}

/** The default pruning steps of `prune --finetune` and bench:prune: one shot, which beat 4 AGP steps on LeNet 70% after one short fine-tuning epoch (BENCHMARKS.md, Pruning). */
export const DEFAULT_PRUNE_STEPS = 1;

/** Share of the fine-tuning batches over which the sparsity rises; the rest trains with the final mask. */
export const PRUNE_RAMP = 0.5;

/** AGP's sparsity after step j of k (1-based) toward final sparsity s: s·(1 − (1 − j/k)³), exactly s at j = k. */
export const agpSparsity = (s: number, j: number, k: number): number => (j === k ? s : s * (1 - (1 - j / k) ** 3));

/** The batches done before step j of k (1-based) prunes: step 1 before the first batch, the others spread over the ramp. */
export const agpBatch = (j: number, k: number, totalBatches: number): number => Math.floor(((j - 1) / k) * PRUNE_RAMP * totalBatches);
