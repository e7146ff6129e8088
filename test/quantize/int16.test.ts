// --int16-activations (TFLite's 16x8 scheme): a FULLY_CONNECTED checked field by field against values
// computed by hand (symmetric int16 activations, zero points 0, int64 biases, int16 clamps, versions),
// builder models quantized 16x8, written, re-read and run with identical bytes on every engine and
// closer to the float model than int8, ADD marked pot_scale_int16 false, --per-tensor combined, and
// the ops without an int16 kernel refused by name and node.
import { describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import { parseTflite, readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { FLOAT32_MAX } from '../../src/ir/float.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { compareQuantized, quantizeModel, quantizeWithReport } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';
import { singleOpGraph } from '../plan/overlap-harness.js';
import { haveTools } from '../c/toolchain.js';
import { f32, floatFc, floatTensor as tensor } from './float-graphs.js';

const f = Math.fround;
const NO_CLAMP: [number, number] = [-FLOAT32_MAX, FLOAT32_MAX];
const int64s = (t: Tensor) => [...new BigInt64Array(t.data!.slice().buffer)];

describe('16x8 FULLY_CONNECTED, field by field', () => {
  // Outputs by hand: [-1, 3] -> [-2, 4.75]; [3, -1] -> [4, -2.25]; input range [-1, 3], output [-2.25, 4.75].
  const samples = [[f32([-1, 3])], [f32([3, -1])]];
  const q = readTflite(writeTflite(quantizeModel(floatFc(), samples, 'fc', { activations: 'int16' })));

  it('float I/O with a QUANTIZE to int16 (v2) and a DEQUANTIZE from int16 (v3); the FC at the converter\'s version 4', () => {
    expect(q.ops.map((op) => [op.kind, op.version])).toEqual([['QUANTIZE', 2], ['FULLY_CONNECTED', 4], ['DEQUANTIZE', 3]]);
    expect([q.tensors[q.inputs[0]!]!.dtype, q.tensors[q.outputs[0]!]!.dtype]).toEqual(['float32', 'float32']);
  });

  it('activations int16 symmetric: scale max|range| / 32767, zero point 0; weights int8 per channel; bias int64 at input x weight scale', () => {
    const fc = q.ops[1]!;
    const [x, w, b] = fc.inputs.map((id) => q.tensors[id]!);
    const y = q.tensors[fc.outputs[0]!]!;
    expect(x!.dtype).toBe('int16');
    expect(x!.quant).toEqual({ scales: [f(3 / 32767)], zeroPoints: [0], axis: 0 });
    expect(y!.dtype).toBe('int16');
    expect(y!.quant).toEqual({ scales: [f(4.75 / 32767)], zeroPoints: [0], axis: 0 });
    expect(w!.dtype).toBe('int8');
    expect(w!.quant).toEqual({ scales: [f(1 / 127), f(2 / 127)], zeroPoints: [0, 0], axis: 0 });
    expect([...new Int8Array(w!.data!.slice().buffer)]).toEqual([127, -64, 16, 127]);
    // bias scales 3/32767 * 1/127 and twice that: 0.5 * 32767 * 127 / 3 = 693568.2 -> 693568;
    // -1 * 32767 * 127 / 6 = -693568.2 -> -693568 (float32 steps like the converter's change no digit here)
    const scales = [f(f(3 / 32767) * f(1 / 127)), f(f(3 / 32767) * f(2 / 127))];
    expect(b!.dtype).toBe('int64');
    expect(b!.quant).toEqual({ scales, zeroPoints: [0, 0], axis: 0 });
    expect(int64s(b!)).toEqual([693568n, -693568n]);
    expect(fc.attrs).toMatchObject({ clamp: [-32768, 32767] });
  });

  it('a fused RELU6 becomes the int16 clamp from the output scale; RELU_N1_TO_1 too', () => {
    // RELU6: range [0, 4.75], scale 4.75/32767: 6 / scale > 32767 -> [0, 32767].
    const relu6 = quantizeModel(floatFc([0, 6]), samples, 'fc', { activations: 'int16' });
    expect(relu6.ops[1]!.attrs).toMatchObject({ clamp: [0, 32767] });
    // RELU_N1_TO_1: range [-1, 1], scale 1/32767: [-1, 1] -> [-32767, 32767].
    const n1 = quantizeModel(floatFc([-1, 1]), samples, 'fc', { activations: 'int16' });
    expect(n1.tensors[n1.ops[1]!.outputs[0]!]!.quant!.scales).toEqual([f(1 / 32767)]);
    expect(n1.ops[1]!.attrs).toMatchObject({ clamp: [-32767, 32767] });
  });

  it('--per-tensor: one weight scale and one int64 bias scale', () => {
    const p = quantizeModel(floatFc(), samples, 'fc', { activations: 'int16', perTensor: true });
    const [, w, b] = p.ops[1]!.inputs.map((id) => p.tensors[id]!);
    expect(w!.quant!.scales).toEqual([f(2 / 127)]);
    expect([...new Int8Array(w!.data!.slice().buffer)]).toEqual([64, -32, 16, 127]);
    expect(b!.dtype).toBe('int64');
    const scale = f(f(3 / 32767) * f(2 / 127));
    expect(b!.quant!.scales).toEqual([scale]);
    // 0.5 * 32767 * 127 / 6 = 346784.1 -> 346784; -1 -> -693568.2 -> -693568
    expect(int64s(b!)).toEqual([346784n, -693568n]);
  });

  it('runs within two output steps of the float outputs with the int8 weights (the activations lose almost nothing)', () => {
    const out = new Float32Array(runReference(q, [f32([-1, 3])]).outputs[0]!.buffer);
    const step = 4.75 / 32767;
    // weights as stored: row 0 [127, -64] / 127, row 1 [16, 127] * 2 / 127: [-1, 3] -> [-2.01181, 4.74803]
    expect(Math.abs(out[0]! - (-1 + 3 * (-64 / 127) + 0.5))).toBeLessThan(2 * step);
    expect(Math.abs(out[1]! - (-32 / 127 + 6 - 1))).toBeLessThan(2 * step);
  });
});

/** conv -> depthwise -> conv -> ADD with the conv before (a residual) -> max pool -> MEAN -> FC -> SOFTMAX. */
function builderNet(): Graph {
  const b = new FloatGraphBuilder(5);
  const c1 = b.conv('conv', b.image(8, 8, 3), 8, 3, 1, 'RELU');
  const dw = b.depthwise('dw', c1, 3, 1, 'RELU6');
  const pw = b.conv('pw', dw, 8, 1, 1, 'NONE');
  const sum = b.add('sum', c1, pw);
  const pool = b.maxPool('pool', sum, 2);
  return b.finish('net', b.softmax('probs', b.dense('logits', b.globalAveragePool('gap', pool), 4, 'NONE'))).graph;
}

const samplesFor = (g: Graph, seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(g.tensors[g.inputs[0]!]!, mixSeed(seed, k), [0, 1])]);

describe('a builder model quantized 16x8', () => {
  const float = builderNet();
  const calibration = samplesFor(float, 1, 32);
  const held = samplesFor(float, 2, 16);
  const written = writeTflite(quantizeModel(float, calibration, 'net', { activations: 'int16' }));
  const q = readTflite(written);

  it('every activation int16 with zero point 0; softmax output 1/32768; conv/dw/FC biases int64; the converter\'s versions', () => {
    const activations = q.tensors.filter((t) => t.dtype !== 'float32' && t.data === null);
    expect(activations.length).toBeGreaterThan(8);
    for (const t of activations) expect([t.name, t.dtype, t.quant!.zeroPoints]).toEqual([t.name, 'int16', [0]]);
    const softmax = q.ops.find((op) => op.kind === 'SOFTMAX')!;
    expect(q.tensors[softmax.outputs[0]!]!.quant!.scales).toEqual([1 / 32768]);
    for (const op of q.ops.filter((o) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(o.kind))) {
      const [x, w, b] = op.inputs.map((id) => q.tensors[id]!);
      expect([op.kind, w!.dtype, b!.dtype]).toEqual([op.kind, 'int8', 'int64']);
      b!.quant!.scales.forEach((s, c) => expect(s).toBe(f(x!.quant!.scales[0]! * w!.quant!.scales[c]!)));
    }
    expect(q.ops.map((op) => `${op.kind} v${op.version}`)).toEqual([
      'QUANTIZE v2', 'CONV_2D v3', 'DEPTHWISE_CONV_2D v3', 'CONV_2D v3', 'ADD v3', 'MAX_POOL_2D v3', 'MEAN v3', 'FULLY_CONNECTED v4', 'SOFTMAX v3', 'DEQUANTIZE v3',
    ]);
    // the fused RELU6 of the depthwise as the int16 clamp of its output scale
    const dw = q.ops.find((op) => op.kind === 'DEPTHWISE_CONV_2D')!;
    const dwScale = q.tensors[dw.outputs[0]!]!.quant!.scales[0]!;
    expect(dw.attrs).toMatchObject({ clamp: [0, Math.min(32767, Math.round(6 / dwScale))] });
  });

  it('writes ADD with pot_scale_int16 false (the general-scale int16 kernel), as the converter does for 16x8', () => {
    const add = parseTflite(written).operators.find((op) => op.kind === 'ADD')!;
    expect(add.options.potScaleInt16).toBe(false);
    const int8 = parseTflite(writeTflite(quantizeModel(float, calibration, 'net'))).operators.find((op) => op.kind === 'ADD')!;
    expect(int8.options.potScaleInt16).toBe(true);
  });

  it('runs with identical bytes on the reference, wasm (SIMD and scalar) and host C', async () => {
    for (const sample of held.slice(0, 4)) {
      const runs = await runOnEveryEngine(q, sample, hostCFor('quantize int16'));
      for (const [engine, outputs] of Object.entries(runs)) expect(outputs, engine).toEqual(runs.reference);
    }
  }, 120_000);

  it.skipIf(!haveTools('quantize int16 (qemu-m4)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']))('runs with the same bytes on qemu-m4 (Cortex-M4F), default plan', () => {
    const prepared = prepareQemu(scheduleOf(planModel(q).plan), QEMU_BOARDS['qemu-m4']);
    try {
      for (const sample of held.slice(0, 2)) expect(prepared.run(sample).outputs).toEqual(runReference(q, sample).outputs);
    } finally {
      prepared.dispose();
    }
  }, 300_000);

  it('agrees with the float model more closely than int8 (output SQNR), layer by layer', () => {
    const int8 = compareQuantized(float, quantizeModel(float, calibration, 'net'), held);
    const int16 = compareQuantized(float, q, held);
    const logits = (a: typeof int8) => a.layers.find((l) => l.name === 'logits')!.sqnrDb;
    console.log(`builder net, 16 held-out: logits SQNR int8 ${logits(int8).toFixed(1)} dB, 16x8 ${logits(int16).toFixed(1)} dB; top-1 ${int8.top1Agreement} / ${int16.top1Agreement}`);
    expect(logits(int16)).toBeGreaterThan(logits(int8) + 3);
    expect(int16.top1Agreement).toBe(1);
  });

  it('bias correction moves int64 biases', () => {
    const r = quantizeWithReport(float, calibration, 'net', { activations: 'int16', biasCorrection: true });
    expect(r.corrections.map((c) => c.op)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'FULLY_CONNECTED']);
    const plain = quantizeModel(float, calibration, 'net', { activations: 'int16' });
    r.corrections.forEach((c, k) => {
      const op = r.graph.ops.filter((o) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(o.kind))[k]!;
      const before = plain.tensors[op.inputs[2]!]!;
      const after = r.graph.tensors[op.inputs[2]!]!;
      expect([after.dtype, after.data!.byteLength]).toEqual(['int64', 8 * after.shape[0]!]);
      // each int64 bias moved by its channel's shift in bias steps: at most the largest shift, and not all by 0
      const moved = int64s(after).map((v, i) => Number(v - int64s(before)[i]!) * after.quant!.scales[after.quant!.scales.length === 1 ? 0 : i]!);
      for (const m of moved) expect(Math.abs(m)).toBeLessThanOrEqual(c.maxAbsShift * 1.001 + after.quant!.scales[0]!);
      expect(moved.some((m) => m !== 0)).toBe(true);
    });
    expect(compareQuantized(float, r.graph, held).top1Agreement).toBe(1);
  });
});

