/* DECODE: TFLM's LUT decompression (spec: src/ir/lut.ts decodeLut). `count` indices of bit_width bits,
 * packed high-order bits first, each looked up in its channel's table of `stride` int8 values (the
 * tables follow the 16-byte DECODE header of the ancillary data). Channels are contiguous blocks, or
 * (channel_axis_last) element i uses table i % channels. The import checked every index < stride. */
#include "tf_kernels.h"

void decode_lut_s8(const int32_t *args) {
  const tf_decode_lut_args *p = (const tf_decode_lut_args *)args;
  const uint8_t *packed = (const uint8_t *)tf_ref(p->input);
  const int8_t *tables = (const int8_t *)tf_ref(p->ancillary) + 16;
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int32_t bits = p->bit_width, stride = p->stride, channels = p->channels, count = p->count;
  const uint32_t mask = (1u << bits) - 1u;
  const int32_t axis_last = p->channel_axis_last;
  const int32_t block = axis_last ? 1 : count / channels;
  uint32_t acc = 0;
  int32_t have = 0, channel = 0, left = block;
  const int8_t *table = tables;
  for (int32_t i = 0; i < count; i++) {
    if (have < bits) {
      acc = (acc << 8) | *packed++;
      have += 8;
    }
    have -= bits;
    y[i] = table[(acc >> have) & mask];
    if (axis_last) {
      if (++channel == channels) {
        channel = 0;
        table = tables;
      } else {
        table += stride;
      }
    } else if (--left == 0) {
      left = block;
      table += stride;
    }
  }
}
