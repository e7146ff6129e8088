// CAST from TFLM's cast_test.cc vectors (CastFloatToInt8/Int16, CastInt8/Int16ToFloat) and the C conversions
// its TODO leaves untested (negative, out of range, int32 <-> narrower): single-op .tflite files written and
// read back, run on the reference kernels, the wasm module (SIMD and scalar) and the host C build. Expected
// values are C's static_cast, written out by hand (float -> integer as Cortex-M's VCVT: saturated to int32).
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

const ARRAYS = { int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array } as const;
type CastType = keyof typeof ARRAYS;

function model(from: DType, to: DType, shape: number[], quantized = false, outShape = shape): Uint8Array {
  const tensor = (id: number, name: string, dtype: DType): Tensor => ({
    id, name, shape: id === 0 ? shape : outShape, shapeSignature: null, dtype, isVariable: false, data: null,
    // Quantization is not read by CAST: an int8 tensor may carry any.
    quant: quantized && dtype !== 'float32' ? { scales: [0.5], zeroPoints: [3], axis: 0 } : null,
  });
  const graph: Graph = {
    name: 'cast', description: 'TFLM cast_test vectors',
    tensors: [tensor(0, 'x', from), tensor(1, 'y', to)],
    ops: [{ kind: 'CAST', version: 1, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const bytesOf = (from: CastType, values: number[]) => new Uint8Array(ARRAYS[from].from(values).buffer);
const valuesOf = (to: CastType, out: Uint8Array) => Array.from(new ARRAYS[to](Uint8Array.from(out).buffer));

const hostC = hostCFor('CAST on host C');

async function expectCast(from: CastType, to: CastType, input: number[], golden: number[], shape = [input.length], quantized = false): Promise<void> {
  const graph = readTflite(model(from, to, shape, quantized));
  const runs = await runOnEveryEngine(graph, [bytesOf(from, input)], hostC);
  expect(Object.keys(runs)).toEqual(hostC ? ['reference', 'wasm', 'scalar', 'c'] : ['reference', 'wasm', 'scalar']);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, valuesOf(to, outs[0]!)]).toEqual([engine, golden]);
}

describe('CAST (TFLM cast_test.cc)', () => {
  it('CastFloatToInt8: truncation toward zero', async () => {
    await expectCast('float32', 'int8', [100, 1, 0, 0.4, 1.999, 1.1], [100, 1, 0, 0, 1, 1], [3, 2]);
  });
  it('CastFloatToInt16', async () => {
    await expectCast('float32', 'int16', [100, 1, 0, 0.4, 1.999, 1.1], [100, 1, 0, 0, 1, 1], [3, 2]);
  });
  it('CastInt8ToFloat', async () => {
    await expectCast('int8', 'float32', [123, 0, 1, 2, 3, 4], [123, 0, 1, 2, 3, 4], [3, 2]);
  });
  it('CastInt16ToFloat', async () => {
    await expectCast('int16', 'float32', [123, 0, 1, 2, 3, 4], [123, 0, 1, 2, 3, 4], [3, 2]);
  });
});

describe('CAST: the conversions cast_test leaves out (C static_cast)', () => {
  it('int8 -> int32 and int16 -> int32 extend the sign; stored values, the zero point not applied', async () => {
    await expectCast('int8', 'int32', [-128, -1, 0, 127], [-128, -1, 0, 127], [4], true);
    await expectCast('int16', 'int32', [-32768, -5, 32767], [-32768, -5, 32767]);
  });
  it('int32 -> int8 / int16 keep the low bits', async () => {
    await expectCast('int32', 'int8', [300, -129, 128, 255, -2147483648], [44, 127, -128, -1, 0]);
    await expectCast('int32', 'int16', [70000, -32769, 65535], [4464, 32767, -1]);
    await expectCast('int16', 'int8', [200, -200, 256], [-56, 56, 0]);
  });
  it('int32 -> float32 rounds to nearest even', async () => {
    await expectCast('int32', 'float32', [16777217, 16777219, -2147483647], [16777216, 16777220, -2147483648]);
  });
  it('float32 -> integers: negative toward zero, out of range saturates to int32 then keeps the low bits, NaN gives 0', async () => {
    await expectCast('float32', 'int32', [-1.5, -0.5, 1e10, -1e10, NaN, Infinity], [-1, 0, 2147483647, -2147483648, 0, 2147483647]);
    await expectCast('float32', 'int8', [-1.9, 300.7, 1e10, -1e10], [-1, 44, -1, 0]);
  });
  it('float32 -> float32 is a copy', async () => {
    await expectCast('float32', 'float32', [1.5, -0, 3e38], [1.5, -0, Math.fround(3e38)]);
  });
});

describe('CAST refusals', () => {
  it('a dtype TFLM does not convert (uint8) is E_UNSUPPORTED naming it', () => {
    const e = refusal(() => readTflite(model('uint8', 'int8', [4])));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^CAST \(node 0\).*dtype uint8 is not supported \(expected int8 or int16 or int32 or float32\)/);
  });
  it('an output of another shape is E_MODEL_FORMAT (TFLM MatchingFlatSize)', () => {
    const e = refusal(() => readTflite(model('int8', 'int32', [4], false, [2, 2])));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/^CAST \(node 0\).*shape \[2,2\] differs from the expected \[4\]/);
  });
});
