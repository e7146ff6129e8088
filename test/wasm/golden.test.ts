// Every golden model compiled to wasm (kernels + constant data + invoke) gives TFLite Micro's bytes on
// every input set: default plan, --no-inplace, --patch auto (SIMD), the default plan on the scalar
// build, and mcunet_vww with int8 I/O and a patch plan. Each module validates with wabt, declares
// exactly the pages its constant data and arena need, and its code stays small.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded, validateWasm, WASM_PAGE } from '../../codegen/wasm/index.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, REPO_ROOT } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];
const library = (target: 'simd' | 'scalar') => new Uint8Array(readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`)));

const SETTINGS: Array<[string, PlanModelOptions, 'simd' | 'scalar']> = [
  ['default', {}, 'simd'],
  ['--no-inplace', { inplace: false }, 'simd'],
  ['--patch auto', { patch: 'auto' }, 'simd'],
  ['default, scalar build', {}, 'scalar'],
];

describe.skipIf(models.length === 0)('compiled wasm modules vs TFLite Micro golden outputs', () => {
  for (const g of models) {
    for (const [label, options, target] of SETTINGS) {
      it(`${g.name} (${label}): bit-exact on every input set, valid, memory sized to the plan`, async () => {
        const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
        const schedule = scheduleOf(planModel(graph, { ...options, backend: 'wasm' }).plan);
        const emitted = emitWasm(schedule, { library: library(target), simd: target === 'simd' });
        await validateWasm(emitted.wasm);
        const { layout } = emitted;
        expect(layout.arenaBase).toBe(Math.ceil(emitted.lowered.constants.length / 16) * 16);
        // nothing after the arena: the kernels' workspace is planned inside it
        expect(layout.memoryBytes).toBe(layout.arenaBase + schedule.arenaBytes);
        expect(layout.pages).toBe(Math.max(1, Math.ceil(layout.memoryBytes / WASM_PAGE)));
        expect(emitted.codeBytes).toBeLessThan(64 * 1024);
        const model = await instantiateEmitted(emitted);
        expect(model.memory.buffer.byteLength).toBe(layout.pages * WASM_PAGE);
        for (let k = 0; k < g.manifest.num_input_sets; k++) {
          const got = runLoaded(model, goldenInputs(g, k));
          const want = goldenOutputs(g, k);
          got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `${g.name} set ${k} output ${i}`).toBe(0));
        }
      });
    }
  }

  it('mcunet_vww --int8-io --patch auto: a patch plan, bit-exact through the int8 interface', async () => {
    const g = models.find((m) => m.name === 'mcunet_vww')!;
    const source = readTflite(new Uint8Array(readFileSync(g.modelPath)));
    const planned = planModel(source, { int8Io: true, patch: 'auto', backend: 'wasm' });
    expect(planned.patch).not.toBeNull();
    const schedule = scheduleOf(planned.plan);
    expect(schedule.calls.some((c) => c.type === 'copy-window')).toBe(true);
    const emitted = emitWasm(schedule, { library: library('simd'), simd: true });
    await validateWasm(emitted.wasm);
    const model = await instantiateEmitted(emitted);
    // The stripped QUANTIZE / DEQUANTIZE run by the reference around the int8 module.
    const first = source.ops[0]!, last = source.ops[source.ops.length - 1]!;
    const quantize = { ...source, ops: [first], outputs: [first.outputs[0]!] };
    const dequantize = { ...source, ops: [last], inputs: [last.inputs[0]!] };
    for (let k = 0; k < g.manifest.num_input_sets; k++) {
      const int8In = runReference(quantize, goldenInputs(g, k)).outputs;
      const got = runReference(dequantize, runLoaded(model, int8In)).outputs;
      got.forEach((o, i) => expect(Buffer.compare(o, goldenOutputs(g, k)[i]!), `set ${k}`).toBe(0));
    }
  });
});
