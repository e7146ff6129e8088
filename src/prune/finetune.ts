// Fine-tuning a pruned float model: trained as `tinyforge train` trains a .tflite, with the pruning mask
// kept fixed (the zero weights are set back to zero after every optimizer step, so they stay pruned).
// Optionally the magnitude pruning itself happens during fine-tuning, gradually (schedule.ts), the mask
// only ever growing.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/index.js';
import { UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { exportGraph } from '../train/export.js';
import { fit, type EpochResult } from '../train/fit.js';
import { trainableGraph, type TrainableGraph } from '../train/graph.js';
import { checkSparsity, prunedCount, smallestMagnitudes } from './magnitude.js';
import { agpBatch, agpSparsity, type GradualPruning } from './schedule.js';

export interface FinetuneOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: tf.Optimizer;
  /** Keep every zero weight at zero (fine-grained pruning); a channel-pruned model has no mask. */
  keepZeros: boolean;
  /** Magnitude-prune these layers while fine-tuning (their mask then kept fixed whatever `keepZeros` says). */
  prune?: GradualPruning;
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

/** Trains the float graph on `train` (tfjs backend already chosen by the caller); returns the trained graph and the epochs. */
export function finetune(graph: Graph, train: Dataset, options: FinetuneOptions): { graph: Graph; epochs: EpochResult[] } {
  const t = trainableGraph(graph);
  const { prune } = options;
  let masks = new Map<number, Masked>();
  try {
    if (prune) checkSchedule(t, prune);
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
      validation: options.validation,
      onEpoch: options.onEpoch,
      onStep: (epoch, done, total) => {
        for (const { weight, mask } of masks.values()) tf.tidy(() => weight.assign(tf.mul(weight, mask)));
        batchesDone++;
        pruneDue();
        options.onStep?.(epoch, done, total);
      },
    });
    return { graph: exportGraph(t), epochs };
  } finally {
    masks.forEach((m) => m.mask.dispose());
    t.dispose();
  }
}
