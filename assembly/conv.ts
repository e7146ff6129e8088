// CONV_2D int8 (TFLM reference_integer_ops::ConvPerChannel) and its variants; the spec is
// src/reference/ops/conv.ts and src/reference/variants.ts.
import { CONV2D_QPARAMS, CONV2D_PACKED, CONV2D_WIDE, WIDEN_INPUT, WIDEN_OUTPUT, WIDEN_COUNT, CONV2D_WINOGRAD } from './abi';
import { convRecord } from './conv-record';
import { winogradConv } from './winograd';
import { arg, ptr, ref, WORK_BASE } from './base';
import { requantize, requantQ, requant4, pack8, QGROUP } from './requant';

const MODE_DIRECT = 0;
const MODE_ROW = 1;
const MODE_PIXEL = 2;

// (not inlined: one copy for the three variants, the module's code size)
function conv(args: usize, mode: i32): void {
  const a = convRecord(args);
  const x = a.input;
  const y = a.output;
  const w = a.filter;
  const bias = a.bias;
  const mult = a.multiplier;
  const shift = a.shift;
  const scratch = a.scratch;
  const batches = a.batches;
  const inH = a.inH;
  const inW = a.inW;
  const inDepth = a.inDepth;
  const outH = a.outH;
  const outW = a.outW;
  const outDepth = a.outDepth;
  const filterH = a.filterH;
  const filterW = a.filterW;
  const filterDepth = a.filterDepth;
  const strideH = a.strideH;
  const strideW = a.strideW;
  const dilH = a.dilationH;
  const dilW = a.dilationW;
  const padTop = a.padTop;
  const padLeft = a.padLeft;
  const inputOffset = a.inputOffset;
  const outputOffset = a.outputOffset;
  const actMin = a.actMin;
  const actMax = a.actMax;
  const groups = inDepth / filterDepth;
  const filtersPerGroup = outDepth / groups;
  const rowBytes = <usize>(outW * outDepth);
  const q = arg(args, CONV2D_QPARAMS);
  a.useWorkspace();
  if (q != 0 && groups == 1) {
    const wg = arg(args, CONV2D_WINOGRAD);
    if (ASC_FEATURE_SIMD && wg != 0 && mode != MODE_PIXEL) {
      winogradConv(x, y, ref(wg), ref(q), batches, inH, inW, inDepth, outH, outW, outDepth, padTop, padLeft, <i8>(-inputOffset), outputOffset, actMin, actMax);
      return;
    }
    const pk = arg(args, CONV2D_PACKED);
    const wd = arg(args, CONV2D_WIDE);
    convQ(x, y, w, ASC_FEATURE_SIMD && pk != 0 ? ref(pk) : 0, ASC_FEATURE_SIMD && wd != 0 ? ref(wd) : 0, ref(q), batches, inH, inW, inDepth, outH, outW, outDepth, filterH, filterW, strideH, strideW, dilH, dilW,
      padTop, padLeft, inputOffset, outputOffset, actMin, actMax, mode);
    return;
  }

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

// The C library's per-path symbols (src/ir/workspace.ts cConvPath): here the generic kernel of their variant.
export function conv2d_s8_pw_stream_pixel(args: usize): void { conv(args, MODE_PIXEL); }
export function conv2d_s8_pw_rec_stream_pixel(args: usize): void { conv(args, MODE_PIXEL); }
export function conv2d_s8_3x3c3(args: usize): void { conv(args, MODE_DIRECT); }
export function conv2d_s8_3x3c3_stream_row(args: usize): void { conv(args, MODE_ROW); }
export function conv2d_s8_3x3c3_rec(args: usize): void { conv(args, MODE_DIRECT); }
export function conv2d_s8_3x3c3_rec_stream_row(args: usize): void { conv(args, MODE_ROW); }
export function conv2d_s8_kxk4(args: usize): void { conv(args, MODE_DIRECT); }
export function conv2d_s8_kxk4_stream_row(args: usize): void { conv(args, MODE_ROW); }
export function conv2d_s8_kxk(args: usize): void { conv(args, MODE_DIRECT); }
export function conv2d_s8_kxk_stream_row(args: usize): void { conv(args, MODE_ROW); }

/** Pixels per unit group of the pointwise stream-pixel path (its workspace: PIXEL_GROUP * in_depth bytes). */
const PIXEL_GROUP = 16;

/**
 * CONV_2D with the qparams table (one group). Every variant reads a unit's input before writing the
 * unit's output, the unit's output going straight to `y`:
 *  - pointwise (1x1, stride 1, no pads): a matrix product over the pixels; stream-row copies each input
 *    row to the workspace first, stream-pixel each group of PIXEL_GROUP consecutive pixels (all of the
 *    group's reads, then all of its writes: each pixel's writes still precede every later pixel's reads,
 *    which is all the plan's forward-stream rule needs);
 *  - otherwise: per output row (stream-pixel: per pixel) the windows are gathered into the workspace
 *    (im2col, out-of-bounds taps = the input zero point, rows padded to a multiple of 8 with zeros;
 *    weights repacked to that row length when needed), then the matrix product writes the row.
 */
// (not inlined: one copy for the three variants, the module's code size)
function convQ(
  x: usize, y: usize, w: usize, wp: usize, ww: usize, qt: usize, batches: i32, inH: i32, inW: i32, depth: i32, outH: i32, outW: i32, outDepth: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  inputOffset: i32, outputOffset: i32, actMin: i32, actMax: i32, mode: i32,
): void {
  const work = WORK_BASE;
  if (filterH == 1 && filterW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && outH == inH && outW == inW) {
    const pixels = batches * outH * outW;
    const usePacked = wp != 0 && (depth & 7) == 0;
    if (mode == MODE_DIRECT) {
      if (usePacked) {
        matmulP(x, depth, pixels, depth, wp, outDepth, qt, y, outDepth, outputOffset, actMin, actMax);
        return;
      }
      if (ww != 0) matmulQW(x, depth, pixels, depth, ww, outDepth, qt, y, outDepth, outputOffset, actMin, actMax);
      else matmulQ(x, depth, pixels, depth, w, depth, outDepth, qt, y, outDepth, outputOffset, actMin, actMax);
      return;
    }
    const group = mode == MODE_ROW ? outW : PIXEL_GROUP;
    for (let p = 0; p < pixels; p += group) {
      const count = min(group, pixels - p);
      copyBytes(work, x + <usize>(p * depth), count * depth);
      if (usePacked) matmulP(work, depth, count, depth, wp, outDepth, qt, y + <usize>(p * outDepth), outDepth, outputOffset, actMin, actMax);
      else if (ww != 0) matmulQW(work, depth, count, depth, ww, outDepth, qt, y + <usize>(p * outDepth), outDepth, outputOffset, actMin, actMax);
      else matmulQ(work, depth, count, depth, w, depth, outDepth, qt, y + <usize>(p * outDepth), outDepth, outputOffset, actMin, actMax);
    }
    return;
  }
  const zp = <i8>(-inputOffset);
  const span = filterW * depth;
  // packed weights take each filter row's taps padded to even (codegen/wasm/abi/packed.ts)
  const rowLen = wp != 0 ? (span + 1) & ~1 : span;
  // (a 1x1 window's gather is one contiguous copy, and rows under 8 taps would splat every pair once per
  // 8 channels: im2col + matmulP measured faster for both)
  if (ASC_FEATURE_SIMD && wp != 0 && dilW == 1 && filterH * filterW > 1 && rowLen >= 8) {
    convDirect(x, y, wp, qt, batches, inH, inW, depth, outH, outW, outDepth, filterH, filterW, strideH, strideW, dilH, padTop, padLeft,
      zp, outputOffset, actMin, actMax, mode);
    return;
  }
  const K = filterH * rowLen;
  const K8 = (K + 7) & ~7;
  let wk = w;
  let col = work;
  if (K8 != K) {
    // Weights repacked to rows of K8 (zero padded), once per call (not needed with packed weights).
    if (wp == 0) for (let oc = 0; oc < outDepth; oc++) {
      copyBytes(work + <usize>(oc * K8), w + <usize>(oc * K), K);
      for (let k = K; k < K8; k++) store<i8>(work + <usize>(oc * K8 + k), 0);
    }
    col = work + <usize>((outDepth * K8 + 15) & ~15);
  }
  if (K8 != K) wk = work;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        const dst = mode == MODE_PIXEL ? col : col + <usize>(ox * K8);
        const xInside = inXOrigin >= 0 && inXOrigin + (filterW - 1) * dilW < inW;
        for (let ky = 0; ky < filterH; ky++) {
          const iy = inYOrigin + dilH * ky;
          const d = dst + <usize>(ky * rowLen);
          if (rowLen != span) store<i8>(d + <usize>span, 0);
          if (iy < 0 || iy >= inH) {
            fillBytes(d, zp, span);
            continue;
          }
          const row = x + <usize>(((n * inH + iy) * inW) * depth);
          if (xInside && dilW == 1) {
            copyBytes(d, row + <usize>(inXOrigin * depth), span);
            continue;
          }
          for (let kx = 0; kx < filterW; kx++) {
            const ix = inXOrigin + dilW * kx;
            if (ix < 0 || ix >= inW) fillBytes(d + <usize>(kx * depth), zp, depth);
            else copyBytes(d + <usize>(kx * depth), row + <usize>(ix * depth), depth);
          }
        }
        for (let k = K; k < K8; k++) store<i8>(dst + <usize>k, 0);
        if (mode == MODE_PIXEL && wp != 0) {
          matmulP(col, K8, 1, K8, wp, outDepth, qt, y + <usize>(((n * outH + oy) * outW + ox) * outDepth), outDepth, outputOffset, actMin, actMax);
        } else if (mode == MODE_PIXEL && ww != 0) {
          matmulQW(col, K8, 1, K8, ww, outDepth, qt, y + <usize>(((n * outH + oy) * outW + ox) * outDepth), outDepth, outputOffset, actMin, actMax);
        } else if (mode == MODE_PIXEL) {
          matmulQ(col, K8, 1, K8, wk, K8, outDepth, qt, y + <usize>(((n * outH + oy) * outW + ox) * outDepth), outDepth, outputOffset, actMin, actMax);
        }
      }
      if (mode != MODE_PIXEL && wp != 0) {
        matmulP(col, K8, outW, K8, wp, outDepth, qt, y + <usize>((n * outH + oy) * outW * outDepth), outDepth, outputOffset, actMin, actMax);
      } else if (mode != MODE_PIXEL && ww != 0) {
        matmulQW(col, K8, outW, K8, ww, outDepth, qt, y + <usize>((n * outH + oy) * outW * outDepth), outDepth, outputOffset, actMin, actMax);
      } else if (mode != MODE_PIXEL) {
        matmulQ(col, K8, outW, K8, wk, K8, outDepth, qt, y + <usize>((n * outH + oy) * outW * outDepth), outDepth, outputOffset, actMin, actMax);
      }
    }
  }
}

