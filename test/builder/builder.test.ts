import { describe, expect, it } from 'vitest';
import { ModelBuilder, quantForRange, type TensorHandle } from '../../src/builder/index.js';
import { UsageError } from '../../src/errors.js';
import type { Graph } from '../../src/ir/graph.js';
import { activationClamp } from '../../src/ir/quant.js';

const Q = { scale: 1 / 128, zeroPoint: 0 };

function oneConv(size: [number, number], conv: { kernel: number; stride?: number; padding?: 'same' | 'valid'; activation?: 'none' | 'relu' | 'relu6' }): Graph {
  const b = new ModelBuilder({ name: 'one-conv', seed: 7 });
  const x = b.input('x', [1, size[0], size[1], 3], Q);
  b.output(b.conv2d(x, { name: 'c', filters: 4, ...conv }));
  return b.build();
}

describe('ModelBuilder: a one-conv model by hand', () => {
  it('SAME stride 1 keeps the size and pads symmetrically', () => {
    const g = oneConv([9, 7], { kernel: 3, padding: 'same' });
    const op = g.ops[0]!;
    expect(op.kind).toBe('CONV_2D');
    expect(op.version).toBe(3);
    expect(g.tensors[op.outputs[0]!]!.shape).toEqual([1, 9, 7, 4]);
    if (op.kind !== 'CONV_2D') throw new Error();
    expect(op.attrs.pad).toEqual({ top: 1, bottom: 1, left: 1, right: 1 });
    expect(op.attrs.stride).toEqual([1, 1]);
    expect(op.attrs.clamp).toEqual([-128, 127]);
  });

  it('SAME stride 2 rounds up and puts the odd pixel after', () => {
    const g = oneConv([10, 9], { kernel: 3, stride: 2, padding: 'same' });
    const op = g.ops[0]!;
    if (op.kind !== 'CONV_2D') throw new Error();
    expect(g.tensors[op.outputs[0]!]!.shape).toEqual([1, 5, 5, 4]);
    // height: (5-1)*2+3-10 = 1 -> 0 before, 1 after; width: (5-1)*2+3-9 = 2 -> 1, 1
    expect(op.attrs.pad).toEqual({ top: 0, bottom: 1, left: 1, right: 1 });
  });

  it('VALID stride 2 shrinks and has no pads', () => {
    const g = oneConv([10, 9], { kernel: 3, stride: 2, padding: 'valid' });
    const op = g.ops[0]!;
    if (op.kind !== 'CONV_2D') throw new Error();
    expect(g.tensors[op.outputs[0]!]!.shape).toEqual([1, 4, 4, 4]);
    expect(op.attrs.pad).toEqual({ top: 0, bottom: 0, left: 0, right: 0 });
  });

  it('lays out tensors as TFLite: input, filter OHWI per-channel axis 0, bias int32 with scale in x w', () => {
    const g = oneConv([8, 8], { kernel: 3, activation: 'relu6' });
    expect(g.tensors.map((t) => t.name)).toEqual(['x', 'c/filter', 'c/bias', 'c']);
    expect(g.tensors.map((t) => t.id)).toEqual([0, 1, 2, 3]);
    expect(g.inputs).toEqual([0]);
    expect(g.outputs).toEqual([3]);
    const op = g.ops[0]!;
    expect(op.inputs).toEqual([0, 1, 2]);
    const [x, w, bias, y] = g.tensors as [Graph['tensors'][0], Graph['tensors'][0], Graph['tensors'][0], Graph['tensors'][0]];
    expect(x.quant).toEqual({ scales: [Math.fround(1 / 128)], zeroPoints: [0], axis: 0 });
    expect(w.shape).toEqual([4, 3, 3, 3]);
    expect(w.dtype).toBe('int8');
    expect(w.quant!.axis).toBe(0);
    expect(w.quant!.scales).toHaveLength(4);
    expect(w.quant!.zeroPoints).toEqual([0, 0, 0, 0]);
    // Symmetric: each output channel reaches +-127 and never -128.
    const q = new Int8Array(w.data!.buffer, w.data!.byteOffset, w.data!.byteLength);
    for (let o = 0; o < 4; o++) {
      const ch = Array.from(q.subarray(o * 27, (o + 1) * 27));
      expect(Math.max(...ch.map(Math.abs))).toBe(127);
      expect(Math.min(...ch)).toBeGreaterThanOrEqual(-127);
    }
    expect(bias.dtype).toBe('int32');
    expect(bias.shape).toEqual([4]);
    expect(bias.quant!.zeroPoints).toEqual([0, 0, 0, 0]);
    bias.quant!.scales.forEach((s, c) => expect(s).toBe(Math.fround(Math.fround(1 / 128) * w.quant!.scales[c]!)));
    for (const s of [...w.quant!.scales, ...bias.quant!.scales, ...y.quant!.scales]) expect(Math.fround(s)).toBe(s);
    // ReLU6 output: zero point at the bottom of the range, clamp from activationClamp.
    expect(y.quant!.zeroPoints).toEqual([-128]);
    if (op.kind !== 'CONV_2D') throw new Error();
    expect(op.attrs.clamp).toEqual(activationClamp('RELU6', y.quant!.scales[0]!, -128, [-128, 127]));
    expect(op.params!.multiplier).toHaveLength(4);
    expect(op.params!.inputOffset + 0).toBe(0);
    expect(op.params!.outputOffset).toBe(-128);
  });

  it('depthwise filters are [1,H,W,C*M] quantized per channel along axis 3', () => {
    const b = new ModelBuilder({ name: 'dw', seed: 1 });
    const x = b.input('x', [1, 6, 6, 3], Q);
    const y = b.depthwiseConv2d(x, { name: 'dw', kernel: [3, 2], depthMultiplier: 2, stride: [2, 1], activation: 'relu' });
    expect(y.shape).toEqual([1, 3, 6, 6]);
    b.output(y);
    const g = b.build();
    const w = g.tensors[1]!;
    expect(w.shape).toEqual([1, 3, 2, 6]);
    expect(w.quant!.axis).toBe(3);
    expect(w.quant!.scales).toHaveLength(6);
    const op = g.ops[0]!;
    if (op.kind !== 'DEPTHWISE_CONV_2D') throw new Error();
    expect(op.attrs.depthMultiplier).toBe(2);
    expect(op.version).toBe(3);
  });

  it('quantForRange is TFLite post-training min/max quantization', () => {
    expect(quantForRange(0, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    const q = quantForRange(-1, 1);
    expect(q.scale).toBe(Math.fround(2 / 255));
    expect(q.zeroPoint).toBe(-1); // -128 + 127.5 = -0.5 rounds half away from zero, as std::round
  });
});

describe('ModelBuilder: parameter tensors and fixed quantization', () => {
  it('RESHAPE, PAD and MEAN carry their parameters as constant int32 tensors', () => {
    const b = new ModelBuilder({ name: 'params', seed: 3 });
    const x = b.input('x', [1, 4, 4, 2], Q);
    const p = b.pad(x, [[0, 0], [1, 1], [0, 1], [0, 0]], { name: 'p' });
    expect(p.shape).toEqual([1, 6, 5, 2]);
    const m = b.mean(p, { name: 'm', axes: [2, -3] });
    expect(m.shape).toEqual([1, 2]);
    const r = b.reshape(m, [-1], { name: 'r' });
    expect(r.shape).toEqual([2]);
    b.output(b.softmax(r, { name: 's' }));
    const g = b.build();
    const ints = (id: number) => Array.from(new Int32Array(g.tensors[id]!.data!.slice().buffer));
    const [pad, mean, reshape, softmax] = g.ops;
    expect(pad!.kind).toBe('PAD');
    expect(ints(pad!.inputs[1]!)).toEqual([0, 0, 1, 1, 0, 1, 0, 0]);
    expect(g.tensors[pad!.inputs[1]!]!.shape).toEqual([4, 2]);
    expect(g.tensors[pad!.outputs[0]!]!.quant).toEqual(g.tensors[0]!.quant);
    expect(mean!.kind).toBe('MEAN');
    expect(ints(mean!.inputs[1]!)).toEqual([2, 1]);
    if (mean!.kind !== 'MEAN') throw new Error();
    expect(mean!.attrs).toEqual({ axes: [1, 2], keepDims: false });
    expect(reshape!.kind).toBe('RESHAPE');
    expect(ints(reshape!.inputs[1]!)).toEqual([2]);
    expect(g.tensors[softmax!.outputs[0]!]!.quant).toEqual({ scales: [1 / 256], zeroPoints: [-128], axis: 0 });
    expect(g.ops.map((o) => o.version)).toEqual([2, 2, 1, 2]);
    for (const t of g.tensors) if (t.data && t.dtype === 'int32' && !t.quant) expect(t.data.byteLength % 4).toBe(0);
  });

  it('pools keep the input quantization; concatenation of equal quantizations shares it', () => {
    const b = new ModelBuilder({ name: 'pool', seed: 4 });
    const x = b.input('x', [1, 7, 7, 2], Q);
    const a = b.averagePool2d(x, { pool: 2, padding: 'same' });
    const m = b.maxPool2d(x, { pool: 3, stride: 2 });
    expect(a.shape).toEqual([1, 4, 4, 2]);
    expect(m.shape).toEqual([1, 3, 3, 2]);
    const c = b.concatenation([b.maxPool2d(x, { pool: 2, padding: 'same' }), a], { axis: -1 });
    expect(c.shape).toEqual([1, 4, 4, 4]);
    b.output(c);
    b.output(m);
    const g = b.build();
    const concat = g.ops.find((o) => o.kind === 'CONCATENATION')!;
    if (concat.kind !== 'CONCATENATION') throw new Error();
    expect(concat.attrs.axis).toBe(3);
    expect(concat.params!.inputs).toEqual([null, null]);
    expect(g.outputs).toHaveLength(2);
  });

  it('float edges: QUANTIZE in, DEQUANTIZE out', () => {
    const b = new ModelBuilder({ name: 'edges', seed: 5 });
    const x = b.floatInput('x', [1, 8], [-2, 2]);
    const q = b.quantize(x, { name: 'q' });
    const y = b.fullyConnected(q, { units: 3, activation: 'relu' });
    const l = b.logistic(y);
    b.output(b.dequantize(l, { name: 'out' }));
    const g = b.build();
    expect(g.ops.map((o) => `${o.kind}/${o.version}`)).toEqual(['QUANTIZE/1', 'FULLY_CONNECTED/4', 'LOGISTIC/2', 'DEQUANTIZE/2']);
    expect(g.tensors[0]!.dtype).toBe('float32');
    expect(g.tensors[0]!.quant).toBeNull();
    const qt = g.tensors[g.ops[0]!.outputs[0]!]!;
    // Calibrated on samples spanning [-2, 2]: the scale covers about 4 / 255.
    expect(qt.quant!.scales[0]!).toBeGreaterThan(3 / 255);
    expect(qt.quant!.scales[0]!).toBeLessThan(4.01 / 255);
    expect(g.tensors[g.outputs[0]!]!.dtype).toBe('float32');
    const fc = g.tensors[g.ops[1]!.inputs[1]!]!;
    expect(fc.shape).toEqual([3, 8]);
    expect(fc.quant!.scales).toHaveLength(1);
  });
});

describe('ModelBuilder: argument errors name the layer', () => {
  const fresh = () => {
    const b = new ModelBuilder({ name: 'err', seed: 1 });
    return { b, x: b.input('x', [1, 5, 5, 3], Q) };
  };
  const cases: Array<[string, (b: ModelBuilder, x: TensorHandle) => unknown, RegExp]> = [
    ['kernel larger than a VALID input', (b, x) => b.conv2d(x, { name: 'big', filters: 2, kernel: 7, padding: 'valid' }), /conv2d "big".*does not fit input height 5/],
    ['zero filters', (b, x) => b.conv2d(x, { name: 'zero', filters: 0, kernel: 1 }), /conv2d "zero": filters must be a positive integer/],
    ['fractional stride', (b, x) => b.conv2d(x, { name: 's', filters: 1, kernel: 1, stride: 1.5 }), /conv2d "s": stride must be a positive integer/],
    ['bad padding', (b, x) => b.conv2d(x, { name: 'p', filters: 1, kernel: 1, padding: 'full' as 'same' }), /conv2d "p": padding must be 'same' or 'valid'/],
    ['bad activation', (b, x) => b.conv2d(x, { name: 'a', filters: 1, kernel: 1, activation: 'tanh' as 'relu' }), /conv2d "a": activation must be/],
    ['dilated kernel too big', (b, x) => b.depthwiseConv2d(x, { name: 'dw', kernel: 3, dilation: 3, padding: 'valid' }), /depthwiseConv2d "dw".*window of 7/],
    ['depth multiplier 0', (b, x) => b.depthwiseConv2d(x, { name: 'dm', kernel: 3, depthMultiplier: 0 }), /depthwiseConv2d "dm": depthMultiplier/],
    ['wrong explicit weights', (b, x) => b.fullyConnected(x, { name: 'fc', units: 2, weights: [1, 2, 3] }), /fullyConnected "fc": weights need 6 values/],
    ['pool too large', (b, x) => b.maxPool2d(x, { name: 'mp', pool: 6 }), /maxPool2d "mp".*does not fit/],
    ['non-broadcasting add', (b, x) => b.add(x, b.reshape(x, [1, 75]), { name: 'sum' }), /add "sum": shapes \[1,5,5,3\] and \[1,75\] do not broadcast/],
    ['bad reshape', (b, x) => b.reshape(x, [2, -1], { name: 'r' }), /reshape "r": cannot reshape \[1,5,5,3\]/],
    ['mean axis out of range', (b, x) => b.mean(x, { name: 'm', axes: [4] }), /mean "m": axis 4 is out of range/],
    ['pad rank mismatch', (b, x) => b.pad(x, [[1, 1]], { name: 'pd' }), /pad "pd": paddings need one/],
    ['concat shape mismatch', (b, x) => b.concatenation([x, b.maxPool2d(x, { pool: 2 })], { name: 'cat', axis: 3 }), /concatenation "cat": input shapes/],
    ['foreign tensor', (b) => b.conv2d(new ModelBuilder({ name: 'o', seed: 1 }).input('y', [1, 2, 2, 1], Q), { name: 'f', filters: 1, kernel: 1 }), /conv2d "f": input is not a tensor made by this builder/],
    ['conv on rank 2', (b, x) => b.conv2d(b.reshape(x, [1, 75]), { name: 'r2', filters: 1, kernel: 1 }), /conv2d "r2".*expected rank 4/],
    ['duplicate name', (b, x) => (b.conv2d(x, { name: 'dup', filters: 1, kernel: 1 }), b.conv2d(x, { name: 'dup', filters: 1, kernel: 1 })), /conv2d "dup": a layer of that name already exists/],
    ['bad input quant', (b) => b.input('y', [1, 2], { scale: 0, zeroPoint: 0 }), /input "y": scale must be a positive number/],
    ['dequantize a float', (b) => b.dequantize(b.floatInput('f', [1, 2], [0, 1]), { name: 'dq' }), /dequantize "dq": input "f" is float32, expected int8/],
  ];
  for (const [what, f, message] of cases) {
    it(what, () => {
      const { b, x } = fresh();
      let err: unknown;
      try {
        f(b, x);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe('E_USAGE');
      expect((err as Error).message).toMatch(message);
    });
  }

  it('build needs an output and refuses layers afterwards', () => {
    const { b, x } = fresh();
    expect(() => b.build()).toThrow(/needs at least one output/);
    b.output(x);
    expect(() => b.output(x)).toThrow(UsageError);
    b.build();
    expect(() => b.conv2d(x, { filters: 1, kernel: 1 })).toThrow(/conv2d after build/);
  });
});

describe('ModelBuilder: the usage example', () => {
  it('builds the documented tiny model', () => {
    const b = new ModelBuilder({ name: 'tiny', seed: 1 });
    const x = b.input('x', [1, 32, 32, 3], { scale: 1 / 128, zeroPoint: 0 });
    let h = b.conv2d(x, { filters: 8, kernel: 3, stride: 2, activation: 'relu6' });
    h = b.depthwiseConv2d(h, { kernel: 3, activation: 'relu6' });
    h = b.mean(h);
    expect(h.shape).toEqual([1, 8]);
    b.output(b.softmax(b.fullyConnected(h, { units: 2 })));
    const g = b.build();
    expect(g.ops.map((o) => o.kind)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX']);
    expect(g.tensors[g.outputs[0]!]!.shape).toEqual([1, 2]);
  });
});

describe('ModelBuilder: CONCATENATION shares one quantization', () => {
  it('requantizes inputs whose quantization differs, so the byte-copying kernel is exact', () => {
    const b = new ModelBuilder({ name: 'cat', seed: 9 });
    const x = b.input('x', [1, 4, 4, 2], Q);
    const a = b.conv2d(x, { name: 'a', filters: 3, kernel: 1, activation: 'relu' });
    const c = b.conv2d(x, { name: 'c', filters: 2, kernel: 3 });
    const cat = b.concatenation([a, c, a], { name: 'cat', axis: 3 });
    expect(cat.shape).toEqual([1, 4, 4, 8]);
    b.output(cat);
    const g = b.build();
    const concat = g.ops[g.ops.length - 1]!;
    expect(concat.kind).toBe('CONCATENATION');
    const outQ = g.tensors[concat.outputs[0]!]!.quant;
    for (const id of concat.inputs) expect(g.tensors[id]!.quant).toEqual(outQ);
    const requants = g.ops.filter((o) => o.kind === 'QUANTIZE');
    expect(requants.length).toBeGreaterThanOrEqual(2);
    expect(requants.map((o) => g.tensors[o.outputs[0]!]!.name)).toContain('cat/requantize_0');
    expect(() => {
      const b2 = new ModelBuilder({ name: 'cat2', seed: 9 });
      const y = b2.input('y', [1, 2], Q);
      b2.concatenation([y, y], { name: 'fused', axis: 1, activation: 'relu' } as Parameters<ModelBuilder['concatenation']>[1]);
    }).toThrow(/concatenation "fused": a fused activation is not supported/);
  });
});
