import type { Op, QuantizedOp } from '../ir/graph.js';
import type { OpKind } from '../ir/ops.js';

export type TypedArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | BigInt64Array;

/** A tensor as a kernel sees it: a shape and a typed view of its elements (row-major, NHWC). */
export interface TensorView {
  shape: readonly number[];
  data: TypedArray;
}

/**
 * A reference kernel: TFLite's integer semantics, written to be read. `inputs` lines up with
 * op.inputs (null where the optional input is absent); outputs are preallocated views to fill.
 */
export type RefKernel<K extends OpKind> = (op: QuantizedOp<K>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;

/** A float32 reference kernel (./float/): the op has attrs only (params null), every data view is Float32Array. */
export type FloatKernel<K extends OpKind> = (op: Op<K>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;

export type RefKernels<K extends OpKind> = { [P in K]: RefKernel<P> };
