// The compile-time channel-pair records of a 3x3 CONV_2D over 3 input channels (an RGB first convolution: conv.c's
// conv3_rec_run): the C kernel runs two pixels' columns (the inputs as int16, -input offset outside the image:
// conv3_rec_fill) against two channels' weights already doubled and widened to int16 pairs in the column's order, from
// 2 (bias + input offset * sum w), so its inner loop is LDMs and SMLADs and the accumulators are conv.c's doubled ones.
import type { Graph } from '../../../ir/graph.js';
import { clampTo, multiplyByQuantizedMultiplier } from '../../../ir/quant.js';
import type { Operand } from '../../types.js';
import { doubledPair, doubledRequant, int32s, perChannel } from './pointwise-table.js';

/** Window elements: 3x3 taps over 3 channels, the column's 28th place times a 0 weight. */
const TAPS = 27;
const GROUPS = 7;

/**
 * Int32 words per pair of channels (A, B): 2 (bias + input offset * sum w) of A, A, B, B (the accumulators of A at pixels
 * 0, 1 and B at 0, 1), then per group of 4 taps A's doubled weights as pairs (k0, k2), (k1, k3) and B's, then m, hc, sh of A and of B, the last pair's B sh with 256
 * added (ASR reads the low byte; the loop ends on it).
 */
export const CONV3_PAIR_WORDS = 4 + 4 * GROUPS + 6;

export interface Conv3Layer {
  inDepth: number;
  filterH: number;
  filterW: number;
  dilation: readonly [number, number];
  inputOffset: number;
  outputOffset: number;
  clamp: readonly [number, number];
  multiplier: ArrayLike<number>;
  shift: ArrayLike<number>;
}

/**
 * Whether the layer takes the records (the kernel symbol conv2d_s8_3x3c3_rec is chosen from this, the layer alone): 3x3
 * over 3 channels with dilation 1, an even number of output channels, the full int8 output range (the loop clamps by
 * SSAT alone), |offsets| <= 256 and every channel's multiplier >= 0 with shift <= 0 (the doubled form, or a channel
 * whose output the records prove constant).
 */
export function conv3RecordsFit(layer: Conv3Layer, outDepth: number): boolean {
  if (layer.inDepth !== 3 || layer.filterH !== 3 || layer.filterW !== 3 || layer.dilation[0] !== 1 || layer.dilation[1] !== 1) return false;
  if (outDepth < 2 || outDepth % 2 !== 0 || layer.clamp[0] !== -128 || layer.clamp[1] !== 127) return false;
  if (Math.abs(layer.inputOffset) > 256 || Math.abs(layer.outputOffset) > 256) return false;
  for (let c = 0; c < outDepth; c++) if (perChannel(layer.multiplier, c) < 0 || perChannel(layer.shift, c) > 0) return false;
  return true;
}

/**
 * Channel c's m, hc, sh: the doubled form (tf_rqd_init: shift -21..-1, m = 0 as shift -1), else m = 0, hc = 2 v + 1, sh = 1
 * (tf_rqd_apply gives v whatever the accumulator) when TFLM's output v is the same at both ends of the reachable
 * accumulators [bias - dot, bias + dot] (non-decreasing in them for m >= 0, shift <= 0); else null.
 */
function channelRequant(layer: Conv3Layer, c: number, bias: number, dot: number): [number, number, number] | null {
  const doubled = doubledRequant(layer, c);
  if (doubled) return doubled;
  const m = perChannel(layer.multiplier, c), shift = perChannel(layer.shift, c);
  const out = (v: number) => clampTo(multiplyByQuantizedMultiplier(v, m, shift) + layer.outputOffset, [-128, 127]);
  const lo = bias - dot, hi = bias + dot;
  if (lo < -(2 ** 31) || hi >= 2 ** 31 || out(lo) !== out(hi)) return null;
  return [0, 2 * out(lo) + 1, 1];
}

/**
 * The records, or null when the layer is not one the kernel takes (conv3RecordsFit), its weights or biases are not
 * constant int8 / int32, a bias is too large (|bias| + 27 * 128 * (128 + |input offset|) < 2^30, so each doubled
 * accumulator is exact in int32) or a channel has neither requantization form. Without records conv2d_s8_3x3c3_rec
 * runs conv2d_s8_3x3c3's path.
 */
export function conv3Records(graph: Graph, layer: Conv3Layer, filter: Operand | undefined, bias: Operand | undefined, outDepth: number): Int32Array | null {
  if (!conv3RecordsFit(layer, outDepth) || !filter || !('constant' in filter)) return null;
  const w = graph.tensors[filter.constant]!;
  if (w.dtype !== 'int8' || w.lut || !w.data || w.data.byteLength !== TAPS * outDepth) return null;
  const b = int32s(graph, bias, outDepth);
  if (!b) return null;
  const dot = TAPS * 128 * (128 + Math.abs(layer.inputOffset));
  const wv = new Int8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
  const out = new Int32Array((CONV3_PAIR_WORDS * outDepth) / 2);
  // weight k of channel c (k = 27: the column's padding, 0); the column's pairs are (k0, k2) and (k1, k3) of each group
  const tap = (c: number, k: number) => (k < TAPS ? wv[TAPS * c + k]! : 0);
  const pair = (c: number, k0: number, k1: number) => doubledPair(tap(c, k0), tap(c, k1));
  const folded = (c: number) => 2 * (b[c]! + layer.inputOffset * wv.subarray(TAPS * c, TAPS * c + TAPS).reduce((s, v) => s + v, 0));
  for (let c = 0; c < outDepth; c += 2) {
    if (Math.abs(b[c]!) + dot >= 2 ** 30 || Math.abs(b[c + 1]!) + dot >= 2 ** 30) return null;
    const rqA = channelRequant(layer, c, b[c]!, dot), rqB = channelRequant(layer, c + 1, b[c + 1]!, dot);
    if (!rqA || !rqB) return null;
    const o = out.subarray((CONV3_PAIR_WORDS * c) / 2);
    o.set([folded(c), folded(c), folded(c + 1), folded(c + 1)]);
    for (let g = 0; g < GROUPS; g++) {
      const k = 4 * g;
      o.set([pair(c, k, k + 2), pair(c, k + 1, k + 3), pair(c + 1, k, k + 2), pair(c + 1, k + 1, k + 3)], 4 + 4 * g);
    }
    o.set([...rqA, ...rqB], 4 + 4 * GROUPS);
    if (c === outDepth - 2) o[CONV3_PAIR_WORDS - 1]! += 256;
  }
  return out;
}
