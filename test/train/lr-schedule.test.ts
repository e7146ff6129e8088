// Learning-rate decay: cosine's closed form at the ends and the middle, and fit() giving each optimizer step
// the scheduled rate (read back from the optimizer before every step), then restoring the base rate.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useTrainBackend } from '../../src/train/backend.js';
import { fit } from '../../src/train/fit.js';
import { trainableGraph } from '../../src/train/graph.js';
import { learningRateAt } from '../../src/train/lr-schedule.js';
import { lenetLike, noise } from '../prune/models.js';


describe('learning-rate decay', () => {
  it('cosine: the base rate at step 0, half of it halfway, (1 + cos(π·99/100))/2 of it at the last of 100 steps; none: the base throughout', () => {
    expect(learningRateAt(1e-3, 'cosine', 0, 100)).toBe(1e-3);
    expect(learningRateAt(1e-3, 'cosine', 50, 100)).toBeCloseTo(5e-4, 15);
    expect(learningRateAt(1e-3, 'cosine', 99, 100)).toBeCloseTo(1e-3 * 0.000246719817, 12);
    expect(learningRateAt(1e-3, 'cosine', 25, 100)).toBeCloseTo(1e-3 * (0.5 + Math.SQRT1_2 / 2), 15);
    expect(learningRateAt(2e-4, 'none', 99, 100)).toBe(2e-4);
    expect(() => learningRateAt(1e-3, 'cosine', 100, 100)).toThrow(/step 100 is outside the run's 100 steps/);
  });

  for (const [name, make] of [['adam', (lr: number) => tf.train.adam(lr)], ['sgd', (lr: number) => tf.train.sgd(lr)]] as const) {
    it(`fit() gives each step of every epoch the cosine rate (${name}), then restores the base`, async () => {
      await useTrainBackend();
      const t = trainableGraph(lenetLike());
      const optimizer = make(0.01);
      const seen: number[] = [];
      // 2 epochs of 40 images in batches of 16: 3 steps each (16, 16, 8), 6 in all
      const results = fit(t, noise(40, 5), {
        epochs: 2, batchSize: 16, seed: 1, optimizer, lrDecay: 'cosine',
        onStep: () => seen.push((optimizer as unknown as { learningRate: number }).learningRate),
      });
      expect(results).toHaveLength(2);
      expect(seen).toHaveLength(6);
      seen.forEach((lr, k) => expect(lr).toBeCloseTo((0.01 * (1 + Math.cos((Math.PI * k) / 6))) / 2, 12));
      expect(optimizer.getConfig()['learningRate']).toBe(0.01);
      optimizer.dispose();
      t.dispose();
    }, 60_000);
  }

  it('without lrDecay the optimizer keeps its rate at every step', async () => {
    await useTrainBackend();
    const t = trainableGraph(lenetLike());
    const optimizer = tf.train.adam(0.01);
    const seen: number[] = [];
    fit(t, noise(40, 5), { epochs: 1, batchSize: 16, seed: 1, optimizer, onStep: () => seen.push((optimizer as unknown as { learningRate: number }).learningRate) });
    expect(seen).toEqual([0.01, 0.01, 0.01]);
    optimizer.dispose();
    t.dispose();
  }, 60_000);
});
