// Ops whose int8 kernel copies its inputs unchanged (CONCATENATION, MAXIMUM, MINIMUM) get one scale for
// inputs and output, as TFLite's converter gives them: the output calibrated, each input quantized
// otherwise requantized by a QUANTIZE first (quantize_model.cc ApplyConstraints); PADV2's pad value is
// quantized with its input's params. Each quantized graph runs with identical bytes on every engine and
// within a few output steps of the float graph. All of it with int8 and with int16 (16x8) activations.
import { describe, expect, it } from 'vitest';
import { FLOAT32_MAX } from '../../src/ir/float.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { calibrate, dequantized, quantizeModel } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const NO_CLAMP: [number, number] = [-FLOAT32_MAX, FLOAT32_MAX];

function tensor(id: number, name: string, shape: number[], data: Uint8Array | null = null, dtype: Tensor['dtype'] = 'float32'): Tensor {
  return { id, name, shape, shapeSignature: null, dtype, quant: null, data, isVariable: false };
}

/** x[1,3] -> FC a (2 units, outputs within ~[-1, 1]) and FC b (2 units, within ~[-8, 12]) -> `kind`(a, b). */
function twoBranches(kind: 'CONCATENATION' | 'MAXIMUM' | 'MINIMUM'): Graph {
  const fc = (w: number, out: number): AnyOp => ({ kind: 'FULLY_CONNECTED', version: 1, inputs: [0, w, -1], outputs: [out], attrs: { clamp: NO_CLAMP, keepNumDims: false }, params: null });
  const last: AnyOp =
    kind === 'CONCATENATION'
      ? { kind, version: 1, inputs: [3, 4], outputs: [5], attrs: { axis: 1, clamp: NO_CLAMP }, params: null }
      : ({ kind, version: 1, inputs: [3, 4], outputs: [5], attrs: {}, params: null } as AnyOp);
  return {
    name: kind.toLowerCase(),
    description: '',
    tensors: [
      tensor(0, 'x', [1, 3]),
      tensor(1, 'wa', [2, 3], f32([0.3, -0.2, 0.1, -0.25, 0.05, 0.2])),
      tensor(2, 'wb', [2, 3], f32([3, -2, 1.5, -1, 4, 2])),
      tensor(3, 'a', [1, 2]),
      tensor(4, 'b', [1, 2]),
      tensor(5, 'y', kind === 'CONCATENATION' ? [1, 4] : [1, 2]),
    ],
    ops: [fc(1, 3), fc(2, 4), last],
    inputs: [0],
    outputs: [5],
    metadata: [],
    signatureDefs: [],
  };
}

/** x[1,2,2,1] -> PADV2 (one row and column after, pad value 0.75) -> y[1,3,3,1]. */
function padV2(): Graph {
  const pad: AnyOp = { kind: 'PADV2', version: 1, inputs: [0, 1, 2], outputs: [3], attrs: { paddings: [[0, 0], [0, 1], [0, 1], [0, 0]] }, params: null };
  return {
    name: 'padv2',
    description: '',
    tensors: [tensor(0, 'x', [1, 2, 2, 1]), tensor(1, 'paddings', [4, 2], new Uint8Array(Int32Array.from([0, 0, 0, 1, 0, 1, 0, 0]).buffer), 'int32'), tensor(2, 'value', [1], f32([0.75])), tensor(3, 'y', [1, 3, 3, 1])],
    ops: [pad],
    inputs: [0],
    outputs: [3],
    metadata: [],
    signatureDefs: [],
  };
}

const samplesFor = (g: Graph, n: number) =>
  Array.from({ length: n }, (_, k) => [f32(Array.from({ length: g.tensors[g.inputs[0]!]!.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(1.7 * k + 0.9 * i) * (1 + (k % 3))))]);

const paramsOf = (g: Graph, id: number) => ({ scale: Math.fround(g.tensors[id]!.quant!.scales[0]!), zeroPoint: g.tensors[id]!.quant!.zeroPoints[0]! });

async function checkRuns(float: Graph, int8: Graph, samples: Uint8Array[][]): Promise<void> {
  const out = int8.tensors[int8.ops.at(-1)!.inputs[0]!]!; // the int8 output DEQUANTIZE reads
  // int16 steps are 256 times finer than the int8 weights' error: the bound stays an int8 output step
  const step = out.quant!.scales[0]! * (out.dtype === 'int16' ? 256 : 1);
  for (const sample of samples) {
    const runs = await runOnEveryEngine(int8, sample, hostCFor('quantize same-scale'));
    for (const [engine, outputs] of Object.entries(runs)) expect(outputs, engine).toEqual(runs.reference);
    const got = new Float32Array(runs.reference[0]!.slice().buffer);
    const want = new Float32Array(runReference(float, sample).outputs[0]!.slice().buffer);
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(3 * step));
  }
}

