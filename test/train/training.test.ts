// A short, seeded training run on 512 real Fashion-MNIST images through the 'tinyforge' backend: the
// LeNet-like net with Adam must clearly lower the loss, and the same seed must give the same losses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../../src/cli/data/named.js';
import { batches, take } from '../../src/data/index.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { lenet } from '../../src/train/arch/lenet.js';
import { trainStep } from '../../src/train/loop.js';

const present = existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
if (!present) console.warn(`test/train/training: ${FASHION_MNIST_DIR} is missing (Debian's dataset-fashion-mnist); skipped`);

/** Mean loss of each of `epochs` passes over 512 images in batches of 64, from seed 1. */
function losses(epochs: number): number[] {
  const data = take(loadFashionMnist('train'), 512);
  const net = lenet(1);
  const optimizer = tf.train.adam(1e-3);
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (const batch of batches(data, 64)) sum += trainStep(net, optimizer, batch);
    out.push(sum / 8);
  }
  net.variables.forEach((v) => v.dispose());
  optimizer.dispose();
  return out;
}

describe.skipIf(!present)('training on Fashion-MNIST', () => {
  beforeAll(async () => {
    await useTrainBackend();
  });

  it('two epochs over 512 images lower the mean loss by more than a third, deterministically', () => {
    const run = losses(2);
    console.log(`test/train/training: mean loss per epoch ${run.map((l) => l.toFixed(4)).join(', ')}`);
    // Ten classes: an untrained net starts near ln 10 = 2.30.
    expect(run[0]).toBeGreaterThan(1);
    expect(run[1]!).toBeLessThan(run[0]! * (2 / 3));
    expect(losses(1)[0]).toBe(run[0]);
  }, 300_000);
});
