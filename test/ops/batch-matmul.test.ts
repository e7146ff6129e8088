// BATCH_MATMUL from TFLM's batch_matmul_test.cc: the float vectors (broadcasting up to 5-D, adj_x / adj_y, a
// constant RHS) on the float reference; TFLM's two quantized tests (int8 and int16) exactly; the float vectors
// again as int8 (LHS scale 0.5, non-zero zero points) and int16 (scales 1) models with the RHS as an input and as
// a constant, on the reference, the wasm module (SIMD and scalar) and host C (ASan+UBSan). Expected quantized
// values come from TFLM's float goldens: int16 at scale 1 is exact; int8 is round-half-away(golden / 2^s) + zp,
// TFLM's single rounding when the multiplier is 2^-(s+1) on an accumulator of twice the golden.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { opMacs } from '../../src/ir/macs.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Q { scale: number; zeroPoint: number }
const f32 = Math.fround;
const iota = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);
const ARRAYS = { int8: Int8Array, int16: Int16Array, float32: Float32Array } as const;
type Dt = keyof typeof ARRAYS;
const bytesOf = (dtype: Dt, values: number[]) => new Uint8Array(ARRAYS[dtype].from(values).buffer);
const valuesOf = (dtype: Dt, out: Uint8Array) => Array.from(new ARRAYS[dtype](Uint8Array.from(out).buffer));

interface Operands { lhs: number[]; rhs: number[]; out: number[] }

