// Labelled image datasets as plain data, browser-safe: parsing (IDX, .npy), splits and batches,
// preprocessing to a model's input, and classification metrics. Reading files is the CLI's job
// (src/cli/data/); everything here takes bytes and returns typed arrays.
export { checkDataset, checkLabels, defaultClassNames, imageAt, imageSize, type Dataset, type Pixels } from './types.js';
export { parseIdx, type IdxArray, type IdxDType } from './idx.js';
export { parseNpy, type NpyArray, type NpyDType } from './npy.js';
export { datasetFromArrays, type ArraysToDataset, type NumericArray } from './arrays.js';
export { batches, shuffledOrder, splitTrainValidation, subset, take, type SplitOptions } from './split.js';
export {
  adaptChannels,
  checkFits,
  datasetToInputs,
  imageToInputBytes,
  imageToInputValues,
  quantizeValues,
  resizeBilinear,
  toUnitRange,
  type ModelInput,
} from './preprocess.js';
export { argmax, argmaxBytes, classesForOutput, evaluatePredictions, type Evaluation } from './evaluate.js';
