// One training step and batched evaluation for a TrainableNet on a Dataset (src/data): softmax
// cross-entropy, any tfjs optimizer; uint8 pixels are scaled to [0, 1].
import * as tf from '@tensorflow/tfjs-core';
import { batches, toUnitRange, type Dataset } from '../data/index.js';
import type { TrainableNet } from './arch/net.js';

function tensors(d: Dataset, classes: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = tf.tensor4d(toUnitRange(d.images), d.shape);
  const y = tf.oneHot(tf.tensor1d(d.labels, 'int32'), classes) as tf.Tensor2D;
  return { x, y };
}

/** One optimizer step on the batch; returns its mean loss. */
export function trainStep(net: TrainableNet, optimizer: tf.Optimizer, batch: Dataset): number {
  return tf.tidy(() => {
    const { x, y } = tensors(batch, batch.classes.length);
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as tf.Scalar, true, net.variables);
    return loss!.dataSync()[0]!;
  });
}

/** Fraction of `data` the net classifies right, in batches of `batchSize`. */
export function accuracy(net: TrainableNet, data: Dataset, batchSize = 256): number {
  const n = data.shape[0];
  let right = 0;
  for (const b of batches(data, batchSize)) {
    const predicted = tf.tidy(() => tf.argMax(net.forward(tf.tensor4d(toUnitRange(b.images), b.shape)), 1).dataSync());
    for (let j = 0; j < b.shape[0]; j++) if (predicted[j] === b.labels[j]) right++;
  }
  return n === 0 ? 0 : right / n;
}
