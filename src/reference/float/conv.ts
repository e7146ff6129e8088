// CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and the pools on float32 (TFLite reference_ops Conv,
// DepthwiseConv, FullyConnected, AveragePool, MaxPool): each output value accumulates from 0 in float32
// in the reference loop order (filter row, column, input channel), then adds the bias and clamps.
// Pixel/row functions write to any destination so the streaming variants (../variants.ts) share them.
import type { Op } from '../../ir/graph.js';
import type { Clamp } from '../../ir/ops.js';
import { convGeometry, type ConvGeometry } from '../ops/conv-common.js';
import { poolContext, setWindow, type PoolContext } from '../ops/pool.js';
import type { TensorView } from '../types.js';
import { clampF32, f32 } from './arith.js';

type Dest = Float32Array;

export interface FloatConvContext extends ConvGeometry {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array | null;
  clamp: Clamp;
  /** CONV_2D: filter input depth and output channels per group (grouped convolution). */
  filterDepth: number;
  filtersPerGroup: number;
  /** DEPTHWISE_CONV_2D: output channels per input channel (1 for CONV_2D). */
  depthMultiplier: number;
}

export function floatConvContext(op: Op<'CONV_2D' | 'DEPTHWISE_CONV_2D'>, inputs: Array<TensorView | null>, output: TensorView): FloatConvContext {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const [outChannels, filterH, filterW, filterDepth] = filter.shape as [number, number, number, number];
  const depthwise = op.kind === 'DEPTHWISE_CONV_2D';
  return {
    ...convGeometry(op, input, [filterH, filterW], output),
    x: input.data as Float32Array,
    w: filter.data as Float32Array,
    bias: inputs[2] ? (inputs[2].data as Float32Array) : null,
    clamp: op.attrs.clamp,
    filterDepth: depthwise ? 1 : filterDepth,
    filtersPerGroup: depthwise ? 1 : outChannels / (input.shape[3]! / filterDepth),
    depthMultiplier: depthwise ? (op as Op<'DEPTHWISE_CONV_2D'>).attrs.depthMultiplier : 1,
  };
}

/** Adds the bias (0 when absent) and applies the fused activation. */
function finish(k: { bias: Float32Array | null; clamp: Clamp }, total: number, channel: number): number {
  return clampF32(f32(total + (k.bias ? k.bias[channel]! : 0)), k.clamp);
}

/** CONV_2D output pixel (n, oy, ox): outDepth values to dest[destBase ..]; reads only the input. */
export function floatConvPixel(k: FloatConvContext, n: number, oy: number, ox: number, dest: Dest, destBase: number): void {
  const { x, w, inH, inW, inDepth, filterH, filterW, filterDepth, dilation } = k;
  const inYOrigin = oy * k.stride[0] - k.pad.top;
  const inXOrigin = ox * k.stride[1] - k.pad.left;
  for (let oc = 0; oc < k.outDepth; oc++) {
    const inChannelBase = Math.floor(oc / k.filtersPerGroup) * filterDepth;
    let total = 0;
    for (let ky = 0; ky < filterH; ky++) {
      const iy = inYOrigin + dilation[0] * ky;
      if (iy < 0 || iy >= inH) continue;
      for (let kx = 0; kx < filterW; kx++) {
        const ix = inXOrigin + dilation[1] * kx;
        if (ix < 0 || ix >= inW) continue;
        const inBase = ((n * inH + iy) * inW + ix) * inDepth + inChannelBase;
        const wBase = ((oc * filterH + ky) * filterW + kx) * filterDepth;
        for (let ic = 0; ic < filterDepth; ic++) total = f32(total + f32(x[inBase + ic]! * w[wBase + ic]!));
      }
    }
    dest[destBase + oc] = finish(k, total, oc);
  }
}

/** DEPTHWISE_CONV_2D value of output channel ic * depthMultiplier + m at pixel (n, oy, ox). */
export function floatDepthwiseValue(k: FloatConvContext, n: number, oy: number, ox: number, ic: number, m: number): number {
  const { x, w, inH, inW, inDepth, filterH, filterW, outDepth, dilation } = k;
  const oc = ic * k.depthMultiplier + m;
  const inYOrigin = oy * k.stride[0] - k.pad.top;
  const inXOrigin = ox * k.stride[1] - k.pad.left;
  let total = 0;
  for (let ky = 0; ky < filterH; ky++) {
    const iy = inYOrigin + dilation[0] * ky;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < filterW; kx++) {
      const ix = inXOrigin + dilation[1] * kx;
      if (ix < 0 || ix >= inW) continue;
      total = f32(total + f32(x[((n * inH + iy) * inW + ix) * inDepth + ic]! * w[(ky * filterW + kx) * outDepth + oc]!));
    }
  }
  return finish(k, total, oc);
}

export function floatDepthwisePixel(k: FloatConvContext, n: number, oy: number, ox: number, dest: Dest, destBase: number): void {
  for (let ic = 0; ic < k.inDepth; ic++) {
    for (let m = 0; m < k.depthMultiplier; m++) dest[destBase + ic * k.depthMultiplier + m] = floatDepthwiseValue(k, n, oy, ox, ic, m);
  }
}

