// MAXIMUM and MINIMUM on int8, from TFLM's maximum_minimum_test.cc vectors (Int8Test; the broadcast
// vectors of its Int32WithBroadcastTest and FloatWithBroadcastTest, which fit int8 as stored values):
// single-op .tflite files written and read back, run on the reference kernels, the wasm module and
// the host C build, each bit-exact with TFLM's expected values.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'MAXIMUM' | 'MINIMUM';

interface Operand {
  shape: number[];
  values: number[];
  /** A constant operand (stored in the file) rather than a model input. */
  constant?: boolean;
}

/** A one-op model: inputs a and b (scale 1, zero point 0 as in TFLM's test), output of `outShape`. */
function model(kind: Kind, a: Operand, b: Operand, outShape: number[], dtype: DType = 'int8', outQuant = { scale: 1, zeroPoint: 0 }): Uint8Array {
  const quant = (q: { scale: number; zeroPoint: number }) => (dtype === 'float32' ? null : { scales: [q.scale], zeroPoints: [q.zeroPoint], axis: 0 });
  const tensor = (id: number, name: string, o: Operand | null, shape: number[], q = { scale: 1, zeroPoint: 0 }): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: quant(q), isVariable: false,
    data: o?.constant ? new Uint8Array(Int8Array.from(o.values).buffer) : null,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'TFLM maximum_minimum_test vectors',
    tensors: [tensor(0, 'a', a, a.shape), tensor(1, 'b', b, b.shape), tensor(2, 'out', null, outShape, outQuant)],
    ops: [{ kind, version: 2, inputs: [0, 1], outputs: [2], attrs: {}, params: null }],
    inputs: [a, b].flatMap((o, i) => (o.constant ? [] : [i])),
    outputs: [2],
    metadata: [],
    signatureDefs: [],
  };
  return writeTflite(graph);
}

const bytes = (values: number[]) => new Uint8Array(Int8Array.from(values).buffer);
const hostC = hostCFor('MAXIMUM/MINIMUM on host C');

/** Output bytes on every engine, keyed by engine. */
async function runAll(file: Uint8Array, inputs: Uint8Array[]): Promise<Record<string, Uint8Array>> {
  const runs = await runOnEveryEngine(readTflite(file), inputs, hostC);
  return Object.fromEntries(Object.entries(runs).map(([engine, outs]) => [engine, outs[0]!]));
}

async function expectEverywhere(kind: Kind, a: Operand, b: Operand, outShape: number[], expected: number[]): Promise<void> {
  const inputs = [a, b].filter((o) => !o.constant).map((o) => bytes(o.values));
  const runs = await runAll(model(kind, a, b, outShape), inputs);
  for (const [engine, out] of Object.entries(runs)) {
    expect([engine, Array.from(new Int8Array(out.buffer, out.byteOffset, out.length))]).toEqual([engine, expected]);
  }
}

describe('MAXIMUM / MINIMUM int8 (TFLM maximum_minimum_test.cc)', () => {
  // Int8Test: dims {3, 1, 2}, same shapes.
  const a = { shape: [3, 1, 2], values: [1, 0, 2, 11, 2, 23] };
  const b = { shape: [3, 1, 2], values: [0, 0, 1, 12, 127, 1] };

  it('Int8Test: MAXIMUM', async () => {
    await expectEverywhere('MAXIMUM', a, b, [3, 1, 2], [1, 0, 2, 12, 127, 23]);
  });

  it('Int8Test: MINIMUM', async () => {
    await expectEverywhere('MINIMUM', a, b, [3, 1, 2], [0, 0, 1, 11, 2, 1]);
  });

  // Int32WithBroadcastTest: a {3, 1, 2} against a constant {1} scalar 2.
  const c = { shape: [3, 1, 2], values: [1, 0, -1, -2, 3, 11] };
  const two = { shape: [1], values: [2], constant: true };

  it('broadcast of a constant scalar (Int32WithBroadcastTest values): MAXIMUM and MINIMUM', async () => {
    await expectEverywhere('MAXIMUM', c, two, [3, 1, 2], [2, 2, 2, 2, 3, 11]);
    await expectEverywhere('MINIMUM', c, two, [3, 1, 2], [1, 0, -1, -2, 2, 2]);
  });

  it('broadcast along the last dim and on the first operand (FloatWithBroadcastTest pattern)', async () => {
    // TFLM: data1 {1, 0, -1, -2, -1.44, 11} vs {0.5, 2} of shape {2}; here as int8 values x2 (same order).
    const d = { shape: [3, 1, 2], values: [2, 0, -2, -4, -3, 22] };
    const e = { shape: [2], values: [1, 4] };
    await expectEverywhere('MAXIMUM', d, e, [3, 1, 2], [2, 4, 1, 4, 1, 22]);
    await expectEverywhere('MINIMUM', e, d, [3, 1, 2], [1, 0, -2, -4, -3, 4]);
  });

  it('a long flat run (the SIMD path and its tail) against a scalar loop', async () => {
    const n = 67;
    const x = Array.from({ length: n }, (_, i) => ((i * 37) % 256) - 128);
    const y = Array.from({ length: n }, (_, i) => ((i * 101 + 50) % 256) - 128);
    const max = x.map((v, i) => (v > y[i]! ? v : y[i]!));
    const min = x.map((v, i) => (v < y[i]! ? v : y[i]!));
    await expectEverywhere('MAXIMUM', { shape: [1, n], values: x }, { shape: [1, n], values: y }, [1, n], max);
    await expectEverywhere('MINIMUM', { shape: [1, n], values: x }, { shape: [1, n], values: y }, [1, n], min);
  });

  it('stored values are compared without requantization, as TFLM does (different output quantization)', () => {
    const file = model('MAXIMUM', a, b, [3, 1, 2], 'int8', { scale: 0.5, zeroPoint: 3 });
    expect(Array.from(new Int8Array(runReference(readTflite(file), [bytes(a.values), bytes(b.values)]).outputs[0]!.buffer))).toEqual([1, 0, 2, 12, 127, 23]);
  });

  it('float32 (FloatTest) on the reference', () => {
    const fa = [1.0, 0.0, -1.0, 11.0, -2.0, -1.44];
    const fb = [-1.0, 0.0, 1.0, 12.0, -3.0, -1.43];
    const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
    const run = (kind: Kind) => {
      const g = readTflite(model(kind, { shape: [3, 1, 2], values: [] }, { shape: [3, 1, 2], values: [] }, [3, 1, 2], 'float32'));
      return Array.from(new Float32Array(runReference(g, [f32(fa), f32(fb)]).outputs[0]!.buffer));
    };
    expect(run('MAXIMUM')).toEqual(Array.from(Float32Array.from([1.0, 0.0, 1.0, 12.0, -2.0, -1.43])));
    expect(run('MINIMUM')).toEqual(Array.from(Float32Array.from([-1.0, 0.0, -1.0, 11.0, -3.0, -1.44])));
  });

  it('shapes that do not broadcast are refused with a typed error naming the op', () => {
    const e1 = refusal(() => readTflite(model('MAXIMUM', { shape: [3, 2], values: [] }, { shape: [3], values: [] }, [3, 2])));
    expect(e1.code).toBe('E_MODEL_FORMAT');
    expect(e1.message).toMatch(/^MAXIMUM \(node 0\).*not broadcastable/);
  });
});
