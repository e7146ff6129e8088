// Finite differences against the gradients tfjs computes through the 'tinyforge' backend (our kernels
// and our gradient registrations) on a tiny net with every trained kernel kind: conv (stride 2, SAME),
// depthwise, max pool, matmul, bias adds, mean softmax cross-entropy. No ReLU: its kink would make the
// central difference wrong where an input sits within eps of 0.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Xorshift32 } from '../../src/builder/random.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { randomValues } from './compare.js';

beforeAll(async () => {
  await useTrainBackend();
});

it('every parameter gradient matches central finite differences', () => {
  const rng = new Xorshift32(21);
  const shapes: Record<string, number[]> = { w1: [3, 3, 2, 4], b1: [4], dw: [3, 3, 4, 1], w2: [16, 3], b2: [3] };
  const params = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, randomValues(rng, s.reduce((a, b) => a * b, 1))]));
  const x = tf.tensor4d(randomValues(rng, 2 * 6 * 6 * 2), [2, 6, 6, 2]);
  const labels = tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3);
  const loss = (p: Record<string, tf.Tensor>): tf.Scalar => {
    let y = tf.add(tf.conv2d(x, p.w1 as tf.Tensor4D, 2, 'same'), p.b1!) as tf.Tensor4D; // 3x3x4
    y = tf.depthwiseConv2d(y, p.dw as tf.Tensor4D, 1, 'same');
    y = tf.maxPool(y, 2, 1, 'valid'); // 2x2x4
    const logits = tf.add(tf.matMul(tf.reshape(y, [2, 16]), p.w2 as tf.Tensor2D), p.b2!);
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  };
  const tensors = (values: Record<string, Float32Array>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v, shapes[k])]));
  const names = Object.keys(shapes);
  const analytic = tf.grads((...ts: tf.Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, ts[i]!]))))(names.map((n) => tf.tensor(params[n]!, shapes[n])));
  const eps = 1e-2;
  let checked = 0;
  let worst = 0;
  for (const [i, name] of names.entries()) {
    const g = analytic[i]!.dataSync();
    for (let j = 0; j < params[name]!.length; j++) {
      const at = (delta: number) => {
        const p = { ...params, [name]: params[name]!.slice() };
        p[name]![j]! += delta;
        return tf.tidy(() => loss(tensors(p)).dataSync()[0]!);
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      // float32 loss: rounding ~1e-7/eps, truncation O(eps²); both well under this tolerance.
      const excess = Math.abs(g[j]! - fd) / (2e-3 + 2e-2 * Math.abs(fd));
      worst = Math.max(worst, excess);
      checked++;
    }
  }
  expect(checked).toBe(72 + 4 + 36 + 48 + 3);
  expect(worst).toBeLessThanOrEqual(1);
  expect(tf.getBackend()).toBe('tinyforge');
});
