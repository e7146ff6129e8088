// The per-channel output stage shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// (src/reference/ops/conv-common.ts requantize).
import { multiplyByQuantizedMultiplier } from './quant';

// @ts-ignore: decorator
@inline
export function requantize(acc: i32, bias: usize, mult: usize, shift: usize, channel: i32, outputOffset: i32, actMin: i32, actMax: i32): i32 {
  const c = <usize>channel << 2;
  const v = multiplyByQuantizedMultiplier(acc + load<i32>(bias + c), load<i32>(mult + c), load<i32>(shift + c)) + outputOffset;
  return v < actMin ? actMin : v > actMax ? actMax : v;
}

// ---- The lowering's requantization table (qparams, codegen/wasm/abi/qparams.ts): folded bias, two forms ----

/** Bytes per group of 4 channels in a qparams table. */
export const QGROUP: usize = 128;

/** Round-to-nearest of float64 v (|v| < 2^51) in the low word: adding 1.5 * 2^52 leaves it in the low mantissa bits. */
const MAGIC: f64 = 6755399441055744.0;
/** The same for float32 (|v| < 2^22): 1.5 * 2^23, and its bit pattern (subtracted to leave the integer). */
const MAGIC32: f32 = 12582912.0;
const MAGIC32_BITS: i32 = 0x4b400000;

/** int8 output of channel `channel` for `acc` (the sum of w * x without the input offset). */
// @ts-ignore: decorator
@inline
export function requantQ(acc: i32, qt: usize, channel: i32, outputOffset: i32, actMin: i32, actMax: i32): i32 {
  const g = qt + (<usize>(channel >> 2)) * QGROUP;
  const l = <usize>(channel & 3);
  let v: i64;
  const form = load<i32>(g, 112);
  if (form >= 3) {
    const p = <f32>(acc + load<i32>(g + (l << 2))) * load<f32>(g + 16 + (l << 2));
    const n = load<f32>(g + 32 + (l << 2)) + (form == 4 && p < 0 ? load<f32>(g + 48 + (l << 2)) : <f32>0.0);
    v = <i64>nearest<f32>(p + n) + <i64>outputOffset;
  } else if (form != 1) {
    const p = <f64>(acc + load<i32>(g + (l << 2))) * load<f64>(g + 16 + (l << 3));
    const n = load<f64>(g + 48 + (l << 3)) + (p < 0 ? load<f64>(g + 80 + (l << 3)) : 0.0);
    v = <i64>nearest<f64>(p + n) + <i64>outputOffset;
  } else {
    const x = (acc + load<i32>(g + (l << 2))) * load<i32>(g + 16 + (l << 2));
    const t: i64 = (<i64>x * <i64>load<i32>(g + 32 + (l << 2)) + (1 << 30)) >> 31;
    const e = <i64>load<i32>(g + 80 + (l << 2));
    v = ((t + (((<i64>1) << e) >> 1) - (t < 0 && e > 0 ? 1 : 0)) >> e) + <i64>outputOffset;
  }
  return v < <i64>actMin ? actMin : v > <i64>actMax ? actMax : <i32>v;
}

/**
 * The four int32 results (before the output offset) of group `g` (a qparams group address) for acc
 * lanes. Forms 0 and 2: one float64 multiply and one add per lane, rounded by the magic constant.
 */
