// Quantization-aware training: the fake-quant ops against the int8 schemes and their straight-through
// gradients; `tinyforge qat` on a small Fashion-MNIST slice (loss decreases, the written int8 model's
// accuracy comes from an int8 engine, and it runs with identical bytes on reference, wasm and c).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { isFloatOp } from '../../src/ir/float.js';
import { asymmetricInt8, symmetricPerChannel } from '../../src/quantize/index.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { fakeQuantActivation, fakeQuantWeight } from '../../src/train/fake-quant.js';
import { cli } from '../helpers/cli.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const present = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!present) console.warn(`test/train/qat: ${FASHION} is missing (Debian's dataset-fashion-mnist); the CLI tests are skipped`);

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-qat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => useTrainBackend());

describe('fake quantization', () => {
  it('weights: the per-channel int8 values the quantizer writes (conv [H,W,I,O], channels last), gradient straight through', () => {
    // 2 output channels of 3 weights each: channel 0 [1, -0.3, 0.52], channel 1 [0.1, 0.02, -0.05]
    const tfjs = Float32Array.from([1, 0.1, -0.3, 0.02, 0.52, -0.05]); // [1,1,3,2]
    const w = tf.tensor(tfjs, [1, 1, 3, 2]);
    const fq = fakeQuantWeight('CONV_2D', w).dataSync();
    // the quantizer on the TFLite layout [O,H,W,I]
    const { q, scales } = symmetricPerChannel(Float32Array.from([1, -0.3, 0.52, 0.1, 0.02, -0.05]), [2, 1, 1, 3], 0);
    const expected = [0, 1, 2].flatMap((i) => [q[i]! * scales[0]!, q[3 + i]! * scales[1]!]);
    fq.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fakeQuantWeight('CONV_2D', x), tf.reshape(tf.range(1, 7), [1, 1, 3, 2]))))(w);
    expect([...g.dataSync()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('activations: TFLite\'s params for the range; gradient zero where a value is clipped', () => {
    const range: [number, number] = [-1, 2];
    const { scale, zeroPoint } = asymmetricInt8(...range);
    // (values off the rounding halves: the simulation rounds float32 quotients half to even, TFLite half away)
    const x = tf.tensor1d([-3, -0.5, 0.3333, 1.7, 5]);
    const fq = fakeQuantActivation(x, range).dataSync();
    const real = (v: number) => (Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint)) - zeroPoint) * scale;
    [-3, -0.5, 0.3333, 1.7, 5].forEach((v, i) => expect(fq[i]).toBeCloseTo(real(v), 6));
    const g = tf.grad((v: tf.Tensor) => tf.sum(fakeQuantActivation(v, range)))(x);
    expect([...g.dataSync()]).toEqual([0, 1, 1, 1, 0]);
  });
});

describe.skipIf(!present)('tinyforge qat on a Fashion-MNIST slice', () => {
  const float = join(tmp, 'lenet_fp32.tflite');
  const int8 = join(tmp, 'lenet_qat.tflite');

  it('trains with decreasing loss and writes an int8 model whose accuracy the wasm engine measures', async () => {
    const t = await cli('train', '--arch', 'lenet', '--data', 'fashion-mnist', '--epochs', '1', '--limit', '256', '--val-fraction', '0', '--out', float);
    expect(t.code, t.stderr).toBe(0);
    const r = await cli('qat', float, '--data', 'fashion-mnist', '--epochs', '2', '--limit', '256', '--lr', '5e-4', '--out', int8, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const losses = report.epochs.map((e: { loss: number }) => e.loss);
    console.log(`qat losses ${losses.map((l: number) => l.toFixed(4)).join(' -> ')}; int8 test accuracy ${report.int8TestAccuracy} on ${report.testImages} images (${report.engine})`);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(report).toMatchObject({ trainImages: 256, testImages: 256, engine: 'wasm' });
    const g = readTflite(new Uint8Array(readFileSync(int8)));
    expect(g.ops.filter((op) => isFloatOp(op, g.tensors))).toEqual([]);
    expect([g.ops[0]!.kind, g.ops.at(-1)!.kind]).toEqual(['QUANTIZE', 'DEQUANTIZE']);
    // the same accuracy from eval on the written file: it is the int8 model's, not the training forward's
    const e = await cli('eval', int8, '--data', 'fashion-mnist', '--limit', '256', '--engine', 'reference', '--json');
    expect(JSON.parse(e.stdout).accuracy).toBe(report.int8TestAccuracy);
    expect(report.int8TestAccuracy).toBeGreaterThan(0.5);
  }, 300_000);

  it('the written model gives identical bytes on the reference, wasm and c engines', async () => {
    const g = readTflite(new Uint8Array(readFileSync(int8)));
    const outs: Buffer[] = [];
    for (let k = 0; k < 3; k++) {
      const input = join(tmp, `in${k}.bin`);
      writeFileSync(input, syntheticInputBytes(g.tensors[g.inputs[0]!]!, mixSeed(9, k), [0, 1]));
      for (const engine of ['reference', 'wasm', 'c']) {
        const out = join(tmp, `out-${engine}-${k}.bin`);
        const r = await cli('run', int8, '--input', input, '--output', out, '--engine', engine);
        expect(r.code, r.stderr).toBe(0);
        outs.push(readFileSync(out));
      }
      expect(outs[3 * k + 1]!.equals(outs[3 * k]!), `sample ${k}: wasm`).toBe(true);
      expect(outs[3 * k + 2]!.equals(outs[3 * k]!), `sample ${k}: c`).toBe(true);
    }
  }, 300_000);

  it('refuses an int8 model naming it', async () => {
    const r = await cli('qat', int8, '--data', 'fashion-mnist', '--epochs', '1', '--limit', '64', '--out', join(tmp, 'again.tflite'));
    expect(r.stderr).toMatch(/^tinyforge: E_USAGE: lenet_qat\.tflite is not a float32 model: .* already quantized\n$/);
    expect(existsSync(join(tmp, 'again.tflite'))).toBe(false);
  });
});
