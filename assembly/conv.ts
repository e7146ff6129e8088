// CONV_2D int8 (TFLM reference_integer_ops::ConvPerChannel) and its variants; the spec is
// src/reference/ops/conv.ts and src/reference/variants.ts.
import {
  CONV2D_INPUT, CONV2D_OUTPUT, CONV2D_FILTER, CONV2D_BIAS, CONV2D_MULTIPLIER, CONV2D_SHIFT, CONV2D_SCRATCH,
  CONV2D_BATCHES, CONV2D_IN_H, CONV2D_IN_W, CONV2D_IN_DEPTH, CONV2D_OUT_H, CONV2D_OUT_W, CONV2D_OUT_DEPTH,
  CONV2D_FILTER_H, CONV2D_FILTER_W, CONV2D_FILTER_DEPTH, CONV2D_STRIDE_H, CONV2D_STRIDE_W, CONV2D_DILATION_H,
  CONV2D_DILATION_W, CONV2D_PAD_TOP, CONV2D_PAD_LEFT, CONV2D_INPUT_OFFSET, CONV2D_OUTPUT_OFFSET, CONV2D_ACT_MIN, CONV2D_ACT_MAX,
} from './abi';
import { arg, ptr } from './base';
import { requantize } from './requant';

const MODE_DIRECT = 0;
const MODE_ROW = 1;
const MODE_PIXEL = 2;

// @ts-ignore: decorator
@inline
function conv(args: usize, mode: i32): void {
  const x = ptr(args, CONV2D_INPUT);
  const y = ptr(args, CONV2D_OUTPUT);
  const w = ptr(args, CONV2D_FILTER);
  const bias = ptr(args, CONV2D_BIAS);
  const mult = ptr(args, CONV2D_MULTIPLIER);
  const shift = ptr(args, CONV2D_SHIFT);
  const scratch = ptr(args, CONV2D_SCRATCH);
  const batches = arg(args, CONV2D_BATCHES);
  const inH = arg(args, CONV2D_IN_H);
  const inW = arg(args, CONV2D_IN_W);
  const inDepth = arg(args, CONV2D_IN_DEPTH);
  const outH = arg(args, CONV2D_OUT_H);
  const outW = arg(args, CONV2D_OUT_W);
  const outDepth = arg(args, CONV2D_OUT_DEPTH);
  const filterH = arg(args, CONV2D_FILTER_H);
  const filterW = arg(args, CONV2D_FILTER_W);
  const filterDepth = arg(args, CONV2D_FILTER_DEPTH);
  const strideH = arg(args, CONV2D_STRIDE_H);
  const strideW = arg(args, CONV2D_STRIDE_W);
  const dilH = arg(args, CONV2D_DILATION_H);
  const dilW = arg(args, CONV2D_DILATION_W);
  const padTop = arg(args, CONV2D_PAD_TOP);
  const padLeft = arg(args, CONV2D_PAD_LEFT);
  const inputOffset = arg(args, CONV2D_INPUT_OFFSET);
  const outputOffset = arg(args, CONV2D_OUTPUT_OFFSET);
  const actMin = arg(args, CONV2D_ACT_MIN);
  const actMax = arg(args, CONV2D_ACT_MAX);
  const groups = inDepth / filterDepth;
  const filtersPerGroup = outDepth / groups;
  const rowBytes = <usize>(outW * outDepth);

  if (mode != MODE_DIRECT && filterH == 1 && filterW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 &&
      filterDepth == inDepth && outH == inH && outW == inW) {
    // Pointwise: each unit (row or pixel) is a matrix product of its own input pixels into scratch.
    const unitPixels = mode == MODE_ROW ? outW : 1;
    const units = batches * outH * outW / unitPixels;
    for (let u = 0; u < units; u++) {
      matmul(x + <usize>(u * unitPixels * inDepth), w, scratch, bias, mult, shift, unitPixels, inDepth, outDepth, inputOffset, outputOffset, actMin, actMax);
      memory.copy(y + <usize>(u * unitPixels * outDepth), scratch, <usize>(unitPixels * outDepth));
    }
    return;
  }

  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        const outPixel = y + <usize>(((n * outH + oy) * outW + ox) * outDepth);
        const dest = mode == MODE_DIRECT ? outPixel : mode == MODE_ROW ? scratch + <usize>(ox * outDepth) : scratch;
        for (let oc = 0; oc < outDepth; oc++) {
          const inChannelBase = (oc / filtersPerGroup) * filterDepth;
          let acc: i32 = 0;
          for (let ky = 0; ky < filterH; ky++) {
            const iy = inYOrigin + dilH * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ix = inXOrigin + dilW * kx;
              if (ix < 0 || ix >= inW) continue;
              const xp = x + <usize>(((n * inH + iy) * inW + ix) * inDepth + inChannelBase);
              const wp = w + <usize>(((oc * filterH + ky) * filterW + kx) * filterDepth);
              acc += dot(xp, wp, filterDepth, inputOffset);
            }
          }
          store<i8>(dest + <usize>oc, <i8>requantize(acc, bias, mult, shift, oc, outputOffset, actMin, actMax));
        }
        if (mode == MODE_PIXEL) memory.copy(outPixel, scratch, <usize>outDepth);
      }
      if (mode == MODE_ROW) memory.copy(y + <usize>((n * outH + oy) * outW * outDepth), scratch, rowBytes);
    }
  }
}

