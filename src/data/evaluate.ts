// Classification metrics from raw output tensors: argmax, accuracy, per-class accuracy, confusion matrix.
import { typedView } from '../reference/views.js';
import type { DType, Tensor } from '../ir/graph.js';
import { InputDataError } from '../errors.js';
import { checkLabels, defaultClassNames, type Dataset } from './types.js';

/** The index of the largest element (the first on ties); the scale is positive, so int8 and dequantized agree. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** argmax over a raw output tensor's bytes in its dtype. */
export function argmaxBytes(bytes: Uint8Array, dtype: DType): number {
  const copy = bytes.slice(); // aligned, so any dtype's view fits
  const elements = copy.byteLength / typedView(dtype, new ArrayBuffer(0), 0, 0).BYTES_PER_ELEMENT;
  return argmax(typedView(dtype, copy.buffer, 0, elements) as ArrayLike<number>);
}

export interface Evaluation {
  /** Correct / n. */
  accuracy: number;
  n: number;
  correct: number;
  /** confusion[label][predicted]: images of class `label` the model called `predicted`. */
  confusion: number[][];
  /** Per class: images of that class, correctly classified ones, and their ratio (null without images). */
  perClass: { class: string; n: number; correct: number; accuracy: number | null }[];
}

/** Scores predictions against labels. */
export function evaluatePredictions(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: readonly string[]): Evaluation {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]!]![predictions[i]!]!++;
    if (labels[i] === predictions[i]) correct++;
  }
  const n = labels.length;
  const perClass = classes.map((name, c) => {
    const row = confusion[c]!;
    const total = row.reduce((a, b) => a + b, 0);
    return { class: name, n: total, correct: row[c]!, accuracy: total > 0 ? row[c]! / total : null };
  });
  return { accuracy: n > 0 ? correct / n : 0, n, correct, confusion, perClass };
}

/**
 * The dataset's classes matched to a classifier output of `scores` values. Every label must index the
 * output; classes without given names ("0".."K-1", from the largest label) widen to the output's count,
 * since a slice need not hold the last class; named classes must match it exactly.
 */
export function classesForOutput(d: Dataset, output: Pick<Tensor, 'name' | 'shape'>, scores: number): string[] {
  if (d.classes.length === scores) return d.classes;
  checkLabels(d.labels, scores, `dataset ${d.name} on output ${output.name} [${output.shape.join(', ')}]`);
  const unnamed = d.classes.every((c, i) => c === String(i));
  if (unnamed && d.classes.length < scores) return defaultClassNames(scores);
  throw new InputDataError(`output ${output.name} [${output.shape.join(', ')}] has ${scores} class scores, dataset ${d.name} has ${d.classes.length} classes`, {
    outputShape: output.shape,
    scores,
    classes: d.classes.length,
  });
}
