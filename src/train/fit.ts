// Training a TrainableGraph on a Dataset (src/data): seeded shuffled batches, optional augmentation,
// softmax cross-entropy on the logits (mixed with a teacher's soft targets when distilling), any tfjs optimizer; a non-finite loss stops with the epoch and step.
import * as tf from '@tensorflow/tfjs-core';
import { InputDataError, UsageError } from '../errors.js';
import { Xorshift32 } from '../builder/random.js';
import { batches, checkFits, imageToInputValues, subset, toUnitRange, type Dataset, type ModelInput } from '../data/index.js';
import { recalibrateBatchNorms, type TrainableGraph } from './graph.js';
import { baseLearningRate, learningRateAt, setLearningRate, type LrDecay } from './lr-schedule.js';
import { distillationLoss, type Distillation } from './distill.js';
import { checkTeacher } from './distill-settings.js';

import type { Augmentation } from './augmentations.js';
export { AUGMENTATIONS, type Augmentation } from './augmentations.js';

/** What a seed trains changes with this (bump it with any change to the training arithmetic): caches of trained models key on it. 2: batch norms re-calibrated after every epoch. */
export const TRAINER_VERSION = 2;

/** Pixels a `shift` moves an image by at most, in each direction. */
export const MAX_SHIFT = 2;

export interface EpochResult {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  /** Share of the epoch's training images classified right while training (augmented, before each step). */
  trainAccuracy: number;
  valAccuracy: number | null;
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: tf.Optimizer;
  augment?: readonly Augmentation[];
  /** How the optimizer's rate decays over all the run's steps (default 'none': its rate throughout). */
  lrDecay?: LrDecay;
  validation?: Dataset;
  /** Knowledge distillation: the loss mixes the labels' cross-entropy with the teacher's softened probabilities (src/train/distill.ts). */
  distill?: Distillation;
  /** After each step: images done of the epoch's total. */
  onStep?: (epoch: number, done: number, total: number) => void;
  /** After each epoch whose every loss was finite (checkpoints go here). */
  onEpoch?: (result: EpochResult) => void;
  now?: () => number;
}

/** The model input as src/data sees it: [1, ...inputShape] float32. */
export function modelInputOf(t: TrainableGraph): ModelInput {
  const input = t.graph.tensors[t.graph.inputs[0]!]!;
  return { name: input.name, shape: input.shape, dtype: 'float32', quant: null };
}

/** The images of `d` as the model input's values [N, ...inputShape]: [0, 1], channels and size adapted. */
export function inputValues(d: Dataset, input: ModelInput): Float32Array {
  const [, h, w, c] = d.shape;
  const s = input.shape;
  if (s.length === 4 && s[1] === h && s[2] === w && s[3] === c) return toUnitRange(d.images);
  checkFits(d, input);
  const size = s.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(d.shape[0] * size);
  for (let i = 0; i < d.shape[0]; i++) out.set(imageToInputValues(d, i, input), i * size);
  return out;
}

/** In place: each image flipped left-right with probability 1/2 and/or shifted by up to MAX_SHIFT pixels (zeros come in). */
export function augmentImages(x: Float32Array, [n, h, w, c]: readonly number[], kinds: readonly Augmentation[], rng: Xorshift32): void {
  const size = h! * w! * c!;
  const tmp = new Float32Array(size);
  for (let i = 0; i < n!; i++) {
    const image = x.subarray(i * size, (i + 1) * size);
    const flip = kinds.includes('flip') && rng.uniform() < 0.5;
    const dy = kinds.includes('shift') ? Math.floor(rng.uniform() * (2 * MAX_SHIFT + 1)) - MAX_SHIFT : 0;
    const dx = kinds.includes('shift') ? Math.floor(rng.uniform() * (2 * MAX_SHIFT + 1)) - MAX_SHIFT : 0;
    if (!flip && dy === 0 && dx === 0) continue;
    tmp.fill(0);
    for (let yy = 0; yy < h!; yy++) {
      const sy = yy - dy;
      if (sy < 0 || sy >= h!) continue;
      for (let xx = 0; xx < w!; xx++) {
        let sx = xx - dx;
        if (sx < 0 || sx >= w!) continue;
        if (flip) sx = w! - 1 - sx;
        for (let k = 0; k < c!; k++) tmp[(yy * w! + xx) * c! + k] = image[(sy * w! + sx) * c! + k]!;
      }
    }
    image.set(tmp);
  }
}

/** Fraction of `d` the graph classifies right (tfjs forward, inference mode), in batches. */
export function accuracyOf(t: TrainableGraph, d: Dataset, batchSize = 256): number {
  const input = modelInputOf(t);
  let right = 0;
  for (const b of batches(d, batchSize)) {
    const predicted = tf.tidy(() => tf.argMax(t.forward(tf.tensor(inputValues(b, input), [b.shape[0], ...t.inputShape])), 1).dataSync());
    for (let j = 0; j < b.shape[0]; j++) if (predicted[j] === b.labels[j]) right++;
  }
  return d.shape[0] === 0 ? 0 : right / d.shape[0];
}

