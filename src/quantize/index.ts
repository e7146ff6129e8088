// Post-training int8 quantization of float32 graphs (issue #12 item 1): calibrate, quantize, compare.
export { MinMaxObserver, type RangeObserver } from './observer.js';
export { calibrate, type RangeTable } from './calibrate.js';
export { asymmetricInt8, biasInt32, symmetricPerChannel, type AffineParams } from './schemes.js';
export { checkQuantizable, quantizeGraph } from './graph.js';
export { compareQuantized, type Agreement, type LayerSqnr } from './compare.js';

import type { Graph } from '../ir/graph.js';
import { calibrate } from './calibrate.js';
import { quantizeGraph } from './graph.js';

/** Calibrates `graph` on the samples (min/max) and returns its int8 form with float I/O. */
export function quantizeModel(graph: Graph, samples: ReadonlyArray<readonly Uint8Array[]>, model?: string): Graph {
  return quantizeGraph(graph, calibrate(graph, samples), model);
}
