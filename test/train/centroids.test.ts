// Fine-tuning shared centroids (Deep Compression): one SGD step moves each centroid by -lr times the sum
// of its weights' gradients (computed here on the snapped float graph by plain autodiff), the loss falls
// over epochs, and the exported weights hold only centroid values.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import type { Dataset } from '../../src/data/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { finetuneCentroids, type ClusteredWeight } from '../../src/train/centroids.js';
import { inputValues, modelInputOf } from '../../src/train/fit.js';
import { toTfliteLayout, trainableGraph } from '../../src/train/graph.js';
import { refusal } from '../helpers/refusal.js';

beforeAll(() => useTrainBackend());

/** image 6x6x1 -> conv 3x3 4 RELU -> flatten -> dense 3 (the logits). */
function net(): Graph {
  const b = new FloatGraphBuilder(5);
  const x = b.conv('conv', b.image(6, 6, 1), 4, 3, 1, 'RELU');
  return b.finish('net', b.dense('logits', b.flatten('flat', x), 3, 'NONE')).graph;
}

/** 64 images; the label is the third (top, middle, bottom rows) with the most light. */
function data(): Dataset {
  const rng = new Xorshift32(11);
  const images = Uint8Array.from({ length: 64 * 36 }, () => Math.floor(rng.uniform() * 256));
  const labels = Int32Array.from({ length: 64 }, (_, n) => {
    const sums = [0, 1, 2].map((third) => images.subarray(n * 36 + third * 12, n * 36 + third * 12 + 12).reduce((a, v) => a + v, 0));
    return sums.indexOf(Math.max(...sums));
  });
  return { name: 'thirds', images, shape: [64, 6, 6, 1], labels, classes: ['top', 'middle', 'bottom'] };
}

const weightsOf = (g: Graph, node: number) => new Float32Array(g.tensors[g.ops[node]!.inputs[1]!]!.data!.slice().buffer);

/** Conv (node 0): 2 clusters per output channel by sign; dense (node 2): 4 clusters for the tensor by value quartile. */
function clusters(g: Graph): ClusteredWeight[] {
  const conv = weightsOf(g, 0); // [4, 3, 3, 1]: 9 per channel
  const convIdx = Array.from(conv, (v) => (v > 0 ? 1 : 0));
  const convCentroids = new Float32Array(8);
  for (let c = 0; c < 4; c++) {
    for (const k of [0, 1]) {
      const members = conv.subarray(9 * c, 9 * c + 9).filter((v) => (v > 0 ? 1 : 0) === k);
      convCentroids[2 * c + k] = members.length ? members.reduce((a, v) => a + v, 0) / members.length : 0;
    }
  }
  const dense = weightsOf(g, 2);
  const sorted = [...dense].sort((a, b) => a - b);
  const edges = [1, 2, 3].map((q) => sorted[Math.floor((q * sorted.length) / 4)]!);
  const denseIdx = Array.from(dense, (v) => edges.filter((e) => v >= e).length);
  const denseCentroids = Float32Array.from([0, 1, 2, 3], (k) => {
    const m = dense.filter((_, i) => denseIdx[i] === k);
    return m.reduce((a, v) => a + v, 0) / m.length;
  });
  return [
    { node: 0, indices: convIdx, clusters: 2, centroids: convCentroids },
    { node: 2, indices: denseIdx, clusters: 4, centroids: denseCentroids },
  ];
}

/** The graph with each clustered weight replaced by its centroid (TFLite layout). */
function snapped(g: Graph, cs: ClusteredWeight[]): Graph {
  const tensors = g.tensors.slice();
  for (const c of cs) {
    const id = g.ops[c.node]!.inputs[1]!;
    const channels = c.centroids.length / c.clusters;
    const inner = weightsOf(g, c.node).length / channels;
    const values = Float32Array.from(c.indices, (k, i) => c.centroids[(channels === 1 ? 0 : Math.floor(i / inner)) * c.clusters + k]!);
    tensors[id] = { ...tensors[id]!, data: new Uint8Array(values.buffer) };
  }
  return { ...g, tensors };
}

describe('finetuneCentroids', () => {
  const g = net();
  const d = data();
  const cs = clusters(g);

  it('one SGD step moves each centroid by -lr x the sum of its weights\' gradients', () => {
    const lr = 0.05;
    const result = finetuneCentroids(g, cs, d, { epochs: 1, batchSize: 64, lr, optimizer: 'sgd', trainOthers: false });
    // the gradients of the snapped float graph's weights, by plain autodiff, summed per cluster here
    const t = trainableGraph(snapped(g, cs));
    const x = tf.tensor(inputValues(d, modelInputOf(t)), [64, ...t.inputShape]);
    const ws = cs.map((c) => t.weights.get(c.node)!.weight);
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(d.labels, 'int32'), 3), t.forward(x)) as tf.Scalar, ws);
    cs.forEach((c, j) => {
      const gw = toTfliteLayout(g.ops[c.node]!.kind as 'CONV_2D' | 'FULLY_CONNECTED', grads[ws[j]!.name]!);
      const channels = c.centroids.length / c.clusters;
      const inner = gw.length / channels;
      const expected = Float64Array.from(c.centroids);
      gw.forEach((v, i) => (expected[(channels === 1 ? 0 : Math.floor(i / inner)) * c.clusters + c.indices[i]!] -= lr * v));
      result.centroids[j]!.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
      // and some centroid did move
      expect(Math.max(...result.centroids[j]!.map((v, k) => Math.abs(v - c.centroids[k]!)))).toBeGreaterThan(1e-4);
    });
    t.dispose();
  });

  it('lowers the loss over epochs and exports weights that are their centroids', () => {
    const result = finetuneCentroids(g, cs, d, { epochs: 8, batchSize: 16, lr: 1e-2 });
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]!);
    cs.forEach((c, j) => {
      const w = weightsOf(result.graph, c.node);
      const channels = c.centroids.length / c.clusters;
      const inner = w.length / channels;
      w.forEach((v, i) => expect(v).toBe(result.centroids[j]![(channels === 1 ? 0 : Math.floor(i / inner)) * c.clusters + c.indices[i]!]));
    });
  });

  it('refuses centroid tables that fit neither one table nor one per channel, and out-of-range assignments', () => {
    expect(refusal(() => finetuneCentroids(g, [{ ...cs[0]!, centroids: new Float32Array(6) }], d, { epochs: 1 })).message).toBe(
      'clustered weight at node 0: 6 centroids are neither 2 (one table) nor 4 x 2 (one per channel)',
    );
    expect(refusal(() => finetuneCentroids(g, [{ ...cs[1]!, indices: Array.from(cs[1]!.indices, () => 4) }], d, { epochs: 1 })).message).toBe(
      'clustered weight at node 2: weight 0 is assigned to cluster 4, outside [0, 4)',
    );
  });
});
