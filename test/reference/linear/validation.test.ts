import { describe, expect, it } from 'vitest';
import { ModelFormatError, TinyforgeError, UnsupportedError } from '../../../src/errors.js';
import type { Op, Tensor } from '../../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../../src/ir/ops.js';
import { linearDerivers, type LinearKind } from '../../../src/ir/params/linear.js';
import { linearKernels } from '../../../src/reference/ops/linear.js';
import type { TensorView, TypedArray } from '../../../src/reference/types.js';
import { buildOp, fill, noPad, rng, typedArray, type Spec } from './helpers.js';

const q = { scale: 0.05, zp: 1 };
const full: [number, number] = [-128, 127];

function derive<K extends LinearKind>(kind: K, attrs: OpAttrs[K], inputs: Array<Spec | null>, output: Spec, index = 7) {
  return () => buildOp(kind, attrs, inputs, output, index);
}

const convAttrs = { stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number], pad: noPad, clamp: full };
const convInputs = (over: { input?: Partial<Spec>; filter?: Partial<Spec>; bias?: Partial<Spec> } = {}): Spec[] => [
  { shape: [1, 4, 4, 2], ...q, name: 'act_in', ...over.input },
  { shape: [3, 3, 3, 2], scale: 0.01, values: new Array(54).fill(1), constant: true, name: 'weights', ...over.filter },
  { shape: [3], dtype: 'int32', values: [1, 2, 3], constant: true, name: 'bias', ...over.bias },
];

