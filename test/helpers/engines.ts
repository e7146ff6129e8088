// One model run on every engine a single-op test checks: the reference kernels, the wasm module (SIMD
// and scalar kernel libraries) and, where gcc is installed, the host C build with ASan and UBSan.
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import type { Graph } from '../../src/ir/graph.js';
import { loadKernelLibrary } from '../../src/package-asset.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { haveTools } from '../c/toolchain.js';

/** Every output's bytes keyed by engine (`reference`, `wasm`, `scalar`, `c` when `hostC`), planned for the wasm kernels (their workspace; the C kernels take what fits). */
export async function runOnEveryEngine(graph: Graph, inputs: Uint8Array[], hostC: boolean): Promise<Record<string, Uint8Array[]>> {
  const schedule = scheduleOf(planModel(graph, { backend: 'wasm' }).plan);
  const runs: Record<string, Uint8Array[]> = {
    reference: runReference(graph, inputs).outputs,
    wasm: runLoaded(await instantiateEmitted(emitWasm(schedule, { library: await loadKernelLibrary(true), simd: true })), inputs),
    scalar: runLoaded(await instantiateEmitted(emitWasm(schedule, { library: await loadKernelLibrary(false), simd: false })), inputs),
  };
  if (hostC) {
    const prepared = prepareHostC(schedule, { sanitize: true, timeoutMs: 60_000 });
    try {
      runs.c = prepared.run(inputs).outputs;
    } finally {
      prepared.dispose();
    }
  }
  return runs;
}

/** Whether the host C engine can run here (a notice, or a failure under CI=true, when it cannot). */
export const hostCFor = (suite: string): boolean => haveTools(suite, ['gcc', 'ar']);
