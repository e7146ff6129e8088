// tinyforge prune end to end on a small random 28x28 model and Fashion-MNIST slices: the scan (float on the
// reference engine, int8 on wasm) and its HTML page, fine-grained and channel pruning, fine-tuning, errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import { isDirectory } from '../../src/cli/data/files.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { prunableLayers, realWeights } from '../../src/prune/index.js';
import { quantizeModel } from '../../src/quantize/index.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-prune-'));
const fashion = isDirectory(FASHION_MNIST_DIR) || !!process.env.CI;

function small(seed = 4, classes = 10): Graph {
  const b = new FloatGraphBuilder(seed);
  let x = b.maxPool('pool', b.conv('conv', b.image(28, 28, 1), 4, 3, 2, 'RELU'), 2);
  x = b.dense('dense', b.flatten('flatten', x), 8, 'RELU');
  return b.finish('small', b.softmax('softmax', b.dense('logits', x, classes, 'NONE'))).graph;
}

const file = (name: string, g: Graph) => {
  const path = join(tmp, name);
  writeFileSync(path, writeTflite(g));
  return path;
};
const floatModel = file('small.tflite', small());
const read = (path: string) => readTflite(new Uint8Array(readFileSync(path)));

describe.runIf(fashion)('tinyforge prune', () => {
  it('--scan on a float model: every layer at 0.1..0.9 on the float reference, --report draws a curve per layer', async () => {
    const html = join(tmp, 'scan.html');
    const r = await cli('prune', floatModel, '--scan', '--data', 'fashion-mnist', '--limit', '20', '--json', '--report', html);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const scan = JSON.parse(r.stdout);
    expect([scan.engine, scan.images, scan.split]).toEqual(['reference', 20, 'val']);
    expect(scan.layers.map((l: { kind: string; params: number; macs: number }) => [l.kind, l.params, l.macs])).toEqual([
      ['CONV_2D', 4 * 9 + 4, 14 * 14 * 4 * 9],
      ['FULLY_CONNECTED', 8 * 7 * 7 * 4 + 8, 8 * 7 * 7 * 4],
      ['FULLY_CONNECTED', 10 * 8 + 10, 10 * 8],
    ]);
    for (const l of scan.layers) expect(l.curve.map((p: { sparsity: number }) => p.sparsity)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page.match(/<polyline /g)?.length).toBe(3);
    writeFileSync(join(tmp, 'scan.json'), r.stdout);

    // the whole budget allows every scanned sparsity: 0.9 everywhere
    const out = join(tmp, 'from-scan.tflite');
    const p = await cli('prune', floatModel, '--sparsity', `@${join(tmp, 'scan.json')}`, '--max-drop', '100', '--out', out, '--json');
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).layers.map((l: { sparsity: number }) => l.sparsity)).toEqual([0.9, 0.9, 0.9]);
  }, 300_000);

  it('an int8 model: the scan on the int8 reference kernels, pruning measured on wasm by default', async () => {
    const g = small();
    const int8 = file('small_int8.tflite', quantizeModel(g, Array.from({ length: 4 }, (_, k) => [syntheticInputBytes(g.tensors[g.inputs[0]!]!, mixSeed(3, k, 0))])));
    const r = await cli('prune', int8, '--scan', '--data', 'fashion-mnist', '--limit', '5', '--engine', 'reference', '--json');
    expect(r.code).toBe(0);
    const scan = JSON.parse(r.stdout);
    expect([scan.engine, scan.layers.length, scan.layers[0].curve.length]).toEqual(['reference', 3, 9]);
    const p = await cli('prune', int8, '--sparsity', '0.5', '--data', 'fashion-mnist', '--limit', '5', '--out', join(tmp, 'sparse_int8.tflite'), '--json');
    expect(p.code).toBe(0);
    const report = JSON.parse(p.stdout);
    expect([report.accuracy.engine, report.zeroWeights]).toEqual(['wasm', expect.closeTo(0.5, 2)]);
    expect(read(join(tmp, 'sparse_int8.tflite')).tensors[prunableLayers(read(int8), 'm')[0]!.weight]!.dtype).toBe('int8');
  }, 300_000);

  it('--sparsity 0.7 writes a .tflite with round(0.7 n) zero weights in every layer', async () => {
    const out = join(tmp, 'sparse.tflite');
    const r = await cli('prune', floatModel, '--sparsity', '0.7', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 layers magnitude-pruned; 70\.0\d% of their weights are zero; wrote/);
    const g = read(out);
    for (const l of prunableLayers(g, 'sparse')) {
      const w = realWeights(g.tensors[l.weight]!);
      expect(w.filter((v) => v === 0).length).toBe(Math.round(0.7 * w.length));
    }
  });

  it('--sparsity 0.7 --finetune prunes gradually (--prune-steps): round(0.7 n) zeros per layer at the end; --prune-steps 0 is a usage error', async () => {
    const out = join(tmp, 'gradual.tflite');
    const r = await cli('prune', floatModel, '--sparsity', '0.7', '--finetune', 'fashion-mnist', '--prune-steps', '3', '--limit', '64', '--batch', '8', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).finetune).toHaveLength(1);
    const g = read(out);
    const dense = read(floatModel);
    for (const l of prunableLayers(g, 'gradual')) {
      const w = realWeights(g.tensors[l.weight]!);
      expect(w.filter((v) => v === 0).length).toBe(Math.round(0.7 * w.length));
      expect(w.some((v, i) => v !== 0 && v !== realWeights(dense.tensors[l.weight]!)[i])).toBe(true); // the kept weights trained
    }
    const bad = await cli('prune', floatModel, '--sparsity', '0.7', '--finetune', 'fashion-mnist', '--prune-steps', '0', '--limit', '8', '--out', join(tmp, 'g0.tflite'));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/^tinyforge: E_USAGE: --prune-steps must be an integer >= 1, got "0"/)]);
  }, 300_000);

  it('--data re-normalises the pruned float model on 256 training images (the zeros kept); --no-renormalize leaves the pruned weights as they are', async () => {
    const on = join(tmp, 'renorm.tflite');
    const off = join(tmp, 'no-renorm.tflite');
    const r = await cli('prune', floatModel, '--sparsity', '0.5', '--data', 'fashion-mnist', '--limit', '20', '--out', on, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).renormalized).toEqual({ layers: 3, images: 256 });
    const n = await cli('prune', floatModel, '--sparsity', '0.5', '--data', 'fashion-mnist', '--limit', '20', '--no-renormalize', '--out', off, '--json');
    expect(n.code).toBe(0);
    expect(JSON.parse(n.stdout).renormalized).toBeNull();
    const [a, b] = [read(on), read(off)];
    for (const l of prunableLayers(b, 'off')) {
      const plain = realWeights(b.tensors[l.weight]!);
      const corrected = realWeights(a.tensors[l.weight]!);
      expect(corrected.map((v) => (v === 0 ? 1 : 0))).toEqual(plain.map((v) => (v === 0 ? 1 : 0)));
      expect(corrected).not.toEqual(plain);
    }
  }, 300_000);

  it('--channels 0.5 with fine-tuning gives a smaller dense float model; the logits layer is left out with a notice', async () => {
    const out = join(tmp, 'channels.tflite');
    const r = await cli('prune', floatModel, '--channels', '0.5', '--finetune', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--data', 'fashion-mnist', '--out', out, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.layers.map((l: { name: string; channels: number; kept: number }) => [l.name, l.channels, l.kept])).toEqual([['conv', 4, 2], ['dense', 8, 4]]);
    expect(report.notices).toEqual(['FULLY_CONNECTED at node 4 ("logits") left out: its output channels reach SOFTMAX at node 5, which pruning cannot resize']);
    expect(report.finetune).toHaveLength(1);
    expect(report.batchNorms).toBe(1); // after the conv (ReLU fused), folded back
    expect(report.macs.after).toBe(14 * 14 * 2 * 9 + 4 * 7 * 7 * 2 + 10 * 4);
    expect(report.accuracy.images).toBe(64);
    const g = read(out);
    expect(g.tensors[g.ops[2]!.outputs[0]!]!.shape).toEqual([1, 7 * 7 * 2]); // the flatten follows
    const plainOut = join(tmp, 'channels-no-bn.tflite');
    const plain = await cli('prune', floatModel, '--channels', '0.5', '--finetune', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--no-batch-norm', '--out', plainOut, '--json');
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).batchNorms).toBe(0);
    const conv = prunableLayers(g, 'bn')[0]!.weight;
    expect(realWeights(read(plainOut).tensors[conv]!)).not.toEqual(realWeights(g.tensors[conv]!));
  }, 300_000);

  it('--distill TEACHER: fine-tuning distils from a float teacher; a teacher of another shape, an int8 teacher, --distill without --finetune and bad settings are refused', async () => {
    const teacher = file('teacher.tflite', small(8));
    const tune = async (...extra: string[]) => {
      const out = join(tmp, `distil-${extra.length}.tflite`);
      const r = await cli('prune', floatModel, '--channels', '0.5', '--finetune', 'fashion-mnist', '--limit', '64', '--batch', '16', ...extra, '--out', out, '--json');
      expect(r.code).toBe(0);
      return { report: JSON.parse(r.stdout), graph: read(out) };
    };
    const distilled = await tune('--distill', teacher, '--distill-temperature', '2', '--distill-alpha', '0.7');
    expect(distilled.report.distill).toEqual({ teacher: 'teacher.tflite', temperature: 2, alpha: 0.7 });
    const plain = await tune();
    expect(plain.report.distill).toBeNull();
    const conv = prunableLayers(plain.graph, 'p')[0]!.weight;
    expect(realWeights(distilled.graph.tensors[conv]!)).not.toEqual(realWeights(plain.graph.tensors[conv]!));

    const refused = async (...args: string[]) => {
      const r = await cli('prune', floatModel, '--channels', '0.5', '--out', join(tmp, 'refused.tflite'), ...args);
      return [r.code, r.stderr.trim()];
    };
    const ft = ['--finetune', 'fashion-mnist', '--limit', '16'];
    const c = new FloatGraphBuilder(1);
    const wide = file('wide-teacher.tflite', c.finish('wide', c.softmax('s', c.dense('d', c.flatten('f', c.image(1, 1, 10)), 10, 'NONE'))).graph);
    expect(await refused(...ft, '--distill', wide)).toEqual([1, "tinyforge: E_INPUT_DATA: teacher wide-teacher.tflite input [1, 1, 1, 10] differs from small.tflite's [1, 28, 28, 1]: distillation needs the same input and classes"]);
    const five = file('five-teacher.tflite', small(8, 5));
    expect(await refused(...ft, '--distill', five)).toEqual([1, "tinyforge: E_INPUT_DATA: teacher five-teacher.tflite output [1, 5] differs from small.tflite's [1, 10]: distillation needs the same input and classes"]);
    const g = small(8);
    const int8 = file('teacher_int8.tflite', quantizeModel(g, [[syntheticInputBytes(g.tensors[g.inputs[0]!]!, 1)]]));
    expect(await refused(...ft, '--distill', int8)).toEqual([2, 'tinyforge: E_USAGE: --distill teacher_int8.tflite is int8: the teacher runs in the float trainer, give the float model']);
    expect(await refused('--distill', teacher)).toEqual([2, 'tinyforge: E_USAGE: --distill distils during fine-tuning: give --finetune']);
    expect(await refused(...ft, '--distill', teacher, '--distill-alpha', '2')).toEqual([2, 'tinyforge: E_USAGE: --distill-alpha must be in [0, 1], got "2"']);
    expect(await refused(...ft, '--distill', teacher, '--distill-temperature', '0')).toEqual([2, 'tinyforge: E_USAGE: --distill-temperature must be a number > 0, got "0"']);
    expect(await refused(...ft, '--distill-temperature', '2')).toEqual([2, 'tinyforge: E_USAGE: --distill-temperature goes with --distill TEACHER.tflite']);
  }, 300_000);

  it('--channels per layer (layer=share, or @file with a JSON object): the named layers pruned at their shares, the others whole', async () => {
    const out = join(tmp, 'per-layer.tflite');
    const r = await cli('prune', floatModel, '--channels', 'conv=0.5, dense=0.25', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).layers.map((l: { name: string; kept: number }) => [l.name, l.kept])).toEqual([['conv', 2], ['dense', 6]]);
    // --report: accuracy against the profiler's Cortex-M4 instructions, before and after
    const page = join(tmp, 'per-layer.html');
    const withPage = await cli('prune', floatModel, '--channels', 'conv=0.5', '--data', 'fashion-mnist', '--limit', '16', '--out', join(tmp, 'per-layer-page.tflite'), '--report', page, '--json');
    expect(withPage.code).toBe(0);
    const html = readFileSync(page, 'utf8');
    const xs = [...html.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="5" stroke=/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(2);
    expect(xs[1]).toBeLessThan(xs[0]!); // the pruned model: fewer instructions
    expect(html).toContain('small.tflite -&gt; per-layer-page.tflite');
    expect((await cli('prune', floatModel, '--channels', 'conv=0.5', '--out', join(tmp, 'p.tflite'), '--report', join(tmp, 'p.html'))).stderr.trim()).toBe(
      'tinyforge: E_USAGE: --report plots accuracy against instructions before and after pruning: give --data',
    );
    const shares = join(tmp, 'shares.json');
    writeFileSync(shares, '{"dense": 0.5}');
    const f = await cli('prune', floatModel, '--channels', `@${shares}`, '--out', join(tmp, 'per-layer-file.tflite'), '--json');
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout).layers.map((l: { name: string; kept: number }) => [l.name, l.kept])).toEqual([['dense', 4]]);
    expect(JSON.parse(f.stdout).notices).toEqual([]);
  }, 120_000);

  it('refuses bad flags, a model without prunable layers, data the model cannot take, and fine-tuning an int8 model', async () => {
    const usage = async (...args: string[]) => {
      const r = await cli('prune', floatModel, ...args);
      return [r.code, r.stderr.trim()];
    };
    expect(await usage('--sparsity', '1', '--out', join(tmp, 'x.tflite'))).toEqual([2, 'tinyforge: E_USAGE: --sparsity must be in [0, 1) (or @scan.json), got "1"']);
    expect(await usage('--channels', '-0.1', '--out', join(tmp, 'x.tflite'))).toEqual([2, 'tinyforge: E_USAGE: --channels must be a share in [0, 1), or layer=share,..., got "-0.1"']);
    expect(await usage('--channels', 'conv=1', '--out', join(tmp, 'x.tflite'))).toEqual([2, 'tinyforge: E_USAGE: --channels: conv must be a share in [0, 1), got "1"']);
    expect(await usage('--channels', 'conv=0.5,0.2', '--out', join(tmp, 'x.tflite'))).toEqual([2, 'tinyforge: E_USAGE: --channels: "0.2" is not layer=share']);
    expect(await usage('--channels', 'conv9=0.5', '--out', join(tmp, 'x.tflite'))).toEqual([2, 'tinyforge: E_USAGE: --channels: small.tflite has no prunable layer named "conv9" (its layers: conv, dense, logits)']);
    expect(await usage('--channels', 'logits=0.5', '--out', join(tmp, 'x.tflite'))).toEqual([
      1, 'tinyforge: E_UNSUPPORTED: small.tflite: --channels cannot prune FULLY_CONNECTED at node 4 ("logits"): its output channels reach SOFTMAX at node 5, which pruning cannot resize',
    ]);
    expect((await usage('--sparsity', '0.5'))[1]).toMatch(/E_USAGE: --sparsity writes a model: give --out/);
    expect((await usage('--scan', '--sparsity', '0.5'))[1]).toMatch(/E_USAGE: prune takes exactly one of --scan, --sparsity, --channels; got --scan and --sparsity/);
    expect((await usage('--scan'))[1]).toMatch(/E_USAGE: --scan measures accuracy: give --data/);

    const b = new FloatGraphBuilder(1);
    const pools = file('pools.tflite', b.finish('pools', b.maxPool('pool', b.image(28, 28, 1), 2)).graph);
    const none = await cli('prune', pools, '--sparsity', '0.5', '--out', join(tmp, 'y.tflite'));
    expect([none.code, none.stderr]).toEqual([1, expect.stringMatching(/^tinyforge: E_UNSUPPORTED: pools.tflite has no prunable layer .*its ops are MAX_POOL_2D/)]);

    const c = new FloatGraphBuilder(1);
    const wide = file('wide.tflite', c.finish('wide', c.softmax('s', c.dense('d', c.flatten('f', c.image(1, 1, 10)), 10, 'NONE'))).graph);
    const misfit = await cli('prune', wide, '--scan', '--data', 'fashion-mnist', '--limit', '5');
    expect(misfit.code).toBe(1);
    expect(misfit.stderr).toMatch(/E_INPUT_DATA: dataset fashion-mnist\/val images \[28, 28, 1\] cannot feed model input input \[1, 1, 1, 10\]/);

    const g = small();
    const int8 = file('small_int8b.tflite', quantizeModel(g, [[syntheticInputBytes(g.tensors[g.inputs[0]!]!, 1)]]));
    const ft = await cli('prune', int8, '--sparsity', '0.5', '--finetune', 'fashion-mnist', '--out', join(tmp, 'z.tflite'));
    expect(ft.stderr).toMatch(/^tinyforge: E_UNSUPPORTED: small_int8b.tflite is int8 and fine-tuning trains float32 models/);
  }, 300_000);
});