for (const activations of ['int8', 'int16'] as const) describe(`same-scale ops in the quantizer, ${activations} activations`, () => {
  const quantize = (g: Graph, samples: Uint8Array[][]) => quantizeModel(g, samples, undefined, { activations });
  // MAXIMUM and MINIMUM have no int16 kernels here yet: the 16x8 quantizer refuses them (int16.test.ts)
  for (const kind of activations === 'int8' ? (['CONCATENATION', 'MAXIMUM', 'MINIMUM'] as const) : (['CONCATENATION'] as const)) {
    it(`${kind}: the output calibrated, each input of other params requantized to it by a QUANTIZE, as the converter writes`, async () => {
      const g = twoBranches(kind);
      const samples = samplesFor(g, 6);
      const q = quantize(g, samples);
      const ranges = calibrate(g, samples);
      const paramsFor = ([lo, hi]: [number, number]) => ({
        scale: activations === 'int8' ? Math.fround((Math.max(hi, 0) - Math.min(lo, 0)) / 255) : Math.fround(Math.max(hi, -lo, 0) / 32767),
      });
      const out = paramsOf(q, q.ops.find((op) => op.kind === kind)!.outputs[0]!);
      // the output's own calibrated range
      expect(out.scale).toBe(paramsFor(ranges.get(5)!).scale);
      // a concatenation's range is the union of its inputs' (here b's): only a is requantized; a max/min's
      // range differs from both branches': both are
      const requantized = kind === 'CONCATENATION' ? [3] : [3, 4];
      for (const id of [3, 4]) expect(paramsOf(q, id).scale === out.scale, `branch #${id}`).toBe(!requantized.includes(id));
      expect(q.ops.map((op) => op.kind)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', ...requantized.map(() => 'QUANTIZE'), kind, 'DEQUANTIZE']);
      const op = q.ops.at(-2)!;
      // op_version.cc: int8 2, int16 CONCATENATION 3 (and the requantizing QUANTIZEs 2)
      expect(op.version).toBe(activations === 'int8' ? 2 : 3);
      // every input at the output's params; each requantizing QUANTIZE reads the branch's own int8 output
      for (const id of op.inputs) expect(paramsOf(q, id)).toEqual(out);
      requantized.forEach((branch, k) => {
        const requant = q.ops[3 + k]!;
        expect(requant.inputs).toEqual([branch]);
        expect(requant.version).toBe(activations === 'int8' ? 1 : 2);
        expect(q.tensors[requant.outputs[0]!]!.name).toBe(`${g.tensors[branch]!.name}_requantized`);
        expect(op.inputs).toContain(requant.outputs[0]);
      });
      await checkRuns(g, q, samples);
    }, 120_000);
  }

  it('an input already at the output params is not requantized', () => {
    // CONCATENATION of a tensor with itself: the output's range is the input's
    const g = twoBranches('CONCATENATION');
    const same: Graph = { ...g, ops: [g.ops[0]!, { ...g.ops[2]!, inputs: [3, 3], attrs: { axis: 1, clamp: NO_CLAMP } } as AnyOp], tensors: g.tensors.map((t) => (t.id === 5 ? { ...t, shape: [1, 4] } : t)) };
    const q = quantize(same, samplesFor(same, 4));
    expect(q.ops.map((op) => op.kind)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'CONCATENATION', 'DEQUANTIZE']);
  });

  it("PADV2: the pad value quantized with the input's params (TFLM's PADV2 requires it), the output the input's", async () => {
    const g = padV2();
    const samples = samplesFor(g, 4);
    const q = quantize(g, samples);
    expect(q.ops.map((op) => op.kind)).toEqual(['QUANTIZE', 'PADV2', 'DEQUANTIZE']);
    const pad = q.ops[1]!;
    const value = q.tensors[pad.inputs[2]!]!;
    expect(paramsOf(q, pad.inputs[2]!)).toEqual(paramsOf(q, pad.inputs[0]!));
    expect(paramsOf(q, pad.outputs[0]!)).toEqual(paramsOf(q, pad.inputs[0]!));
    expect(value.dtype).toBe(activations);
    const stored = activations === 'int8' ? new Int8Array(value.data!.slice().buffer) : new Int16Array(value.data!.slice().buffer);
    expect(Math.abs(dequantized(stored, [1], value.quant!)[0]! - 0.75)).toBeLessThanOrEqual(paramsOf(q, pad.inputs[0]!).scale / 2);
    await checkRuns(g, q, samples);
  }, 120_000);
});
