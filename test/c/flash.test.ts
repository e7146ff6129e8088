// The flash figures (src/cost/flash.ts): the checked-in tables are what the installed arm-none-eabi-gcc
// gives (else `npm run bench:flash`), and the predicted .text/.rodata/.bss of every golden model are
// within 5% of arm-none-eabi-size of the model linked alone (its API as the roots, as an application links it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flashTableFor, linkModelImage } from '../../bench/flash-table.js';
import { emitC } from '../../codegen/c/emit.js';
import { estimateFlash, flashTable } from '../../src/cost/flash.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import type { ArmCpu } from '../../src/cli/c-toolchain.js';
import { goldenModels, haveShared } from '../helpers/shared.js';
import { haveTools } from './toolchain.js';
import { cli } from '../helpers/cli.js';
import { plan, loadModel } from '../../src/index.js';

const ok = haveTools('flash tables', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size']);
const models = ok && haveShared() ? goldenModels() : [];

describe.skipIf(!ok)('flash tables', () => {
  it('cortex-m4: the checked-in table is what arm-none-eabi-gcc gives now (else: npm run bench:flash)', () => {
    const now = flashTableFor('cortex-m4');
    const stored = flashTable('cortex-m4');
    expect(stored.flags).toEqual(now.flags);
    expect(stored.model).toEqual(now.model);
    expect(stored.runtime).toEqual(now.runtime);
    expect(stored.sections).toEqual(now.sections);
    expect(stored.kernels).toEqual(now.kernels);
    // conv2d_s8 keeps its helpers and newlib's memset; a helper shared by two kernels is one section
    expect(now.kernels['conv2d_s8']!.length).toBeGreaterThan(1);
    expect(now.kernels['conv2d_s8']!.some((k) => k.startsWith('libc_nano.a('))).toBe(true);
  }, 300_000);
});

describe.skipIf(models.length === 0)('flash prediction against the linked image', () => {
  for (const cpu of ['cortex-m4', 'generic'] as ArmCpu[]) {
    it(`${cpu}: every golden model's predicted .text, .rodata and .bss within 5% of arm-none-eabi-size`, () => {
      const rows: string[] = [];
      for (const g of models) {
        const schedule = scheduleOf(planModel(readTflite(new Uint8Array(readFileSync(g.modelPath))), {}).plan);
        const predicted = estimateFlash(schedule, cpu);
        const { sizes } = linkModelImage(emitC(schedule), cpu);
        const measured = { text: sizes['.text'] ?? 0, rodata: sizes['.rodata'] ?? 0, data: sizes['.data'] ?? 0, bss: sizes['.bss'] ?? 0 };
        rows.push(`${g.name}: text ${predicted.textBytes}/${measured.text} rodata ${predicted.rodataBytes}/${measured.rodata} bss ${predicted.bssBytes}/${measured.bss}`);
        expect(Math.abs(predicted.textBytes / measured.text - 1), `${g.name} .text`).toBeLessThan(0.05);
        expect(Math.abs(predicted.rodataBytes / measured.rodata - 1), `${g.name} .rodata`).toBeLessThan(0.05);
        expect(Math.abs(predicted.bssBytes / measured.bss - 1), `${g.name} .bss`).toBeLessThan(0.05);
        expect(predicted.dataBytes, `${g.name} .data`).toBe(measured.data);
        expect(predicted.totalBytes).toBe(predicted.textBytes + predicted.rodataBytes + predicted.dataBytes);
      }
      console.log(rows.join('\n'));
    }, 600_000);
  }
});

describe.skipIf(models.length === 0)('the flash figure in compile and plan', () => {
  it('compile --target c prints the predicted sections and plan --json carries the same flash for the same --cpu', async () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const out = mkdtempSync(join(tmpdir(), 'tinyforge-flash-cli-'));
    try {
      const text = await cli('compile', g.modelPath, '--target', 'c', '--cpu', 'cortex-m7', '--out', join(out, 'c'));
      expect(text.code, text.stderr).toBe(0);
      const predicted = estimateFlash(scheduleOf(planModel(readTflite(new Uint8Array(readFileSync(g.modelPath))), {}).plan), 'cortex-m7');
      expect(text.stdout).toContain(`predicted for cortex-m7 (the model linked with --gc-sections): .text ${predicted.textBytes} B + .rodata ${predicted.rodataBytes} B + .data ${predicted.dataBytes} B = flash ${predicted.totalBytes} B; .bss ${predicted.bssBytes} B`);
      const report = plan(loadModel(readFileSync(g.modelPath)), { cpu: 'cortex-m7' }).report;
      expect(report.flash).toEqual(predicted);
      // the kernels kws calls are measured: far more than the old constant "code ~5,774"
      expect(predicted.textBytes).toBeGreaterThan(15_000);
      expect(readFileSync(join(out, 'c', 'README.md'), 'utf8')).toContain(`Flash: ${predicted.totalBytes} bytes predicted for cortex-m7`);
      // a TFLM plan runs TFLM's kernels: its flash is the weights, code not counted (as its stack is not)
      const tflm = JSON.parse((await cli('plan', g.modelPath, '--emit-tflm-plan', join(out, 'tflm.tflite'), '--json')).stdout);
      expect(tflm.flash).toMatchObject({ cpu: null, textBytes: 0, totalBytes: predicted.weightBytes });
      expect(tflm.stackBytes).toBeNull();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
