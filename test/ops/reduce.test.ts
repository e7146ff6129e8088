// SUM (int8, int16, float32) and REDUCE_MAX (int8, float32) from TFLM's reduce_test.cc vectors: single-op
// .tflite files (input, constant int32 axes, output) written and read back, run on the reference kernels,
// the wasm module (SIMD and scalar) and the host C build. TFLM's quantized test allows each output within
// `tolerance` stored steps of its quantized golden; every engine must pass that and give the same bytes.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'SUM' | 'REDUCE_MAX' | 'MEAN';
interface Q { scale: number; zeroPoint: number }
interface Case { inShape: number[]; axes: number[]; outShape: number[]; keepDims: boolean }

const f32 = Math.fround;
/** The versions TFLite's op_version.cc writes: int8 2; int16 REDUCE_MAX 3, int16 SUM falls through to 1. */
const versionOf = (kind: Kind, dtype: DType): number => (dtype === 'int8' ? 2 : dtype === 'int16' && kind !== 'SUM' ? 3 : 1);

function model(kind: Kind, dtype: DType, c: Case, inQ: Q | null, outQ: Q | null, version = versionOf(kind, dtype)): Uint8Array {
  const quant = (q: Q | null) => (q ? { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null);
  const tensor = (id: number, name: string, shape: number[], q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: quant(q), isVariable: false, data: null,
  });
  const axes: Tensor = {
    id: 1, name: 'axes', shape: [c.axes.length], shapeSignature: null, dtype: 'int32', quant: null, isVariable: false,
    data: new Uint8Array(Int32Array.from(c.axes).buffer),
  };
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'TFLM reduce_test vectors',
    tensors: [tensor(0, 'x', c.inShape, inQ), axes, tensor(2, 'y', c.outShape, outQ)],
    ops: [{ kind, version, inputs: [0, 1], outputs: [2], attrs: { axes: [], keepDims: c.keepDims }, params: null }],
    inputs: [0], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** TFLM's Quantize / FloatToQuantizedType: round(value / scale) (half away from zero) + zero point, clamped. */
function quantizeInts(values: number[], q: Q, dtype: DType): number[] {
  const [lo, hi] = dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  return values.map((v) => {
    const r = f32(v / f32(q.scale));
    return Math.min(hi, Math.max(lo, Math.sign(r) * Math.round(Math.abs(r)) + q.zeroPoint));
  });
}

function bytesOf(ints: number[], dtype: DType): Uint8Array {
  return dtype === 'int16' ? new Uint8Array(Int16Array.from(ints).buffer) : new Uint8Array(Int8Array.from(ints).buffer);
}

function ints(out: Uint8Array, dtype: DType): number[] {
  return Array.from(dtype === 'int16' ? new Int16Array(out.buffer, out.byteOffset, out.length / 2) : new Int8Array(out.buffer, out.byteOffset, out.length));
}

const hostC = hostCFor('SUM/REDUCE_MAX on host C');

/** TFLM's TestReduceOpQuantized on every engine; returns the (common) stored outputs. */
async function expectQuantized(kind: Kind, dtype: DType, c: Case, input: number[], golden: number[], inQ: Q, outQ: Q, tolerance: number): Promise<number[]> {
  const graph = readTflite(model(kind, dtype, c, inQ, outQ));
  const runs = await runOnEveryEngine(graph, [bytesOf(quantizeInts(input, inQ, dtype), dtype)], hostC);
  const reference = ints(runs.reference![0]!, dtype);
  const expected = quantizeInts(golden, outQ, dtype);
  for (const [engine, outs] of Object.entries(runs)) {
    const got = ints(outs[0]!, dtype);
    expect([engine, got]).toEqual([engine, reference]);
    got.forEach((q, i) => expect(Math.abs(q - expected[i]!), `${engine} element ${i}: ${q} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance));
  }
  return reference;
}

/** TFLM's TestReduceOpFloat on the float32 reference (within 1e-5). */
function expectFloat(kind: Kind, c: Case, input: number[], golden: number[]): void {
  const graph = readTflite(model(kind, 'float32', c, null, null));
  const out = runReference(graph, [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!;
  const got = Array.from(new Float32Array(out.buffer, out.byteOffset, out.length / 4));
  expect(got.length).toBe(golden.length);
  got.forEach((v, i) => expect(Math.abs(v - golden[i]!), `element ${i}: ${v} vs ${golden[i]}`).toBeLessThanOrEqual(1e-5));
}

const ONE_TO_8 = [1, 2, 3, 4, 5, 6, 7, 8];
const ONE_TO_24 = Array.from({ length: 24 }, (_, i) => i + 1);
const C2D: Case = { inShape: [2, 4], axes: [1], outShape: [2, 1], keepDims: true };
const C3D: Case = { inShape: [2, 2, 2], axes: [1, 2], outShape: [2, 1, 1], keepDims: true };
const C4D: Case = { inShape: [2, 2, 3, 2], axes: [1, 2], outShape: [2, 1, 1, 2], keepDims: true };
const C4D_FLAT: Case = { ...C4D, outShape: [2, 2], keepDims: false };
const HALF = { scale: 0.5, zeroPoint: 0 };
const ONE = { scale: 1, zeroPoint: 0 };

describe('SUM (TFLM reduce_test.cc)', () => {
  it('SumInt82DKeepDims: scales 0.5, sum of stored values exactly (20, 52)', async () => {
    const got = await expectQuantized('SUM', 'int8', C2D, ONE_TO_8, [10, 26], HALF, HALF, 1);
    expect(got).toEqual([20, 52]);
  });

  it('SumInt162DKeepDims / SumInt163DKeepDims: scales 0.5', async () => {
    expect(await expectQuantized('SUM', 'int16', C2D, ONE_TO_8, [10, 26], HALF, HALF, 1)).toEqual([20, 52]);
    expect(await expectQuantized('SUM', 'int16', C3D, ONE_TO_8, [10, 26], HALF, HALF, 1)).toEqual([20, 52]);
  });

  it('SumInt83DKeepDims: scales 0.5 over two axes', async () => {
    expect(await expectQuantized('SUM', 'int8', C3D, ONE_TO_8, [10, 26], HALF, HALF, 1)).toEqual([20, 52]);
  });

  it('SumInt84DKeepDims / SumInt84DWithoutKeepDims: scale 1', async () => {
    expect(await expectQuantized('SUM', 'int8', C4D, ONE_TO_24, [36, 42, 108, 114], ONE, ONE, 1)).toEqual([36, 42, 108, 114]);
    expect(await expectQuantized('SUM', 'int8', C4D_FLAT, ONE_TO_24, [36, 42, 108, 114], ONE, ONE, 1)).toEqual([36, 42, 108, 114]);
  });

  it('SumInt164DKeepDims / WithoutKeepDims: scales 0.5', async () => {
    expect(await expectQuantized('SUM', 'int16', C4D, ONE_TO_24, [36, 42, 108, 114], HALF, HALF, 1)).toEqual([72, 84, 216, 228]);
    expect(await expectQuantized('SUM', 'int16', C4D_FLAT, ONE_TO_24, [36, 42, 108, 114], HALF, HALF, 1)).toEqual([72, 84, 216, 228]);
  });

  it('SumInt164DWithoutKeepDimsDifferentScaleAndZeroPoint: 0.5 -> 0.7 requantized once after the int32 sum, not divided by the count', async () => {
    const got = await expectQuantized('SUM', 'int16', C4D_FLAT, ONE_TO_24, [36, 42, 108, 114], HALF, { scale: 0.7, zeroPoint: 0 }, 1);
    // sum of stored values (72, 84, 216, 228) * 0.5/0.7, rounded to nearest
    expect(got).toEqual([51, 60, 154, 163]);
  });

  it('int8 with zero points: the sum subtracts zp_in * count, then adds zp_out (TFLM QuantizedMeanOrSum)', async () => {
    // stored inputs 2k + 10 for reals 1..8 at scale 0.5 zp 10; sums 10 and 26 at scale 0.25 zp -100: 40 - 100, 104 - 100
    const got = await expectQuantized('SUM', 'int8', C2D, ONE_TO_8, [10, 26], { scale: 0.5, zeroPoint: 10 }, { scale: 0.25, zeroPoint: -100 }, 0);
    expect(got).toEqual([-60, 4]);
  });

  it('float32: SumFloat2DKeepDims, 4DWithoutKeepDims, Flatten2ReduceDims (axes 2, 1), Flatten2NonReduceDims', () => {
    expectFloat('SUM', C2D, ONE_TO_8, [10, 26]);
    expectFloat('SUM', C4D_FLAT, ONE_TO_24, [36, 42, 108, 114]);
    expectFloat('SUM', { inShape: [4, 3, 2], axes: [2, 1], outShape: [4], keepDims: false }, ONE_TO_24, [21, 57, 93, 129]);
    expectFloat('SUM', { inShape: [4, 3, 2], axes: [2], outShape: [12], keepDims: false }, ONE_TO_24, [3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47]);
  });

  it('three reduced axes are refused (TFLM keeps resolved axes in a 2-entry array)', () => {
    const e = refusal(() => readTflite(model('SUM', 'int8', { inShape: [2, 2, 2], axes: [0, 1, 2], outShape: [1], keepDims: false }, HALF, HALF)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^SUM \(node 0\).*3 reduced axes \(TFLM reduces at most 2\)/);
  });
});

describe('REDUCE_MAX (TFLM reduce_test.cc)', () => {
  const q = { scale: 2 / 255, zeroPoint: 0 };
  const input = [0.4, 0.2, 0.3, 0.4, 0.5, 0.6];

  it('Int8MaxOpTestKeepDims: [1,3,2] over axis 1, output given as [2] (TFLM reads only its element count)', async () => {
    const got = await expectQuantized('REDUCE_MAX', 'int8', { inShape: [1, 3, 2], axes: [1], outShape: [2], keepDims: true }, input, [0.5, 0.6], q, q, 0);
    // float32 0.6 / (2/255) is 76.49999: TFLM's quantized input and golden are both 76
    expect(got).toEqual([64, 76]);
  });

  it('Int8MaxOpTestWithoutKeepDims', async () => {
    const got = await expectQuantized('REDUCE_MAX', 'int8', { inShape: [1, 3, 2], axes: [1], outShape: [2], keepDims: false }, input, [0.5, 0.6], q, q, 0);
    expect(got).toEqual([64, 76]);
  });

  it('int8 over three axes, negative values and a non-zero zero point: the largest stored value', async () => {
    const zq = { scale: 0.5, zeroPoint: -5 };
    const reals = Array.from({ length: 24 }, (_, i) => (((i * 7) % 24) - 40) / 2); // -20..-8.5, permuted
    const stored = quantizeInts(reals, zq, 'int8');
    const want = [0, 1, 2].map((c) => Math.max(...stored.filter((_, i) => Math.floor(i / 4) % 3 === c)));
    const golden = want.map((s) => (s - zq.zeroPoint) * zq.scale);
    const got = await expectQuantized('REDUCE_MAX', 'int8', { inShape: [2, 3, 2, 2], axes: [0, 2, 3], outShape: [3], keepDims: false }, reals, golden, zq, zq, 0);
    expect(got).toEqual(want);
    expect(want).toEqual([-24, -22, -23]); // hand-computed: stored (i * 7) % 24 - 45, the largest per channel
  });

  it('float32: FloatMaxOpTestNotKeepDims (axes 1, 0, -3, -3) and FloatMaxOpTestKeepDims (axes 0, 2)', () => {
    expectFloat('REDUCE_MAX', { inShape: [4, 3, 2], axes: [1, 0, -3, -3], outShape: [2], keepDims: false }, ONE_TO_24, [23, 24]);
    expectFloat('REDUCE_MAX', { inShape: [4, 3, 2], axes: [0, 2], outShape: [3], keepDims: true }, ONE_TO_24, [20, 22, 24]);
  });

  it('float32 max of -inf and NaN inputs starts from the lowest float, and a NaN never wins (in > current)', () => {
    expectFloat('REDUCE_MAX', { inShape: [2, 2], axes: [1], outShape: [2], keepDims: false }, [-Infinity, -Infinity, NaN, 3], [-3.4028234663852886e38, 3]);
  });

  it('int8 with input and output quantization that differ is refused (TFLM EvalMax ensures them equal)', () => {
    const e = refusal(() => readTflite(model('REDUCE_MAX', 'int8', C2D, q, { scale: 0.5, zeroPoint: 0 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^REDUCE_MAX \(node 0\).*differ from the output's/);
  });

  it('int16 is refused: TFLM runs REDUCE_MAX on float32 and int8 only', () => {
    const e = refusal(() => readTflite(model('REDUCE_MAX', 'int16', C2D, ONE, ONE)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^REDUCE_MAX \(node 0\).*input dtype int16 is not supported/);
  });
});