/** Output pixels per block of the direct path (convDirect). */
const DIRECT_PIXELS = 4;

/**
 * convQ without im2col (SIMD, packed weights, dilation_w 1, R2 = kw * ic rounded up to even >= 8): blocks of
 * DIRECT_PIXELS output pixels of a row x 8 channels, each window row's R taps read straight from the
 * input (contiguous there; the pad tap of an odd R reads the next byte, weight 0), 8 taps per load,
 * then a pair per load (splatted: the last R2 % 8 taps). A window that leaves the input (or whose
 * pad byte would lie past the input's end) is first copied to the workspace, padded with the zero point.
 * Outputs go to the workspace (stream-row: the whole row; stream-pixel: the block) and are copied out
 * after the unit's reads; the default variant writes `y` directly.
 */
// (not inlined: one copy for the three variants, the module's code size)
function convDirect(
  x: usize, y: usize, wp: usize, qt: usize, batches: i32, inH: i32, inW: i32, depth: i32, outH: i32, outW: i32, outDepth: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilH: i32, padTop: i32, padLeft: i32,
  zp: i8, outputOffset: i32, actMin: i32, actMax: i32, mode: i32,
): void {
  const R = filterW * depth;
  const R2 = (R + 1) & ~1;
  const blockBytes = <usize>(((filterH * R2 + 7) & ~7) * 16);
  const slotBytes = filterH * R2;
  const slots = WORK_BASE;
  const outBuf = WORK_BASE + <usize>((DIRECT_PIXELS * slotBytes + 15) & ~15);
  const inRow = inW * depth;
  const rowStep = inRow * dilH;
  const inBytes = batches * inH * inRow;
  const off = i16x8.splat(<i16>outputOffset);
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  for (let n = 0; n < batches; n++) {
    const nRow = n * inH;
    for (let oy = 0; oy < outH; oy++) {
    const iy0 = oy * strideH - padTop;
    const iyLast = iy0 + (filterH - 1) * dilH;
    const rowsInside = iy0 >= 0 && iyLast < inH;
    const yRow = y + <usize>((n * outH + oy) * outW * outDepth);
    for (let ox0 = 0; ox0 < outW; ox0 += DIRECT_PIXELS) {
      const count = min(DIRECT_PIXELS, outW - ox0);
      // pixels past the row's end repeat its last pixel (computed, not stored)
      const ix = (ox0 * strideW) - padLeft;
      const ix0 = ix;
      const in0 = rowsInside && ix0 >= 0 && ix0 + filterW <= inW && (R == R2 || ((nRow + iyLast) * inW + ix0) * depth + R < inBytes);
      const q0 = in0 ? x + <usize>((nRow + iy0) * inRow + ix0 * depth) : padWindow(slots + <usize>(0 * slotBytes), x, nRow, iy0, ix0, inH, inW, depth, filterH, filterW, dilH, R2, zp);
      const s0 = <usize>(in0 ? rowStep : R2);
      const ix1 = ix + min(1, count - 1) * strideW;
      const in1 = rowsInside && ix1 >= 0 && ix1 + filterW <= inW && (R == R2 || ((nRow + iyLast) * inW + ix1) * depth + R < inBytes);
      const q1 = in1 ? x + <usize>((nRow + iy0) * inRow + ix1 * depth) : padWindow(slots + <usize>(1 * slotBytes), x, nRow, iy0, ix1, inH, inW, depth, filterH, filterW, dilH, R2, zp);
      const s1 = <usize>(in1 ? rowStep : R2);
      const ix2 = ix + min(2, count - 1) * strideW;
      const in2 = rowsInside && ix2 >= 0 && ix2 + filterW <= inW && (R == R2 || ((nRow + iyLast) * inW + ix2) * depth + R < inBytes);
      const q2 = in2 ? x + <usize>((nRow + iy0) * inRow + ix2 * depth) : padWindow(slots + <usize>(2 * slotBytes), x, nRow, iy0, ix2, inH, inW, depth, filterH, filterW, dilH, R2, zp);
      const s2 = <usize>(in2 ? rowStep : R2);
      const ix3 = ix + min(3, count - 1) * strideW;
      const in3 = rowsInside && ix3 >= 0 && ix3 + filterW <= inW && (R == R2 || ((nRow + iyLast) * inW + ix3) * depth + R < inBytes);
      const q3 = in3 ? x + <usize>((nRow + iy0) * inRow + ix3 * depth) : padWindow(slots + <usize>(3 * slotBytes), x, nRow, iy0, ix3, inH, inW, depth, filterH, filterW, dilH, R2, zp);
      const s3 = <usize>(in3 ? rowStep : R2);
      const dst = mode == MODE_ROW ? outBuf + <usize>(ox0 * outDepth) : mode == MODE_PIXEL ? outBuf : yRow + <usize>(ox0 * outDepth);
      for (let u = 0; u < outDepth; u += 8) {
        let wb = wp + (<usize>(u >> 3)) * blockBytes;
        let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0), a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
        let w0 = i32x4.splat(0), w1 = i32x4.splat(0), b = i32x4.splat(0);
        for (let ky = 0; ky < filterH; ky++) {
          const r0 = q0 + <usize>ky * s0, r1 = q1 + <usize>ky * s1, r2 = q2 + <usize>ky * s2, r3 = q3 + <usize>ky * s3;
          let g = 0;
          for (; g + 8 <= R2; g += 8) {
            const p = <usize>g;
            const x0v = v128.load8x8_s(r0 + p);
            const x1v = v128.load8x8_s(r1 + p);
            const x2v = v128.load8x8_s(r2 + p);
            const x3v = v128.load8x8_s(r3 + p);
        w0 = v128.load(wb); w1 = v128.load(wb, 16); wb += 32;
        b = i32x4.shuffle(x0v, x0v, 0, 0, 0, 0); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 0, 0, 0, 0); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 0, 0, 0, 0); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 0, 0, 0, 0); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb); w1 = v128.load(wb, 16); wb += 32;
        b = i32x4.shuffle(x0v, x0v, 1, 1, 1, 1); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 1, 1, 1, 1); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 1, 1, 1, 1); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 1, 1, 1, 1); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb); w1 = v128.load(wb, 16); wb += 32;
        b = i32x4.shuffle(x0v, x0v, 2, 2, 2, 2); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 2, 2, 2, 2); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 2, 2, 2, 2); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 2, 2, 2, 2); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb); w1 = v128.load(wb, 16); wb += 32;
        b = i32x4.shuffle(x0v, x0v, 3, 3, 3, 3); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 3, 3, 3, 3); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 3, 3, 3, 3); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 3, 3, 3, 3); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
          }
          for (; g < R2; g += 2) {
            // a pair at a time: its two bytes splatted and widened are the broadcast pair
            const p = <usize>g;
            w0 = v128.load(wb); w1 = v128.load(wb, 16); wb += 32;
            b = i16x8.extend_low_i8x16_s(v128.load16_splat(r0 + p)); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
            b = i16x8.extend_low_i8x16_s(v128.load16_splat(r1 + p)); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
            b = i16x8.extend_low_i8x16_s(v128.load16_splat(r2 + p)); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
            b = i16x8.extend_low_i8x16_s(v128.load16_splat(r3 + p)); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
          }
        }
        const g = qt + (<usize>(u >> 2)) * QGROUP;
        const d = dst + <usize>u;
        // one requantization site for the 4 pixels (the module's code size)
        for (let i = 0; i < count; i++) {
          const c0 = i == 0 ? a00 : i == 1 ? a10 : i == 2 ? a20 : a30;
          const c1 = i == 0 ? a01 : i == 1 ? a11 : i == 2 ? a21 : a31;
          v128.store64_lane(d + <usize>(i * outDepth), pack8(requant4(c0, g), requant4(c1, g + QGROUP), off, lo, hi), 0);
        }
      }
      if (mode == MODE_PIXEL) copyBytes(yRow + <usize>(ox0 * outDepth), outBuf, count * outDepth);
    }
    if (mode == MODE_ROW) copyBytes(yRow, outBuf, outW * outDepth);
    }
  }
}

