// The trainable graph built from the IR: its tfjs forward equals the float reference interpreter on the
// exported .tflite (read back by tinyforge's importer), batch norms fold into the convs without changing
// the outputs, TFLite itself runs the export, and ops the trainer cannot differentiate are named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadTfliteNodeModel, type TfliteNodeModel } from '../../bench/tfjs-tflite-node.js';
import { readTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import { runReference } from '../../src/reference/interpreter.js';
import { Xorshift32 } from '../../src/builder/random.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { registerGraphGradients } from '../../src/train/graph-gradients.js';
import { dsCnnGraph, lenetGraph, mobilenetV2Graph } from '../../src/train/arch/named.js';
import { BN_EPSILON, BN_MOMENTUM, batchNormTraining, recalibrateBatchNorms, trainableGraph, type BatchNorm, type TrainableGraph } from '../../src/train/graph.js';
import { exportGraph, exportTflite } from '../../src/train/export.js';
import { augmentImages, fit } from '../../src/train/fit.js';
import { refusal } from '../helpers/refusal.js';

function images(n: number, shape: number[], seed: number): Float32Array {
  const rng = new Xorshift32(seed);
  return Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => rng.uniform());
}

/** The reference interpreter's values of the logits tensor for each image, on `graph` (read back from bytes). */
function referenceLogits(graph: Graph, logits: number, x: Float32Array, n: number): Float32Array[] {
  const probe: Graph = { ...graph, outputs: [logits] };
  const size = x.length / n;
  return Array.from({ length: n }, (_, i) => {
    const input = new Uint8Array(x.slice(i * size, (i + 1) * size).buffer);
    const [out] = runReference(probe, [input]).outputs;
    return new Float32Array(out!.slice().buffer);
  });
}

/** max |a - b| relative to max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

/** A few Adam steps on random images and labels, so weights (and batch-norm statistics) move off their start. */
function perturb(t: TrainableGraph, steps: number): void {
  const opt = tf.train.adam(1e-2);
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const x = tf.tensor(images(8, t.inputShape, 100 + s), [8, ...t.inputShape]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
      opt.minimize(() => tf.losses.softmaxCrossEntropy(y, t.forward(x, { training: true })) as tf.Scalar, false, t.variables);
    });
  }
  opt.dispose();
}

/** tfjs forward (inference mode) vs the reference on the exported-and-reimported graph. */
function compareExport(t: TrainableGraph, n: number, seed: number): number {
  const x = images(n, t.inputShape, seed);
  const ours = tf.tidy(() => t.forward(tf.tensor(x, [n, ...t.inputShape])).dataSync().slice());
  const reread = readTflite(exportTflite(t));
  const ref = referenceLogits(reread, t.logits, x, n);
  const classes = ours.length / n;
  return Math.max(...ref.map((r, i) => relErr(r, ours.subarray(i * classes, (i + 1) * classes))));
}

