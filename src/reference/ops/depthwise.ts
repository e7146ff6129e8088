// DEPTHWISE_CONV_2D, int8 and 16x8 (TFLM reference_integer_ops::DepthwiseConvPerChannel, both overloads).
import type { QuantizedOp } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { convGeometry, requantOf, requantize, requantize16, type ConvGeometry, type Requant } from './conv-common.js';

/** Everything one output value's computation needs, gathered once per call. */
export interface DepthwiseContext extends ConvGeometry {
  x: Int8Array | Int16Array;
  w: Int8Array;
  q: Requant;
  /** int16 activations: 64-bit accumulation with an int64 bias (TFLM's 16x8 kernel). */
  wide: boolean;
  depthMultiplier: number;
}

export function depthwiseContext(op: QuantizedOp<'DEPTHWISE_CONV_2D'>, inputs: Array<TensorView | null>, output: TensorView): DepthwiseContext {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const bias = inputs[2] ?? null;
  const [, filterH, filterW] = filter.shape as [number, number, number, number];
  return {
    ...convGeometry(op, input, [filterH, filterW], output),
    x: input.data as Int8Array | Int16Array,
    w: filter.data as Int8Array,
    q: requantOf(op, bias),
    wide: input.data instanceof Int16Array,
    depthMultiplier: op.attrs.depthMultiplier,
  };
}

/** Output value (n, oy, ox, oc = ic * M + m): reads only input channel ic of batch n, in-bounds taps. */
export function depthwiseValue(k: DepthwiseContext, n: number, oy: number, ox: number, ic: number, m: number): number {
  const { x, w, inH, inW, inDepth, filterH, filterW, outDepth, dilation } = k;
  const oc = ic * k.depthMultiplier + m;
  const inYOrigin = oy * k.stride[0] - k.pad.top;
  const inXOrigin = ox * k.stride[1] - k.pad.left;
  const inputOffset = k.q.inputOffset;
  let acc = 0;
  for (let ky = 0; ky < filterH; ky++) {
    const iy = inYOrigin + dilation[0] * ky;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < filterW; kx++) {
      const ix = inXOrigin + dilation[1] * kx;
      if (ix < 0 || ix >= inW) continue;
      const xv = x[((n * inH + iy) * inW + ix) * inDepth + ic]!;
      const wv = w[(ky * filterW + kx) * outDepth + oc]!;
      acc += wv * (xv + inputOffset);
    }
  }
  return k.wide ? requantize16(k.q, acc, oc) : requantize(k.q, acc, oc);
}

/** Output pixel (n, oy, ox): its outDepth values go to dest[destBase ..]. Reads only the input. */
export function depthwisePixel(k: DepthwiseContext, n: number, oy: number, ox: number, dest: Int8Array | Int16Array, destBase: number): void {
  const M = k.depthMultiplier;
  for (let ic = 0; ic < k.inDepth; ic++) {
    for (let m = 0; m < M; m++) dest[destBase + ic * M + m] = depthwiseValue(k, n, oy, ox, ic, m);
  }
}

/**
 * Filter [1, KH, KW, C*M]; output channel oc = ic * M + m reads only input channel ic:
 * out[b,y,x,oc] = clamp(zpOut + requant(bias[oc] + sum over (ky,kx) of filter[0,ky,kx,oc] * (in[b,iy,ix,ic] - zpIn)))
 * Writes straight into the output: input and output must not overlap (see ../variants.ts for kernels that may).
 */
export function depthwiseConv2d(op: QuantizedOp<'DEPTHWISE_CONV_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const output = outputs[0]!;
  const k = depthwiseContext(op, inputs, output);
  const batches = inputs[0]!.shape[0]!;
  const y = output.data as Int8Array | Int16Array;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) {
        depthwisePixel(k, n, oy, ox, y, ((n * k.outH + oy) * k.outW + ox) * k.outDepth);
      }
    }
  }
}
