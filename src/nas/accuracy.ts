// The accuracy predictor (the EfficientML NAS lab's): an architecture as a fixed-length vector (the lab's
// one-hot per choice: resolution, width, per stage its depth, per block slot kernel and expand ratio, zeros for
// a block the member does not have; then resolution x width one-hot and its capacity as log2 MACs, parameters,
// resolution and width over the space's smallest member) -> ridge regression on the centred vector, kernel ridge
// (RBF, kernel-ridge.ts) or a small MLP -> accuracy. Trained on (member, accuracy measured from the supernet) pairs, seeded; its error is k-fold:
// every pair predicted by a model fitted without it. Plain arrays (no tfjs): `nas search` runs it without
// training packages.
import { Xorshift32 } from '../builder/random.js';
import { shuffledOrder } from '../data/split.js';
import { ModelFormatError, UsageError } from '../errors.js';
import { archCapacity } from './build.js';
import { solveSpd } from './cholesky.js';
import { centring, fitKernelRidgeCv, predictKernelRidge, type KernelRidge } from './kernel-ridge.js';
import type { AccuracyPredictor } from './search.js';
import { extremeArch, type Arch, type SearchSpace } from './space.js';

/** The predictor file version written (version 3's layer models are still read: the same encoding; 1 and 2 are refused: another encoding). */
export const PREDICTOR_VERSION = 4 as const;

/** Numbers after the one-hots: log2 of MACs, parameters, resolution and width over the space's smallest (a doubling is 1, like a one-hot's step). */
const CAPACITY_FEATURES = 4;

export function encodingLength(space: SearchSpace): number {
  const perBlock = space.kernels.length + space.expands.length;
  const lab = space.resolutions.length + space.widths.length + space.stages.reduce((n, s) => n + s.depths.length + Math.max(...s.depths) * perBlock, 0);
  return lab + space.resolutions.length * space.widths.length + CAPACITY_FEATURES;
}

export function encodeArch(space: SearchSpace, arch: Arch): Float64Array {
  const v = new Float64Array(encodingLength(space));
  let o = 0;
  const oneHot = (choices: readonly number[], value: number) => {
    v[o + choices.indexOf(value)] = 1;
    o += choices.length;
  };
  oneHot(space.resolutions, arch.resolution);
  oneHot(space.widths, arch.width);
  space.stages.forEach((s, si) => {
    oneHot(s.depths, arch.stages[si]!.length);
    for (let j = 0; j < Math.max(...s.depths); j++) {
      const b = arch.stages[si]![j];
      if (b) {
        oneHot(space.kernels, b.kernel);
        oneHot(space.expands, b.expand);
      } else {
        o += space.kernels.length + space.expands.length;
      }
    }
  });
  // resolution and width interact (on 200 measured members: 16x16 at 0.35 half a point below what each alone says)
  v[o + space.resolutions.indexOf(arch.resolution) * space.widths.length + space.widths.indexOf(arch.width)] = 1;
  o += space.resolutions.length * space.widths.length;
  const { macs, params } = archCapacity(space, arch);
  const least = smallestCapacity(space);
  v.set([Math.log2(macs / least.macs), Math.log2(params / least.params), Math.log2(arch.resolution / space.resolutions[0]!), Math.log2(arch.width / space.widths[0]!)], o);
  return v;
}

const smallest = new WeakMap<SearchSpace, { macs: number; params: number }>();

/** The space's smallest member's capacity: the capacity numbers count doublings above it (0 to a few, an MLP's input scale). */
function smallestCapacity(space: SearchSpace): { macs: number; params: number } {
  let c = smallest.get(space);
  if (!c) smallest.set(space, (c = archCapacity(space, extremeArch(space, 'smallest'))));
  return c;
}

/** One dense layer: out = W x + b, W [outputs][inputs] row-major. */
interface Dense {
  inputs: number;
  outputs: number;
  w: Float64Array;
  b: Float64Array;
}

