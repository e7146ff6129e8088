// The wasm backend loads on first use, by the commands and calls that emit a module. It links with its own
// code (link.ts) and checks with the engine's validator; wabt (an optional dependency, ~0.1 s of CPU to
// import) loads only for --wat or to name what the engine rejects, and may be absent.
import { optionalPackageError } from '../../src/optional-package.js';

export type WasmBackend = typeof import('./index.js');

/** The npm packages the backend imports, named in the error when one is not installed. */
const PACKAGES = ['wabt'] as const;

let backend: Promise<WasmBackend> | null = null;

/** Named in a variable so that browser bundles of the library leave the wasm backend and wabt out (wabt needs Node's fs and module). */
const BACKEND_MODULE = './index.js';

/** A ToolchainError naming the package and the install line when `error` is a missing backend package; `error` otherwise. */
export function backendError(error: unknown): unknown {
  return optionalPackageError(error, PACKAGES, 'the wasm backend');
}

/** codegen/wasm/index.js, imported once; rejects with E_TOOLCHAIN naming a missing package. */
export function loadWasmBackend(): Promise<WasmBackend> {
  backend ??= (import(/* @vite-ignore */ BACKEND_MODULE) as Promise<WasmBackend>).catch((e: unknown) => {
    backend = null;
    throw backendError(e);
  });
  return backend;
}
