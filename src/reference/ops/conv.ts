// CONV_2D, int8 (TFLM reference_integer_ops::ConvPerChannel).
import type { Op } from '../../ir/graph.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';

/**
 * out[b,y,x,oc] = clamp(zpOut + requant(bias[oc] + sum over (ky,kx,ic) of filter[oc,ky,kx,ic] * (in[...] - zpIn)))
 * Input pixels outside the image are skipped (equivalently: padded with the input zero point).
 * Grouped convolution: input depth = groups * filter depth; output channel oc reads group oc / (OC / groups).
 */
export function conv2d(op: Op<'CONV_2D'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const bias = inputs[2] ?? null;
  const output = outputs[0]!;
  const { stride, dilation, pad, clamp } = op.attrs;
  const { inputOffset, outputOffset, multiplier, shift } = op.params;
  const perChannel = multiplier.length > 1;

  const [batches, inH, inW, inDepth] = input.shape as [number, number, number, number];
  const [outDepth, filterH, filterW, filterDepth] = filter.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const groups = inDepth / filterDepth;
  const filtersPerGroup = outDepth / groups;
  const x = input.data as Int8Array, w = filter.data as Int8Array, y = output.data as Int8Array;
  const b = bias ? (bias.data as Int32Array) : null;
  const [qmin, qmax] = clamp;

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * stride[0] - pad.top;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * stride[1] - pad.left;
        const outBase = ((n * outH + oy) * outW + ox) * outDepth;
        for (let oc = 0; oc < outDepth; oc++) {
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
                acc += (w[wBase + ic]) * ((x[inBase + ic]) + inputOffset);
              }
            }
          }
          // int32 accumulator: wrap like the C++ (exact in a double up to 2^53 before the wrap).
          if (b) acc += b[oc];
          acc |= 0;
          const c = perChannel ? oc : 0;
          let v = multiplyByQuantizedMultiplier(acc, multiplier[c]!, shift[c]!) + outputOffset;
          v = v < qmin ? qmin : v > qmax ? qmax : v;
          y[outBase + oc] = v;
        }
      }
    }
  }
}
