// The wasm engine: the planned Schedule compiled in memory (kernels + constant data + invoke) and run
// in this Node process.
import { loadWasmBackend } from '../../../codegen/wasm/backend.js';
import { checkInputs } from '../../reference/interpreter.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { loadKernelLibrary } from '../../package-asset.js';
import type { Engine } from './types.js';

export const wasmEngine: Engine = {
  name: 'wasm',
  summary: 'the compiled WebAssembly module (SIMD kernels), run in this process',
  async run({ graph, inputs, plan }) {
    const { plan: p } = planModel(graph, { ...plan, backend: 'wasm' });
    const schedule = scheduleOf(p);
    checkInputs(schedule.graph, inputs);
    const { emitWasm, instantiateEmitted, runLoaded } = await loadWasmBackend();
    const emitted = emitWasm(schedule, { library: await loadKernelLibrary(true), simd: true });
    const model = await instantiateEmitted(emitted);
    const start = performance.now();
    const outputs = runLoaded(model, inputs);
    return {
      outputs,
      details: { ms: performance.now() - start, arenaBytes: schedule.arenaBytes, wasmBytes: emitted.wasm.byteLength, kernels: emitted.symbols },
    };
  },
};
