// Turning numeric arrays (from IDX or .npy files) into a Dataset: images [N,H,W] or [N,H,W,C] of uint8
// or float pixels, labels [N] (or [N,1]) of integers.
import { InputDataError, UnsupportedError } from '../errors.js';
import { checkDataset, defaultClassNames, type Dataset, type Pixels } from './types.js';

/** A numeric array as the IDX and .npy parsers return it. */
export interface NumericArray {
  dtype: string;
  shape: number[];
  data: ArrayLike<number> | BigInt64Array;
}

export interface ArraysToDataset {
  name: string;
  images: NumericArray;
  labels: NumericArray;
  /** Class names; default "0".."K-1" with K = the largest label + 1. */
  classes?: string[];
  /** File names for errors. */
  imagesFile: string;
  labelsFile: string;
}

export function datasetFromArrays(a: ArraysToDataset): Dataset {
  const { shape } = a.images;
  if (shape.length !== 3 && shape.length !== 4) {
    throw new InputDataError(`images ${a.imagesFile} have shape [${shape.join(', ')}]: expected [N, H, W] or [N, H, W, C]`, { file: a.imagesFile, shape });
  }
  const nhwc: Dataset['shape'] = [shape[0]!, shape[1]!, shape[2]!, shape[3] ?? 1];
  const images = toPixels(a.images, a.imagesFile);
  const labels = toLabels(a.labels, a.labelsFile);
  if (labels.length !== nhwc[0]) {
    throw new InputDataError(`${a.labelsFile} has ${labels.length} labels for the ${nhwc[0]} images of ${a.imagesFile}`, { images: nhwc[0], labels: labels.length });
  }
  let classes = a.classes;
  if (!classes) {
    let max = -1;
    for (const l of labels) if (l > max) max = l;
    classes = defaultClassNames(max + 1);
  }
  return checkDataset({ name: a.name, images, shape: nhwc, labels, classes });
}

/** uint8 pixels stay bytes; float pixels become float32 (taken as the values the model sees, e.g. [0, 1]). */
function toPixels(array: NumericArray, file: string): Pixels {
  if (array.dtype === 'uint8') return array.data as Uint8Array;
  if (array.dtype === 'float32' || array.dtype === 'float64') return Float32Array.from(array.data as ArrayLike<number>);
  throw new UnsupportedError(`images ${file} are ${array.dtype}: image pixels must be uint8 (0..255) or float32/float64`, { file, dtype: array.dtype });
}

/** Integer labels of shape [N] or [N, 1] as int32. */
function toLabels(array: NumericArray, file: string): Int32Array {
  const { shape, dtype, data } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new InputDataError(`labels ${file} have shape [${shape.join(', ')}]: expected [N] (one class index per image)`, { file, shape });
  }
  if (!/^u?int/.test(dtype)) throw new UnsupportedError(`labels ${file} are ${dtype}: labels must be integers`, { file, dtype });
  const out = new Int32Array(shape[0]!);
  for (let i = 0; i < out.length; i++) {
    const v = Number(data[i]!);
    if (v < 0 || v > 0x7fffffff) throw new InputDataError(`labels ${file}: label ${v} at index ${i} is not a class index`, { file, label: v, index: i });
    out[i] = v;
  }
  return out;
}
