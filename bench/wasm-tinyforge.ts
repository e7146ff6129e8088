// tinyforge's side of the wasm benchmark: compile a .tflite with the wasm backend (default plan) and
// instantiate the emitted module from its bytes. Returns null while the backend has no public API.
import type { BenchEngineModel } from './wasm.js';

export interface TinyforgeCompiled {
  /** Module bytes without the weight data, and in total. */
  wasmBytes: number;
  wasmTotalBytes: number;
  /** Instantiates the emitted bytes (WebAssembly.instantiate + the loader's createModel). */
  instantiate(): Promise<BenchEngineModel>;
}

export async function compileTinyforge(_modelBytes: Uint8Array, _name: string): Promise<TinyforgeCompiled | null> {
  return null;
}
