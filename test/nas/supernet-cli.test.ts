// nas train | export | accuracy | search SUPERNET/ end to end on a tiny space and small Fashion-MNIST slices:
// checkpoints every epoch, a resumed run equal to an uninterrupted one, corrupted and mismatched checkpoints
// refused with typed errors, an exported member quantized and run bit-exact on every engine, the accuracy
// predictor written and used by the search (the MACs proxy, labelled, without it).
import { mkdtempSync, readFileSync, writeFileSync, cpSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDirectory } from '../../src/cli/data/files.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { isFloatOp } from '../../src/ir/float.js';
import { cli } from '../helpers/cli.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { TINY_SPACE } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-supernet-'));
const fashion = isDirectory(FASHION_MNIST_DIR) || !!process.env.CI;
const spacePath = join(tmp, 'space.json');
writeFileSync(spacePath, JSON.stringify({ ...TINY_SPACE, classes: 10, kernels: [3, 5, 7] }));
const member = { resolution: 16, width: 0.35, stages: [[{ kernel: 3, expand: 3 }, { kernel: 5, expand: 6 }], [{ kernel: 7, expand: 3 }]] };
const archPath = join(tmp, 'arch.json');
writeFileSync(archPath, JSON.stringify(member));
const trainArgs = ['--data', 'fashion-mnist', '--limit', '128', '--batch', '64'];

