// Slicing constant tensors along one axis (weights, biases and their per-channel quantization), in any dtype.
import { UnsupportedError } from '../errors.js';
import type { Tensor } from '../ir/graph.js';
import { dtypeBytes } from '../ir/shapes.js';

/** The tensor with only the indices `keep` (ascending) of `axis`; per-channel scales on that axis follow. */
export function sliceAxis(t: Tensor, axis: number, keep: readonly number[]): Tensor {
  const bytes = dtypeBytes(t.dtype);
  if (bytes === undefined || t.data === null) throw new UnsupportedError(`cannot slice ${t.name}: ${t.data === null ? 'not a constant' : `dtype ${t.dtype}`}`, { tensor: t.id });
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const size = t.shape[axis]!;
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1) * bytes;
  const data = new Uint8Array(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      const from = (o * size + k) * inner;
      data.set(t.data.subarray(from, from + inner), at);
      at += inner;
    }
  }
  const shape = t.shape.slice();
  shape[axis] = keep.length;
  const quant = t.quant && t.quant.scales.length > 1 && t.quant.axis === axis
    ? { ...t.quant, scales: keep.map((k) => t.quant!.scales[k]!), zeroPoints: keep.map((k) => t.quant!.zeroPoints[k]!) }
    : t.quant;
  return { ...t, shape, shapeSignature: t.shapeSignature ? shape.slice() : null, data, quant };
}

/** Sum of squares of float32 or int8 (dequantized) values grouped by their index along `axis`. */
export function squaredNormsAlong(values: Float64Array, shape: readonly number[], axis: number): Float64Array {
  const size = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  for (let i = 0; i < values.length; i++) out[Math.floor(i / inner) % size] += values[i]! * values[i]!;
  return out;
}