/** Copies the window at (iy0, ix) of batch row nRow to `slot` as rows of R2 bytes, out-of-bounds taps = zp. */
function padWindow(
  slot: usize, x: usize, nRow: i32, iy0: i32, ix: i32, inH: i32, inW: i32, depth: i32, filterH: i32, filterW: i32, dilH: i32, R2: i32, zp: i8,
): usize {
  const R = filterW * depth;
  for (let ky = 0; ky < filterH; ky++) {
    const iy = iy0 + ky * dilH;
    const d = slot + <usize>(ky * R2);
    if (iy < 0 || iy >= inH) fillBytes(d, zp, R);
    else for (let kx = 0; kx < filterW; kx++) {
      const c = ix + kx;
      if (c < 0 || c >= inW) fillBytes(d + <usize>(kx * depth), zp, depth);
      else copyBytes(d + <usize>(kx * depth), x + <usize>(((nRow + iy) * inW + c) * depth), depth);
    }
    if (R2 != R) store<i8>(d + <usize>R, 0);
  }
  return slot;
}

/** Copies n bytes (non-overlapping). */
// @ts-ignore: decorator
@inline
export function copyBytes(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= n; i += 16) v128.store(dst + <usize>i, v128.load(src + <usize>i));
  }
  for (; i + 8 <= n; i += 8) store<i64>(dst + <usize>i, load<i64>(src + <usize>i));
  for (; i < n; i++) store<i8>(dst + <usize>i, load<i8>(src + <usize>i));
}

