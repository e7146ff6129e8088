// CONV_2D int8 over LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; the C twin
// firmware-templates/kernels/conv_lut.c). The wasm backend calls these for a filter it does not decode whole
// (codegen/wasm/abi/lut.ts): a pointwise conv given `lut_block` (default variant, with qparams) decodes blocks of
// that many channels into its workspace and runs each over every pixel (lutMatmulQ); otherwise each weight is
// decoded where the dot product reads it, pixel by pixel, so every variant's order holds and no workspace is read.
import { CONV2D_LUT_QPARAMS, CONV2D_LUT_LUT_BLOCK } from './abi';
import { convRecord } from './conv-record';
import { arg, ref } from './base';
import { lutMatmulQ } from './fully-connected';
import { copyBytes } from './conv';
import { requantize } from './requant';
import { tapBegin, tapEnd } from './window';

/** Index `i` of a packed stream of `bits`-bit indices (high-order bits first; an index spans at most two bytes). */
// @ts-ignore: decorator
@inline
export function lutIndex(packed: usize, i: i32, bits: i32): u32 {
  const bit = <usize>i * <usize>bits;
  const at = packed + (bit >> 3);
  const lead = <i32>(bit & 7);
  let v = <u32>load<u8>(at) << 8;
  if (lead + bits > 8) v |= <u32>load<u8>(at + 1);
  return (v >> <u32>(16 - lead - bits)) & ((1 << bits) - 1);
}

/** variant: 0 default, 1 stream-row (rows via scratch), 2 stream-pixel (pixels via scratch). */
function convLut(args: usize, variant: i32): void {
  const a = convRecord(args);
  const x = a.input, y = a.output, packed = a.filter, tables = a.lutTables;
  const bias = a.bias, mult = a.multiplier, shift = a.shift;
  const batches = a.batches, ih = a.inH, iw = a.inW, id = a.inDepth, oh = a.outH, ow = a.outW, od = a.outDepth;
  const kh = a.filterH, kw = a.filterW, fd = a.filterDepth;
  const sh = a.strideH, sw = a.strideW, dh = a.dilationH, dw = a.dilationW, pt = a.padTop, pl = a.padLeft;
  const inOff = a.inputOffset, outOff = a.outputOffset, actMin = a.actMin, actMax = a.actMax;
  const bits = a.lutBits, stride = a.lutStride;
  const block = arg(args, CONV2D_LUT_LUT_BLOCK);
  if (variant == 0 && block != 0) {
    // pointwise, one group, with qparams (the lowering sets lut_block only then): the pixels are the rows
    a.useWorkspace();
    lutMatmulQ(x, batches * oh * ow, id, packed, bits, tables, stride, od, block, ref(arg(args, CONV2D_LUT_QPARAMS)), y, outOff, actMin, actMax);
    return;
  }
  const taps = kh * kw * fd, perGroup = od / (id / fd);
  const s = variant != 0 ? a.scratch : 0;
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const yrow = y + <usize>((b * oh + oy) * ow * od);
      const iy0 = oy * sh - pt, ky0 = tapBegin(iy0, dh), ky1 = tapEnd(iy0, dh, ih, kh);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = ox * sw - pl, kx0 = tapBegin(ix0, dw), kx1 = tapEnd(ix0, dw, iw, kw);
        const dst = variant == 2 ? s : variant == 1 ? s + <usize>(ox * od) : yrow + <usize>(ox * od);
        for (let oc = 0; oc < od; oc++) {
          const t = tables + <usize>(oc * stride);
          const g = oc / perGroup;
          let acc = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            const iy = iy0 + ky * dh;
            for (let kx = kx0; kx < kx1; kx++) {
              const ix = ix0 + kx * dw;
              const xs = x + <usize>(((b * ih + iy) * iw + ix) * id + g * fd);
              const w0 = oc * taps + (ky * kw + kx) * fd;
              for (let c = 0; c < fd; c++) {
                acc += <i32>load<i8>(t + <usize>lutIndex(packed, w0 + c, bits)) * (<i32>load<i8>(xs + <usize>c) + inOff);
              }
            }
          }
          store<i8>(dst + <usize>oc, <i8>requantize(acc, bias, mult, shift, oc, outOff, actMin, actMax));
        }
        if (variant == 2) copyBytes(yrow + <usize>(ox * od), s, od);
      }
      if (variant == 1) copyBytes(yrow, s, ow * od);
    }
  }
}

export function conv2d_lut_s8(args: usize): void {
  convLut(args, 0);
}

export function conv2d_lut_s8_stream_row(args: usize): void {
  convLut(args, 1);
}

export function conv2d_lut_s8_stream_pixel(args: usize): void {
  convLut(args, 2);
}