describe('linear derivers refuse what the kernels do not implement', () => {
  it('names the op kind, the node index and the tensor', () => {
    const run = derive('CONV_2D', convAttrs, convInputs({ filter: { shape: [3, 3, 3, 4], values: new Array(108).fill(1) } }), { shape: [1, 2, 2, 3], ...q });
    expect(run).toThrow(ModelFormatError);
    expect(run).toThrow(/CONV_2D \(node 7\), tensor 'weights'/);
  });

  it('CONV_2D: dtype, quantization, bias, per-channel count, output shape', () => {
    const out = { shape: [1, 2, 2, 3], ...q };
    expect(derive('CONV_2D', convAttrs, convInputs(), out)).not.toThrow();
    expect(derive('CONV_2D', convAttrs, convInputs({ input: { dtype: 'float32', noQuant: true } }), out)).toThrow(UnsupportedError);
    expect(derive('CONV_2D', convAttrs, convInputs({ input: { noQuant: true, dtype: 'int8', scale: undefined } }), out)).toThrow(/quantization/);
    expect(derive('CONV_2D', convAttrs, convInputs({ bias: { shape: [2], values: [1, 2] } }), out)).toThrow(/bias has 2 elements/);
    expect(derive('CONV_2D', convAttrs, convInputs({ bias: { dtype: 'int8' } }), out)).toThrow(UnsupportedError);
    expect(derive('CONV_2D', convAttrs, convInputs({ filter: { scale: [0.1, 0.2] } }), out)).toThrow(/2 scales, expected 1 or 3/);
    expect(derive('CONV_2D', convAttrs, convInputs({ filter: { scale: [0.1, 0.2, 0.3], axis: 3 } }), out)).toThrow(/dimension 3/);
    expect(derive('CONV_2D', convAttrs, convInputs({ filter: { zp: 4 } }), out)).toThrow(/zero point/);
    // A computed filter (the arena tensor a DECODE of LUT-compressed weights fills) is accepted; a variable is not.
    expect(derive('CONV_2D', convAttrs, convInputs({ filter: { constant: false } }), out)).not.toThrow();
    expect(derive('CONV_2D', convAttrs, convInputs(), { shape: [1, 3, 2, 3], ...q })).toThrow(/shape \[1,3,2,3\] differs from the expected \[1,2,2,3\]/);
    expect(derive('CONV_2D', { ...convAttrs, stride: [0, 1] }, convInputs(), out)).toThrow(/strides/);
    expect(derive('CONV_2D', { ...convAttrs, clamp: [5, 2] }, convInputs(), out)).toThrow(/clamp/);
    expect(derive('CONV_2D', convAttrs, convInputs(), { ...out, zp: 300 })).toThrow(/zero point/);
  });

  it('constant data must match the shape (a truncated buffer)', () => {
    const { tensors } = buildOp('CONV_2D', convAttrs, convInputs(), { shape: [1, 2, 2, 3], ...q });
    const bad = tensors.map((t) => (t.name === 'weights' ? { ...t, data: t.data!.subarray(0, 10) } : t));
    const op = { kind: 'CONV_2D' as const, version: 1, inputs: [0, 1, 2], outputs: [3], attrs: convAttrs };
    expect(() => linearDerivers.CONV_2D({ op, index: 3, tensors: bad })).toThrow(/constant data is 10 bytes/);
    expect(() => linearDerivers.CONV_2D({ op: { ...op, inputs: [0, 9, 2] }, index: 3, tensors: bad })).toThrow(/tensor 9, which does not exist/);
  });

  it('DEPTHWISE_CONV_2D: channels must equal input depth x multiplier', () => {
    const attrs = { ...convAttrs, depthMultiplier: 2 };
    const inputs: Array<Spec | null> = [
      { shape: [1, 4, 4, 2], ...q },
      { shape: [1, 3, 3, 4], scale: [0.1, 0.1, 0.1, 0.1], axis: 3, values: new Array(36).fill(1), constant: true },
      null,
    ];
    expect(derive('DEPTHWISE_CONV_2D', attrs, inputs, { shape: [1, 2, 2, 4], ...q })).not.toThrow();
    expect(derive('DEPTHWISE_CONV_2D', { ...attrs, depthMultiplier: 1 }, inputs, { shape: [1, 2, 2, 4], ...q })).toThrow(/depth multiplier/);
    expect(derive('DEPTHWISE_CONV_2D', attrs, [inputs[0]!, { ...inputs[1]!, axis: 0 }, null], { shape: [1, 2, 2, 4], ...q })).toThrow(/dimension 0 of shape \[1,3,3,4\], which does not have 4 entries/);
  });

  it('FULLY_CONNECTED: rows, output shape and the bias scale check', () => {
    const w: Spec = { shape: [2, 4], scale: 0.5, values: new Array(8).fill(1), constant: true };
    const attrs = { clamp: full, keepNumDims: false };
    expect(derive('FULLY_CONNECTED', attrs, [{ shape: [3, 4], ...q }, w, null], { shape: [3, 2], ...q })).not.toThrow();
    expect(derive('FULLY_CONNECTED', attrs, [{ shape: [1, 5], ...q }, w, null], { shape: [1, 2], ...q })).toThrow(/whole number of rows/);
    expect(derive('FULLY_CONNECTED', attrs, [{ shape: [3, 4], ...q }, w, null], { shape: [1, 6], ...q })).toThrow(/differs from the expected \[3,2\]/);
    const bias: Spec = { shape: [2], dtype: 'int32', scale: 1, values: [0, 0], constant: true };
    expect(derive('FULLY_CONNECTED', attrs, [{ shape: [1, 4], ...q }, w, bias], { shape: [1, 2], ...q })).toThrow(/bias scale/);
  });

  it('pooling: shared quantization, empty windows for AVERAGE_POOL_2D', () => {
    const attrs = { filter: [2, 2] as [number, number], stride: [2, 2] as [number, number], pad: noPad, clamp: full };
    expect(derive('AVERAGE_POOL_2D', attrs, [{ shape: [1, 4, 4, 1], ...q }], { shape: [1, 2, 2, 1], ...q })).not.toThrow();
    expect(derive('AVERAGE_POOL_2D', attrs, [{ shape: [1, 4, 4, 1], ...q }], { shape: [1, 2, 2, 1], scale: 0.06, zp: 1 })).toThrow(UnsupportedError);
    const padded = { ...attrs, pad: { top: 0, bottom: 2, left: 0, right: 0 } };
    expect(derive('AVERAGE_POOL_2D', padded, [{ shape: [1, 4, 4, 1], ...q }], { shape: [1, 3, 2, 1], ...q })).toThrow(/without any input pixel/);
    expect(derive('MAX_POOL_2D', padded, [{ shape: [1, 4, 4, 1], ...q }], { shape: [1, 3, 2, 1], ...q })).not.toThrow();
  });

  it('ADD/MUL: broadcastable shapes, broadcast rank, output multiplier range', () => {
    expect(derive('ADD', { clamp: full }, [{ shape: [2, 3], ...q }, { shape: [3], ...q }], { shape: [2, 3], ...q })).not.toThrow();
    expect(derive('ADD', { clamp: full }, [{ shape: [2, 3], ...q }, { shape: [2], ...q }], { shape: [2, 3], ...q })).toThrow(/not broadcastable/);
    expect(derive('ADD', { clamp: full }, [{ shape: [2, 3], ...q }, { shape: [3], ...q }], { shape: [3], ...q })).toThrow(/expected \[2,3\]/);
    const five = [1, 2, 1, 2, 2];
    expect(derive('MUL', { clamp: full }, [{ shape: five, ...q }, { shape: [2], ...q }], { shape: five, ...q })).toThrow(/up to 4-D/);
    expect(derive('ADD', { clamp: full }, [{ shape: five, ...q }, { shape: [2], ...q }], { shape: five, ...q })).not.toThrow();
    // real output multiplier 2 * 0.05 / (2^20 * 1e-9) >= 1: TFLM's QuantizeMultiplierSmallerThanOneExp refuses it.
    expect(derive('ADD', { clamp: full }, [{ shape: [2], ...q }, { shape: [2], ...q }], { shape: [2], scale: 1e-9, zp: 0 })).toThrow(/output multiplier/);
  });

  it('layout ops: permutation, paddings, element counts, slices, concatenation dims, resize size', () => {
    const t: Spec = { shape: [2, 3], ...q };
    expect(derive('TRANSPOSE', { perm: [1, 1] }, [t], { shape: [3, 2], ...q })).toThrow(/not a permutation/);
    expect(derive('TRANSPOSE', { perm: [1, 0] }, [t], { shape: [2, 3], ...q })).toThrow(/expected \[3,2\]/);
    expect(derive('PAD', { paddings: [[0, -1], [0, 0]] }, [t], { shape: [1, 3], ...q })).toThrow(/non-negative/);
    expect(derive('PAD', { paddings: [[1, 0]] }, [t], { shape: [3, 3], ...q })).toThrow(/padding pairs/);
    expect(derive('RESHAPE', {}, [t], { shape: [7], ...q })).toThrow(/different number of elements/);
    expect(derive('RESHAPE', {}, [t], { shape: [6], dtype: 'int16', noQuant: true })).toThrow(/dtype/);
    const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };
    expect(derive('STRIDED_SLICE', { begin: [0, 0], end: [2, 4], strides: [1, 1], masks }, [t], { shape: [2, 4], ...q })).toThrow(/reaches outside/);
    expect(derive('STRIDED_SLICE', { begin: [0, 0], end: [2, 3], strides: [1, 0], masks }, [t], { shape: [2, 3], ...q })).toThrow(/not a valid slice/);
    expect(derive('STRIDED_SLICE', { begin: [0, 2], end: [2, -1], strides: [1, -1], masks }, [t], { shape: [2, 3], ...q })).not.toThrow();
    expect(derive('CONCATENATION', { axis: 1, clamp: full }, [t, { shape: [3, 1], ...q }], { shape: [2, 4], ...q })).toThrow(/outside axis 1/);
    expect(derive('CONCATENATION', { axis: 1, clamp: full }, [t, { shape: [2, 1], ...q }], { shape: [2, 5], ...q })).toThrow(/add up to 4/);
    expect(derive('CONCATENATION', { axis: 1, clamp: [0, 127] }, [t, { shape: [2, 1], ...q }], { shape: [2, 4], ...q })).toThrow(UnsupportedError);
    const img: Spec = { shape: [1, 2, 2, 1], ...q };
    expect(derive('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false }, [img, { shape: [2], dtype: 'int32', values: [4, 4], constant: true }], { shape: [1, 4, 3, 1], ...q })).toThrow(/expected \[1,4,4,1\]/);
    expect(derive('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false }, [img, { shape: [2], dtype: 'int32' }], { shape: [1, 4, 4, 1], ...q })).toThrow(/constant/);
  });
});

// ---- A mutated model must never make a kernel read or write out of bounds. ----

/** A view whose element reads and writes throw outside [0, length). */
function guarded(data: TypedArray): TypedArray {
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string' && prop !== '' && !Number.isNaN(Number(prop))) {
        const i = Number(prop);
        if (!Number.isInteger(i) || i < 0 || i >= target.length) throw new RangeError(`read at ${prop} of ${target.length}`);
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    set(target, prop, value) {
      if (typeof prop === 'string' && !Number.isNaN(Number(prop))) {
        const i = Number(prop);
        if (!Number.isInteger(i) || i < 0 || i >= target.length) throw new RangeError(`write at ${prop} of ${target.length}`);
      }
      return Reflect.set(target, prop, value, target);
    },
  });
}

interface Template<K extends LinearKind> {
  kind: K;
  attrs: OpAttrs[K];
  inputs: Array<Spec | null>;
  output: Spec;
}

const sliceMasks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };
const templates: Array<Template<LinearKind>> = [
  { kind: 'CONV_2D', attrs: { ...convAttrs, pad: { top: 1, bottom: 1, left: 1, right: 1 } }, inputs: convInputs(), output: { shape: [1, 4, 4, 3], ...q } },
  {
    kind: 'DEPTHWISE_CONV_2D',
    attrs: { ...convAttrs, depthMultiplier: 2 },
    inputs: [{ shape: [1, 5, 5, 2], ...q }, { shape: [1, 3, 3, 4], scale: 0.1, values: new Array(36).fill(2), constant: true }, { shape: [4], dtype: 'int32', values: [1, 2, 3, 4], constant: true }],
    output: { shape: [1, 3, 3, 4], ...q },
  },
  { kind: 'FULLY_CONNECTED', attrs: { clamp: full, keepNumDims: false }, inputs: [{ shape: [2, 4], ...q }, { shape: [3, 4], scale: 0.1, values: new Array(12).fill(1), constant: true }, null], output: { shape: [2, 3], ...q } },
  { kind: 'AVERAGE_POOL_2D', attrs: { filter: [2, 2], stride: [2, 2], pad: { top: 0, bottom: 1, left: 0, right: 1 }, clamp: full }, inputs: [{ shape: [1, 5, 5, 2], ...q }], output: { shape: [1, 3, 3, 2], ...q } },
  { kind: 'MAX_POOL_2D', attrs: { filter: [3, 3], stride: [1, 1], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: full }, inputs: [{ shape: [1, 4, 4, 2], ...q }], output: { shape: [1, 4, 4, 2], ...q } },
  { kind: 'ADD', attrs: { clamp: full }, inputs: [{ shape: [2, 3, 4], ...q }, { shape: [3, 1], ...q }], output: { shape: [2, 3, 4], ...q } },
  { kind: 'MUL', attrs: { clamp: full }, inputs: [{ shape: [2, 3, 4], ...q }, { shape: [4], ...q }], output: { shape: [2, 3, 4], ...q } },
  { kind: 'CONCATENATION', attrs: { axis: 1, clamp: full }, inputs: [{ shape: [2, 3, 2], ...q }, { shape: [2, 1, 2], ...q }], output: { shape: [2, 4, 2], ...q } },
  { kind: 'PAD', attrs: { paddings: [[0, 0], [1, 2], [2, 1]] }, inputs: [{ shape: [1, 3, 3], ...q }], output: { shape: [1, 6, 6], ...q } },
  { kind: 'TRANSPOSE', attrs: { perm: [0, 2, 3, 1] }, inputs: [{ shape: [1, 2, 3, 4], ...q }], output: { shape: [1, 3, 4, 2], ...q } },
  { kind: 'RESHAPE', attrs: {}, inputs: [{ shape: [2, 6], ...q }], output: { shape: [3, 4], ...q } },
  { kind: 'STRIDED_SLICE', attrs: { begin: [0, 4], end: [2, 0], strides: [1, -2], masks: sliceMasks }, inputs: [{ shape: [2, 5], ...q }], output: { shape: [2, 2], ...q } },
  {
    kind: 'RESIZE_NEAREST_NEIGHBOR',
    attrs: { alignCorners: true, halfPixelCenters: false },
    inputs: [{ shape: [1, 3, 2, 2], ...q }, { shape: [2], dtype: 'int32', values: [5, 3], constant: true }],
    output: { shape: [1, 5, 3, 2], ...q },
  },
];

