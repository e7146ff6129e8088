// The WebAssembly backend: a Schedule -> model.wasm + model.mjs (loader) + model.d.mts (+ model.wat).
// Browser-safe: the caller supplies the kernel library's bytes.
import type { Graph } from '../../src/ir/graph.js';
import type { Schedule } from '../../src/schedule/types.js';
import { emitWasm, type EmittedWasm, type WasmEmitOptions } from './emit.js';
import { loaderSource, loaderTypes, modelMeta, type ModelMeta } from './loader.js';
import { checkWasm, validateWasm } from './validate.js';

export interface WasmFilesOptions extends WasmEmitOptions {
  /** Embed the wasm bytes (base64) in model.mjs for single-file use (model.wasm is still written). */
  embed?: boolean;
  /** Also produce model.wat. */
  wat?: boolean;
}

export interface EmittedFile {
  path: string;
  contents: Uint8Array | string;
}

export interface WasmFiles {
  files: EmittedFile[];
  emitted: EmittedWasm;
  meta: ModelMeta;
}

/** Emits, validates (the engine's validator; wabt's for --wat), and renders the loader. `graph` is the graph the schedule runs (after passes). */
export async function emitWasmFiles(graph: Graph, schedule: Schedule, options: WasmFilesOptions): Promise<WasmFiles> {
  const emitted = emitWasm(schedule, options);
  const text = options.wat ? await validateWasm(emitted.wasm, { text: true }) : (await checkWasm(emitted.wasm), null);
  const meta = modelMeta(graph, emitted);
  const files: EmittedFile[] = [
    { path: 'model.wasm', contents: emitted.wasm },
    { path: 'model.mjs', contents: loaderSource(meta, options.embed ? emitted.wasm : null) },
    { path: 'model.d.mts', contents: loaderTypes(meta) },
  ];
  if (text !== null) files.push({ path: 'model.wat', contents: text });
  return { files, emitted, meta };
}

export { emitWasm, WASM_PAGE, type EmittedWasm, type WasmEmitOptions, type WasmLayout } from './emit.js';
export { instantiateEmitted, runLoaded, type LoadedModel } from './run.js';
export { loaderSource, loaderTypes, modelMeta, type ModelMeta, type TensorMeta } from './loader.js';
export { checkWasm, validateWasm } from './validate.js';

