// Calibration samples for the quantizer from a --calib flag: a dataset's images as the model input takes
// them, or random:N synthetic inputs (quantize, and cluster on a float model).
import { UnsupportedError } from '../errors.js';
import { mixSeed, syntheticInputBytes } from '../builder/random.js';
import type { Graph } from '../ir/graph.js';
import { checkFits, imageToInputBytes } from '../data/preprocess.js';
import { take } from '../data/split.js';
import { loadDataset, type Split } from './data/index.js';
import { integerFlag } from './flags.js';

const RANDOM = /^random:(\d+)$/;

/** Calibration and held-out samples (graph-input bytes each): `random:N` or images of a dataset. */
export function samplesOf(graph: Graph, calib: string, limit: number): { calibration: Uint8Array[][]; heldOut: Uint8Array[][] } {
  const random = RANDOM.exec(calib);
  if (random) {
    const n = integerFlag(random[1]!, '--calib random:N', 1);
    const draw = (seed: number, count: number) =>
      Array.from({ length: count }, (_, k) => graph.inputs.map((id, i) => syntheticInputBytes(graph.tensors[id]!, mixSeed(seed, k, i))));
    return { calibration: draw(1, n), heldOut: draw(2, n) };
  }
  if (graph.inputs.length !== 1) {
    throw new UnsupportedError(`--calib ${calib} feeds one image input; the model has ${graph.inputs.length} inputs (use random:N)`, { inputs: graph.inputs.length });
  }
  const input = graph.tensors[graph.inputs[0]!]!;
  const imageSize: [number, number] | undefined = input.shape.length >= 3 ? [input.shape[1]!, input.shape[2]!] : undefined;
  const images = (split: Split) => {
    const data = take(loadDataset({ data: calib, split, seed: 1, valFraction: 0.1, imageSize }), limit);
    checkFits(data, input);
    return Array.from({ length: data.shape[0] }, (_, k) => [imageToInputBytes(data, k, input)]);
  };
  return { calibration: images('train'), heldOut: images('test') };
}
