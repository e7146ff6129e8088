// The compile-time channel records of a pointwise CONV_2D over 8 or 16 input channels (conv.c's conv_pw8_run /
// conv_pw16_run): the C kernel runs each pixel's inputs, sign-extended once in registers, against every channel's
// record, so the filter, bias and requantization are read in the order the loop reads them, by LDMs.
import type { Graph } from '../../../ir/graph.js';
import type { Operand } from '../../types.js';

/** The input depths that get records. */
export const PW_RECORD_DEPTHS: readonly number[] = [8, 16];

/**
 * Int32 words per channel at input depth `inDepth`: 2 (bias + offset * sum w), the weights doubled as int16 pairs in
 * SXTB16's order, (0,2) (1,3) (4,6) (5,7) ... (a pair per two inputs), m, hc, then sh with 256 added on the last channel
 * (ASR reads the low byte; the loop ends on it).
 */
export const pwRecordWords = (inDepth: number): number => 4 + inDepth / 2;

export interface PwLayer {
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
export function int32s(graph: Graph, o: Operand | undefined, n: number): Int32Array | null {
  if (!o) return new Int32Array(n);
  if (!('constant' in o)) return null;
  const t = graph.tensors[o.constant]!;
  if (t.dtype !== 'int32' || !t.data || t.data.byteLength < 4 * n) return null;
  const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return Int32Array.from({ length: n }, (_, c) => v.getInt32(4 * c, true));
}

/** Channel c's value of a quantization array per channel (or per tensor: one value). */
export const perChannel = (a: ArrayLike<number>, c: number): number => a[a.length > 1 ? c : 0]!;

/**
 * Channel c's m, hc, r in conv.c's doubled requantization as the records hold it (tf_rqd_init: m >= 0, shift -21..-1, m = 0
 * as shift -1; hc = 2^(r-1) + output offset 2^r, |hc| < 2^30 for r <= 21), or null when the channel has no such form.
 */
export function doubledRequant(layer: { multiplier: ArrayLike<number>; shift: ArrayLike<number>; outputOffset: number }, c: number): [number, number, number] | null {
  const m = perChannel(layer.multiplier, c);
  const shift = m === 0 ? -1 : perChannel(layer.shift, c);
  if (m < 0 || shift > -1 || shift < -21) return null;
  const r = -shift;
  return [m, 2 ** (r - 1) + layer.outputOffset * 2 ** r, r];
}

/** Two weights doubled into one word of int16 lanes (an SMLAD operand: `lo` in the low half). */
export const doubledPair = (lo: number, hi: number): number => ((2 * lo) & 0xffff) | ((2 * hi) << 16);

/**
 * Whether the layer's geometry and quantization take the records (the kernel symbol conv2d_s8_pw_rec is chosen from this,
 * the layer alone): 1x1, stride 1, no pads, 8 or 16 input channels, the full int8 output range (the loop clamps by SSAT
 * alone), |offsets| <= 256 and every channel in conv.c's doubled requantization.
 */
export function pointwiseRecordsFit(layer: PwLayer, outDepth: number): boolean {
  if (!PW_RECORD_DEPTHS.includes(layer.inDepth) || outDepth < 1 || layer.filterH !== 1 || layer.filterW !== 1 || layer.stride[0] !== 1 || layer.stride[1] !== 1) return false;
  if (layer.padTop !== 0 || layer.padLeft !== 0 || layer.clamp[0] !== -128 || layer.clamp[1] !== 127) return false;
  if (Math.abs(layer.inputOffset) > 256 || Math.abs(layer.outputOffset) > 256) return false;
  for (let c = 0; c < outDepth; c++) if (doubledRequant(layer, c) === null) return false;
  return true;
}

/**
 * The records, or null when the layer is not one the kernel takes (pointwiseRecordsFit), its weights or biases are not
 * constant int8 / int32, or a bias is too large: |bias| + depth * 128 * (128 + |input offset|) < 2^30, so each doubled
 * accumulator is exact in int32 whatever the order of its sums. Without records conv2d_s8_pw_rec runs conv2d_s8_pw's path.
 */
export function pointwiseRecords(graph: Graph, layer: PwLayer, filter: Operand | undefined, bias: Operand | undefined, outDepth: number): Int32Array | null {
  const off = layer.inputOffset;
  const depth = layer.inDepth;
  if (!pointwiseRecordsFit(layer, outDepth) || !filter || !('constant' in filter)) return null;
  const w = graph.tensors[filter.constant]!;
  if (w.dtype !== 'int8' || w.lut || !w.data || w.data.byteLength !== depth * outDepth) return null;
  const b = int32s(graph, bias, outDepth);
  if (!b) return null;
  const dot = depth * 128 * (128 + Math.abs(off));
  const words = pwRecordWords(depth);
  const wv = new Int8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
  const out = new Int32Array(words * outDepth);
  for (let c = 0; c < outDepth; c++) {
    if (Math.abs(b[c]!) + dot >= 2 ** 30) return null;
    const [m, hc, r] = doubledRequant(layer, c)!;
    const row = wv.subarray(depth * c, depth * c + depth);
    const sum = row.reduce((s, v) => s + v, 0);
    const o = out.subarray(words * c);
    o[0] = 2 * (b[c]! + off * sum);
    // each input word k (inputs 4k..4k+3) as SXTB16 splits it: (4k, 4k+2), then (4k+1, 4k+3)
    for (let k = 0; k < depth / 4; k++) {
      o[1 + 2 * k] = doubledPair(row[4 * k]!, row[4 * k + 2]!);
      o[2 + 2 * k] = doubledPair(row[4 * k + 1]!, row[4 * k + 3]!);
    }
    o[words - 3] = m;
    o[words - 2] = hc;
    o[words - 1] = c === outDepth - 1 ? r + 256 : r;
  }
  return out;
}
