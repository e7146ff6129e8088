// AVERAGE_POOL_2D and MAX_POOL_2D, int8 and int16 (TFLM reference_integer_ops::AveragePool / MaxPool, both overloads).
// Input and output share scale and zero point, so both work directly on the stored values.
import type { Op } from '../../ir/graph.js';
import type { Padding } from '../../ir/ops.js';
import type { TensorView } from '../types.js';

/** Everything one output pixel's pooling needs, gathered once per call. */
export interface PoolContext {
  /** The input's elements: int8, int16, or float32 for a float op (./float/conv.ts runs the float pixels). */
  x: Int8Array | Int16Array | Float32Array;
  inH: number;
  inW: number;
  depth: number;
  outH: number;
  outW: number;
  filter: [number, number];
  stride: [number, number];
  pad: Padding;
  /** The fused clamp in the output domain (quantized values; real ones for a float op). */
  qmin: number;
  qmax: number;
  /** The current window, filled by setWindow (reused: no allocation per pixel). */
  win: { inYOrigin: number; inXOrigin: number; yStart: number; yEnd: number; xStart: number; xEnd: number };
}

export function poolContext(op: Op<'AVERAGE_POOL_2D' | 'MAX_POOL_2D'>, inputs: Array<TensorView | null>, output: TensorView): PoolContext {
  const input = inputs[0]!;
  const [, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const { filter, stride, pad, clamp } = op.attrs;
  const win = { inYOrigin: 0, inXOrigin: 0, yStart: 0, yEnd: 0, xStart: 0, xEnd: 0 };
  return { x: input.data as Int8Array | Int16Array | Float32Array, inH, inW, depth, outH, outW, filter, stride, pad, qmin: clamp[0], qmax: clamp[1], win };
}

/** The window of output pixel (oy, ox): its origin and the in-bounds filter rows/columns [start, end). */
export function setWindow(k: PoolContext, oy: number, ox: number): PoolContext['win'] {
  const w = k.win;
  w.inYOrigin = oy * k.stride[0] - k.pad.top;
  w.yStart = Math.max(0, -w.inYOrigin);
  w.yEnd = Math.min(k.filter[0], k.inH - w.inYOrigin);
  w.inXOrigin = ox * k.stride[1] - k.pad.left;
  w.xStart = Math.max(0, -w.inXOrigin);
  w.xEnd = Math.min(k.filter[1], k.inW - w.inXOrigin);
  return w;
}

/**
 * Average of the in-bounds pixels of window (n, oy, ox) per channel (padding is not counted), rounded to
 * nearest with halves away from zero: (sum ± count/2) / count with C's truncating division.
 * The depth values go to dest[destBase ..]; only the input is read.
 */
export function averagePoolPixel(k: PoolContext, n: number, oy: number, ox: number, dest: Int8Array | Int16Array, destBase: number): void {
  const { x, inH, inW, depth } = k;
  const { inYOrigin, inXOrigin, yStart, yEnd, xStart, xEnd } = setWindow(k, oy, ox);
  const count = Math.max(0, yEnd - yStart) * Math.max(0, xEnd - xStart);
  const half = Math.trunc(count / 2);
  for (let c = 0; c < depth; c++) {
    let acc = 0;
    for (let fy = yStart; fy < yEnd; fy++) {
      const rowBase = ((n * inH + inYOrigin + fy) * inW + inXOrigin) * depth + c;
      for (let fx = xStart; fx < xEnd; fx++) acc += x[rowBase + fx * depth]!;
    }
    let v = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
    v = v < k.qmin ? k.qmin : v > k.qmax ? k.qmax : v;
    dest[destBase + c] = v;
  }
}

/** Maximum over the in-bounds pixels of window (n, oy, ox) per channel (the dtype's lowest for none), then the clamp. */
export function maxPoolPixel(k: PoolContext, n: number, oy: number, ox: number, dest: Int8Array | Int16Array, destBase: number): void {
  const { x, inH, inW, depth } = k;
  const { inYOrigin, inXOrigin, yStart, yEnd, xStart, xEnd } = setWindow(k, oy, ox);
  for (let c = 0; c < depth; c++) {
    let max = x instanceof Int16Array ? -32768 : -128;
    for (let fy = yStart; fy < yEnd; fy++) {
      const rowBase = ((n * inH + inYOrigin + fy) * inW + inXOrigin) * depth + c;
      for (let fx = xStart; fx < xEnd; fx++) {
        const v = x[rowBase + fx * depth]!;
        if (v > max) max = v;
      }
    }
    dest[destBase + c] = max < k.qmin ? k.qmin : max > k.qmax ? k.qmax : max;
  }
}

type PixelFn = (k: PoolContext, n: number, oy: number, ox: number, dest: Int8Array | Int16Array, destBase: number) => void;

/** Every output pixel in row-major order, written straight into the output (no overlap allowed). */
function pool(pixel: PixelFn, op: Op<'AVERAGE_POOL_2D' | 'MAX_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const output = outputs[0]!;
  const k = poolContext(op, inputs, output);
  const batches = inputs[0]!.shape[0]!;
  const y = output.data as Int8Array | Int16Array;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) pixel(k, n, oy, ox, y, ((n * k.outH + oy) * k.outW + ox) * k.depth);
    }
  }
}

export function averagePool2d(op: Op<'AVERAGE_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  pool(averagePoolPixel, op, inputs, outputs);
}

export function maxPool2d(op: Op<'MAX_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  pool(maxPoolPixel, op, inputs, outputs);
}
