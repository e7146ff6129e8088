// TFLite import/export: .tflite bytes <-> Graph.
import type { Graph } from '../../ir/graph.js';
import { deriveParams } from '../../ir/params/index.js';
import type { DeriveFn } from './lower.js';
import { readTfliteWith } from './read.js';

export { writeTflite } from './write.js';
export { readTfliteWith } from './read.js';
export { lowerTflite, type DeriveFn } from './lower.js';
export { parseTflite, type RawOperator, type TfliteModel } from './parse.js';
export { MAX_OP_VERSION } from './versions.js';

/** Reads subgraph 0 of a .tflite file into a Graph with derived params; failures are TinyforgeErrors. */
export function readTflite(bytes: Uint8Array, derive: DeriveFn = deriveParams): Graph {
  return readTfliteWith(bytes, derive);
}
export { unsupportedOperators, type UnsupportedOperator } from './operators.js';
