import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { agpBatch, agpSparsity, finetune, prunableLayers, pruneMagnitude, realWeights, uniformSparsity } from '../../src/prune/index.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { lenetLike, noise } from './models.js';

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

/** Indices of the zero weights of each prunable layer. */
function zerosOf(g: ReturnType<typeof lenetLike>): Map<number, Set<number>> {
  return new Map(prunableLayers(g, 'm').map((l) => [l.node, new Set([...realWeights(g.tensors[l.weight]!)].flatMap((v, i) => (v === 0 ? [i] : [])))]));
}

describe('gradual (AGP) pruning while fine-tuning', () => {
  it('the cubic schedule: rising, exactly the final sparsity at the last step, every step inside the first half of the batches', () => {
    const s = [1, 2, 3, 4].map((j) => agpSparsity(0.7, j, 4));
    expect(s[0]).toBeCloseTo(0.7 * (1 - 0.75 ** 3), 12);
    expect(s[3]).toBe(0.7);
    for (let j = 1; j < 4; j++) expect(s[j]!).toBeGreaterThan(s[j - 1]!);
    expect([1, 2, 3, 4].map((j) => agpBatch(j, 4, 100))).toEqual([0, 12, 25, 37]);
    expect(agpSparsity(0.5, 1, 1)).toBe(0.5);
  });

  it('reaches round(s·n) zeros in every layer, keeps every weight an earlier step zeroed at zero, and differs from one-shot', async () => {
    await useTrainBackend();
    const g = lenetLike();
    const s = 0.7;
    const sparsities = uniformSparsity(g, s, 'm');
    const run = (steps: number) => {
      const optimizer = tf.train.adam(1e-2);
      const tuned = finetune(g, noise(64), { epochs: 2, batchSize: 16, seed: 1, optimizer, keepZeros: false, prune: { sparsities, steps } }).graph;
      optimizer.dispose();
      return zerosOf(tuned);
    };
    const gradual = run(4);
    const oneShot = run(1);
    const firstStep = zerosOf(pruneMagnitude(g, uniformSparsity(g, agpSparsity(s, 1, 4), 'm'), 'm').graph);
    const final = zerosOf(pruneMagnitude(g, sparsities, 'm').graph);
    let moved = 0;
    for (const l of prunableLayers(g, 'm')) {
      const n = realWeights(g.tensors[l.weight]!).length;
      expect(gradual.get(l.node)!.size).toBe(Math.round(s * n));
      expect(oneShot.get(l.node)!).toEqual(final.get(l.node)!); // one step: the dense model's smallest weights, as prune then fine-tune
      for (const i of firstStep.get(l.node)!) expect(gradual.get(l.node)!.has(i)).toBe(true);
      moved += [...gradual.get(l.node)!].filter((i) => !final.get(l.node)!.has(i)).length;
    }
    expect(moved).toBeGreaterThan(0); // later steps ranked the trained weights, not the dense ones
  }, 120_000);

  it('refuses a bad schedule with E_USAGE', async () => {
    await useTrainBackend();
    const g = lenetLike();
    const optimizer = tf.train.adam(1e-2);
    const tune = (prune: { sparsities: Map<number, number>; steps: number }) => () => finetune(g, noise(16), { epochs: 1, batchSize: 16, seed: 1, optimizer, keepZeros: false, prune });
    const node = prunableLayers(g, 'm')[0]!.node;
    expect(tune({ sparsities: new Map([[node, 0.5]]), steps: 0 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('got 0') }));
    expect(tune({ sparsities: new Map([[node, 1]]), steps: 2 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('[0, 1)') }));
    expect(tune({ sparsities: new Map([[1, 0.5]]), steps: 2 })).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('node 1') }));
    optimizer.dispose();
  }, 60_000);
});
