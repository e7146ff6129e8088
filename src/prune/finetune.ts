// Fine-tuning a pruned float model: trained as `tinyforge train` trains a .tflite, with the pruning mask
// kept fixed (the zero weights are set back to zero after every optimizer step, so they stay pruned).
// Optionally the magnitude pruning itself happens during fine-tuning, gradually (schedule.ts), the mask
// only ever growing. With `batchNorm`, a batch norm goes back after each conv followed by its activation
// (where a trained net's batch norm was folded away), the identity at the model's statistics, trained
// with batch statistics and folded back at export: a pruned weight stays zero (it scales whole channels).
// With `distill`, the loss also pulls the student towards a float teacher's softened outputs (src/train/distill.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/index.js';
import { UsageError } from '../errors.js';
import { FLOAT32_MAX } from '../ir/float.js';
import type { Graph } from '../ir/graph.js';
import type { OpKind } from '../ir/ops.js';
import { exportGraph } from '../train/export.js';
import { calibrationInputs, fit, type EpochResult } from '../train/fit.js';
import type { Distillation } from '../train/distill.js';
import { checkDistillSettings } from '../train/distill-settings.js';
import type { LrDecay } from '../train/lr-schedule.js';
import { identityBatchNorms, trainableGraph, type TrainableGraph } from '../train/graph.js';
import { checkSparsity, prunedCount, smallestMagnitudes } from './magnitude.js';
import { agpBatch, agpSparsity, type GradualPruning } from './schedule.js';

export interface FinetuneOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: tf.Optimizer;
  /** The optimizer's rate decayed over the fine-tuning's steps (default 'none'). */
  lrDecay?: LrDecay;
  /** Keep every zero weight at zero (fine-grained pruning); a channel-pruned model has no mask. */
  keepZeros: boolean;
  /** A trainable batch norm after each conv followed by its activation (`activatedConvs`), folded back at export. */
  batchNorm?: boolean;
  /** Magnitude-prune these layers while fine-tuning (their mask then kept fixed whatever `keepZeros` says). */
  prune?: GradualPruning;
  /** Knowledge distillation from this float teacher (same input and classes): the loss (1 − alpha)·CE + alpha·T²·KL (src/train/distill.ts). */
  distill?: Omit<Distillation, 'teacher'> & { teacher: Graph };
  validation?: Dataset;
  onStep?: (epoch: number, done: number, total: number) => void;
  onEpoch?: (result: EpochResult) => void;
}

interface Masked {
  weight: tf.Variable;
  /** 1 where the weight may be non-zero. */
  mask: tf.Tensor;
}

/** The 0/1 mask of each weight variable: 1 where the weight is not zero. */
function zeroMask(weight: tf.Variable): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.notEqual(weight, 0), 'float32'));
}

/** Zeroes the round(s·n) smallest |weights| of `m` (the masked ones are zero, so the mask only grows) and keeps them in its mask. */
function pruneTo(m: Masked, s: number): void {
  const values = m.weight.dataSync();
  const keep = new Float32Array(values.length).fill(1);
  for (const i of smallestMagnitudes(values, prunedCount(values.length, s))) keep[i] = 0;
  const old = m.mask;
  m.mask = tf.tidy(() => tf.mul(old, tf.tensor(keep, old.shape)));
  old.dispose();
  tf.tidy(() => m.weight.assign(tf.mul(m.weight, m.mask)));
}

/** The masked weight variables: the scheduled layers, plus (keepZeros) every weight's existing zeros. */
function masksOf(t: TrainableGraph, keepZeros: boolean, prune: GradualPruning | undefined): Map<number, Masked> {
  const masks = new Map<number, Masked>();
  for (const [node, { weight }] of t.weights) {
    if (keepZeros || prune?.sparsities.has(node)) masks.set(node, { weight, mask: keepZeros ? zeroMask(weight) : tf.onesLike(weight) });
  }
  return masks;
}

