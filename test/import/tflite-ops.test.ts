// Op kinds the shared models do not use: hand-built graphs go through writeTflite and back, and the
// reader's normalization (TFLite slice semantics, negative axes, SAME pads, fused activations) is checked.
import { describe, expect, it } from 'vitest';
import { parseTflite } from '../../src/import/tflite/parse.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import type { AnyOp, DType, Graph, Tensor } from '../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../src/ir/ops.js';

type TensorSpec = { shape: number[]; dtype?: DType; scale?: number; zp?: number; ints?: number[] };

function graphOf(specs: TensorSpec[], ops: Array<{ kind: OpKind; inputs: number[]; outputs?: number[]; attrs: object; version?: number }>): Graph {
  const tensors: Tensor[] = specs.map((s, id) => ({
    id,
    name: `t${id}`,
    shape: s.shape,
    shapeSignature: null,
    dtype: s.ints ? 'int32' : (s.dtype ?? 'int8'),
    quant: s.ints || s.dtype === 'float32' ? null : { scales: [Math.fround(s.scale ?? 0.1)], zeroPoints: [s.zp ?? 0], axis: 0 },
    data: s.ints ? new Uint8Array(Int32Array.from(s.ints).buffer) : null,
    isVariable: false,
  }));
  const anyOps = ops.map((o) => ({ kind: o.kind, version: o.version ?? 1, inputs: o.inputs, outputs: o.outputs ?? [specs.length - 1], attrs: o.attrs, params: null }) as unknown as AnyOp);
  // every activation no op writes is a model input (a graph must name where each read comes from)
  const written = new Set(anyOps.flatMap((o) => o.outputs));
  const inputs = tensors.filter((t) => t.data === null && !written.has(t.id)).map((t) => t.id);
  return { name: '', description: 'test', tensors, ops: anyOps, inputs, outputs: [specs.length - 1], metadata: [], signatureDefs: [] };
}

const roundTrip = (g: Graph): Graph => {
  const once = readTflite(writeTflite(g));
  expect(readTflite(writeTflite(once))).toEqual(once);
  return once;
};
const attrsOf = <K extends OpKind>(g: Graph, _kind: K, i = 0) => g.ops[i]!.attrs as OpAttrs[K];
const full: [number, number] = [-128, 127];

