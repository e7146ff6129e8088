// tinyforge eval end to end: a builder classifier whose answers are known by construction, on a dataset
// folder written here, on the reference and wasm engines; and a real Fashion-MNIST slice.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ModelBuilder } from '../../src/builder/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { isDirectory } from '../../src/cli/data/files.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { haveShared, MODELS_DIR } from '../helpers/shared.js';
import { CLASSES, expectedConfusion, idx, labels, quadrantModel, writeQuadrants } from '../helpers/quadrants.js';

async function cli(argv: string[], tty = false) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: tty });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-eval-'));

const quadrants = writeQuadrants(join(tmp, 'quadrants'), CLASSES);
const int8Model = quadrantModel(tmp, 'quadrants_int8.tflite', false);
const floatIoModel = quadrantModel(tmp, 'quadrants_float_io.tflite', true);

describe('tinyforge eval', () => {
  it('scores the known classifier the same on the reference and wasm engines', async () => {
    for (const engine of ['reference', 'wasm']) {
      const r = await cli(['eval', int8Model, '--data', quadrants, '--engine', engine, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ accuracy: 0.9, n: 40, correct: 36, engine, model: 'quadrants_int8.tflite', data: 'quadrants/test', split: 'test', classes: CLASSES });
      expect(report.confusion).toEqual(expectedConfusion);
      expect(report.perClass.map((c: { n: number }) => c.n)).toEqual(CLASSES.map((_, k) => labels.filter((l) => l === k).length));
      expect(Object.keys(report).sort()).toEqual(['accuracy', 'classes', 'confusion', 'correct', 'data', 'engine', 'model', 'ms', 'n', 'perClass', 'seed', 'split']);
    }
  });

  it("quantizes images as the model's own QUANTIZE does: float-input model, --int8-io and int8 model agree", async () => {
    for (const argv of [[floatIoModel], [floatIoModel, '--int8-io'], [int8Model]]) {
      const r = await cli(['eval', ...argv, '--data', quadrants, '--engine', 'reference', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).confusion).toEqual(expectedConfusion);
    }
  });

  it('prints accuracy, per-class accuracy and the confusion matrix; --limit takes the first images; a TTY gets a progress line', async () => {
    const r = await cli(['eval', int8Model, '--data', quadrants, '--limit', '20'], true);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^quadrants_int8\.tflite on quadrants\/test \(test, 20 images\), wasm engine: accuracy 90\.00% \(18\/20\)\n/);
    // images 0..19: 9 (lit 1) and 19 (lit 3) are mislabelled 2 and 0, so class 0 has 6 images, 5 right
    expect(r.stdout).toMatch(/ 0 top-left\s+83\.33%\s+\(5\/6\)/);
    expect(r.stdout).toMatch(/confusion \(rows: label, columns: predicted\):\n\s+0\s+1\s+2\s+3\n\s+0\s+5\s+0\s+0\s+1\n/);
    expect(r.stderr).toMatch(/eval \(wasm\): 20\/20 \(100%\)/);
  });

  it('refuses unknown engines, listing the supported ones, with exit 2', async () => {
    const r = await cli(['eval', int8Model, '--data', quadrants, '--engine', 'gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'gpu' is invalid\. Allowed choices are wasm, reference/);
    expect((await cli(['eval', int8Model, '--data', quadrants, '--limit', '0'])).stderr).toBe('tinyforge: E_USAGE: --limit must be an integer >= 1, got "0"\n');
  });

  it('names both sizes when the output and the classes differ, and both shapes when images cannot feed the input', async () => {
    const three = writeQuadrants(join(tmp, 'three'), ['a', 'b', 'c', 'd', 'e']);
    const r = await cli(['eval', int8Model, '--data', three]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('tinyforge: E_INPUT_DATA: output fullyConnected_0 [1, 4] has 4 class scores, dataset three/test has 5 classes\n');
    const rgba = join(tmp, 'rgba');
    mkdirSync(rgba);
    writeFileSync(join(rgba, 't10k-images-idx3-ubyte'), idx([2, 8, 8, 4], new Uint8Array(2 * 8 * 8 * 4)));
    writeFileSync(join(rgba, 't10k-labels-idx1-ubyte'), idx([2], [0, 1]));
    const f = await cli(['eval', int8Model, '--data', rgba]);
    expect(f.stderr).toBe('tinyforge: E_INPUT_DATA: dataset rgba/test images [8, 8, 4] cannot feed model input image [1, 8, 8, 1]: channels 4 -> 1 (only 1 <-> 3 convert)\n');
  });

  it.runIf(haveShared())('refuses a float model on the int8 engines, pointing to --engine reference and quantization', async () => {
    const r = await cli(['eval', join(MODELS_DIR, 'mlperf-tiny-float', 'ad01_fp32.tflite'), '--data', quadrants]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_UNSUPPORTED: ad01_fp32\.tflite has float32 ops \(FULLY_CONNECTED at node 0, .*\), and --engine wasm runs int8 models \(float models run on --engine reference\); quantize it first: .*\n$/);
  });

  it.runIf(isDirectory(FASHION_MNIST_DIR) || !!process.env.CI)('runs a resized, RGB-input CNN on 64 Fashion-MNIST test images with the same result on both engines', async () => {
    const b = new ModelBuilder({ name: 'fashion_rgb', seed: 5 });
    let h = b.input('image', [1, 20, 20, 3], { scale: 1 / 255, zeroPoint: -128 });
    h = b.conv2d(h, { filters: 8, kernel: 3, stride: 2, activation: 'relu' });
    h = b.mean(h);
    b.output(b.fullyConnected(h, { units: 10, zeroMeanWeights: true }));
    const path = join(tmp, 'fashion_rgb.tflite');
    writeFileSync(path, writeTflite(b.build()));
    const reports = [];
    for (const engine of ['reference', 'wasm']) {
      const r = await cli(['eval', path, '--data', 'fashion-mnist', '--limit', '64', '--engine', engine, '--json']);
      expect(r.code, r.stderr).toBe(0);
      reports.push(JSON.parse(r.stdout));
    }
    expect(reports[0].n).toBe(64);
    expect(reports[0].classes[9]).toBe('Ankle boot');
    expect(reports[0].confusion.flat().reduce((a: number, v: number) => a + v, 0)).toBe(64);
    expect(reports[1].confusion).toEqual(reports[0].confusion);
  });
});