/** What every predictor file holds beside its model. */
interface PredictorJsonBase {
  format: 'tinyforge-accuracy-predictor';
  /** 4: version 3's encoding (resolution x width one-hot and log2 MACs, parameters, resolution, width at its end), and model 'krr'. Version 3 files (ridge, mlp) are read as they are; versions 1 and 2 (other encodings) are refused: re-run nas accuracy. */
  version: typeof PREDICTOR_VERSION | typeof LAYERS_VERSION;
  space: string;
  inputs: number;
  /** Accuracy (fraction) the output is centred on. */
  offset: number;
  /** Pairs the written model was fitted on (all of them). */
  trainPairs: number;
  /** Pairs predicted by a model that never saw them: all of them, once each, over `folds` folds. */
  heldOutPairs: number;
  folds: number;
  /** Ridge and kernel ridge: the L2 weight picked by an inner k-fold on the training pairs alone. */
  lambda?: number;
  /** Root-mean-square error of the k-fold predictions (each pair by the fold's model fitted without it), in accuracy points (percent). */
  heldOutRmsePoints: number;
  /** The held-out labels' own binomial noise (`labelNoisePoints`): the RMSE a perfect predictor would show; absent when the pairs do not say how many images measured them. */
  labelNoisePoints?: number;
  /** The same k-fold RMSE with each fold's training mean as the prediction: the bar the model has to beat. */
  meanRmsePoints?: number;
}

/** 'ridge': one linear layer (the centring folded in); 'mlp': ReLU hidden layers. */
export interface LayersPredictorJson extends PredictorJsonBase {
  model: 'ridge' | 'mlp';
  layers: Array<{ inputs: number; outputs: number; w: number[]; b: number[] }>;
}

/** 'krr': kernel ridge, its training pairs' inputs (centred and scaled as `mean`, `scale` say) and dual coefficients. */
export interface KernelRidgePredictorJson extends PredictorJsonBase {
  model: 'krr';
  kernel: { type: 'rbf'; lengthScale: number; lambda: number; mean: number[]; scale: number[]; points: number[][]; alpha: number[] };
}

export type PredictorJson = LayersPredictorJson | KernelRidgePredictorJson;

export type PredictorModel = PredictorJson['model'];
export const PREDICTOR_MODELS: readonly PredictorModel[] = ['krr', 'ridge', 'mlp'];
const MODEL_NAMES: Record<PredictorModel, string> = { ridge: 'ridge regression', mlp: 'an MLP', krr: 'kernel ridge regression (RBF)' };

/** The last version without kernel ridge: its layer models read the same encoding, so its files are still taken. */
const LAYERS_VERSION = 3 as const;

export class TrainedAccuracyPredictor implements AccuracyPredictor {
  readonly name: string;
  readonly label: string;
  private readonly fitted: Fitted;

  constructor(
    readonly space: SearchSpace,
    readonly json: PredictorJson,
  ) {
    this.name = json.model;
    const noise = json.labelNoisePoints === undefined ? '' : ` (labels' own noise ${json.labelNoisePoints.toFixed(2)})`;
    this.label = `accuracy (fraction) predicted by ${MODEL_NAMES[json.model]} trained on ${json.trainPairs} supernet-measured members, ${json.folds}-fold held-out RMSE ${json.heldOutRmsePoints.toFixed(2)} points${noise}`;
    if (json.inputs !== encodingLength(space)) {
      throw new ModelFormatError(`accuracy predictor takes ${json.inputs} inputs, space ${space.name} encodes a member in ${encodingLength(space)}`, { inputs: json.inputs, expected: encodingLength(space) });
    }
    this.fitted = fittedOfJson(json);
  }

  predict(arch: Arch): number {
    return predictWith(this.fitted, encodeArch(this.space, arch));
  }
}

function fittedOfJson(json: PredictorJson): Fitted {
  if (json.model !== 'krr') return { layers: json.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: Float64Array.from(l.w), b: Float64Array.from(l.b) })), offset: json.offset };
  const k = json.kernel;
  return {
    krr: { mean: Float64Array.from(k.mean), scale: Float64Array.from(k.scale), points: k.points.map((p) => Float64Array.from(p)), alpha: Float64Array.from(k.alpha), offset: json.offset, lengthScale: k.lengthScale, lambda: k.lambda },
  };
}

