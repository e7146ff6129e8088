// TRANSPOSE_CONV from TFLM's transpose_conv_test.cc vectors: single-op .tflite files written and read back
// (the output-shape input, filter, input, bias), run on the reference kernels, the wasm module (SIMD and
// scalar) and the host C build, which agree byte for byte; the outputs are TFLM's expected values within
// the test's own tolerance (its goldens are float results quantized: 1 LSB for int8, 4 for 16x8).
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { typedView } from '../../src/reference/views.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Spec {
  input: { shape: number[]; values: number[]; scale: number; zeroPoint: number; dtype: 'int8' | 'int16' };
  /** Float filter values [oc, kh, kw, ic], quantized here per channel, symmetric (TFLM's CreateSymmetricPerChannelQuantizedTensor). */
  filter: { shape: number[]; values: number[] };
  /** Float bias values, quantized with input scale x filter scale; null: no bias input. */
  bias: { values: number[]; dtype: DType } | null;
  output: { shape: number[]; scale: number; zeroPoint: number };
  padding: 'SAME' | 'VALID';
  stride: number;
  /** The op's clamp when not the dtype's full range (the writer turns it into a fused activation). */
  clamp?: [number, number];
}

function bytesOf(dtype: DType, values: number[]): Uint8Array {
  const probe = typedView(dtype, new ArrayBuffer(0), 0, 0);
  const out = new Uint8Array(values.length * probe.BYTES_PER_ELEMENT);
  const view = typedView(dtype, out.buffer, 0, values.length) as unknown as { [i: number]: number | bigint };
  values.forEach((v, i) => (view[i] = dtype === 'int64' ? BigInt(v) : v));
  return out;
}

/** The one-op model file; pads are the attrs TFLM derives, the writer turns them back into SAME/VALID. */
function model(s: Spec): Uint8Array {
  const [oc, kh, kw] = s.filter.shape as [number, number, number, number];
  const perChannel = s.filter.values.length / oc;
  const scales = Array.from({ length: oc }, (_, c) => Math.fround(Math.max(...s.filter.values.slice(c * perChannel, (c + 1) * perChannel).map(Math.abs)) / 127));
  const filterQ = s.filter.values.map((v, i) => Math.round(v / scales[Math.floor(i / perChannel)]!));
  const t = (id: number, name: string, shape: number[], dtype: DType, quant: Tensor['quant'], data: Uint8Array | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant, data, isVariable: false,
  });
  const q = (scale: number[], zeroPoint: number[]) => ({ scales: scale, zeroPoints: zeroPoint, axis: 0 });
  const tensors = [
    t(0, 'output_shape', [4], 'int32', null, bytesOf('int32', s.output.shape)),
    t(1, 'filter', s.filter.shape, 'int8', q(scales, scales.map(() => 0)), bytesOf('int8', filterQ)),
    t(2, 'input', s.input.shape, s.input.dtype, q([s.input.scale], [s.input.zeroPoint]), null),
    t(3, 'output', s.output.shape, s.input.dtype, q([s.output.scale], [s.output.zeroPoint]), null),
  ];
  const inputs = [0, 1, 2];
  if (s.bias) {
    const biasScales = scales.map((f) => s.input.scale * f);
    tensors.push(t(4, 'bias', [oc], s.bias.dtype, q(biasScales, biasScales.map(() => 0)), bytesOf(s.bias.dtype, s.bias.values.map((v, c) => Math.round(v / biasScales[c]!)))));
    inputs.push(4);
  }
  const padBefore = (out: number, k: number, inSize: number) => Math.floor(Math.max((inSize - 1) * s.stride + k - out, 0) / 2);
  const pad = s.padding === 'VALID'
    ? { top: 0, left: 0 }
    : { top: padBefore(s.output.shape[1]!, kh, s.input.shape[1]!), left: padBefore(s.output.shape[2]!, kw, s.input.shape[2]!) };
  const graph: Graph = {
    name: 'transpose_conv', description: 'TFLM transpose_conv_test vectors', tensors,
    ops: [{ kind: 'TRANSPOSE_CONV', version: s.input.dtype === 'int16' ? 3 : 2, inputs, outputs: [3], attrs: { stride: [s.stride, s.stride], pad, clamp: s.clamp ?? (s.input.dtype === 'int16' ? [-32768, 32767] : [-128, 127]) }, params: null }],
    inputs: [2], outputs: [3], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('TRANSPOSE_CONV on host C');

/** Output values on every engine, keyed by engine. */
async function runAll(file: Uint8Array, input: Uint8Array, dtype: 'int8' | 'int16'): Promise<Record<string, number[]>> {
  const outs = Object.fromEntries(Object.entries(await runOnEveryEngine(readTflite(file), [input], hostC)).map(([engine, o]) => [engine, o[0]!]));
  const values = (b: Uint8Array) => Array.from(typedView(dtype, b.buffer, b.byteOffset, b.length / (dtype === 'int16' ? 2 : 1)) as Int8Array | Int16Array);
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, values(v)]));
}