function checkSchedule(t: TrainableGraph, prune: GradualPruning): void {
  if (!(Number.isSafeInteger(prune.steps) && prune.steps >= 1)) throw new UsageError(`pruning steps must be an integer >= 1, got ${prune.steps}`, { steps: prune.steps });
  for (const [node, s] of prune.sparsities) {
    if (!t.weights.has(node)) throw new UsageError(`node ${node} is not a layer with trained weights (those: ${[...t.weights.keys()].join(', ')})`, { node });
    checkSparsity(s, `node ${node}`);
  }
}

const ACTIVATIONS: ReadonlySet<OpKind> = new Set<OpKind>(['RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'LEAKY_RELU', 'HARD_SWISH']);

/**
 * The CONV_2D / DEPTHWISE_CONV_2D ops followed by their activation (fused, or the only reader of their output),
 * where a trained net's batch norm sits; those whose weights or bias another op shares are left out (a fold would
 * rewrite both).
 */
export function activatedConvs(graph: Graph): number[] {
  const readers = (id: number) => graph.ops.filter((op) => op.inputs.includes(id));
  return graph.ops.flatMap((op, i) => {
    if (op.kind !== 'CONV_2D' && op.kind !== 'DEPTHWISE_CONV_2D') return [];
    const [lo, hi] = op.attrs.clamp;
    const fused = lo > -FLOAT32_MAX || hi < FLOAT32_MAX;
    const next = readers(op.outputs[0]!);
    const activated = fused || (next.length === 1 && ACTIVATIONS.has(next[0]!.kind) && !graph.outputs.includes(op.outputs[0]!));
    const shared = op.inputs.slice(1, 3).some((id) => id >= 0 && readers(id).length > 1);
    return activated && !shared ? [i] : [];
  });
}

/** Trains the float graph on `train` (tfjs backend already chosen by the caller); returns the trained graph, the epochs and how many batch norms it trained. */
export function finetune(graph: Graph, train: Dataset, options: FinetuneOptions): { graph: Graph; epochs: EpochResult[]; batchNorms: number } {
  const { prune, distill } = options;
  if (distill) checkDistillSettings(distill.temperature, distill.alpha);
  const t = trainableGraph(graph, { batchNorm: options.batchNorm ? activatedConvs(graph) : [] });
  let teacher: TrainableGraph | null = null;
  let masks = new Map<number, Masked>();
  try {
    teacher = distill ? trainableGraph(distill.teacher) : null;
    if (prune) checkSchedule(t, prune);
    // before any pruning step: a layer pruned during fine-tuning is then normalised back to the given model's statistics
    identityBatchNorms(t, calibrationInputs(t, train, options.batchSize));
    masks = masksOf(t, options.keepZeros, prune);
    const totalBatches = options.epochs * Math.ceil(train.shape[0] / options.batchSize);
    let nextStep = 1;
    let batchesDone = 0;
    const pruneDue = () => {
      for (; prune && nextStep <= prune.steps && agpBatch(nextStep, prune.steps, totalBatches) <= batchesDone; nextStep++) {
        for (const [node, s] of prune.sparsities) pruneTo(masks.get(node)!, agpSparsity(s, nextStep, prune.steps));
      }
    };
    pruneDue();
    const epochs = fit(t, train, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      optimizer: options.optimizer,
      lrDecay: options.lrDecay,
      distill: teacher && distill ? { ...distill, teacher } : undefined,
      validation: options.validation,
      onEpoch: options.onEpoch,
      onStep: (epoch, done, total) => {
        for (const { weight, mask } of masks.values()) tf.tidy(() => weight.assign(tf.mul(weight, mask)));
        batchesDone++;
        pruneDue();
        options.onStep?.(epoch, done, total);
      },
    });
    return { graph: exportGraph(t), epochs, batchNorms: t.batchNorms.size };
  } finally {
    masks.forEach((m) => m.mask.dispose());
    teacher?.dispose();
    t.dispose();
  }
}
