// CONV_2D 16x8: int16 activations (zero points 0), int8 filter, int64 bias and accumulator. Spec: the int16
// path of src/reference/ops/conv.ts (TFLM's reference_integer_ops::ConvPerChannel for int16). The bias is
// int64 stored as two words, low first.
import {
  FULLY_CONNECTED_INPUT, FULLY_CONNECTED_OUTPUT, FULLY_CONNECTED_FILTER, FULLY_CONNECTED_BIAS, FULLY_CONNECTED_MULTIPLIER, FULLY_CONNECTED_SHIFT,
  FULLY_CONNECTED_BATCHES, FULLY_CONNECTED_UNITS, FULLY_CONNECTED_DEPTH, FULLY_CONNECTED_OUTPUT_OFFSET, FULLY_CONNECTED_ACT_MIN, FULLY_CONNECTED_ACT_MAX,
} from './abi';
import { convRecord } from './conv-record';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier64 } from './quant';
import { tapBegin, tapEnd } from './window';

/**
 * Taps of a 16x8 partial sum kept in i32: |int16 x int8| <= 2^22, so 256 of them sum to at most 2^30 and
 * never wrap; added into the i64 accumulator every <= 256 taps, the sum is TFLM's 64-bit one exactly.
 */
export const BLOCK16: i32 = 256;

/** sum_{k < n} w[k] * (x[k] + off), n <= BLOCK16 (exact in i32); SIMD over 8 taps when x + off fits i16. */
// @ts-ignore: decorator
@inline
function dotPart<T>(x: usize, w: usize, n: i32, off: i32): i32 {
  let part: i32 = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD && (sizeof<T>() == 1 || off == 0)) {
    const o = i16x8.splat(<i16>off);
    let v = i32x4.splat(0);
    for (; k + 8 <= n; k += 8) {
      const xv = sizeof<T>() == 1 ? i16x8.add(v128.load8x8_s(x + <usize>k), o) : v128.load(x + (<usize>k << 1));
      v = i32x4.add(v, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w + <usize>k)));
    }
    part = i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
  }
  for (; k < n; k++) part += <i32>load<i8>(w + <usize>k) * (<i32>load<T>(x + (<usize>k << alignof<T>())) + off);
  return part;
}

/**
 * sum_k w[k] * (x[k] + off) in i64 (x: i8 or i16 elements), with partial sums of BLOCK16 taps in i32: the
 * inner loop of the 16x8 kernels and TRANSPOSE_CONV.
 */
// @ts-ignore: decorator
@inline
export function dot64<T>(x: usize, w: usize, n: i32, off: i32): i64 {
  let acc: i64 = 0;
  for (let i = 0; i < n; i += BLOCK16) {
    acc += <i64>dotPart<T>(x + (<usize>i << alignof<T>()), w + <usize>i, min(n - i, BLOCK16), off);
  }
  return acc;
}

/**
 * SIMD: the four sums sum_{k < n} w[j * ws + k] * x[k] (int16 x, int8 rows j = 0..3), n <= BLOCK16, as the
 * lanes of an i32x4: each input vector is loaded once for four filter rows.
 */
// @ts-ignore: decorator
@inline
function dotPart4(x: usize, w: usize, ws: usize, n: i32): v128 {
  const w1 = w + ws, w2 = w1 + ws, w3 = w2 + ws;
  let r = i32x4.splat(0);
  let k = 0;
  if (n >= 8) { // the vector part (its final transposition) only when there is one
    let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
    for (; k + 8 <= n; k += 8) {
      const xv = v128.load(x + (<usize>k << 1)), o = <usize>k;
      a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w + o)));
      a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w1 + o)));
      a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w2 + o)));
      a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w3 + o)));
    }
    // lane j of r = the sum of a_j's lanes
    const t01 = i32x4.add(i32x4.shuffle(a0, a1, 0, 1, 4, 5), i32x4.shuffle(a0, a1, 2, 3, 6, 7));
    const t23 = i32x4.add(i32x4.shuffle(a2, a3, 0, 1, 4, 5), i32x4.shuffle(a2, a3, 2, 3, 6, 7));
    r = i32x4.add(i32x4.shuffle(t01, t23, 0, 2, 4, 6), i32x4.shuffle(t01, t23, 1, 3, 5, 7));
  }
  if (k < n) {
    let s0: i32 = 0, s1: i32 = 0, s2: i32 = 0, s3: i32 = 0;
    for (; k < n; k++) {
      const xv = <i32>load<i16>(x + (<usize>k << 1)), o = <usize>k;
      s0 += xv * <i32>load<i8>(w + o);
      s1 += xv * <i32>load<i8>(w1 + o);
      s2 += xv * <i32>load<i8>(w2 + o);
      s3 += xv * <i32>load<i8>(w3 + o);
    }
    r = i32x4.add(r, i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(s0), 1, s1), 2, s2), 3, s3));
  }
  return r;
}

