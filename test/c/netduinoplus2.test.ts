// The netduinoplus2 board (STM32F405, Cortex-M4F: 1 MiB flash at 0x08000000, 128 KiB SRAM): every golden
// model that fits runs bit-exact with TFLite Micro on all its input sets in QEMU's netduinoplus2, its TIM2
// instruction count agrees with mps2-an386's FPGAIO count (same code, other counter), mobilenet_v2 224
// is refused before linking with the board's numbers, and the CLI and the QEMU Makefile take the board.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { BOARDS, prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { cTarget } from '../../src/cli/targets/c.js';
import { haveTool, templatesDir } from '../../src/cli/c-toolchain.js';
import { TinyforgeError } from '../../src/errors.js';
import { GOLDEN_DIR, goldenInputs, goldenModels, goldenOutputs, haveShared, type GoldenModel } from '../helpers/shared.js';
import { cli } from '../helpers/cli.js';
import { haveTools } from './toolchain.js';
import { CLASSES, expectedConfusion, quadrantModel, writeQuadrants } from '../helpers/quadrants.js';

const models = haveShared() ? goldenModels() : [];
const ok = models.length > 0 && haveTools('netduinoplus2', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);
const board = BOARDS['netduinoplus2']!;
const BIG = 'mobilenet_v2_quantized_1x3x224x224';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const scheduleFor = (g: GoldenModel, options: PlanModelOptions = {}) => scheduleOf(planModel(readTflite(new Uint8Array(readFileSync(g.modelPath))), options).plan);

