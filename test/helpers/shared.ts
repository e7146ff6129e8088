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

// ---- ../shared/golden-int16: TFLM's 16x8 integration tests (one input set, one output each) ----

export const GOLDEN_INT16_DIR = join(SHARED_DIR, 'golden-int16');

export interface GoldenInt16Model {
  name: string;
  dir: string;
  modelPath: string;
  inputs: string[];
  outputs: string[];
}

/** The golden-int16 models, or [] with a printed notice when the folder is absent (a failure under CI). */
export function goldenInt16Models(): GoldenInt16Model[] {
  if (!existsSync(GOLDEN_INT16_DIR)) {
    if (process.env.CI) throw new Error(`CI=true but ${GOLDEN_INT16_DIR} is missing`);
    console.warn(`[skip] ${GOLDEN_INT16_DIR} not found: the int16 golden suites are skipped`);
    return [];
  }
  return readdirSync(GOLDEN_INT16_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(GOLDEN_INT16_DIR, d.name, 'manifest.json')))
    .map((d) => {
      const dir = join(GOLDEN_INT16_DIR, d.name);
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { model: string; inputs: Array<{ file: string }>; outputs: Array<{ file: string }> };
      return { name: d.name, dir, modelPath: join(MODELS_DIR, m.model), inputs: m.inputs.map((t) => t.file), outputs: m.outputs.map((t) => t.file) };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function int16Inputs(g: GoldenInt16Model): Uint8Array[] {
  return g.inputs.map((f) => new Uint8Array(readFileSync(join(g.dir, f))));
}

export function int16Outputs(g: GoldenInt16Model): Uint8Array[] {
  return g.outputs.map((f) => new Uint8Array(readFileSync(join(g.dir, f))));
}

// ---- ../shared/golden-compressed: TFLM's LUT-compressed models ----

export const GOLDEN_COMPRESSED_DIR = join(SHARED_DIR, 'golden-compressed');

/** True when ../shared/golden-compressed is present (TFLM's LUT-compressed models); else a printed notice. */
export function haveCompressedGolden(): boolean {
  if (existsSync(GOLDEN_COMPRESSED_DIR)) return true;
  if (process.env.CI) throw new Error(`CI=true but ${GOLDEN_COMPRESSED_DIR} is missing`);
  console.warn(`[skip] ${GOLDEN_COMPRESSED_DIR} not found: the LUT-compressed golden suites are skipped`);
  return false;
}

/**
 * TFLM's LUT-compressed models, each in both formats (COMPRESSION_METADATA and DECODE operators), as
 * GoldenModels; the DECODE-format entry shares the metadata entry's intermediates (same tensor indices).
 */
export function compressedGoldenModels(): GoldenModel[] {
  return readdirSync(GOLDEN_COMPRESSED_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(GOLDEN_COMPRESSED_DIR, d.name, 'manifest.json')))
    .flatMap((d) => {
      const dir = join(GOLDEN_COMPRESSED_DIR, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GoldenManifest & { snapped_model: string };
      const decodeDir = join(dir, 'decode_op_format');
      const decode = JSON.parse(readFileSync(join(decodeDir, 'manifest.json'), 'utf8')) as GoldenManifest;
      const shared = manifest.intermediates.map((t) => ({ ...t, file: `../${t.file}` }));
      return [
        { name: `${d.name} (metadata)`, dir, manifest, modelPath: join(dir, manifest.model) },
        { name: `${d.name} (decode op)`, dir: decodeDir, manifest: { ...decode, num_input_sets: manifest.num_input_sets, intermediates: shared }, modelPath: join(decodeDir, decode.model) },
        { name: `${d.name} (snapped)`, dir, manifest, modelPath: join(dir, manifest.snapped_model) },
      ];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