/** Batch-norm re-calibration images: the first RECALIBRATION_IMAGES of the training set, unaugmented. */
export const RECALIBRATION_IMAGES = 2048;

/** Those images as model-input batches (each yielded tensor is the consumer's to dispose). */
export function* calibrationInputs(t: TrainableGraph, train: Dataset, batchSize: number): Generator<tf.Tensor> {
  const input = modelInputOf(t);
  const n = Math.min(train.shape[0], RECALIBRATION_IMAGES);
  for (let at = 0; at < n; at += batchSize) {
    const b = subset(train, Array.from({ length: Math.min(n, at + batchSize) - at }, (_, j) => at + j));
    yield tf.tensor(inputValues(b, input), [b.shape[0], ...t.inputShape]);
  }
}

/** Trains for `epochs` epochs; returns one result per epoch. */
export function fit(t: TrainableGraph, train: Dataset, options: FitOptions): EpochResult[] {
  const { epochs, batchSize, seed, optimizer, augment = [] } = options;
  if (!(Number.isSafeInteger(epochs) && epochs >= 1)) throw new UsageError(`--epochs must be an integer >= 1, got ${epochs}`, { epochs });
  const input = modelInputOf(t);
  checkFits(train, input);
  const classes = t.graph.tensors[t.logits]!.shape[1]!;
  if (train.classes.length > classes) {
    // a label the logits have no score for
    const bad = train.labels.findIndex((l) => l >= classes);
    if (bad >= 0) throw new InputDataError(`dataset ${train.name}: label ${train.labels[bad]} at index ${bad} is outside the model's ${classes} classes [0, ${classes})`, { label: train.labels[bad], index: bad, classes });
  }
  const { distill } = options;
  if (distill) checkTeacher(t.graph, distill.teacher.graph, distill.names);
  const now = options.now ?? (() => performance.now());
  const rng = new Xorshift32(seed ^ 0x5eed);
  const results: EpochResult[] = [];
  const n = train.shape[0];
  const baseLr = baseLearningRate(optimizer);
  const totalSteps = epochs * Math.ceil(n / batchSize);
  let stepsDone = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const start = now();
    let lossSum = 0;
    let right = 0;
    let done = 0;
    let step = 0;
    for (const b of batches(train, batchSize, { seed: seed * 1000 + epoch })) {
      step++;
      if (options.lrDecay !== undefined && options.lrDecay !== 'none') setLearningRate(optimizer, learningRateAt(baseLr, options.lrDecay, stepsDone, totalSteps));
      stepsDone++;
      const m = b.shape[0];
      const x = inputValues(b, input);
      if (augment.length > 0) augmentImages(x, [m, ...t.inputShape], augment, rng);
      const { loss, predicted } = tf.tidy(() => {
        const xs = tf.tensor(x, [m, ...t.inputShape]);
        const ys = tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes);
        let predictions: tf.Tensor | undefined;
        const teacherLogits = distill ? distill.teacher.forward(xs) : null; // the same (augmented) batch, inference mode
        const l = optimizer.minimize(() => {
          const logits = t.forward(xs, { training: true });
          predictions = tf.keep(tf.argMax(logits, 1)); // minimize disposes the logits
          return teacherLogits ? distillationLoss(ys, logits, teacherLogits, distill!.temperature, distill!.alpha) : (tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar);
        }, true, t.variables);
        const predicted = predictions!.dataSync().slice();
        predictions!.dispose();
        return { loss: l!.dataSync()[0]!, predicted };
      });
      if (!Number.isFinite(loss)) {
        throw new InputDataError(`training loss is ${loss} at epoch ${epoch}, step ${step} (images ${done}..${done + m - 1} of the shuffled epoch): lower --lr or check the data`, {
          epoch,
          step,
          loss: String(loss),
          lastGoodEpoch: results.length > 0 ? results[results.length - 1]!.epoch : null,
        });
      }
      lossSum += loss * m;
      for (let j = 0; j < m; j++) if (predicted[j] === b.labels[j]) right++;
      done += m;
      options.onStep?.(epoch, done, n);
    }
    // the exported model folds the moving statistics in: make them the population's over a training slice
    recalibrateBatchNorms(t, calibrationInputs(t, train, batchSize));
    const result: EpochResult = {
      epoch,
      loss: lossSum / n,
      trainAccuracy: right / n,
      valAccuracy: options.validation ? accuracyOf(t, options.validation) : null,
      seconds: (now() - start) / 1000,
    };
    results.push(result);
    options.onEpoch?.(result);
  }
  if (options.lrDecay !== undefined && options.lrDecay !== 'none') setLearningRate(optimizer, baseLr);
  return results;
}
