// CONV_2D, int8 and 16x8 (TFLM reference_integer_ops::ConvPerChannel, both overloads).
import type { QuantizedOp } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { convGeometry, requantOf, requantize, requantize16, type ConvGeometry, type Requant } from './conv-common.js';

/** Everything one output pixel's computation needs, gathered once per call. */
export interface ConvContext extends ConvGeometry {
  x: Int8Array | Int16Array;
  w: Int8Array;
  q: Requant;
  /** int16 activations: 64-bit accumulation with an int64 bias (TFLM's 16x8 kernel). */
  wide: boolean;
  filterDepth: number;
  filtersPerGroup: number;
}

export function convContext(op: QuantizedOp<'CONV_2D'>, inputs: Array<TensorView | null>, output: TensorView): ConvContext {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const bias = inputs[2] ?? null;
  const [outDepth, filterH, filterW, filterDepth] = filter.shape as [number, number, number, number];
  const groups = input.shape[3]! / filterDepth;
  return {
    ...convGeometry(op, input, [filterH, filterW], output),
    x: input.data as Int8Array | Int16Array,
    w: filter.data as Int8Array,
    q: requantOf(op, bias),
    wide: input.data instanceof Int16Array,
    filterDepth,
    filtersPerGroup: outDepth / groups,
  };
}

/**
 * Output pixel (n, oy, ox): its outDepth values go to dest[destBase ..]. Reads only the input (rows
 * oy*stride - pad.top + dilation*ky that are in bounds), so `dest` may be a buffer that aliases nothing.
 */
export function convPixel(k: ConvContext, n: number, oy: number, ox: number, dest: Int8Array | Int16Array, destBase: number): void {
  const { x, w, inH, inW, inDepth, filterH, filterW, filterDepth, filtersPerGroup, dilation } = k;
  const inputOffset = k.q.inputOffset;
  const inYOrigin = oy * k.stride[0] - k.pad.top;
  const inXOrigin = ox * k.stride[1] - k.pad.left;
  for (let oc = 0; oc < k.outDepth; oc++) {
    const inChannelBase = Math.floor(oc / filtersPerGroup) * filterDepth;
    let acc = 0;
    for (let ky = 0; ky < filterH; ky++) {
      const iy = inYOrigin + dilation[0] * ky;
      if (iy < 0 || iy >= inH) continue;
      for (let kx = 0; kx < filterW; kx++) {
        const ix = inXOrigin + dilation[1] * kx;
        if (ix < 0 || ix >= inW) continue;
        const inBase = ((n * inH + iy) * inW + ix) * inDepth + inChannelBase;
        const wBase = ((oc * filterH + ky) * filterW + kx) * filterDepth;
        for (let ic = 0; ic < filterDepth; ic++) {
          acc += (w[wBase + ic]!) * ((x[inBase + ic]!) + inputOffset);
        }
      }
    }
    dest[destBase + oc] = k.wide ? requantize16(k.q, acc, oc) : requantize(k.q, acc, oc);
  }
}

/**
 * out[b,y,x,oc] = clamp(zpOut + requant(bias[oc] + sum over (ky,kx,ic) of filter[oc,ky,kx,ic] * (in[...] - zpIn)))
 * Input pixels outside the image are skipped (equivalently: padded with the input zero point).
 * Grouped convolution: input depth = groups * filter depth; output channel oc reads group oc / (OC / groups).
 * Writes straight into the output: input and output must not overlap (see ../variants.ts for kernels that may).
 */
export function conv2d(op: QuantizedOp<'CONV_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const output = outputs[0]!;
  const k = convContext(op, inputs, output);
  const batches = inputs[0]!.shape[0]!;
  const y = output.data as Int8Array | Int16Array;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) {
        convPixel(k, n, oy, ox, y, ((n * k.outH + oy) * k.outW + ox) * k.outDepth);
      }
    }
  }
}
