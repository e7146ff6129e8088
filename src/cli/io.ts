// The only place that touches files: read and write whole files with errors that name them.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
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

/**
 * Creates a folder and its missing parents, one component at a time. Node's recursive mkdir can spin
 * forever on some special file systems (e.g. a path under /proc); this ends in a typed error instead.
 */
export function makeFolder(path: string, what: string): void {
  const parts = resolve(path).split(sep).filter(Boolean);
  let current: string = sep;
  for (const part of parts) {
    current = join(current, part);
    try {
      if (statSync(current).isDirectory()) continue;
      throw new InputDataError(`cannot create ${what} ${path}: ${current} is not a folder`, { path, at: current });
    } catch (e) {
      if (e instanceof InputDataError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw folderError(path, what, e);
    }
    try {
      mkdirSync(current);
    } catch (e) {
      throw folderError(path, what, e);
    }
  }
}

function folderError(path: string, what: string, e: unknown): InputDataError {
  const reason = (e as NodeJS.ErrnoException).code ?? String(e);
  return new InputDataError(`cannot create ${what} ${path}: ${reason}`, { path, reason });
}