type PixelFn = (k: FloatConvContext, n: number, oy: number, ox: number, dest: Dest, destBase: number) => void;

function everyPixel(k: FloatConvContext, pixel: PixelFn, batches: number, y: Float32Array): void {
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) pixel(k, n, oy, ox, y, ((n * k.outH + oy) * k.outW + ox) * k.outDepth);
    }
  }
}

/** out[n,y,x,oc] = clamp(bias[oc] + sum over (ky, kx, ic) of in[n, y*s - pad + ky*d, ...] * filter[oc, ky, kx, ic]). */
export function floatConv2d(op: Op<'CONV_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const k = floatConvContext(op, inputs, outputs[0]!);
  everyPixel(k, floatConvPixel, inputs[0]!.shape[0]!, outputs[0]!.data as Float32Array);
}

/** out[n,y,x,c*M+m] = clamp(bias + sum over (ky, kx) of in[n, .., .., c] * filter[0, ky, kx, c*M+m]). */
export function floatDepthwiseConv2d(op: Op<'DEPTHWISE_CONV_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const k = floatConvContext(op, inputs, outputs[0]!);
  everyPixel(k, floatDepthwisePixel, inputs[0]!.shape[0]!, outputs[0]!.data as Float32Array);
}

export interface FloatFullyConnectedContext {
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array | null;
  clamp: Clamp;
  batches: number;
  units: number;
  depth: number;
}

export function floatFullyConnectedContext(op: Op<'FULLY_CONNECTED'>, inputs: Array<TensorView | null>, output: TensorView): FloatFullyConnectedContext {
  const [units, depth] = inputs[1]!.shape as [number, number];
  const x = inputs[0]!.data as Float32Array;
  void output;
  return { x, w: inputs[1]!.data as Float32Array, bias: inputs[2] ? (inputs[2].data as Float32Array) : null, clamp: op.attrs.clamp, batches: x.length / depth, units, depth };
}

/** Batch row b: units values to dest[destBase ..]; total = sum over d of in[b, d] * weights[u, d]. */
export function floatFullyConnectedRow(k: FloatFullyConnectedContext, b: number, dest: Dest, destBase: number): void {
  for (let u = 0; u < k.units; u++) {
    let total = 0;
    for (let d = 0; d < k.depth; d++) total = f32(total + f32(k.x[b * k.depth + d]! * k.w[u * k.depth + d]!));
    dest[destBase + u] = finish(k, total, u);
  }
}

export function floatFullyConnected(op: Op<'FULLY_CONNECTED'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const k = floatFullyConnectedContext(op, inputs, outputs[0]!);
  const y = outputs[0]!.data as Float32Array;
  for (let b = 0; b < k.batches; b++) floatFullyConnectedRow(k, b, y, b * k.units);
}

/** Calls visit with the input offset (channel 0) of every in-bounds pixel of window (n, oy, ox), row-major. */
function forWindow(k: PoolContext, n: number, oy: number, ox: number, visit: (base: number) => void): void {
  const { inYOrigin, inXOrigin, yStart, yEnd, xStart, xEnd } = setWindow(k, oy, ox);
  for (let fy = yStart; fy < yEnd; fy++) {
    for (let fx = xStart; fx < xEnd; fx++) visit(((n * k.inH + inYOrigin + fy) * k.inW + inXOrigin + fx) * k.depth);
  }
}

/** Mean of the in-bounds pixels per channel (padding not counted): float32 sum / count, then the clamp. */
export function floatAveragePoolPixel(k: PoolContext, n: number, oy: number, ox: number, dest: Dest, destBase: number): void {
  for (let c = 0; c < k.depth; c++) {
    let total = 0;
    let count = 0;
    forWindow(k, n, oy, ox, (base) => {
      total = f32(total + k.x[base + c]!);
      count++;
    });
    dest[destBase + c] = clampF32(f32(total / count), [k.qmin, k.qmax]);
  }
}

/** Largest in-bounds pixel per channel (starting from the lowest float32), then the clamp. */
export function floatMaxPoolPixel(k: PoolContext, n: number, oy: number, ox: number, dest: Dest, destBase: number): void {
  for (let c = 0; c < k.depth; c++) {
    let max = -3.4028234663852886e38;
    forWindow(k, n, oy, ox, (base) => {
      if (k.x[base + c]! > max) max = k.x[base + c]!;
    });
    dest[destBase + c] = clampF32(max, [k.qmin, k.qmax]);
  }
}

function everyPoolPixel(k: PoolContext, pixel: typeof floatMaxPoolPixel, batches: number, y: Float32Array): void {
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) pixel(k, n, oy, ox, y, ((n * k.outH + oy) * k.outW + ox) * k.depth);
    }
  }
}

export function floatAveragePool2d(op: Op<'AVERAGE_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  everyPoolPixel(poolContext(op, inputs, outputs[0]!), floatAveragePoolPixel, inputs[0]!.shape[0]!, outputs[0]!.data as Float32Array);
}

export function floatMaxPool2d(op: Op<'MAX_POOL_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  everyPoolPixel(poolContext(op, inputs, outputs[0]!), floatMaxPoolPixel, inputs[0]!.shape[0]!, outputs[0]!.data as Float32Array);
}
