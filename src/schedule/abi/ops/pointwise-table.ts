// The compile-time channel records of a pointwise CONV_2D over 8 input channels (conv.c's conv_pw8_run): the C
// kernel runs each pixel's 8 inputs, sign-extended once in registers, against every channel's record, so the
// filter, bias and requantization are read in the order the loop reads them, two LDMs a channel.
import type { Graph } from '../../../ir/graph.js';
import type { Operand } from '../../types.js';

/** Int32 words per channel: 2 (bias + offset * sum w), the weights doubled as int16 pairs (0,2) (1,3) (4,6) (5,7), m, hc, sh. */
export const PW8_WORDS = 8;

export interface Pw8Layer {
  inDepth: number;
  filterH: number;
  filterW: number;
  stride: readonly [number, number];
  padTop: number;
  padLeft: number;
  inputOffset: number;
  outputOffset: number;
  clamp: readonly [number, number];
  multiplier: ArrayLike<number>;
  shift: ArrayLike<number>;
}

/** An int32 constant's values (little-endian), or zeros when the operand is missing. */
function int32s(graph: Graph, o: Operand | undefined, n: number): Int32Array | null {
  if (!o) return new Int32Array(n);
  if (!('constant' in o)) return null;
  const t = graph.tensors[o.constant]!;
  if (t.dtype !== 'int32' || !t.data || t.data.byteLength < 4 * n) return null;
  const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Int32Array.from({ length: n }, (_, c) => v.getInt32(4 * c, true));
}

/**
 * The records, or null when the layer is not one the kernel takes: 1x1, stride 1, no pads, 8 input channels, the
 * full int8 output range (the loop clamps by SSAT alone), constant int8 weights and biases, and every channel in
 * conv.c's doubled requantization (tf_rqd_init: m >= 0, shift -21..-1, |output offset| <= 256; |bias| + 8 * 128 *
 * (128 + |input offset|) < 2^30, so each doubled accumulator is exact in int32 whatever the order of its sums).
 */
export function pointwise8Records(graph: Graph, layer: Pw8Layer, filter: Operand | undefined, bias: Operand | undefined, outDepth: number): Int32Array | null {
  const { inputOffset: off, outputOffset } = layer;
  if (layer.inDepth !== 8 || layer.filterH !== 1 || layer.filterW !== 1 || layer.stride[0] !== 1 || layer.stride[1] !== 1) return null;
  if (layer.padTop !== 0 || layer.padLeft !== 0 || layer.clamp[0] !== -128 || layer.clamp[1] !== 127) return null;
  if (Math.abs(off) > 256 || Math.abs(outputOffset) > 256 || !filter || !('constant' in filter)) return null;
  const w = graph.tensors[filter.constant]!;
  if (w.dtype !== 'int8' || w.lut || !w.data || w.data.byteLength !== 8 * outDepth) return null;
  const b = int32s(graph, bias, outDepth);
  if (!b) return null;
  const dot = 8 * 128 * (128 + Math.abs(off));
  const wv = new Int8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
  const out = new Int32Array(PW8_WORDS * outDepth);
  const pair = (lo: number, hi: number) => ((2 * lo) & 0xffff) | ((2 * hi) << 16);
  for (let c = 0; c < outDepth; c++) {
    const m = layer.multiplier[layer.multiplier.length > 1 ? c : 0]!;
    const shift = m === 0 ? -1 : layer.shift[layer.shift.length > 1 ? c : 0]!;
    if (m < 0 || shift > -1 || shift < -21 || Math.abs(b[c]!) + dot >= 2 ** 30) return null;
    const r = -shift;
    const row = wv.subarray(8 * c, 8 * c + 8);
    const sum = row.reduce((s, v) => s + v, 0);
    const o = out.subarray(PW8_WORDS * c);
    o[0] = 2 * (b[c]! + off * sum);
    o[1] = pair(row[0]!, row[2]!);
    o[2] = pair(row[1]!, row[3]!);
    o[3] = pair(row[4]!, row[6]!);
    o[4] = pair(row[5]!, row[7]!);
    o[5] = m;
    o[6] = 2 ** (r - 1) + outputOffset * 2 ** r; // tf_rqd_init's hc: |hc| < 2^30 for r <= 21
    o[7] = r;
  }
  return out;
}
