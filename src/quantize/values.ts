// Real values of tensors: float32 constant bytes as numbers, and int8/int32 values dequantized with
// their scales and zero points (one per tensor, or one per channel of the quantized axis).
import type { Quantization, Tensor } from '../ir/graph.js';

/** A float32 constant's values (a copy). */
export function floatValues(t: Tensor): Float32Array {
  return new Float32Array(t.data!.slice().buffer);
}

/** scale[c] * (q - zeroPoint[c]) for each value, c the index along `q.axis` of `shape` (float32 results). */
export function dequantized(values: ArrayLike<number>, shape: readonly number[], q: Quantization): Float32Array {
  const channels = q.scales.length;
  const inner = channels === 1 ? 1 : shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = q.scales[c]! * (values[i]! - (q.zeroPoints[c] ?? q.zeroPoints[0]!));
  }
  return out;
}
