// FULLY_CONNECTED with int16 activations and int8 weights from TFLM's fully_connected_test.cc vectors
// (SimpleTestQuantizedInt16, SimpleTestPerChannelQuantizedInt16, the relu and null-bias data at the same
// scales): single-op .tflite files written and read back, run on the reference kernels, the wasm module
// (SIMD and scalar) and the host C build. With these scales every product is exact, so the outputs are
// TFLM's float goldens times 512 with no rounding: every engine must give exactly those.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

// fully_connected_test.cc: input [2, 10], weights [3, 10], bias [3], output [2, 3].
const INPUT = [1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10];
const WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const BIAS = [1, 2, 3];
const GOLDEN = [24, 25, 26, 58, 59, 60];
const GOLDEN_NULL_BIAS = [23, 23, 23, 57, 57, 57];
const RELU_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const RELU_BIAS = [1, -2, 3];
const RELU_GOLDEN = [24, 0, 26, 58, 0, 60];
/** The tests' activation scale, 128 / 65536. */
const SCALE = 128 / 65536;

interface Spec {
  weights: number[];
  /** One scale (per tensor) or one per unit. */
  weightScales: number[];
  bias: number[] | null;
  clamp?: [number, number];
  inputZeroPoint?: number;
  outputScale?: number;
}

function bytesOf(dtype: DType, values: number[]): Uint8Array {
  if (dtype === 'int64') return new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  if (dtype === 'int16') return new Uint8Array(Int16Array.from(values).buffer);
  return new Uint8Array(Int8Array.from(values).buffer);
}

/** The one-op model file, quantized as TFLM's test helpers do (round(value / scale)). */
function model(s: Spec): Uint8Array {
  const units = 3, depth = 10;
  const scaleOf = (u: number) => s.weightScales.length === 1 ? s.weightScales[0]! : s.weightScales[u]!;
  const t = (id: number, name: string, shape: number[], dtype: DType, quant: Tensor['quant'], data: Uint8Array | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant, data, isVariable: false,
  });
  const q = (scales: number[], zeroPoint = 0) => ({ scales: scales.map(Math.fround), zeroPoints: scales.map(() => zeroPoint), axis: 0 });
  const tensors = [
    t(0, 'input', [2, depth], 'int16', q([SCALE], s.inputZeroPoint ?? 0), null),
    t(1, 'weights', [units, depth], 'int8', q(s.weightScales), bytesOf('int8', s.weights.map((w, i) => Math.round(w / scaleOf(Math.floor(i / depth)))))),
    t(2, 'output', [2, units], 'int16', q([s.outputScale ?? SCALE]), null),
  ];
  const inputs = [0, 1];
  if (s.bias) {
    const biasScales = s.weightScales.map((w) => w * SCALE);
    tensors.push(t(3, 'bias', [units], 'int64', q(biasScales), bytesOf('int64', s.bias.map((b, u) => Math.round(b / (biasScales.length === 1 ? biasScales[0]! : biasScales[u]!))))));
    inputs.push(3);
  }
  const graph: Graph = {
    name: 'fully_connected_16x8', description: 'TFLM fully_connected_test vectors', tensors,
    // the version TFLite's converter writes for 16x8 (op_version.cc: 1 with a bias, 6 without)
    ops: [{ kind: 'FULLY_CONNECTED', version: s.bias ? 1 : 6, inputs, outputs: [2], attrs: { clamp: s.clamp ?? [-32768, 32767], keepNumDims: false }, params: null }],
    inputs: [0], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('FULLY_CONNECTED 16x8 on host C');
const inputBytes = bytesOf('int16', INPUT.map((v) => Math.round(v / SCALE)));

/** The int16 outputs of every engine, each checked equal to `golden` / SCALE. */
async function expectGolden(s: Spec, golden: number[]): Promise<void> {
  const runs = await runOnEveryEngine(readTflite(model(s)), [inputBytes], hostC);
  expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
  const want = golden.map((g) => g / SCALE);
  for (const [engine, outs] of Object.entries(runs)) {
    const o = outs[0]!;
    expect([engine, Array.from(new Int16Array(o.buffer, o.byteOffset, o.length / 2))]).toEqual([engine, want]);
  }
}

describe('FULLY_CONNECTED 16x8 (TFLM fully_connected_test.cc)', () => {
  it('SimpleTestQuantizedInt16: per-tensor weights (scale 1), int64 bias', async () => {
    await expectGolden({ weights: WEIGHTS, weightScales: [1], bias: BIAS }, GOLDEN);
  });

  it('SimpleTestPerChannelQuantizedInt16: weight scales 0.2, 0.25, 0.5', async () => {
    await expectGolden({ weights: WEIGHTS, weightScales: [0.2, 0.25, 0.5], bias: BIAS }, GOLDEN);
  });

  it('no bias input (the null-bias golden)', async () => {
    await expectGolden({ weights: WEIGHTS, weightScales: [1], bias: null }, GOLDEN_NULL_BIAS);
  });

  it('the relu vectors with a fused RELU', async () => {
    await expectGolden({ weights: RELU_WEIGHTS, weightScales: [1], bias: RELU_BIAS, clamp: [0, 32767] }, RELU_GOLDEN);
  });

  it('a multiplier below 1 rounds as the 64-bit MultiplyByQuantizedMultiplier: output scale 3 x 128/65536', async () => {
    // acc = 512 * golden, multiplier 1/3: 12288/3 = 4096, 12800/3 = 4266.67 -> 4267, 13312/3 = 4437.33 -> 4437, ...
    const runs = await runOnEveryEngine(readTflite(model({ weights: WEIGHTS, weightScales: [1], bias: BIAS, outputScale: 3 * SCALE })), [inputBytes], hostC);
    for (const [engine, outs] of Object.entries(runs)) {
      const o = outs[0]!;
      expect([engine, Array.from(new Int16Array(o.buffer, o.byteOffset, o.length / 2))]).toEqual([engine, [4096, 4267, 4437, 9899, 10069, 10240]]);
    }
  });

  it('refuses non-zero int16 zero points (TFLM 16x8 kernels add no offsets)', () => {
    const e = refusal(() => readTflite(model({ weights: WEIGHTS, weightScales: [1], bias: BIAS, inputZeroPoint: 5 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/FULLY_CONNECTED \(node 0\), tensor 'input' \(#0\): int16 zero point 5 is not supported/);
  });
});
