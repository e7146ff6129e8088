// DEPTHWISE_CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; the C twin
// firmware-templates/kernels/dw_lut.c). The wasm backend calls these only with WasmLowerOptions.lutKernels
// (by default it runs dwconv2d_s8 on a copy decoded at the first invoke): each weight is decoded where the window
// reads it (a table per output channel, or one), in the variant's order; no workspace is read.
import { convRecord } from './conv-record';
import { copyBytes } from './conv';
import { lutIndex } from './conv-lut';
import { requantize } from './requant';
import { tapBegin, tapEnd } from './window';

/** variant: 0 default, 1 stream-row (rows via scratch), 2 inplace-channel (a channel's plane via scratch). */
function dwLut(args: usize, variant: i32): void {
  const a = convRecord(args);
  const x = a.input, y = a.output, packed = a.filter, tables = a.lutTables;
  const bias = a.bias, mult = a.multiplier, shift = a.shift;
  const batches = a.batches, ih = a.inH, iw = a.inW, id = a.inDepth, oh = a.outH, ow = a.outW, od = a.outDepth;
  const kh = a.filterH, kw = a.filterW, m = a.depthMultiplier;
  const sh = a.strideH, sw = a.strideW, dh = a.dilationH, dw = a.dilationW, pt = a.padTop, pl = a.padLeft;
  const inOff = a.inputOffset, outOff = a.outputOffset, actMin = a.actMin, actMax = a.actMax;
  const bits = a.lutBits, stride = a.lutStride;
  const s = variant != 0 ? a.scratch : 0;
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