const finiteArray = (a: unknown, length: number): boolean => Array.isArray(a) && a.length === length && a.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Why a kernel ridge file's model cannot predict, or null: every array sized by `inputs` and the pair count, finite, a positive length scale. */
function kernelProblem(j: KernelRidgePredictorJson): string | null {
  const k = j.kernel as Partial<KernelRidgePredictorJson['kernel']> | undefined;
  if (typeof k !== 'object' || k === null || k.type !== 'rbf') return 'no rbf kernel';
  if (!(typeof k.lengthScale === 'number' && k.lengthScale > 0 && Number.isFinite(k.lengthScale)) || !(typeof k.lambda === 'number' && k.lambda >= 0)) return `length scale ${k.lengthScale} and lambda ${k.lambda}: not positive numbers`;
  if (!finiteArray(k.mean, j.inputs) || !finiteArray(k.scale, j.inputs)) return `mean and scale are not ${j.inputs} finite numbers each`;
  if (!Array.isArray(k.alpha) || k.alpha.length === 0 || !finiteArray(k.alpha, k.alpha.length)) return 'no finite dual coefficients';
  if (!Array.isArray(k.points) || k.points.length !== k.alpha.length || !k.points.every((p) => finiteArray(p, j.inputs))) return `${k.alpha.length} dual coefficients but not as many training points of ${j.inputs} finite inputs`;
  return null;
}

/** A predictor file checked field by field. */
export function parsePredictor(json: unknown, space: SearchSpace, where: string): TrainedAccuracyPredictor {
  const j = json as PredictorJson;
  const older = { 1: 'no depth, no capacity', 2: 'no resolution x width, no capacity' } as Record<number, string>;
  if (typeof j === 'object' && j !== null && j.format === 'tinyforge-accuracy-predictor' && older[j.version as number] !== undefined) {
    throw new ModelFormatError(`${where} is a version ${j.version} accuracy predictor (${older[j.version as number]} in its encoding): re-run tinyforge nas accuracy to write version ${PREDICTOR_VERSION}`, { where, version: j.version, expected: PREDICTOR_VERSION });
  }
  if (typeof j !== 'object' || j === null || j.format !== 'tinyforge-accuracy-predictor' || !Number.isSafeInteger(j.inputs) || !Number.isFinite(j.offset)) {
    throw new ModelFormatError(`${where} is not a tinyforge accuracy predictor (format, inputs, offset)`, { where });
  }
  const models = j.version === PREDICTOR_VERSION ? PREDICTOR_MODELS : j.version === LAYERS_VERSION ? (['ridge', 'mlp'] as const) : [];
  if (models.length === 0) throw new ModelFormatError(`${where} is a version ${String(j.version)} accuracy predictor: this tinyforge reads versions ${LAYERS_VERSION} and ${PREDICTOR_VERSION} (re-run tinyforge nas accuracy)`, { where, version: j.version, expected: PREDICTOR_VERSION });
  if (!(models as readonly string[]).includes(j.model)) throw new ModelFormatError(`${where}: model ${JSON.stringify(j.model)} is not one a version ${j.version} accuracy predictor holds (${models.join(', ')})`, { where, model: j.model, version: j.version });
  if (j.model === 'krr') {
    const problem = kernelProblem(j);
    if (problem !== null) throw new ModelFormatError(`${where}: kernel ridge predictor of ${j.inputs} inputs: ${problem}`, { where });
    return new TrainedAccuracyPredictor(space, j);
  }
  const okLayer = (l: LayersPredictorJson['layers'][number]) =>
    typeof l === 'object' && l !== null && Number.isSafeInteger(l.inputs) && Number.isSafeInteger(l.outputs) && finiteArray(l.w, l.inputs * l.outputs) && finiteArray(l.b, l.outputs);
  if (!Array.isArray(j.layers) || j.layers.length === 0 || !j.layers.every(okLayer)) {
    throw new ModelFormatError(`${where} is not a tinyforge accuracy predictor (${j.model}: layers of matching sizes, finite weights)`, { where });
  }
  for (let i = 1; i < j.layers.length; i++) {
    if (j.layers[i]!.inputs !== j.layers[i - 1]!.outputs) throw new ModelFormatError(`${where}: layer ${i} takes ${j.layers[i]!.inputs} inputs, layer ${i - 1} gives ${j.layers[i - 1]!.outputs}`, { where });
  }
  if (j.layers[0]!.inputs !== j.inputs || j.layers[j.layers.length - 1]!.outputs !== 1) throw new ModelFormatError(`${where}: the layers do not map ${j.inputs} inputs to one output`, { where });
  return new TrainedAccuracyPredictor(space, j);
}

