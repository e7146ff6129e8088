// RESIZE_BILINEAR int8, NHWC (TFLM reference_ops::ResizeBilinearInteger). `rows` / `cols` hold per output row /
// column the lower and upper source index and the position past the lower one in 1/1024ths, so each weighted
// sum stays below 2^30 in i32. Spec: src/reference/ops/resize-bilinear.ts.
import {
  RESIZE_BILINEAR_INPUT, RESIZE_BILINEAR_OUTPUT, RESIZE_BILINEAR_BATCHES, RESIZE_BILINEAR_IN_H, RESIZE_BILINEAR_IN_W, RESIZE_BILINEAR_DEPTH,
  RESIZE_BILINEAR_OUT_H, RESIZE_BILINEAR_OUT_W, RESIZE_BILINEAR_ROWS, RESIZE_BILINEAR_COLS,
} from './abi';
import { arg, ptr } from './base';

export function resize_bilinear_s8(args: usize): void {
  const x = ptr(args, RESIZE_BILINEAR_INPUT), rows = ptr(args, RESIZE_BILINEAR_ROWS), cols = ptr(args, RESIZE_BILINEAR_COLS);
  let y = ptr(args, RESIZE_BILINEAR_OUTPUT);
  const batches = arg(args, RESIZE_BILINEAR_BATCHES), inH = arg(args, RESIZE_BILINEAR_IN_H), inW = arg(args, RESIZE_BILINEAR_IN_W);
  const depth = arg(args, RESIZE_BILINEAR_DEPTH), outH = arg(args, RESIZE_BILINEAR_OUT_H), outW = arg(args, RESIZE_BILINEAR_OUT_W);
  const rowLen = inW * depth;
  for (let n = 0; n < batches; n++) {
    const image = x + <usize>(n * inH * rowLen);
    for (let oy = 0; oy < outH; oy++) {
      const r = rows + <usize>(12 * oy);
      const top = image + <usize>(load<i32>(r) * rowLen), bottom = image + <usize>(load<i32>(r, 4) * rowLen), fy = load<i32>(r, 8);
      for (let ox = 0; ox < outW; ox++) {
        const c = cols + <usize>(12 * ox);
        const l = <usize>(load<i32>(c) * depth), h = <usize>(load<i32>(c, 4) * depth), fx = load<i32>(c, 8);
        const wll = (1024 - fy) * (1024 - fx), wlu = fy * (1024 - fx), wrl = (1024 - fy) * fx, wru = fy * fx;
        for (let ch = 0; ch < depth; ch++) {
          const k = <usize>ch;
          const sum = <i32>load<i8>(top + l + k) * wll + <i32>load<i8>(bottom + l + k) * wlu + <i32>load<i8>(top + h + k) * wrl + <i32>load<i8>(bottom + h + k) * wru;
          store<i8>(y, <i8>((sum + (sum > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20)));
          y++;
        }
      }
    }
  }
}
