// Post-training quantization (src/quantize/): a single FC layer checked against values computed by hand,
// and the MLPerf Tiny float models quantized, written, re-read, and run with identical bytes on the
// reference interpreter and the wasm module, agreeing with the float model at least as well as the
// official int8 twin does on the same inputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { syntheticInputBytes, mixSeed } from '../../src/builder/random.js';
import { TinyforgeError } from '../../src/errors.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { asymmetricInt8, calibrate, compareInt8Io, compareQuantized, NOT_YET_QUANTIZED, QUANTIZABLE_KINDS, quantizeGraph, quantizeModel, symmetricPerChannel } from '../../src/quantize/index.js';
import type { OpKind } from '../../src/ir/ops.js';
import { FLOAT_KERNELS } from '../../src/reference/float/kernels.js';
import { runReference } from '../../src/reference/interpreter.js';
import { haveShared, MODELS_DIR, REPO_ROOT } from '../helpers/shared.js';
import { f32, floatFc } from './float-graphs.js';


describe('quantizeGraph on a hand-checkable FULLY_CONNECTED', () => {
  const graph = floatFc();
  // Outputs by hand: [-1, 3] -> [-1 - 1.5 + 0.5, -0.25 + 6 - 1] = [-2, 4.75]; [3, -1] -> [4, -2.25].
  const samples = [[f32([-1, 3])], [f32([3, -1])]];
  const q = quantizeModel(graph, samples);

  it('records each activation range with the min/max observer', () => {
    const ranges = calibrate(graph, samples);
    expect(ranges.get(0)).toEqual([-1, 3]);
    expect(ranges.get(3)).toEqual([-2.25, 4.75]);
  });

  it('keeps float I/O: QUANTIZE, the int8 FULLY_CONNECTED, DEQUANTIZE', () => {
    expect(q.ops.map((op) => op.kind)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    expect([q.tensors[q.inputs[0]!]!.dtype, q.tensors[q.outputs[0]!]!.dtype]).toEqual(['float32', 'float32']);
    expect(q.ops[1]!.version).toBe(4);
  });

  it('quantizes weights per channel (axis 0, symmetric), biases to int32 and activations asymmetric as computed by hand', () => {
    const fc = q.ops[1]!;
    const [x, w, b] = fc.inputs.map((id) => q.tensors[id]!);
    const y = q.tensors[fc.outputs[0]!]!;
    // Input [-1, 3]: scale 4/255, zero point round(-128 + 1 / (4/255)) = round(-64.25) = -64.
    expect(x!.quant).toEqual({ scales: [Math.fround(4 / 255)], zeroPoints: [-64], axis: 0 });
    // Channel 0 |max| 1 -> scale 1/127, [1, -0.5] -> [127, round(-63.5) = -64]; channel 1 |max| 2 -> [round(15.875) = 16, 127].
    expect(w!.dtype).toBe('int8');
    expect(w!.quant).toEqual({ scales: [Math.fround(1 / 127), Math.fround(2 / 127)], zeroPoints: [0, 0], axis: 0 });
    expect([...new Int8Array(w!.data!.buffer)]).toEqual([127, -64, 16, 127]);
    // Bias scales 4/255 * 1/127 and 4/255 * 2/127: 0.5 * 32385 / 4 = 4048.13 -> 4048; -1 * 32385 / 8 = -4048.13 -> -4048.
    expect(b!.dtype).toBe('int32');
    expect(b!.quant!.scales).toEqual([Math.fround(Math.fround(4 / 255) * Math.fround(1 / 127)), Math.fround(Math.fround(4 / 255) * Math.fround(2 / 127))]);
    expect([...new Int32Array(b!.data!.buffer)]).toEqual([4048, -4048]);
    // Output [-2.25, 4.75]: scale 7/255, zero point round(-128 + 2.25 * 255 / 7) = round(-46.04) = -46; no activation: full range.
    expect(y!.quant).toEqual({ scales: [Math.fround(7 / 255)], zeroPoints: [-46], axis: 0 });
    expect(fc.attrs).toMatchObject({ clamp: [-128, 127] });
  });

  it('runs close to the float model on the reference interpreter', () => {
    const out = new Float32Array(runReference(q, [f32([-1, 3])]).outputs[0]!.buffer);
    expect(Math.abs(out[0]! - -2)).toBeLessThan(0.05);
    expect(Math.abs(out[1]! - 4.75)).toBeLessThan(0.05);
  });

  it('turns a fused RELU6 into the int8 clamp TFLite computes from the output parameters', () => {
    const relu6 = quantizeModel(floatFc([0, 6]), samples);
    const y = relu6.tensors[relu6.ops[1]!.outputs[0]!]!;
    // Range [0, 4.75] (RELU6 applied): scale 4.75/255, zero point -128; 6 / scale = 322.1 -> clamp above at 127.
    expect(y.quant!.zeroPoints).toEqual([-128]);
    expect(relu6.ops[1]!.attrs).toMatchObject({ clamp: [-128, 127] });
  });

  it('handles every op kind the float import runs; names the ops it cannot handle, and refuses an int8 model', () => {
    // Every float kernel is quantized or listed as not yet (a model with one is refused naming it, below).
    expect(Object.keys(FLOAT_KERNELS).filter((k) => !QUANTIZABLE_KINDS.includes(k as OpKind) && !NOT_YET_QUANTIZED.includes(k as OpKind))).toEqual([]);
    expect(QUANTIZABLE_KINDS.filter((k) => NOT_YET_QUANTIZED.includes(k))).toEqual([]);
    const g = floatFc();
    // a kind without a quantization rule (none of the float import's has none today)
    const other = { ...g, ops: [{ kind: 'NEW_OP', version: 1, inputs: [0, 0], outputs: [3], attrs: {}, params: null } as unknown as AnyOp] };
    expect(() => quantizeGraph(other, new Map())).toThrow(/^fc: the quantizer cannot handle NEW_OP \(NEW_OP at node 0\)$/);
    try {
      quantizeGraph(other, new Map());
    } catch (e) {
      expect((e as TinyforgeError).code).toBe('E_UNSUPPORTED');
    }
    expect(() => quantizeGraph(q, new Map())).toThrow(/is not a float32 model/);
  });
});

describe('quantization schemes', () => {
  it('depthwise weights [1, H, W, C] get one scale per channel of axis 3', () => {
    // Channels interleave innermost: channel 0 = [2, -1], 1 = [0.5, 0], 2 = [0, 0] (all zero: the layer's largest scale).
    const { q, scales } = symmetricPerChannel(Float32Array.from([2, 0.5, 0, -1, 0, 0]), [1, 1, 2, 3], 3);
    expect(scales).toEqual([Math.fround(2 / 127), Math.fround(0.5 / 127), Math.fround(2 / 127)]);
    // -1 / (2/127) = -63.5 -> -64 (half away from zero).
    expect([...q]).toEqual([127, 127, 0, -64, 0, 0]);
  });

  it('gives an all-zero (pruned) channel the layer\'s largest scale, so its requantization shift is the layer\'s and its bias as fine', () => {
    // Row 1 of W pruned to zero: with scale 1 its multiplier would be input/output scale (shift -1 here,
    // which sends the C conv kernel off its fast requantization for the whole layer).
    const g = floatFc();
    g.tensors[1] = { ...g.tensors[1]!, data: f32([1, -0.5, 0, 0]) };
    const q = quantizeModel(g, [[f32([-1, 3])], [f32([3, -1])]]);
    const fc = q.ops[1]!;
    const w = q.tensors[fc.inputs[1]!]!;
    expect(w.quant!.scales).toEqual([Math.fround(1 / 127), Math.fround(1 / 127)]);
    const shift = (fc.params as { shift: Int32Array }).shift;
    expect(shift[1]).toBe(shift[0]);
    expect(shift[1]).toBeLessThanOrEqual(-2);
    // bias -1 at scale input * 1/127 (input scale 4/255): round(-1 / (4/255/127)) = -8096, not round(-1 / (4/255)) = -64
    expect(new Int32Array(q.tensors[fc.inputs[2]!]!.data!.slice().buffer)[1]).toBe(-8096);
  });

  it('nudges the zero point into [-128, 127] and always represents 0', () => {
    // [0.5, 2] widens to [0, 2]: zero point -128; [-3, -1] widens to [-3, 0]: zero point 127.
    expect(asymmetricInt8(0.5, 2)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -128 });
    expect(asymmetricInt8(-3, -1)).toEqual({ scale: Math.fround(3 / 255), zeroPoint: 127 });
    expect(asymmetricInt8(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });
});

const shared = haveShared();
const library = new Uint8Array(shared ? readFileSync(join(REPO_ROOT, 'build', 'kernels.simd.wasm')) : []);

async function runWasm(graph: Graph, inputs: Uint8Array[][]): Promise<Uint8Array[][]> {
  const emitted = emitWasm(scheduleOf(planModel(graph, { backend: 'wasm' }).plan), { library, simd: true });
  const model = await instantiateEmitted(emitted);
  return inputs.map((sample) => runLoaded(model, sample));
}

/** Float samples in [lo, hi] for the model's input: smooth synthetic images. */
function samplesFor(graph: Graph, seed: number, n: number, range: [number, number]): Uint8Array[][] {
  const t = graph.tensors[graph.inputs[0]!]!;
  return Array.from({ length: n }, (_, k) => [syntheticInputBytes(t, mixSeed(seed, k), range)]);
}

/** The real range the twin's int8 input covers: where the synthetic images are drawn. */
function inputRange(twin: Graph): [number, number] {
  const q = twin.tensors[twin.inputs[0]!]!.quant!;
  return [q.scales[0]! * (-128 - q.zeroPoints[0]!), q.scales[0]! * (127 - q.zeroPoints[0]!)];
}

const WEIGHT_AXIS: Partial<Record<string, number>> = { CONV_2D: 0, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 0 };

const readModel = (...path: string[]) => readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, ...path))));

