// SQUARED_DIFFERENCE on int8, int16 and int32 from TFLM's squared_difference_test.cc vectors: single-op .tflite
// files written and read back, run on the reference kernels, the wasm module (SIMD and scalar) and the
// host C build. TFLM's int16 tests compare the stored outputs with the quantized goldens exactly; its
// int8 tests compare dequantized outputs within a tolerance. Every engine gives the same bytes.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Q { scale: number; zeroPoint: number }
const f32 = Math.fround;

function model(dtype: DType, shape1: number[], shape2: number[], outShape: number[], q1: Q | null, q2: Q | null, qo: Q | null): Uint8Array {
  const tensor = (id: number, name: string, shape: number[], q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q && { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 }, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'squared_difference', description: 'TFLM squared_difference_test vectors',
    tensors: [tensor(0, 'a', shape1, q1), tensor(1, 'b', shape2, q2), tensor(2, 'out', outShape, qo)],
    ops: [{ kind: 'SQUARED_DIFFERENCE', version: 2, inputs: [0, 1], outputs: [2], attrs: {}, params: null }],
    inputs: [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** TFLM FloatToQuantizedType: round(value / scale) (float division) + zero point, clamped to the type. */
function quantizeValues(values: number[], q: Q, dtype: DType): number[] {
  const [lo, hi] = dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  return values.map((v) => {
    const x = f32(v / f32(q.scale));
    return Math.min(hi, Math.max(lo, Math.sign(x) * Math.round(Math.abs(x)) + q.zeroPoint));
  });
}
const bytesOf = (ints: number[], dtype: DType) => new Uint8Array((dtype === 'int16' ? Int16Array.from(ints) : Int8Array.from(ints)).buffer);
const intsOf = (b: Uint8Array, dtype: DType) => Array.from(dtype === 'int16' ? new Int16Array(b.buffer, b.byteOffset, b.length / 2) : new Int8Array(b.buffer, b.byteOffset, b.length));

/** TFLite ChooseQuantizationParams<int8>(rmin, rmax) as TFLM's test calls it (double arithmetic). */
function chooseInt8(rmin: number, rmax: number): Q {
  const qmin = -128, qmax = 127;
  const scale = (rmax - rmin) / (qmax - qmin);
  const fromMin = qmin - rmin / scale, fromMax = qmax - rmax / scale;
  const zp = Math.abs(qmin) + Math.abs(rmin / scale) < Math.abs(qmax) + Math.abs(rmax / scale) ? fromMin : fromMax;
  const nudged = zp < qmin ? qmin : zp > qmax ? qmax : Math.sign(zp) * Math.round(Math.abs(zp));
  return { scale, zeroPoint: nudged };
}

const hostC = hostCFor('SQUARED_DIFFERENCE on host C');
const TEST_SHAPES = [[6], [2, 3], [2, 1, 3], [1, 3, 1, 2]];

async function run(dtype: DType, shape1: number[], shape2: number[], in1: number[], in2: number[], q1: Q, q2: Q, qo: Q): Promise<number[]> {
  const file = model(dtype, shape1, shape2, shape1, q1, q2, qo);
  const inputs = [bytesOf(quantizeValues(in1, q1, dtype), dtype), bytesOf(quantizeValues(in2, q2, dtype), dtype)];
  const runs = await runOnEveryEngine(readTflite(file), inputs, hostC);
  const reference = intsOf(runs.reference![0]!, dtype);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, intsOf(outs[0]!, dtype)]).toEqual([engine, reference]);
  return reference;
}

const SAME_IN1 = [-0.2, 0.2, -1.2, 0.8], SAME_IN2 = [0.5, 0.2, -1.5, 0.5], SAME_GOLDEN = [0.49, 0.0, 0.09, 0.09];
const VAR_IN1 = [-2.0, 0.2, 0.3, 0.8, 1.1, -2.0], VAR_IN2 = [1.0, 0.2, 0.6, 0.4, -1.0, -0.0], VAR_GOLDEN = [9.0, 0.0, 0.09, 0.16, 4.41, 4.0];
const BC_IN1 = [-0.2, 0.2, 0.5, 0.8, 0.11, 1.1], BC_IN2 = [0.1], BC_GOLDEN = [0.09, 0.01, 0.16, 0.49, 0.0001, 1.0];

describe('SQUARED_DIFFERENCE int16 (TFLM squared_difference_test.cc: exact against the quantized goldens)', () => {
  const q1 = { scale: 0.0025, zeroPoint: 0 }, q2 = { scale: 0.005, zeroPoint: 0 }, qo = { scale: 0.001, zeroPoint: 0 };

  it('QuantizedSquaredDifferenceSameShapeInt16', async () => {
    expect(await run('int16', [1, 2, 2, 1], [1, 2, 2, 1], SAME_IN1, SAME_IN2, q1, q2, qo)).toEqual(quantizeValues(SAME_GOLDEN, qo, 'int16'));
  });

  it.each(TEST_SHAPES.map((s) => [s]))('QuantizedSquaredDifferenceVariousShapesInt16 %j', async (shape: number[]) => {
    expect(await run('int16', shape, shape, VAR_IN1, VAR_IN2, q1, q2, qo)).toEqual(quantizeValues(VAR_GOLDEN, qo, 'int16'));
  });

  it.each(TEST_SHAPES.map((s) => [s]))('QuantizedSquaredDifferenceWithBroadcastInt16 %j', async (shape: number[]) => {
    expect(await run('int16', shape, [1], BC_IN1, BC_IN2, q1, q2, qo)).toEqual(quantizeValues(BC_GOLDEN, qo, 'int16'));
  });
});

describe('SQUARED_DIFFERENCE int8 (TFLM squared_difference_test.cc: dequantized within its tolerance)', () => {
  async function expectNear(shape1: number[], shape2: number[], in1: number[], r1: [number, number], in2: number[], r2: [number, number], ro: [number, number], golden: number[], tolerance: number) {
    const qo = chooseInt8(...ro);
    const got = await run('int8', shape1, shape2, in1, in2, chooseInt8(...r1), chooseInt8(...r2), qo);
    got.forEach((q, i) => {
      const real = f32(f32(qo.scale) * (q - qo.zeroPoint));
      expect(Math.abs(real - golden[i]!), `element ${i}: ${real} vs ${golden[i]}`).toBeLessThanOrEqual(tolerance);
    });
  }

  it('QuantizedSquaredDifferenceSameShape', async () => {
    await expectNear([1, 2, 2, 1], [1, 2, 2, 1], SAME_IN1, [-1.2, 0.8], SAME_IN2, [-1.5, 0.5], [0, 0.5], SAME_GOLDEN, 2 / 255);
  });

  it.each(TEST_SHAPES.map((s) => [s]))('QuantizedSquaredDifferenceVariousShapes %j', async (shape: number[]) => {
    await expectNear(shape, shape, VAR_IN1, [-2.0, 1.7], VAR_IN2, [-1.0, 1.0], [0, 9.0], VAR_GOLDEN, 18 / 255);
  });

  it.each(TEST_SHAPES.map((s) => [s]))('QuantizedSquaredDifferenceWithBroadcast %j', async (shape: number[]) => {
    await expectNear(shape, [1], BC_IN1, [-0.2, 1.1], BC_IN2, [0, 1.0], [0, 1.0], BC_GOLDEN, 2 / 255);
  });
});

describe('SQUARED_DIFFERENCE int32 (TFLM squared_difference_test.cc Integer*: its unquantized path, exact)', () => {
  async function run32(shape1: number[], shape2: number[], in1: number[], in2: number[]): Promise<number[]> {
    const runs = await runOnEveryEngine(readTflite(model('int32', shape1, shape2, shape1, null, null, null)), [Int32Array.from(in1), Int32Array.from(in2)].map((a) => new Uint8Array(a.buffer)), hostC);
    expect(Object.keys(runs)).toContain('wasm');
    const outs = Object.entries(runs).map(([engine, o]) => [engine, Array.from(new Int32Array(o[0]!.slice().buffer))] as const);
    for (const [engine, got] of outs) expect([engine, got]).toEqual([engine, outs[0]![1]]);
    return outs[0]![1];
  }

  it('IntegerSquaredDifferenceSameShape', async () => {
    expect(await run32([1, 2, 2, 1], [1, 2, 2, 1], [-2, 2, -15, 8], [5, -2, -3, 5])).toEqual([49, 16, 144, 9]);
  });

  it.each(TEST_SHAPES.map((s) => [s]))('IntegerSquaredDifferenceVariousShapes %j', async (shape: number[]) => {
    expect(await run32(shape, shape, [-20, 2, 3, 8, 11, -20], [1, 2, 6, 5, -5, -20])).toEqual([441, 0, 9, 9, 256, 0]);
  });

  it.each(TEST_SHAPES.map((s) => [s]))('IntegerSquaredDifferenceWithBroadcast %j', async (shape: number[]) => {
    expect(await run32(shape, [1], [-20, 10, 7, 3, 1, 13], [3])).toEqual([529, 49, 16, 0, 4, 100]);
  });

  it('wraps in int32 as the C++ does: 46341^2 = 2^31 + 4633, 65536^2 = 2^32, (INT32_MIN - 1)^2 = (2^31 - 1)^2', async () => {
    expect(await run32([3], [3], [46341, 65536, -2147483648], [0, 0, 1])).toEqual([2147488281 - 2 ** 32, 0, 1]);
  });
});

describe('SQUARED_DIFFERENCE refusals (TFLM Prepare and its 4-D broadcast)', () => {
  it('int16 with a non-zero zero point', () => {
    const e = refusal(() => readTflite(model('int16', [4], [4], [4], { scale: 0.01, zeroPoint: 2 }, { scale: 0.01, zeroPoint: 0 }, { scale: 0.01, zeroPoint: 0 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^SQUARED_DIFFERENCE \(node 0\).*int16 zero point 2/);
  });

  it('broadcasting beyond 4-D', () => {
    const q = { scale: 0.1, zeroPoint: 0 };
    const e = refusal(() => readTflite(model('int8', [2, 1, 1, 1, 3], [3], [2, 1, 1, 1, 3], q, q, q)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/broadcasting is supported up to 4-D/);
  });
});
