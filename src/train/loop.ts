// One training step and batched evaluation for a TrainableNet: softmax cross-entropy, any tfjs optimizer.
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableNet } from './arch/net.js';

/** Images [n, H, W, C] in [0, 1] and integer labels. */
export interface Batch {
  images: Float32Array;
  labels: Int32Array | Uint8Array;
  shape: [number, number, number];
}

function tensors(b: Batch, classes: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const n = b.labels.length;
  const x = tf.tensor4d(b.images, [n, ...b.shape]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(b.labels), 'int32'), classes) as tf.Tensor2D;
  return { x, y };
}

/** One optimizer step on the batch; returns its mean loss. */
export function trainStep(net: TrainableNet, optimizer: tf.Optimizer, batch: Batch, classes = 10): number {
  return tf.tidy(() => {
    const { x, y } = tensors(batch, classes);
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x)) as tf.Scalar, true, net.variables);
    return loss!.dataSync()[0]!;
  });
}

/** Fraction of `data` the net classifies right, in batches of `batchSize`. */
export function accuracy(net: TrainableNet, data: Batch, batchSize = 256): number {
  const [h, w, c] = data.shape;
  const per = h * w * c;
  let right = 0;
  for (let i = 0; i < data.labels.length; i += batchSize) {
    const n = Math.min(batchSize, data.labels.length - i);
    const predicted = tf.tidy(() => tf.argMax(net.forward(tf.tensor4d(data.images.subarray(i * per, (i + n) * per), [n, h, w, c])), 1).dataSync());
    for (let j = 0; j < n; j++) if (predicted[j] === data.labels[i + j]) right++;
  }
  return right / data.labels.length;
}