/** The 16x8 output: (acc + bias) requantized with channel c's multiplier and shift, offset and clamped. */
// @ts-ignore: decorator
@inline
function out16(o: usize, acc: i64, c: i32, bias: usize, mult: usize, shift: usize, outOffset: i32, lo: i32, hi: i32): void {
  const v = multiplyByQuantizedMultiplier64(acc + load<i64>(bias + (<usize>c << 3)), load<i32>(mult + (<usize>c << 2)), load<i32>(shift + (<usize>c << 2))) + outOffset;
  store<i16>(o, <i16>clampI32(v, lo, hi));
}

export function conv2d_s16(args: usize): void {
  const a = convRecord(args);
  const x = a.input, w = a.filter, bias = a.bias, mult = a.multiplier, shift = a.shift, y = a.output;
  const batches = a.batches, inH = a.inH, inW = a.inW, inDepth = a.inDepth, outH = a.outH, outW = a.outW, outDepth = a.outDepth;
  const kh = a.filterH, kw = a.filterW, fd = a.filterDepth;
  const sh = a.strideH, sw = a.strideW, dh = a.dilationH, dw = a.dilationW, padTop = a.padTop, padLeft = a.padLeft;
  const outOffset = a.outputOffset, lo = a.actMin, hi = a.actMax;
  if (ASC_FEATURE_SIMD && fd == inDepth && dw == 1) {
    convSimd16(x, w, bias, mult, shift, y, batches, inH, inW, inDepth, outH, outW, outDepth, kh, kw, sh, sw, dh, padTop, padLeft, outOffset, lo, hi);
    return;
  }
  const perGroup = outDepth / (inDepth / fd);
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, inH, kh);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft, kx0 = tapBegin(ix0, dw), kx1 = tapEnd(ix0, dw, inW, kw);
        for (let oc = 0; oc < outDepth; oc++) {
          const inBase = (oc / perGroup) * fd;
          let acc: i64 = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            const iy = iy0 + dh * ky;
            for (let kx = kx0; kx < kx1; kx++) {
              const ix = ix0 + dw * kx;
              const xp = x + ((<usize>(((n * inH + iy) * inW + ix) * inDepth + inBase)) << 1);
              const wp = w + <usize>(((oc * kh + ky) * kw + kx) * fd);
              acc += dot64<i16>(xp, wp, fd, 0);
            }
          }
          out16(o, acc, oc, bias, mult, shift, outOffset, lo, hi);
          o += 2;
        }
      }
    }
  }
}

/**
 * CONV_2D 16x8 with one group and dilation_w 1 (SIMD): per output pixel and filter row the in-bounds taps
 * are one contiguous run of input and of each filter row, taken four output channels at a time (dotPart4)
 * in i32 partial sums of at most BLOCK16 taps added into two i64x2 accumulators.
 */
function convSimd16(
  x: usize, w: usize, bias: usize, mult: usize, shift: usize, y: usize, batches: i32, inH: i32, inW: i32, inDepth: i32,
  outH: i32, outW: i32, outDepth: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, padTop: i32, padLeft: i32,
  outOffset: i32, lo: i32, hi: i32,
): void {
  const window = kh * kw * inDepth, ws = <usize>window;
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, inH, kh);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft;
        const kx0 = tapBegin(ix0, 1), kx1 = tapEnd(ix0, 1, inW, kw);
        const run = (kx1 - kx0) * inDepth, rows = run > 0 ? ky1 : 0;
        const xRow = x + (<usize>((n * inH * inW + ix0 + kx0) * inDepth) << 1);
        let oc = 0;
        for (; oc + 4 <= outDepth; oc += 4) {
          let accLo = i64x2.splat(0), accHi = i64x2.splat(0), part = i32x4.splat(0);
          let taps = 0;
          const wOc = w + <usize>(oc * window + kx0 * inDepth);
          for (let ky = ky0; ky < rows; ky++) {
            const iy = iy0 + dh * ky;
            const xp = xRow + (<usize>(iy * inW * inDepth) << 1), wp = wOc + <usize>(ky * kw * inDepth);
            for (let i = 0; i < run; i += BLOCK16) {
              const len = min(run - i, BLOCK16);
              if (taps + len > BLOCK16) {
                accLo = i64x2.add(accLo, i64x2.extend_low_i32x4_s(part));
                accHi = i64x2.add(accHi, i64x2.extend_high_i32x4_s(part));
                part = i32x4.splat(0);
                taps = 0;
              }
              part = i32x4.add(part, dotPart4(xp + (<usize>i << 1), wp + <usize>i, ws, len));
              taps += len;
            }
          }
          accLo = i64x2.add(accLo, i64x2.extend_low_i32x4_s(part));
          accHi = i64x2.add(accHi, i64x2.extend_high_i32x4_s(part));
          out16(o, i64x2.extract_lane(accLo, 0), oc, bias, mult, shift, outOffset, lo, hi);
          out16(o + 2, i64x2.extract_lane(accLo, 1), oc + 1, bias, mult, shift, outOffset, lo, hi);
          out16(o + 4, i64x2.extract_lane(accHi, 0), oc + 2, bias, mult, shift, outOffset, lo, hi);
          out16(o + 6, i64x2.extract_lane(accHi, 1), oc + 3, bias, mult, shift, outOffset, lo, hi);
          o += 8;
        }
        for (; oc < outDepth; oc++) {
          let acc: i64 = 0;
          const wOc = w + <usize>(oc * window + kx0 * inDepth);
          for (let ky = ky0; ky < rows; ky++) {
            const iy = iy0 + dh * ky;
            acc += dot64<i16>(xRow + (<usize>(iy * inW * inDepth) << 1), wOc + <usize>(ky * kw * inDepth), run, 0);
          }
          out16(o, acc, oc, bias, mult, shift, outOffset, lo, hi);
          o += 2;
        }
      }
    }
  }
}

