// Kernel ridge regression with an RBF kernel: the accuracy predictor that bends where ridge's one weight per
// input cannot (a choice worth more in a small member than in a large one). The model is its training pairs:
// their centred (optionally scaled) inputs, one dual coefficient each, the length scale and the ridge lambda;
// a prediction is offset + sum_i alpha_i exp(-|z - z_i|^2 / (2 l^2)). Plain arrays, no dependencies.
import { solveSpd } from './cholesky.js';

export interface KernelRidge {
  /** Per input, subtracted from it... */
  mean: Float64Array;
  /** ...then multiplied by this (0 drops an input constant over the training pairs). */
  scale: Float64Array;
  /** The training pairs' inputs, centred and scaled. */
  points: Float64Array[];
  /** Dual coefficients, one per training pair. */
  alpha: Float64Array;
  /** The training pairs' mean label, what the kernel part is added to. */
  offset: number;
  lengthScale: number;
  lambda: number;
}

/** Length scales tried, as multiples of the training pairs' median distance (so the grid fits any encoding's size). */
export const KRR_LENGTH_FACTORS = [0.5, 0.7, 1, 1.4, 2] as const;
/** Ridge lambdas tried: the labels' noise variance over the kernel's (1 on its diagonal). */
export const KRR_LAMBDAS = [0.003, 0.01, 0.03, 0.1, 0.3] as const;

/** Each input's mean over the pairs and its multiplier: its weight (1 unless given), over its standard deviation when standardizing; 0 for a constant input. */
export function centring(xs: readonly Float64Array[], standardize: boolean, weights?: Float64Array): { mean: Float64Array; scale: Float64Array } {
  const n = xs.length;
  const d = xs[0]!.length;
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) mean[i]! += x[i]! / n;
  for (const x of xs) for (let i = 0; i < d; i++) variance[i]! += (x[i]! - mean[i]!) ** 2 / n;
  const scale = Float64Array.from(variance, (v, i) => (v <= 1e-24 ? 0 : (weights?.[i] ?? 1) / (standardize ? Math.sqrt(v) : 1)));
  return { mean, scale };
}

const transform = (x: Float64Array, mean: Float64Array, scale: Float64Array) => Float64Array.from(x, (v, i) => (v - mean[i]!) * scale[i]!);

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** Squared distances between every two of the points, n x n row-major. */
export function squaredDistances(points: readonly Float64Array[]): Float64Array {
  const n = points.length;
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) d2[i * n + j] = d2[j * n + i] = squaredDistance(points[i]!, points[j]!);
  return d2;
}

/** The median distance between two different points (the length scale's unit). */
export function medianDistance(d2: Float64Array, n: number): number {
  const ds: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) ds.push(d2[i * n + j]!);
  if (ds.length === 0) return 1;
  ds.sort((a, b) => a - b);
  const m = Math.sqrt(ds[Math.floor(ds.length / 2)]!);
  return m > 0 ? m : 1;
}

/** The dual coefficients (K + lambda I)^-1 (y - offset) over the `rows` of a squared-distance matrix of n points. */
function dualCoefficients(d2: Float64Array, n: number, rows: readonly number[], ys: readonly number[], offset: number, lengthScale: number, lambda: number): Float64Array {
  const m = rows.length;
  const k = new Float64Array(m * m);
  const g = -1 / (2 * lengthScale * lengthScale);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) k[a * m + b] = Math.exp(g * d2[rows[a]! * n + rows[b]!]!) + (a === b ? lambda : 0);
  return solveSpd(k, Float64Array.from(rows, (r) => ys[r]! - offset), m);
}

/** Kernel ridge on these pairs at a given length scale and lambda. */
export function fitKernelRidge(xs: readonly Float64Array[], ys: readonly number[], options: { lengthScale: number; lambda: number; standardize: boolean; weights?: Float64Array }): KernelRidge {
  const { mean, scale } = centring(xs, options.standardize, options.weights);
  const points = xs.map((x) => transform(x, mean, scale));
  const offset = ys.reduce((a, b) => a + b, 0) / ys.length;
  const rows = points.map((_, i) => i);
  const alpha = dualCoefficients(squaredDistances(points), points.length, rows, ys, offset, options.lengthScale, options.lambda);
  return { mean, scale, points, alpha, offset, lengthScale: options.lengthScale, lambda: options.lambda };
}

export function predictKernelRidge(m: KernelRidge, x: Float64Array): number {
  const z = transform(x, m.mean, m.scale);
  const g = -1 / (2 * m.lengthScale * m.lengthScale);
  let s = m.offset;
  for (let i = 0; i < m.points.length; i++) s += m.alpha[i]! * Math.exp(g * squaredDistance(z, m.points[i]!));
  return s;
}

/**
 * Kernel ridge with its input weights (one of `weightings`: a weight per input, scaling its distances), length scale
 * (a multiple of the pairs' median distance) and lambda picked by k-fold over these pairs alone (`folds`: index
 * lists; the least squared error, ties to the earlier weighting and the smoother model), then fitted on all.
 */
export function fitKernelRidgeCv(xs: readonly Float64Array[], ys: readonly number[], folds: readonly (readonly number[])[], standardize: boolean, weightings: readonly (Float64Array | undefined)[] = [undefined]): KernelRidge {
  let best = { weights: weightings[0], lengthScale: 1, lambda: KRR_LAMBDAS[KRR_LAMBDAS.length - 1] as number, se: Infinity };
  for (const weights of weightings) {
    const { mean, scale } = centring(xs, standardize, weights);
    const trial = gridSearch(xs.map((x) => transform(x, mean, scale)), ys, folds);
    if (trial.se < best.se) best = { weights, ...trial };
  }
  return fitKernelRidge(xs, ys, { lengthScale: best.lengthScale, lambda: best.lambda, standardize, weights: best.weights });
}

/** The length scale and lambda of the least k-fold squared error over these (transformed) points. */
function gridSearch(points: readonly Float64Array[], ys: readonly number[], folds: readonly (readonly number[])[]): { lengthScale: number; lambda: number; se: number } {
  const n = points.length;
  const d2 = squaredDistances(points);
  const unit = medianDistance(d2, n);
  let best = { lengthScale: unit, lambda: KRR_LAMBDAS[KRR_LAMBDAS.length - 1] as number, se: Infinity };
  for (const factor of [...KRR_LENGTH_FACTORS].reverse()) {
    for (const lambda of [...KRR_LAMBDAS].reverse()) {
      const lengthScale = factor * unit;
      let se = 0;
      for (const fold of folds) {
        const held = new Set(fold);
        const rows = points.map((_, i) => i).filter((i) => !held.has(i));
        if (rows.length < 2 || fold.length === 0) continue;
        const offset = rows.reduce((s, r) => s + ys[r]!, 0) / rows.length;
        const alpha = dualCoefficients(d2, n, rows, ys, offset, lengthScale, lambda);
        const g = -1 / (2 * lengthScale * lengthScale);
        for (const i of fold) {
          let p = offset;
          rows.forEach((r, a) => (p += alpha[a]! * Math.exp(g * d2[i * n + r]!)));
          se += (p - ys[i]!) ** 2;
        }
      }
      if (se < best.se) best = { lengthScale, lambda, se };
    }
  }
  return best;
}
