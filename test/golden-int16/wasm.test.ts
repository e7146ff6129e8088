// TFLM's 16x8 goldens (../shared/golden-int16) compiled to wasm modules: SIMD and scalar kernel builds,
// every output byte equal to TFLM's, each module valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded, validateWasm } from '../../codegen/wasm/index.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { goldenInt16Models, int16Inputs, int16Outputs, REPO_ROOT } from '../helpers/shared.js';

const models = goldenInt16Models();
const library = (target: 'simd' | 'scalar') => new Uint8Array(readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`)));

describe.skipIf(models.length === 0)('compiled wasm modules vs TFLM 16x8 goldens', () => {
  for (const target of ['simd', 'scalar'] as const) {
    it(`all 119 models bit-exact (${target} kernels)`, async () => {
      const lib = library(target);
      const failures: string[] = [];
      for (const g of models) {
        const schedule = scheduleOf(planModel(readTflite(new Uint8Array(readFileSync(g.modelPath))), { backend: 'wasm' }).plan);
        const emitted = emitWasm(schedule, { library: lib, simd: target === 'simd' });
        await validateWasm(emitted.wasm);
        const got = runLoaded(await instantiateEmitted(emitted), int16Inputs(g));
        const want = int16Outputs(g);
        if (got.length !== want.length || got.some((o, i) => Buffer.compare(o, want[i]!) !== 0)) failures.push(g.name);
      }
      expect(failures).toEqual([]);
    }, 600_000);
  }
});