/** Forward pass: hidden layers ReLU, the last linear; the activations kept for backprop. */
function forward(layers: readonly Dense[], x: Float64Array): { acts: Float64Array[]; out: Float64Array } {
  const acts = [x];
  let h = x;
  layers.forEach((l, k) => {
    const y = new Float64Array(l.outputs);
    for (let o = 0; o < l.outputs; o++) {
      let s = l.b[o]!;
      for (let i = 0; i < l.inputs; i++) s += l.w[o * l.inputs + i]! * h[i]!;
      y[o] = k < layers.length - 1 ? Math.max(0, s) : s;
    }
    acts.push(y);
    h = y;
  });
  return { acts, out: h };
}

export interface MeasuredMember {
  arch: Arch;
  /** Accuracy measured from the supernet (fraction). */
  accuracy: number;
  /** Images it was measured on (its binomial noise), when known. */
  images?: number;
}

/**
 * The noise of accuracies measured on finite image sets, in points: the root mean of each pair's binomial
 * variance p(1 - p) / n. Even a predictor that knew every member's true accuracy would show this RMSE against
 * the measured labels; null when a pair does not say how many images measured it.
 */
export function labelNoisePoints(pairs: readonly MeasuredMember[]): number | null {
  if (pairs.length === 0 || pairs.some((p) => p.images === undefined || p.images < 1)) return null;
  return 100 * Math.sqrt(pairs.reduce((s, p) => s + (p.accuracy * (1 - p.accuracy)) / p.images!, 0) / pairs.length);
}

export interface TrainPredictorOptions {
  /** DEFAULT_PREDICTOR_MODEL unless given. */
  model?: PredictorModel;
  /** Ridge and kernel ridge: divide each feature by its standard deviation (default false: the one-hots keep their common 0/1 scale, only centred). */
  scale?: boolean;
  /** Folds of the reported error (default 5, at most one per pair). */
  folds?: number;
  /** MLP only. */
  hidden?: number[];
  iterations?: number;
  lr?: number;
  seed?: number;
}

/** Ridge's L2 weights tried (picked by an inner k-fold on the training pairs). */
export const RIDGE_LAMBDAS = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300] as const;
const INNER_FOLDS = 5;

/**
 * Kernel ridge's input weightings, picked between by its inner k-fold: all inputs alike, or the capacity numbers
 * (the encoding's last inputs) counting 3x (a doubling of MACs as far as ~3 differing choices; 1.19 -> 1.16 points on 300 pairs).
 */
function kernelWeightings(inputs: number): Float64Array[] {
  const capacity = Float64Array.from({ length: inputs }, (_, i) => (i >= inputs - CAPACITY_FEATURES ? 3 : 1));
  return [new Float64Array(inputs).fill(1), capacity];
}

/** The model `nas accuracy` fits without --model: kernel ridge, 1.16 against ridge's 1.26 points nested 10-fold on 300 medium-supernet pairs (BENCHMARKS.md). */
export const DEFAULT_PREDICTOR_MODEL: PredictorModel = 'krr';

type Fitted = { layers: Dense[]; offset: number; lambda?: number } | { krr: KernelRidge };

const predictWith = (f: Fitted, x: Float64Array) => ('krr' in f ? predictKernelRidge(f.krr, x) : f.offset + forward(f.layers, x).out[0]!);

/** Indices 0..n-1 shuffled by the seed, dealt into k folds (fold f holds every k-th of the order from f). */
export function kFolds(n: number, k: number, seed: number): number[][] {
  const order = [...shuffledOrder(n, seed)];
  return Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f));
}

/**
 * Ridge on centred features (each feature's mean over these pairs subtracted; with `scale` also divided by its
 * standard deviation; a constant one dropped), folded into one linear layer: the model a one-layer predictor file holds.
 */
