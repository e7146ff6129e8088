// int16 LOGISTIC and TANH from TFLM's logistic_test.cc / tanh_test.cc int16 vectors: single-op .tflite
// files written and read back, run on the reference kernels, the wasm module (SIMD and scalar) and the
// host C build. TFLM's tests check each output within 16 of round(golden / output scale); every engine
// must pass that check and give the same bytes. The exact values at 0 and at saturation follow from
// TFLite's table (entry 0 = 32768) and the kernel's rounding, worked out by hand below.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'LOGISTIC' | 'TANH';
interface Q { scale: number; zeroPoint: number }

const f32 = Math.fround;

function model(kind: Kind, n: number, inQ: Q, outQ: Q): Uint8Array {
  const tensor = (id: number, name: string, q: Q): Tensor => ({
    id, name, shape: [1, n], shapeSignature: null, dtype: 'int16', quant: { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 }, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'TFLM int16 activation test vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind, version: 3, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** TFLM's Quantize: round(value / scale) (float, halves away from zero) + zero point, clamped to int16. */
function quantize16(values: readonly number[], q: Q): number[] {
  return values.map((v) => {
    const r = f32(v / f32(q.scale));
    return Math.min(32767, Math.max(-32768, Math.sign(r) * Math.round(Math.abs(r)) + q.zeroPoint));
  });
}

const bytes = (values: readonly number[]) => new Uint8Array(Int16Array.from(values).buffer);
const ints = (out: Uint8Array) => Array.from(new Int16Array(out.buffer, out.byteOffset, out.length / 2));

const hostC = hostCFor('int16 LOGISTIC/TANH on host C');

/** Every engine's output for the given int16 inputs; all engines must give the same bytes. */
async function runEverywhere(kind: Kind, input: readonly number[], inQ: Q, outQ: Q): Promise<number[]> {
  const runs = await runOnEveryEngine(readTflite(model(kind, input.length, inQ, outQ)), [bytes(input)], hostC);
  const reference = ints(runs.reference![0]!);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, ints(outs[0]!)]).toEqual([engine, reference]);
  return reference;
}

/** TFLM's TestLogisticQuantized / TestTanhQuantized: each output within `tolerance` of the quantized golden value. */
async function expectTflmVectors(kind: Kind, input: readonly number[], golden: readonly number[], inQ: Q, outQ: Q, tolerance: number): Promise<number[]> {
  const got = await runEverywhere(kind, quantize16(input, inQ), inQ, outQ);
  const want = quantize16(golden, outQ);
  got.forEach((q, i) => expect(Math.abs(q - want[i]!), `element ${i}: ${q} vs ${want[i]}`).toBeLessThanOrEqual(tolerance));
  return got;
}

// logistic_test.cc / tanh_test.cc: 177 points from -20 to 20 in steps of 40/176.
const WIDE_INPUT = Array.from({ length: 177 }, (_, i) => -20 + (40 * i) / 176);
// TFLM's int16 goldens are the float functions at those points (8+ digits, far below one output step).
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const Q_IN_2_11 = { scale: 32 / 65536, zeroPoint: 0 };
const Q_OUT_2_15 = { scale: 2 / 65536, zeroPoint: 0 };

describe('int16 LOGISTIC (TFLM logistic_test.cc)', () => {
  it('LogisticQuantizedInt16ShouldMatchGolden: input scale 2^-11 (the general multiplier path), output 2^-15, within 16', async () => {
    const got = await expectTflmVectors('LOGISTIC', WIDE_INPUT, WIDE_INPUT.map(sigmoid), Q_IN_2_11, Q_OUT_2_15, 16);
    // sigmoid(0): table entry 0 (32768) << 9, + 2^9, >> 10 = 16384 exactly.
    expect(got[88]).toBe(16384);
    // +-20 saturate: 0x7fff << 10 >> 10 = 32767; (2^25 - (0x7fff << 10) + 2^9 - 1) >> 10 = 1 (TFLite's sigmoid never reaches 0).
    expect([got[0], got[176]]).toEqual([1, 32767]);
  });

  it('input scale 2^-12 takes the power-of-two path (x * 3): same outputs as the float function within 16', async () => {
    const input = [-32768, -12000, -4096, -1, 0, 1, 4096, 12000, 32767];
    const inQ = { scale: 1 / 4096, zeroPoint: 0 };
    const got = await runEverywhere('LOGISTIC', input, inQ, Q_OUT_2_15);
    got.forEach((q, i) => expect(Math.abs(q - Math.min(32767, Math.round(sigmoid(input[i]! / 4096) * 32768))), `element ${i}`).toBeLessThanOrEqual(16));
    expect(got[4]).toBe(16384);
  });
});

describe('int16 TANH (TFLM tanh_test.cc)', () => {
  it('TestTanhInt16WideRange: input scale 2^-11 (the power-of-two path, 3 << 1), output 2^-15, within 16', async () => {
    const got = await expectTflmVectors('TANH', WIDE_INPUT, WIDE_INPUT.map(Math.tanh), Q_IN_2_11, Q_OUT_2_15, 16);
    // tanh(0): (32768 << 8) - 2^23 + 2^7 = 128, >> 8 = 0; +-20 saturate to (0xffff << 8 - 2^23 + 2^7) >> 8 = 32767 and its negation - 1 >> 8 = -32767.
    expect([got[0], got[88], got[176]]).toEqual([-32767, 0, 32767]);
  });

  it('a scale that is not a power of two (0.001) takes the general multiplier path, within 16 of tanh', async () => {
    const input = [-32768, -5000, -700, -1, 0, 1, 700, 5000, 32767];
    const inQ = { scale: 0.001, zeroPoint: 0 };
    const got = await runEverywhere('TANH', input, inQ, Q_OUT_2_15);
    got.forEach((q, i) => expect(Math.abs(q - Math.min(32767, Math.round(Math.tanh(input[i]! * f32(0.001)) * 32768))), `element ${i}`).toBeLessThanOrEqual(16));
  });
});

describe('int16 LOGISTIC/TANH refusals (TFLM CalculateArithmeticOpData int16)', () => {
  it('a non-zero zero point, an output scale other than 2^-15 and a too-large input scale are E_UNSUPPORTED naming the numbers', () => {
    const load = (kind: Kind, inQ: Q, outQ: Q) => () => readTflite(model(kind, 4, inQ, outQ));
    expect(refusal(load('LOGISTIC', { scale: 1 / 4096, zeroPoint: 3 }, Q_OUT_2_15))).toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('zero points of 0 (has 3 and 0)') });
    expect(refusal(load('TANH', Q_IN_2_11, { scale: 1 / 65536, zeroPoint: 0 }))).toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('must be 2^-15') });
    expect(refusal(load('LOGISTIC', { scale: 4, zeroPoint: 0 }, Q_OUT_2_15))).toMatchObject({ code: 'E_UNSUPPORTED', message: expect.stringContaining('too large') });
  });
});
