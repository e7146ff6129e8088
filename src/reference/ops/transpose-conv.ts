// TRANSPOSE_CONV, int8 and 16x8 (TFLM reference_integer_ops::TransposeConv, both overloads): every input
// element scatters input x filter into a zeroed accumulator per output element (int32 for int8, 64-bit for
// int16), then each accumulator gets the bias and TFLM's per-channel requantization.
import type { QuantizedOp } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { requantOf, requantize, requantize16 } from './conv-common.js';

/**
 * out[b, iy*sh - pad.top + ky, ix*sw - pad.left + kx, oc] += (in[b, iy, ix, ic] - zpIn) * filter[oc, ky, kx, ic]
 * over every input element and filter tap that lands inside the output; inputs: output shape (ignored, as
 * TFLM does), filter, input, optional bias.
 */
export function transposeConv(op: QuantizedOp<'TRANSPOSE_CONV'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const filter = inputs[1]!, input = inputs[2]!, output = outputs[0]!;
  const [outDepth, filterH, filterW, inDepth] = filter.shape as [number, number, number, number];
  const [batches, inH, inW] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = input.data as Int8Array | Int16Array, w = filter.data as Int8Array;
  const wide = x instanceof Int16Array;
  const q = requantOf(op, inputs[3]);
  const { stride, pad } = op.attrs;
  // Sums stay exact in doubles: each product is below 2^23 in magnitude; the int8 path wraps to int32 at the end.
  const acc = new Float64Array(output.data.length);
  for (let b = 0; b < batches; b++) {
    for (let iy = 0; iy < inH; iy++) {
      for (let ix = 0; ix < inW; ix++) {
        for (let ic = 0; ic < inDepth; ic++) {
          const v = x[((b * inH + iy) * inW + ix) * inDepth + ic]! + q.inputOffset;
          for (let ky = 0; ky < filterH; ky++) {
            const oy = iy * stride[0] - pad.top + ky;
            if (oy < 0 || oy >= outH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ox = ix * stride[1] - pad.left + kx;
              if (ox < 0 || ox >= outW) continue;
              const base = ((b * outH + oy) * outW + ox) * outDepth;
              for (let oc = 0; oc < outDepth; oc++) acc[base + oc] += v * w[((oc * filterH + ky) * filterW + kx) * inDepth + ic]!;
            }
          }
        }
      }
    }
  }
  const y = output.data as Int8Array | Int16Array;
  for (let i = 0; i < y.length; i++) {
    const oc = i % outDepth;
    y[i] = wide ? requantize16(q, acc[i]!, oc) : requantize(q, acc[i]!, oc);
  }
}
