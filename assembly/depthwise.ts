// DEPTHWISE_CONV_2D int8 (TFLM reference_integer_ops::DepthwiseConvPerChannel) and its variants; the
// spec is src/reference/ops/depthwise.ts and src/reference/variants.ts.
import {
  DWCONV2D_INPUT, DWCONV2D_OUTPUT, DWCONV2D_FILTER, DWCONV2D_BIAS, DWCONV2D_MULTIPLIER, DWCONV2D_SHIFT, DWCONV2D_SCRATCH,
  DWCONV2D_BATCHES, DWCONV2D_IN_H, DWCONV2D_IN_W, DWCONV2D_IN_DEPTH, DWCONV2D_OUT_H, DWCONV2D_OUT_W, DWCONV2D_OUT_DEPTH,
  DWCONV2D_FILTER_H, DWCONV2D_FILTER_W, DWCONV2D_DEPTH_MULTIPLIER, DWCONV2D_STRIDE_H, DWCONV2D_STRIDE_W,
  DWCONV2D_DILATION_H, DWCONV2D_DILATION_W, DWCONV2D_PAD_TOP, DWCONV2D_PAD_LEFT, DWCONV2D_INPUT_OFFSET,
  DWCONV2D_OUTPUT_OFFSET, DWCONV2D_ACT_MIN, DWCONV2D_ACT_MAX, DWCONV2D_QPARAMS,
} from './abi';
import { arg, ptr, ref, WORK_BASE } from './base';
import { requantize, requantQ, requant4, pack8, pack16, QGROUP } from './requant';
import { copyBytes, fillBytes } from './conv';

/** Accumulator of output value (n, oy, ox, oc = ic * M + m): in-bounds taps of input channel ic. */
// @ts-ignore: decorator
@inline
function tapSum(
  x: usize, w: usize, n: i32, inYOrigin: i32, inXOrigin: i32, ic: i32, oc: i32,
  inH: i32, inW: i32, inDepth: i32, outDepth: i32, filterH: i32, filterW: i32, dilH: i32, dilW: i32, inputOffset: i32,
): i32 {
  let acc: i32 = 0;
  for (let ky = 0; ky < filterH; ky++) {
    const iy = inYOrigin + dilH * ky;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < filterW; kx++) {
      const ix = inXOrigin + dilW * kx;
      if (ix < 0 || ix >= inW) continue;
      const xv = <i32>load<i8>(x + <usize>(((n * inH + iy) * inW + ix) * inDepth + ic));
      const wv = <i32>load<i8>(w + <usize>((ky * filterW + kx) * outDepth + oc));
      acc += wv * (xv + inputOffset);
    }
  }
  return acc;
}

const MODE_DIRECT = 0;
const MODE_ROW = 1;
const MODE_CHANNEL = 2;

