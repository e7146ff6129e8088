// MAXIMUM / MINIMUM on int16 (TFLM maximum_minimum.cc runs int8, int16, int32 and float32 through
// MaximumMinimumBroadcastSlow: stored values compared, no requantization). TFLM's maximum_minimum_test has no
// int16 vectors, so these are hand-worked: its Int8Test / Int32WithBroadcastTest patterns at int16
// magnitudes, the type's extremes, broadcasting on either side, and a long flat run (SIMD lanes and tail).
// Single-op .tflite files at version 4 (what TFLite's converter writes for int16), written and read back,
// run on the reference, wasm SIMD/scalar and host C.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'MAXIMUM' | 'MINIMUM';

interface Operand {
  shape: number[];
  values: number[];
  /** A constant operand (stored in the file) rather than a model input. */
  constant?: boolean;
}

const bytes = (values: number[]) => new Uint8Array(Int16Array.from(values).buffer);

/** A one-op int16 model: inputs a and b, output of `outShape`, all at scale 0.001 and zero point 0. */
function model(kind: Kind, a: Operand, b: Operand, outShape: number[], version = 4): Uint8Array {
  const tensor = (id: number, name: string, o: Operand | null, shape: number[]): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: 'int16', quant: { scales: [0.001], zeroPoints: [0], axis: 0 }, isVariable: false,
    data: o?.constant ? bytes(o.values) : null,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'int16 MAXIMUM/MINIMUM',
    tensors: [tensor(0, 'a', a, a.shape), tensor(1, 'b', b, b.shape), tensor(2, 'out', null, outShape)],
    ops: [{ kind, version, inputs: [0, 1], outputs: [2], attrs: {}, params: null }],
    inputs: [a, b].flatMap((o, i) => (o.constant ? [] : [i])),
    outputs: [2],
    metadata: [],
    signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('int16 MAXIMUM/MINIMUM on host C');

async function expectEverywhere(kind: Kind, a: Operand, b: Operand, outShape: number[], expected: number[]): Promise<void> {
  const inputs = [a, b].filter((o) => !o.constant).map((o) => bytes(o.values));
  const runs = await runOnEveryEngine(readTflite(model(kind, a, b, outShape)), inputs, hostC);
  expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
  for (const [engine, outs] of Object.entries(runs)) {
    const out = outs[0]!;
    expect([engine, Array.from(new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)))]).toEqual([engine, expected]);
  }
}

describe('MAXIMUM / MINIMUM int16', () => {
  // Int8Test's pattern at int16 magnitudes, with both extremes and values whose low bytes order the other way.
  const a = { shape: [3, 1, 2], values: [300, 0, -32768, 11000, 200, 23000] };
  const b = { shape: [3, 1, 2], values: [-300, 0, 32767, 12000, 127, -1] };

  it('same shapes: MAXIMUM', async () => {
    await expectEverywhere('MAXIMUM', a, b, [3, 1, 2], [300, 0, 32767, 12000, 200, 23000]);
  });

  it('same shapes: MINIMUM', async () => {
    await expectEverywhere('MINIMUM', a, b, [3, 1, 2], [-300, 0, -32768, 11000, 127, -1]);
  });

  it('a constant scalar broadcast (Int32WithBroadcastTest values x1000)', async () => {
    const c = { shape: [3, 1, 2], values: [1000, 0, -1000, -2000, 3000, 11000] };
    const two = { shape: [1], values: [2000], constant: true };
    await expectEverywhere('MAXIMUM', c, two, [3, 1, 2], [2000, 2000, 2000, 2000, 3000, 11000]);
    await expectEverywhere('MINIMUM', c, two, [3, 1, 2], [1000, 0, -1000, -2000, 2000, 2000]);
  });

  it('both operands broadcast: [2, 1] against [1, 3]', async () => {
    const col = { shape: [2, 1], values: [-5000, 7000] };
    const row = { shape: [1, 3], values: [-6000, 0, 8000] };
    await expectEverywhere('MAXIMUM', col, row, [2, 3], [-5000, 0, 8000, 7000, 7000, 8000]);
    await expectEverywhere('MINIMUM', row, col, [2, 3], [-6000, -5000, -5000, -6000, 0, 7000]);
  });

  it('a long flat run (8-lane SIMD and its tail) against a scalar loop', async () => {
    const n = 67;
    const x = Array.from({ length: n }, (_, i) => ((i * 9973) % 65536) - 32768);
    const y = Array.from({ length: n }, (_, i) => ((i * 30011 + 12345) % 65536) - 32768);
    await expectEverywhere('MAXIMUM', { shape: [1, n], values: x }, { shape: [1, n], values: y }, [1, n], x.map((v, i) => Math.max(v, y[i]!)));
    await expectEverywhere('MINIMUM', { shape: [1, n], values: x }, { shape: [1, n], values: y }, [1, n], x.map((v, i) => Math.min(v, y[i]!)));
  });

  it('version 5 (no such TFLite version) is refused naming the op and version', () => {
    const e = refusal(() => readTflite(model('MAXIMUM', a, b, [3, 1, 2], 5)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/MAXIMUM \(v5\)/);
  });
});
