// DIV (int8 with broadcasting on every engine; float32 on the reference) from TFLM's div_test.cc vectors:
// single-op .tflite files written and read back, run on the reference kernels, the wasm module (SIMD and
// scalar) and the host C build. TFLM's quantized test checks each dequantized output within
// 2 * step + step^2 of its expected value (step = (max - min) / 255); every engine must pass that check
// and give the same bytes.
import { describe, expect, it } from 'vitest';
import type { Clamp } from '../../src/ir/ops.js';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { FLOAT32_MAX } from '../../src/ir/float.js';
import { activationClamp } from '../../src/ir/quant.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';
import { minMaxQ, quantizeInt8 as quantize, type Q } from '../helpers/tflm-quant.js';


const f32 = Math.fround;

function model(dtype: DType, shape1: number[], shape2: number[], q: Q | null, clamp: Clamp, version = 1): Graph {
  const outShape = shape1.length >= shape2.length ? shape1 : shape2;
  const tensor = (id: number, name: string, shape: number[]): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q ? { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'div', description: 'TFLM div_test vectors',
    tensors: [tensor(0, 'a', shape1), tensor(1, 'b', shape2), tensor(2, 'y', outShape)],
    ops: [{ kind: 'DIV', version, inputs: [0, 1], outputs: [2], attrs: { clamp }, params: null }],
    inputs: [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

const int8s = (out: Uint8Array) => Array.from(new Int8Array(out.buffer, out.byteOffset, out.length));
const hostC = hostCFor('DIV on host C');

async function expectEverywhere(graph: Graph, in1: Uint8Array, in2: Uint8Array): Promise<number[]> {
  const runs = await runOnEveryEngine(graph, [in1, in2], hostC);
  const reference = int8s(runs.reference![0]!);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, int8s(outs[0]!)]).toEqual([engine, reference]);
  return reference;
}

async function tflmQuantized(min: number, max: number, shape1: number[], in1: number[], shape2: number[], in2: number[], expected: number[], relu1 = false): Promise<void> {
  const q = minMaxQ(min, max);
  const clamp: Clamp = relu1 ? activationClamp('RELU_N1_TO_1', q.scale, q.zeroPoint, [-128, 127]) : [-128, 127];
  const got = await expectEverywhere(model('int8', shape1, shape2, q, clamp, shape1.length > 4 ? 2 : 1), quantize(in1, q), quantize(in2, q));
  const step = (max - min) / 255;
  const tolerance = 2 * step + step * step;
  got.forEach((v, i) => {
    const real = (v - q.zeroPoint) * q.scale;
    expect(Math.abs(real - expected[i]!), `element ${i}: ${real} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance);
  });
}

describe('DIV int8 (TFLM div_test.cc)', () => {
  it('QuantizedDivOpTestActNone: range [-1, 1]', async () => {
    await tflmQuantized(-1, 1, [1, 2, 2, 1], [-0.8, -0.2, 0.3, 0.7], [1, 2, 2, 1], [-0.8, 0.4, 0.8, 1.0], [1.0, -0.5, 0.375, 0.7]);
  });

  it('QuantizedDivOpTestActReluN1To1: both vector sets, clamped to [-1, 1]', async () => {
    await tflmQuantized(-1, 1, [1, 2, 2, 1], [-0.8, 0.2, 0.9, 0.7], [1, 2, 2, 1], [0.6, 0.4, 0.9, -0.8], [-1.0, 0.5, 1.0, -0.875], true);
    await tflmQuantized(-1, 1, [1, 2, 2, 1], [-0.5, 0.2, 0.6, 0.3], [1, 2, 2, 1], [0.6, 0.5, -0.8, 0.5], [-0.833, 0.4, -0.75, 0.6], true);
  });

  it('QuantizedDivOpTestMultiShape: range [-3, 3] in 1-D to 4-D', async () => {
    for (const shape of [[6], [2, 3], [2, 1, 3], [1, 3, 1, 2]]) {
      await tflmQuantized(-3, 3, shape, [-2.0, 0.2, 1.7, 0.9, 0.4, 2.0], shape, [1.3, 0.3, 1.1, 0.4, -1.1, 1.9], [-1.538, 0.667, 1.545, 2.25, -0.364, 1.053]);
    }
  });

  it('QuantizedDivOpTestBroadcast: a one-element divisor against 1-D to 5-D dividends', async () => {
    const in1 = [-2.0, 0.2, 0.7, 0.8, -0.5, 1.1, -1.3, 1.2];
    const expected = [-2.857, 0.286, 1.0, 1.143, -0.714, 1.571, -1.857, 1.714];
    for (const shape of [[8], [2, 4], [2, 1, 4], [1, 4, 1, 2], [1, 2, 1, 2, 2]]) await tflmQuantized(-3, 3, shape, in1, [1], [0.7], expected);
  });

  it('scales 1, zero points 0: exact quotients come out exact, and 0 / 5 as TFLM\'s exponent-32 rounding gives it', async () => {
    const q = { scale: 1, zeroPoint: 0 };
    const a = [100, -100, 90, 0, 127, -128, 7, 120];
    const b = [4, 4, -3, 5, 1, 2, 7, -8];
    const got = await expectEverywhere(model('int8', [8], [8], q, [-128, 127]), new Uint8Array(Int8Array.from(a).buffer), new Uint8Array(Int8Array.from(b).buffer));
    // 0 / 5 is 1, as TFLM computes it: output shift 1, reciprocal shift 2 and the zero dividend's headroom 31
    // make RoundingDivideByPOT's exponent 32, where its int32 mask is all ones and 0 rounds up (x86 and Cortex-M alike).
    expect(got).toEqual([25, -25, -30, 1, 127, -64, 1, -15]);
  });

  it('every int8 pair at range [-3, 3]: all engines agree, including the right shifts past 31 and zero divisors', async () => {
    const q = minMaxQ(-3, 3);
    const a = new Int8Array(65536), b = new Int8Array(65536);
    for (let i = 0; i < 65536; i++) {
      a[i] = (i >> 8) - 128;
      b[i] = (i & 255) - 128;
    }
    const got = await expectEverywhere(model('int8', [256, 256], [256, 256], q, [-128, 127]), new Uint8Array(a.buffer), new Uint8Array(b.buffer));
    const at = (x: number, y: number) => got[(x + 128) * 256 + (y + 128)]!;
    // Output shift 6 (multiplier 42.5): 0 / 128 reaches a right shift of 32, which Cortex-M's TFLM turns into 1.
    expect(at(0, 128 - 1)).toBe(0); // 0 / 127: shift 31, an ordinary 0
    expect(at(0, -128)).toBe(1);
    // Away from those, within one step of the real quotient times 1 / output scale.
    expect(Math.abs(at(85, 42) - (85 / 42) * 42.5)).toBeLessThanOrEqual(1);
  });

  it('int16 is refused naming the dtype (TFLM micro runs int8, float32 and unquantized int32)', () => {
    const e16 = refusal(() => model('int16', [4], [4], { scale: 0.01, zeroPoint: 0 }, [-32768, 32767]));
    expect(e16.code).toBe('E_UNSUPPORTED');
    expect(e16.message).toMatch(/^DIV \(node 0\).*int16/);
  });
});

describe('DIV int32 unquantized (TFLM div_test.cc Integer*) on every engine', () => {
  const INT32: Clamp = [-2147483648, 2147483647];
  const int32s = (out: Uint8Array) => Array.from(new Int32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)));
  const bytes = (v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
  async function everywhere(shape1: number[], in1: number[], shape2: number[], in2: number[], clamp: Clamp): Promise<number[]> {
    const runs = await runOnEveryEngine(model('int32', shape1, shape2, null, clamp, shape1.length > 4 ? 2 : 1), [bytes(in1), bytes(in2)], hostC);
    const reference = int32s(runs.reference![0]!);
    for (const [engine, outs] of Object.entries(runs)) expect([engine, int32s(outs[0]!)]).toEqual([engine, reference]);
    return reference;
  }

  it('IntegerDivOpTestNoActivation: truncation toward zero', async () => {
    expect(await everywhere([1, 2, 2, 1], [-2, 2, -15, 8], [1, 2, 2, 1], [5, -2, -3, 5], INT32)).toEqual([0, -1, 5, 1]);
  });

  it('IntegerDivOpTestActivationRELU_N1_TO_1: the fused activation read back as [-1, 1]', async () => {
    const graph = model('int32', [1, 2, 2, 1], [1, 2, 2, 1], null, [-1, 1]);
    expect(graph.ops[0]!.attrs).toEqual({ clamp: [-1, 1] });
    expect(await everywhere([1, 2, 2, 1], [-2, 2, -12, 8], [1, 2, 2, 1], [1, 2, -15, 5], [-1, 1])).toEqual([-1, 1, 0, 1]);
  });

  it('IntegerDivOpTestVariousInputShapes: 1-D to 4-D', async () => {
    for (const shape of [[6], [2, 3], [2, 1, 3], [1, 3, 1, 2]]) {
      expect(await everywhere(shape, [-20, 2, 3, 8, 11, -20], shape, [1, 2, 6, 5, -11, -1], INT32)).toEqual([-20, 1, 0, 1, -1, 20]);
    }
  });

  it('IntegerDivOpTestWithBroadcast: a one-element divisor against 1-D to 5-D dividends', async () => {
    for (const shape of [[8], [2, 4], [2, 1, 4], [1, 4, 1, 2], [1, 2, 1, 2, 2]]) {
      expect(await everywhere(shape, [-20, 21, 7, 8, 11, -123, -42, -48], [1], [3], INT32)).toEqual([-6, 7, 2, 2, 3, -41, -14, -16]);
    }
  });

  it('x / 0 gives 0 and INT32_MIN / -1 gives INT32_MIN on every engine (Cortex-M SDIV; C and wasm would trap or be undefined)', async () => {
    const a = [5, -5, 0, -2147483648, -2147483648, 2147483647, -2147483648, 7];
    const b = [0, 0, 0, -1, 1, -1, 2, -7];
    expect(await everywhere([8], a, [8], b, INT32)).toEqual([0, 0, 0, -2147483648, -2147483648, -2147483647, -1073741824, -1]);
  });

  it('RELU and RELU6 on int32 clamp the quotients to [0, max] and [0, 6]', async () => {
    expect(await everywhere([4], [-9, 9, 100, 13], [1], [2], [0, 2147483647])).toEqual([0, 4, 50, 6]);
    expect(await everywhere([4], [-9, 9, 100, 13], [1], [2], [0, 6])).toEqual([0, 4, 6, 6]);
  });

  it('a quantized int32 input is refused as TFLM\'s DivPrepare refuses it', () => {
    const e = refusal(() => model('int32', [4], [4], { scale: 0.5, zeroPoint: 0 }, INT32));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^DIV \(node 0\).*int32 DIV runs unquantized only/);
  });
});

describe('DIV float32 (TFLM div_test.cc) on the float reference', () => {
  const run = (shape1: number[], in1: number[], shape2: number[], in2: number[], clamp: Clamp) =>
    Array.from(new Float32Array(runReference(model('float32', shape1, shape2, null, clamp), [new Uint8Array(Float32Array.from(in1).buffer), new Uint8Array(Float32Array.from(in2).buffer)]).outputs[0]!.slice().buffer));
  const none: Clamp = [-FLOAT32_MAX, FLOAT32_MAX];
  const near = (got: number[], expected: number[]) => got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v}`).toBeLessThanOrEqual(1e-5));

  it('FloatDivOpTestActNone and FloatDivOpTestActReluN1To1', () => {
    near(run([1, 2, 2, 1], [-0.2, 0.2, -1.2, 0.8], [1, 2, 2, 1], [0.5, 0.2, -1.5, 0.5], none), [-0.4, 1.0, 0.8, 1.6]);
    near(run([1, 2, 2, 1], [-0.2, 0.2, -1.2, 0.8], [1, 2, 2, 1], [0.1, 0.2, -1.5, 0.5], [-1, 1]), [-1.0, 1.0, 0.8, 1.0]);
  });

  it('FloatDivOpTestBroadcast and Broadcast5D: a one-element divisor', () => {
    const in1 = [-0.2, 0.2, 0.07, 0.08, 0.11, -0.123, -0.32, 0.54];
    for (const shape of [[8], [2, 4], [2, 1, 4], [1, 2, 2, 2], [1, 2, 1, 2, 2]]) near(run(shape, in1, [1], [0.1], none), [-2.0, 2.0, 0.7, 0.8, 1.1, -1.23, -3.2, 5.4]);
  });
});