/** Fills n bytes with v. */
// @ts-ignore: decorator
@inline
export function fillBytes(dst: usize, v: i8, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const s = i8x16.splat(v);
    for (; i + 16 <= n; i += 16) v128.store(dst + <usize>i, s);
  }
  for (; i < n; i++) store<i8>(dst + <usize>i, v);
}

/** sum over i < len of w[i] * x[i] (int32, wrapping). */
// @ts-ignore: decorator
@inline
function dotRaw(xp: usize, wp: usize, len: i32): i32 {
  let acc: i32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let vacc = i32x4.splat(0);
    for (; i + 8 <= len; i += 8) vacc = i32x4.add(vacc, i32x4.dot_i16x8_s(v128.load8x8_s(xp + <usize>i), v128.load8x8_s(wp + <usize>i)));
    acc = hsum(vacc);
  }
  for (; i < len; i++) acc += <i32>load<i8>(wp + <usize>i) * <i32>load<i8>(xp + <usize>i);
  return acc;
}

/** [sum a, sum b, sum c, sum d]. */
// @ts-ignore: decorator
@inline
function reduce4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/** Lanes [x.w0, x.w1, x.w2, x.w3] over k in [from, to) (scalar tails). */
// @ts-ignore: decorator
@inline
function tail4(xp: usize, w0: usize, w1: usize, w2: usize, w3: usize, from: i32, to: i32): v128 {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let d = from; d < to; d++) {
    const xv = <i32>load<i8>(xp + <usize>d);
    s0 += <i32>load<i8>(w0 + <usize>d) * xv;
    s1 += <i32>load<i8>(w1 + <usize>d) * xv;
    s2 += <i32>load<i8>(w2 + <usize>d) * xv;
    s3 += <i32>load<i8>(w3 + <usize>d) * xv;
  }
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(s0), 1, s1), 2, s2), 3, s3);
}