// @ts-ignore: decorator
@inline
function depthwise(args: usize, mode: i32): void {
  const x = ptr(args, DWCONV2D_INPUT);
  const y = ptr(args, DWCONV2D_OUTPUT);
  const w = ptr(args, DWCONV2D_FILTER);
  const bias = ptr(args, DWCONV2D_BIAS);
  const mult = ptr(args, DWCONV2D_MULTIPLIER);
  const shift = ptr(args, DWCONV2D_SHIFT);
  const scratch = ptr(args, DWCONV2D_SCRATCH);
  const batches = arg(args, DWCONV2D_BATCHES);
  const inH = arg(args, DWCONV2D_IN_H);
  const inW = arg(args, DWCONV2D_IN_W);
  const inDepth = arg(args, DWCONV2D_IN_DEPTH);
  const outH = arg(args, DWCONV2D_OUT_H);
  const outW = arg(args, DWCONV2D_OUT_W);
  const outDepth = arg(args, DWCONV2D_OUT_DEPTH);
  const filterH = arg(args, DWCONV2D_FILTER_H);
  const filterW = arg(args, DWCONV2D_FILTER_W);
  const M = arg(args, DWCONV2D_DEPTH_MULTIPLIER);
  const strideH = arg(args, DWCONV2D_STRIDE_H);
  const strideW = arg(args, DWCONV2D_STRIDE_W);
  const dilH = arg(args, DWCONV2D_DILATION_H);
  const dilW = arg(args, DWCONV2D_DILATION_W);
  const padTop = arg(args, DWCONV2D_PAD_TOP);
  const padLeft = arg(args, DWCONV2D_PAD_LEFT);
  const inputOffset = arg(args, DWCONV2D_INPUT_OFFSET);
  const outputOffset = arg(args, DWCONV2D_OUTPUT_OFFSET);
  const actMin = arg(args, DWCONV2D_ACT_MIN);
  const actMax = arg(args, DWCONV2D_ACT_MAX);
  const q = arg(args, DWCONV2D_QPARAMS);
  if (q != 0) {
    depthwiseQ(x, y, w, ref(q), batches, inH, inW, inDepth, M, outH, outW, filterH, filterW, strideH, strideW, dilH, dilW,
      padTop, padLeft, inputOffset, outputOffset, actMin, actMax);
    return;
  }

  if (mode == MODE_CHANNEL) {
    // Per (n, c): the channel's plane into scratch from input channel c alone, then into channel c's slots.
    const planeSize = outH * outW;
    for (let n = 0; n < batches; n++) {
      for (let c = 0; c < inDepth; c++) {
        for (let oy = 0; oy < outH; oy++) {
          const inYOrigin = oy * strideH - padTop;
          for (let ox = 0; ox < outW; ox++) {
            const inXOrigin = ox * strideW - padLeft;
            const acc = tapSum(x, w, n, inYOrigin, inXOrigin, c, c, inH, inW, inDepth, outDepth, filterH, filterW, dilH, dilW, inputOffset);
            store<i8>(scratch + <usize>(oy * outW + ox), <i8>requantize(acc, bias, mult, shift, c, outputOffset, actMin, actMax));
          }
        }
        const base = y + <usize>(n * planeSize * outDepth + c);
        for (let p = 0; p < planeSize; p++) store<i8>(base + <usize>(p * outDepth), load<i8>(scratch + <usize>p));
      }
    }
    return;
  }

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        const dest = mode == MODE_DIRECT ? y + <usize>(((n * outH + oy) * outW + ox) * outDepth) : scratch + <usize>(ox * outDepth);
        for (let ic = 0; ic < inDepth; ic++) {
          for (let m = 0; m < M; m++) {
            const oc = ic * M + m;
            const acc = tapSum(x, w, n, inYOrigin, inXOrigin, ic, oc, inH, inW, inDepth, outDepth, filterH, filterW, dilH, dilW, inputOffset);
            store<i8>(dest + <usize>oc, <i8>requantize(acc, bias, mult, shift, oc, outputOffset, actMin, actMax));
          }
        }
      }
      if (mode == MODE_ROW) memory.copy(y + <usize>((n * outH + oy) * outW * outDepth), scratch, <usize>(outW * outDepth));
    }
  }
}

/**
 * DEPTHWISE_CONV_2D with the qparams table, for every variant: the whole input is first copied into the
 * workspace with its padding (the input zero point) materialized and each input channel repeated
 * depth-multiplier times (so the copy has the output's channels) — every read of every
 * unit happens before the first write, which satisfies the stream-row order and the inplace-channel one
 * (unit (n, c) reads only input channel c and writes only output channel c) — then every output pixel
 * is computed from the copy straight into `y`, 16 channels at a time.
 */
