// Locates the shared developer models (../shared beside the repo); tests skip with a notice when absent, fail under CI.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODELS_DIR = join(repoRoot, '..', 'shared', 'models');

export interface SharedModel {
  /** Path relative to MODELS_DIR, e.g. "tflm/hello_world_int8.tflite". */
  file: string;
  name: string;
  bytes: Uint8Array;
  inventory: InventoryEntry;
}

export interface InventoryEntry {
  num_tensors_total: number;
  operators: Record<string, number>;
  operator_versions: Record<string, number[]>;
  size_bytes: number;
  [key: string]: unknown;
}

export function sharedModelsAvailable(): boolean {
  const present = existsSync(join(MODELS_DIR, 'inventory.json'));
  if (!present) {
    if (process.env.CI) throw new Error(`shared models missing at ${MODELS_DIR} (required under CI)`);
    console.warn(`[skip] shared models not found at ${MODELS_DIR}; model tests skipped`);
  }
  return present;
}

let cache: SharedModel[] | null = null;

/** Every model in inventory.json, smallest first. */
export function loadSharedModels(): SharedModel[] {
  if (cache) return cache;
  const inventory = JSON.parse(readFileSync(join(MODELS_DIR, 'inventory.json'), 'utf8')) as { models: Record<string, InventoryEntry> };
  cache = Object.entries(inventory.models)
    .map(([file, entry]) => ({
      file,
      name: file.replace(/^.*\//, '').replace(/\.tflite$/, ''),
      bytes: new Uint8Array(readFileSync(join(MODELS_DIR, file))),
      inventory: entry,
    }))
    .sort((a, b) => a.bytes.length - b.bytes.length);
  return cache;
}
