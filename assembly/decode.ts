// DECODE: TFLM's LUT decompression (spec src/ir/lut.ts decodeLut; the C twin firmware-templates/kernels/decode.c).
// `count` indices of bit_width bits, high-order bits first, each looked up in its channel's table of
// `stride` int8 values after the 16-byte DECODE header; channels are contiguous blocks or (channel_axis_last)
// element i uses table i % channels. The import checked every index < stride.
import {
  DECODE_LUT_INPUT, DECODE_LUT_ANCILLARY, DECODE_LUT_OUTPUT, DECODE_LUT_COUNT, DECODE_LUT_BIT_WIDTH, DECODE_LUT_STRIDE,
  DECODE_LUT_CHANNELS, DECODE_LUT_CHANNEL_AXIS_LAST,
} from './abi';
import { arg, ptr } from './base';

export function decode_lut_s8(args: usize): void {
  let packed = ptr(args, DECODE_LUT_INPUT);
  const tables = ptr(args, DECODE_LUT_ANCILLARY) + 16;
  const y = ptr(args, DECODE_LUT_OUTPUT);
  const count = arg(args, DECODE_LUT_COUNT), bits = arg(args, DECODE_LUT_BIT_WIDTH), stride = arg(args, DECODE_LUT_STRIDE);
  const channels = arg(args, DECODE_LUT_CHANNELS), axisLast = arg(args, DECODE_LUT_CHANNEL_AXIS_LAST) != 0;
  const mask: u32 = (1 << bits) - 1;
  const block = axisLast ? 1 : count / channels;
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