export function fitRidge(xs: readonly Float64Array[], ys: readonly number[], lambda: number, scale = false): Fitted {
  const n = xs.length;
  const d = xs[0]!.length;
  const { mean, scale: multiplier } = centring(xs, scale);
  const offset = ys.reduce((a, b) => a + b, 0) / n;
  const z = xs.map((x) => Float64Array.from(x, (v, i) => (v - mean[i]!) * multiplier[i]!));
  const a = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  z.forEach((x, k) => {
    for (let i = 0; i < d; i++) {
      rhs[i]! += x[i]! * (ys[k]! - offset);
      for (let j = 0; j < d; j++) a[i * d + j]! += x[i]! * x[j]!;
    }
  });
  for (let i = 0; i < d; i++) a[i * d + i]! += lambda;
  const beta = solveSpd(a, rhs, d);
  const w = Float64Array.from(beta, (bi, i) => bi * multiplier[i]!);
  const b = -w.reduce((s, wi, i) => s + wi * mean[i]!, 0);
  return { layers: [{ inputs: d, outputs: 1, w, b: Float64Array.of(b) }], offset, lambda };
}

/** Ridge with its lambda picked by an inner k-fold over these pairs alone (the smallest squared error; ties to the larger lambda). */
function fitRidgeCv(xs: readonly Float64Array[], ys: readonly number[], seed: number, scale: boolean): Fitted {
  const folds = kFolds(xs.length, Math.min(INNER_FOLDS, xs.length), seed);
  let best = { lambda: RIDGE_LAMBDAS[0] as number, se: Infinity };
  for (const lambda of RIDGE_LAMBDAS) {
    let se = 0;
    for (const f of folds) {
      const inFold = new Set(f);
      const tr = xs.map((_, i) => i).filter((i) => !inFold.has(i));
      if (tr.length < 2 || f.length === 0) continue;
      const m = fitRidge(tr.map((i) => xs[i]!), tr.map((i) => ys[i]!), lambda, scale);
      for (const i of f) se += (predictWith(m, xs[i]!) - ys[i]!) ** 2;
    }
    if (se <= best.se) best = { lambda, se };
  }
  return fitRidge(xs, ys, best.lambda, scale);
}

/** The MLP: ReLU hidden layers, full-batch Adam on the mean squared error with a small L2 on the weights. */
function fitMlp(xs: readonly Float64Array[], ys: readonly number[], options: TrainPredictorOptions): Fitted {
  const rng = new Xorshift32(options.seed ?? 1);
  const offset = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sizes = [xs[0]!.length, ...(options.hidden ?? [32, 32]), 1];
  const layers: Dense[] = sizes.slice(1).map((outputs, k) => {
    const inputs = sizes[k]!;
    const bound = Math.sqrt(6 / inputs);
    return { inputs, outputs, w: Float64Array.from({ length: inputs * outputs }, () => (rng.uniform() * 2 - 1) * bound * (k === sizes.length - 2 ? 0.1 : 1)), b: new Float64Array(outputs) };
  });
  const lr = options.lr ?? 3e-3;
  const iterations = options.iterations ?? 1500;
  const l2 = 1e-4;
  const m = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  const v = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  for (let it = 1; it <= iterations; it++) {
    const grads = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
    xs.forEach((x, n) => {
      const { acts, out } = forward(layers, x);
      let delta = Float64Array.of((2 * (out[0]! + offset - ys[n]!)) / xs.length);
      for (let k = layers.length - 1; k >= 0; k--) {
        const l = layers[k]!;
        const input = acts[k]!;
        const back = new Float64Array(l.inputs);
        for (let o = 0; o < l.outputs; o++) {
          const d = delta[o]!;
          if (d === 0) continue;
          grads[k]!.b[o]! += d;
          for (let i = 0; i < l.inputs; i++) {
            grads[k]!.w[o * l.inputs + i]! += d * input[i]!;
            back[i]! += d * l.w[o * l.inputs + i]!;
          }
        }
        if (k > 0) for (let i = 0; i < l.inputs; i++) if (input[i]! <= 0) back[i] = 0;
        delta = back;
      }
    });
    layers.forEach((l, k) => {
      for (const key of ['w', 'b'] as const) {
        const p = l[key];
        const g = grads[k]![key];
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]! + (key === 'w' ? l2 * p[i]! : 0);
          m[k]![key][i] = 0.9 * m[k]![key][i]! + 0.1 * gi;
          v[k]![key][i] = 0.999 * v[k]![key][i]! + 0.001 * gi * gi;
          const mh = m[k]![key][i]! / (1 - 0.9 ** it);
          const vh = v[k]![key][i]! / (1 - 0.999 ** it);
          p[i]! -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
        }
      }
    });
  }
  return { layers, offset };
}

