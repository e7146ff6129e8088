// tinyforge's side of the wasm benchmark, through the one compile driver: compileModel
// (default plan: the model's own I/O types; passes as `tinyforge compile --target wasm` runs them; SIMD
// kernels), then the emitted ES-module loader (model.mjs) instantiating the emitted bytes with
// createModel(bytes) and its typed-array input/output views.
//
// Module size without weights: the emitted module minus the bytes its data segments place in the
// constant-arrays region (weights, biases, per-channel multipliers/shifts, lookup tables: everything
// before the first argument record, see src/schedule/abi/constants.ts). What remains is the kernels, the generated
// invoke, the argument records and the module's structure. Read from the module's data section itself
// (binaryen may split the segment around runs of zeros when it optimizes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmittedWasm } from '../codegen/wasm/index.js';
import { compileModel } from '../src/pipeline.js';
import { readTflite } from '../src/import/tflite/index.js';
import type { BenchEngineModel } from './wasm.js';
import { firstInferenceMs, type FirstInference } from './wasm-first.js';

/** What model.mjs exports (its model.d.mts, in brief). */
export interface LoaderModule {
  createModel(source: Uint8Array | ArrayBuffer): Promise<{ inputs: ArrayBufferView[]; outputs: ArrayBufferView[]; invoke(): void }>;
}

export interface TinyforgeCompiled {
  /** Module bytes without the weight data, and in total. */
  wasmBytes: number;
  wasmTotalBytes: number;
  /** Bytes of constant arrays the module carries (weights, biases, multipliers, tables). */
  weightBytes: number;
  /** createModel(bytes) of the emitted loader, with the engine interface of the benchmark. */
  instantiate(): Promise<BenchEngineModel>;
  /** Median ms from createModel(bytes) to the first output in fresh processes (bench/wasm-first.ts), and that output. */
  firstInference(inputs: Uint8Array[]): FirstInference;
  /** Removes the temporary folder holding model.mjs / model.wasm. */
  dispose(): void;
}

const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

export async function compileTinyforge(modelBytes: Uint8Array): Promise<TinyforgeCompiled> {
  const { files, wasm: { emitted } } = await compileModel(readTflite(modelBytes), { target: 'wasm', simd: true });
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-bench-'));
  for (const f of files) writeFileSync(join(dir, f.path), f.contents);
  const loaderPath = join(dir, 'model.mjs');
  const weightBytes = weightDataBytes(emitted);
  return {
    wasmBytes: emitted.wasm.byteLength - weightBytes,
    wasmTotalBytes: emitted.wasm.byteLength,
    weightBytes,
    async instantiate() {
      const loader = (await import(pathToFileURL(loaderPath).href)) as LoaderModule;
      const m = await loader.createModel(emitted.wasm);
      return {
        setInput(i, bytes) {
          const view = bytesOf(m.inputs[i]!);
          if (view.length !== bytes.length) throw new Error(`input ${i} takes ${view.length} bytes, got ${bytes.length}`);
          view.set(bytes);
        },
        invoke: () => m.invoke(),
        readOutputs: () => m.outputs.map((v) => bytesOf(v).slice()),
      };
    },
    firstInference: (inputs) => firstInferenceMs({ loader: loaderPath, wasm: join(dir, 'model.wasm'), inputs }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Bytes the module's active data segments place below the first argument record (the constant arrays). */
export function weightDataBytes(emitted: EmittedWasm): number {
  const { constBase } = emitted.layout;
  const records = emitted.lowered.calls.map((c) => c.record);
  const arraysEnd = constBase + (records.length ? Math.min(...records) : emitted.layout.constBytes);
  let total = 0;
  for (const seg of dataSegments(emitted.wasm)) {
    if (seg.offset === null) continue;
    total += Math.max(0, Math.min(seg.offset + seg.length, arraysEnd) - Math.max(seg.offset, constBase));
  }
  return total;
}

/** Active data segments of a wasm binary: start address (null when not an i32.const) and length. */
export function dataSegments(wasm: Uint8Array): Array<{ offset: number | null; length: number }> {
  let p = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = wasm[p++]!;
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  };
  const s32 = () => {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = wasm[p++]!;
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  };
  const out: Array<{ offset: number | null; length: number }> = [];
  while (p < wasm.length) {
    const id = wasm[p++]!;
    const size = u32();
    const end = p + size;
    if (id === 11) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const flags = u32();
        let offset: number | null = null;
        if (flags !== 1) {
          // active (flags 0, or 2 with a memory index); 1 is passive (no address)
          if (flags === 2) u32();
          if (wasm[p++] === 0x41) offset = s32();
          while (wasm[p++] !== 0x0b); // to the end of the constant expression
        }
        const length = u32();
        out.push({ offset, length });
        p += length;
      }
    }
    p = end;
  }
  return out;
}
