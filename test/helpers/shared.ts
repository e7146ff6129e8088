// Locates ../shared (real models and TFLM golden data). Absent outside CI: suites skip with a notice.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.TINYFORGE_SHARED ?? resolve(REPO_ROOT, '../shared');
export const MODELS_DIR = join(SHARED_DIR, 'models');
export const GOLDEN_DIR = join(SHARED_DIR, 'golden');

/** True when ../shared is present; in CI its absence is a failure, elsewhere a printed notice. */
export function haveShared(): boolean {
  if (existsSync(GOLDEN_DIR) && existsSync(MODELS_DIR)) return true;
  if (process.env.CI) throw new Error(`CI=true but ${SHARED_DIR} is missing`);
  console.warn(`[skip] ${SHARED_DIR} not found: suites that need the shared models are skipped`);
  return false;
}

export interface GoldenTensor {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  bytes: number;
  file_pattern?: string;
  file?: string;
}

export interface GoldenManifest {
  model: string;
  num_input_sets: number;
  inputs: GoldenTensor[];
  outputs: GoldenTensor[];
  intermediates: GoldenTensor[];
  operators: Array<{ op: string; inputs: number[]; outputs: number[] }>;
  arena_used_bytes: number;
}

export interface GoldenModel {
  name: string;
  dir: string;
  manifest: GoldenManifest;
  modelPath: string;
}

export function goldenModels(): GoldenModel[] {
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(GOLDEN_DIR, d.name, 'manifest.json')))
    .map((d) => {
      const dir = join(GOLDEN_DIR, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GoldenManifest;
      return { name: d.name, dir, manifest, modelPath: join(MODELS_DIR, manifest.model) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function setFile(t: GoldenTensor, k: number): string {
  return t.file_pattern!.replace('{k}', String(k));
}

export function goldenInputs(g: GoldenModel, k: number): Uint8Array[] {
  return g.manifest.inputs.map((t) => new Uint8Array(readFileSync(join(g.dir, setFile(t, k)))));
}

export function goldenOutputs(g: GoldenModel, k: number): Uint8Array[] {
  return g.manifest.outputs.map((t) => new Uint8Array(readFileSync(join(g.dir, setFile(t, k)))));
}

/** TFLM's intermediate tensors for input set 0, keyed by tensor index. */
export function goldenIntermediates(g: GoldenModel): Map<number, Uint8Array> {
  return new Map(g.manifest.intermediates.map((t) => [t.index, new Uint8Array(readFileSync(join(g.dir, t.file!)))]));
}
