// tinyforge eval on the C engines: the host build (one process per batch) and QEMU's Cortex-M4F (one
// firmware run per batch) score exactly as the reference and wasm engines on the same bytes; the batch
// harnesses keep every record's inputs and outputs apart.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { isDirectory } from '../../src/cli/data/files.js';
import { loadDataset } from '../../src/cli/data/index.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runSchedule } from '../../src/reference/execute.js';
import { cli } from '../helpers/cli.js';
import { CLASSES, expectedConfusion, quadrantModel, writeQuadrants } from '../helpers/quadrants.js';
import { haveTools } from '../c/toolchain.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-eval-c-'));
const hostOk = haveTools('eval --engine c', ['gcc', 'ar']);
const qemuOk = haveTools('eval --engine qemu-m4', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);
const C_ENGINES = [...(hostOk ? ['c'] : []), ...(qemuOk ? ['qemu-m4'] : [])];

async function evalJson(argv: string[]) {
  const r = await cli('eval', ...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Two inputs, two outputs of different sizes: a record framing slip in either direction changes bytes. */
function twoInOut() {
  const b = new ModelBuilder({ name: 'two_in_out', seed: 11, calibrationSamples: 7 });
  const x = b.input('x', [1, 6, 6, 2], { scale: 0.03, zeroPoint: 4 });
  const y = b.input('y', [1, 6, 6, 2], { scale: 0.05, zeroPoint: -9 });
  const s = b.add(x, y, { activation: 'relu' });
  b.output(b.conv2d(s, { filters: 3, kernel: 3, stride: 2 }));
  b.output(b.fullyConnected(b.reshape(b.mul(s, x), [1, -1]), { units: 5 }));
  const graph = b.build();
  return { schedule: scheduleOf(planModel(graph).plan), sets: b.calibrationInputs() };
}

describe.skipIf(C_ENGINES.length === 0)('tinyforge eval --engine c | qemu-m4', () => {
  it('scores the known classifier with the same confusion matrix on reference, wasm, c, qemu-m4 and qemu-m7', async () => {
    const quadrants = writeQuadrants(join(tmp, 'quadrants'), CLASSES);
    const model = quadrantModel(tmp, 'quadrants_int8.tflite', false);
    for (const engine of ['reference', 'wasm', ...C_ENGINES, ...(qemuOk ? ['qemu-m7'] : [])]) {
      const report = await evalJson([model, '--data', quadrants, '--engine', engine]);
      expect(report).toMatchObject({ engine, n: 40, correct: 36, accuracy: 0.9 });
      expect(report.confusion, engine).toEqual(expectedConfusion);
    }
  });

  it.runIf(isDirectory(FASHION_MNIST_DIR) || !!process.env.CI)('gives wasm\'s confusion matrix on 64 Fashion-MNIST test images', async () => {
    // A nearest-class-mean classifier (unit k: x.(m_k - m) - |m_k|^2/2, means m_k of class k and m of all
    // from test images 1000..2999) predicts many classes, so a slipped or reordered record shows.
    const pool = loadDataset({ data: 'fashion-mnist', split: 'test', seed: 1, valFraction: 0.1 });
    const pixels = 28 * 28;
    const sums = Array.from({ length: 11 }, () => new Float64Array(pixels));
    const counts = new Float64Array(11);
    for (let i = 1000; i < 3000; i++) {
      for (const k of [pool.labels[i]!, 10]) {
        counts[k]!++;
        for (let p = 0; p < pixels; p++) sums[k]![p]! += pool.images[i * pixels + p]! / 255;
      }
    }
    const mean = (k: number, p: number) => sums[k]![p]! / counts[k]!;
    const weights = Array.from({ length: 10 * pixels }, (_, i) => mean(Math.floor(i / pixels), i % pixels) - mean(10, i % pixels));
    const halfNorms = Array.from({ length: 10 }, (_, k) => sums[k]!.reduce((a, _, p) => a + mean(k, p) ** 2, 0) / 2);
    const bias = halfNorms.map((h) => halfNorms.reduce((a, v) => a + v, 0) / 10 - h);
    const b = new ModelBuilder({ name: 'fashion_templates', seed: 7 });
    const image = b.input('image', [1, 28, 28, 1], { scale: 1 / 255, zeroPoint: -128 });
    b.output(b.fullyConnected(b.reshape(image, [1, pixels]), { units: 10, weights, bias }));
    const path = join(tmp, 'fashion_templates.tflite');
    writeFileSync(path, writeTflite(b.build()));
    const args = [path, '--data', 'fashion-mnist', '--limit', '64'];
    const wasm = await evalJson([...args, '--engine', 'wasm']);
    expect(wasm.n).toBe(64);
    expect(wasm.accuracy).toBeGreaterThan(0.5);
    expect(wasm.confusion[0].filter((_: number, p: number) => wasm.confusion.some((row: number[]) => row[p] > 0)).length).toBeGreaterThan(5);
    for (const engine of C_ENGINES) expect((await evalJson([...args, '--engine', engine])).confusion, engine).toEqual(wasm.confusion);
  });

  it.runIf(hostOk)('host C: one process runs every set of a batch, each set its own outputs, bit-exact with the reference', () => {
    const { schedule, sets } = twoInOut();
    const model = prepareHostC(schedule);
    try {
      const outputs = model.runBatch(sets);
      expect(outputs).toEqual(sets.map((inputs) => runSchedule(schedule, inputs).outputs));
      expect(new Set(outputs.map((o) => o[1]!.join())).size).toBe(sets.length);
      expect(model.runBatch([])).toEqual([]);
      expect(() => model.runBatch([sets[0]!, [sets[1]![0]!]])).toThrow(/model has 2 input\(s\), got 1/);
    } finally {
      model.dispose();
    }
  });

  it.runIf(qemuOk)('qemu-m4: one firmware run loops over the batch, reports record 0\'s and the mean instruction count', () => {
    const { schedule, sets } = twoInOut();
    const firmware = prepareQemu(schedule, QEMU_BOARDS['qemu-m4']);
    try {
      const { outputs, details } = firmware.runBatch(sets);
      expect(outputs).toEqual(sets.map((inputs) => runSchedule(schedule, inputs).outputs));
      expect(details.records).toBe(sets.length);
      const single = firmware.run(sets[0]!);
      expect(single.details.records).toBe(1);
      // Record 0's invoke is measured after a warm-up in both runs: the same count.
      expect(details.instructionsPerInference).toBe(single.details.instructionsPerInference);
      expect(single.details.meanInstructionsPerInference).toBe(single.details.instructionsPerInference);
      expect(details.meanInstructionsPerInference as number).toBeGreaterThan(0);
      expect(() => firmware.runBatch([sets[0]!, [sets[1]![0]!, new Uint8Array(3)]])).toThrow(/input 1 \(y, int8\[1,6,6,2\]\) needs 72 bytes, got 3/);
    } finally {
      firmware.dispose();
    }
  });
});