// @ts-ignore: decorator
@inline
function depthwiseQ(
  x: usize, y: usize, w: usize, qt: usize, batches: i32, inH: i32, inW: i32, inDepth: i32, M: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  inputOffset: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  // The copy holds output channels: input channel ic repeated M times (depth multiplier M).
  const depth = inDepth * M;
  const work = WORK_BASE;
  const hp = (outH - 1) * strideH + (filterH - 1) * dilH + 1;
  const wp = (outW - 1) * strideW + (filterW - 1) * dilW + 1;
  const zp = <i8>(-inputOffset);
  const prow = wp * depth;
  // The padded copy: rows -padTop .. hp - padTop - 1, columns -padLeft .. wp - padLeft - 1.
  for (let n = 0; n < batches; n++) {
    for (let py = 0; py < hp; py++) {
      const iy = py - padTop;
      const d = work + <usize>((n * hp + py) * prow);
      if (iy < 0 || iy >= inH) {
        fillBytes(d, zp, prow);
        continue;
      }
      const c0 = min(wp, max(0, padLeft));
      const c1 = max(c0, min(wp, inW + padLeft));
      fillBytes(d, zp, c0 * depth);
      const src = x + <usize>(((n * inH + iy) * inW + c0 - padLeft) * inDepth);
      if (M == 1) copyBytes(d + <usize>(c0 * depth), src, (c1 - c0) * depth);
      else {
        const count = (c1 - c0) * inDepth;
        for (let i = 0; i < count; i++) {
          const v = load<i8>(src + <usize>i);
          for (let m = 0; m < M; m++) store<i8>(d + <usize>(c0 * depth + i * M + m), v);
        }
      }
      fillBytes(d + <usize>(c1 * depth), zp, (wp - c1) * depth);
    }
  }
  const tapY = dilH * prow;
  const tapX = dilW * depth;
  const taps = filterH * filterW;
  // Tap offsets into the copy (int32 per tap) after it in the workspace.
  const offs = work + ((<usize>(batches * hp * prow) + 15) & ~15);
  for (let t = 0; t < taps; t++) store<i32>(offs + (<usize>t << 2), (t / filterW) * tapY + (t % filterW) * tapX);
  // Two taps' int8 products sum exactly in int16 unless a weight is -128.
  let pairs = true;
  for (let i = 0; i < taps * depth; i++) if (load<i8>(w + <usize>i) == -128) pairs = false;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const rowBase = work + <usize>((n * hp + oy * strideH) * prow);
      for (let ox = 0; ox < outW; ox++) {
        const base = rowBase + <usize>(ox * strideW * depth);
        const dest = y + <usize>(((n * outH + oy) * outW + ox) * depth);
        let c = 0;
        if (ASC_FEATURE_SIMD) {
          const off = i16x8.splat(<i16>outputOffset);
          const lo = i8x16.splat(<i8>actMin);
          const hi = i8x16.splat(<i8>actMax);
          for (; c + 16 <= depth; c += 16) {
            let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
            const xc = base + <usize>c;
            let wp = w + <usize>c;
            let op = offs;
            const end = offs + (<usize>taps << 2);
            if (pairs) {
              for (; op + 8 <= end; op += 8) {
                const xa = v128.load(xc + <usize>load<i32>(op));
                const wa = v128.load(wp);
                const xb = v128.load(xc + <usize>load<i32>(op, 4));
                const wb = v128.load(wp + <usize>depth);
                const pl = i16x8.add(i16x8.extmul_low_i8x16_s(xa, wa), i16x8.extmul_low_i8x16_s(xb, wb));
                const ph = i16x8.add(i16x8.extmul_high_i8x16_s(xa, wa), i16x8.extmul_high_i8x16_s(xb, wb));
                a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(pl));
                a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(pl));
                a2 = i32x4.add(a2, i32x4.extend_low_i16x8_s(ph));
                a3 = i32x4.add(a3, i32x4.extend_high_i16x8_s(ph));
                wp += <usize>(2 * depth);
              }
            }
            for (; op < end; op += 4) {
              const xv = v128.load(xc + <usize>load<i32>(op));
              const wv = v128.load(wp);
              const pl = i16x8.extmul_low_i8x16_s(xv, wv);
              const ph = i16x8.extmul_high_i8x16_s(xv, wv);
              a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(pl));
              a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(pl));
              a2 = i32x4.add(a2, i32x4.extend_low_i16x8_s(ph));
              a3 = i32x4.add(a3, i32x4.extend_high_i16x8_s(ph));
              wp += <usize>depth;
            }
            const g = qt + (<usize>(c >> 2)) * QGROUP;
            v128.store(dest + <usize>c, pack16(requant4(a0, g), requant4(a1, g + QGROUP), requant4(a2, g + 2 * QGROUP), requant4(a3, g + 3 * QGROUP), off, lo, hi));
          }
          for (; c + 8 <= depth; c += 8) {
            let a0 = i32x4.splat(0), a1 = i32x4.splat(0);
            for (let ky = 0; ky < filterH; ky++) {
              const xr = base + <usize>(ky * tapY + c);
              const wr = w + <usize>(ky * filterW * depth + c);
              for (let kx = 0; kx < filterW; kx++) {
                const p = i16x8.mul(v128.load8x8_s(xr + <usize>(kx * tapX)), v128.load8x8_s(wr + <usize>(kx * depth)));
                a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(p));
                a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(p));
              }
            }
            const g = qt + (<usize>(c >> 2)) * QGROUP;
            v128.store64_lane(dest + <usize>c, pack8(requant4(a0, g), requant4(a1, g + QGROUP), off, lo, hi), 0);
          }
        }
        for (; c < depth; c++) {
          let acc: i32 = 0;
          for (let t = 0; t < taps; t++) {
            const ky = t / filterW, kx = t - ky * filterW;
            acc += <i32>load<i8>(base + <usize>(ky * tapY + kx * tapX + c)) * <i32>load<i8>(w + <usize>(t * depth + c));
          }
          store<i8>(dest + <usize>c, <i8>requantQ(acc, qt, c, outputOffset, actMin, actMax));
        }
      }
    }
  }
}