describe('trainable graph from the IR', () => {
  beforeAll(async () => {
    await useTrainBackend();
  });
  const opened: TfliteNodeModel[] = [];
  afterAll(() => opened.forEach((m) => m.dispose()));

  it('lenet: the exported float .tflite, read back, gives the tfjs forward\'s logits (float32 tolerance)', () => {
    const t = trainableGraph(lenetGraph({ input: [28, 28, 1], classes: 10, seed: 3 }).graph);
    perturb(t, 3);
    const err = compareExport(t, 4, 7);
    console.log(`lenet export vs tfjs forward: max relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    t.dispose();
  });

  it('ds-cnn: batch norms fold into the convs (the export has none) with the same outputs as the unfolded graph', () => {
    const arch = dsCnnGraph({ input: [28, 28, 1], classes: 10, seed: 5 });
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    expect(t.batchNorms.size).toBe(9);
    perturb(t, 4);
    // the moving statistics have left their start (mean 0, variance 1), so folding is not the identity
    const mean = t.batchNorms.get(arch.batchNorm[0]!)!.movingMean.dataSync();
    expect(Math.max(...Array.from(mean, Math.abs))).toBeGreaterThan(1e-3);
    const err = compareExport(t, 3, 9);
    console.log(`ds-cnn folded export vs unfolded tfjs forward: max relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    expect(exportGraph(t).ops.map((op) => op.kind)).toEqual(arch.graph.ops.map((op) => op.kind));
    t.dispose();
  });

  it('mobilenetv2 (width 0.35, 32x32): inverted residual blocks with ADD export and read back equal', () => {
    const arch = mobilenetV2Graph({ input: [32, 32, 1], classes: 10, seed: 2, width: 0.35 });
    expect(arch.graph.ops.filter((op) => op.kind === 'ADD').length).toBe(10);
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    perturb(t, 2);
    expect(compareExport(t, 2, 4)).toBeLessThan(1e-4);
    t.dispose();
  }, 60_000);

  it('TFLite (tfjs-tflite) loads and runs the exported model: its probabilities equal the tfjs forward\'s softmax', async () => {
    const t = trainableGraph(lenetGraph({ input: [28, 28, 1], classes: 10, seed: 4 }).graph);
    perturb(t, 2);
    const model = await loadTfliteNodeModel(exportTflite(t));
    opened.push(model);
    const x = images(1, t.inputShape, 11);
    model.setInput(0, new Uint8Array(x.buffer));
    model.invoke();
    const theirs = new Float32Array(model.readOutputs()[0]!.slice().buffer);
    const ours = tf.tidy(() => tf.softmax(t.forward(tf.tensor(x, [1, ...t.inputShape]))).dataSync());
    expect(theirs.length).toBe(10);
    expect(relErr(theirs, ours)).toBeLessThan(1e-5);
    t.dispose();
  }, 60_000);

  describe('training-mode batch norm', () => {
    beforeAll(() => registerGraphGradients()); // the textbook formula's Sqrt, when these tests run alone
    const shape = [4, 3, 5, 6];
    const rng = new Xorshift32(21);
    const random = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => rng.range(lo, hi));
    const size = shape.reduce((a, b) => a * b, 1);
    const x = random(size, -2, 3);
    const weights = random(size, -1, 1); // loss = sum(y · weights), so dy is not uniform
    const gamma = random(6, 0.5, 1.5);
    const beta = random(6, -0.5, 0.5);
    const state = (): BatchNorm => ({
      gamma: tf.variable(tf.tensor1d(gamma), true),
      beta: tf.variable(tf.tensor1d(beta), true),
      movingMean: tf.variable(tf.zeros([6]), false),
      movingVariance: tf.variable(tf.ones([6]), false),
    });
    /** The textbook forward in tfjs ops, differentiated by tfjs's autodiff: the spec the written-out gradient is checked against. */
    const textbook = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const mean = tf.mean(input, [0, 1, 2]);
      const centered = tf.sub(input, mean);
      const variance = tf.mean(tf.mul(centered, centered), [0, 1, 2]);
      return tf.add(tf.mul(centered, tf.div(g, tf.sqrt(tf.add(variance, BN_EPSILON)))), b);
    };

    for (const backend of ['tinyforge', 'cpu']) it(`its output, gradients (x, γ, β) and moving statistics equal autodiff of the textbook formula (${backend === 'cpu' ? "tfjs cpu: tfjs ops" : 'the training backend: fused kernels'})`, async () => {
      const before = tf.getBackend();
      await tf.setBackend(backend);
      const bn = state();
      const loss = (f: (i: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (i: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(i, g, b), tf.tensor(weights, shape)));
      const args = () => [tf.tensor(x, shape), bn.gamma, bn.beta] as tf.Tensor[];
      const ours = tf.grads(loss((i) => batchNormTraining(i, bn)))(args());
      const spec = tf.grads(loss(textbook))(args());
      for (let k = 0; k < 3; k++) {
        const [a, b] = [ours[k]!.dataSync(), spec[k]!.dataSync()];
        expect(a.length).toBe(b.length);
        expect(relErr(a, b)).toBeLessThan(1e-5);
      }
      const y = tf.tidy(() => batchNormTraining(tf.tensor(x, shape), state()).dataSync());
      expect(relErr(y, tf.tidy(() => textbook(tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)).dataSync()))).toBeLessThan(1e-6);
      // the first update from (0, 1): (1 - m) · the batch's mean and m + (1 - m) · its (biased) variance
      const batchMean = tf.tidy(() => tf.mean(tf.tensor(x, shape), [0, 1, 2]).dataSync());
      const expected = Array.from(batchMean, (v) => (1 - BN_MOMENTUM) * v);
      expect(relErr(bn.movingMean.dataSync(), expected)).toBeLessThan(1e-5);
      await tf.setBackend(before);
    });

    /** Kernels that compute an activation-sized output in batchNormTraining's forward and backward (dy given: no loss ops). */
    const activationKernels = async (f: (i: tf.Tensor) => tf.Tensor): Promise<string[]> => {
      const profile = await tf.profile(() => {
        tf.grads(f)([tf.tensor(x, shape)], tf.tensor(weights, shape));
      });
      const views = new Set(['Identity', 'Cast', 'Reshape', 'forward']); // no pass over the values (forward: customGrad's wrapper)
      return profile.kernels.filter((k) => !views.has(k.name) && k.outputShapes.some((s) => s !== undefined && s.reduce((p, q) => p * q, 1) === size)).map((k) => k.name);
    };

    it('forward and backward are one fused kernel each on the training backend (tfjs autodiff of the same forward made 16 to 18 activation-sized kernels)', async () => {
      const ours = await activationKernels((i) => batchNormTraining(i, state()));
      const autodiff = await activationKernels((i) => textbook(i, tf.tensor1d(gamma), tf.tensor1d(beta)));
      console.log(`activation-sized kernels: written-out gradient ${ours.length} (${ours.join(' ')}), tfjs autodiff ${autodiff.length}`);
      expect(ours).toEqual(['TinyforgeBatchNorm', 'TinyforgeBatchNormGrad']);
    });
  });

  it('recalibrateBatchNorms makes the moving statistics the population ones: inference then equals training mode on that batch', () => {
    const arch = dsCnnGraph({ input: [16, 16, 1], classes: 10, seed: 7 });
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    const rng = new Xorshift32(31);
    const x = Float32Array.from({ length: 24 * 16 * 16 }, () => rng.range(0, 1));
    const batch = () => tf.tensor(x, [24, 16, 16, 1]);
    const logits = (training: boolean) => tf.tidy(() => t.forward(batch(), { training }).dataSync());
    // from the (0, 1) start the inference forward is far from the batch-statistics one: the check can fail
    expect(relErr(logits(false), logits(true))).toBeGreaterThan(0.1);
    recalibrateBatchNorms(t, [batch()]);
    const inference = logits(false); // before the training-mode forward moves the averages again
    expect(relErr(inference, logits(true))).toBeLessThan(1e-3);
    t.dispose();
  });

  it('a batch norm on a conv whose weights another op shares is refused (folding would change both)', () => {
    const arch = dsCnnGraph({ input: [28, 28, 1], classes: 10, seed: 5 });
    const [first, second] = arch.graph.ops.flatMap((op, i) => (op.kind === 'CONV_2D' && arch.graph.tensors[op.inputs[1]!]!.shape[1] === 1 ? [i] : []));
    const ops = arch.graph.ops.slice();
    ops[second!] = { ...ops[second!]!, inputs: [ops[second!]!.inputs[0]!, ops[first!]!.inputs[1]!, ops[second!]!.inputs[2]!] } as AnyOp;
    const e = refusal(() => trainableGraph({ ...arch.graph, ops }, { batchNorm: arch.batchNorm }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe(`batch norm after CONV_2D at node ${first}: its weights or bias are shared with CONV_2D at node ${second}, so it cannot be folded`);
  });

  it('an op the trainer cannot differentiate is E_UNSUPPORTED naming the op kinds and node indices', () => {
    const g = lenetGraph({ input: [28, 28, 1], classes: 10, seed: 1 }).graph;
    const ops = g.ops.slice();
    const reshape = ops.findIndex((op) => op.kind === 'RESHAPE');
    ops[reshape] = { ...ops[reshape]!, kind: 'TRANSPOSE', attrs: { perm: [0, 1, 2, 3] } } as AnyOp;
    const e = refusal(() => trainableGraph({ ...g, ops }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toContain(`TRANSPOSE at node ${reshape}`);
  });
});

describe('fit', () => {
  beforeAll(async () => {
    await useTrainBackend();
  });

  it('a loss that turns NaN in epoch 2 stops there, naming epoch, step and the last good epoch; onEpoch ran for epoch 1 only', () => {
    const t = trainableGraph(lenetGraph({ input: [8, 8, 1], classes: 4, seed: 1 }).graph);
    const n = 64;
    const data = {
      name: 'noise', shape: [n, 8, 8, 1] as [number, number, number, number], classes: ['0', '1', '2', '3'],
      images: Uint8Array.from(images(n, [8, 8, 1], 3), (v) => Math.floor(v * 255)), labels: Int32Array.from({ length: n }, (_, i) => i % 4),
    };
    const optimizer = tf.train.sgd(1e-3);
    const checkpoints: number[] = [];
    const e = refusal(() =>
      fit(t, data, {
        epochs: 3, batchSize: 16, seed: 1, optimizer,
        onEpoch: (r) => {
          checkpoints.push(r.epoch);
          optimizer.setLearningRate(1e30); // diverges from here on
        },
      }),
    );
    expect(e.code).toBe('E_INPUT_DATA');
    expect(e.message).toMatch(/^training loss is (NaN|Infinity) at epoch 2, step \d /);
    expect(e.details.lastGoodEpoch).toBe(1);
    expect(checkpoints).toEqual([1]);
    optimizer.dispose();
    t.dispose();
  });

  it('flip mirrors columns and shift moves rows and columns, zeros coming in', () => {
    // one 2x3 image; a generator whose draws give flip, dy = 0, dx = +1
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const draws = [0.1, 0.5, 0.7];
    augmentImages(x, [1, 2, 3, 1], ['flip', 'shift'], { uniform: () => draws.shift()! } as unknown as Xorshift32);
    expect(Array.from(x)).toEqual([0, 3, 2, 0, 6, 5]);
  });
});
