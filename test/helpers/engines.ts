// One model run on every engine a single-op test checks: the reference kernels, the wasm module (SIMD
// and scalar kernel libraries) and, where gcc is installed, the host C build with ASan and UBSan.
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { join } from 'node:path';
import { emitC } from '../../codegen/c/emit.js';
import { prepareHostC, runCompiled } from '../../src/cli/engines/c.js';
import { readOutputRecords, writeInputRecords } from '../../src/cli/engines/records.js';
import { buildDir, compile, hostToolchain, kernelArchive, removeDir, writeFiles } from '../../src/cli/c-toolchain.js';
import { createScheduleSession } from '../../src/reference/execute.js';
import type { Graph } from '../../src/ir/graph.js';
import { loadKernelLibrary } from '../../src/package-asset.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { createReferenceSession, runReference } from '../../src/reference/interpreter.js';
import { haveTools } from '../c/toolchain.js';

/** Every output's bytes keyed by engine (`reference`, `wasm`, `scalar`, `c` when `hostC`), planned for the wasm kernels (their workspace; the C kernels take what fits). */
/** `withReference: false` leaves the reference out (inputs it refuses, to see what the compiled kernels do). */
export async function runOnEveryEngine(graph: Graph, inputs: Uint8Array[], hostC: boolean, withReference = true): Promise<Record<string, Uint8Array[]>> {
  const schedule = scheduleOf(planModel(graph, { backend: 'wasm' }).plan);
  const runs: Record<string, Uint8Array[]> = {
    ...(withReference ? { reference: runReference(graph, inputs).outputs } : {}),
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

/** C main for runSequenceOnEveryEngine: every record of in0.bin.. invoked in order, then model_reset(), then all of them again. */
const SEQUENCE_MAIN = `#include <stdio.h>
#include <stdlib.h>
#include "model.h"
static int pass(long records) {
  for (long r = 0; r < records; r++) {
    for (int i = 0; i < MODEL_NUM_INPUTS; i++) {
      char name[32]; snprintf(name, sizeof name, "in%d.bin", i);
      FILE *f = fopen(name, "rb");
      if (!f || fseek(f, r * (long)model_input_bytes(i), SEEK_SET) != 0 || fread(model_input(i), 1, model_input_bytes(i), f) != model_input_bytes(i)) return 3;
      fclose(f);
    }
    if (model_invoke() != 0) return 4;
    for (int i = 0; i < MODEL_NUM_OUTPUTS; i++) {
      char name[32]; snprintf(name, sizeof name, "out%d.bin", i);
      FILE *f = fopen(name, "ab");
      if (!f || fwrite(model_output(i), 1, model_output_bytes(i), f) != model_output_bytes(i)) return 5;
      fclose(f);
    }
  }
  return 0;
}
int main(int argc, char **argv) {
  (void)argv;
  if (argc != 2 || model_init(NULL) != 0) return 2;
  long records = atol(argv[1]);
  int status = pass(records);
  if (status != 0) return status;
  model_reset();
  return pass(records);
}
`;

/**
 * A sequence of invokes on one instance per engine, then reset() and the same sequence again: each
 * engine's outputs (2 x sequence.length sets). State carried across invokes must show in the first half;
 * reset must make the second half equal it. Engines: reference (graph session), planned (the planned arena
 * in the reference executor), wasm SIMD/scalar, and host C with ASan+UBSan when `hostC`.
 */
export async function runSequenceOnEveryEngine(graph: Graph, sequence: Uint8Array[][], hostC: boolean): Promise<Record<string, Uint8Array[][]>> {
  const schedule = scheduleOf(planModel(graph, { backend: 'wasm' }).plan);
  const twice = <S extends { reset(): void }>(session: S, invoke: (inputs: Uint8Array[]) => Uint8Array[]) => {
    const first = sequence.map(invoke);
    session.reset();
    return [...first, ...sequence.map(invoke)];
  };
  const reference = createReferenceSession(graph);
  const planned = createScheduleSession(schedule);
  const runs: Record<string, Uint8Array[][]> = {
    reference: twice(reference, (x) => reference.invoke(x).outputs),
    planned: twice(planned, (x) => planned.invoke(x).outputs),
  };
  for (const simd of [true, false]) {
    const loaded = await instantiateEmitted(emitWasm(schedule, { library: await loadKernelLibrary(simd), simd }));
    runs[simd ? 'wasm' : 'scalar'] = twice(loaded, (x) => runLoaded(loaded, x));
  }
  if (hostC) {
    const model = emitC(schedule);
    const tc = hostToolchain(true);
    const lib = kernelArchive(tc);
    const dir = buildDir('c-seq');
    try {
      writeFiles(dir, { ...model.files, 'main.c': SEQUENCE_MAIN });
      compile(tc.cc, [...tc.cflags, '-I', lib.includeDir, '-I', dir, 'model.c', 'main.c', lib.archive, '-o', 'model'], dir);
      writeInputRecords(dir, schedule, sequence);
      runCompiled(join(dir, 'model'), [String(sequence.length)], dir, 60_000);
      runs.c = readOutputRecords(dir, schedule, 2 * sequence.length, 'the sequence harness');
    } finally {
      removeDir(dir);
    }
  }
  return runs;
}