/** sum over i < len of w[i] * (x[i] + inputOffset), exact in i32 (wrapping like TFLM's int32 accumulator). */
// @ts-ignore: decorator
@inline
export function dot(xp: usize, wp: usize, len: i32, inputOffset: i32): i32 {
  let acc: i32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const off = i16x8.splat(<i16>inputOffset);
    let vacc = i32x4.splat(0);
    for (; i + 8 <= len; i += 8) {
      const xv = i16x8.add(v128.load8x8_s(xp + <usize>i), off);
      const wv = v128.load8x8_s(wp + <usize>i);
      vacc = i32x4.add(vacc, i32x4.dot_i16x8_s(xv, wv));
    }
    acc = i32x4.extract_lane(vacc, 0) + i32x4.extract_lane(vacc, 1) + i32x4.extract_lane(vacc, 2) + i32x4.extract_lane(vacc, 3);
  }
  for (; i < len; i++) acc += <i32>load<i8>(wp + <usize>i) * (<i32>load<i8>(xp + <usize>i) + inputOffset);
  return acc;
}

export function conv2d_s8(args: usize): void {
  conv(args, MODE_DIRECT);
}

export function conv2d_s8_stream_row(args: usize): void {
  conv(args, MODE_ROW);
}

export function conv2d_s8_stream_pixel(args: usize): void {
  conv(args, MODE_PIXEL);
}

/** 1x1, stride 1, no pads, one group: out[p, oc] = requant(sum_ic w[oc, ic] * (x[p, ic] + off)). */
export function conv2d_s8_1x1(args: usize): void {
  const x = ptr(args, CONV2D_INPUT);
  const y = ptr(args, CONV2D_OUTPUT);
  const w = ptr(args, CONV2D_FILTER);
  const bias = ptr(args, CONV2D_BIAS);
  const mult = ptr(args, CONV2D_MULTIPLIER);
  const shift = ptr(args, CONV2D_SHIFT);
  const pixels = arg(args, CONV2D_BATCHES) * arg(args, CONV2D_OUT_H) * arg(args, CONV2D_OUT_W);
  const depth = arg(args, CONV2D_IN_DEPTH);
  const outDepth = arg(args, CONV2D_OUT_DEPTH);
  const inputOffset = arg(args, CONV2D_INPUT_OFFSET);
  const outputOffset = arg(args, CONV2D_OUTPUT_OFFSET);
  const actMin = arg(args, CONV2D_ACT_MIN);
  const actMax = arg(args, CONV2D_ACT_MAX);
  matmul(x, w, y, bias, mult, shift, pixels, depth, outDepth, inputOffset, outputOffset, actMin, actMax);
}

/**
 * rows x depth int8 times (units x depth)^T: y[r, u] = requant(sum_d w[u, d] * (x[r, d] + off), u).
 * SIMD: four units at a time share each widened input vector.
 */
export function matmul(
  x: usize, w: usize, y: usize, bias: usize, mult: usize, shift: usize,
  rows: i32, depth: i32, units: i32, inputOffset: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * depth);
    const yr = y + <usize>(r * units);
    let u = 0;
    if (ASC_FEATURE_SIMD) {
      const off = i16x8.splat(<i16>inputOffset);
      const depth8 = depth & ~7;
      for (; u + 4 <= units; u += 4) {
        const w0 = w + <usize>(u * depth);
        const w1 = w0 + <usize>depth;
        const w2 = w1 + <usize>depth;
        const w3 = w2 + <usize>depth;
        let a0 = i32x4.splat(0);
        let a1 = i32x4.splat(0);
        let a2 = i32x4.splat(0);
        let a3 = i32x4.splat(0);
        for (let d = 0; d < depth8; d += 8) {
          const xv = i16x8.add(v128.load8x8_s(xr + <usize>d), off);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w0 + <usize>d)));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w1 + <usize>d)));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w2 + <usize>d)));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xv, v128.load8x8_s(w3 + <usize>d)));
        }
        let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
        for (let d = depth8; d < depth; d++) {
          const xv = <i32>load<i8>(xr + <usize>d) + inputOffset;
          s0 += <i32>load<i8>(w0 + <usize>d) * xv;
          s1 += <i32>load<i8>(w1 + <usize>d) * xv;
          s2 += <i32>load<i8>(w2 + <usize>d) * xv;
          s3 += <i32>load<i8>(w3 + <usize>d) * xv;
        }
        store<i8>(yr + <usize>u, <i8>requantize(s0, bias, mult, shift, u, outputOffset, actMin, actMax));
        store<i8>(yr + <usize>(u + 1), <i8>requantize(s1, bias, mult, shift, u + 1, outputOffset, actMin, actMax));
        store<i8>(yr + <usize>(u + 2), <i8>requantize(s2, bias, mult, shift, u + 2, outputOffset, actMin, actMax));
        store<i8>(yr + <usize>(u + 3), <i8>requantize(s3, bias, mult, shift, u + 3, outputOffset, actMin, actMax));
      }
    }
    for (; u < units; u++) {
      const acc = dot(xr, w + <usize>(u * depth), depth, inputOffset);
      store<i8>(yr + <usize>u, <i8>requantize(acc, bias, mult, shift, u, outputOffset, actMin, actMax));
    }
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}
