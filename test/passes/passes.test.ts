// The passes keep every golden model bit-exact with TFLite Micro.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { applyPasses, foldPad, int8Io } from '../../src/passes/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { goldenInputs, goldenIntermediates, goldenModels, goldenOutputs, haveShared, type GoldenModel } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];
const load = (g: GoldenModel) => readTflite(new Uint8Array(readFileSync(g.modelPath)));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe.skipIf(models.length === 0)('passes keep the golden models bit-exact', () => {
  for (const g of models) {
    it(`${g.name}: foldPad, all input sets`, () => {
      const graph = load(g);
      const folded = applyPasses(graph);
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        const got = runReference(folded, goldenInputs(g, k)).outputs;
        const want = goldenOutputs(g, k);
        expect(got.every((o, i) => same(o, want[i]!)), `input set ${k}`).toBe(true);
      }
    });
  }

  it('foldPad removes the zero-point PADs of mcunet_vww and mobilenet_v2 and widens the conv pads', () => {
    for (const name of ['mcunet_vww', 'mobilenet_v2_quantized_1x3x224x224']) {
      const graph = load(models.find((m) => m.name === name)!);
      const folded = foldPad(graph);
      const pads = graph.ops.filter((o) => o.kind === 'PAD' || o.kind === 'PADV2').length;
      expect(pads).toBeGreaterThan(0);
      expect(folded.ops.filter((o) => o.kind === 'PAD' || o.kind === 'PADV2').length).toBe(0);
      expect(folded.ops.length).toBe(graph.ops.length - pads);
      expect(folded.tensors).toBe(graph.tensors);
    }
    const mcunet = foldPad(load(models.find((m) => m.name === 'mcunet_vww')!));
    // PAD 20x20x48 -> 26x26x48 then a 7x7 stride-2 depthwise: pads of 3 on every side.
    const dw = mcunet.ops.find((o) => o.kind === 'DEPTHWISE_CONV_2D' && mcunet.tensors[o.inputs[0]!]!.shape[1] === 20 && o.attrs.stride[0] === 2)!;
    expect(dw.kind === 'DEPTHWISE_CONV_2D' && dw.attrs.pad).toEqual({ top: 3, bottom: 3, left: 3, right: 3 });
  });

  it('foldPad leaves a graph without foldable PADs as it is', () => {
    const graph = load(models.find((m) => m.name === 'vww_96_int8')!);
    expect(foldPad(graph)).toBe(graph);
  });

  it('int8Io: mcunet_vww takes and returns int8; the int8 graph reproduces TFLM on the QUANTIZE/DEQUANTIZE intermediates', () => {
    const g = models.find((m) => m.name === 'mcunet_vww')!;
    const graph = load(g);
    const quantizeOp = graph.ops[0]!;
    const dequantizeOp = graph.ops[graph.ops.length - 1]!;
    expect(quantizeOp.kind).toBe('QUANTIZE');
    expect(dequantizeOp.kind).toBe('DEQUANTIZE');
    for (const foldPads of [false, true]) {
      const io = applyPasses(graph, { int8Io: true, foldPad: foldPads });
      expect(io.inputs).toEqual([quantizeOp.outputs[0]]);
      expect(io.outputs).toEqual([dequantizeOp.inputs[0]]);
      expect(io.tensors[io.inputs[0]!]!.dtype).toBe('int8');
      expect(io.ops.some((o) => o.kind === 'QUANTIZE' || o.kind === 'DEQUANTIZE')).toBe(false);
      const inter = goldenIntermediates(g);
      const got = runReference(io, [inter.get(quantizeOp.outputs[0]!)!]).outputs[0]!;
      expect(same(got, inter.get(dequantizeOp.inputs[0]!)!)).toBe(true);
    }
    // Every input set: quantize the float input with the full graph's first op, run the int8 graph,
    // dequantize with its last op, and compare with TFLM's float output.
    const io = applyPasses(graph, { int8Io: true });
    const quantizeOnly = { ...graph, ops: [quantizeOp], outputs: [quantizeOp.outputs[0]!] };
    const dequantizeOnly = { ...graph, ops: [dequantizeOp], inputs: [dequantizeOp.inputs[0]!] };
    for (let k = 0; k < g.manifest.num_input_sets; k++) {
      const q = runReference(quantizeOnly, goldenInputs(g, k)).outputs;
      const out = runReference(io, q).outputs;
      const deq = runReference(dequantizeOnly, out).outputs[0]!;
      expect(same(deq, goldenOutputs(g, k)[0]!), `input set ${k}`).toBe(true);
    }
  });

  it('int8Io leaves an int8 model as it is', () => {
    const graph = load(models.find((m) => m.name === 'kws_ref_model')!);
    expect(int8Io(graph)).toBe(graph);
  });
});
