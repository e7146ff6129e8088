// Fine-tuning shared weights (Deep Compression, Han et al. 2016, §3.1): each clustered weight tensor is
// its centroids looked up by a fixed assignment, and a centroid's gradient is the sum of the gradients of
// the weights assigned to it. The hook `tinyforge cluster --finetune` calls (issue #12 part 3).
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import { batches, type Dataset } from '../data/index.js';
import type { Graph } from '../ir/graph.js';
import { elementCount } from '../ir/shapes.js';
import { exportGraph } from './export.js';
import { inputValues, modelInputOf } from './fit.js';
import { toTfjsLayout, toTfliteLayout, trainableGraph, type WeightedKind } from './graph.js';

/** TFLite's quantized_dimension of each weight layout: the output channels. */
const CHANNEL_AXIS: Record<WeightedKind, number> = { CONV_2D: 0, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 0 };

export interface ClusteredWeight {
  /** Index of the CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED op whose weights (input 1) are shared. */
  node: number;
  /** Per weight, in the tensor's TFLite layout order: its cluster in [0, clusters). */
  indices: ArrayLike<number>;
  clusters: number;
  /** Real centroid values, [tables × clusters]: one table for the tensor, or one per output channel. */
  centroids: Float32Array;
}

export interface CentroidFinetuneOptions {
  epochs: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'sgd';
  seed?: number;
  /** Train the other variables (biases, unclustered weights) too; default true. */
  trainOthers?: boolean;
}

export interface CentroidFinetuneResult {
  /** The fine-tuned centroids, one array per input ClusteredWeight, same layout. */
  centroids: Float32Array[];
  /** The float graph with every clustered weight replaced by its centroid (and the other variables trained). */
  graph: Graph;
  /** Mean training loss per epoch. */
  losses: number[];
}

interface Shared {
  kind: WeightedKind;
  weight: tf.Variable;
  centroids: tf.Variable;
  /** Per weight (TFLite order): its index in the flat centroid table. */
  slot: Int32Array;
  shape: number[];
}

/** Checks one clustered weight against the graph and gives each weight its slot in the flat table. */
function slotsOf(graph: Graph, c: ClusteredWeight): { kind: WeightedKind; slot: Int32Array; shape: number[] } {
  const op = graph.ops[c.node];
  if (!op || (op.kind !== 'CONV_2D' && op.kind !== 'DEPTHWISE_CONV_2D' && op.kind !== 'FULLY_CONNECTED')) {
    throw new UsageError(`clustered weight at node ${c.node}: only CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED weights are shared, got ${op?.kind ?? 'no op'}`, { node: c.node });
  }
  const w = graph.tensors[op.inputs[1]!]!;
  const n = elementCount(w.shape);
  const axis = CHANNEL_AXIS[op.kind];
  const channels = w.shape[axis]!;
  const tables = c.centroids.length / c.clusters;
  if (!(Number.isSafeInteger(c.clusters) && c.clusters >= 1) || (tables !== 1 && tables !== channels)) {
    throw new UsageError(`clustered weight at node ${c.node}: ${c.centroids.length} centroids are neither ${c.clusters} (one table) nor ${channels} x ${c.clusters} (one per channel)`, { node: c.node, centroids: c.centroids.length, clusters: c.clusters, channels });
  }
  if (c.indices.length !== n) throw new UsageError(`clustered weight at node ${c.node}: ${c.indices.length} assignments for ${n} weights`, { node: c.node, indices: c.indices.length, weights: n });
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const slot = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = c.indices[i]!;
    if (!(Number.isInteger(k) && k >= 0 && k < c.clusters)) throw new UsageError(`clustered weight at node ${c.node}: weight ${i} is assigned to cluster ${k}, outside [0, ${c.clusters})`, { node: c.node, weight: i, cluster: k });
    slot[i] = (tables === 1 ? 0 : Math.floor(i / inner) % channels) * c.clusters + k;
  }
  return { kind: op.kind, slot, shape: w.shape };
}

/** Fine-tunes the centroids of the clustered weights of a float graph on a labelled dataset. */
export function finetuneCentroids(graph: Graph, clustered: readonly ClusteredWeight[], data: Dataset, options: CentroidFinetuneOptions): CentroidFinetuneResult {
  const { epochs, batchSize = 64, lr = 1e-4, seed = 1, trainOthers = true } = options;
  if (!(Number.isSafeInteger(epochs) && epochs >= 1)) throw new UsageError(`--epochs must be an integer >= 1, got ${epochs}`, { epochs });
  const slots = clustered.map((c) => slotsOf(graph, c)); // refused before any variable is made
  const t = trainableGraph(graph);
  const shared: Shared[] = clustered.map((c, i) => ({ ...slots[i]!, weight: t.weights.get(c.node)!.weight, centroids: tf.variable(tf.tensor1d(c.centroids), true) }));
  const op = (_s: Shared, i: number) => graph.ops[clustered[i]!.node]!;
  /** Each clustered weight set to its centroids (the forward always sees shared weights). */
  const snap = () =>
    shared.forEach((s, i) => {
      const table = s.centroids.dataSync();
      const values = Float32Array.from(s.slot, (k) => table[k]!);
      const w = graph.tensors[op(s, i).inputs[1]!]!;
      tf.tidy(() => s.weight.assign(toTfjsLayout(op(s, i), { ...w, data: new Uint8Array(values.buffer) }, graph) as tf.Tensor));
    });
  const sharedWeights = new Set(shared.map((s) => s.weight));
  const others = trainOthers ? t.variables.filter((v) => !sharedWeights.has(v)) : [];
  const optimizer = options.optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr);
  const input = modelInputOf(t);
  const classes = t.graph.tensors[t.logits]!.shape[1]!;
  const losses: number[] = [];
  try {
    snap();
    for (let epoch = 1; epoch <= epochs; epoch++) {
      let sum = 0;
      for (const b of batches(data, batchSize, { seed: seed * 1000 + epoch })) {
        const m = b.shape[0];
        const x = inputValues(b, input);
        const { value, grads } = tf.variableGrads(() => {
          const logits = t.forward(tf.tensor(x, [m, ...t.inputShape]), { training: true });
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes), logits) as tf.Scalar;
        }, [...shared.map((s) => s.weight), ...others]);
        const update: Array<{ name: string; tensor: tf.Tensor }> = others.map((v) => ({ name: v.name, tensor: grads[v.name]! }));
        for (const s of shared) {
          // the weight gradient in TFLite order, summed per centroid
          const g = toTfliteLayout(s.kind, grads[s.weight.name]!);
          const perCentroid = new Float32Array(s.centroids.shape[0]!);
          for (let i = 0; i < g.length; i++) perCentroid[s.slot[i]!] += g[i]!;
          update.push({ name: s.centroids.name, tensor: tf.tensor1d(perCentroid) });
        }
        optimizer.applyGradients(update);
        sum += value.dataSync()[0]! * m;
        tf.dispose([value, ...Object.values(grads), ...update.slice(others.length).map((u) => u.tensor)]);
        snap();
      }
      losses.push(sum / data.shape[0]);
    }
    return { centroids: shared.map((s) => (s.centroids.dataSync() as Float32Array).slice()), graph: exportGraph(t), losses };
  } finally {
    optimizer.dispose();
    shared.forEach((s) => s.centroids.dispose());
    t.dispose();
  }
}
