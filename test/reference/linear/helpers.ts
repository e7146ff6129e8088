// Builds small ops and tensors as plain objects, derives their params and runs the reference kernel.
import type { DType, Op, Tensor } from '../../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../../src/ir/ops.js';
import { linearDerivers, type LinearKind } from '../../../src/ir/params/linear.js';
import { linearKernels } from '../../../src/reference/ops/linear.js';
import type { TensorView, TypedArray } from '../../../src/reference/types.js';

export interface Spec {
  shape: number[];
  dtype?: DType; // default int8
  scale?: number | number[];
  zp?: number | number[];
  axis?: number;
  /** Element values; for constants they become the tensor's bytes, for activations the kernel's input. */
  values?: ArrayLike<number> | ArrayLike<bigint>;
  constant?: boolean;
  name?: string;
  noQuant?: boolean;
}

export function typedArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    default:
      throw new Error(`no typed array for ${dtype}`);
  }
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function fill(dtype: DType, shape: readonly number[], values?: ArrayLike<number> | ArrayLike<bigint>): TypedArray {
  const arr = typedArray(dtype, count(shape));
  if (values) {
    if (values.length !== arr.length) throw new Error(`got ${values.length} values for shape [${shape.join(',')}]`);
    for (let i = 0; i < arr.length; i++) (arr as unknown as { [i: number]: number | bigint })[i] = values[i]!;
  }
  return arr;
}

function toTensor(id: number, s: Spec): Tensor {
  const dtype = s.dtype ?? 'int8';
  const scales = s.scale === undefined ? [1] : Array.isArray(s.scale) ? s.scale : [s.scale];
  const zps = s.zp === undefined ? scales.map(() => 0) : Array.isArray(s.zp) ? s.zp : [s.zp];
  const quantized = !s.noQuant && (dtype === 'int8' || dtype === 'int32' || s.scale !== undefined);
  let data: Uint8Array | null = null;
  if (s.constant) {
    // Bytes from the values as given (their count may disagree with the shape, as in a broken file).
    const arr = fill(dtype, [s.values ? s.values.length : count(s.shape)], s.values);
    data = new Uint8Array(arr.buffer.slice(0));
  }
  return {
    id,
    name: s.name ?? `t${id}`,
    shape: s.shape,
    shapeSignature: null,
    dtype,
    quant: quantized ? { scales: scales.map(Math.fround), zeroPoints: zps, axis: s.axis ?? 0 } : null,
    data,
    isVariable: false,
  };
}

/** The op with its tensors (inputs first, in order, then the output); `null` = absent optional input. */
export function buildOp<K extends LinearKind>(kind: K, attrs: OpAttrs[K], inputs: Array<Spec | null>, output: Spec, index = 0) {
  const tensors: Tensor[] = [];
  const ids = inputs.map((s) => {
    if (!s) return -1;
    tensors.push(toTensor(tensors.length, s));
    return tensors.length - 1;
  });
  const outId = tensors.length;
  tensors.push(toTensor(outId, output));
  const base = { kind, version: 1, inputs: ids, outputs: [outId], attrs };
  const derive = linearDerivers[kind] as (ctx: { op: typeof base; index: number; tensors: Tensor[] }) => unknown;
  const params = derive({ op: base, index, tensors });
  return { op: { ...base, params } as unknown as Op<K>, tensors };
}

/** Derive params, run the kernel, return the output's elements (bigints for int64 outputs). */
export function runOp<K extends LinearKind>(kind: K, attrs: OpAttrs[K], inputs: Array<Spec | null>, output: Spec): ArrayLike<number> & Iterable<number> {
  const { op } = buildOp(kind, attrs, inputs, output);
  const views: Array<TensorView | null> = inputs.map((s) => (s ? { shape: s.shape, data: fill(s.dtype ?? 'int8', s.shape, s.values) } : null));
  const out: TensorView = { shape: output.shape, data: typedArray(output.dtype ?? 'int8', count(output.shape)) };
  (linearKernels[kind] as (op: Op<OpKind>, i: Array<TensorView | null>, o: TensorView[]) => void)(op as unknown as Op<OpKind>, views, [out]);
  return out.data as unknown as ArrayLike<number> & Iterable<number>;
}

export function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return {
    /** Integer in [lo, hi], inclusive. */
    int: (lo: number, hi: number) => lo + (next() % (hi - lo + 1)),
    float: (lo: number, hi: number) => lo + ((next() >>> 8) / 2 ** 24) * (hi - lo),
    int8s: (n: number, lo = -128, hi = 127) => Array.from({ length: n }, () => lo + (next() % (hi - lo + 1))),
  };
}

export const noPad = { top: 0, bottom: 0, left: 0, right: 0 };

/** At least `n` distinct values: guards invariant tests against comparing two saturated outputs. */
export function distinct(values: ArrayLike<number>): number {
  return new Set(Array.from(values)).size;
}