/**
 * y[r * yStride + u] = requant(sum_k w[u * wStride + k] * x[r * xStride + k], u) for r < rows, u < units,
 * with the qparams table `qt` (the input offset folded into its bias). SIMD: blocks of 2 rows x 4 units
 * (each widened input vector feeds 4 dot products, each weight vector 2), 4 outputs requantized at once.
 */
export function matmulQ(
  x: usize, xStride: i32, rows: i32, K: i32, w: usize, wStride: i32, units: i32, qt: usize,
  y: usize, yStride: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    const K8 = K & ~7;
    const off = i16x8.splat(<i16>outputOffset);
    const lo = i8x16.splat(<i8>actMin);
    const hi = i8x16.splat(<i8>actMax);
    for (; r + 2 <= rows; r += 2) {
      const x0 = x + <usize>(r * xStride);
      const x1 = x0 + <usize>xStride;
      const y0 = y + <usize>(r * yStride);
      const y1 = y0 + <usize>yStride;
      let u = 0;
      for (; u + 4 <= units; u += 4) {
        const w0 = w + <usize>(u * wStride);
        const w1 = w0 + <usize>wStride;
        const w2 = w1 + <usize>wStride;
        const w3 = w2 + <usize>wStride;
        let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
        let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
        for (let d = 0; d < K8; d += 8) {
          const p = <usize>d;
          const xa = v128.load8x8_s(x0 + p);
          const xb = v128.load8x8_s(x1 + p);
          const v0 = v128.load8x8_s(w0 + p);
          a00 = i32x4.add(a00, i32x4.dot_i16x8_s(xa, v0));
          a10 = i32x4.add(a10, i32x4.dot_i16x8_s(xb, v0));
          const v1 = v128.load8x8_s(w1 + p);
          a01 = i32x4.add(a01, i32x4.dot_i16x8_s(xa, v1));
          a11 = i32x4.add(a11, i32x4.dot_i16x8_s(xb, v1));
          const v2 = v128.load8x8_s(w2 + p);
          a02 = i32x4.add(a02, i32x4.dot_i16x8_s(xa, v2));
          a12 = i32x4.add(a12, i32x4.dot_i16x8_s(xb, v2));
          const v3 = v128.load8x8_s(w3 + p);
          a03 = i32x4.add(a03, i32x4.dot_i16x8_s(xa, v3));
          a13 = i32x4.add(a13, i32x4.dot_i16x8_s(xb, v3));
        }
        let s0 = reduce4(a00, a01, a02, a03);
        let s1 = reduce4(a10, a11, a12, a13);
        if (K8 < K) {
          s0 = i32x4.add(s0, tail4(x0, w0, w1, w2, w3, K8, K));
          s1 = i32x4.add(s1, tail4(x1, w0, w1, w2, w3, K8, K));
        }
        const g = qt + (<usize>(u >> 2)) * QGROUP;
        const o = pack8(requant4(s0, g), requant4(s1, g), off, lo, hi);
        v128.store32_lane(y0 + <usize>u, o, 0);
        v128.store32_lane(y1 + <usize>u, o, 1);
      }
      for (; u < units; u++) {
        const wu = w + <usize>(u * wStride);
        store<i8>(y0 + <usize>u, <i8>requantQ(dotRaw(x0, wu, K), qt, u, outputOffset, actMin, actMax));
        store<i8>(y1 + <usize>u, <i8>requantQ(dotRaw(x1, wu, K), qt, u, outputOffset, actMin, actMax));
      }
    }
    for (; r < rows; r++) {
      const x0 = x + <usize>(r * xStride);
      const y0 = y + <usize>(r * yStride);
      let u = 0;
      for (; u + 4 <= units; u += 4) {
        const w0 = w + <usize>(u * wStride);
        const w1 = w0 + <usize>wStride;
        const w2 = w1 + <usize>wStride;
        const w3 = w2 + <usize>wStride;
        let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
        for (let d = 0; d < K8; d += 8) {
          const p = <usize>d;
          const xa = v128.load8x8_s(x0 + p);
          a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, v128.load8x8_s(w0 + p)));
          a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, v128.load8x8_s(w1 + p)));
          a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, v128.load8x8_s(w2 + p)));
          a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, v128.load8x8_s(w3 + p)));
        }
        let s0 = reduce4(a0, a1, a2, a3);
        if (K8 < K) s0 = i32x4.add(s0, tail4(x0, w0, w1, w2, w3, K8, K));
        const g = qt + (<usize>(u >> 2)) * QGROUP;
        const q = requant4(s0, g);
        const o = pack8(q, q, off, lo, hi);
        v128.store32_lane(y0 + <usize>u, o, 0);
      }
      for (; u < units; u++) {
        store<i8>(y0 + <usize>u, <i8>requantQ(dotRaw(x0, w + <usize>(u * wStride), K), qt, u, outputOffset, actMin, actMax));
      }
    }
  }
  for (; r < rows; r++) {
    const x0 = x + <usize>(r * xStride);
    const y0 = y + <usize>(r * yStride);
    for (let u = 0; u < units; u++) {
      store<i8>(y0 + <usize>u, <i8>requantQ(dotRaw(x0, w + <usize>(u * wStride), K), qt, u, outputOffset, actMin, actMax));
    }
  }
}

