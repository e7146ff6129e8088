// The accuracy predictor (the EfficientML NAS lab's): an architecture as a fixed-length vector (one-hot
// resolution and width, per stage and block slot one-hot kernel and expand ratio, zeros for a block the
// member does not have) -> a small MLP -> accuracy. Trained on (member, accuracy measured from the supernet)
// pairs with full-batch Adam, seeded; plain arrays (no tfjs): `nas search` runs it without training packages.
import { Xorshift32 } from '../builder/random.js';
import { ModelFormatError, UsageError } from '../errors.js';
import type { AccuracyPredictor } from './search.js';
import type { Arch, SearchSpace } from './space.js';

export function encodingLength(space: SearchSpace): number {
  const perBlock = space.kernels.length + space.expands.length;
  return space.resolutions.length + space.widths.length + space.stages.reduce((n, s) => n + Math.max(...s.depths) * perBlock, 0);
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
  return v;
}

/** One dense layer: out = W x + b, W [outputs][inputs] row-major. */
interface Dense {
  inputs: number;
  outputs: number;
  w: Float64Array;
  b: Float64Array;
}

export interface MlpJson {
  format: 'tinyforge-accuracy-predictor';
  version: 1;
  space: string;
  inputs: number;
  /** Accuracy (fraction) the output is centred on. */
  offset: number;
  layers: Array<{ inputs: number; outputs: number; w: number[]; b: number[] }>;
  trainPairs: number;
  heldOutPairs: number;
  /** Root-mean-square error on the held-out pairs, in accuracy points (percent). */
  heldOutRmsePoints: number;
  /** The held-out labels' own binomial noise (`labelNoisePoints`): the RMSE a perfect predictor would show; absent when the pairs do not say how many images measured them. */
  labelNoisePoints?: number;
  /** Held-out RMSE of the training pairs' mean accuracy as the prediction: the bar the MLP has to beat. */
  meanRmsePoints?: number;
}

export class MlpAccuracyPredictor implements AccuracyPredictor {
  readonly name = 'mlp';
  readonly label: string;
  private readonly layers: Dense[];

  constructor(
    readonly space: SearchSpace,
    readonly json: MlpJson,
  ) {
    const noise = json.labelNoisePoints === undefined ? '' : ` (labels' own noise ${json.labelNoisePoints.toFixed(2)})`;
    this.label = `accuracy (fraction) predicted by an MLP trained on ${json.trainPairs} supernet-measured members, held-out RMSE ${json.heldOutRmsePoints.toFixed(2)} points${noise}`;
    if (json.inputs !== encodingLength(space)) {
      throw new ModelFormatError(`accuracy predictor takes ${json.inputs} inputs, space ${space.name} encodes a member in ${encodingLength(space)}`, { inputs: json.inputs, expected: encodingLength(space) });
    }
    this.layers = json.layers.map(fromJson);
  }

  predict(arch: Arch): number {
    return this.json.offset + forward(this.layers, encodeArch(this.space, arch)).out[0]!;
  }
}

function fromJson(l: MlpJson['layers'][number]): Dense {
  return { inputs: l.inputs, outputs: l.outputs, w: Float64Array.from(l.w), b: Float64Array.from(l.b) };
}

/** A predictor file checked field by field. */
export function parsePredictor(json: unknown, space: SearchSpace, where: string): MlpAccuracyPredictor {
  const j = json as MlpJson;
  const okLayer = (l: MlpJson['layers'][number]) =>
    typeof l === 'object' && l !== null && Number.isSafeInteger(l.inputs) && Number.isSafeInteger(l.outputs) && Array.isArray(l.w) && l.w.length === l.inputs * l.outputs && Array.isArray(l.b) && l.b.length === l.outputs &&
    l.w.every(Number.isFinite) && l.b.every(Number.isFinite);
  if (typeof j !== 'object' || j === null || j.format !== 'tinyforge-accuracy-predictor' || j.version !== 1 || !Array.isArray(j.layers) || j.layers.length === 0 || !j.layers.every(okLayer) || !Number.isFinite(j.offset)) {
    throw new ModelFormatError(`${where} is not a tinyforge accuracy predictor (format, version 1, layers of matching sizes, finite weights)`, { where });
  }
  for (let i = 1; i < j.layers.length; i++) {
    if (j.layers[i]!.inputs !== j.layers[i - 1]!.outputs) throw new ModelFormatError(`${where}: layer ${i} takes ${j.layers[i]!.inputs} inputs, layer ${i - 1} gives ${j.layers[i - 1]!.outputs}`, { where });
  }
  if (j.layers[0]!.inputs !== j.inputs || j.layers[j.layers.length - 1]!.outputs !== 1) throw new ModelFormatError(`${where}: the layers do not map ${j.inputs} inputs to one output`, { where });
  return new MlpAccuracyPredictor(space, j);
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
  hidden?: number[];
  /** Share of the pairs held out for the RMSE (default 0.2). */
  heldOut?: number;
  iterations?: number;
  lr?: number;
  seed?: number;
}