function refusal(fn: () => unknown): TinyforgeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe.skipIf(!ok)('netduinoplus2 (QEMU, STM32F405)', () => {
  it('the machine is in qemu-system-arm -M help', () => {
    expect(spawnSync('qemu-system-arm', ['-M', 'help'], { encoding: 'utf8' }).stdout).toMatch(/^netduinoplus2\s/m);
  });

  for (const g of models.filter((m) => m.name !== BIG)) {
    it(`${g.name}: every input set bit-exact with TFLite Micro, within 128 KiB of RAM and 1 MiB of flash`, () => {
      const firmware = prepareQemu(scheduleFor(g), board);
      try {
        const n = g.manifest.num_input_sets;
        const { outputs, details } = firmware.runBatch(Array.from({ length: n }, (_, k) => goldenInputs(g, k)));
        for (let k = 0; k < n; k++) {
          goldenOutputs(g, k).forEach((want, i) => expect(Buffer.compare(Buffer.from(outputs[k]![i]!), Buffer.from(want)), `${g.name} set ${k} output ${i}`).toBe(0));
        }
        expect(details.machine).toBe('netduinoplus2');
        expect((details.ramBytes as number) + (details.stackReservedBytes as number)).toBeLessThanOrEqual(128 * 1024);
        expect(details.flashBytes as number).toBeLessThanOrEqual(1 << 20);
        expect(details.instructionsPerInference as number).toBeGreaterThan(0);
      } finally {
        firmware.dispose();
      }
    }, 600_000);
  }

  it('kws_ref_model: the TIM2 count (1 tick = 1 instruction) agrees with mps2-an386\'s FPGAIO count (1 tick = 40) within one FPGAIO tick', () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const schedule = scheduleFor(g);
    const counts = [board, QEMU_BOARDS['qemu-m4']].map((b) => {
      const fw = prepareQemu(schedule, b);
      try {
        return fw.run(goldenInputs(g, 0)).details.instructionsPerInference as number;
      } finally {
        fw.dispose();
      }
    });
    expect(counts[0]! % 40).not.toBe(0); // counted per instruction, not in FPGAIO ticks
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(40);
  }, 300_000);

  it(`${BIG}: refused before linking with the board's numbers (its RAM; its flash, once RAM is given)`, () => {
    const g = models.find((m) => m.name === BIG)!;
    const ram = refusal(() => prepareQemu(scheduleFor(g), board));
    expect(ram.code).toBe('E_BUDGET');
    expect(ram.message).not.toContain('\n');
    expect(ram.message).toMatch(/^the model needs (\d+) bytes of RAM \(arena \d+ \+ stack \d+ \+ static \d+\), the netduinoplus2 image has 131072: \d+ bytes over$/);
    expect(ram.details).toMatchObject({ board: 'netduinoplus2', ramBytes: 131072 });
    // given RAM, its 3.7 MB of weights still do not fit 1 MiB of flash
    const flash = refusal(() => prepareQemu(scheduleFor(g), board, { ramBytes: 4 << 20 }));
    expect(flash.code).toBe('E_BUDGET');
    expect(flash.message).toMatch(/^the model needs \d+ bytes of flash \(code \d+ \+ constants \d+\), the netduinoplus2 image has 1048576: \d+ bytes over$/);
    expect(flash.details).toMatchObject({ board: 'netduinoplus2', flashBytes: 1048576 });
  }, 300_000);

  it('plan --board netduinoplus2: the board\'s RAM and flash as budgets on its core; mobilenet_v2 224 does not fit (exit 3 with --fail-if-not-fits), kws does', async () => {
    const big = models.find((m) => m.name === BIG)!;
    const r = await cli('plan', big.modelPath, '--board', 'netduinoplus2', '--fail-if-not-fits');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/RAM +[\d,]+ B of 131,072 B \(short by [\d,]+ B\)/);
    expect(r.stdout).toMatch(/flash +[\d,]+ B of 1,048,576 B \(short by [\d,]+ B\)/);
    const fits = JSON.parse((await cli('plan', models.find((m) => m.name === 'kws_ref_model')!.modelPath, '--board', 'netduinoplus2', '--json')).stdout);
    expect(fits).toMatchObject({ fits: true, cpu: 'cortex-m4', sramBudgetBytes: 131072, flashBudgetBytes: 1048576 });
    const m7 = await cli('plan', big.modelPath, '--board', 'netduinoplus2', '--cpu', 'cortex-m7');
    expect(m7.code).toBe(2);
    expect(m7.stderr).toContain('E_USAGE: --board netduinoplus2 is a cortex-m4, got --cpu cortex-m7');
  }, 120_000);

  it('run --engine qemu-m4 --board netduinoplus2 writes TFLM\'s output; --board is refused for other engines and boards', async () => {
    const g = models.find((m) => m.name === 'micro_speech_quantized')!;
    const out = mkdtempSync(join(tmpdir(), 'tinyforge-netduino-'));
    dirs.push(out);
    writeFileSync(join(out, 'in.bin'), goldenInputs(g, 1)[0]!);
    const r = await cli('run', g.modelPath, '--engine', 'qemu-m4', '--board', 'netduinoplus2', '--input', join(out, 'in.bin'), '--output', join(out, 'out.bin'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ engine: 'qemu-m4', machine: 'netduinoplus2' });
    expect(Buffer.compare(readFileSync(join(out, 'out.bin')), Buffer.from(goldenOutputs(g, 1)[0]!))).toBe(0);
    const m7 = await cli('run', g.modelPath, '--engine', 'qemu-m7', '--board', 'netduinoplus2', '--input', join(out, 'in.bin'));
    expect(m7.code).toBe(2);
    expect(m7.stderr).toContain('E_USAGE: --board for --engine qemu-m7 must be one of mps2-an500, got "netduinoplus2"');
    const wasm = await cli('run', g.modelPath, '--board', 'netduinoplus2', '--input', join(out, 'in.bin'));
    expect(wasm.code).toBe(2);
    expect(wasm.stderr).toContain('E_USAGE: --board needs --engine qemu-m4 or qemu-m7, got --engine wasm');
  }, 300_000);

  it('eval --engine qemu-m4 --board netduinoplus2 scores the known classifier as the reference does', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-netduino-eval-'));
    dirs.push(tmp);
    const quadrants = writeQuadrants(join(tmp, 'quadrants'), CLASSES);
    const model = quadrantModel(tmp, 'quadrants_int8.tflite', false);
    const r = await cli('eval', model, '--data', quadrants, '--engine', 'qemu-m4', '--board', 'netduinoplus2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ engine: 'qemu-m4', n: 40, correct: 36, accuracy: 0.9 });
    expect(report.confusion).toEqual(expectedConfusion);
  }, 300_000);

  it.skipIf(!haveTool('make'))('the QEMU Makefile template builds and runs a compiled model with BOARD=netduinoplus2', async () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-netduino-make-'));
    dirs.push(dir);
    const { files } = await cTarget.emit({ graph: readTflite(new Uint8Array(readFileSync(g.modelPath))), plan: {}, modelName: 'kws', options: {} });
    for (const f of files) writeFileSync(join(dir, f.path), f.contents);
    const r = spawnSync('make', ['-s', '-f', join(templatesDir(), 'qemu', 'Makefile'), `MODEL_DIR=${dir}`, 'BOARD=netduinoplus2', 'run', `INPUT=${join(GOLDEN_DIR, 'kws_ref_model', 'input_2.bin')}`], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/TINYFORGE status=0 ticks=\d+/);
    expect(Buffer.compare(readFileSync(join(dir, 'build-netduinoplus2', 'out0.bin')), readFileSync(join(GOLDEN_DIR, 'kws_ref_model', 'output_2.bin')))).toBe(0);
  }, 120_000);
});