describe('op lowering through the writer and back', () => {
  it('STRIDED_SLICE: negative begin, end mask, shrink axis, odd stride (StartForAxis/StopForAxis)', () => {
    const g = graphOf(
      [{ shape: [4, 10, 3] }, { shape: [3], ints: [-3, 2, 0] }, { shape: [3], ints: [0, -1, 3] }, { shape: [3], ints: [1, 2, 1] }, { shape: [3, 4] }],
      [{ kind: 'STRIDED_SLICE', inputs: [0, 1, 2, 3], version: 2, attrs: { begin: [], end: [], strides: [], masks: { begin: 0, end: 1, ellipsis: 0, newAxis: 0, shrinkAxis: 4, offset: false } } }],
    );
    expect(attrsOf(roundTrip(g), 'STRIDED_SLICE')).toEqual({
      begin: [1, 2, 0],
      end: [4, 9, 1],
      strides: [1, 2, 1],
      masks: { begin: 0, end: 1, ellipsis: 0, newAxis: 0, shrinkAxis: 4, offset: false },
    });
  });

  it('STRIDED_SLICE: reverse iteration with an end mask runs from the last element to -1', () => {
    const g = graphOf(
      [{ shape: [5] }, { shape: [1], ints: [-1] }, { shape: [1], ints: [0] }, { shape: [1], ints: [-1] }, { shape: [5] }],
      [{ kind: 'STRIDED_SLICE', inputs: [0, 1, 2, 3], attrs: { begin: [], end: [], strides: [], masks: { begin: 0, end: 1, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false } } }],
    );
    const a = attrsOf(roundTrip(g), 'STRIDED_SLICE');
    expect([a.begin, a.end, a.strides]).toEqual([[4], [-1], [-1]]);
  });

  it('STRIDED_SLICE with ellipsis or new-axis masks is refused', () => {
    const g = graphOf(
      [{ shape: [5] }, { shape: [1], ints: [0] }, { shape: [1], ints: [5] }, { shape: [1], ints: [1] }, { shape: [5] }],
      [{ kind: 'STRIDED_SLICE', inputs: [0, 1, 2, 3], attrs: { begin: [], end: [], strides: [], masks: { begin: 0, end: 0, ellipsis: 1, newAxis: 0, shrinkAxis: 0, offset: false } } }],
    );
    expect(() => readTflite(writeTflite(g))).toThrow(/STRIDED_SLICE at node 0: ellipsis_mask/);
  });

  it('CONCATENATION and MEAN resolve negative axes; MEAN axes come sorted and unique', () => {
    const concat = graphOf([{ shape: [1, 2, 2, 3] }, { shape: [1, 2, 2, 3] }, { shape: [1, 2, 2, 6] }], [{ kind: 'CONCATENATION', inputs: [0, 1], attrs: { axis: -1, clamp: full } }]);
    expect(attrsOf(roundTrip(concat), 'CONCATENATION')).toEqual({ axis: 3, clamp: full });
    const mean = graphOf([{ shape: [1, 7, 7, 8] }, { shape: [3], ints: [-2, 1, 1] }, { shape: [1, 1, 1, 8] }], [{ kind: 'MEAN', version: 2, inputs: [0, 1], attrs: { axes: [], keepDims: true } }]);
    expect(attrsOf(roundTrip(mean), 'MEAN')).toEqual({ axes: [1, 2], keepDims: true });
  });

  it('MAX_POOL_2D SAME: pads from paddingFor with the odd pixel after; written back as SAME', () => {
    const odd = graphOf([{ shape: [1, 7, 8, 4] }, { shape: [1, 4, 4, 4] }], [
      { kind: 'MAX_POOL_2D', inputs: [0], version: 2, attrs: { filter: [3, 3], stride: [2, 2], pad: { top: 1, bottom: 1, left: 0, right: 1 }, clamp: full } },
    ]);
    expect(attrsOf(roundTrip(odd), 'MAX_POOL_2D').pad).toEqual({ top: 1, bottom: 1, left: 0, right: 1 });
    expect(parseTflite(writeTflite(odd)).operators[0]!.options.padding).toBe(0); // SAME
  });

  it('fused activations: RELU6 clamp is inferred back from the output quantization', () => {
    // scale 0.05, zp -10: RELU6 -> [max(-128, -10), min(127, -10 + 120)]
    const g = graphOf([{ shape: [1, 4] }, { shape: [3, 4], ints: undefined }, { shape: [1, 3], scale: 0.05, zp: -10 }], [
      { kind: 'FULLY_CONNECTED', inputs: [0, 1, -1], version: 6, attrs: { clamp: [-10, 110], keepNumDims: false } },
    ]);
    g.tensors[1]!.data = new Uint8Array(12);
    expect(attrsOf(roundTrip(g), 'FULLY_CONNECTED')).toEqual({ clamp: [-10, 110], keepNumDims: false });
    expect(parseTflite(writeTflite(g)).operators[0]!.options.activation).toBe(3); // RELU6
  });

  it('SQUEEZE writes the squeezed dims; RESHAPE its new shape', () => {
    const g = graphOf([{ shape: [1, 1, 1, 5] }, { shape: [1, 5] }], [{ kind: 'SQUEEZE', inputs: [0], attrs: {} }]);
    roundTrip(g);
    expect(parseTflite(writeTflite(g)).operators[0]!.options.squeezeDims).toEqual([1, 2]);
    const r = graphOf([{ shape: [1, 6] }, { shape: [2], ints: [2, 3] }, { shape: [2, 3] }], [{ kind: 'RESHAPE', inputs: [0, 1], attrs: {} }]);
    roundTrip(r);
    expect(parseTflite(writeTflite(r)).operators[0]!.options.newShape).toEqual([2, 3]);
  });

  it('the remaining kinds keep their attrs', () => {
    const unary = (kind: OpKind, attrs: object, version: number, input: TensorSpec, output: TensorSpec) =>
      graphOf([input, output], [{ kind, inputs: [0], attrs, version }]);
    const x: TensorSpec = { shape: [1, 4, 4, 2], scale: 0.05, zp: 3 };
    const cases: Array<[OpKind, object, number, TensorSpec, TensorSpec]> = [
      ['HARD_SWISH', {}, 1, x, { ...x, scale: 0.04 }],
      ['LOGISTIC', {}, 2, x, { ...x, scale: 1 / 256, zp: -128 }],
      ['TANH', {}, 2, x, { ...x, scale: 1 / 128, zp: 0 }],
      ['RELU', {}, 2, x, x],
      ['RELU6', {}, 2, x, x],
      ['RELU_N1_TO_1', {}, 1, x, x],
      ['QUANTIZE', {}, 1, { shape: [1, 4, 4, 2], dtype: 'float32' }, x],
      ['DEQUANTIZE', {}, 2, x, { shape: [1, 4, 4, 2], dtype: 'float32' }],
      ['LEAKY_RELU', { alpha: Math.fround(0.2) }, 1, x, x],
      ['SOFTMAX', { beta: 1 }, 2, x, { ...x, scale: 1 / 256, zp: -128 }],
      ['AVERAGE_POOL_2D', { filter: [1, 1], stride: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: full }, 2, x, x],
    ];
    for (const [kind, attrs, version, input, output] of cases) expect(attrsOf(roundTrip(unary(kind, attrs, version, input, output)), kind)).toEqual(attrs);
    for (const kind of ['ADD', 'SUB', 'MUL'] as const) {
      const g = graphOf([{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [1, 4], zp: -5 }], [{ kind, inputs: [0, 1], attrs: { clamp: [-5, 127] } }]);
      expect(attrsOf(roundTrip(g), kind)).toEqual({ clamp: [-5, 127] }); // RELU
    }
    const resize = graphOf([{ shape: [1, 2, 2, 1] }, { shape: [2], ints: [4, 4] }, { shape: [1, 4, 4, 1] }], [
      { kind: 'RESIZE_NEAREST_NEIGHBOR', inputs: [0, 1], version: 3, attrs: { alignCorners: false, halfPixelCenters: true } },
    ]);
    expect(attrsOf(roundTrip(resize), 'RESIZE_NEAREST_NEIGHBOR')).toEqual({ alignCorners: false, halfPixelCenters: true });
    const padv2 = graphOf([{ shape: [1, 2, 2, 1] }, { shape: [4, 2], ints: [0, 0, 1, 2, 0, 1, 0, 0] }, { shape: [1], zp: 3 }, { shape: [1, 5, 3, 1], zp: 3 }], [
      { kind: 'PADV2', inputs: [0, 1, 2], attrs: { paddings: [] } },
    ]);
    padv2.tensors[2]!.data = new Uint8Array([3]);
    expect(attrsOf(roundTrip(padv2), 'PADV2').paddings).toEqual([[0, 0], [1, 2], [0, 1], [0, 0]]);
    const transpose = graphOf([{ shape: [1, 3, 4, 2] }, { shape: [4], ints: [0, -1, 1, 2] }, { shape: [1, 2, 3, 4] }], [{ kind: 'TRANSPOSE', inputs: [0, 1], attrs: { perm: [] } }]);
    expect(attrsOf(roundTrip(transpose), 'TRANSPOSE').perm).toEqual([0, 3, 1, 2]);
  });
});
