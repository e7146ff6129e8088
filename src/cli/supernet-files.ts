// A supernet folder (`nas train --out DIR`): manifest.json (format, the space and its SHA-256, the data
// and training settings, the epochs done, the tensor table, the weight file's name, size and SHA-256), one
// weights-e<N>.bin and, once `nas accuracy` ran, accuracy-predictor.json. Every file is written whole
// (temporary file + rename) and the manifest last, so an interrupted write leaves the previous checkpoint;
// a manifest that does not parse, a weight file of another size or hash, or a space that differs is refused.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError, UsageError } from '../errors.js';
import { parseSpace, type SearchSpace } from '../nas/space.js';
import type { Schedule } from '../nas/supernet-train.js';
import type { SupernetEpoch } from '../nas/supernet-train.js';
import type { TensorEntry } from '../nas/supernet-state.js';
import { readBytes, writeBytes } from './io.js';

export const MANIFEST = 'manifest.json';
export const PREDICTOR = 'accuracy-predictor.json';
const FORMAT = 'tinyforge-supernet';

export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** The space's identity: SHA-256 of its parsed, canonical JSON (choice lists sorted). */
export const spaceHash = (space: SearchSpace): string => sha256(JSON.stringify(space));

export interface SupernetManifest {
  format: typeof FORMAT;
  version: 1;
  space: SearchSpace;
  spaceSha256: string;
  data: { name: string; seed: number; valFraction: number; limit: number | null };
  training: { schedule: Schedule; batch: number; lr: number; membersPerStep: number; seed: number };
  epochsDone: number;
  history: SupernetEpoch[];
  weights: { file: string; bytes: number; sha256: string; tensors: TensorEntry[]; optimizer: TensorEntry[] };
}

function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelFormatError(`supernet ${path} is corrupted: not JSON (${(e as Error).message})`, { path });
  }
}

/** The folder's manifest, checked: format, version and the space it records (whose hash must match). */
export function readManifest(dir: string): SupernetManifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new UsageError(`${dir} holds no supernet (no ${MANIFEST}): train one with tinyforge nas train SPACE.json --data ... --out ${dir}`, { dir });
  const m = parseJson(readBytes(path, 'supernet manifest', 16 * 1024 * 1024), path) as SupernetManifest;
  if (typeof m !== 'object' || m === null || m.format !== FORMAT || m.version !== 1) {
    throw new ModelFormatError(`supernet ${path} is not a ${FORMAT} version 1 manifest`, { path, format: (m as { format?: unknown } | null)?.format });
  }
  const w = m.weights;
  if (typeof w !== 'object' || w === null || typeof w.file !== 'string' || !/^weights-e\d+\.bin$/.test(w.file) || !Number.isSafeInteger(w.bytes) || typeof w.sha256 !== 'string' || !Number.isSafeInteger(m.epochsDone) || !Array.isArray(m.history)) {
    throw new ModelFormatError(`supernet ${path} is corrupted: its weights entry or epoch count is missing or malformed`, { path });
  }
  let space: SearchSpace;
  try {
    space = parseSpace(m.space);
  } catch (e) {
    throw new ModelFormatError(`supernet ${path} is corrupted: its space does not parse (${(e as Error).message})`, { path });
  }
  if (spaceHash(space) !== m.spaceSha256) throw new ModelFormatError(`supernet ${path} is corrupted: its space hashes to ${spaceHash(space).slice(0, 12)}, the manifest says ${String(m.spaceSha256).slice(0, 12)}`, { path });
  return { ...m, space };
}

/** The weight file the manifest names, checked against its recorded size and SHA-256. */
export function readWeights(dir: string, m: SupernetManifest): Uint8Array {
  const path = join(dir, m.weights.file);
  const bytes = readBytes(path, 'supernet weights');
  if (bytes.length !== m.weights.bytes) throw new ModelFormatError(`supernet weights ${path} are corrupted: ${bytes.length} bytes, the manifest says ${m.weights.bytes}`, { path, bytes: bytes.length, expected: m.weights.bytes });
  const hash = sha256(bytes);
  if (hash !== m.weights.sha256) throw new ModelFormatError(`supernet weights ${path} are corrupted: SHA-256 ${hash.slice(0, 12)}…, the manifest says ${m.weights.sha256.slice(0, 12)}…`, { path, sha256: hash, expected: m.weights.sha256 });
  return bytes;
}

/** Refuses a supernet of another space than the one given (a resumed run, a search). */
export function checkSameSpace(m: SupernetManifest, space: SearchSpace, dir: string, spacePath: string): void {
  if (m.spaceSha256 !== spaceHash(space)) {
    throw new UsageError(`supernet ${dir} was trained on space "${m.space.name}" (SHA-256 ${m.spaceSha256.slice(0, 12)}), ${spacePath} is space "${space.name}" (${spaceHash(space).slice(0, 12)}): they differ`, {
      dir,
      trained: m.spaceSha256,
      given: spaceHash(space),
    });
  }
}

/** Writes a checkpoint: the weight file (a new name per epoch), then the manifest naming it, then removes older weight files. */
export function writeCheckpoint(dir: string, manifest: Omit<SupernetManifest, 'weights'>, weights: { bytes: Uint8Array; tensors: TensorEntry[]; optimizer: TensorEntry[] }): SupernetManifest {
  const file = `weights-e${manifest.epochsDone}.bin`;
  writeBytes(join(dir, file), weights.bytes, 'supernet weights');
  const m: SupernetManifest = { ...manifest, weights: { file, bytes: weights.bytes.length, sha256: sha256(weights.bytes), tensors: weights.tensors, optimizer: weights.optimizer } };
  writeBytes(join(dir, MANIFEST), JSON.stringify(m, null, 1) + '\n', 'supernet manifest');
  for (const f of readdirSync(dir)) if (/^weights-e\d+\.bin$/.test(f) && f !== file) rmSync(join(dir, f), { force: true });
  return m;
}

export function readPredictorJson(dir: string): unknown | null {
  const path = join(dir, PREDICTOR);
  if (!existsSync(path)) return null;
  return parseJson(readBytes(path, 'accuracy predictor', 64 * 1024 * 1024), path);
}
