// The wasm extension's requantization tables (record field `qparams` of conv2d, dwconv2d and
// fully_connected): what the wasm kernels use instead of bias/multiplier/shift where it is proven exact.
//
// ## Requantization tables (`qparams`, CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED)
// A precomputed per-output-channel table a kernel may use instead of bias/multiplier/shift, emitted only
// with WasmLowerOptions.qparams (the wasm emitter sets it; C has no such field: it would cost flash). 0 = absent:
// not emitted, or the weights or the bias are not constants. It folds the input zero point into the bias — every tap
// of a window counts, so a kernel using it must treat out-of-bounds taps as the input zero point
// (w * (zp + input_offset) = 0) — and spells MultiplyByQuantizedMultiplier without a division. Channels
// are padded to a multiple of 4 (padding channels are all 0); group g (channels 4g..4g+3) is
// QPARAMS_GROUP_BYTES = 128 bytes at table + 128 g, each array holding the group's four channels in order.
// Both forms start with
//   +0   int32   bias_folded[4] = bias + input_offset * sum(filter weights of the channel)  (int32 wrap)
// and end with the form's word at +112 (0 = one rounding in float64, 1 = integer, 2 = form 0 for an
// output clamped at or above its zero point: every r <= 0 clamps alike, so the SIMD path may skip the
// sign-chosen nudge; 3 and 4 = float32, see below) and 12 filler bytes (never zero, nor any other unread byte of a group, so that no
// long run of zero bytes splits the module's data segment). With
// x = acc + bias_folded (int32 wrap; acc = the sum of w * x without the input offset), e = max(-shift, 0),
// ls = max(shift, 0), S = 31 + e, TFLM's MultiplyByQuantizedMultiplier(x, multiplier, shift) is
//   r = floor((x * 2^ls * multiplier + N) / 2^S),  N = 2^30 + 2^(30+e) - (e > 0 && r < 0 ? 2^31 : 0)
// (its two roundings, the high-mul's half-up and RoundingDivideByPOT's half-away-from-zero, as one floor).
// Form 0 (float64), only where the lowering proved it exact for every x the channel can reach (below):
//   +16  float64 scale[4]   = multiplier * 2^(ls - S)
//   +48  float64 nudge[4]   = 2^-(1+e) + 2^-(S+1) for e > 0, else 2^-(S+1)
//   +80  float64 negative[4] = -2^-e for e > 0, else -0    (added to the nudge when p < 0)
//   r = round-to-nearest(p + nudge + (p < 0 ? negative : 0)),  p = float64(x) * scale
// (the nudge is N / 2^S - 1/2 plus half a step of the 2^-S grid, so the sum is never a tie; the sign of p
// may stand for the sign of r because both nudges give r = 0 between them). Exact when the two float64
// roundings stay under half a grid step wherever the clamped output depends on r, i.e. for reachable
// p in [act_min - zp - 1, act_max - zp + 1]; the lowering bounds x from the weights
// (x in [-128, 127] per tap) and the bias, and also requires no int32 wrap of x or x * 2^ls.
// Forms 3 and 4 (float32: 4 lanes per SIMD op), where codegen/wasm/abi/requant-f32.ts proves them for every
// reachable x (they are step functions of x; each clamp-visible step is checked on both sides):
//   +16  float32 scale[4] = fround(multiplier * 2^(ls - S));  +32 float32 nudge[4] = fround(2^-(1+e)) (0: -0)
//   +48  float32 negative[4] = fround(-2^-e) (form 4: added where p < 0; form 3: unused)
//   r = round-to-nearest(fround(fround(fround(x) * scale) + nudge)), via the 1.5 * 2^23 magic constant
// Form 1 (integer, every other group), exactly TFLM's arithmetic for every int32 x:
//   +16  int32   left_mul[4]    = 1 << ls                                              (int32 wrap)
//   +32  int32   multiplier[4]
//   +48  float64 scale[4]       = 2^-e
//   +80  int32   right_shift[4] = e
//   x' = x * left_mul (int32 wrap);  t = (int64(x') * multiplier + 2^30) >> 31 (the high word of
//   2 x' m + 2^31);  r = t / 2^e rounded half away from zero (= trunc(t * scale + copysign(0.5, t)) in float64)
//
import type { Tensor } from '../../../src/ir/graph.js';
import type { LowerContext } from '../../../src/schedule/abi/context.js';
import { constRef, WEIGHTS_ALIGN } from '../../../src/schedule/abi/records.js';
import type { Operand } from '../../../src/schedule/types.js';
import { float32Requant } from './requant-f32.js';

