// readTflite without a default deriver, so it loads without the params module (tests inject one).
import { ModelFormatError, TinyforgeError } from '../../errors.js';
import type { Graph } from '../../ir/graph.js';
import { lowerTflite, type DeriveFn } from './lower.js';
import { parseTflite } from './parse.js';

/** Reads subgraph 0 of a .tflite file into a Graph; every failure is a TinyforgeError. */
export function readTfliteWith(bytes: Uint8Array, derive: DeriveFn): Graph {
  try {
    return lowerTflite(parseTflite(bytes), derive);
  } catch (e) {
    if (e instanceof TinyforgeError) throw e;
    // A bug or an unforeseen corner of a hostile file: still a typed error for the caller.
    const message = e instanceof Error ? e.message : String(e);
    throw new ModelFormatError(`malformed TFLite file: ${message}`, { cause: e });
  }
}
