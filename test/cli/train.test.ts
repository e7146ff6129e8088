// tinyforge train end to end on small seeded slices of Fashion-MNIST: --json per-epoch figures and the
// test accuracy of the exported float .tflite (which eval --engine reference reproduces), and the errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { isFloatOp } from '../../src/ir/float.js';
import { isDirectory } from '../../src/cli/data/files.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { lenetGraph } from '../../src/train/arch/named.js';
import { createProgress, formatDuration } from '../../src/cli/progress.js';
import { cli } from '../helpers/cli.js';
import { haveShared, MODELS_DIR, REPO_ROOT } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-train-'));
const fashion = isDirectory(FASHION_MNIST_DIR) || !!process.env.CI;

describe.runIf(fashion)('tinyforge train on Fashion-MNIST slices', () => {
  it('lenet, 2 epochs on 1,000 images: the loss falls, accuracy clearly beats chance, --json has every figure', async () => {
    const out = join(tmp, 'lenet.tflite');
    const r = await cli('train', '--arch', 'lenet', '--data', 'fashion-mnist', '--epochs', '2', '--limit', '1000', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    console.log(`train lenet: ${JSON.stringify(report.epochs)} test ${report.testAccuracy}`);
    expect(report.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of report.epochs) expect(Object.keys(e).sort()).toEqual(['epoch', 'loss', 'seconds', 'trainAccuracy', 'valAccuracy']);
    expect(report.epochs[1].loss).toBeLessThan(report.epochs[0].loss);
    expect(report.epochs[0].loss).toBeLessThan(Math.log(10));
    expect(report.epochs[1].valAccuracy).toBeGreaterThan(0.5);
    expect(report.testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect([report.trainImages, report.valImages, report.testImages]).toEqual([1000, 1000, 1000]);
    const g = readTflite(new Uint8Array(readFileSync(out)));
    expect(g.ops.every((op) => isFloatOp(op, g.tensors))).toBe(true);
    expect(g.ops.map((op) => op.kind)).toEqual(['CONV_2D', 'MAX_POOL_2D', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX']);
  }, 300_000);

  it("the testAccuracy it reports is eval --engine reference's accuracy on the exported float model", async () => {
    const out = join(tmp, 'lenet-200.tflite');
    const r = await cli('train', '--arch', 'lenet', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '200', '--val-fraction', '0', '--out', out, '--json', '--augment', 'flip,shift');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.epochs[0].valAccuracy).toBeNull();
    const e = await cli('eval', out, '--data', 'fashion-mnist', '--limit', '200', '--engine', 'reference', '--json');
    expect(e.stderr).toBe('');
    expect(JSON.parse(e.stdout).accuracy).toBe(report.testAccuracy);
    // the wasm engine runs int8 models: a float one is pointed to quantization
    const w = await cli('eval', out, '--data', 'fashion-mnist', '--limit', '10');
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/^tinyforge: E_UNSUPPORTED: .*float32.*--engine reference/);
  }, 300_000);

  it('mobilenetv2 --width 0.35 --resolution 32 trains on resized images; the export has its batch norms folded away', async () => {
    const out = join(tmp, 'mnv2.tflite');
    const r = await cli('train', '--arch', 'mobilenetv2', '--width', '0.35', '--resolution', '32', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--batch', '32', '--val-fraction', '0', '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Number.isFinite(JSON.parse(r.stdout).epochs[0].loss)).toBe(true);
    const g = readTflite(new Uint8Array(readFileSync(out)));
    expect(g.tensors[g.inputs[0]!]!.shape).toEqual([1, 32, 32, 1]);
    expect(new Set(g.ops.map((op) => op.kind))).toEqual(new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX']));
  }, 300_000);

  it('a NaN loss stops with the epoch and step, and writes nothing when no epoch finished', async () => {
    const out = join(tmp, 'diverged.tflite');
    const r = await cli('train', '--arch', 'lenet', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '256', '--lr', '1e30', '--optimizer', 'sgd', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_INPUT_DATA: training loss is (NaN|Infinity) at epoch 1, step \d+ .*; nothing was written\n$/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('labels the model has no class for are refused, naming the label and the classes', async () => {
    const model = join(tmp, 'five.tflite');
    writeFileSync(model, writeTflite(lenetGraph({ input: [28, 28, 1], classes: 5, seed: 1 }).graph));
    const r = await cli('train', '--arch', model, '--data', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--out', join(tmp, 'five-out.tflite'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_INPUT_DATA: dataset fashion-mnist\/train: label [5-9] at index \d+ is outside the model's 5 classes \[0, 5\)\n$/);
  }, 60_000);

  it.runIf(haveShared())('a dataset that cannot feed the model input names both shapes; an int8 model names its ops', async () => {
    const flat = await cli('train', '--arch', join(MODELS_DIR, 'mlperf-tiny-float', 'ad01_fp32.tflite'), '--data', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--out', join(tmp, 'ad.tflite'));
    expect(flat.code).toBe(1);
    expect(flat.stderr).toMatch(/^tinyforge: E_INPUT_DATA: dataset fashion-mnist\/train images \[28, 28, 1\] cannot feed model input .* \[1, 640\]/);
    const int8 = await cli('train', '--arch', join(MODELS_DIR, 'mlperf-tiny', 'vww_96_int8.tflite'), '--data', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--out', join(tmp, 'vww.tflite'));
    expect(int8.code).toBe(1);
    expect(int8.stderr).toBe('tinyforge: E_UNSUPPORTED: the trainer trains float32 graphs; this one has no float32 op (31 ops, input int8): train its float model\n');
  }, 60_000);

  it('usage errors: an unknown architecture or augmentation, a non-positive learning rate', async () => {
    const out = join(tmp, 'x.tflite');
    for (const [flag, value, message] of [
      ['--arch', 'resnet', '--arch must be lenet, ds-cnn, mobilenetv2 or a .tflite file, got "resnet"'],
      ['--augment', 'rotate', '--augment takes flip, shift (comma-separated), got "rotate"'],
      ['--lr', '0', '--lr must be a positive number, got "0"'],
    ] as const) {
      const argv = { '--arch': 'lenet', '--augment': 'flip', '--lr': '1e-3', [flag]: value };
      const r = await cli('train', '--data', 'fashion-mnist', '--epochs', '1', '--out', out, ...Object.entries(argv).flat());
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`tinyforge: E_USAGE: ${message}\n`);
    }
  });

  it('as a process, prints nothing on stderr with --json (no tfjs "install tfjs-node" banner)', () => {
    const out = join(tmp, 'quiet.tflite');
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/tinyforge.js'), 'train', '--arch', 'lenet', '--data', 'fashion-mnist',
      '--epochs', '1', '--limit', '64', '--out', out, '--json'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('training progress', () => {
  it('draws the remaining time extrapolated from the rate so far', () => {
    const writes: string[] = [];
    let t = 0;
    const p = createProgress({ stdout: () => {}, stderr: (s) => writes.push(s), stderrIsTTY: true }, 'train', { eta: true, now: () => t });
    t = 30_000; // 30 s for 10 of 100 steps: 270 s to go
    p.update(10, 100);
    expect(writes[0]).toBe('\rtrain: 10/100 (10%), ETA 4m30s');
    expect([formatDuration(42.4), formatDuration(3 * 3600 + 125)]).toEqual(['42s', '3h02m']);
  });
});
