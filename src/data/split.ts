// Deterministic subsets of a Dataset: the train/validation split, shuffling and batching, all driven by
// the project's seeded xorshift32 (src/builder/random.ts), so a seed gives the same images everywhere.
import { Xorshift32 } from '../builder/random.js';
import { UsageError } from '../errors.js';
import { imageSize, type Dataset } from './types.js';

/** A permutation of 0..n-1 (Fisher-Yates over the seeded stream). */
export function shuffledOrder(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Xorshift32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** The images at `indices`, in that order, copied into a new Dataset. */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const size = imageSize(d);
  const n = indices.length;
  const images = new (d.images.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(n * size);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < d.shape[0])) throw new UsageError(`index ${i} is outside dataset ${d.name} (${d.shape[0]} images)`, { index: i, images: d.shape[0] });
    images.set(d.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = d.labels[i]!;
  }
  return { name, images, shape: [n, d.shape[1], d.shape[2], d.shape[3]], labels, classes: d.classes };
}

/** The first n images (all of them when n >= N). */
export function take(d: Dataset, n: number): Dataset {
  if (n >= d.shape[0]) return d;
  const size = imageSize(d);
  return { ...d, images: d.images.subarray(0, n * size), labels: d.labels.subarray(0, n), shape: [n, d.shape[1], d.shape[2], d.shape[3]] };
}

export interface SplitOptions {
  /** Share of the images that go to validation, in [0, 1). */
  fraction: number;
  seed: number;
}

/**
 * Splits a training set: round(N * fraction) images chosen by a seeded shuffle go to validation, the
 * rest to train; both keep the original order of their images.
 */
export function splitTrainValidation(d: Dataset, { fraction, seed }: SplitOptions): { train: Dataset; validation: Dataset } {
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`the validation fraction must be in [0, 1), got ${fraction}`, { fraction });
  const n = d.shape[0];
  const order = shuffledOrder(n, seed);
  const nVal = Math.round(n * fraction);
  const inValidation = new Uint8Array(n);
  for (let k = 0; k < nVal; k++) inValidation[order[k]!] = 1;
  const val: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (inValidation[i] ? val : train).push(i);
  return { train: subset(d, train, `${d.name}/train`), validation: subset(d, val, `${d.name}/val`) };
}

/** Consecutive batches of `size` images (the last may be smaller); with a seed, in a shuffled order. */
export function* batches(d: Dataset, size: number, options: { seed?: number } = {}): Generator<Dataset> {
  if (!(Number.isSafeInteger(size) && size > 0)) throw new UsageError(`the batch size must be a positive integer, got ${size}`, { size });
  const n = d.shape[0];
  const order = options.seed === undefined ? null : shuffledOrder(n, options.seed);
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    if (order) yield subset(d, order.subarray(start, end));
    else yield subset(d, Array.from({ length: end - start }, (_, k) => start + k));
  }
}
