// DEPTHWISE_CONV_2D int8 (TFLM reference_integer_ops::DepthwiseConvPerChannel) and its variants; the
// spec is src/reference/ops/depthwise.ts and src/reference/variants.ts.
import { DWCONV2D_QPARAMS } from './abi';
import { convRecord } from './conv-record';
import { arg, ref, WORK_BASE } from './base';
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

function depthwise(args: usize, mode: i32): void {
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
  const M = a.depthMultiplier;
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
  const q = arg(args, DWCONV2D_QPARAMS);
  a.useWorkspace();
  if (q != 0) {
    depthwiseQ(x, y, w, ref(q), batches, inH, inW, inDepth, M, outH, outW, filterH, filterW, strideH, strideW, dilH, dilW,
      padTop, padLeft, inputOffset, outputOffset, actMin, actMax, mode);
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
 * Padded input rows the ring holds (padded row py is input row py - padTop; codegen/wasm/workspace.ts
 * computes the same): the filter's row span, and for the in-place variant (output at delta 0) also the
 * rows an output row covers before a later output row reads them.
 */
// @ts-ignore: decorator
@inline
function ringRows(inH: i32, inRow: i32, outH: i32, outRow: i32, strideH: i32, span: i32, padTop: i32, inPlace: bool): i32 {
  let rows = span;
  if (inPlace) {
    const hp = (outH - 1) * strideH + span;
    for (let oy = 0; oy < outH; oy++) {
      const last = min(min(((oy + 1) * outRow - 1) / inRow, inH - 1) + padTop, hp - 1);
      rows = max(rows, last - oy * strideH + 1);
    }
  }
  return rows;
}

/** Padded row py of batch input xn into its ring slot: the zero point outside the image, channels repeated M times. */
function ringRow(
  ring: usize, R: i32, prow: i32, py: i32, xn: usize, inH: i32, inW: i32, inDepth: i32, M: i32, wp: i32, padTop: i32, padLeft: i32, zp: i8,
): void {
  const depth = inDepth * M;
  const d = ring + <usize>((py % R) * prow);
  const iy = py - padTop;
  if (iy < 0 || iy >= inH) {
    fillBytes(d, zp, prow);
    return;
  }
  const c0 = min(wp, padLeft);
  const c1 = max(c0, min(wp, inW + padLeft));
  fillBytes(d, zp, c0 * depth);
  const src = xn + <usize>((iy * inW + c0 - padLeft) * inDepth);
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

/**
 * DEPTHWISE_CONV_2D with the qparams table, for every variant: output rows in order from a ring of
 * padded input rows in the workspace (input channel ic repeated M times, the zero point outside the
 * image). Each input row is copied into the ring once, at the first output row that reads it, before
 * that output row is written; outputs are computed from the ring only. Stream-row: output row oy never
 * covers bytes a later row reads (the planner's bound), so copying at first use is in time. In place
 * (delta 0): output row oy may cover input rows still to be read, so those are copied before it is written.
 */
function depthwiseQ(
  x: usize, y: usize, w: usize, qt: usize, batches: i32, inH: i32, inW: i32, inDepth: i32, M: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilH: i32, dilW: i32, padTop: i32, padLeft: i32,
  inputOffset: i32, outputOffset: i32, actMin: i32, actMax: i32, mode: i32,
): void {
  const depth = inDepth * M;
  const span = (filterH - 1) * dilH + 1;
  const wp = (outW - 1) * strideW + (filterW - 1) * dilW + 1;
  const prow = wp * depth;
  const hp = (outH - 1) * strideH + span;
  const inRow = inW * inDepth;
  const outRow = outW * depth;
  const R = ringRows(inH, inRow, outH, outRow, strideH, span, padTop, mode == MODE_CHANNEL);
  const ring = WORK_BASE;
  const offs = ring + ((<usize>(R * prow) + 15) & ~15);
  const zp = <i8>(-inputOffset);
  const taps = filterH * filterW;
  const fast = filterH == 3 && filterW == 3 && dilH == 1 && dilW == 1 && M == 1;
  // Two taps' int8 products sum exactly in int16 unless a weight is -128 (dwRow; dw3x3Row is exact for all).
  let pairs = true;
  let i = fast ? taps * depth : 0;
  if (ASC_FEATURE_SIMD) {
    const m128 = i8x16.splat(-128);
    for (; i + 16 <= taps * depth; i += 16) if (v128.any_true(i8x16.eq(v128.load(w + <usize>i), m128))) pairs = false;
  }
  for (; i < taps * depth; i++) if (load<i8>(w + <usize>i) == -128) pairs = false;
  for (let n = 0; n < batches; n++) {
    const xn = x + <usize>(n * inH * inRow);
    let next = 0;
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * strideH;
      if (next < top) next = top;
      let last = top + span - 1;
      const dest = y + <usize>((n * outH + oy) * outRow);
      if (mode == MODE_CHANNEL) {
        const ye = dest + <usize>outRow;
        if (ye > xn && dest < xn + <usize>(inH * inRow)) {
          // the rows this output row covers; ringRows made room for them at delta 0 (the only delta offered)
          last = min(top + R - 1, max(last, min(min(<i32>((ye - 1 - xn) / <usize>inRow), inH - 1) + padTop, hp - 1)));
        }
      }
      for (; next <= last; next++) ringRow(ring, R, prow, next, xn, inH, inW, inDepth, M, wp, padTop, padLeft, zp);
      if (ASC_FEATURE_SIMD && fast) {
        dw3x3Row(ring + <usize>((top % R) * prow), ring + <usize>(((top + 1) % R) * prow), ring + <usize>(((top + 2) % R) * prow),
          w, qt, depth, outW, strideW, dest, outputOffset, actMin, actMax);
        continue;
      }
      for (let t = 0; t < taps; t++) {
        const ky = t / filterW, kx = t - ky * filterW;
        store<i32>(offs + (<usize>t << 2), ((top + ky * dilH) % R) * prow + kx * dilW * depth);
      }
      dwRow(ring, offs, taps, pairs, w, qt, depth, outW, strideW, dest, outputOffset, actMin, actMax);
    }
  }
}

/** One output row from the ring, any filter: tap offsets (into the ring) at offs; 16, then 8 channels at a time. */
function dwRow(
  ring: usize, offs: usize, taps: i32, pairs: bool, w: usize, qt: usize, depth: i32, outW: i32, strideW: i32, destRow: usize,
  outputOffset: i32, actMin: i32, actMax: i32,
): void {
  const end = offs + (<usize>taps << 2);
  for (let ox = 0; ox < outW; ox++) {
    const base = ring + <usize>(ox * strideW * depth);
    const dest = destRow + <usize>(ox * depth);
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
        let wp = w + <usize>c;
        for (let op = offs; op < end; op += 4) {
          const p = i16x8.mul(v128.load8x8_s(base + <usize>(load<i32>(op) + c)), v128.load8x8_s(wp));
          a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(p));
          a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(p));
          wp += <usize>depth;
        }
        const g = qt + (<usize>(c >> 2)) * QGROUP;
        v128.store64_lane(dest + <usize>c, pack8(requant4(a0, g), requant4(a1, g + QGROUP), off, lo, hi), 0);
      }
    }
    for (; c < depth; c++) {
      let acc: i32 = 0;
      for (let t = 0; t < taps; t++) {
        acc += <i32>load<i8>(base + <usize>(load<i32>(offs + (<usize>t << 2)) + c)) * <i32>load<i8>(w + <usize>(t * depth + c));
      }
      store<i8>(dest + <usize>c, <i8>requantQ(acc, qt, c, outputOffset, actMin, actMax));
    }
  }
}