function mutate(t: Template<LinearKind>, r: ReturnType<typeof rng>): Template<LinearKind> {
  const copy = structuredClone(t);
  const specs = [...copy.inputs.filter((s): s is Spec => s !== null), copy.output];
  if (r.int(0, 2) > 0) {
    const s = specs[r.int(0, specs.length - 1)]!;
    if (s.shape.length === 0) return copy;
    const d = r.int(0, s.shape.length - 1);
    s.shape[d] = r.int(0, 2) === 0 ? r.int(0, 6) : Math.max(0, s.shape[d]! + (r.int(0, 1) ? 1 : -1));
    // Half the time keep constant data consistent with the new shape (a well-formed but wrong file).
    if (s.constant && s.values && r.int(0, 1)) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      s.values = Array.from({ length: n }, (_, i) => (i % 5) + 1);
    }
  } else {
    // Mutate one numeric attribute somewhere in the attrs.
    const numbers: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const walk = (o: unknown) => {
      if (Array.isArray(o)) o.forEach((v, i) => (typeof v === 'number' ? numbers.push([o, i]) : walk(v)));
      else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) typeof v === 'number' ? numbers.push([o as Record<string, unknown>, k]) : walk(v);
    };
    walk(copy.attrs);
    if (numbers.length === 0) return copy;
    const [holder, key] = numbers[r.int(0, numbers.length - 1)]!;
    (holder as Record<string | number, number>)[key] = r.int(-2, 6);
  }
  return copy;
}

