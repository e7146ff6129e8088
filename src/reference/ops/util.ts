// Small index helpers shared by the linear/layout reference kernels.
import type { TypedArray } from '../types.js';

import { rowMajorStrides } from '../../ir/shapes.js';

// Shape arithmetic lives with the IR (the planner uses it too); the kernels keep importing it from here.
export { rowMajorStrides };

/** TFLite broadcasting: align shapes at the last dim; each pair of dims must be equal or one of them 1. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For every element of `outShape` (row-major), the flat index of the element of an input of shape
 * `inShape` that broadcasts onto it (TFLite's NdArrayDesc with stride 0 on broadcast dims).
 */
export function broadcastIndexMap(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const pad = rank - inShape.length;
  const inStrides = rowMajorStrides(inShape);
  // Stride of the input along each output dim: 0 where the input is broadcast (dim 1 or missing).
  const strides = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const inDim = d < pad ? 1 : inShape[d - pad]!;
    strides[d] = inDim === 1 ? 0 : inStrides[d - pad]!;
  }
  let count = 1;
  for (const d of outShape) count *= d;
  const map = new Int32Array(count);
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    map[i] = offset;
    // Odometer increment over the output index, keeping the input offset in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      offset -= strides[d]! * index[d]!;
      index[d] = 0;
    }
  }
  return map;
}

/** Element access for kernels that only move elements around (any dtype, bigint included). */
export type ElementArray = { [index: number]: number | bigint; readonly length: number };

export function elements(data: TypedArray): ElementArray {
  return data as unknown as ElementArray;
}

/** Fill every element with one value, converting it for 64-bit arrays. */
export function fillWith(data: TypedArray, value: number): void {
  if (data instanceof BigInt64Array) data.fill(BigInt(value));
  else data.fill(value);
}

/** Copy all elements when the two views are not the same memory (RESHAPE/SQUEEZE may run in place). */
export function copyElements(src: TypedArray, dst: TypedArray): void {
  if (src.buffer === dst.buffer && src.byteOffset === dst.byteOffset) return;
  const d = elements(dst);
  const s = elements(src);
  for (let i = 0; i < s.length; i++) d[i] = s[i]!;
}