/**
 * matmulQ over `wide` weights (codegen/wasm/abi/prepare.ts: the filter as int16, rows of K taps, K a multiple of
 * 8): y[r * yStride + u] = requant(sum_k ww[u * K + k] * x[r * xStride + k], u). The same blocks as
 * matmulQ; weight vectors are plain loads (no widening on the multiply-add pipes). SIMD builds only.
 */
export function matmulQW(
  x: usize, xStride: i32, rows: i32, K: i32, ww: usize, units: i32, qt: usize,
  y: usize, yStride: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const off = i16x8.splat(<i16>outputOffset);
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  const wRow = <usize>(K << 1);
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const x0 = x + <usize>(r * xStride);
    const x1 = x0 + <usize>xStride;
    const y0 = y + <usize>(r * yStride);
    const y1 = y0 + <usize>yStride;
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const w0 = ww + <usize>u * wRow;
      const w1 = w0 + wRow;
      const w2 = w1 + wRow;
      const w3 = w2 + wRow;
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
      let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
      for (let d = 0; d < K; d += 8) {
        const xa = v128.load8x8_s(x0 + <usize>d);
        const xb = v128.load8x8_s(x1 + <usize>d);
        const p = <usize>(d << 1);
        const v0 = v128.load(w0 + p);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(xa, v0));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(xb, v0));
        const v1 = v128.load(w1 + p);
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(xa, v1));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(xb, v1));
        const v2 = v128.load(w2 + p);
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(xa, v2));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(xb, v2));
        const v3 = v128.load(w3 + p);
        a03 = i32x4.add(a03, i32x4.dot_i16x8_s(xa, v3));
        a13 = i32x4.add(a13, i32x4.dot_i16x8_s(xb, v3));
      }
      const g = qt + (<usize>(u >> 2)) * QGROUP;
      const o = pack8(requant4(reduce4(a00, a01, a02, a03), g), requant4(reduce4(a10, a11, a12, a13), g), off, lo, hi);
      v128.store32_lane(y0 + <usize>u, o, 0);
      v128.store32_lane(y1 + <usize>u, o, 1);
    }
    for (; u < units; u++) {
      store<i8>(y0 + <usize>u, <i8>requantQ(dotWide(x0, ww + <usize>u * wRow, K), qt, u, outputOffset, actMin, actMax));
      store<i8>(y1 + <usize>u, <i8>requantQ(dotWide(x1, ww + <usize>u * wRow, K), qt, u, outputOffset, actMin, actMax));
    }
  }
  if (r < rows) {
    // the last row of an odd count (batch-1 FULLY_CONNECTED: the only one): 1 row x 4 units
    const x0 = x + <usize>(r * xStride);
    const y0 = y + <usize>(r * yStride);
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const w0 = ww + <usize>u * wRow;
      const w1 = w0 + wRow;
      const w2 = w1 + wRow;
      const w3 = w2 + wRow;
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
      for (let d = 0; d < K; d += 8) {
        const xa = v128.load8x8_s(x0 + <usize>d);
        const p = <usize>(d << 1);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, v128.load(w0 + p)));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, v128.load(w1 + p)));
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, v128.load(w2 + p)));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, v128.load(w3 + p)));
      }
      const q = requant4(reduce4(a0, a1, a2, a3), qt + (<usize>(u >> 2)) * QGROUP);
      v128.store32_lane(y0 + <usize>u, pack8(q, q, off, lo, hi), 0);
    }
    for (; u < units; u++) store<i8>(y0 + <usize>u, <i8>requantQ(dotWide(x0, ww + <usize>u * wRow, K), qt, u, outputOffset, actMin, actMax));
  }
}