function model(dtype: DType, shapes: Operands, adjX: boolean, adjY: boolean, q: { lhs: Q; rhs: Q; out: Q } | null, rhsConstant: Uint8Array | null): Graph {
  const tensor = (id: number, name: string, shape: number[], qq: Q | undefined, data: Uint8Array | null = null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, isVariable: false, data,
    quant: qq ? { scales: [f32(qq.scale)], zeroPoints: [qq.zeroPoint], axis: 0 } : null,
  });
  const graph: Graph = {
    name: 'batch_matmul', description: 'TFLM batch_matmul_test vectors',
    tensors: [tensor(0, 'lhs', shapes.lhs, q?.lhs), tensor(1, 'rhs', shapes.rhs, q?.rhs, rhsConstant), tensor(2, 'out', shapes.out, q?.out)],
    ops: [{ kind: 'BATCH_MATMUL', version: dtype === 'int16' ? 3 : dtype === 'int8' ? 2 : 1, inputs: [0, 1], outputs: [2], attrs: { adjX, adjY }, params: null }],
    inputs: rhsConstant ? [0] : [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

interface Case { name: string; shapes: Operands; lhs: number[]; rhs: number[]; adjX: boolean; adjY: boolean; want: number[] }
const BROADCAST2_WANT = [
  29, 32, 35, 38, 65, 72, 79, 86, 101, 112, 123, 134, 53, 56, 59, 62, 121, 128, 135, 142, 189, 200, 211, 222,
  77, 80, 83, 86, 177, 184, 191, 198, 277, 288, 299, 310, 137, 152, 167, 182, 173, 192, 211, 230, 209, 232, 255, 278,
  257, 272, 287, 302, 325, 344, 363, 382, 393, 416, 439, 462, 377, 392, 407, 422, 477, 496, 515, 534, 577, 600, 623, 646,
];
const SIMPLE_WANT = [74, 80, 86, 92, 173, 188, 203, 218];
const RHS_ADJ_B2 = [7, 11, 8, 12, 9, 13, 10, 14, 15, 19, 16, 20, 17, 21, 18, 22, 23, 27, 24, 28, 25, 29, 26, 30];
const LHS_ADJ_B2 = [1, 3, 5, 2, 4, 6, 7, 9, 11, 8, 10, 12];
const CASES: Case[] = [
  { name: 'Ones', shapes: { lhs: [3, 2, 1, 4], rhs: [3, 1, 4, 1], out: [3, 2, 1, 1] }, lhs: iota(24, 1), rhs: iota(12, 1), adjX: false, adjY: false, want: [30, 70, 278, 382, 782, 950] },
  { name: 'Flatten', shapes: { lhs: [3, 2, 2, 4], rhs: [3, 1, 4, 1], out: [3, 2, 2, 1] }, lhs: iota(48, 1), rhs: iota(12, 1), adjX: false, adjY: false,
    want: [30, 70, 110, 150, 486, 590, 694, 798, 1454, 1622, 1790, 1958] },
  { name: 'Simple', shapes: { lhs: [1, 2, 3], rhs: [1, 3, 4], out: [1, 2, 4] }, lhs: iota(6, 1), rhs: iota(12, 7), adjX: false, adjY: false, want: SIMPLE_WANT },
  { name: 'SimpleRHSAdjoint', shapes: { lhs: [1, 2, 3], rhs: [1, 4, 3], out: [1, 2, 4] }, lhs: iota(6, 1), rhs: [7, 11, 15, 8, 12, 16, 9, 13, 17, 10, 14, 18], adjX: false, adjY: true, want: SIMPLE_WANT },
  { name: 'SimpleLHSAdjoint', shapes: { lhs: [1, 3, 2], rhs: [1, 3, 4], out: [1, 2, 4] }, lhs: [1, 4, 2, 5, 3, 6], rhs: iota(12, 7), adjX: true, adjY: false, want: SIMPLE_WANT },
  { name: 'BatchSizeTwo', shapes: { lhs: [2, 2, 3], rhs: [2, 3, 4], out: [2, 2, 4] }, lhs: iota(12, 1), rhs: iota(24, 7), adjX: false, adjY: false,
    want: [...SIMPLE_WANT, 560, 584, 608, 632, 767, 800, 833, 866] },
  { name: 'Broadcast', shapes: { lhs: [2, 2, 3], rhs: [3, 4], out: [2, 2, 4] }, lhs: iota(12, 1), rhs: iota(12, 7), adjX: false, adjY: false,
    want: [...SIMPLE_WANT, 272, 296, 320, 344, 371, 404, 437, 470] },
  { name: 'BroadcastLHSAdjoint', shapes: { lhs: [2, 3, 2], rhs: [3, 4], out: [2, 2, 4] }, lhs: [1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12], rhs: iota(12, 7), adjX: true, adjY: false,
    want: [...SIMPLE_WANT, 272, 296, 320, 344, 371, 404, 437, 470] },
  { name: 'Broadcast2', shapes: { lhs: [2, 1, 3, 2], rhs: [3, 2, 4], out: [2, 3, 3, 4] }, lhs: iota(12, 1), rhs: iota(24, 7), adjX: false, adjY: false, want: BROADCAST2_WANT },
  { name: 'Broadcast2LHSAdjoint', shapes: { lhs: [2, 1, 2, 3], rhs: [3, 2, 4], out: [2, 3, 3, 4] }, lhs: LHS_ADJ_B2, rhs: iota(24, 7), adjX: true, adjY: false, want: BROADCAST2_WANT },
  { name: 'Broadcast2RHSAdjoint', shapes: { lhs: [2, 1, 3, 2], rhs: [3, 4, 2], out: [2, 3, 3, 4] }, lhs: iota(12, 1), rhs: RHS_ADJ_B2, adjX: false, adjY: true, want: BROADCAST2_WANT },
  { name: 'Broadcast2BothAdjoint', shapes: { lhs: [2, 1, 2, 3], rhs: [3, 4, 2], out: [2, 3, 3, 4] }, lhs: LHS_ADJ_B2, rhs: RHS_ADJ_B2, adjX: true, adjY: true, want: BROADCAST2_WANT },
  { name: 'BroadcastFromRHS', shapes: { lhs: [4, 5], rhs: [3, 1, 5, 2], out: [3, 1, 4, 2] }, lhs: iota(20, 1), rhs: iota(30, 7), adjX: false, adjY: false,
    want: [185, 200, 460, 500, 735, 800, 1010, 1100, 335, 350, 860, 900, 1385, 1450, 1910, 2000, 485, 500, 1260, 1300, 2035, 2100, 2810, 2900] },
  { name: 'ConstRHSBatchMatMulOpModelRHSNotAdjoint', shapes: { lhs: [1, 6, 2], rhs: [2, 3], out: [1, 6, 3] }, lhs: [6, 3, 7, 4, 6, 9, 2, 6, 7, 4, 3, 7], rhs: [6, 3, 7, 4, 6, 9], adjX: false, adjY: false,
    want: [48, 36, 69, 58, 45, 85, 72, 72, 123, 36, 42, 68, 58, 45, 85, 46, 51, 84] },
];

const hostC = hostCFor('BATCH_MATMUL on host C');

/** Every engine gives `want` with the RHS as a model input and as a constant (stored transposed when not adj_y). */
async function expectEverywhere(dtype: 'int8' | 'int16', c: Case, q: { lhs: Q; rhs: Q; out: Q }, lhs: number[], rhs: number[], want: number[]): Promise<void> {
  for (const constant of [false, true]) {
    const graph = model(dtype, c.shapes, c.adjX, c.adjY, q, constant ? bytesOf(dtype, rhs) : null);
    const inputs = constant ? [bytesOf(dtype, lhs)] : [bytesOf(dtype, lhs), bytesOf(dtype, rhs)];
    const runs = await runOnEveryEngine(graph, inputs, hostC);
    expect(Object.keys(runs)).toEqual(hostC ? ['reference', 'wasm', 'scalar', 'c'] : ['reference', 'wasm', 'scalar']);
    for (const [engine, outs] of Object.entries(runs)) expect([c.name, engine, constant, valuesOf(dtype, outs[0]!)]).toEqual([c.name, engine, constant, want]);
  }
}

describe('BATCH_MATMUL (TFLM batch_matmul_test.cc)', () => {
  for (const c of CASES) {
    it(`BatchMatMulOpTestFloat32Test_${c.name} on the float reference (RHS input and constant)`, () => {
      for (const constant of [false, true]) {
        const graph = model('float32', c.shapes, c.adjX, c.adjY, null, constant ? bytesOf('float32', c.rhs) : null);
        const out = runReference(graph, constant ? [bytesOf('float32', c.lhs)] : [bytesOf('float32', c.lhs), bytesOf('float32', c.rhs)]).outputs[0]!;
        expect(valuesOf('float32', out)).toEqual(c.want);
      }
    });
  }

  it('QuantizedBatchMatMulOpTestSimpleTestQuantizedInt8: scales 0.5 / 0.5 / 1, zero points -1, outputs 22 and 56', async () => {
    const c: Case = { name: 'SimpleTestQuantizedInt8', shapes: { lhs: [2, 10], rhs: [10, 3], out: [2, 3] }, lhs: [], rhs: [], adjX: false, adjY: false, want: [] };
    const lhsReal = [1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10];
    const rhsReal = iota(10, 1).flatMap((v) => [v, v, v]);
    const io = { scale: 0.5, zeroPoint: -1 };
    // FloatToQuantizedType: value / 0.5 - 1.
    await expectEverywhere('int8', c, { lhs: io, rhs: io, out: { scale: 1, zeroPoint: -1 } }, lhsReal.map((v) => 2 * v - 1), rhsReal.map((v) => 2 * v - 1), [22, 22, 22, 56, 56, 56]);
  });

  it('QuantizedBatchMatMulOpTestSimpleTestQuantizedInt16: scales 10/32767, output scale 1, outputs 23 and 57', async () => {
    const c: Case = { name: 'SimpleTestQuantizedInt16', shapes: { lhs: [2, 10], rhs: [10, 3], out: [2, 3] }, lhs: [], rhs: [], adjX: false, adjY: false, want: [] };
    const s = 10 / 32767;
    const quantize = (v: number) => Math.sign(v) * Math.round(Math.abs(f32(v / f32(s))));
    const lhsReal = [1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10];
    const rhsReal = iota(10, 1).flatMap((v) => [v, v, v]);
    const q = { scale: s, zeroPoint: 0 };
    await expectEverywhere('int16', c, { lhs: q, rhs: q, out: { scale: 1, zeroPoint: 0 } }, lhsReal.map(quantize), rhsReal.map(quantize), [23, 23, 23, 57, 57, 57]);
  });

  for (const c of CASES) {
    it(`${c.name} as int16 at scale 1 (exact): every engine, RHS input and constant`, async () => {
      const one = { scale: 1, zeroPoint: 0 };
      await expectEverywhere('int16', c, { lhs: one, rhs: one, out: one }, c.lhs, c.rhs, c.want);
    });

    it(`${c.name} as int8 (LHS scale 0.5 zero point -5, RHS zero point 3, output 2^s zero point -60): every engine, RHS input and constant`, async () => {
      const s = Math.max(0, Math.ceil(Math.log2(Math.max(...c.want) / 120)));
      const want = c.want.map((g) => Math.round(g / 2 ** s) - 60); // goldens are positive: round half up = away from zero
      await expectEverywhere('int8', c, { lhs: { scale: 0.5, zeroPoint: -5 }, rhs: { scale: 1, zeroPoint: 3 }, out: { scale: 2 ** s, zeroPoint: -60 } },
        c.lhs.map((v) => 2 * v - 5), c.rhs.map((v) => v + 3), want);
    });
  }

  it('MACs: output elements x accumulation depth (Broadcast2: 72 x 2)', () => {
    const c = CASES.find((x) => x.name === 'Broadcast2')!;
    const g = model('float32', c.shapes, false, false, null, null);
    expect(opMacs(g, g.ops[0]!)).toBe(144);
  });

  describe('refusals (TFLM Prepare)', () => {
    const one = { scale: 1, zeroPoint: 0 };
    const q = { lhs: one, rhs: one, out: one };
    it('accumulation depths that differ', () => {
      const e = refusal(() => model('int8', { lhs: [2, 3], rhs: [4, 2], out: [2, 2] }, false, false, q, null));
      expect(e.code).toBe('E_MODEL_FORMAT');
      expect(e.message).toMatch(/BATCH_MATMUL.*accumulation depth 3 \(LHS\) differs from 4 \(RHS\)/);
    });
    it('batch dims that do not broadcast, and rank 6', () => {
      expect(refusal(() => model('int8', { lhs: [2, 2, 3], rhs: [3, 3, 2], out: [3, 2, 2] }, false, false, q, null)).message).toMatch(/batch dims 2 \(LHS\) and 3 \(RHS\) do not broadcast/);
      expect(refusal(() => model('int8', { lhs: [1, 1, 1, 1, 2, 3], rhs: [3, 2], out: [1, 1, 1, 1, 2, 2] }, false, false, q, null)).message).toMatch(/LHS rank 6 is outside 2\.\.5/);
    });
    it('an output of another element count', () => {
      expect(refusal(() => model('int8', { lhs: [2, 3], rhs: [3, 2], out: [2, 3] }, false, false, q, null)).message).toMatch(/output \[2,3\] does not hold the product's \[2,2\]/);
    });
    it('int16 with a non-zero zero point (TFLM: all three 0)', () => {
      const e = refusal(() => model('int16', { lhs: [2, 3], rhs: [3, 2], out: [2, 2] }, false, false, { ...q, rhs: { scale: 1, zeroPoint: 2 } }, null));
      expect(e.code).toBe('E_UNSUPPORTED');
      expect(e.message).toMatch(/int16 zero point 2/);
    });
  });
});
