// --target wasm: model.wasm (kernels + constant data + invoke), model.mjs loader, model.d.mts (+ model.wat).
import { compileModel } from '../../pipeline.js';
import type { Target } from './types.js';

export const wasmTarget: Target = {
  name: 'wasm',
  summary: 'WebAssembly module + ES-module loader (browsers and Node 20)',
  addOptions(command) {
    return command
      .option('--wat', '(--target wasm) also write model.wat, the text form')
      .option('--embed', '(--target wasm) embed the wasm bytes in model.mjs (base64) for single-file use')
      .option('--no-simd', '(--target wasm) scalar kernels, for engines without SIMD128');
  },
  async emit({ graph, plan, options }) {
    const simd = options.simd !== false;
    const compiled = await compileModel(graph, { ...plan, target: 'wasm', simd, embed: options.embed === true, wat: options.wat === true });
    const { emitted } = compiled.wasm;
    const { layout, lowered } = emitted;
    return {
      compiled,
      files: compiled.files,
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