/** sum over k < K of int16 w[k] * int8 x[k] (int32, wrapping). */
// @ts-ignore: decorator
@inline
function dotWide(x: usize, w: usize, K: i32): i32 {
  let s = 0;
  for (let d = 0; d < K; d++) s += <i32>load<i16>(w + (<usize>d << 1)) * <i32>load<i8>(x + <usize>d);
  return s;
}

/**
 * matmulQ over `packed` weights (codegen/wasm/abi/packed.ts: lanes across 8 output channels, taps in pairs):
 * y[r * yStride + u] = requant(sum_k w[u][k] * x[r * xStride + k], u), K8 a multiple of 8 (x rows hold
 * K8 bytes), units a multiple of 8. Blocks of 4 rows x 8 units: each weight vector feeds 4 dot products,
 * no horizontal sums. Every row block reads its rows before writing their outputs. SIMD builds only.
 */
export function matmulP(
  x: usize, xStride: i32, rows: i32, K8: i32, wp: usize, units: i32, qt: usize,
  y: usize, yStride: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const off = i16x8.splat(<i16>outputOffset);
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  const blockBytes = <usize>(K8 * 16);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const xr = x + <usize>(r * xStride);
    const yr = y + <usize>(r * yStride);
    for (let u = 0; u < units; u += 8) {
      let wb = wp + (<usize>(u >> 3)) * blockBytes;
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0), a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
      let w0 = i32x4.splat(0), w1 = i32x4.splat(0), b = i32x4.splat(0);
      for (let d = 0; d < K8; d += 8) {
        const p = <usize>d;
          const x0v = v128.load8x8_s(xr + <usize>(0 * xStride) + p);
          const x1v = v128.load8x8_s(xr + <usize>(1 * xStride) + p);
          const x2v = v128.load8x8_s(xr + <usize>(2 * xStride) + p);
          const x3v = v128.load8x8_s(xr + <usize>(3 * xStride) + p);
        w0 = v128.load(wb, 0); w1 = v128.load(wb, 16);
        b = i32x4.shuffle(x0v, x0v, 0, 0, 0, 0); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 0, 0, 0, 0); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 0, 0, 0, 0); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 0, 0, 0, 0); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 32); w1 = v128.load(wb, 48);
        b = i32x4.shuffle(x0v, x0v, 1, 1, 1, 1); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 1, 1, 1, 1); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 1, 1, 1, 1); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 1, 1, 1, 1); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 64); w1 = v128.load(wb, 80);
        b = i32x4.shuffle(x0v, x0v, 2, 2, 2, 2); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 2, 2, 2, 2); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 2, 2, 2, 2); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 2, 2, 2, 2); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 96); w1 = v128.load(wb, 112);
        b = i32x4.shuffle(x0v, x0v, 3, 3, 3, 3); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x1v, x1v, 3, 3, 3, 3); a10 = i32x4.add(a10, i32x4.dot_i16x8_s(b, w0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x2v, x2v, 3, 3, 3, 3); a20 = i32x4.add(a20, i32x4.dot_i16x8_s(b, w0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(b, w1));
        b = i32x4.shuffle(x3v, x3v, 3, 3, 3, 3); a30 = i32x4.add(a30, i32x4.dot_i16x8_s(b, w0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(b, w1));
        wb += 128;
      }
      const g = qt + (<usize>(u >> 2)) * QGROUP;
        v128.store64_lane(yr + <usize>(0 * yStride) + <usize>u, pack8(requant4(a00, g), requant4(a01, g + QGROUP), off, lo, hi), 0);
        v128.store64_lane(yr + <usize>(1 * yStride) + <usize>u, pack8(requant4(a10, g), requant4(a11, g + QGROUP), off, lo, hi), 0);
        v128.store64_lane(yr + <usize>(2 * yStride) + <usize>u, pack8(requant4(a20, g), requant4(a21, g + QGROUP), off, lo, hi), 0);
        v128.store64_lane(yr + <usize>(3 * yStride) + <usize>u, pack8(requant4(a30, g), requant4(a31, g + QGROUP), off, lo, hi), 0);
    }
  }
  for (; r < rows; r++) {
    const xr = x + <usize>(r * xStride);
    const yr = y + <usize>(r * yStride);
    for (let u = 0; u < units; u += 8) {
      let wb = wp + (<usize>(u >> 3)) * blockBytes;
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0);
      let w0 = i32x4.splat(0), w1 = i32x4.splat(0), b = i32x4.splat(0);
      for (let d = 0; d < K8; d += 8) {
        const p = <usize>d;
          const x0v = v128.load8x8_s(xr + <usize>(0 * xStride) + p);
        w0 = v128.load(wb, 0); w1 = v128.load(wb, 16);
        b = i32x4.shuffle(x0v, x0v, 0, 0, 0, 0); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 32); w1 = v128.load(wb, 48);
        b = i32x4.shuffle(x0v, x0v, 1, 1, 1, 1); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 64); w1 = v128.load(wb, 80);
        b = i32x4.shuffle(x0v, x0v, 2, 2, 2, 2); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        w0 = v128.load(wb, 96); w1 = v128.load(wb, 112);
        b = i32x4.shuffle(x0v, x0v, 3, 3, 3, 3); a00 = i32x4.add(a00, i32x4.dot_i16x8_s(b, w0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(b, w1));
        wb += 128;
      }
      const g = qt + (<usize>(u >> 2)) * QGROUP;
        v128.store64_lane(yr + <usize>(0 * yStride) + <usize>u, pack8(requant4(a00, g), requant4(a01, g + QGROUP), off, lo, hi), 0);
    }
  }
}

