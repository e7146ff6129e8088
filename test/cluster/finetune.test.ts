// cluster on a float model (--finetune, Deep Compression's centroid fine-tuning): on a small Fashion-MNIST
// slice a 2-bit clustered LeNet classifies better fine-tuned than not; the written int8 model keeps at
// most 4 values per output channel, and runs bit-exact equal to its snapped int8 twin (DECODEs expanded
// into plain int8 weights) on the reference, wasm (SIMD and scalar) and host C engines. Misused flags
// and an int8 model given --finetune are refused naming what to pass.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import { readTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import { decodeLut, lutChannelOf, type LutLayout } from '../../src/ir/lut.js';
import { cli } from '../helpers/cli.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const present = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!present) console.warn(`test/cluster/finetune: ${FASHION} is missing (Debian's dataset-fashion-mnist); skipped`);

const tmp = mkdtempSync(join(tmpdir(), 'tf-cluster-ft-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const load = (path: string) => readTflite(new Uint8Array(readFileSync(path)));
const decodes = (g: Graph) => g.ops.filter((op): op is Extract<AnyOp, { kind: 'DECODE' }> => op.kind === 'DECODE');

/** Each DECODE's weights expanded as the reference DECODE does, per weight tensor. */
function expanded(g: Graph): Map<number, { values: Int8Array; layout: LutLayout }> {
  const out = new Map<number, { values: Int8Array; layout: LutLayout }>();
  for (const op of decodes(g)) {
    const t = g.tensors[op.outputs[0]!]!;
    const values = new Int8Array(t.shape.reduce((a, b) => a * b, 1));
    decodeLut(g.tensors[op.inputs[0]!]!.data!, g.tensors[op.inputs[1]!]!.data!, op.attrs, values);
    out.set(t.id, { values, layout: op.attrs });
  }
  return out;
}

/** The snapped twin: every DECODE's output stored as plain int8 weights, the DECODE ops gone. */
function snappedTwin(g: Graph): Graph {
  const tensors = g.tensors.map((t) => ({ ...t }));
  for (const [id, { values }] of expanded(g)) tensors[id] = { ...tensors[id]!, data: new Uint8Array(values.buffer) };
  return { ...g, tensors, ops: g.ops.filter((op) => op.kind !== 'DECODE') };
}

async function accuracy(model: string): Promise<number> {
  const r = await cli('eval', model, '--data', 'fashion-mnist', '--limit', '500', '--engine', 'wasm', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).accuracy as number;
}

describe.skipIf(!present)('tinyforge cluster --finetune on a float LeNet', () => {
  const float = join(tmp, 'lenet_fp32.tflite');
  const plain = join(tmp, 'lenet_lut2.tflite');
  const tuned = join(tmp, 'lenet_lut2_ft.tflite');

  it('fine-tuning raises the test accuracy of the 2-bit clustering; <= 4 values per channel; bit-exact with the snapped twin on every engine', async () => {
    const t = await cli('train', '--arch', 'lenet', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '1024', '--val-fraction', '0', '--seed', '2', '--out', float);
    expect(t.code, t.stderr).toBe(0);
    const p = await cli('cluster', float, '--bits', '2', '--calib', 'fashion-mnist', '--seed', '3', '--out', plain, '--json');
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ float: true, finetune: null });
    const f = await cli('cluster', float, '--bits', '2', '--finetune', 'fashion-mnist', '--epochs', '2', '--limit', '1024', '--lr', '1e-3', '--seed', '3', '--out', tuned, '--json');
    expect(f.code, f.stderr).toBe(0);
    const report = JSON.parse(f.stdout) as { finetune: { losses: number[]; trainImages: number }; tensors: Array<{ tableEntries: number; changedWeights: number; compressed: boolean }> };
    expect(report.finetune.trainImages).toBe(1024);
    expect(report.finetune.losses[1]!).toBeLessThan(report.finetune.losses[0]!);
    // the quantized shared weights needed no further clustering: at most 4 int8 values per channel already
    expect(report.tensors.every((x) => x.tableEntries <= 4 && x.changedWeights === 0)).toBe(true);
    const [before, after] = [await accuracy(plain), await accuracy(tuned)];
    console.log(`2-bit LeNet on 500 test images: clustered ${before}, fine-tuned ${after}`);
    expect(after).toBeGreaterThan(before + 0.01);

    const g = load(tuned);
    const weights = expanded(g);
    expect(weights.size).toBe(report.tensors.filter((x) => x.compressed).length);
    expect(weights.size).toBeGreaterThan(0);
    for (const { values, layout } of weights.values()) {
      const perChannel = Array.from({ length: layout.channels }, () => new Set<number>());
      values.forEach((v, i) => perChannel[lutChannelOf(i, values.length, layout)]!.add(v));
      expect(Math.max(...perChannel.map((s) => s.size))).toBeLessThanOrEqual(4);
    }
    const twin = snappedTwin(g);
    const hostC = hostCFor('cluster --finetune');
    for (let k = 0; k < 3; k++) {
      const inputs = g.inputs.map((id, i) => syntheticInputBytes(g.tensors[id]!, mixSeed(5, k, i), [0, 1]));
      const want = (await runOnEveryEngine(twin, inputs, false)).reference;
      for (const [engine, outputs] of Object.entries(await runOnEveryEngine(g, inputs, hostC))) expect(outputs, `sample ${k}: ${engine}`).toEqual(want);
    }
  }, 600_000);

  it('refuses --finetune on an int8 model naming the float model, a float model without calibration data, and --finetune without --epochs', async () => {
    const int8 = join(tmp, 'again.tflite');
    const a = await cli('cluster', tuned, '--bits', '2', '--finetune', 'fashion-mnist', '--epochs', '1', '--out', int8);
    expect(a.stderr).toBe("tinyforge: E_USAGE: lenet_lut2_ft.tflite is an int8 model: --finetune and --calib take the float model it came from (fine-tuning trains float weights, then quantizes them)\n");
    const b = await cli('cluster', float, '--bits', '2', '--out', int8);
    expect(b.stderr).toBe('tinyforge: E_USAGE: lenet_fp32.tflite is a float32 model: pass --calib DATA (or --finetune DATA) to calibrate its int8 quantization\n');
    const c = await cli('cluster', float, '--bits', '2', '--finetune', 'fashion-mnist', '--out', int8);
    expect(c.stderr).toBe('tinyforge: E_USAGE: --finetune DATA and --epochs N go together\n');
    expect(existsSync(int8)).toBe(false);
  }, 120_000);
});
