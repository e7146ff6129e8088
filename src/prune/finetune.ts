// Fine-tuning a pruned float model: trained as `tinyforge train` trains a .tflite, with the pruning mask
// kept fixed (the zero weights are set back to zero after every optimizer step, so they stay pruned).
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/index.js';
import type { Graph } from '../ir/graph.js';
import { exportGraph } from '../train/export.js';
import { fit, type EpochResult } from '../train/fit.js';
import { trainableGraph, type TrainableGraph } from '../train/graph.js';

export interface FinetuneOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: tf.Optimizer;
  /** Keep every zero weight at zero (fine-grained pruning); a channel-pruned model has no mask. */
  keepZeros: boolean;
  validation?: Dataset;
  onStep?: (epoch: number, done: number, total: number) => void;
  onEpoch?: (result: EpochResult) => void;
}

/** The 0/1 mask of each weight variable: 1 where the weight is not zero. */
function zeroMasks(t: TrainableGraph): Array<{ weight: tf.Variable; mask: tf.Tensor }> {
  return [...t.weights.values()].map(({ weight }) => ({ weight, mask: tf.tidy(() => tf.cast(tf.notEqual(weight, 0), 'float32')) }));
}

/** Trains the float graph on `train` (tfjs backend already chosen by the caller); returns the trained graph and the epochs. */
export function finetune(graph: Graph, train: Dataset, options: FinetuneOptions): { graph: Graph; epochs: EpochResult[] } {
  const t = trainableGraph(graph);
  const masks = options.keepZeros ? zeroMasks(t) : [];
  try {
    const epochs = fit(t, train, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      optimizer: options.optimizer,
      validation: options.validation,
      onEpoch: options.onEpoch,
      onStep: (epoch, done, total) => {
        for (const { weight, mask } of masks) tf.tidy(() => weight.assign(tf.mul(weight, mask)));
        options.onStep?.(epoch, done, total);
      },
    });
    return { graph: exportGraph(t), epochs };
  } finally {
    masks.forEach((m) => m.mask.dispose());
    t.dispose();
  }
}
