// TRANSPOSE_CONV int8 and 16x8. Spec: src/reference/ops/transpose-conv.ts. TFLM scatters every input element
// into a zeroed accumulator buffer; here each output element gathers the same products (input pixel iy
// reaches output row iy * stride - pad + ky), so no scratch: integer sums do not depend on their order.
import {
  TRANSPOSE_CONV_INPUT, TRANSPOSE_CONV_OUTPUT, TRANSPOSE_CONV_FILTER, TRANSPOSE_CONV_BIAS, TRANSPOSE_CONV_MULTIPLIER,
  TRANSPOSE_CONV_SHIFT, TRANSPOSE_CONV_BATCHES, TRANSPOSE_CONV_IN_H, TRANSPOSE_CONV_IN_W, TRANSPOSE_CONV_IN_DEPTH,
  TRANSPOSE_CONV_OUT_H, TRANSPOSE_CONV_OUT_W, TRANSPOSE_CONV_OUT_DEPTH, TRANSPOSE_CONV_FILTER_H, TRANSPOSE_CONV_FILTER_W,
  TRANSPOSE_CONV_STRIDE_H, TRANSPOSE_CONV_STRIDE_W, TRANSPOSE_CONV_PAD_TOP, TRANSPOSE_CONV_PAD_LEFT,
  TRANSPOSE_CONV_INPUT_OFFSET, TRANSPOSE_CONV_OUTPUT_OFFSET, TRANSPOSE_CONV_ACT_MIN, TRANSPOSE_CONV_ACT_MAX,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from './quant';
import { dot64 } from './conv16';

/** The input index a filter tap reads for output position o, or -1 when no input pixel lands there. */
// @ts-ignore: decorator
@inline
function sourceIndex(o: i32, k: i32, pad: i32, stride: i32, size: i32): i32 {
  const t = o + pad - k;
  if (t < 0 || t % stride != 0) return -1;
  return t / stride < size ? t / stride : -1;
}

// @ts-ignore: decorator
@inline
function transposeConv<T>(args: usize): void {
  const wide = sizeof<T>() == 2;
  const x = ptr(args, TRANSPOSE_CONV_INPUT), w = ptr(args, TRANSPOSE_CONV_FILTER), bias = ptr(args, TRANSPOSE_CONV_BIAS);
  const mult = ptr(args, TRANSPOSE_CONV_MULTIPLIER), shift = ptr(args, TRANSPOSE_CONV_SHIFT), y = ptr(args, TRANSPOSE_CONV_OUTPUT);
  const batches = arg(args, TRANSPOSE_CONV_BATCHES), inH = arg(args, TRANSPOSE_CONV_IN_H), inW = arg(args, TRANSPOSE_CONV_IN_W);
  const inDepth = arg(args, TRANSPOSE_CONV_IN_DEPTH), outH = arg(args, TRANSPOSE_CONV_OUT_H), outW = arg(args, TRANSPOSE_CONV_OUT_W);
  const outDepth = arg(args, TRANSPOSE_CONV_OUT_DEPTH), kh = arg(args, TRANSPOSE_CONV_FILTER_H), kw = arg(args, TRANSPOSE_CONV_FILTER_W);
  const sh = arg(args, TRANSPOSE_CONV_STRIDE_H), sw = arg(args, TRANSPOSE_CONV_STRIDE_W);
  const padTop = arg(args, TRANSPOSE_CONV_PAD_TOP), padLeft = arg(args, TRANSPOSE_CONV_PAD_LEFT);
  const inOffset = arg(args, TRANSPOSE_CONV_INPUT_OFFSET), outOffset = arg(args, TRANSPOSE_CONV_OUTPUT_OFFSET);
  const lo = arg(args, TRANSPOSE_CONV_ACT_MIN), hi = arg(args, TRANSPOSE_CONV_ACT_MAX);
  let o: usize = y;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let oc = 0; oc < outDepth; oc++) {
          let acc: i64 = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = sourceIndex(oy, ky, padTop, sh, inH);
            if (iy < 0) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = sourceIndex(ox, kx, padLeft, sw, inW);
              if (ix < 0) continue;
              const xp = x + ((<usize>(((n * inH + iy) * inW + ix) * inDepth)) << alignof<T>());
              const wp = w + <usize>(((oc * kh + ky) * kw + kx) * inDepth);
              acc += dot64<T>(xp, wp, inDepth, inOffset);
            }
          }
          const m = load<i32>(mult + (<usize>oc << 2)), s = load<i32>(shift + (<usize>oc << 2));
          let v: i32;
          if (wide) {
            v = multiplyByQuantizedMultiplier64(acc + load<i64>(bias + (<usize>oc << 3)), m, s);
          } else {
            // TFLM's int32 scratch wraps: the sum mod 2^32, then the bias with i32 wrap
            v = multiplyByQuantizedMultiplier(<i32>acc + load<i32>(bias + (<usize>oc << 2)), m, s);
          }
          store<T>(o, <T>clampI32(v + outOffset, lo, hi));
          o += sizeof<T>();
        }
      }
    }
  }
}

export function transpose_conv_s8(args: usize): void {
  transposeConv<i8>(args);
}

export function transpose_conv_s16(args: usize): void {
  transposeConv<i16>(args);
}