const rmsePoints = (layers: Dense[], xs: Float64Array[], ys: number[], offset: number) =>
  xs.length === 0 ? NaN : 100 * Math.sqrt(xs.reduce((s, x, i) => s + (forward(layers, x).out[0]! + offset - ys[i]!) ** 2, 0) / xs.length);

/** Trains the MLP on all but the held-out share of the pairs (split by the seed); the held-out RMSE is its score. */
export function trainAccuracyPredictor(space: SearchSpace, pairs: readonly MeasuredMember[], options: TrainPredictorOptions = {}): MlpJson {
  const heldOut = options.heldOut ?? 0.2;
  const nHeld = Math.round(pairs.length * heldOut);
  if (pairs.length - nHeld < 2 || nHeld < 1) throw new UsageError(`the accuracy predictor needs at least 2 training pairs and 1 held out; ${pairs.length} pairs with ${heldOut} held out give ${pairs.length - nHeld} and ${nHeld}`, { pairs: pairs.length, heldOut });
  const rng = new Xorshift32(options.seed ?? 1);
  const order = pairs.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const xs = order.map((i) => encodeArch(space, pairs[i]!.arch));
  const ys = order.map((i) => pairs[i]!.accuracy);
  const trainX = xs.slice(nHeld);
  const trainY = ys.slice(nHeld);
  const offset = trainY.reduce((a, b) => a + b, 0) / trainY.length;
  const noise = labelNoisePoints(order.slice(0, nHeld).map((i) => pairs[i]!));
  const sizes = [encodingLength(space), ...(options.hidden ?? [32, 32]), 1];
  const layers: Dense[] = sizes.slice(1).map((outputs, k) => {
    const inputs = sizes[k]!;
    const bound = Math.sqrt(6 / inputs);
    return { inputs, outputs, w: Float64Array.from({ length: inputs * outputs }, () => (rng.uniform() * 2 - 1) * bound * (k === sizes.length - 2 ? 0.1 : 1)), b: new Float64Array(outputs) };
  });
  // full-batch Adam on the mean squared error, with a small L2 on the weights
  const lr = options.lr ?? 3e-3;
  const iterations = options.iterations ?? 1500;
  const l2 = 1e-4;
  const m = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  const v = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
  for (let it = 1; it <= iterations; it++) {
    const grads = layers.map((l) => ({ w: new Float64Array(l.w.length), b: new Float64Array(l.b.length) }));
    trainX.forEach((x, n) => {
      const { acts, out } = forward(layers, x);
      let delta = Float64Array.of((2 * (out[0]! + offset - trainY[n]!)) / trainX.length);
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
  return {
    format: 'tinyforge-accuracy-predictor',
    version: 1,
    space: space.name,
    inputs: sizes[0]!,
    offset,
    layers: layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, w: [...l.w], b: [...l.b] })),
    trainPairs: trainX.length,
    heldOutPairs: nHeld,
    heldOutRmsePoints: rmsePoints(layers, xs.slice(0, nHeld), ys.slice(0, nHeld), offset),
    ...(noise === null ? {} : { labelNoisePoints: noise }),
    meanRmsePoints: 100 * Math.sqrt(ys.slice(0, nHeld).reduce((s, y) => s + (y - offset) ** 2, 0) / nHeld),
  };
}
