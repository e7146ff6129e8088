// int16 -> int16 SOFTMAX from TFLM's softmax_test.cc int16 vectors (input scale 0.1, output 1/32768 zero
// point 0, beta 1): single-op .tflite files written and read back, run on the reference kernels, the wasm
// module (SIMD and scalar) and the host C build. TFLM's test checks each output within `tolerance` of
// round(golden * 32768): 1 for the 1-D and 2-D cases, 7 for 3-D; every engine must pass it and give the same bytes.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';
import { softmaxInt16Luts } from '../../src/ir/softmax-lut.js';

const f32 = Math.fround;
interface Q { scale: number; zeroPoint: number }

function model(shape: number[], inQ: Q, outQ: Q): Uint8Array {
  const tensor = (id: number, name: string, q: Q): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: 'int16', quant: { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 }, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'softmax16', description: 'TFLM softmax_test int16 vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind: 'SOFTMAX', version: 3, inputs: [0], outputs: [1], attrs: { beta: 1 }, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** TFLM's Quantize: round(value / scale) (float, halves away from zero) + zero point, clamped to int16. */
const quantize16 = (values: readonly number[], q: Q) => values.map((v) => {
  const r = f32(v / f32(q.scale));
  return Math.min(32767, Math.max(-32768, Math.sign(r) * Math.round(Math.abs(r)) + q.zeroPoint));
});

const IN_Q = { scale: 0.1, zeroPoint: 0 };
const OUT_Q = { scale: 1 / 32768, zeroPoint: 0 };

const hostC = hostCFor('int16 SOFTMAX on host C');
const ints = (out: Uint8Array) => Array.from(new Int16Array(out.buffer, out.byteOffset, out.length / 2));

/** The reference's output; every other engine must give the same bytes. */
async function run(shape: number[], input: readonly number[]): Promise<number[]> {
  const graph = readTflite(model(shape, IN_Q, OUT_Q));
  const runs = await runOnEveryEngine(graph, [new Uint8Array(Int16Array.from(quantize16(input, IN_Q)).buffer)], hostC);
  const reference = ints(runs.reference![0]!);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, ints(outs[0]!)]).toEqual([engine, reference]);
  return reference;
}

function expectNear(got: number[], golden: readonly number[], tolerance: number): void {
  const want = quantize16(golden, OUT_Q);
  got.forEach((q, i) => expect(Math.abs(q - want[i]!), `element ${i}: ${q} vs ${want[i]}`).toBeLessThanOrEqual(tolerance));
}

const GOLDEN_1D = [0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647];
const INPUT_3D = [
  3, 6, -5, 4, -9, -10, -10, -8, 2, 2, 8, -5, -8, 5, -6, -8, 6, 1, -10, -8,
  7, 6, -10, -4, -5, 2, 7, 9, -9, 7, -4, -2, 8, 2, 2, 3, 6, 6, 2, 4,
  9, 7, -7, 0, 4, -3, 8, 8, -3, -4, -9, -9, 4, -8, -1, -10, -2, 6, -7, 0,
];
const GOLDEN_3D = [
  0.042009463, 0.843782625, 0.000014093, 0.114193561, 0.000000258, 0.000003072, 0.000003072, 0.000022699, 0.499985578, 0.499985578,
  0.952571219, 0.000002153, 0.000000107, 0.047425728, 0.000000792, 0.000000826, 0.993305397, 0.006692839, 0.000000112, 0.000000826,
  0.731046347, 0.268936922, 0.000000030, 0.000012210, 0.000004492, 0.000717124, 0.106430599, 0.786421666, 0.000000012, 0.106430599,
  0.000006114, 0.000045174, 0.995015917, 0.002466398, 0.002466398, 0.022595176, 0.453836234, 0.453836234, 0.008312301, 0.061420055,
  0.875505904, 0.118486839, 0.000000099, 0.000108046, 0.005899112, 0.000008351, 0.499990113, 0.499990113, 0.000008351, 0.000003072,
  0.000002245, 0.000002245, 0.993296627, 0.000006103, 0.006692780, 0.000000112, 0.000334520, 0.997191323, 0.000002254, 0.002471790,
];

describe('SOFTMAX int16 (TFLM softmax_test.cc)', () => {
  it('Softmax1DQuantizedInt16ShouldMatchGolden: within 1', async () => {
    expectNear(await run([1, 5], [1, 2, 3, 4, 5]), GOLDEN_1D, 1);
  });

  it('Softmax2DQuantizedInt16ShouldMatchGolden: within 1', async () => {
    expectNear(await run([2, 5], [1, 2, 3, 4, 5, -1, -2, -3, -4, -5]), [...GOLDEN_1D, ...GOLDEN_1D.slice().reverse()], 1);
  });

  it('Softmax3DQuantizedInt16ShouldMatchGolden: within 7', async () => {
    expectNear(await run([3, 4, 5], INPUT_3D), GOLDEN_3D, 7);
  });

  it("TFLM's gen_lut tables, ends worked by hand (the within-tolerance vectors cannot see a 1-LSB table error)", () => {
    const { exp, oneOverOnePlusX } = softmaxInt16Luts();
    // exp[0]: sample round(e^-10 * 32768 = 1.488) = 1; midpoint round(e^-9.990234375 * 32768 = 1.502) = 2, interpolated
    // round((e^-9.98046875 * 32768 = 1.517 + 1) / 2) = 1; bias round(-1 / 2) = -1 (halves away from zero): 1 - (-1) = 2.
    expect([exp[0], exp[512]]).toEqual([2, 32767]); // exp[512] = round(e^0 * 32768) clamped
    // 1/(1+x): at 0, 32768 clamped to 32767 (midpoint error 0); the extra entry round(32768 / 2) = 16384.
    expect([oneOverOnePlusX[0], oneOverOnePlusX[512]]).toEqual([32767, 16384]);
  });

  it('an output scale other than 1/32768 or a non-zero output zero point is E_UNSUPPORTED naming the numbers', () => {
    expect(refusal(() => readTflite(model([1, 5], IN_Q, { scale: 1 / 65536, zeroPoint: 0 }))).message).toContain('1/32768 and zero point 0');
    expect(refusal(() => readTflite(model([1, 5], IN_Q, { scale: 1 / 32768, zeroPoint: 1 }))).code).toBe('E_UNSUPPORTED');
  });
});