export function dwconv2d_s8(args: usize): void {
  depthwise(args, MODE_DIRECT);
}

export function dwconv2d_s8_stream_row(args: usize): void {
  if (arg(args, DWCONV2D_QPARAMS) == 0 && arg(args, DWCONV2D_FILTER_H) == 3 && arg(args, DWCONV2D_FILTER_W) == 3 &&
      arg(args, DWCONV2D_DILATION_H) == 1 && arg(args, DWCONV2D_DILATION_W) == 1 && arg(args, DWCONV2D_DEPTH_MULTIPLIER) == 1) {
    depthwise3x3(args, true);
  } else depthwise(args, MODE_ROW);
}

export function dwconv2d_s8_inplace_channel(args: usize): void {
  depthwise(args, MODE_CHANNEL);
}

/**
 * 3x3, dilation 1, multiplier 1 (any stride and pads). Interior pixels (all nine taps in bounds) run
 * over the channels in SIMD groups of 8; border pixels take the generic per-tap path.
 */
export function dwconv2d_s8_3x3(args: usize): void {
  if (arg(args, DWCONV2D_QPARAMS) != 0) depthwise(args, MODE_DIRECT);
  else depthwise3x3(args, false);
}

// @ts-ignore: decorator
@inline
function depthwise3x3(args: usize, streamRow: bool): void {
  const scratch = ptr(args, DWCONV2D_SCRATCH);
  const x = ptr(args, DWCONV2D_INPUT);
  const y = ptr(args, DWCONV2D_OUTPUT);
  const w = ptr(args, DWCONV2D_FILTER);
  const bias = ptr(args, DWCONV2D_BIAS);
  const mult = ptr(args, DWCONV2D_MULTIPLIER);
  const shift = ptr(args, DWCONV2D_SHIFT);
  const batches = arg(args, DWCONV2D_BATCHES);
  const inH = arg(args, DWCONV2D_IN_H);
  const inW = arg(args, DWCONV2D_IN_W);
  const depth = arg(args, DWCONV2D_IN_DEPTH);
  const outH = arg(args, DWCONV2D_OUT_H);
  const outW = arg(args, DWCONV2D_OUT_W);
  const strideH = arg(args, DWCONV2D_STRIDE_H);
  const strideW = arg(args, DWCONV2D_STRIDE_W);
  const padTop = arg(args, DWCONV2D_PAD_TOP);
  const padLeft = arg(args, DWCONV2D_PAD_LEFT);
  const inputOffset = arg(args, DWCONV2D_INPUT_OFFSET);
  const outputOffset = arg(args, DWCONV2D_OUTPUT_OFFSET);
  const actMin = arg(args, DWCONV2D_ACT_MIN);
  const actMax = arg(args, DWCONV2D_ACT_MAX);
  const rowStride = inW * depth;

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      const yInside = inYOrigin >= 0 && inYOrigin + 3 <= inH;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        const dest = streamRow ? scratch + <usize>(ox * depth) : y + <usize>(((n * outH + oy) * outW + ox) * depth);
        let c = 0;
        if (yInside && inXOrigin >= 0 && inXOrigin + 3 <= inW) {
          const x0 = x + <usize>(((n * inH + inYOrigin) * inW + inXOrigin) * depth);
          if (ASC_FEATURE_SIMD) {
            const off = i16x8.splat(<i16>inputOffset);
            for (; c + 8 <= depth; c += 8) {
              let lo = i32x4.splat(0);
              let hi = i32x4.splat(0);
              for (let ky = 0; ky < 3; ky++) {
                const xr = x0 + <usize>(ky * rowStride + c);
                const wr = w + <usize>(ky * 3 * depth + c);
                for (let kx = 0; kx < 3; kx++) {
                  const xv = i16x8.add(v128.load8x8_s(xr + <usize>(kx * depth)), off);
                  const wv = v128.load8x8_s(wr + <usize>(kx * depth));
                  lo = i32x4.add(lo, i32x4.extmul_low_i16x8_s(xv, wv));
                  hi = i32x4.add(hi, i32x4.extmul_high_i16x8_s(xv, wv));
                }
              }
              store<i8>(dest + <usize>c, <i8>requantize(i32x4.extract_lane(lo, 0), bias, mult, shift, c, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 1), <i8>requantize(i32x4.extract_lane(lo, 1), bias, mult, shift, c + 1, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 2), <i8>requantize(i32x4.extract_lane(lo, 2), bias, mult, shift, c + 2, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 3), <i8>requantize(i32x4.extract_lane(lo, 3), bias, mult, shift, c + 3, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 4), <i8>requantize(i32x4.extract_lane(hi, 0), bias, mult, shift, c + 4, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 5), <i8>requantize(i32x4.extract_lane(hi, 1), bias, mult, shift, c + 5, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 6), <i8>requantize(i32x4.extract_lane(hi, 2), bias, mult, shift, c + 6, outputOffset, actMin, actMax));
              store<i8>(dest + <usize>(c + 7), <i8>requantize(i32x4.extract_lane(hi, 3), bias, mult, shift, c + 7, outputOffset, actMin, actMax));
            }
          }
          for (; c < depth; c++) {
            let acc: i32 = 0;
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const xv = <i32>load<i8>(x0 + <usize>(ky * rowStride + kx * depth + c));
                acc += <i32>load<i8>(w + <usize>((ky * 3 + kx) * depth + c)) * (xv + inputOffset);
              }
            }
            store<i8>(dest + <usize>c, <i8>requantize(acc, bias, mult, shift, c, outputOffset, actMin, actMax));
          }
        } else {
          for (; c < depth; c++) {
            const acc = tapSum(x, w, n, inYOrigin, inXOrigin, c, c, inH, inW, depth, depth, 3, 3, 1, 1, inputOffset);
            store<i8>(dest + <usize>c, <i8>requantize(acc, bias, mult, shift, c, outputOffset, actMin, actMax));
          }
        }
      }
      if (streamRow) memory.copy(y + <usize>((n * outH + oy) * outW * depth), scratch, <usize>(outW * depth));
    }
  }
}
