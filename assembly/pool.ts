// AVERAGE_POOL_2D / MAX_POOL_2D int8 and int16 (TFLM reference_integer_ops); the spec is src/reference/ops/pool.ts.
import {
  POOL2D_INPUT, POOL2D_OUTPUT, POOL2D_SCRATCH, POOL2D_BATCHES, POOL2D_IN_H, POOL2D_IN_W, POOL2D_DEPTH, POOL2D_OUT_H,
  POOL2D_OUT_W, POOL2D_FILTER_H, POOL2D_FILTER_W, POOL2D_STRIDE_H, POOL2D_STRIDE_W, POOL2D_PAD_TOP, POOL2D_PAD_LEFT,
  POOL2D_ACT_MIN, POOL2D_ACT_MAX,
} from './abi';
import { arg, ptr } from './base';

// @ts-ignore: decorator
@inline
function pool<T>(args: usize, average: bool, streamRow: bool): void {
  const e = <usize>sizeof<T>();
  const x = ptr(args, POOL2D_INPUT);
  const y = ptr(args, POOL2D_OUTPUT);
  const scratch = ptr(args, POOL2D_SCRATCH);
  const batches = arg(args, POOL2D_BATCHES);
  const inH = arg(args, POOL2D_IN_H);
  const inW = arg(args, POOL2D_IN_W);
  const depth = arg(args, POOL2D_DEPTH);
  const outH = arg(args, POOL2D_OUT_H);
  const outW = arg(args, POOL2D_OUT_W);
  const filterH = arg(args, POOL2D_FILTER_H);
  const filterW = arg(args, POOL2D_FILTER_W);
  const strideH = arg(args, POOL2D_STRIDE_H);
  const strideW = arg(args, POOL2D_STRIDE_W);
  const padTop = arg(args, POOL2D_PAD_TOP);
  const padLeft = arg(args, POOL2D_PAD_LEFT);
  const actMin = arg(args, POOL2D_ACT_MIN);
  const actMax = arg(args, POOL2D_ACT_MAX);
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      const yStart = max(0, -inYOrigin);
      const yEnd = min(filterH, inH - inYOrigin);
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        const xStart = max(0, -inXOrigin);
        const xEnd = min(filterW, inW - inXOrigin);
        const dest = streamRow ? scratch + <usize>(ox * depth) * e : y + <usize>(((n * outH + oy) * outW + ox) * depth) * e;
        const count = max(0, yEnd - yStart) * max(0, xEnd - xStart);
        const half = count / 2;
        for (let c = 0; c < depth; c++) {
          let acc: i32 = average ? 0 : (e == 1 ? -128 : -32768);
          for (let fy = yStart; fy < yEnd; fy++) {
            const rowBase = x + <usize>(((n * inH + inYOrigin + fy) * inW + inXOrigin) * depth + c) * e;
            for (let fx = xStart; fx < xEnd; fx++) {
              const v = <i32>load<T>(rowBase + <usize>(fx * depth) * e);
              if (average) acc += v;
              else if (v > acc) acc = v;
            }
          }
          let v = acc;
          if (average) v = acc > 0 ? (acc + half) / count : (acc - half) / count;
          store<T>(dest + <usize>c * e, <T>(v < actMin ? actMin : v > actMax ? actMax : v));
        }
      }
      if (streamRow) memory.copy(y + <usize>((n * outH + oy) * outW * depth) * e, scratch, <usize>(outW * depth) * e);
    }
  }
}

export function avgpool2d_s8(args: usize): void {
  pool<i8>(args, true, false);
}
export function avgpool2d_s8_stream_row(args: usize): void {
  pool<i8>(args, true, true);
}
export function maxpool2d_s8(args: usize): void {
  pool<i8>(args, false, false);
}
export function maxpool2d_s8_stream_row(args: usize): void {
  pool<i8>(args, false, true);
}
export function avgpool2d_s16(args: usize): void {
  pool<i16>(args, true, false);
}
export function maxpool2d_s16(args: usize): void {
  pool<i16>(args, false, false);
}
