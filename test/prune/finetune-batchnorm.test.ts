import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import type { Dataset } from '../../src/data/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { activatedConvs, finetune, preActivationStats, prunableLayers, pruneMagnitude, realWeights, uniformSparsity } from '../../src/prune/index.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { exportGraph } from '../../src/train/export.js';
import { calibrationInputs, inputValues } from '../../src/train/fit.js';
import { identityBatchNorms, trainableGraph } from '../../src/train/graph.js';
import { floatsOf, lenetLike, residual, withValues } from './models.js';

function noise(n: number, [h, w, c]: readonly number[] = [8, 8, 1]): Dataset {
  const rng = new Xorshift32(11);
  return {
    name: 'noise',
    images: Uint8Array.from({ length: n * h! * w! * c! }, () => Math.floor(rng.uniform() * 256)),
    shape: [n, h!, w!, c!],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    classes: ['0', '1', '2'],
  };
}

/** The model with every bias drawn at random (the builder's are zeros, which any fold keeps). */
function withBiases(g: Graph): Graph {
  const rng = new Xorshift32(4);
  let out = g;
  for (const l of prunableLayers(g, 'm')) {
    const id = g.ops[l.node]!.inputs[2]!;
    out = withValues(out, id, Float32Array.from(floatsOf(g.tensors[id]!), () => rng.uniform() - 0.5));
  }
  return out;
}

/** The dataset's images as model-input bytes, one sample per image. */
function samplesOf(g: Graph, d: Dataset): Uint8Array[][] {
  const input = g.tensors[g.inputs[0]!]!;
  const values = inputValues(d, { name: input.name, shape: input.shape, dtype: 'float32', quant: null });
  const size = values.length / d.shape[0];
  return Array.from({ length: d.shape[0] }, (_, k) => [new Uint8Array(values.slice(k * size, (k + 1) * size).buffer)]);
}

describe('fine-tuning with batch norm back in the graph', () => {
  it('batch norm goes after the convs followed by an activation (fused or the next op), not after a linear conv or a dense layer', () => {
    const g = residual();
    expect(activatedConvs(g)).toEqual(g.ops.flatMap((op, i) => (op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' ? [i] : [])));
    const b = new FloatGraphBuilder(2);
    const linear = b.conv('linear', b.image(6, 6, 1), 4, 3, 1, 'NONE');
    const relu = b.conv('relu', linear, 4, 3, 1, 'RELU');
    const g2 = b.finish('two', b.dense('logits', b.flatten('flatten', relu), 3, 'NONE')).graph;
    expect(activatedConvs(g2)).toEqual([g2.ops.findIndex((op) => op.outputs[0] === relu)]);
  });

  it('initialised as the identity at the model\'s statistics, the folded model equals the input model bit for bit (a zero-step fine-tune)', async () => {
    await useTrainBackend();
    const g = withBiases(residual());
    const { graph } = pruneMagnitude(g, uniformSparsity(g, 0.5, 'm'), 'm');
    const t = trainableGraph(graph, { batchNorm: activatedConvs(graph) });
    try {
      expect(t.batchNorms.size).toBe(4);
      identityBatchNorms(t, calibrationInputs(t, noise(40, [6, 6, 3]), 16));
      const folded = exportGraph(t);
      expect(folded.tensors.length).toBe(graph.tensors.length);
      graph.tensors.forEach((x, id) => expect(folded.tensors[id]!.data, x.name).toEqual(x.data));
      // and the batch norm did not sit there at its (0, 1) start: its statistics are the conv's
      const bn = [...t.batchNorms.values()][0]!;
      expect(Math.max(...(bn.movingVariance.dataSync() as Float32Array))).not.toBe(1);
    } finally {
      t.dispose();
    }
  }, 60_000);

  it('a layer pruned while fine-tuning is normalised back to the unpruned statistics (learning rate 0), and its pruned weights stay zero through the fold', async () => {
    await useTrainBackend();
    const dense = withBiases(lenetLike());
    const train = noise(64);
    const sparsities = uniformSparsity(dense, 0.5, 'm');
    const conv = prunableLayers(dense, 'm')[0]!;
    const tune = (batchNorm: boolean) => {
      const optimizer = tf.train.adam(0); // nothing trains: what changes is the batch norm's statistics, folded
      const out = finetune(dense, train, { epochs: 1, batchSize: 16, seed: 1, optimizer, keepZeros: false, prune: { sparsities, steps: 1 }, batchNorm });
      optimizer.dispose();
      return out;
    };
    const samples = samplesOf(dense, train); // = the calibration images (the first 2,048, here all 64)
    const want = preActivationStats(dense, conv.node, samples);
    const withBn = tune(true);
    expect(withBn.batchNorms).toBe(1);
    const got = preActivationStats(withBn.graph, conv.node, samples);
    const plain = preActivationStats(tune(false).graph, conv.node, samples);
    const pruned = realWeights(pruneMagnitude(dense, sparsities, 'm').graph.tensors[conv.weight]!);
    const tuned = realWeights(withBn.graph.tensors[conv.weight]!);
    expect(pruned.some((v) => v === 0)).toBe(true);
    pruned.forEach((v, i) => expect(tuned[i] === 0, `weight ${i}`).toBe(v === 0)); // (the mask leaves -0 where a negative weight was)
    let moved = 0;
    for (let c = 0; c < want.mean.length; c++) {
      expect(got.mean[c]!).toBeCloseTo(want.mean[c]!, 4);
      if (plain.std[c]! > 0) expect(got.std[c]! / want.std[c]!).toBeCloseTo(1, 3); // an all-zero channel has no spread to restore
      moved += Math.abs(plain.mean[c]! - want.mean[c]!);
    }
    expect(moved).toBeGreaterThan(1e-2); // without the batch norm the pruned layer keeps its shifted statistics
  }, 120_000);
});
