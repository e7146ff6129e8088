// DECODE: TFLM's LUT decompression (spec src/ir/lut.ts decodeLut; the C twin firmware-templates/kernels/decode.c).
// `count` indices of bit_width bits, high-order bits first, each looked up in its channel's table of
// `stride` int8 values after the 16-byte DECODE header; channels are contiguous blocks or (channel_axis_last)
// element i uses table i % channels. The import checked every index < stride.
import {
  DECODE_LUT_INPUT, DECODE_LUT_ANCILLARY, DECODE_LUT_OUTPUT, DECODE_LUT_COUNT, DECODE_LUT_BIT_WIDTH, DECODE_LUT_STRIDE,
  DECODE_LUT_CHANNELS, DECODE_LUT_CHANNEL_AXIS_LAST,
} from './abi';
import { arg, ptr } from './base';

/** The first value table of a LUT record's ancillary tensor (after its 16-byte DECODE header, src/ir/lut.ts). */
// @ts-ignore: decorator
@inline
export function lutTables(args: usize, ancillaryField: i32): usize {
  return ptr(args, ancillaryField) + 16;
}

/** Bytes from one output channel's table to the next: 0 when one table serves every channel. */
// @ts-ignore: decorator
@inline
export function lutTableStride(args: usize, channelsField: i32, strideField: i32): i32 {
  return arg(args, channelsField) > 1 ? arg(args, strideField) : 0;
}

/** n indices from element `start` of the packed stream (bits each, high-order bits first) through table t, to dst. */
export function lutRow(packed: usize, start: i32, n: i32, bits: i32, t: usize, dst: usize): void {
  const bit = <usize>start * <usize>bits;
  let p = packed + (bit >> 3);
  let i = 0;
  if (bits == 4 && (bit & 7) == 0) {
    if (ASC_FEATURE_SIMD) {
      // 16 indices from 8 bytes, looked up at once (i8x16.swizzle: the table's 16 bytes; indices < stride <= 16)
      const tv = v128.load(t), low = i8x16.splat(15);
      for (; i + 16 <= n; i += 16, p += 8) {
        const v = v128.load64_zero(p);
        const idx = i8x16.shuffle(i8x16.shr_u(v, 4), v128.and(v, low), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        v128.store(dst + <usize>i, i8x16.swizzle(tv, idx));
      }
    }
    for (; i + 2 <= n; i += 2) {
      const b = <u32>load<u8>(p++);
      store<u8>(dst + <usize>i, load<u8>(t + <usize>(b >> 4)));
      store<u8>(dst + <usize>i + 1, load<u8>(t + <usize>(b & 15)));
    }
    if (i < n) store<u8>(dst + <usize>i, load<u8>(t + <usize>(<u32>load<u8>(p) >> 4)));
    return;
  }
  if (bits == 2 && (bit & 7) == 0) {
    if (ASC_FEATURE_SIMD) {
      // 32 indices from 8 bytes: each nibble (two indices) looks up its first and its second value in two
      // 16-entry tables made from the channel's 4 (i8x16.swizzle), then the pairs are interleaved into order
      const tv = v128.load(t), low = i8x16.splat(15);
      const first = i8x16.swizzle(tv, i8x16(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3));
      const second = i8x16.swizzle(tv, i8x16(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3));
      for (; i + 32 <= n; i += 32, p += 8) {
        const v = v128.load64_zero(p);
        const nib = i8x16.shuffle(i8x16.shr_u(v, 4), v128.and(v, low), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const a = i8x16.swizzle(first, nib), b = i8x16.swizzle(second, nib);
        v128.store(dst + <usize>i, i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
        v128.store(dst + <usize>i + 16, i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
      }
    }
    for (; i + 4 <= n; i += 4) {
      const b = <u32>load<u8>(p++);
      store<u8>(dst + <usize>i, load<u8>(t + <usize>(b >> 6)));
      store<u8>(dst + <usize>i + 1, load<u8>(t + <usize>((b >> 4) & 3)));
      store<u8>(dst + <usize>i + 2, load<u8>(t + <usize>((b >> 2) & 3)));
      store<u8>(dst + <usize>i + 3, load<u8>(t + <usize>(b & 3)));
    }
    for (let s: u32 = 6; i < n; i++, s -= 2) store<u8>(dst + <usize>i, load<u8>(t + <usize>((<u32>load<u8>(p) >> s) & 3)));
    return;
  }
  const mask: u32 = (1 << bits) - 1;
  let acc: u32 = 0;
  let have = 0;
  if (n > 0) {
    acc = <u32>load<u8>(p++);
    have = 8 - <i32>(bit & 7);
  }
  for (; i < n; i++) {
    if (have < bits) {
      acc = (acc << 8) | <u32>load<u8>(p++);
      have += 8;
    }
    have -= bits;
    store<u8>(dst + <usize>i, load<u8>(t + <usize>((acc >> <u32>have) & mask)));
  }
}

export function decode_lut_s8(args: usize): void {
  let packed = ptr(args, DECODE_LUT_INPUT);
  const tables = lutTables(args, DECODE_LUT_ANCILLARY);
  const y = ptr(args, DECODE_LUT_OUTPUT);
  const count = arg(args, DECODE_LUT_COUNT), bits = arg(args, DECODE_LUT_BIT_WIDTH), stride = arg(args, DECODE_LUT_STRIDE);
  const channels = arg(args, DECODE_LUT_CHANNELS), axisLast = arg(args, DECODE_LUT_CHANNEL_AXIS_LAST) != 0;
  const block = axisLast ? 1 : count / channels;
  if (!axisLast) {
    // each channel's contiguous run through its table (4- and 2-bit indices a byte at a time)
    for (let c = 0; c < channels; c++) lutRow(packed, c * block, block, bits, tables + <usize>(c * stride), y + <usize>(c * block));
    return;
  }
  const mask: u32 = (1 << bits) - 1;
  let acc: u32 = 0;
  let have = 0, channel = 0, left = block;
  let table = tables;
  for (let i = 0; i < count; i++) {
    if (have < bits) {
      acc = (acc << 8) | <u32>load<u8>(packed++);
      have += 8;
    }
    have -= bits;
    store<u8>(y + <usize>i, load<u8>(table + <usize>((acc >> <u32>have) & mask)));
    if (axisLast) {
      if (++channel == channels) {
        channel = 0;
        table = tables;
      } else {
        table += <usize>stride;
      }
    } else if (--left == 0) {
      left = block;
      table += <usize>stride;
    }
  }
}