// @ts-ignore: decorator
@inline
export function requant4(acc: v128, g: usize): v128 {
  const form = load<i32>(g, 112);
  if (form == 1) return requant4Integer(acc, g);
  const x = i32x4.add(acc, v128.load(g));
  if (form >= 3) {
    // float32: 4 lanes per op (codegen/wasm/abi/requant-f32.ts proves it for the channel's accumulators)
    const p = f32x4.mul(f32x4.convert_i32x4_s(x), v128.load(g, 16));
    let n = v128.load(g, 32);
    if (form == 4) n = f32x4.add(n, v128.and(f32x4.lt(p, f32x4.splat(0)), v128.load(g, 48)));
    return i32x4.sub(f32x4.add(f32x4.add(p, n), f32x4.splat(MAGIC32)), i32x4.splat(MAGIC32_BITS));
  }
  const pl = f64x2.mul(f64x2.convert_low_i32x4_s(x), v128.load(g, 16));
  const ph = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(x, x, 2, 3, 2, 3)), v128.load(g, 32));
  const magic = f64x2.splat(MAGIC);
  // form 2: every negative p clamps to act_min whichever nudge it gets
  if (form == 2) return i32x4.shuffle(f64x2.add(f64x2.add(pl, v128.load(g, 48)), magic), f64x2.add(f64x2.add(ph, v128.load(g, 64)), magic), 0, 2, 4, 6);
  const zero = f64x2.splat(0);
  const nl = f64x2.add(v128.load(g, 48), v128.and(f64x2.lt(pl, zero), v128.load(g, 80)));
  const nh = f64x2.add(v128.load(g, 64), v128.and(f64x2.lt(ph, zero), v128.load(g, 96)));
  return i32x4.shuffle(f64x2.add(f64x2.add(pl, nl), magic), f64x2.add(f64x2.add(ph, nh), magic), 0, 2, 4, 6);
}

/**
 * requant4 of a form-1 group (exact for every int32): the high-mul as the high words of 2 x m + 2^31;
 * RoundingDivideByPOT as trunc(t * 2^-e + copysign(0.5, t)) in float64 (exact: t * 2^-e + 0.5 needs at
 * most 33 significant bits), read back from the low words of r + 1.5 * 2^52.
 */
function requant4Integer(acc: v128, g: usize): v128 {
  const x = i32x4.mul(i32x4.add(acc, v128.load(g)), v128.load(g, 16));
  const m = v128.load(g, 32);
  const nudge = i64x2.splat(<i64>1 << 31);
  const pl = i64x2.extmul_low_i32x4_s(x, m);
  const ph = i64x2.extmul_high_i32x4_s(x, m);
  const t = i32x4.shuffle(i64x2.add(i64x2.add(pl, pl), nudge), i64x2.add(i64x2.add(ph, ph), nudge), 1, 3, 5, 7);
  const sign = f64x2.splat(-0.0);
  const half = f64x2.splat(0.5);
  const magic = f64x2.splat(MAGIC);
  const tl = f64x2.convert_low_i32x4_s(t);
  const th = f64x2.convert_low_i32x4_s(i32x4.shuffle(t, t, 2, 3, 2, 3));
  const rl = f64x2.add(f64x2.trunc(f64x2.add(f64x2.mul(tl, v128.load(g, 48)), v128.or(v128.and(tl, sign), half))), magic);
  const rh = f64x2.add(f64x2.trunc(f64x2.add(f64x2.mul(th, v128.load(g, 64)), v128.or(v128.and(th, sign), half))), magic);
  return i32x4.shuffle(rl, rh, 0, 2, 4, 6);
}

/** Two requant4 results (8 int32) to 8 int8 (low half of the vector): + offset (saturating), clamp. */
// @ts-ignore: decorator
@inline
export function pack8(a: v128, b: v128, off: v128, lo: v128, hi: v128): v128 {
  const v = i8x16.narrow_i16x8_s(i16x8.add_sat_s(i16x8.narrow_i32x4_s(a, b), off), off);
  return i8x16.min_s(i8x16.max_s(v, lo), hi);
}

/** Four requant4 results (16 int32) to 16 int8: + offset (saturating), clamp. */
// @ts-ignore: decorator
@inline
export function pack16(a: v128, b: v128, c: v128, d: v128, off: v128, lo: v128, hi: v128): v128 {
  const v = i8x16.narrow_i16x8_s(i16x8.add_sat_s(i16x8.narrow_i32x4_s(a, b), off), i16x8.add_sat_s(i16x8.narrow_i32x4_s(c, d), off));
  return i8x16.min_s(i8x16.max_s(v, lo), hi);
}
