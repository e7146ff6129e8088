// Shape arithmetic shared by the importer, the builder and the passes.
import type { DType } from './graph.js';
import { INT32_MAX } from './quant.js';

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides (in elements) of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

const DTYPE_BYTES: Partial<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
  complex64: 8,
  complex128: 16,
};

/** Bytes per element, or undefined for dtypes without a fixed size (string, resource, int4 packing). */
export function dtypeBytes(dtype: DType): number | undefined {
  return DTYPE_BYTES[dtype];
}

export function byteSize(shape: readonly number[], dtype: DType): number {
  const b = dtypeBytes(dtype);
  if (b === undefined) throw new Error(`dtype ${dtype} has no fixed element size`);
  return elementCount(shape) * b;
}

export function effectiveFilterSize(filter: number, dilation: number): number {
  return (filter - 1) * dilation + 1;
}

/** TFLite ComputeOutSize for SAME / VALID padding. */
export function convOutSize(padding: 'SAME' | 'VALID', inSize: number, filter: number, stride: number, dilation = 1): number {
  const eff = effectiveFilterSize(filter, dilation);
  return padding === 'SAME' ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize - eff + stride) / stride);
}

/** TFLite ComputePaddingWithOffset: the padding before and after one spatial dim (the odd pixel goes after). */
export function paddingFor(inSize: number, filter: number, stride: number, dilation: number, outSize: number): [number, number] {
  const eff = effectiveFilterSize(filter, dilation);
  const total = Math.max(0, (outSize - 1) * stride + eff - inSize);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output size of a convolution/pool with explicit padding. */
export function outSizeWithPads(inSize: number, filter: number, stride: number, dilation: number, before: number, after: number): number {
  return Math.floor((inSize + before + after - effectiveFilterSize(filter, dilation)) / stride) + 1;
}

/**
 * Why a shape cannot be addressed with int32 element counts and strides (a dim that is not a
 * non-negative integer, or the product of its non-zero dims beyond int32), or null when it can.
 * Zero dims are skipped so [1, 2^30, 2^30, 0] is caught: its strides overflow although it holds nothing.
 */
export function shapeOverflow(shape: readonly number[]): string | null {
  let product = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) return `dimension ${d} is not a non-negative integer`;
    if (d > 0) product *= d;
    if (product > INT32_MAX) return `its non-zero dimensions multiply to more than ${INT32_MAX}`;
  }
  return null;
}