/** The `wide` filter copies (codegen/wasm/abi/prepare.ts, a preparation step): output[i] = int16(input[i]), i < count. */
export function widen_s8_s16(args: usize): void {
  const src = ptr(args, WIDEN_INPUT), dst = ptr(args, WIDEN_OUTPUT), n = arg(args, WIDEN_COUNT);
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 8 <= n; i += 8) v128.store(dst + (<usize>i << 1), v128.load8x8_s(src + <usize>i));
  for (; i < n; i++) store<i16>(dst + (<usize>i << 1), <i16>load<i8>(src + <usize>i));
}

/** 1x1, stride 1, no pads, one group: out[p, oc] = requant(sum_ic w[oc, ic] * (x[p, ic] + off)). */
export function conv2d_s8_1x1(args: usize): void {
  const a = convRecord(args);
  const q = arg(args, CONV2D_QPARAMS);
  const pk = arg(args, CONV2D_PACKED);
  if (ASC_FEATURE_SIMD && q != 0 && pk != 0 && (a.inDepth & 7) == 0) {
    matmulP(a.input, a.inDepth, a.batches * a.outH * a.outW, a.inDepth, ref(pk), a.outDepth, ref(q), a.output, a.outDepth, a.outputOffset, a.actMin, a.actMax);
    return;
  }
  const wd = arg(args, CONV2D_WIDE);
  if (ASC_FEATURE_SIMD && q != 0 && wd != 0) {
    matmulQW(a.input, a.inDepth, a.batches * a.outH * a.outW, a.inDepth, ref(wd), a.outDepth, ref(q), a.output, a.outDepth, a.outputOffset, a.actMin, a.actMax);
    return;
  }
  if (q != 0) {
    matmulQ(a.input, a.inDepth, a.batches * a.outH * a.outW, a.inDepth, a.filter, a.inDepth, a.outDepth, ref(q), a.output, a.outDepth, a.outputOffset, a.actMin, a.actMax);
    return;
  }
  const x = a.input;
  const y = a.output;
  const w = a.filter;
  const bias = a.bias;
  const mult = a.multiplier;
  const shift = a.shift;
  const pixels = a.batches * a.outH * a.outW;
  const depth = a.inDepth;
  const outDepth = a.outDepth;
  const inputOffset = a.inputOffset;
  const outputOffset = a.outputOffset;
  const actMin = a.actMin;
  const actMax = a.actMax;
  matmul(x, w, y, bias, mult, shift, pixels, depth, outDepth, inputOffset, outputOffset, actMin, actMax);
}

/** The C library's pointwise-path symbol (cConvPath 'pw'): the 1x1 kernel above. */
export function conv2d_s8_pw(args: usize): void {
  conv2d_s8_1x1(args);
}

/** The C library's pointwise symbol with channel records (channel_records, which the wasm lowering never writes): the 1x1 kernel above. */
export function conv2d_s8_pw_rec(args: usize): void {
  conv2d_s8_1x1(args);
}

/**
 * rows x depth int8 times (units x depth)^T: y[r, u] = requant(sum_d w[u, d] * (x[r, d] + off), u).
 * Without the qparams table only (the wasm backend always has one): one SIMD dot per output (code size).
 */
export function matmul(
  x: usize, w: usize, y: usize, bias: usize, mult: usize, shift: usize,
  rows: i32, depth: i32, units: i32, inputOffset: i32, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * depth);
    const yr = y + <usize>(r * units);
    for (let u = 0; u < units; u++) {
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
