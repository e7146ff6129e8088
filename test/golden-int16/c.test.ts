// TFLM's 16x8 goldens (../shared/golden-int16) through the generated C: on the host (gcc with
// AddressSanitizer + UBSan) and on QEMU's Cortex-M4F (mps2-an386), bit-exact, in the default plan.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { goldenInt16Models, int16Inputs, int16Outputs, type GoldenInt16Model } from '../helpers/shared.js';
import { haveTools } from '../c/toolchain.js';

const models = goldenInt16Models();
const hostOk = models.length > 0 && haveTools('C int16 golden (host)', ['gcc', 'ar']);
const qemuOk = models.length > 0 && haveTools('C int16 golden (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);

const scheduleFor = (g: GoldenInt16Model) => scheduleOf(planModel(readTflite(new Uint8Array(readFileSync(g.modelPath)))).plan);

/** Runs every model through `prepare`; the names of those whose outputs differ from TFLM's. */
function mismatches(prepare: (g: GoldenInt16Model) => { run(inputs: Uint8Array[]): { outputs: Uint8Array[] }; dispose(): void }): string[] {
  const failures: string[] = [];
  for (const g of models) {
    const prepared = prepare(g);
    try {
      const got = prepared.run(int16Inputs(g)).outputs;
      const want = int16Outputs(g);
      if (got.length !== want.length || got.some((o, i) => Buffer.compare(o, want[i]!) !== 0)) failures.push(g.name);
    } finally {
      prepared.dispose();
    }
  }
  return failures;
}

describe.skipIf(!hostOk)('generated C on the host (gcc -fsanitize=address,undefined) vs TFLM 16x8 goldens', () => {
  it('all 119 models bit-exact', () => {
    expect(mismatches((g) => prepareHostC(scheduleFor(g), { sanitize: true }))).toEqual([]);
  }, 1_200_000);
});

describe.skipIf(!qemuOk)('generated C on QEMU mps2-an386 (Cortex-M4F) vs TFLM 16x8 goldens', () => {
  it('all 119 models bit-exact', () => {
    expect(mismatches((g) => prepareQemu(scheduleFor(g), QEMU_BOARDS['qemu-m4']))).toEqual([]);
  }, 1_200_000);
});
