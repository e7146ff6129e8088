// The only place that touches files: read and write whole files with errors that name them.
import { readFileSync, writeFileSync } from 'node:fs';
import { InputDataError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { readTflite } from '../import/tflite/index.js';

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new InputDataError(`cannot read ${what} ${path}: ${reason}`, { path, reason });
  }
}

export function writeBytes(path: string, bytes: Uint8Array | string, what: string): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new InputDataError(`cannot write ${what} ${path}: ${reason}`, { path, reason });
  }
}

export function loadModel(path: string): Graph {
  return readTflite(readBytes(path, 'model file'));
}
