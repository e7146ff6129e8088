// LOG_SOFTMAX (int8 on every engine; float32 on the reference) from TFLM's log_softmax_test.cc: its int8
// tests give the exact stored outputs TFLM computes, which every engine must reproduce.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';
import { minMaxQ, quantizeInt8 as quantize, type Q } from '../helpers/tflm-quant.js';


const f32 = Math.fround;
const OUT: Q = { scale: 16 / 256, zeroPoint: 127 };

function model(dtype: DType, shape: number[], inQ: Q | null, outQ: Q | null, version = dtype === 'float32' ? 1 : 2): Graph {
  const tensor = (id: number, name: string, q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q ? { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'log_softmax', description: 'TFLM log_softmax_test vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind: 'LOG_SOFTMAX', version, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

const int8s = (out: Uint8Array) => Array.from(new Int8Array(out.buffer, out.byteOffset, out.length));
const hostC = hostCFor('LOG_SOFTMAX on host C');

async function everywhere(graph: Graph, input: Uint8Array): Promise<number[]> {
  const runs = await runOnEveryEngine(graph, [input], hostC);
  const reference = int8s(runs.reference![0]!);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, int8s(outs[0]!)]).toEqual([engine, reference]);
  return reference;
}

describe('LOG_SOFTMAX int8 (TFLM log_softmax_test.cc)', () => {
  it('QuantizedActivationsOpTestLogSoftmaxInt8: range [-10, 10], TFLM\'s exact outputs', async () => {
    const q = minMaxQ(-10, 10);
    const got = await everywhere(model('int8', [2, 4], q, OUT), quantize([0, -6, 2, 4, 3, -2, 10, 1], q));
    expect(got).toEqual([61, -36, 93, 125, 15, -65, 127, -16]);
  });

  it('ExtraTestLogSoftmaxInt8: rows of one give 127 (log 1 = 0)', async () => {
    const q = minMaxQ(-1, 1);
    expect(await everywhere(model('int8', [3, 1], q, OUT), quantize([0, -1, 1], q))).toEqual([127, 127, 127]);
  });

  it('every int8 value against the row maximum: within one output step of the real log-softmax, -128 far below', async () => {
    const q = { scale: 0.05, zeroPoint: -3 };
    // 128 rows of two: the maximum 127, then each value from -128 to -1.
    const values: number[] = [];
    for (let v = -128; v < 0; v++) values.push(127, v);
    const got = await everywhere(model('int8', [128, 2], q, OUT), new Uint8Array(Int8Array.from(values).buffer));
    for (let r = 0; r < 128; r++) {
      const d = (values[2 * r + 1]! - 127) * f32(q.scale);
      const logSum = Math.log(1 + Math.exp(d));
      for (const [k, real] of [[0, -logSum], [1, d - logSum]] as const) {
        const ideal = Math.max(-128, real / OUT.scale + 127);
        expect(Math.abs(got[2 * r + k]! - ideal), `row ${r} element ${k}: ${got[2 * r + k]} vs ${ideal}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('refuses an output other than scale 16/256 zero point 127, and int16, as TFLM\'s Prepare does', () => {
    const q = minMaxQ(-10, 10);
    const e = refusal(() => model('int8', [2, 4], q, { scale: 1 / 256, zeroPoint: -128 }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^LOG_SOFTMAX \(node 0\).*output must have scale 16\/256 and zero point 127 \(has 0\.00390625, -128\)/);
    const e16 = refusal(() => model('int16', [2, 4], { scale: 0.001, zeroPoint: 0 }, { scale: 0.001, zeroPoint: 0 }));
    expect(e16.code).toBe('E_UNSUPPORTED');
    expect(e16.message).toMatch(/^LOG_SOFTMAX \(node 0\).*input dtype int16 is not supported \(supported: int8\)/);
  });

  it('refuses an input scale of 2^-26 or less, where TFLM\'s QuantizeMultiplierGreaterThanOne aborts', () => {
    const e = refusal(() => model('int8', [2, 4], { scale: 2 ** -26, zeroPoint: 0 }, OUT));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^LOG_SOFTMAX \(node 0\).*input scale 1\.4901161193847656e-8 is too small \(TFLM requires input scale \* 2\^26 > 1\)/);
  });
});

describe('LOG_SOFTMAX float32 (TFLM log_softmax_test.cc) on the float reference', () => {
  const run = (shape: number[], input: number[]) =>
    Array.from(new Float32Array(runReference(model('float32', shape, null, null), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!.slice().buffer));
  const near = (got: number[], expected: number[], tolerance: number) => got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v}`).toBeLessThanOrEqual(tolerance));

  it('FloatActivationsOpTestLogSoftmax: shapes [2, 4] and [4, 2]', () => {
    const input = [0, -6, 2, 4, 3, -2, 10, 1];
    near(run([2, 4], input), [-4.14297, -10.14297, -2.14297, -0.142971, -7.00104, -12.00104, -0.00104087, -9.00104], 1e-5);
    near(run([4, 2], input), [-0.00247565, -6.00247, -2.12692, -0.126928, -0.00671534, -5.00671, -0.000123374, -9.00012], 1e-5);
  });

  it('LogSoftmaxOpTestSimpleTest', () => {
    near(run([2, 5], [1, 2, 3, 4, 5, -1, -2, -3, -4, -5]), [-4.45191431, -3.45191431, -2.45191431, -1.45191443, -0.4519144, -0.4519144, -1.45191443, -2.45191431, -3.45191431, -4.45191431], 1e-6);
  });
});
