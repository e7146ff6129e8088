// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share: the window geometry of the two convolutions
// and the output stage (TFLM's per-channel requantization: bias, int32 wrap, MultiplyByQuantizedMultiplier,
// output zero point, activation clamp).
import type { Op, QuantizedOp } from '../../ir/graph.js';
import type { Padding } from '../../ir/ops.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';

export interface Requant {
  bias: Int32Array | null;
  inputOffset: number;
  outputOffset: number;
  multiplier: Int32Array;
  shift: Int32Array;
  perChannel: boolean;
  qmin: number;
  qmax: number;
}

export function requantOf(op: QuantizedOp<'CONV_2D'> | QuantizedOp<'DEPTHWISE_CONV_2D'> | QuantizedOp<'FULLY_CONNECTED'>, bias: TensorView | null | undefined): Requant {
  const { inputOffset, outputOffset, multiplier, shift } = op.params;
  return {
    bias: bias ? (bias.data as Int32Array) : null,
    inputOffset, outputOffset, multiplier, shift,
    perChannel: multiplier.length > 1,
    qmin: op.attrs.clamp[0],
    qmax: op.attrs.clamp[1],
  };
}

/** The int8 output value of channel `channel` for accumulator `acc` (before bias). */
export function requantize(q: Requant, acc: number, channel: number): number {
  if (q.bias) acc += q.bias[channel]!;
  // int32 accumulator: wrap like the C++ (exact in a double up to 2^53 before the wrap).
  acc |= 0;
  const c = q.perChannel ? channel : 0;
  const v = multiplyByQuantizedMultiplier(acc, q.multiplier[c]!, q.shift[c]!) + q.outputOffset;
  return v < q.qmin ? q.qmin : v > q.qmax ? q.qmax : v;
}

/** NHWC window geometry of a convolution: input/output dims, filter extent, stride, dilation, pads. */
export interface ConvGeometry {
  inH: number;
  inW: number;
  inDepth: number;
  outH: number;
  outW: number;
  outDepth: number;
  filterH: number;
  filterW: number;
  stride: [number, number];
  dilation: [number, number];
  pad: Padding;
}

export function convGeometry(
  op: Op<'CONV_2D' | 'DEPTHWISE_CONV_2D'>,
  input: TensorView,
  filter: [number, number],
  output: TensorView,
): ConvGeometry {
  const [, inH, inW, inDepth] = input.shape as [number, number, number, number];
  const [, outH, outW, outDepth] = output.shape as [number, number, number, number];
  const { stride, dilation, pad } = op.attrs;
  return { inH, inW, inDepth, outH, outW, outDepth, filterH: filter[0], filterW: filter[1], stride, dilation, pad };
}
