// ADD, SUB and MUL, int8 and int16 with broadcasting (TFLM reference_integer_ops::Add / reference_ops::Sub /
// reference_integer_ops::Mul and their Broadcast*Slow variants; int16 MUL is the int8 formula with zero points 0).
import type { QuantizedOp } from '../../ir/graph.js';
import type { AddSubParams, Clamp } from '../../ir/ops.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';
import { broadcastIndexMap } from './util.js';

/** Flat input indices per output element; null when no broadcasting is needed (same shapes). */
function operandMaps(a: TensorView, b: TensorView, out: TensorView): [Int32Array, Int32Array] | null {
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (same) return null;
  return [broadcastIndexMap(a.shape, out.shape), broadcastIndexMap(b.shape, out.shape)];
}

/**
 * ADD/SUB: both inputs are brought to a common scale (twice the larger input scale) with 20 bits of
 * headroom, added or subtracted in int32, then rescaled to the output:
 *   s_i = requant((q_i - zp_i) << 20, m_i, shift_i);  out = clamp(zpOut + requant(s1 ± s2, mOut, shiftOut))
 */
function addSub(params: AddSubParams, clamp: Clamp, sign: 1 | -1, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x1 = a.data as Int8Array, x2 = b.data as Int8Array, y = out.data as Int8Array;
  const { leftShift, input1Offset, input2Offset, outputOffset } = params;
  const { input1Multiplier, input1Shift, input2Multiplier, input2Shift, outputMultiplier, outputShift } = params;
  const scale = 2 ** leftShift;
  const [qmin, qmax] = clamp;
  const maps = operandMaps(a, b, out);
  const map1 = maps ? maps[0] : null, map2 = maps ? maps[1] : null;
  for (let i = 0; i < y.length; i++) {
    const v1 = (x1[map1 ? map1[i]! : i]! + input1Offset) * scale;
    const v2 = (x2[map2 ? map2[i]! : i]! + input2Offset) * scale;
    const s1 = multiplyByQuantizedMultiplier(v1, input1Multiplier, input1Shift);
    const s2 = multiplyByQuantizedMultiplier(v2, input2Multiplier, input2Shift);
    let v = multiplyByQuantizedMultiplier(s1 + sign * s2, outputMultiplier, outputShift) + outputOffset;
    v = v < qmin ? qmin : v > qmax ? qmax : v;
    y[i] = v;
  }
}

export function add(op: QuantizedOp<'ADD'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  addSub(op.params, op.attrs.clamp, 1, inputs, outputs);
}

export function sub(op: QuantizedOp<'SUB'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  addSub(op.params, op.attrs.clamp, -1, inputs, outputs);
}

/** MUL: out = clamp(zpOut + requant((q1 - zp1) * (q2 - zp2), m, shift)). */
export function mul(op: QuantizedOp<'MUL'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x1 = a.data as Int8Array | Int16Array, x2 = b.data as Int8Array | Int16Array, y = out.data as Int8Array | Int16Array;
  const { input1Offset, input2Offset, outputOffset, outputMultiplier, outputShift } = op.params;
  const [qmin, qmax] = op.attrs.clamp;
  const maps = operandMaps(a, b, out);
  const map1 = maps ? maps[0] : null, map2 = maps ? maps[1] : null;
  for (let i = 0; i < y.length; i++) {
    const v1 = x1[map1 ? map1[i]! : i]! + input1Offset;
    const v2 = x2[map2 ? map2[i]! : i]! + input2Offset;
    let v = multiplyByQuantizedMultiplier(v1 * v2, outputMultiplier, outputShift) + outputOffset;
    v = v < qmin ? qmin : v > qmax ? qmax : v;
    y[i] = v;
  }
}