function fitModel(xs: readonly Float64Array[], ys: readonly number[], options: TrainPredictorOptions): Fitted {
  const model = options.model ?? DEFAULT_PREDICTOR_MODEL;
  const seed = options.seed ?? 1;
  if (model === 'krr') return { krr: fitKernelRidgeCv(xs, ys, kFolds(xs.length, Math.min(INNER_FOLDS, xs.length), seed), options.scale ?? false, kernelWeightings(xs[0]!.length)) };
  return model === 'ridge' ? fitRidgeCv(xs, ys, seed, options.scale ?? false) : fitMlp(xs, ys, options);
}

/** The model `options` name fitted on feature vectors (any encoding: bench/nas-predictor.ts compares them), as a function. */
export function fitPredictorModel(xs: readonly Float64Array[], ys: readonly number[], options: TrainPredictorOptions = {}): (x: Float64Array) => number {
  const f = fitModel(xs, ys, options);
  return (x) => predictWith(f, x);
}

/**
 * The k-fold error, in points: the pairs dealt into `folds` folds by the seed, each fold predicted by a model
 * fitted on the other folds alone (a ridge lambda picked on those alone), beside the same error of each fold's
 * training mean as the prediction.
 */
export function crossValidate(xs: readonly Float64Array[], ys: readonly number[], options: TrainPredictorOptions = {}): { folds: number; rmsePoints: number; meanRmsePoints: number } {
  const k = Math.min(options.folds ?? 5, xs.length);
  if (xs.length < 3 || k < 2) throw new UsageError(`the accuracy predictor needs at least 3 pairs and 2 folds; got ${xs.length} pairs and ${options.folds ?? 5} folds`, { pairs: xs.length, folds: options.folds ?? 5 });
  let se = 0;
  let seMean = 0;
  for (const fold of kFolds(xs.length, k, options.seed ?? 1)) {
    const inFold = new Set(fold);
    const tr = xs.map((_, i) => i).filter((i) => !inFold.has(i));
    const trY = tr.map((i) => ys[i]!);
    const m = fitModel(tr.map((i) => xs[i]!), trY, options);
    const mean = trY.reduce((a, b) => a + b, 0) / trY.length;
    for (const i of fold) {
      se += (predictWith(m, xs[i]!) - ys[i]!) ** 2;
      seMean += (mean - ys[i]!) ** 2;
    }
  }
  return { folds: k, rmsePoints: 100 * Math.sqrt(se / xs.length), meanRmsePoints: 100 * Math.sqrt(seMean / xs.length) };
}

/** Fits the predictor on every pair; its reported error is `crossValidate`'s (every pair held out once). */
export function trainAccuracyPredictor(space: SearchSpace, pairs: readonly MeasuredMember[], options: TrainPredictorOptions = {}): PredictorJson {
  const xs = pairs.map((p) => encodeArch(space, p.arch));
  const ys = pairs.map((p) => p.accuracy);
  const cv = crossValidate(xs, ys, options);
  const final = fitModel(xs, ys, options);
  const noise = labelNoisePoints(pairs);
  const base = {
    format: 'tinyforge-accuracy-predictor' as const,
    version: PREDICTOR_VERSION,
    space: space.name,
    inputs: encodingLength(space),
    trainPairs: pairs.length,
    heldOutPairs: pairs.length,
    folds: cv.folds,
    heldOutRmsePoints: cv.rmsePoints,
    ...(noise === null ? {} : { labelNoisePoints: noise }),
    meanRmsePoints: cv.meanRmsePoints,
  };
  if ('krr' in final) {
    const k = final.krr;
    const kernel = { type: 'rbf' as const, lengthScale: k.lengthScale, lambda: k.lambda, mean: [...k.mean], scale: [...k.scale], points: k.points.map((p) => [...p]), alpha: [...k.alpha] };
    return { ...base, model: 'krr', offset: k.offset, lambda: k.lambda, kernel };
  }
  const layers = final.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: [...l.w], b: [...l.b] }));
  return { ...base, model: options.model === 'mlp' ? 'mlp' : 'ridge', offset: final.offset, ...(final.lambda === undefined ? {} : { lambda: final.lambda }), layers };
}