/** i16 lanes 0-3 (lo) or 4-7 (hi) of a and b interleaved: a dot with it sums two taps per channel. */
// @ts-ignore: decorator
@inline
function zipLo(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}

// @ts-ignore: decorator
@inline
function zipHi(a: v128, b: v128): v128 {
  return i16x8.shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

/**
 * Channels 0-3 (high: 4-7) of a 3x3 window at p0, p1, p2 (its three rows, pixel stride d): taps widened
 * to int16 as they load, zipped in pairs (rows 0 and 1 of each column, taps 6 and 7, tap 8 with zeros)
 * and summed per channel by i32x4.dot_i16x8_s against weights zipped the same way (exact for every int8).
 */
// @ts-ignore: decorator
@inline
function sum9(
  x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128, x8: v128,
  wa: v128, wb: v128, wc: v128, wd: v128, we: v128, zero: v128, high: bool,
): v128 {
  if (high) {
    return i32x4.add(i32x4.add(i32x4.add(i32x4.dot_i16x8_s(zipHi(x0, x3), wa), i32x4.dot_i16x8_s(zipHi(x1, x4), wb)),
      i32x4.add(i32x4.dot_i16x8_s(zipHi(x2, x5), wc), i32x4.dot_i16x8_s(zipHi(x6, x7), wd))), i32x4.dot_i16x8_s(zipHi(x8, zero), we));
  }
  return i32x4.add(i32x4.add(i32x4.add(i32x4.dot_i16x8_s(zipLo(x0, x3), wa), i32x4.dot_i16x8_s(zipLo(x1, x4), wb)),
    i32x4.add(i32x4.dot_i16x8_s(zipLo(x2, x5), wc), i32x4.dot_i16x8_s(zipLo(x6, x7), wd))), i32x4.dot_i16x8_s(zipLo(x8, zero), we));
}

/**
 * One output row of a 3x3 (dilation 1, multiplier 1) from ring rows r0..r2, 8 channels at a time
 * (outer, the zipped weights in locals) over the row's pixels (inner, two at a time: see sum9).
 */
function dw3x3Row(
  r0: usize, r1: usize, r2: usize, w: usize, qt: usize, depth: i32, outW: i32, strideW: i32, destRow: usize,
  outputOffset: i32, actMin: i32, actMax: i32,
): void {
  const off = i16x8.splat(<i16>outputOffset);
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  const zero = i32x4.splat(0);
  const d = <usize>depth;
  const step = <usize>(strideW * depth);
  let c = 0;
  for (; c + 8 <= depth; c += 8) {
    const wc = w + <usize>c;
    const k0 = v128.load8x8_s(wc), k1 = v128.load8x8_s(wc + d), k2 = v128.load8x8_s(wc + 2 * d);
    const k3 = v128.load8x8_s(wc + 3 * d), k4 = v128.load8x8_s(wc + 4 * d), k5 = v128.load8x8_s(wc + 5 * d);
    const k6 = v128.load8x8_s(wc + 6 * d), k7 = v128.load8x8_s(wc + 7 * d), k8 = v128.load8x8_s(wc + 8 * d);
    const wal = zipLo(k0, k3), wah = zipHi(k0, k3);
    const wbl = zipLo(k1, k4), wbh = zipHi(k1, k4);
    const wcl = zipLo(k2, k5), wch = zipHi(k2, k5);
    const wdl = zipLo(k6, k7), wdh = zipHi(k6, k7);
    const wel = zipLo(k8, zero), weh = zipHi(k8, zero);
    const g = qt + (<usize>(c >> 2)) * QGROUP;
    let p0 = r0 + <usize>c, p1 = r1 + <usize>c, p2 = r2 + <usize>c;
    let q = destRow + <usize>c;
    // two pixels per iteration (one pack16 for 16 outputs), then a last odd pixel alone
    let ox = 0;
    for (; ox + 2 <= outW; ox += 2) {
      let x0 = v128.load8x8_s(p0), x1 = v128.load8x8_s(p0 + d), x2 = v128.load8x8_s(p0 + 2 * d);
      let x3 = v128.load8x8_s(p1), x4 = v128.load8x8_s(p1 + d), x5 = v128.load8x8_s(p1 + 2 * d);
      let x6 = v128.load8x8_s(p2), x7 = v128.load8x8_s(p2 + d), x8 = v128.load8x8_s(p2 + 2 * d);
      const al = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wal, wbl, wcl, wdl, wel, zero, false);
      const ah = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wah, wbh, wch, wdh, weh, zero, true);
      x0 = v128.load8x8_s(p0 + step); x1 = v128.load8x8_s(p0 + step + d); x2 = v128.load8x8_s(p0 + step + 2 * d);
      x3 = v128.load8x8_s(p1 + step); x4 = v128.load8x8_s(p1 + step + d); x5 = v128.load8x8_s(p1 + step + 2 * d);
      x6 = v128.load8x8_s(p2 + step); x7 = v128.load8x8_s(p2 + step + d); x8 = v128.load8x8_s(p2 + step + 2 * d);
      const bl = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wal, wbl, wcl, wdl, wel, zero, false);
      const bh = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wah, wbh, wch, wdh, weh, zero, true);
      const v = pack16(requant4(al, g), requant4(ah, g + QGROUP), requant4(bl, g), requant4(bh, g + QGROUP), off, lo, hi);
      if (d == 8) v128.store(q, v);
      else {
        v128.store64_lane(q, v, 0);
        v128.store64_lane(q + d, v, 1);
      }
      p0 += 2 * step; p1 += 2 * step; p2 += 2 * step; q += 2 * d;
    }
    if (ox < outW) {
      const x0 = v128.load8x8_s(p0), x1 = v128.load8x8_s(p0 + d), x2 = v128.load8x8_s(p0 + 2 * d);
      const x3 = v128.load8x8_s(p1), x4 = v128.load8x8_s(p1 + d), x5 = v128.load8x8_s(p1 + 2 * d);
      const x6 = v128.load8x8_s(p2), x7 = v128.load8x8_s(p2 + d), x8 = v128.load8x8_s(p2 + 2 * d);
      const al = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wal, wbl, wcl, wdl, wel, zero, false);
      const ah = sum9(x0, x1, x2, x3, x4, x5, x6, x7, x8, wah, wbh, wch, wdh, weh, zero, true);
      v128.store64_lane(q, pack8(requant4(al, g), requant4(ah, g + QGROUP), off, lo, hi), 0);
    }
  }
  for (; c < depth; c++) {
    const cc = <usize>c;
    const w0 = <i32>load<i8>(w + cc), w1 = <i32>load<i8>(w + cc + d), w2 = <i32>load<i8>(w + cc + 2 * d);
    const w3 = <i32>load<i8>(w + cc + 3 * d), w4 = <i32>load<i8>(w + cc + 4 * d), w5 = <i32>load<i8>(w + cc + 5 * d);
    const w6 = <i32>load<i8>(w + cc + 6 * d), w7 = <i32>load<i8>(w + cc + 7 * d), w8 = <i32>load<i8>(w + cc + 8 * d);
    let p0 = r0 + cc, p1 = r1 + cc, p2 = r2 + cc;
    let q = destRow + cc;
    for (let ox = 0; ox < outW; ox++) {
      const acc = w0 * <i32>load<i8>(p0) + w1 * <i32>load<i8>(p0 + d) + w2 * <i32>load<i8>(p0 + 2 * d) +
        w3 * <i32>load<i8>(p1) + w4 * <i32>load<i8>(p1 + d) + w5 * <i32>load<i8>(p1 + 2 * d) +
        w6 * <i32>load<i8>(p2) + w7 * <i32>load<i8>(p2 + d) + w8 * <i32>load<i8>(p2 + 2 * d);
      store<i8>(q, <i8>requantQ(acc, qt, c, outputOffset, actMin, actMax));
      p0 += step; p1 += step; p2 += step; q += d;
    }
  }
}