/** QPARAMS_GROUP_BYTES bytes per 4 output channels: the requantization table of the header. */
export const QPARAMS_GROUP_BYTES = 128;
/** Bytes of a group no kernel reads (never zero: zero runs split the module's data segment). */
const FILLER = 0xa5;

/** Per output channel: the sum of its filter weights, and the sums of its positive and negative ones. */
export interface ChannelWeights { sum: number; positive: number; negative: number }

/** The clamped output a table serves: zero point and activation range (int8 values). */
interface OutputRange { zeroPoint: number; actMin: number; actMax: number }

/** Every x = acc + bias a channel can reach: acc sums w * x over int8 inputs x in [-128, 127]. */
function accumulatorRange(w: ChannelWeights, biasFolded: number): { xLo: number; xHi: number } {
  return { xLo: -128 * w.positive - 127 * w.negative + biasFolded, xHi: 127 * w.positive + 128 * w.negative + biasFolded };
}

/**
 * Whether form 0 of the table (see the header) is exact for a channel: every reachable x = acc + bias
 * (acc over int8 inputs) gives TFLM's clamped output.
 */
export function floatRequantExact(w: ChannelWeights, biasFolded: number, multiplier: number, shift: number, out: OutputRange): boolean {
  const e = Math.max(-shift, 0), ls = Math.max(shift, 0), S = 31 + e;
  const { xLo, xHi } = accumulatorRange(w, biasFolded);
  const xMax = Math.max(Math.abs(xLo), Math.abs(xHi));
  if (xMax * 2 ** ls >= 2 ** 31) return false; // TFLM would wrap in int32; float64 does not
  if (multiplier === 0) return true;
  if (multiplier < 0) return false;
  const scale = multiplier * 2 ** (ls - S);
  // where the clamped output follows r: p in [lo, hi]; elsewhere an error of one in r cannot show
  const lo = Math.max(out.actMin - out.zeroPoint - 1, xLo * scale), hi = Math.min(out.actMax - out.zeroPoint + 1, xHi * scale);
  if (lo > hi) return true;
  const p = Math.max(Math.abs(lo), Math.abs(hi));
  const productExact = xMax * multiplier * 2 ** ls < 2 ** 53;
  // each float64 rounding errs by at most |value| * 2^-53; together under half of the 2^-S grid step
  return ((productExact ? 0 : p) + p + 1) < 2 ** (52 - S);
}

/**
 * The requantization table (see the header) of `channels` output channels; `weights(c)` describes
 * channel c's filter weights. 0 when the filter or the bias is not a constant.
 */
