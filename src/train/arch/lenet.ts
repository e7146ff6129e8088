// LeNet-like CNN for 28x28x1: conv 3x3 32 SAME + ReLU -> max pool 2 -> conv 3x3 64 SAME + ReLU ->
// max pool 2 -> dense 3136->128 + ReLU -> dense 128->10. About 4.2 M MACs per image forward.
import * as tf from '@tensorflow/tfjs-core';
import { Init, type TrainableNet } from './net.js';

export function lenet(seed: number, inputShape: [number, number, number] = [28, 28, 1], classes = 10): TrainableNet {
  const [h, w, c] = inputShape;
  const flat = Math.floor(Math.floor(h / 2) / 2) * Math.floor(Math.floor(w / 2) / 2) * 64;
  const init = new Init(seed);
  const w1 = init.weight([3, 3, c, 32], 9 * c, 'conv1/w');
  const b1 = init.bias(32, 'conv1/b');
  const w2 = init.weight([3, 3, 32, 64], 9 * 32, 'conv2/w');
  const b2 = init.bias(64, 'conv2/b');
  const w3 = init.weight([flat, 128], flat, 'dense1/w');
  const b3 = init.bias(128, 'dense1/b');
  const w4 = init.weight([128, classes], 128, 'dense2/w');
  const b4 = init.bias(classes, 'dense2/b');
  return {
    name: 'lenet',
    variables: init.variables,
    forward(x) {
      const block = (y: tf.Tensor4D, wt: tf.Variable, b: tf.Variable): tf.Tensor4D =>
        tf.maxPool(tf.relu(tf.add(tf.conv2d(y, wt as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
      const y = block(block(x, w1, b1), w2, b2);
      const f = tf.reshape(y, [x.shape[0], flat]) as tf.Tensor2D;
      const d = tf.relu(tf.add(tf.matMul(f, w3 as tf.Tensor2D), b3)) as tf.Tensor2D;
      return tf.add(tf.matMul(d, w4 as tf.Tensor2D), b4) as tf.Tensor2D;
    },
  };
}
