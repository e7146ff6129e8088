// AVERAGE_POOL_2D and MAX_POOL_2D, int8 (TFLM reference_integer_ops::AveragePool / MaxPool).
// Input and output share scale and zero point, so both work directly on the stored int8 values.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';

/**
 * Average of the in-bounds pixels of each window (padding is not counted), rounded to nearest with
 * halves away from zero: (sum ± count/2) / count with C's truncating division.
 */
export function averagePool2d(op: Op<'AVERAGE_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { filter, stride, pad, clamp } = op.attrs;
  const [batches, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = input.data as Int8Array, y = output.data as Int8Array;
  const [qmin, qmax] = clamp;

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * stride[0] - pad.top;
      const yStart = Math.max(0, -inYOrigin);
      const yEnd = Math.min(filter[0], inH - inYOrigin);
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * stride[1] - pad.left;
        const xStart = Math.max(0, -inXOrigin);
        const xEnd = Math.min(filter[1], inW - inXOrigin);
        const count = Math.max(0, yEnd - yStart) * Math.max(0, xEnd - xStart);
        const half = Math.trunc(count / 2);
        const outBase = ((n * outH + oy) * outW + ox) * depth;
        for (let c = 0; c < depth; c++) {
          let acc = 0;
          for (let fy = yStart; fy < yEnd; fy++) {
            const rowBase = ((n * inH + inYOrigin + fy) * inW + inXOrigin) * depth + c;
            for (let fx = xStart; fx < xEnd; fx++) acc += x[rowBase + fx * depth];
          }
          let v = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
          v = v < qmin ? qmin : v > qmax ? qmax : v;
          y[outBase + c] = v;
        }
      }
    }
  }
}

/** Maximum over the in-bounds pixels of each window (-128 for a window with none), then the clamp. */
export function maxPool2d(op: Op<'MAX_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { filter, stride, pad, clamp } = op.attrs;
  const [batches, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = input.data as Int8Array, y = output.data as Int8Array;
  const [qmin, qmax] = clamp;

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * stride[0] - pad.top;
      const yStart = Math.max(0, -inYOrigin);
      const yEnd = Math.min(filter[0], inH - inYOrigin);
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * stride[1] - pad.left;
        const xStart = Math.max(0, -inXOrigin);
        const xEnd = Math.min(filter[1], inW - inXOrigin);
        const outBase = ((n * outH + oy) * outW + ox) * depth;
        for (let c = 0; c < depth; c++) {
          let max = -128;
          for (let fy = yStart; fy < yEnd; fy++) {
            const rowBase = ((n * inH + inYOrigin + fy) * inW + inXOrigin) * depth + c;
            for (let fx = xStart; fx < xEnd; fx++) {
              const v = x[rowBase + fx * depth];
              if (v > max) max = v;
            }
          }
          y[outBase + c] = max < qmin ? qmin : max > qmax ? qmax : max;
        }
      }
    }
  }
}