describe('16x8 single ops with fixed or shared output ranges, on every engine', () => {
  /** x[1,2,2,2] -> kind -> y, inputs in [-4, 4]. */
  const single = (kind: 'LOGISTIC' | 'TANH' | 'RELU' | 'RELU6' | 'LEAKY_RELU'): Graph => {
    const op = { kind, version: 1, inputs: [0], outputs: [1], attrs: kind === 'LEAKY_RELU' ? { alpha: 0.25 } : {}, params: null } as AnyOp;
    return { name: kind, description: '', tensors: [tensor(0, 'x', [1, 2, 2, 2]), tensor(1, 'y', [1, 2, 2, 2])], ops: [op], inputs: [0], outputs: [1], metadata: [], signatureDefs: [] };
  };
  const wide = (g: Graph, seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(g.tensors[0]!, mixSeed(seed, k), [-4, 4])]);
  for (const kind of ['LOGISTIC', 'TANH', 'RELU', 'RELU6', 'LEAKY_RELU'] as const) {
    it(`${kind}`, async () => {
      const float = single(kind);
      const q = readTflite(writeTflite(quantizeModel(float, wide(float, 3, 16), kind, { activations: 'int16' })));
      const op = q.ops.find((o) => o.kind === kind)!;
      const y = q.tensors[op.outputs[0]!]!;
      expect([y.dtype, y.quant!.zeroPoints]).toEqual(['int16', [0]]);
      expect(op.version).toBe(kind === 'LEAKY_RELU' ? 2 : 3);
      if (kind === 'LOGISTIC' || kind === 'TANH') expect(y.quant!.scales).toEqual([1 / 32768]);
      for (const sample of wide(float, 4, 2)) {
        const runs = await runOnEveryEngine(q, sample, hostCFor('quantize int16'));
        for (const [engine, outputs] of Object.entries(runs)) expect(outputs, engine).toEqual(runs.reference);
        const got = new Float32Array(runs.reference[0]!.slice().buffer);
        const want = new Float32Array(runReference(float, sample).outputs[0]!.slice().buffer);
        // input step 4/32767 and TFLM's int16 LUTs: a few 1e-4 (int8 would be 1/256 for LOGISTIC)
        got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${i}`).toBeLessThan(5e-4 * Math.max(1, Math.abs(want[i]!))));
      }
    }, 60_000);
  }
});

describe('16x8 refusals', () => {
  it('an op without an int16 kernel (MUL) is refused naming it and its node, before calibration', () => {
    const b = new FloatGraphBuilder(1);
    const x = b.dense('fc', b.flatten('flat', b.image(2, 2, 1)), 3, 'NONE');
    const g = b.finish('m', x).graph;
    const out = g.tensors.length;
    const mul = { kind: 'MUL', version: 1, inputs: [x, x], outputs: [out], attrs: { clamp: NO_CLAMP }, params: null } as AnyOp;
    const withMul: Graph = { ...g, tensors: [...g.tensors, { ...g.tensors[x]!, id: out, name: 'sq' }], ops: [...g.ops, mul], outputs: [out] };
    const node = withMul.ops.length - 1;
    const e = refusal(() => quantizeModel(withMul, [], 'm.tflite', { activations: 'int16' }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe(`m.tflite: no int16 kernel for MUL (MUL at node ${node}): --int16-activations cannot quantize it`);
    expect(e.details).toMatchObject({ kinds: ['MUL'], ops: [`MUL at node ${node}`] });
    // the same model quantizes to int8
    expect(quantizeModel(withMul, samplesFor(withMul, 1, 2), 'm.tflite').ops.find((op) => op.kind === 'MUL')).toBeDefined();
  });

  it('MAXIMUM, MINIMUM, RELU_N1_TO_1 and HARD_SWISH are refused too, all named with their nodes', () => {
    const x = tensor(0, 'x', [1, 4]);
    const ops = [
      { kind: 'RELU_N1_TO_1', version: 1, inputs: [0], outputs: [1], attrs: {}, params: null },
      { kind: 'HARD_SWISH', version: 1, inputs: [1], outputs: [2], attrs: {}, params: null },
      { kind: 'MAXIMUM', version: 1, inputs: [2, 0], outputs: [3], attrs: {}, params: null },
      { kind: 'MINIMUM', version: 1, inputs: [3, 0], outputs: [4], attrs: {}, params: null },
    ] as AnyOp[];
    const g: Graph = { name: 'g', description: '', tensors: [x, ...[1, 2, 3, 4].map((id) => tensor(id, `t${id}`, [1, 4]))], ops, inputs: [0], outputs: [4], metadata: [], signatureDefs: [] };
    const e = refusal(() => quantizeModel(g, [], 'g.tflite', { activations: 'int16' }));
    expect(e.message).toBe('g.tflite: no int16 kernel for RELU_N1_TO_1, HARD_SWISH, MAXIMUM, MINIMUM (RELU_N1_TO_1 at node 0, HARD_SWISH at node 1, MAXIMUM at node 2, …): --int16-activations cannot quantize it');
    expect(e.details).toMatchObject({ ops: ['RELU_N1_TO_1 at node 0', 'HARD_SWISH at node 1', 'MAXIMUM at node 2', 'MINIMUM at node 3'] });
  });
});

describe('16x8 data-movement and pooling ops quantized from float single-op graphs, on every engine', () => {
  const F = { dtype: 'float32' as const };
  const i32 = (values: number[]) => ({ shape: [values.length], dtype: 'int32' as const, values });
  const NO_PAD = { top: 0, bottom: 0, left: 0, right: 0 };
  const cases: Array<[string, () => Graph]> = [
    ['AVERAGE_POOL_2D', () => singleOpGraph('AVERAGE_POOL_2D', { filter: [2, 2], stride: [2, 2], pad: NO_PAD, clamp: NO_CLAMP }, [{ shape: [1, 4, 4, 2], ...F }], { shape: [1, 2, 2, 2], ...F })],
    ['MAX_POOL_2D', () => singleOpGraph('MAX_POOL_2D', { filter: [2, 2], stride: [1, 1], pad: NO_PAD, clamp: NO_CLAMP }, [{ shape: [1, 3, 3, 2], ...F }], { shape: [1, 2, 2, 2], ...F })],
    ['PAD', () => singleOpGraph('PAD', { paddings: [[0, 0], [1, 0], [0, 1], [0, 0]] }, [{ shape: [1, 2, 2, 2], ...F }, { shape: [4, 2], dtype: 'int32', values: [0, 0, 1, 0, 0, 1, 0, 0] }], { shape: [1, 3, 3, 2], ...F })],
    ['TRANSPOSE', () => singleOpGraph('TRANSPOSE', { perm: [0, 2, 1, 3] }, [{ shape: [1, 3, 4, 2], ...F }, i32([0, 2, 1, 3])], { shape: [1, 4, 3, 2], ...F })],
    ['RESIZE_NEAREST_NEIGHBOR', () => singleOpGraph('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false }, [{ shape: [1, 2, 3, 2], ...F }, i32([4, 6])], { shape: [1, 4, 6, 2], ...F })],
    // a float constant operand: quantized as an int16 activation over its own values (symmetric, zero point 0)
    ['SUB', () => singleOpGraph('SUB', { clamp: NO_CLAMP }, [{ shape: [1, 2, 2, 2], ...F }, { shape: [1, 1, 1, 2], ...F, values: [0.5, -1.25] }], { shape: [1, 2, 2, 2], ...F })],
    ['ADD', () => singleOpGraph('ADD', { clamp: [0, 6] }, [{ shape: [1, 2, 2, 2], ...F }, { shape: [1, 1, 1, 2], ...F, values: [0.5, -1.25] }], { shape: [1, 2, 2, 2], ...F })],
    ['RESHAPE', () => singleOpGraph('RESHAPE', {}, [{ shape: [1, 2, 2, 2], ...F }, i32([1, 8])], { shape: [1, 8], ...F })],
    ['SQUEEZE', () => singleOpGraph('SQUEEZE', {}, [{ shape: [1, 1, 4, 2], ...F }], { shape: [4, 2], ...F })],
    ['MEAN', () => singleOpGraph('MEAN', { axes: [1, 2], keepDims: true }, [{ shape: [1, 4, 4, 3], ...F }, i32([1, 2])], { shape: [1, 1, 1, 3], ...F })],
    [
      'STRIDED_SLICE',
      () =>
        singleOpGraph(
          'STRIDED_SLICE',
          { begin: [0, 1, 0, 0], end: [1, 3, 4, 2], strides: [1, 1, 2, 1], masks: { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false } },
          [{ shape: [1, 4, 4, 2], ...F }, i32([0, 1, 0, 0]), i32([1, 3, 4, 2]), i32([1, 1, 2, 1])],
          { shape: [1, 2, 2, 2], ...F },
        ),
    ],
  ];
  for (const [kind, make] of cases) {
    it(kind, async () => {
      const float = make();
      const wideSamples = (seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(float.tensors[float.inputs[0]!]!, mixSeed(seed, k), [-3, 3])]);
      const q = readTflite(writeTflite(quantizeModel(float, wideSamples(1, 8), kind, { activations: 'int16' })));
      const op = q.ops.find((o) => o.kind === kind)!;
      expect([q.tensors[op.inputs[0]!]!.dtype, q.tensors[op.outputs[0]!]!.dtype, q.tensors[op.outputs[0]!]!.quant!.zeroPoints]).toEqual(['int16', 'int16', [0]]);
      if (kind === 'SUB' || kind === 'ADD') {
        // the constant [0.5, -1.25]: scale 1.25/32767, values round(0.5 * 32767 / 1.25) = 13107, -32767
        const c = q.tensors[op.inputs[1]!]!;
        expect([c.dtype, c.quant!.scales, c.quant!.zeroPoints, [...new Int16Array(c.data!.slice().buffer)]]).toEqual(['int16', [f(1.25 / 32767)], [0], [13107, -32767]]);
        expect(op.version).toBe(kind === 'SUB' ? 5 : 3);
      }
      for (const sample of wideSamples(2, 2)) {
        const runs = await runOnEveryEngine(q, sample, hostCFor('quantize int16'));
        for (const [engine, outputs] of Object.entries(runs)) expect(outputs, engine).toEqual(runs.reference);
        const got = new Float32Array(runs.reference[0]!.slice().buffer);
        const want = new Float32Array(runReference(float, sample).outputs[0]!.slice().buffer);
        got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${i}`).toBeLessThan(3 * (3 / 32767)));
      }
    }, 60_000);
  }
});