/** Every engine gives the same values, each within `tolerance` of round(golden / scale) + zero point. */
async function expectNear(s: Spec, golden: number[], tolerance: number): Promise<number[]> {
  const input = bytesOf(s.input.dtype, s.input.values.map((v) => Math.round(v / s.input.scale) + s.input.zeroPoint));
  const runs = await runAll(model(s), input, s.input.dtype);
  const reference = runs.reference!;
  for (const [engine, out] of Object.entries(runs)) expect([engine, out]).toEqual([engine, reference]);
  const want = golden.map((g) => Math.round(g / s.output.scale) + s.output.zeroPoint);
  reference.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs TFLM ${want[i]}`).toBeLessThanOrEqual(tolerance));
  return reference;
}

// The common vectors: input [1, 4, 4, 2] = 1..32, filter [1, 3, 3, 2] = 1..18, bias 0, SAME, stride 1.
const INPUT = { shape: [1, 4, 4, 2], values: Array.from({ length: 32 }, (_, i) => i + 1) };
const FILTER = { shape: [1, 3, 3, 2], values: Array.from({ length: 18 }, (_, i) => i + 1) };
const GOLDEN = [184, 412, 568, 528, 678, 1347, 1689, 1434, 1494, 2715, 3057, 2442, 1968, 3352, 3652, 2760];

describe('TRANSPOSE_CONV (TFLM transpose_conv_test.cc)', () => {
  it('SimpleTestQuantizedPerChannel: int8, input scale 0.5, output scale 30', async () => {
    await expectNear({
      input: { ...INPUT, scale: 0.5, zeroPoint: 0, dtype: 'int8' }, filter: FILTER, bias: { values: [0], dtype: 'int32' },
      output: { shape: [1, 4, 4, 1], scale: 30, zeroPoint: 0 }, padding: 'SAME', stride: 1,
    }, GOLDEN, 1);
  });

  it('SimpleTestQuantized16x8PerChannel (int64 bias) and ...WithInt16Bias: the same outputs', async () => {
    const spec = (dtype: DType): Spec => ({
      input: { ...INPUT, scale: 1, zeroPoint: 0, dtype: 'int16' }, filter: FILTER, bias: { values: [0], dtype },
      output: { shape: [1, 4, 4, 1], scale: 1, zeroPoint: 0 }, padding: 'SAME', stride: 1,
    });
    const wide = await expectNear(spec('int64'), GOLDEN, 4);
    expect(await expectNear(spec('int16'), GOLDEN, 4)).toEqual(wide);
  });

  it('MultiChannelBiasWithFusedActivationTest as int8: VALID, stride 2, two channels with bias (the RELU by the output range)', async () => {
    // TFLM's float test applies a fused RELU; an int8 output with zero point -128 clamps at real 0 alike.
    const golden = [
      4, 6, 6, 8, 10, 14, 9, 12, 13, 16, 10, 12, 12, 14, 28, 32, 21, 24, 25, 28, 13, 12, 9, 8, 35, 40,
      45, 52, 57, 64, 0, 0, 0, 0, 0, 0, 39, 44, 47, 52, 0, 0, 0, 0, 4, 6, 63, 68, 71, 76,
    ];
    await expectNear({
      input: { shape: [1, 2, 2, 1], values: [1, 2, -3, 4], scale: 1, zeroPoint: 0, dtype: 'int8' },
      filter: { shape: [2, 3, 3, 1], values: [1, 3, 5, 7, 9, 11, 13, 15, 17, 2, 4, 6, 8, 10, 12, 14, 16, 18] },
      bias: { values: [3, 4], dtype: 'int32' },
      output: { shape: [1, 5, 5, 2], scale: 1, zeroPoint: -128 }, padding: 'VALID', stride: 2,
    }, golden, 1);
  });

  it('without a bias input (TFLM: 3 inputs)', async () => {
    await expectNear({
      input: { ...INPUT, scale: 0.5, zeroPoint: 0, dtype: 'int8' }, filter: FILTER, bias: null,
      output: { shape: [1, 4, 4, 1], scale: 30, zeroPoint: 0 }, padding: 'SAME', stride: 1,
    }, GOLDEN, 1);
  });

  it('the writer gives back SAME / VALID and the strides: read, write, read keeps the attrs', () => {
    const file = model({
      input: { shape: [1, 2, 2, 1], values: [], scale: 1, zeroPoint: 0, dtype: 'int8' },
      filter: { shape: [2, 3, 3, 1], values: Array.from({ length: 18 }, (_, i) => i + 1) }, bias: null,
      output: { shape: [1, 5, 5, 2], scale: 1, zeroPoint: 0 }, padding: 'VALID', stride: 2,
    });
    const once = readTflite(file);
    const twice = readTflite(writeTflite(once));
    expect(twice.ops[0]!.attrs).toEqual(once.ops[0]!.attrs);
    expect(once.ops[0]!.attrs).toEqual({ stride: [2, 2], pad: { top: 0, left: 0 }, clamp: [-128, 127] });
  });

  it('refuses a fused activation (TFLM computes none before version 4, which is refused too)', () => {
    const e = refusal(() => readTflite(model({
      input: { ...INPUT, scale: 0.5, zeroPoint: 0, dtype: 'int8' }, filter: FILTER, bias: null,
      output: { shape: [1, 4, 4, 1], scale: 30, zeroPoint: 0 }, padding: 'SAME', stride: 1, clamp: [0, 127],
    })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe('TRANSPOSE_CONV at node 0: fused activation RELU is not supported');
  });

  it('refuses what TFLM does not run: non-zero 16x8 zero points, an int32 bias on the 16x8 path', () => {
    const base: Spec = {
      input: { ...INPUT, scale: 1, zeroPoint: 0, dtype: 'int16' }, filter: FILTER, bias: { values: [0], dtype: 'int64' },
      output: { shape: [1, 4, 4, 1], scale: 1, zeroPoint: 0 }, padding: 'SAME', stride: 1,
    };
    const zp = refusal(() => readTflite(model({ ...base, input: { ...base.input, zeroPoint: 3 } })));
    expect(zp.code).toBe('E_UNSUPPORTED');
    expect(zp.message).toMatch(/TRANSPOSE_CONV \(node 0\), tensor 'input' \(#2\): int16 zero point 3 is not supported/);
    const bias = refusal(() => readTflite(model({ ...base, bias: { values: [0], dtype: 'int32' } })));
    expect(bias.code).toBe('E_UNSUPPORTED');
    expect(bias.message).toMatch(/tensor 'bias' \(#4\): dtype int32 is not supported \(expected int64 or int16\)/);
  });
});