export function qparamsRef(
  ctx: LowerContext, channels: number, filter: Tensor | null, biasOperand: Operand | undefined, weights: (w: Int8Array, c: number) => ChannelWeights,
  inputOffset: number, multiplier: number[], shift: number[], out: OutputRange,
): number {
  if (!filter?.data || filter.dtype !== 'int8') return 0;
  let bias: Int32Array | null = null;
  if (biasOperand) {
    if (!('constant' in biasOperand)) return 0;
    const b = ctx.graph.tensors[biasOperand.constant]!;
    if (!b.data || b.dtype !== 'int32') return 0;
    bias = new Int32Array(b.data.slice().buffer, 0, channels);
  }
  if (multiplier.some((m) => m === -0x80000000)) return 0;
  const w = new Int8Array(filter.data.buffer, filter.data.byteOffset, filter.data.byteLength);
  const groups = Math.ceil(channels / 4);
  const G = QPARAMS_GROUP_BYTES;
  const table = new DataView(new ArrayBuffer(groups * G));
  for (let g = 0; g < groups; g++) {
    const at = g * G;
    const lanes = Array.from({ length: Math.min(4, channels - 4 * g) }, (_, lane) => {
      const c = 4 * g + lane;
      const stats = weights(w, c);
      const biasFolded = ((bias ? bias[c]! : 0) + Math.imul(inputOffset, stats.sum)) | 0;
      const range = { ...accumulatorRange(stats, biasFolded), ...out };
      const int32 = range.xLo * 2 ** Math.max(shift[c]!, 0) > -(2 ** 31) && range.xHi * 2 ** Math.max(shift[c]!, 0) < 2 ** 31;
      return {
        c, biasFolded, exact: floatRequantExact(stats, biasFolded, multiplier[c]!, shift[c]!, out),
        single: int32 ? float32Requant(multiplier[c]!, shift[c]!, range, false) : null,
        selected: int32 ? float32Requant(multiplier[c]!, shift[c]!, range, true) : null,
      };
    });
    const form = lanes.every((l) => l.single) ? 3 : lanes.every((l) => l.selected) ? 4
      : !lanes.every((l) => l.exact) ? 1 : out.actMin >= out.zeroPoint ? 2 : 0;
    table.setInt32(at + 112, form, true);
    for (let b = 116; b < G; b++) table.setUint8(at + b, FILLER);
    if (form === 1) for (let b = 96; b < 112; b++) table.setUint8(at + b, FILLER);
    if (form >= 3) for (let b = 64; b < 112; b++) table.setUint8(at + b, FILLER);
    for (const { c, biasFolded, single, selected } of lanes) {
      const lane = c % 4;
      const e = Math.max(-shift[c]!, 0), ls = Math.max(shift[c]!, 0), S = 31 + e;
      table.setInt32(at + lane * 4, biasFolded, true);
      if (form >= 3) {
        const k = (form === 3 ? single : selected)!;
        table.setFloat32(at + 16 + lane * 4, k.scale, true);
        table.setFloat32(at + 32 + lane * 4, k.nudge === 0 ? -0 : k.nudge, true);
        table.setFloat32(at + 48 + lane * 4, k.negative === 0 ? -0 : k.negative, true);
      } else if (form !== 1) {
        // -0 rather than 0 (the same sums): runs of zero bytes would split the module's data segment
        table.setFloat64(at + 16 + lane * 8, multiplier[c]! === 0 ? -0 : multiplier[c]! * 2 ** (ls - S), true);
        table.setFloat64(at + 48 + lane * 8, (e > 0 ? 2 ** -(1 + e) : 0) + 2 ** -(S + 1), true);
        table.setFloat64(at + 80 + lane * 8, e > 0 ? -(2 ** -e) : -0, true);
      } else {
        table.setInt32(at + 16 + lane * 4, 2 ** ls | 0, true);
        table.setInt32(at + 32 + lane * 4, multiplier[c]!, true);
        table.setFloat64(at + 48 + lane * 8, 2 ** -e, true);
        table.setInt32(at + 80 + lane * 4, e, true);
      }
    }
  }
  return constRef(ctx.consts.add(new Uint8Array(table.buffer), WEIGHTS_ALIGN));
}

/** Sum, positive sum and negative sum (magnitude) of the weights at `from + i * step`, i < count. */
export function channelWeights(v: Int8Array, from: number, count: number, step: number): ChannelWeights {
  let sum = 0, positive = 0, negative = 0;
  for (let i = 0, k = from; i < count; i++, k += step) {
    const x = v[k]!;
    sum += x;
    if (x > 0) positive += x;
    else negative -= x;
  }
  return { sum, positive, negative };
}