describe.skipIf(!shared)('quantizing the MLPerf Tiny float models', () => {
  // Calibration sizes: resnet with 8 images saturates the FC logits on held-out ones (agreement 0.81); 32 do not.
  const cases = [
    { float: 'pretrainedResnet', twin: 'pretrainedResnet_quant', calibration: 32, heldOut: 16 },
    { float: 'vww_96_float', twin: 'vww_96_int8', calibration: 16, heldOut: 16 },
  ];
  for (const c of cases) {
    it(`${c.float}: written, re-read, planned, identical bytes on reference and wasm, agrees with float at least as well as ${c.twin}`, async () => {
      const float = readModel('mlperf-tiny-float', `${c.float}.tflite`);
      const twin = readModel('mlperf-tiny', `${c.twin}.tflite`);
      const range = inputRange(twin);
      const int8 = readTflite(writeTflite(quantizeModel(float, samplesFor(float, 1, c.calibration, range), c.float)));
      const heldOut = samplesFor(float, 2, c.heldOut, range);
      // TFLite's quantized_dimension: output channels, axis 3 of a depthwise filter [1, H, W, C], else axis 0.
      for (const op of int8.ops.filter((o) => WEIGHT_AXIS[o.kind] !== undefined)) {
        const w = int8.tensors[op.inputs[1]!]!;
        const axis = WEIGHT_AXIS[op.kind]!;
        expect([op.kind, w.dtype, w.quant!.axis, w.quant!.scales.length]).toEqual([op.kind, 'int8', axis, w.shape[axis]]);
      }
      const reference = heldOut.map((s) => runReference(int8, s).outputs);
      const wasm = await runWasm(int8, heldOut);
      wasm.forEach((outs, k) => outs.forEach((o, i) => expect(Buffer.compare(o, reference[k]![i]!), `sample ${k} output ${i}`).toBe(0)));

      const ours = compareQuantized(float, int8, heldOut);
      const official = compareInt8Io(float, twin, heldOut);
      const ourSqnr = ours.layers.at(-1)!.sqnrDb;
      console.log(`${c.float}, ${heldOut.length} held-out synthetic images: top-1 agreement with float: ours ${ours.top1Agreement}, ${c.twin} ${official.top1Agreement}; output SQNR ours ${ourSqnr.toFixed(1)} dB, ${c.twin} ${official.outputSqnrDb.toFixed(1)} dB`);
      expect(ours.top1Agreement).toBeGreaterThanOrEqual(official.top1Agreement);
      expect(ourSqnr).toBeGreaterThanOrEqual(official.outputSqnrDb);
      expect(ours.layers.length).toBe(float.ops.length);
    }, 600_000); // minutes on a loaded 2-core machine
  }

  it('ad01_fp32: quantized on golden-like inputs, identical bytes on reference and wasm', async () => {
    const float = readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny-float', 'ad01_fp32.tflite'))));
    const int8 = readTflite(writeTflite(quantizeModel(float, samplesFor(float, 3, 16, [-1, 1]))));
    const held = samplesFor(float, 4, 8, [-1, 1]);
    const wasm = await runWasm(int8, held);
    held.forEach((s, k) => expect(Buffer.compare(wasm[k]![0]!, runReference(int8, s).outputs[0]!)).toBe(0));
    const cmp = compareQuantized(float, int8, held);
    expect(cmp.layers.at(-1)!.sqnrDb).toBeGreaterThan(15);
  }, 120_000);
});
