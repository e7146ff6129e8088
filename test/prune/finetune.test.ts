import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import type { Dataset } from '../../src/data/index.js';
import { finetune, prunableLayers, pruneMagnitude, realWeights, uniformSparsity } from '../../src/prune/index.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { lenetLike } from './models.js';

function noise(n: number): Dataset {
  const rng = new Xorshift32(9);
  return {
    name: 'noise',
    images: Uint8Array.from({ length: n * 64 }, () => Math.floor(rng.uniform() * 256)),
    shape: [n, 8, 8, 1],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    classes: ['0', '1', '2'],
  };
}

describe('fine-tuning a pruned model', () => {
  for (const keepZeros of [true, false]) {
    it(`${keepZeros ? 'keeps every pruned weight at zero' : 'without the mask, the zeros move'} while the kept weights train`, async () => {
      await useTrainBackend();
      const g = lenetLike();
      const { graph } = pruneMagnitude(g, uniformSparsity(g, 0.6, 'm'), 'm');
      const optimizer = tf.train.adam(1e-2);
      const tuned = finetune(graph, noise(64), { epochs: 2, batchSize: 16, seed: 1, optimizer, keepZeros }).graph;
      optimizer.dispose();
      for (const l of prunableLayers(graph, 'm')) {
        const before = realWeights(graph.tensors[l.weight]!);
        const after = realWeights(tuned.tensors[l.weight]!);
        const zerosKept = before.every((v, i) => v !== 0 || after[i] === 0);
        expect(zerosKept).toBe(keepZeros);
        expect(after.some((v, i) => v !== before[i] && before[i] !== 0)).toBe(true);
      }
    }, 120_000);
  }
});
