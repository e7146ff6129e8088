// DEPTHWISE_CONV_2D with int16 activations and int8 filters from TFLM's depthwise_conv_test.cc
// (SimpleTestQuantizedPerChannelInt16InputInt8Filter: input [1, 3, 2, 2], filter [1, 2, 2, 4], depth
// multiplier 2, VALID): single-op .tflite files written and read back, run on the reference kernels, the
// wasm module (SIMD and scalar) and the host C build. TFLM's own case quantizes the filter per channel
// (max |w| / 127) and checks within 1 of its float golden; the same vectors with a filter scale of 1 make
// every product exact, so there the outputs are the integer sums themselves (hand-computed below).
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

// depthwise_conv_test.cc: the first 12 of its 16 listed input values fill the [1, 3, 2, 2] input.
const INPUT = [-547, 108, -682, 540, -161, -539, 9, -482, -859, 84, 153, -726];
const FILTER = [1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16];
const BIAS = [1, 2, 3, 4];
const TFLM_GOLDEN = [4894, -9009, -16596, 10268, -2564, -7483, -6599, 4356];
/** The exact sums with unquantized weights: bias + sum of filter x input over the 2x2 window of each channel. */
const EXACT = [4904, -9004, -16616, 10316, -2547, -7526, -6614, 4352];
const INPUT_SCALE = 0.5;
const CHANNELS = 4;

interface Spec {
  /** One scale per output channel. */
  filterScales: number[];
  outputScale?: number;
  clamp?: [number, number];
  inputZeroPoint?: number;
}

function bytesOf(dtype: DType, values: number[]): Uint8Array {
  if (dtype === 'int64') return new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  if (dtype === 'int16') return new Uint8Array(Int16Array.from(values).buffer);
  return new Uint8Array(Int8Array.from(values).buffer);
}

/** The one-op model file, quantized as TFLM's test helpers do (float32 round(value / scale)). */
function model(s: Spec): Uint8Array {
  const t = (id: number, name: string, shape: number[], dtype: DType, quant: Tensor['quant'], data: Uint8Array | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant, data, isVariable: false,
  });
  const q = (scales: number[], axis = 0, zeroPoint = 0) => ({ scales: scales.map(Math.fround), zeroPoints: scales.map(() => zeroPoint), axis });
  const fs = s.filterScales.map(Math.fround);
  const biasScales = fs.map((f) => Math.fround(INPUT_SCALE * f));
  const tensors = [
    t(0, 'input', [1, 3, 2, 2], 'int16', q([INPUT_SCALE], 0, s.inputZeroPoint ?? 0), null),
    t(1, 'filter', [1, 2, 2, CHANNELS], 'int8', q(fs, 3), bytesOf('int8', FILTER.map((w, i) => Math.round(Math.fround(w / fs[i % CHANNELS]!))))),
    t(2, 'bias', [CHANNELS], 'int64', q(biasScales), bytesOf('int64', BIAS.map((b, c) => Math.round(Math.fround(b / biasScales[c]!))))),
    t(3, 'output', [1, 2, 1, CHANNELS], 'int16', q([s.outputScale ?? 1]), null),
  ];
  const graph: Graph = {
    name: 'depthwise_16x8', description: 'TFLM depthwise_conv_test int16 vectors', tensors,
    ops: [{
      // the version TFLite's converter writes for 16x8 (op_version.cc: 5 for int16 activations)
      kind: 'DEPTHWISE_CONV_2D', version: 5, inputs: [0, 1, 2], outputs: [3],
      attrs: { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: s.clamp ?? [-32768, 32767], depthMultiplier: 2 },
      params: null,
    }],
    inputs: [0], outputs: [3], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('DEPTHWISE_CONV_2D 16x8 on host C');
const inputBytes = bytesOf('int16', INPUT.map((v) => Math.round(v / INPUT_SCALE)));

/** The int16 outputs per engine (at least reference, wasm SIMD and scalar). */
async function outputs(s: Spec): Promise<Array<[string, number[]]>> {
  const runs = await runOnEveryEngine(readTflite(model(s)), [inputBytes], hostC);
  expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
  return Object.entries(runs).map(([engine, outs]) => {
    const o = outs[0]!;
    return [engine, Array.from(new Int16Array(o.buffer, o.byteOffset, o.length / 2))];
  });
}

describe('DEPTHWISE_CONV_2D 16x8 (TFLM depthwise_conv_test.cc)', () => {
  it('SimpleTestQuantizedPerChannelInt16InputInt8Filter: per-channel filter scales max|w|/127, within 1 of TFLM, every engine the same', async () => {
    const runs = await outputs({ filterScales: [13 / 127, 14 / 127, 15 / 127, 16 / 127] });
    const first = runs[0]![1];
    for (const [engine, got] of runs) {
      expect([engine, got]).toEqual([engine, first]);
      got.forEach((v, i) => expect(Math.abs(v - TFLM_GOLDEN[i]!), `${engine} output ${i}: ${v} vs ${TFLM_GOLDEN[i]}`).toBeLessThanOrEqual(1));
    }
  });

  it('the same vectors with filter scale 1: the exact sums (int64 bias, depth multiplier 2)', async () => {
    for (const [engine, got] of await outputs({ filterScales: [1, 1, 1, 1] })) expect([engine, got]).toEqual([engine, EXACT]);
  });

  it('a multiplier of 1/6 rounds as the 64-bit MultiplyByQuantizedMultiplier (half up): output scale 3', async () => {
    // acc = 2 x EXACT, multiplier 1/6: 9808/6 = 1634.67 -> 1635, -18008/6 = -3001.33 -> -3001, -5094/6 = -849 ...
    const want = [1635, -3001, -5539, 3439, -849, -2509, -2205, 1451];
    for (const [engine, got] of await outputs({ filterScales: [1, 1, 1, 1], outputScale: 3 })) expect([engine, got]).toEqual([engine, want]);
  });

  it('a fused RELU clamps at 0', async () => {
    const want = EXACT.map((v) => Math.max(0, v));
    for (const [engine, got] of await outputs({ filterScales: [1, 1, 1, 1], clamp: [0, 32767] })) expect([engine, got]).toEqual([engine, want]);
  });

  it('refuses non-zero int16 zero points (TFLM 16x8 kernels add no offsets)', () => {
    const e = refusal(() => readTflite(model({ filterScales: [1, 1, 1, 1], inputZeroPoint: 5 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/DEPTHWISE_CONV_2D \(node 0\), tensor 'input' \(#0\): int16 zero point 5 is not supported/);
  });
});