export function dwconv2d_s8(args: usize): void {
  depthwise(args, MODE_DIRECT);
}

export function dwconv2d_s8_stream_row(args: usize): void {
  depthwise(args, MODE_ROW);
}

export function dwconv2d_s8_inplace_channel(args: usize): void {
  depthwise(args, MODE_CHANNEL);
}

/** The C library's stream-row ring path as its own symbol (the lowering picks it per layer); here the same kernel as dwconv2d_s8_stream_row. */
export function dwconv2d_s8_stream_row_ring(args: usize): void {
  depthwise(args, MODE_ROW);
}

/** The C library's ring path as its own symbol (the lowering picks it per layer); here the same kernel as dwconv2d_s8_inplace_channel. */
export function dwconv2d_s8_inplace_channel_ring(args: usize): void {
  depthwise(args, MODE_CHANNEL);
}

/** The C library's 5x5 / 7x7 inplace-channel fast path; the same plane loop here. */
export function dwconv2d_s8_kxk_inplace_channel(args: usize): void {
  depthwise(args, MODE_CHANNEL);
}

/** 3x3, dilation 1, multiplier 1: with qparams depthwiseQ takes its 3x3 path; without, the generic one (only the C-mirroring tests lower without). */
export function dwconv2d_s8_3x3(args: usize): void {
  depthwise(args, MODE_DIRECT);
}