// FULLY_CONNECTED 16x8: spec the int16 path of src/reference/ops/fully-connected.ts (TFLM's int16
// FullyConnected / FullyConnectedPerChannel): no offsets, int64 bias, multiplier and shift per unit.
export function fully_connected_s16(args: usize): void {
  const x = ptr(args, FULLY_CONNECTED_INPUT), w = ptr(args, FULLY_CONNECTED_FILTER), bias = ptr(args, FULLY_CONNECTED_BIAS);
  const mult = ptr(args, FULLY_CONNECTED_MULTIPLIER), shift = ptr(args, FULLY_CONNECTED_SHIFT), y = ptr(args, FULLY_CONNECTED_OUTPUT);
  const batches = arg(args, FULLY_CONNECTED_BATCHES), units = arg(args, FULLY_CONNECTED_UNITS), depth = arg(args, FULLY_CONNECTED_DEPTH);
  const outOffset = arg(args, FULLY_CONNECTED_OUTPUT_OFFSET), lo = arg(args, FULLY_CONNECTED_ACT_MIN), hi = arg(args, FULLY_CONNECTED_ACT_MAX);
  let o: usize = y;
  for (let b = 0; b < batches; b++) {
    const xr = x + (<usize>(b * depth) << 1);
    let u = 0;
    if (ASC_FEATURE_SIMD) {
      // four units at a time, each input vector loaded once for the four weight rows
      for (; u + 4 <= units; u += 4) {
        let accLo = i64x2.splat(0), accHi = i64x2.splat(0);
        const wu = w + <usize>(u * depth);
        for (let i = 0; i < depth; i += BLOCK16) {
          const part = dotPart4(xr + (<usize>i << 1), wu + <usize>i, <usize>depth, min(depth - i, BLOCK16));
          accLo = i64x2.add(accLo, i64x2.extend_low_i32x4_s(part));
          accHi = i64x2.add(accHi, i64x2.extend_high_i32x4_s(part));
        }
        out16(o, i64x2.extract_lane(accLo, 0), u, bias, mult, shift, outOffset, lo, hi);
        out16(o + 2, i64x2.extract_lane(accLo, 1), u + 1, bias, mult, shift, outOffset, lo, hi);
        out16(o + 4, i64x2.extract_lane(accHi, 0), u + 2, bias, mult, shift, outOffset, lo, hi);
        out16(o + 6, i64x2.extract_lane(accHi, 1), u + 3, bias, mult, shift, outOffset, lo, hi);
        o += 8;
      }
    }
    for (; u < units; u++) {
      out16(o, dot64<i16>(xr, w + <usize>(u * depth), depth, 0), u, bias, mult, shift, outOffset, lo, hi);
      o += 2;
    }
  }
}

