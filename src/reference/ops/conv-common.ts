// What CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share: the window geometry of the two convolutions
// and the output stage (TFLM's per-channel requantization: bias, int32 wrap, MultiplyByQuantizedMultiplier,
// output zero point, activation clamp).
import type { Op, QuantizedOp } from '../../ir/graph.js';
import type { Padding } from '../../ir/ops.js';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../../ir/quant.js';
import type { TensorView } from '../types.js';

export interface Requant {
  /** int32 for int8 activations, int64 (or TRANSPOSE_CONV's int16) for the 16x8 path. */
  bias: Int32Array | BigInt64Array | Int16Array | null;
  inputOffset: number;
  outputOffset: number;
  multiplier: Int32Array;
  shift: Int32Array;
  perChannel: boolean;
  qmin: number;
  qmax: number;
}

export function requantOf(op: QuantizedOp<'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED' | 'TRANSPOSE_CONV'>, bias: TensorView | null | undefined): Requant {
  const { inputOffset, outputOffset, multiplier, shift } = op.params;
  return {
    bias: bias ? (bias.data as Int32Array | BigInt64Array | Int16Array) : null,
    inputOffset, outputOffset, multiplier, shift,
    perChannel: multiplier.length > 1,
    qmin: op.attrs.clamp[0],
    qmax: op.attrs.clamp[1],
  };
}

/** The int8 output value of channel `channel` for accumulator `acc` (before bias). */
export function requantize(q: Requant, acc: number, channel: number): number {
  if (q.bias) acc += q.bias[channel] as number;
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

/**
 * The int16 output value of channel `channel` on the 16x8 path: a 64-bit accumulator (exact in a double:
 * each product is below 2^23) plus the int64 bias, requantized by the 64-bit MultiplyByQuantizedMultiplier.
 */
export function requantize16(q: Requant, acc: number, channel: number): number {
  const wide = BigInt(acc) + (q.bias ? BigInt(q.bias[channel]!) : 0n);
  const c = q.perChannel ? channel : 0;
  const v = multiplyByQuantizedMultiplier64(wide, q.multiplier[c]!, q.shift[c]!) + q.outputOffset;
  return v < q.qmin ? q.qmin : v > q.qmax ? q.qmax : v;
}
