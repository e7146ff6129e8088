// The calibration settings on the MLPerf Tiny float models: each agrees with the float model at least as
// well as the official int8 twin on the same held-out inputs, and the files run with identical bytes on
// the reference interpreter and the wasm module (per-tensor weights and corrected biases included).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { compareInt8Io, compareQuantized, quantizeModel, type QuantizeOptions } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { haveShared, MODELS_DIR, REPO_ROOT } from '../helpers/shared.js';

const shared = haveShared();
if (!shared) console.warn('test/quantize/mlperf-methods: ../shared is missing; skipped');
const read = (...p: string[]) => readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, ...p))));

async function sameOnWasm(int8: Graph, samples: Uint8Array[][]): Promise<void> {
  const library = new Uint8Array(readFileSync(join(REPO_ROOT, 'build', 'kernels.simd.wasm')));
  const model = await instantiateEmitted(emitWasm(scheduleOf(planModel(int8, { backend: 'wasm' }).plan), { library, simd: true }));
  samples.forEach((s, k) => expect(Buffer.compare(runLoaded(model, s)[0]!, runReference(int8, s).outputs[0]!), `sample ${k}`).toBe(0));
}

const outputSqnr = (float: Graph, int8: Graph, held: Uint8Array[][]) => {
  const c = compareQuantized(float, int8, held);
  return { top1: c.top1Agreement, sqnrDb: c.layers.find((l) => l.tensor === float.outputs[0])!.sqnrDb };
};

describe.skipIf(!shared)('calibration settings on the MLPerf Tiny float models vs the official int8 twins', () => {
  it('ad01 on its real windows: percentile, mse, auto and auto + bias correction reach the twin\'s output SQNR; per-tensor runs the same on wasm', async () => {
    const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny', 'samples', 'normal_id_01_00000000_hist_librosa.bin')));
    const windows = Array.from({ length: 196 }, (_, k) => [bytes.slice(k * 512, k * 512 + 2560)]);
    const calibration = windows.slice(0, 98);
    const held = windows.slice(98);
    const float = read('mlperf-tiny-float', 'ad01_fp32.tflite');
    const official = compareInt8Io(float, read('mlperf-tiny', 'ad01_int8.tflite'), held);
    const settings: QuantizeOptions[] = [{ method: 'percentile' }, { method: 'mse' }, { method: 'auto' }, { method: 'auto', biasCorrection: true }];
    for (const options of settings) {
      const ours = outputSqnr(float, quantizeModel(float, calibration, 'ad01', options), held);
      console.log(`ad01 ${JSON.stringify(options)}: output SQNR ours ${ours.sqnrDb.toFixed(1)} dB, ad01_int8 ${official.outputSqnrDb.toFixed(1)} dB`);
      expect(ours.sqnrDb).toBeGreaterThanOrEqual(official.outputSqnrDb);
    }
    const perTensor = readTflite(writeTflite(quantizeModel(float, calibration, 'ad01', { perTensor: true, biasCorrection: true })));
    await sameOnWasm(perTensor, held.slice(0, 8));
  }, 300_000);

  it('pretrainedResnet, auto + bias correction: top-1 agreement and output SQNR at least the twin\'s; identical bytes on wasm', async () => {
    const float = read('mlperf-tiny-float', 'pretrainedResnet.tflite');
    const twin = read('mlperf-tiny', 'pretrainedResnet_quant.tflite');
    const q = twin.tensors[twin.inputs[0]!]!.quant!;
    const range: [number, number] = [q.scales[0]! * (-128 - q.zeroPoints[0]!), q.scales[0]! * (127 - q.zeroPoints[0]!)];
    const draw = (seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(float.tensors[float.inputs[0]!]!, mixSeed(seed, k), range)]);
    const held = draw(2, 16);
    const int8 = readTflite(writeTflite(quantizeModel(float, draw(1, 32), 'resnet', { method: 'auto', biasCorrection: true })));
    const ours = outputSqnr(float, int8, held);
    const official = compareInt8Io(float, twin, held);
    console.log(`pretrainedResnet auto + bias correction: top-1 ours ${ours.top1}, twin ${official.top1Agreement}; output SQNR ours ${ours.sqnrDb.toFixed(1)} dB, twin ${official.outputSqnrDb.toFixed(1)} dB`);
    expect(ours.top1).toBeGreaterThanOrEqual(official.top1Agreement);
    expect(ours.sqnrDb).toBeGreaterThanOrEqual(official.outputSqnrDb);
    await sameOnWasm(int8, held.slice(0, 4));
  }, 300_000);
});
