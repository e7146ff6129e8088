// ELU (int8 through TFLM's Prepare-built table, float32) and EXP (float32 only in TFLM) from TFLM's
// elu_test.cc and exp_test.cc vectors: single-op .tflite files written and read back, the int8 ones run on
// the reference kernels, the wasm module (SIMD and scalar) and the host C build.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'ELU' | 'EXP';
interface Q { scale: number; zeroPoint: number }

const f32 = Math.fround;

function model(kind: Kind, dtype: DType, shape: number[], inQ: Q | null, outQ: Q | null, version = dtype === 'float32' ? 1 : 2): Graph {
  const tensor = (id: number, name: string, q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q ? { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'TFLM kernel test vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind, version, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

const hostC = hostCFor('ELU on host C');
const int8s = (out: Uint8Array) => Array.from(new Int8Array(out.buffer, out.byteOffset, out.length));
const floats = (out: Uint8Array) => Array.from(new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)));

/** Every engine's int8 outputs; all engines must give the reference's bytes. */
async function everywhere(graph: Graph, input: number[]): Promise<number[]> {
  const runs = await runOnEveryEngine(graph, [new Uint8Array(Int8Array.from(input).buffer)], hostC);
  const reference = int8s(runs.reference![0]!);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, int8s(outs[0]!)]).toEqual([engine, reference]);
  return reference;
}

describe('ELU int8 (TFLM elu_test.cc)', () => {
  it('QuantizedActivationsOpTestEluInt8: range [-8, 8*127/128] (scale 1/16, zero point 0) gives TFLM\'s expected values exactly', async () => {
    const q = { scale: 1 / 16, zeroPoint: 0 };
    const input = [0, -6, 2, -4, 3, -2, 6, -0.1].map((v) => Math.round(v / q.scale)); // FloatToQuantizedType, all in range
    const expected = [0, -1.0, 2.0, -1, 3.0, -0.875, 6.0, -0.125];
    const got = await everywhere(model('ELU', 'int8', [1, 2, 4, 1], q, q), input);
    // Every expected value is a multiple of 1/16: the stored values are exactly expected * 16.
    expect(got).toEqual(expected.map((v) => v * 16));
  });

  it('every int8 input with different scales and zero points: within half an output step of ELU in double, saturating at the ends', async () => {
    const inQ = { scale: 0.05, zeroPoint: 20 };
    const outQ = { scale: 0.03, zeroPoint: -10 };
    const input = Array.from({ length: 256 }, (_, i) => i - 128);
    const got = await everywhere(model('ELU', 'int8', [1, 256], inQ, outQ), input);
    got.forEach((q, i) => {
      const x = f32(inQ.scale) * (input[i]! - inQ.zeroPoint);
      const ideal = (x < 0 ? Math.expm1(x) : x) / f32(outQ.scale) + outQ.zeroPoint;
      const clamped = Math.max(-128, Math.min(127, ideal));
      expect(Math.abs(q - clamped), `input ${input[i]}: ${q} vs ${ideal}`).toBeLessThanOrEqual(0.5 + 1e-4);
    });
    // -128 is 0.05 * -148 = -7.4: expm1 -0.99939 / 0.03 = -33.3, so -33 - 10; 127 is 5.35 / 0.03 - 10 = 168, clamped.
    expect(got[0]).toBe(-43);
    expect(got[255]).toBe(127);
  });

  it('int16 is refused as TFLM\'s Eval refuses it ("ELU only supports float32 and int8")', () => {
    const q = { scale: 0.001, zeroPoint: 0 };
    const e = refusal(() => model('ELU', 'int16', [4], q, q));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^ELU \(node 0\).*input dtype int16 is not supported \(supported: int8\)/);
  });
});

describe('ELU and EXP float32 (TFLM elu_test.cc, exp_test.cc) on the float reference', () => {
  it('FloatActivationsOpTestElu: within 1e-5 of TFLM\'s expected values', () => {
    const input = [0, -6, 2, -4, 3, -2, 10, -0.1];
    const expected = [0.0, -0.997521, 2.0, -0.981684, 3.0, -0.864665, 10.0, -0.0951626];
    const out = floats(runReference(model('ELU', 'float32', [1, 2, 4, 1], null, null), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!);
    out.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v}`).toBeLessThanOrEqual(1e-5));
  });

  it('ExpTest.SingleDim: exp of float32 values (exp(100) overflows to Infinity as expf does)', () => {
    const input = [0.0, 1.0, -1.0, 100.0, -100.0, 0.01, -0.01];
    const out = floats(runReference(model('EXP', 'float32', [1, 7], null, null), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!);
    expect(out[3]).toBe(Infinity);
    const expected = [1, 2.7182817, 0.36787945, Infinity, 3.72e-44, 1.0100502, 0.99004983];
    out.forEach((v, i) => i !== 3 && expect(Math.abs(v - expected[i]!), `element ${i}: ${v}`).toBeLessThanOrEqual(1e-5));
  });

  it('integer EXP is refused naming its dtype: TFLM\'s Prepare requires float32', () => {
    for (const dtype of ['int8', 'int16'] as const) {
      const q = { scale: 0.05, zeroPoint: 0 };
      const e = refusal(() => model('EXP', dtype, [4], q, q));
      expect(e.code).toBe('E_UNSUPPORTED');
      expect(e.message).toMatch(new RegExp(`^EXP \\(node 0\\).*input dtype ${dtype} is not supported \\(supported: float32\\)`));
    }
  });
});
