// Post-training int8 quantization of float32 graphs (issue #12 item 1): calibrate, quantize, correct
// biases, compare.
export { MinMaxObserver, HistogramObserver, CALIB_METHODS, RANGE_METHODS, DEFAULT_PERCENTILE, type CalibMethod, type RangeMethod, type RangeChoice, type RangeObserver } from './observer.js';
export { ValueHistogram } from './histogram.js';
export { calibrate, calibrateWith, type Calibration, type CalibrationOptions, type RangeTable } from './calibrate.js';
export { asymmetricInt8, biasInt32, biasInt64, symmetricInt16, symmetricPerChannel, symmetricPerTensor, type AffineParams } from './schemes.js';
export { calibratedTensors, checkQuantizable, NOT_YET_QUANTIZED, QUANTIZABLE_KINDS, quantizeGraph, type ActivationDtype, type QuantizeGraphOptions } from './graph.js';
export { correctBiases, type BiasCorrection } from './bias-correction.js';
export { compareInt8Io, compareQuantized, type Agreement, type LayerSqnr } from './compare.js';
export { dequantized, floatValues } from './values.js';

import type { Graph } from '../ir/graph.js';
import { correctBiases, type BiasCorrection } from './bias-correction.js';
import { calibrateWith, type CalibrationOptions } from './calibrate.js';
import { calibratedTensors, quantizeGraph, type QuantizeGraphOptions } from './graph.js';
import type { RangeChoice } from './observer.js';

export interface QuantizeOptions extends CalibrationOptions, QuantizeGraphOptions {
  /** Correct each conv/FC bias by the mean float − int8 output over the calibration samples. */
  biasCorrection?: boolean;
}

export interface TensorCalibration extends RangeChoice {
  tensor: number;
  name: string;
}

export interface QuantizeResult {
  graph: Graph;
  /** Per calibrated tensor (graph inputs, calibrated op outputs): the method that won and each one's MSE; empty for min/max. */
  tensors: TensorCalibration[];
  corrections: BiasCorrection[];
}

/** Calibrates `graph` on the samples, quantizes it (int8 with float I/O) and optionally corrects its biases. */
export function quantizeWithReport(graph: Graph, samples: ReadonlyArray<readonly Uint8Array[]>, model?: string, options: QuantizeOptions = {}): QuantizeResult {
  const { ranges, choices } = calibrateWith(graph, samples, options);
  const int8 = quantizeGraph(graph, ranges, model, options);
  const tensors = choices
    ? calibratedTensors(graph).flatMap((id) => {
        const c = choices.get(id);
        return c ? [{ tensor: id, name: graph.tensors[id]!.name, ...c }] : [];
      })
    : [];
  if (!options.biasCorrection) return { graph: int8, tensors, corrections: [] };
  const corrected = correctBiases(graph, int8, samples);
  return { graph: corrected.graph, tensors, corrections: corrected.corrections };
}

/** Calibrates `graph` on the samples (min/max unless options say otherwise) and returns its int8 form with float I/O. */
export function quantizeModel(graph: Graph, samples: ReadonlyArray<readonly Uint8Array[]>, model?: string, options: QuantizeOptions = {}): Graph {
  return quantizeWithReport(graph, samples, model, options).graph;
}
