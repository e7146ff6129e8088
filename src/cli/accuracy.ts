// A planned classifier run on a labelled dataset by a batch engine: the predicted class of every image
// (what eval scores, and what prune measures each pruned model with).
import { UnsupportedError } from '../errors.js';
import type { Graph, Tensor } from '../ir/graph.js';
import { elementCount } from '../ir/shapes.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../pipeline.js';
import { argmaxBytes, classesForOutput } from '../data/evaluate.js';
import { checkFits, imageToInputBytes } from '../data/preprocess.js';
import type { Dataset } from '../data/types.js';
import type { Schedule } from '../schedule/types.js';
import type { BatchEngine } from './engines/batch.js';

/** Images prepared and run per engine call: bounds memory on big splits, still one run per many images. */
export const BATCH_IMAGES = 512;

/** The single input and output of a classifier. */
export function classifierInterface(graph: Graph, model: string): { input: Tensor; output: Tensor } {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new UnsupportedError(`accuracy needs a classifier with one input and one output; ${model} has ${graph.inputs.length} and ${graph.outputs.length}`, {
      inputs: graph.inputs.length,
      outputs: graph.outputs.length,
    });
  }
  return { input: graph.tensors[graph.inputs[0]!]!, output: graph.tensors[graph.outputs[0]!]! };
}

/** The dataset checked against the classifier: images that feed its input, labels its output scores. */
export function fitDataset(data: Dataset, graph: Graph, model: string): Dataset {
  const { input, output } = classifierInterface(graph, model);
  checkFits(data, input);
  return { ...data, classes: classesForOutput(data, output, elementCount(output.shape)) };
}

/** The argmax class of every image of `data` (already checked by fitDataset), run in batches on the engine. */
export async function predictClasses(schedule: Schedule, data: Dataset, engine: BatchEngine, onProgress?: (done: number, total: number) => void): Promise<Int32Array> {
  const { input, output } = classifierInterface(schedule.graph, schedule.graph.name);
  const n = data.shape[0];
  const predictions = new Int32Array(n);
  const runner = await engine.prepare(schedule);
  try {
    for (let first = 0; first < n; first += BATCH_IMAGES) {
      const count = Math.min(BATCH_IMAGES, n - first);
      const batch = Array.from({ length: count }, (_, k) => [imageToInputBytes(data, first + k, input)]);
      const outputs = await runner.run(batch, (done) => onProgress?.(first + done, n));
      outputs.forEach((outs, k) => (predictions[first + k] = argmaxBytes(outs[0]!, output.dtype)));
    }
  } finally {
    runner.dispose();
  }
  return predictions;
}

/** Fraction of `data` the graph, planned and run on the engine, classifies right. */
export async function engineAccuracy(graph: Graph, data: Dataset, engine: BatchEngine, options: PlanModelOptions = {}): Promise<number> {
  const schedule = scheduleOf(planModel(graph, { ...options, backend: engine.backend }).plan);
  const predictions = await predictClasses(schedule, data, engine);
  let right = 0;
  predictions.forEach((p, i) => (right += p === data.labels[i] ? 1 : 0));
  return data.shape[0] === 0 ? 0 : right / data.shape[0];
}
