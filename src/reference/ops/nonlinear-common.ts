// Typed-view helpers shared by the nonlinear reference kernels.
import { UnsupportedError } from '../../errors.js';
import type { Clamp, OpKind } from '../../ir/ops.js';
import type { TensorView } from '../types.js';

/** Element arrays of the integer tensors these kernels read and write. */
export type IntArray = Int8Array | Uint8Array | Int16Array | Int32Array;

export function intData(kind: OpKind, view: TensorView | null | undefined, role: string): IntArray {
  const d = view?.data;
  if (d instanceof Int8Array || d instanceof Uint8Array || d instanceof Int16Array || d instanceof Int32Array) return d;
  throw new UnsupportedError(`${kind}: ${role} is not an integer tensor view`, { op: kind, role });
}

export function floatData(kind: OpKind, view: TensorView | null | undefined, role: string): Float32Array {
  const d = view?.data;
  if (d instanceof Float32Array) return d;
  throw new UnsupportedError(`${kind}: ${role} is not a float32 tensor view`, { op: kind, role });
}

/** The value range of an integer element array (what a C cast to that type would clamp to). */
export function rangeOf(a: IntArray): Clamp {
  if (a instanceof Int8Array) return [-128, 127];
  if (a instanceof Uint8Array) return [0, 255];
  if (a instanceof Int16Array) return [-32768, 32767];
  return [-2147483648, 2147483647];
}

/** Elementwise kernels: the input and output views must hold the same number of elements. */
export function checkSameLength(kind: OpKind, a: { length: number }, b: { length: number }): number {
  if (a.length !== b.length) {
    throw new UnsupportedError(`${kind}: input has ${a.length} elements, output ${b.length}`, { op: kind });
  }
  return a.length;
}
