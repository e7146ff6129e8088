// MUL with int16 activations from TFLM's mul_test.cc (SimpleInt16NoActivationShouldMatchGolden,
// BroadcastInt16NoActivationShouldMatchGolden): single-op .tflite files at the version TFLite's converter
// writes (4), read back and run on the reference kernels, the wasm module (SIMD and scalar) and the host C
// build. TFLM's int16 MUL is its int8 formula (MulElementwise / BroadcastMul4DSlow) with zero points 0 and
// a 32-bit MultiplyByQuantizedMultiplier; with these scales TFLM's quantized goldens are exact, so every
// engine must give exactly round(golden / output scale).
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Spec {
  shape1: number[];
  shape2: number[];
  outShape: number[];
  inputScale: number;
  outputScale: number;
  clamp?: [number, number];
  zeroPoint?: number;
}

/** The one-op model file: both inputs at `inputScale`, as TFLM's TestMulQuantized sets them. */
function model(s: Spec): Uint8Array {
  const t = (id: number, name: string, shape: number[], scale: number, zeroPoint = 0): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: 'int16' as DType, quant: { scales: [Math.fround(scale)], zeroPoints: [zeroPoint], axis: 0 }, data: null, isVariable: false,
  });
  const graph: Graph = {
    name: 'mul_int16', description: 'TFLM mul_test int16 vectors',
    tensors: [t(0, 'input1', s.shape1, s.inputScale, s.zeroPoint), t(1, 'input2', s.shape2, s.inputScale), t(2, 'output', s.outShape, s.outputScale)],
    ops: [{ kind: 'MUL', version: 4, inputs: [0, 1], outputs: [2], attrs: { clamp: s.clamp ?? [-32768, 32767] }, params: null }],
    inputs: [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('MUL int16 on host C');
const int16Bytes = (values: number[]) => new Uint8Array(Int16Array.from(values).buffer);

/** The int16 outputs of every engine (at least reference, wasm SIMD and scalar), each checked equal to `want`. */
async function expectOutputs(s: Spec, in1: number[], in2: number[], want: number[]): Promise<void> {
  const runs = await runOnEveryEngine(readTflite(model(s)), [int16Bytes(in1), int16Bytes(in2)], hostC);
  expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
  for (const [engine, outs] of Object.entries(runs)) {
    const o = outs[0]!;
    expect([engine, Array.from(new Int16Array(o.buffer, o.byteOffset, o.length / 2))]).toEqual([engine, want]);
  }
}

/** TFLM's Quantize: round(value / scale) in float32. */
const quantize = (values: number[], scale: number) => values.map((v) => Math.round(Math.fround(v / Math.fround(scale))));

describe('MUL int16 (TFLM mul_test.cc)', () => {
  it('SimpleInt16NoActivationShouldMatchGolden: [1, 2, 2, 1] x [1, 2, 2, 1], scale 0.01', async () => {
    const shape = [1, 2, 2, 1];
    await expectOutputs({ shape1: shape, shape2: shape, outShape: shape, inputScale: 0.01, outputScale: 0.01 },
      quantize([-0.8, 0.2, 0.9, 0.7], 0.01), quantize([0.6, 0.4, 0.9, 0.8], 0.01), [-48, 8, 81, 56]);
  });

  it('BroadcastInt16NoActivationShouldMatchGolden: [1, 3, 1, 2] x [1], input scale 0.05, output scale 0.01', async () => {
    await expectOutputs({ shape1: [1, 3, 1, 2], shape2: [1], outShape: [1, 3, 1, 2], inputScale: 0.05, outputScale: 0.01 },
      quantize([-2.0, 0.2, 0.7, 0.8, 1.1, 2.0], 0.05), quantize([0.1], 0.05), [-20, 2, 7, 8, 11, 20]);
  });

  it('the 32-bit MultiplyByQuantizedMultiplier rounds half away from zero, and the int16 range clamps: multiplier 1/4', async () => {
    // products 2, -2, 6, -6, 10, -10 times 1/4: +-0.5 -> +-1, +-1.5 -> +-2, +-2.5 -> +-3; 32767^2 / 4 and -32768 x 32767 / 4 saturate
    const shape = [8];
    await expectOutputs({ shape1: shape, shape2: shape, outShape: shape, inputScale: 0.5, outputScale: 1 },
      [1, -1, 3, -3, 5, -5, 32767, -32768], [2, 2, 2, 2, 2, 2, 32767, 32767], [1, -1, 2, -2, 3, -3, 32767, -32768]);
  });

  it('a fused RELU clamps at 0 (the broadcast vectors)', async () => {
    await expectOutputs({ shape1: [1, 3, 1, 2], shape2: [1], outShape: [1, 3, 1, 2], inputScale: 0.05, outputScale: 0.01, clamp: [0, 32767] },
      quantize([-2.0, 0.2, 0.7, 0.8, 1.1, 2.0], 0.05), quantize([0.1], 0.05), [0, 2, 7, 8, 11, 20]);
  });

  it('refuses non-zero int16 zero points (TFLM mul_common.cc Prepare)', () => {
    const shape = [1, 2, 2, 1];
    const e = refusal(() => readTflite(model({ shape1: shape, shape2: shape, outShape: shape, inputScale: 0.01, outputScale: 0.01, zeroPoint: 3 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/MUL \(node 0\), tensor 'input1' \(#0\): int16 zero point 3 is not supported/);
  });
});
