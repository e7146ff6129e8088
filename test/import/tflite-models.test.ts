// The shared real models load, and what we read agrees with the inventory produced by flatc-generated code.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { comparable } from './graph-compare.js';
import { loadSharedModels, sharedModelsAvailable, type SharedModel } from './shared-models.js';

interface InventoryTensor {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  const: boolean;
  is_variable: boolean;
  data_bytes?: number;
  shape_signature?: number[];
  scale?: number | { count: number; min: number; max: number };
  zero_point?: number | number[] | { count: number };
  quantized_dimension?: number;
}
interface InventoryOperator {
  op: string;
  version: number;
  inputs: number[];
  outputs: number[];
  options?: Record<string, unknown>;
}
interface InventorySubgraph {
  tensors: InventoryTensor[];
  operators: InventoryOperator[];
  inputs: Array<{ index: number }>;
  outputs: Array<{ index: number }>;
}

const available = sharedModelsAvailable();
const models = available ? loadSharedModels() : [];
const read = (m: SharedModel): Graph => readTflite(m.bytes);
const find = (name: string) => models.find((m) => m.name === name)!;

describe.skipIf(!available)('real models load and match the inventory', () => {
  it.each(models.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const g = read(m);
    const sg = (m.inventory.subgraphs as InventorySubgraph[])[0]!;
    expect(g.tensors.length).toBe(m.inventory.num_tensors_total);
    expect(g.ops.length).toBe(sg.operators.length);
    expect(g.inputs).toEqual(sg.inputs.map((t) => t.index));
    expect(g.outputs).toEqual(sg.outputs.map((t) => t.index));
    expect(g.metadata.map((e) => e.name)).toEqual(m.inventory.metadata);
    expect(g.signatureDefs.length).toBe(m.inventory.signature_defs);
    expect(g.description).toBe(m.inventory.flatbuffer_description);

    sg.operators.forEach((o, i) => {
      const op = g.ops[i]!;
      expect({ kind: op.kind, version: op.version, inputs: op.inputs, outputs: op.outputs }).toEqual({
        kind: o.op,
        version: o.version,
        inputs: o.inputs,
        outputs: o.outputs,
      });
    });
    const counts: Record<string, number> = {};
    for (const op of g.ops) counts[op.kind] = (counts[op.kind] ?? 0) + 1;
    expect(counts).toEqual(m.inventory.operators);

    for (const it of sg.tensors) {
      const t = g.tensors[it.index]!;
      expect(t.id).toBe(it.index);
      expect(t.name).toBe(it.name);
      expect(t.shape).toEqual(it.shape);
      expect(t.dtype).toBe(it.dtype.toLowerCase());
      expect(t.data !== null).toBe(it.const);
      expect(t.isVariable).toBe(it.is_variable);
      if (t.data) expect(t.data.length).toBe(it.data_bytes);
      expect(t.shapeSignature).toEqual(it.shape_signature ?? null);
      if (it.scale === undefined) {
        expect(t.quant).toBeNull();
      } else if (typeof it.scale === 'number') {
        expect(t.quant!.scales).toEqual([Math.fround(it.scale)]);
        expect(t.quant!.zeroPoints).toEqual([it.zero_point]);
      } else {
        expect(t.quant!.scales.length).toBe(it.scale.count);
        expect(Math.min(...t.quant!.scales)).toBe(Math.fround(it.scale.min));
        expect(Math.max(...t.quant!.scales)).toBe(Math.fround(it.scale.max));
        expect(t.quant!.axis).toBe(it.quantized_dimension);
        expect(t.shape[t.quant!.axis]).toBe(it.scale.count);
      }
    }
  });

  it('constant data is a fresh, 16-byte-aligned copy of the file bytes', () => {
    const m = find('kws_ref_model');
    const g = read(m);
    for (const t of g.tensors) {
      if (!t.data) continue;
      expect(t.data.buffer).not.toBe(m.bytes.buffer);
      expect(t.data.byteOffset).toBe(0);
      expect(t.data.buffer.byteLength).toBe(t.data.length);
    }
  });

  it('reads a model that sits at an odd offset inside a larger buffer', () => {
    const m = find('hello_world_int8');
    const host = new Uint8Array(m.bytes.length + 7);
    host.set(m.bytes, 3);
    expect(comparable(readTflite(host.subarray(3, 3 + m.bytes.length)))).toEqual(comparable(read(m)));
  });

  it('micro_speech: SAME depthwise stride 2 gets the odd pixel after, RELU clamp from the output zero point', () => {
    const g = read(find('micro_speech_quantized'));
    const dw = g.ops[1]!;
    expect(dw.kind).toBe('DEPTHWISE_CONV_2D');
    if (dw.kind !== 'DEPTHWISE_CONV_2D') return;
    // in 49x40, filter 10x8, stride 2, SAME -> out 25x20: total pad H = 24*2+10-49 = 9, W = 19*2+8-40 = 6
    expect(dw.attrs).toEqual({ stride: [2, 2], dilation: [1, 1], pad: { top: 4, bottom: 5, left: 3, right: 3 }, clamp: [-128, 127], depthMultiplier: 8 });
    const fc = g.ops[2]!;
    expect(fc.kind === 'FULLY_CONNECTED' && fc.attrs).toEqual({ clamp: [-128, 127], keepNumDims: false });
    const sm = g.ops[3]!;
    expect(sm.kind === 'SOFTMAX' && sm.attrs).toEqual({ beta: 1 });
    expect(g.tensors[8]!.quant!.axis).toBe(3);
  });

  it('mcunet_vww: TRANSPOSE perm, MEAN axes and PAD paddings come from their constant inputs', () => {
    const g = read(find('mcunet_vww'));
    const byKind = (k: string) => g.ops.filter((o) => o.kind === k);
    const transpose = byKind('TRANSPOSE')[0]!;
    expect(transpose.kind === 'TRANSPOSE' && transpose.attrs.perm.length).toBe(4);
    for (const mean of byKind('MEAN')) {
      if (mean.kind !== 'MEAN') continue;
      const rank = g.tensors[mean.inputs[0]!]!.shape.length;
      expect(mean.attrs.axes.every((a) => a >= 0 && a < rank)).toBe(true);
    }
    for (const pad of byKind('PAD')) {
      if (pad.kind !== 'PAD') continue;
      const inShape = g.tensors[pad.inputs[0]!]!.shape;
      const outShape = g.tensors[pad.outputs[0]!]!.shape;
      expect(pad.attrs.paddings.map(([b, a], i) => inShape[i]! + b + a)).toEqual(outShape);
    }
    const quantize = g.ops[0]!;
    expect(quantize.kind).toBe('QUANTIZE');
    expect(g.tensors[g.inputs[0]!]!.dtype).toBe('float32');
    // RELU6 on an int8 output with zero point zp and scale s clamps to [max(-128, zp), min(127, zp + round(6/s))]
    const conv = g.ops.find((o) => o.kind === 'CONV_2D')!;
    if (conv.kind !== 'CONV_2D') return;
    const out = g.tensors[conv.outputs[0]!]!.quant!;
    const zp = out.zeroPoints[0]!;
    expect(conv.attrs.clamp[0]).toBe(Math.max(-128, zp));
    expect(conv.attrs.clamp[1]).toBe(Math.min(127, zp + Math.round(Math.fround(6 / out.scales[0]!))));
  });

  it('vww_96: per-channel conv weights on axis 0, depthwise on axis 3; I/O quantization as published', () => {
    const g = read(find('vww_96_int8'));
    const conv = g.ops.find((o) => o.kind === 'CONV_2D')!;
    const dw = g.ops.find((o) => o.kind === 'DEPTHWISE_CONV_2D')!;
    expect(g.tensors[conv.inputs[1]!]!.quant!.axis).toBe(0);
    expect(g.tensors[dw.inputs[1]!]!.quant!.axis).toBe(3);
    const input = g.tensors[g.inputs[0]!]!;
    expect(input.shape).toEqual([1, 96, 96, 3]);
    expect(input.quant).toEqual({ scales: [Math.fround(0.0039215689)], zeroPoints: [-128], axis: 0 });
    expect(g.tensors[g.outputs[0]!]!.quant!.scales).toEqual([0.00390625]);
  });
});
