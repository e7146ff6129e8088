// --target wasm: model.wasm (kernels + constant data + invoke), model.js loader, model.d.ts (+ model.wat).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitWasmFiles } from '../../../codegen/wasm/index.js';
import { ToolchainError } from '../../errors.js';
import type { Target } from './types.js';

/** The package root: the nearest folder above this file holding tinyforge's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tinyforge') return dir;
    const up = dirname(dir);
    if (up === dir) throw new ToolchainError('cannot locate the tinyforge package root (for build/kernels.*.wasm)');
    dir = up;
  }
}

/** The prebuilt kernel library (npm run build:kernels). */
export function kernelLibrary(simd: boolean): Uint8Array {
  const path = join(packageRoot(), 'build', `kernels.${simd ? 'simd' : 'scalar'}.wasm`);
  if (!existsSync(path)) throw new ToolchainError(`the wasm kernel library ${path} is missing: run npm run build:kernels`, { path });
  return new Uint8Array(readFileSync(path));
}

export const wasmTarget: Target = {
  name: 'wasm',
  summary: 'WebAssembly module + ES-module loader (browsers and Node 20)',
  addOptions(command) {
    return command
      .option('--wat', '(--target wasm) also write model.wat, the text form')
      .option('--embed', '(--target wasm) embed the wasm bytes in model.js (base64) for single-file use')
      .option('--no-simd', '(--target wasm) scalar kernels, for engines without SIMD128');
  },
  async emit({ graph, schedule, options }) {
    const simd = options.simd !== false;
    const { files, emitted } = await emitWasmFiles(graph, schedule, {
      library: kernelLibrary(simd),
      simd,
      embed: options.embed === true,
      wat: options.wat === true,
    });
    const { layout, lowered } = emitted;
    return {
      files,
      summary: {
        wasmBytes: emitted.wasm.byteLength,
        codeBytes: emitted.codeBytes,
        dataSectionBytes: emitted.dataSectionBytes,
        weightBytes: lowered.dataBytes,
        recordBytes: lowered.recordBytes,
        arenaBytes: layout.arenaBytes,
        memoryBytes: layout.memoryBytes,
        pages: layout.pages,
        simd,
        kernels: emitted.symbols,
      },
    };
  },
};
