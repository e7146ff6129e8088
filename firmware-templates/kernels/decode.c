/* DECODE: TFLM's LUT decompression (spec: src/ir/lut.ts decodeLut). `count` indices of bit_width bits,
 * packed high-order bits first, each looked up in its channel's table of `stride` int8 values (the
 * tables follow the 16-byte DECODE header of the ancillary data). Channels are contiguous blocks, or
 * (channel_axis_last) element i uses table i % channels. The import checked every index < stride. */
#include "tf_kernels.h"

/* Channel blocks starting on a byte: 4- and 2-bit indices a whole byte at a time. */
static void decode_bytes(const uint8_t *packed, const int8_t *tables, int8_t *y, int32_t bits, int32_t stride, int32_t channels, int32_t block) {
  const int32_t bytes = block * bits / 8;
  for (int32_t c = 0; c < channels; c++, tables += stride) {
    const int8_t *t = tables;
    if (bits == 4) {
      for (int32_t k = 0; k < bytes; k++) {
        const uint32_t b = *packed++;
        y[0] = t[b >> 4];
        y[1] = t[b & 15u];
        y += 2;
      }
    } else {
      for (int32_t k = 0; k < bytes; k++) {
        const uint32_t b = *packed++;
        y[0] = t[b >> 6];
        y[1] = t[(b >> 4) & 3u];
        y[2] = t[(b >> 2) & 3u];
        y[3] = t[b & 3u];
        y += 4;
      }
    }
  }
}

void decode_lut_s8(const int32_t *args) {
  const tf_decode_lut_args *p = (const tf_decode_lut_args *)args;
  const uint8_t *packed = (const uint8_t *)tf_ref(p->input);
  const int8_t *tables = (const int8_t *)tf_ref(p->ancillary) + 16;
  int8_t *y = (int8_t *)tf_ref(p->output);
  const int32_t bits = p->bit_width, stride = p->stride, channels = p->channels, count = p->count;
  const uint32_t mask = (1u << bits) - 1u;
  const int32_t axis_last = p->channel_axis_last;
  const int32_t block = axis_last ? 1 : count / channels;
  if (!axis_last && (bits == 4 || bits == 2) && (block * bits) % 8 == 0) {
    decode_bytes(packed, tables, y, bits, stride, channels, block);
    return;
  }
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
