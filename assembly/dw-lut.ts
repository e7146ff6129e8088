// DEPTHWISE_CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; the C twin
// firmware-templates/kernels/dw_lut.c). The wasm backend calls these only with WasmLowerOptions.lutKernels
// (by default it runs dwconv2d_s8 on a copy decoded at the first invoke): each weight is decoded where the window
// reads it (a table per output channel, or one), in the variant's order; no workspace is read.
import {
  DWCONV2D_LUT_INPUT, DWCONV2D_LUT_OUTPUT, DWCONV2D_LUT_FILTER, DWCONV2D_LUT_BIAS, DWCONV2D_LUT_MULTIPLIER, DWCONV2D_LUT_SHIFT, DWCONV2D_LUT_SCRATCH,
  DWCONV2D_LUT_BATCHES, DWCONV2D_LUT_IN_H, DWCONV2D_LUT_IN_W, DWCONV2D_LUT_IN_DEPTH, DWCONV2D_LUT_OUT_H, DWCONV2D_LUT_OUT_W, DWCONV2D_LUT_OUT_DEPTH,
  DWCONV2D_LUT_FILTER_H, DWCONV2D_LUT_FILTER_W, DWCONV2D_LUT_DEPTH_MULTIPLIER, DWCONV2D_LUT_STRIDE_H, DWCONV2D_LUT_STRIDE_W, DWCONV2D_LUT_DILATION_H,
  DWCONV2D_LUT_DILATION_W, DWCONV2D_LUT_PAD_TOP, DWCONV2D_LUT_PAD_LEFT, DWCONV2D_LUT_INPUT_OFFSET, DWCONV2D_LUT_OUTPUT_OFFSET, DWCONV2D_LUT_ACT_MIN,
  DWCONV2D_LUT_ACT_MAX, DWCONV2D_LUT_ANCILLARY, DWCONV2D_LUT_BIT_WIDTH, DWCONV2D_LUT_STRIDE, DWCONV2D_LUT_CHANNELS,
} from './abi';
import { arg, ptr } from './base';
import { copyBytes } from './conv';
import { lutIndex } from './conv-lut';
import { requantize } from './requant';
import { lutTables, lutTableStride } from './decode';
import { tapBegin, tapEnd } from './window';

/** variant: 0 default, 1 stream-row (rows via scratch), 2 inplace-channel (a channel's plane via scratch). */
function dwLut(args: usize, variant: i32): void {
  const x = ptr(args, DWCONV2D_LUT_INPUT), y = ptr(args, DWCONV2D_LUT_OUTPUT), packed = ptr(args, DWCONV2D_LUT_FILTER);
  const tables = lutTables(args, DWCONV2D_LUT_ANCILLARY);
  const bias = ptr(args, DWCONV2D_LUT_BIAS), mult = ptr(args, DWCONV2D_LUT_MULTIPLIER), shift = ptr(args, DWCONV2D_LUT_SHIFT);
  const batches = arg(args, DWCONV2D_LUT_BATCHES), ih = arg(args, DWCONV2D_LUT_IN_H), iw = arg(args, DWCONV2D_LUT_IN_W), id = arg(args, DWCONV2D_LUT_IN_DEPTH);
  const oh = arg(args, DWCONV2D_LUT_OUT_H), ow = arg(args, DWCONV2D_LUT_OUT_W), od = arg(args, DWCONV2D_LUT_OUT_DEPTH);
  const kh = arg(args, DWCONV2D_LUT_FILTER_H), kw = arg(args, DWCONV2D_LUT_FILTER_W), m = arg(args, DWCONV2D_LUT_DEPTH_MULTIPLIER);
  const sh = arg(args, DWCONV2D_LUT_STRIDE_H), sw = arg(args, DWCONV2D_LUT_STRIDE_W), dh = arg(args, DWCONV2D_LUT_DILATION_H), dw = arg(args, DWCONV2D_LUT_DILATION_W);
  const pt = arg(args, DWCONV2D_LUT_PAD_TOP), pl = arg(args, DWCONV2D_LUT_PAD_LEFT);
  const inOff = arg(args, DWCONV2D_LUT_INPUT_OFFSET), outOff = arg(args, DWCONV2D_LUT_OUTPUT_OFFSET);
  const actMin = arg(args, DWCONV2D_LUT_ACT_MIN), actMax = arg(args, DWCONV2D_LUT_ACT_MAX);
  const bits = arg(args, DWCONV2D_LUT_BIT_WIDTH), stride = lutTableStride(args, DWCONV2D_LUT_CHANNELS, DWCONV2D_LUT_STRIDE);
  const s = variant != 0 ? ptr(args, DWCONV2D_LUT_SCRATCH) : 0;
  const plane = oh * ow;
  // inplace-channel: channel-major (each channel's plane, then the next); else pixel-major
  const outer = variant == 2 ? od : 1, inner = variant == 2 ? 1 : od;
  for (let b = 0; b < batches; b++) {
    for (let co = 0; co < outer; co++) {
      for (let oy = 0; oy < oh; oy++) {
        const yrow = y + <usize>((b * oh + oy) * ow * od);
        const iy0 = oy * sh - pt, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, ih, kh);
        for (let ox = 0; ox < ow; ox++) {
          const ix0 = ox * sw - pl, kx0 = tapBegin(ix0, dw), kx1 = tapEnd(ix0, dw, iw, kw);
          for (let ci = 0; ci < inner; ci++) {
            const oc = co + ci, ic = oc / m;
            const t = tables + <usize>(oc * stride);
            let acc = 0;
            for (let ky = ky0; ky < ky1; ky++) {
              const iy = iy0 + ky * dh;
              for (let kx = kx0; kx < kx1; kx++) {
                const ix = ix0 + kx * dw;
                const w = <i32>load<i8>(t + <usize>lutIndex(packed, (ky * kw + kx) * od + oc, bits));
                acc += w * (<i32>load<i8>(x + <usize>(((b * ih + iy) * iw + ix) * id + ic)) + inOff);
              }
            }
            const v = <i8>requantize(acc, bias, mult, shift, oc, outOff, actMin, actMax);
            const at = variant == 2 ? s + <usize>(oy * ow + ox) : variant == 1 ? s + <usize>(ox * od + oc) : yrow + <usize>(ox * od + oc);
            store<i8>(at, v);
          }
        }
        if (variant == 1) copyBytes(yrow, s, ow * od);
      }
      if (variant == 2) {
        const base = y + <usize>(b * plane * od + co);
        for (let i = 0; i < plane; i++) store<i8>(base + <usize>(i * od), load<i8>(s + <usize>i));
      }
    }
  }
}

export function dwconv2d_lut_s8(args: usize): void {
  dwLut(args, 0);
}

export function dwconv2d_lut_s8_stream_row(args: usize): void {
  dwLut(args, 1);
}

export function dwconv2d_lut_s8_inplace_channel(args: usize): void {
  dwLut(args, 2);
}