describe.runIf(fashion)('nas train / export / accuracy / search on a supernet', () => {
  const dir = join(tmp, 'supernet');

  it('trains with a checkpoint per epoch; resuming it gives the weights of an uninterrupted run', async () => {
    const r = await cli('nas', 'train', spacePath, ...trainArgs, '--out', dir, '--epochs', '1,1,0,0', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.epochs.map((e: { phase: string }) => e.phase)).toEqual(['largest', 'kernel']);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.epochsDone).toBe(2);
    expect(m.weights.file).toBe('weights-e2.bin');
    expect(m.weights.optimizer.length).toBeGreaterThan(0);

    const resumed = await cli('nas', 'train', spacePath, '--out', dir, '--epochs', '1,1,0,1', '--resume', '--json');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);

    const straight = join(tmp, 'straight');
    expect((await cli('nas', 'train', spacePath, ...trainArgs, '--out', straight, '--epochs', '1,1,0,1')).code).toBe(0);
    const weights = (d: string) => readFileSync(join(d, JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).weights.file));
    expect(existsSync(join(dir, 'weights-e2.bin'))).toBe(false);
    expect(weights(dir).equals(weights(straight))).toBe(true);

    const again = await cli('nas', 'train', spacePath, ...trainArgs, '--out', dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/E_USAGE: .*already holds a supernet: pass --resume/);
  }, 600_000);

  it('refuses a corrupted checkpoint and a resume with another space, with typed errors', async () => {
    const bad = join(tmp, 'corrupt');
    cpSync(dir, bad, { recursive: true });
    const m = JSON.parse(readFileSync(join(bad, 'manifest.json'), 'utf8'));
    const w = readFileSync(join(bad, m.weights.file));
    w[100] ^= 1;
    writeFileSync(join(bad, m.weights.file), w);
    const e = await cli('nas', 'export', bad, '--arch', archPath, '--out', join(tmp, 'x.tflite'));
    expect(e.stderr).toMatch(/^tinyforge: E_MODEL_FORMAT: supernet weights .*weights-e3\.bin are corrupted: SHA-256/);
    expect(existsSync(join(tmp, 'x.tflite'))).toBe(false);
    writeFileSync(join(bad, 'manifest.json'), '{"format": "tinyforge-supernet", "vers');
    expect((await cli('nas', 'train', spacePath, '--out', bad, '--resume')).stderr).toMatch(/E_MODEL_FORMAT: supernet .*manifest.json is corrupted: not JSON/);

    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ ...TINY_SPACE, classes: 10, kernels: [3, 5] }));
    const r = await cli('nas', 'train', other, '--out', dir, '--resume');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_USAGE: supernet .* was trained on space "tiny" \(SHA-256 [0-9a-f]{12}\), .*other.json is space "tiny" \([0-9a-f]{12}\): they differ/);
  }, 300_000);

  it('exports a member as a float .tflite that quantize takes; the int8 model is bit-exact on every engine', async () => {
    const out = join(tmp, 'member.tflite');
    const r = await cli('nas', 'export', dir, '--arch', archPath, '--out', out, '--calibration-images', '128', '--test-limit', '200', '--json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.testImages).toBe(200);
    const g = readTflite(new Uint8Array(readFileSync(out)));
    expect(g.ops.every((op) => isFloatOp(op, g.tensors))).toBe(true);
    expect(g.ops.map((op) => op.kind)).toEqual([
      'CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD',
      // stage 2 at width 0.35 has 8 channels as stage 1 and stride 1: its first block is residual too
      'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX',
    ]);
    // the exported float model's test accuracy (float reference interpreter) is the supernet's for the member
    const ev = await cli('eval', out, '--data', 'fashion-mnist', '--limit', '200', '--engine', 'reference', '--json');
    expect(ev.stderr).toBe('');
    expect(Math.abs(JSON.parse(ev.stdout).accuracy - report.supernetAccuracy)).toBeLessThanOrEqual(2 / 200);

    const int8 = join(tmp, 'member-int8.tflite');
    const q = await cli('quantize', out, '--calib', 'fashion-mnist', '--limit', '64', '--out', int8);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    const graph = readTflite(new Uint8Array(readFileSync(int8)));
    const input = new Float32Array(16 * 16);
    for (let i = 0; i < input.length; i++) input[i] = ((i * 37) % 101) / 100;
    const runs = await runOnEveryEngine(graph, [new Uint8Array(input.buffer)], hostCFor('nas supernet export'));
    for (const [engine, outputs] of Object.entries(runs)) expect([engine, outputs[0]]).toEqual([engine, runs.reference![0]]);
  }, 300_000);

  it('nas search SUPERNET/ ranks by the MACs proxy (labelled) until nas accuracy trains the predictor, then by it', async () => {
    const before = await cli('nas', 'search', dir, '--budget', '10', '--threads', '1', '--json');
    expect(before.stderr).toBe('');
    expect(JSON.parse(before.stdout).scoreLabel).toMatch(/MACs-as-proxy .*has no accuracy-predictor.json \(run tinyforge nas accuracy/);

    // 300 of the val split's 6,000 images although training took only --limit 128 (they were capped at it)
    const a = await cli('nas', 'accuracy', dir, '--samples', '10', '--eval-images', '300', '--calibration-images', '64', '--json');
    expect(a.stderr).toBe('');
    const acc = JSON.parse(a.stdout);
    expect(acc.samples).toBe(10);
    expect(acc.evalImages).toBe(300);
    expect(acc.labelNoisePoints).toBeGreaterThan(0);
    expect(acc.labelNoisePoints).toBeLessThanOrEqual(100 * Math.sqrt(0.25 / 300));
    expect([acc.model, acc.trainPairs, acc.heldOutPairs, acc.folds]).toEqual(['krr', 10, 10, 5]);
    expect(Number.isFinite(acc.heldOutRmsePoints)).toBe(true);
    const after = await cli('nas', 'search', dir, '--budget', '10', '--threads', '1', '--json');
    const report = JSON.parse(after.stdout);
    expect(report.scoreLabel).toMatch(/^accuracy \(fraction\) predicted by kernel ridge regression \(RBF\) trained on 10 supernet-measured members, 5-fold held-out RMSE/);
    expect(report.best.score).toBeGreaterThan(0);
    expect(report.best.score).toBeLessThan(1.2);

    // a later run adds its members to these (measured the same way), skipping them; other measurements are refused
    const first = join(tmp, 'acc-1.json');
    writeFileSync(first, a.stdout);
    const measured = ['--eval-images', '300', '--calibration-images', '64', '--json'];
    const more = await cli('nas', 'accuracy', dir, '--samples', '4', '--seed', '2', '--add-pairs', first, ...measured);
    expect(more.stderr).toBe('');
    const merged = JSON.parse(more.stdout);
    expect([merged.samples, merged.added, merged.trainPairs]).toEqual([14, 10, 14]);
    expect(merged.pairs.slice(0, 10)).toEqual(acc.pairs);
    expect(new Set(merged.pairs.map((p: { arch: string }) => p.arch)).size).toBe(14);
    const refit = JSON.parse((await cli('nas', 'accuracy', dir, '--samples', '0', '--add-pairs', first, ...measured)).stdout);
    expect([refit.samples, refit.heldOutRmsePoints]).toEqual([10, acc.heldOutRmsePoints]);
    const other = await cli('nas', 'accuracy', dir, '--samples', '0', '--add-pairs', first, '--eval-images', '300', '--calibration-images', '32');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--add-pairs .*acc-1\.json: measured with calibrationImages 64, this run 32/);
    const old = join(tmp, 'acc-old.json');
    writeFileSync(old, JSON.stringify({ ...acc, measurement: undefined }));
    const refused = await cli('nas', 'accuracy', dir, '--samples', '0', '--add-pairs', old, ...measured);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/no measurement record/) });
  }, 300_000);
});
