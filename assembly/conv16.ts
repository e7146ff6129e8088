// CONV_2D 16x8: int16 activations (zero points 0), int8 filter, int64 bias and accumulator. Spec: the int16
// path of src/reference/ops/conv.ts (TFLM's reference_integer_ops::ConvPerChannel for int16). The bias is
// int64 stored as two words, low first.
import {
  CONV2D_INPUT, CONV2D_OUTPUT, CONV2D_FILTER, CONV2D_BIAS, CONV2D_MULTIPLIER, CONV2D_SHIFT,
  CONV2D_BATCHES, CONV2D_IN_H, CONV2D_IN_W, CONV2D_IN_DEPTH, CONV2D_OUT_H, CONV2D_OUT_W, CONV2D_OUT_DEPTH,
  CONV2D_FILTER_H, CONV2D_FILTER_W, CONV2D_FILTER_DEPTH, CONV2D_STRIDE_H, CONV2D_STRIDE_W,
  CONV2D_DILATION_H, CONV2D_DILATION_W, CONV2D_PAD_TOP, CONV2D_PAD_LEFT, CONV2D_OUTPUT_OFFSET, CONV2D_ACT_MIN, CONV2D_ACT_MAX,
  FULLY_CONNECTED_INPUT, FULLY_CONNECTED_OUTPUT, FULLY_CONNECTED_FILTER, FULLY_CONNECTED_BIAS, FULLY_CONNECTED_MULTIPLIER, FULLY_CONNECTED_SHIFT,
  FULLY_CONNECTED_BATCHES, FULLY_CONNECTED_UNITS, FULLY_CONNECTED_DEPTH, FULLY_CONNECTED_OUTPUT_OFFSET, FULLY_CONNECTED_ACT_MIN, FULLY_CONNECTED_ACT_MAX,
  DWCONV2D_INPUT, DWCONV2D_OUTPUT, DWCONV2D_FILTER, DWCONV2D_BIAS, DWCONV2D_MULTIPLIER, DWCONV2D_SHIFT,
  DWCONV2D_BATCHES, DWCONV2D_IN_H, DWCONV2D_IN_W, DWCONV2D_IN_DEPTH, DWCONV2D_OUT_H, DWCONV2D_OUT_W, DWCONV2D_OUT_DEPTH,
  DWCONV2D_FILTER_H, DWCONV2D_FILTER_W, DWCONV2D_DEPTH_MULTIPLIER, DWCONV2D_STRIDE_H, DWCONV2D_STRIDE_W,
  DWCONV2D_DILATION_H, DWCONV2D_DILATION_W, DWCONV2D_PAD_TOP, DWCONV2D_PAD_LEFT, DWCONV2D_OUTPUT_OFFSET, DWCONV2D_ACT_MIN, DWCONV2D_ACT_MAX,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier64 } from './quant';

/**
 * sum_k w[k] * (x[k] + off) in i64 (x: i8 or i16 elements), with partial sums of 256 taps in i32 (each
 * |product| < 2^23): the inner loop of the 16x8 kernels and TRANSPOSE_CONV.
 */
// @ts-ignore: decorator
@inline
export function dot64<T>(x: usize, w: usize, n: i32, off: i32): i64 {
  let acc: i64 = 0;
  for (let i = 0; i < n; i += 256) {
    const end = n - i < 256 ? n : i + 256;
    let part: i32 = 0;
    for (let k = i; k < end; k++) part += <i32>load<i8>(w + <usize>k) * (<i32>load<T>(x + (<usize>k << alignof<T>())) + off);
    acc += <i64>part;
  }
  return acc;
}

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
              acc += dot64<i16>(xp, wp, fd, 0);
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

// FULLY_CONNECTED 16x8: spec the int16 path of src/reference/ops/fully-connected.ts (TFLM's int16
// FullyConnected / FullyConnectedPerChannel): no offsets, int64 bias, multiplier and shift per unit.
export function fully_connected_s16(args: usize): void {
  const x = ptr(args, FULLY_CONNECTED_INPUT), w = ptr(args, FULLY_CONNECTED_FILTER), bias = ptr(args, FULLY_CONNECTED_BIAS);
  const mult = ptr(args, FULLY_CONNECTED_MULTIPLIER), shift = ptr(args, FULLY_CONNECTED_SHIFT), y = ptr(args, FULLY_CONNECTED_OUTPUT);
  const batches = arg(args, FULLY_CONNECTED_BATCHES), units = arg(args, FULLY_CONNECTED_UNITS), depth = arg(args, FULLY_CONNECTED_DEPTH);
  const outOffset = arg(args, FULLY_CONNECTED_OUTPUT_OFFSET), lo = arg(args, FULLY_CONNECTED_ACT_MIN), hi = arg(args, FULLY_CONNECTED_ACT_MAX);
  let o: usize = y;
  for (let b = 0; b < batches; b++) {
    const xr = x + (<usize>(b * depth) << 1);
    for (let u = 0; u < units; u++) {
      const acc = dot64<i16>(xr, w + <usize>(u * depth), depth, 0) + load<i64>(bias + (<usize>u << 3));
      const v = multiplyByQuantizedMultiplier64(acc, load<i32>(mult + (<usize>u << 2)), load<i32>(shift + (<usize>u << 2))) + outOffset;
      store<i16>(o, <i16>clampI32(v, lo, hi));
      o += 2;
    }
  }
}

// DEPTHWISE_CONV_2D 16x8: spec the int16 path of src/reference/ops/depthwise.ts (TFLM's int16
// DepthwiseConvPerChannel): channel oc = ic * M + m reads input channel ic; no offsets, int64 bias.
export function dwconv2d_s16(args: usize): void {
  const x = ptr(args, DWCONV2D_INPUT), w = ptr(args, DWCONV2D_FILTER), bias = ptr(args, DWCONV2D_BIAS);
  const mult = ptr(args, DWCONV2D_MULTIPLIER), shift = ptr(args, DWCONV2D_SHIFT), y = ptr(args, DWCONV2D_OUTPUT);
  const batches = arg(args, DWCONV2D_BATCHES), inH = arg(args, DWCONV2D_IN_H), inW = arg(args, DWCONV2D_IN_W), inDepth = arg(args, DWCONV2D_IN_DEPTH);
  const outH = arg(args, DWCONV2D_OUT_H), outW = arg(args, DWCONV2D_OUT_W), outDepth = arg(args, DWCONV2D_OUT_DEPTH);
  const kh = arg(args, DWCONV2D_FILTER_H), kw = arg(args, DWCONV2D_FILTER_W), m = arg(args, DWCONV2D_DEPTH_MULTIPLIER);
  const sh = arg(args, DWCONV2D_STRIDE_H), sw = arg(args, DWCONV2D_STRIDE_W), dh = arg(args, DWCONV2D_DILATION_H), dw = arg(args, DWCONV2D_DILATION_W);
  const padTop = arg(args, DWCONV2D_PAD_TOP), padLeft = arg(args, DWCONV2D_PAD_LEFT);
  const outOffset = arg(args, DWCONV2D_OUTPUT_OFFSET), lo = arg(args, DWCONV2D_ACT_MIN), hi = arg(args, DWCONV2D_ACT_MAX);
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outDepth; oc++) {
          const ic = oc / m;
          let acc: i64 = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + dh * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padLeft + dw * kx;
              if (ix < 0 || ix >= inW) continue;
              const xv = <i32>load<i16>(x + (<usize>(((n * inH + iy) * inW + ix) * inDepth + ic) << 1));
              acc += <i64>(xv * <i32>load<i8>(w + <usize>((ky * kw + kx) * outDepth + oc)));
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
