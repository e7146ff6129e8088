// CONV_2D 16x8: int16 activations (zero points 0), int8 filter, int64 bias and accumulator. Spec: the int16
// path of src/reference/ops/conv.ts (TFLM's reference_integer_ops::ConvPerChannel for int16). The bias is
// int64 stored as two words, low first.
import {
  CONV2D_INPUT, CONV2D_OUTPUT, CONV2D_FILTER, CONV2D_BIAS, CONV2D_MULTIPLIER, CONV2D_SHIFT,
  CONV2D_BATCHES, CONV2D_IN_H, CONV2D_IN_W, CONV2D_IN_DEPTH, CONV2D_OUT_H, CONV2D_OUT_W, CONV2D_OUT_DEPTH,
  CONV2D_FILTER_H, CONV2D_FILTER_W, CONV2D_FILTER_DEPTH, CONV2D_STRIDE_H, CONV2D_STRIDE_W,
  CONV2D_DILATION_H, CONV2D_DILATION_W, CONV2D_PAD_TOP, CONV2D_PAD_LEFT, CONV2D_OUTPUT_OFFSET, CONV2D_ACT_MIN, CONV2D_ACT_MAX,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier64 } from './quant';

export function conv2d_s16(args: usize): void {
  const x = ptr(args, CONV2D_INPUT), w = ptr(args, CONV2D_FILTER), bias = ptr(args, CONV2D_BIAS);
  const mult = ptr(args, CONV2D_MULTIPLIER), shift = ptr(args, CONV2D_SHIFT), y = ptr(args, CONV2D_OUTPUT);
  const batches = arg(args, CONV2D_BATCHES), inH = arg(args, CONV2D_IN_H), inW = arg(args, CONV2D_IN_W), inDepth = arg(args, CONV2D_IN_DEPTH);
  const outH = arg(args, CONV2D_OUT_H), outW = arg(args, CONV2D_OUT_W), outDepth = arg(args, CONV2D_OUT_DEPTH);
  const kh = arg(args, CONV2D_FILTER_H), kw = arg(args, CONV2D_FILTER_W), fd = arg(args, CONV2D_FILTER_DEPTH);
  const sh = arg(args, CONV2D_STRIDE_H), sw = arg(args, CONV2D_STRIDE_W), dh = arg(args, CONV2D_DILATION_H), dw = arg(args, CONV2D_DILATION_W);
  const padTop = arg(args, CONV2D_PAD_TOP), padLeft = arg(args, CONV2D_PAD_LEFT);
  const outOffset = arg(args, CONV2D_OUTPUT_OFFSET), lo = arg(args, CONV2D_ACT_MIN), hi = arg(args, CONV2D_ACT_MAX);
  const perGroup = outDepth / (inDepth / fd);
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outDepth; oc++) {
          const inBase = (oc / perGroup) * fd;
          let acc: i64 = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + dh * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padLeft + dw * kx;
              if (ix < 0 || ix >= inW) continue;
              const xp = x + ((<usize>(((n * inH + iy) * inW + ix) * inDepth + inBase)) << 1);
              const wp = w + <usize>(((oc * kh + ky) * kw + kx) * fd);
              let row: i32 = 0; // |w * x| < 2^22: 256 taps stay in i32
              for (let ic = 0; ic < fd; ic++) {
                row += <i32>load<i8>(wp + <usize>ic) * <i32>load<i16>(xp + (<usize>ic << 1));
                if ((ic & 255) == 255) {
                  acc += <i64>row;
                  row = 0;
                }
              }
              acc += <i64>row;
            }
          }
          acc += load<i64>(bias + (<usize>oc << 3));
          const v = multiplyByQuantizedMultiplier64(acc, load<i32>(mult + (<usize>oc << 2)), load<i32>(shift + (<usize>oc << 2))) + outOffset;
          store<i16>(o, <i16>clampI32(v, lo, hi));
          o += 2;
        }
      }
    }
  }
}
