// DS-CNN-style net (MLPerf Tiny KWS's shape, sized for 28x28x1): conv 3x3 stride 2 64 + ReLU, then four
// depthwise-separable blocks (depthwise 3x3 + ReLU, pointwise 1x1 64 + ReLU) at 14x14, global average
// pool, dense 64->10. No batch norm (folded at export in the real trainer). About 3.8 M MACs per image.
import * as tf from '@tensorflow/tfjs-core';
import { Init, type TrainableNet } from './net.js';

export function dsCnn(seed: number, inputShape: [number, number, number] = [28, 28, 1], classes = 10, width = 64, blocks = 4): TrainableNet {
  const c = inputShape[2];
  const init = new Init(seed);
  const w0 = init.weight([3, 3, c, width], 9 * c, 'conv0/w');
  const b0 = init.bias(width, 'conv0/b');
  const layers = Array.from({ length: blocks }, (_, i) => ({
    dw: init.weight([3, 3, width, 1], 9, `block${i}/dw/w`),
    dwb: init.bias(width, `block${i}/dw/b`),
    pw: init.weight([1, 1, width, width], width, `block${i}/pw/w`),
    pwb: init.bias(width, `block${i}/pw/b`),
  }));
  const wf = init.weight([width, classes], width, 'dense/w');
  const bf = init.bias(classes, 'dense/b');
  return {
    name: 'ds-cnn',
    variables: init.variables,
    forward(x) {
      let y = tf.relu(tf.add(tf.conv2d(x, w0 as tf.Tensor4D, 2, 'same'), b0)) as tf.Tensor4D;
      for (const l of layers) {
        y = tf.relu(tf.add(tf.depthwiseConv2d(y, l.dw as tf.Tensor4D, 1, 'same'), l.dwb)) as tf.Tensor4D;
        y = tf.relu(tf.add(tf.conv2d(y, l.pw as tf.Tensor4D, 1, 'valid'), l.pwb)) as tf.Tensor4D;
      }
      const pooled = tf.mean(y, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, wf as tf.Tensor2D), bf) as tf.Tensor2D;
    },
  };
}