describe('mutated ops never index out of bounds', () => {
  it('every mutation is either refused with a TinyforgeError or runs within bounds', () => {
    const r = rng(2024);
    let accepted = 0, refused = 0;
    for (let iter = 0; iter < 3000; iter++) {
      const t = mutate(templates[iter % templates.length]!, r);
      let op: Op<OpKind>;
      try {
        op = buildOp(t.kind, t.attrs, t.inputs, t.output, iter).op as unknown as Op<OpKind>;
      } catch (e) {
        if (!(e instanceof TinyforgeError)) throw e;
        expect(e.message).toContain(`${t.kind} (node ${iter})`);
        refused++;
        continue;
      }
      accepted++;
      const views: Array<TensorView | null> = t.inputs.map((s) => {
        if (!s) return null;
        const n = s.shape.reduce((a, b) => a * b, 1);
        const given = s.values && s.values.length === n ? s.values : undefined;
        const data = fill(s.dtype ?? 'int8', s.shape, given);
        for (let i = 0; i < data.length && !given; i++) (data as Int8Array)[i] = ((i * 37) % 255) - 127;
        return { shape: s.shape, data: guarded(data) };
      });
      const n = t.output.shape.reduce((a, b) => a * b, 1);
      const out: TensorView = { shape: t.output.shape, data: guarded(typedArray(t.output.dtype ?? 'int8', n)) };
      (linearKernels[t.kind] as (op: Op<OpKind>, i: Array<TensorView | null>, o: TensorView[]) => void)(op, views, [out]);
    }
    // Both paths must actually be exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });
});

// Keep the Tensor type import used for readers of this file (tensors are plain data).
export type { Tensor };