// DEPTHWISE_CONV_2D 16x8: spec the int16 path of src/reference/ops/depthwise.ts (TFLM's int16
// DepthwiseConvPerChannel): channel oc = ic * M + m reads input channel ic; no offsets, int64 bias.
export function dwconv2d_s16(args: usize): void {
  const a = convRecord(args);
  const x = a.input, w = a.filter, bias = a.bias, mult = a.multiplier, shift = a.shift, y = a.output;
  const batches = a.batches, inH = a.inH, inW = a.inW, inDepth = a.inDepth, outH = a.outH, outW = a.outW, outDepth = a.outDepth;
  const kh = a.filterH, kw = a.filterW, m = a.depthMultiplier;
  const sh = a.strideH, sw = a.strideW, dh = a.dilationH, dw = a.dilationW, padTop = a.padTop, padLeft = a.padLeft;
  const outOffset = a.outputOffset, lo = a.actMin, hi = a.actMax;
  if (ASC_FEATURE_SIMD && m == 1 && kh * kw <= BLOCK16) {
    dwSimd16(x, w, bias, mult, shift, y, batches, inH, inW, inDepth, outH, outW, kh, kw, sh, sw, dh, dw, padTop, padLeft, outOffset, lo, hi);
    return;
  }
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, inH, kh);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft, kx0 = tapBegin(ix0, dw), kx1 = tapEnd(ix0, dw, inW, kw);
        for (let oc = 0; oc < outDepth; oc++) {
          const ic = oc / m;
          let acc: i64 = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            const iy = iy0 + dh * ky;
            for (let kx = kx0; kx < kx1; kx++) {
              const ix = ix0 + dw * kx;
              const xv = <i32>load<i16>(x + (<usize>(((n * inH + iy) * inW + ix) * inDepth + ic) << 1));
              acc += <i64>(xv * <i32>load<i8>(w + <usize>((ky * kw + kx) * outDepth + oc)));
            }
          }
          out16(o, acc, oc, bias, mult, shift, outOffset, lo, hi);
          o += 2;
        }
      }
    }
  }
}

/**
 * DEPTHWISE_CONV_2D 16x8 with depth multiplier 1 and at most BLOCK16 taps (SIMD): eight channels at a time,
 * their int16 x int8 products widened to i32 lanes (a tap each, so the i32 sums are exact), then i64.
 */
function dwSimd16(
  x: usize, w: usize, bias: usize, mult: usize, shift: usize, y: usize, batches: i32, inH: i32, inW: i32, depth: i32,
  outH: i32, outW: i32, kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padTop: i32, padLeft: i32,
  outOffset: i32, lo: i32, hi: i32,
): void {
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, inH, kh);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft, kx0 = tapBegin(ix0, dw), kx1 = tapEnd(ix0, dw, inW, kw);
        let c = 0;
        for (; c + 8 <= depth; c += 8) {
          let aLo = i32x4.splat(0), aHi = i32x4.splat(0);
          for (let ky = ky0; ky < ky1; ky++) {
            const iy = iy0 + dh * ky;
            for (let kx = kx0; kx < kx1; kx++) {
              const ix = ix0 + dw * kx;
              const xv = v128.load(x + (<usize>(((n * inH + iy) * inW + ix) * depth + c) << 1));
              const wv = v128.load8x8_s(w + <usize>((ky * kw + kx) * depth + c));
              aLo = i32x4.add(aLo, i32x4.extmul_low_i16x8_s(xv, wv));
              aHi = i32x4.add(aHi, i32x4.extmul_high_i16x8_s(xv, wv));
            }
          }
          out16(o, <i64>i32x4.extract_lane(aLo, 0), c, bias, mult, shift, outOffset, lo, hi);
          out16(o + 2, <i64>i32x4.extract_lane(aLo, 1), c + 1, bias, mult, shift, outOffset, lo, hi);
          out16(o + 4, <i64>i32x4.extract_lane(aLo, 2), c + 2, bias, mult, shift, outOffset, lo, hi);
          out16(o + 6, <i64>i32x4.extract_lane(aLo, 3), c + 3, bias, mult, shift, outOffset, lo, hi);
          out16(o + 8, <i64>i32x4.extract_lane(aHi, 0), c + 4, bias, mult, shift, outOffset, lo, hi);
          out16(o + 10, <i64>i32x4.extract_lane(aHi, 1), c + 5, bias, mult, shift, outOffset, lo, hi);
          out16(o + 12, <i64>i32x4.extract_lane(aHi, 2), c + 6, bias, mult, shift, outOffset, lo, hi);
          out16(o + 14, <i64>i32x4.extract_lane(aHi, 3), c + 7, bias, mult, shift, outOffset, lo, hi);
          o += 16;
        }
        for (; c < depth; c++) {
          let acc: i64 = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            const iy = iy0 + dh * ky;
            for (let kx = kx0; kx < kx1; kx++) {
              const ix = ix0 + dw * kx;
              acc += <i64>(<i32>load<i16>(x + (<usize>(((n * inH + iy) * inW + ix) * depth + c) << 1)) * <i32>load<i8>(w + <usize>((ky * kw + kx) * depth + c)));
            }
          }
          out16(o, acc, c, bias, mult, shift, outOffset, lo, hi);
          o += 2;
        }
      }
    }
  }
}
