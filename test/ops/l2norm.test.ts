// L2_NORMALIZATION (int8, float32) from TFLM's l2norm_test.cc vectors: single-op .tflite files written and
// read back, run on the reference kernels, the wasm module (SIMD and scalar) and the host C build. TFLM's
// test expects every output exactly (EXPECT_EQ), float32 included.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Q { scale: number; zeroPoint: number }

const f32 = Math.fround;
// TFLM's test quantization: ScaleFromMinMax / ZeroPointFromMinMax over [-2, 2] in float32 give 4/255 and
// -1 (its ZerosVectorInt8Test feeds -1 as the zero vector); the output over [-1, 127/128]: 1/128 and 0.
const IN_Q: Q = { scale: 4 / 255, zeroPoint: -1 };
const OUT_Q: Q = { scale: 1 / 128, zeroPoint: 0 };

function model(dtype: DType, shape: number[], inQ: Q | null, outQ: Q | null, version = dtype === 'int8' ? 2 : 1): Uint8Array {
  const quant = (q: Q | null) => (q ? { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null);
  const tensor = (id: number, name: string, q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: quant(q), isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'l2norm', description: 'TFLM l2norm_test vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind: 'L2_NORMALIZATION', version, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('L2_NORMALIZATION on host C');

/** The stored int8 outputs, the same on every engine. */
async function int8Everywhere(shape: number[], input: number[], outQ = OUT_Q): Promise<number[]> {
  const runs = await runOnEveryEngine(readTflite(model('int8', shape, IN_Q, outQ)), [new Uint8Array(Int8Array.from(input).buffer)], hostC);
  const reference = Array.from(new Int8Array(runs.reference![0]!.buffer, runs.reference![0]!.byteOffset, input.length));
  for (const [engine, outs] of Object.entries(runs)) {
    expect([engine, Array.from(new Int8Array(outs[0]!.buffer, outs[0]!.byteOffset, input.length))]).toEqual([engine, reference]);
  }
  return reference;
}

function float32(shape: number[], input: number[]): number[] {
  const out = runReference(readTflite(model('float32', shape, null, null)), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!;
  return Array.from(new Float32Array(out.buffer, out.byteOffset, input.length));
}

const ROW = [-71, 37, 44, 76, -46, 5];
const ROW_OUT = [-70, 38, 45, 77, -45, 6];
const FLOAT_ROW = [-1.1, 0.6, 0.7, 1.2, -0.7, 0.1];
const FLOAT_OUT = [-0.55, 0.3, 0.35, 0.6, -0.35, 0.05].map(f32);

describe('L2_NORMALIZATION int8 (TFLM l2norm_test.cc)', () => {
  it('SimpleInt8Test: [1,1,1,6] exactly', async () => {
    expect(await int8Everywhere([1, 1, 1, 6], ROW)).toEqual(ROW_OUT);
  });

  it('MultipleBatchInt8Test: [3,6], each row on its own', async () => {
    expect(await int8Everywhere([3, 6], [...ROW, ...ROW, ...ROW])).toEqual([...ROW_OUT, ...ROW_OUT, ...ROW_OUT]);
  });

  it('ZerosVectorInt8Test: a row at the zero point gives zeros (GetInvSqrtQuantizedMultiplierExp of 0)', async () => {
    expect(await int8Everywhere([1, 1, 1, 6], [-1, -1, -1, -1, -1, -1])).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('one element per row: +-1 in 1/128 steps clamps to 127 / -128; rows of large sums take the shift loop', async () => {
    // (x - zp) / |x - zp| * 128: 128 clamps to 127, -128 stays
    expect(await int8Everywhere([4, 1], [5, -9, -1, 127])).toEqual([127, -128, 0, 127]);
    // 64 elements of 127 - (-1) = 128: sum 2^20, each 128 / sqrt(2^20) * 128 = 16
    expect(await int8Everywhere([1, 64], new Array<number>(64).fill(127))).toEqual(new Array<number>(64).fill(16));
  });

  it('the output quantization is not read (TFLM writes 1/128 steps whatever it says)', async () => {
    expect(await int8Everywhere([1, 1, 1, 6], ROW, { scale: 0.5, zeroPoint: 3 })).toEqual(ROW_OUT);
  });

  it('int16 is refused: TFLM runs float32 and int8', () => {
    const e = refusal(() => readTflite(model('int16', [1, 6], { scale: 1 / 4096, zeroPoint: 0 }, { scale: 1 / 32768, zeroPoint: 0 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^L2_NORMALIZATION \(node 0\).*input dtype int16 is not supported/);
  });

  it('rank 5 is refused as TFLM Prepare (NumDimensions(input) <= 4)', () => {
    const e = refusal(() => readTflite(model('int8', [1, 1, 1, 1, 6], IN_Q, OUT_Q)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^L2_NORMALIZATION \(node 0\).*input rank 5 exceeds TFLM's 4/);
  });
});

describe('L2_NORMALIZATION float32 (TFLM l2norm_test.cc)', () => {
  it('SimpleFloatTest and MultipleBatchFloatTest exactly', () => {
    expect(float32([1, 1, 1, 6], FLOAT_ROW)).toEqual(FLOAT_OUT);
    expect(float32([3, 1, 1, 6], [...FLOAT_ROW, ...FLOAT_ROW, ...FLOAT_ROW])).toEqual([...FLOAT_OUT, ...FLOAT_OUT, ...FLOAT_OUT]);
  });

  it('ZerosVectorFloatTest: the norm is at least epsilon 1e-6, so zeros stay zeros', () => {
    expect(float32([1, 1, 1, 6], [0, 0, 0, 0, 0, 0])).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
