// The Dataset contract: labelled images as plain data (typed arrays and numbers), so the CLI, the
// browser, evaluation and training all pass the same object around.
import { InputDataError } from '../errors.js';

/** Pixels: uint8 (0..255) or float32 (already the values the model sees before quantization, e.g. [0, 1]). */
export type Pixels = Uint8Array | Float32Array;

export interface Dataset {
  /** Where it came from, for reports: "fashion-mnist/test", a folder name, ... */
  name: string;
  /** N images, row-major NHWC. */
  images: Pixels;
  /** [N, H, W, C]. */
  shape: [number, number, number, number];
  /** One class index per image, in [0, classes.length). */
  labels: Int32Array;
  /** Class names, index = label. */
  classes: string[];
}

/** The checks every dataset passes: sizes agree and every label is a class. */
export function checkDataset(d: Dataset): Dataset {
  const [n, h, w, c] = d.shape;
  if (![n, h, w, c].every((v) => Number.isSafeInteger(v) && v >= 0) || h === 0 || w === 0 || c === 0) {
    throw new InputDataError(`dataset ${d.name} has an invalid shape [${d.shape.join(', ')}]`, { dataset: d.name, shape: d.shape });
  }
  if (d.images.length !== n * h * w * c) {
    throw new InputDataError(`dataset ${d.name}: ${d.images.length} pixels for shape [${d.shape.join(', ')}] (${n * h * w * c} expected)`, {
      dataset: d.name,
      shape: d.shape,
      pixels: d.images.length,
    });
  }
  if (d.labels.length !== n) {
    throw new InputDataError(`dataset ${d.name}: ${d.labels.length} labels for ${n} images`, { dataset: d.name, images: n, labels: d.labels.length });
  }
  checkLabels(d.labels, d.classes.length, `dataset ${d.name}`);
  if (d.images instanceof Float32Array) {
    // NaN and infinities have no quantized value (TFLite's cast is undefined there)
    const bad = d.images.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InputDataError(`dataset ${d.name}: pixel ${d.images[bad]} at element ${bad} (image ${Math.floor(bad / (h * w * c))}) is not a finite number`, { element: bad });
  }
  return d;
}

/** Every label in [0, classes); the first one outside names its value, index and the range. */
export function checkLabels(labels: Int32Array, classes: number, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= classes) {
      throw new InputDataError(`${what}: label ${label} at index ${i} is outside [0, ${classes})`, { label, index: i, classes });
    }
  }
}

/** The names of classes that have none given: "0" .. "K-1". */
export function defaultClassNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => String(i));
}

/** Elements of one image (H * W * C). */
export function imageSize(d: Pick<Dataset, 'shape'>): number {
  return d.shape[1] * d.shape[2] * d.shape[3];
}

/** The pixels of image i (a view, not a copy). */
export function imageAt(d: Dataset, i: number): Pixels {
  const size = imageSize(d);
  return d.images.subarray(i * size, (i + 1) * size);
}
