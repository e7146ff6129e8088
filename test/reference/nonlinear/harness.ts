// Builds single-op graphs for the nonlinear kernels: tensors, the deriver's params, typed views.
import type { DType, Op, Quantization, Tensor } from '../../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../../src/ir/ops.js';
import { nonlinearDerivers, type NonlinearKind } from '../../../src/ir/params/nonlinear.js';
import type { ParamDeriver } from '../../../src/ir/params/types.js';
import { nonlinearKernels } from '../../../src/reference/ops/nonlinear.js';
import type { RefKernel, TensorView, TypedArray } from '../../../src/reference/types.js';

export interface TensorSpec {
  shape: number[];
  dtype: DType;
  /** [scale, zeroPoint], or null for an unquantized tensor. */
  q?: [number, number] | null;
  data?: Uint8Array | null;
  name?: string;
}

export function quant(scale: number, zeroPoint: number): Quantization {
  return { scales: [Math.fround(scale)], zeroPoints: [zeroPoint], axis: 0 };
}

export function makeTensors(specs: TensorSpec[]): Tensor[] {
  return specs.map((s, id) => ({
    id,
    name: s.name ?? `t${id}`,
    shape: s.shape,
    shapeSignature: null,
    dtype: s.dtype,
    quant: s.q ? quant(s.q[0], s.q[1]) : null,
    data: s.data ?? null,
    isVariable: false,
  }));
}

/** An op over tensors 0..n-1 as inputs and the last as output (unless ids are given), params derived. */
export function makeOp<K extends NonlinearKind>(
  kind: K,
  attrs: OpAttrs[K],
  tensors: Tensor[],
  inputs: number[] = tensors.slice(0, -1).map((t) => t.id),
  outputs: number[] = [tensors.length - 1],
  index = 7,
): Op<K> {
  const op = { kind, version: 1, inputs, outputs, attrs };
  const derive = nonlinearDerivers[kind] as ParamDeriver<K>;
  return { ...op, params: derive({ op, index, tensors }) };
}

/** The numeric (non-BigInt) typed arrays. */
export type NumArray = Exclude<TypedArray, BigInt64Array>;

export function arrayFor(dtype: DType, n: number): NumArray {
  switch (dtype) {
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'float32':
      return new Float32Array(n);
    default:
      throw new Error(`no array for ${dtype}`);
  }
}

/** Runs the op's reference kernel on `input` (for input 0; other inputs get null or their constants). */
export function run<K extends NonlinearKind>(op: Op<K>, tensors: Tensor[], input: ArrayLike<number>): NumArray {
  const inT = tensors[op.inputs[0]!]!;
  const outT = tensors[op.outputs[0]!]!;
  const x = arrayFor(inT.dtype, input.length) as Float32Array;
  x.set(Array.from(input));
  const n = outT.shape.reduce((a, b) => a * b, 1);
  const y = arrayFor(outT.dtype, n);
  const views: Array<TensorView | null> = op.inputs.map((id, i) => (i === 0 ? { shape: inT.shape, data: x } : id >= 0 ? { shape: tensors[id]!.shape, data: new Int32Array(0) } : null));
  const kernel = nonlinearKernels[op.kind] as RefKernel<K>;
  kernel(op as Parameters<RefKernel<K>>[0], views, [{ shape: outT.shape, data: y }]);
  return y;
}

/** Unary op on a tensor of `shape`: input spec then output spec. */
export function unaryOp<K extends NonlinearKind>(kind: K, attrs: OpAttrs[K], input: TensorSpec, output: TensorSpec): { op: Op<K>; tensors: Tensor[] } {
  const tensors = makeTensors([input, output]);
  return { op: makeOp(kind, attrs, tensors), tensors };
}

export function allInt8(): number[] {
  return Array.from({ length: 256 }, (_, i) => i - 128);
}

export type { OpKind };
