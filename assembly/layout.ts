// Kernels that only move elements (any dtype, `elem_bytes` wide); specs src/reference/ops/{pad,
// transpose,strided-slice,concatenation,resize,reshape}.ts and the reference executor's copyWindow.
// All run front to back (the 'stream-element' order); contiguous runs move with memory.copy (memmove).
import {
  PAD_INPUT, PAD_OUTPUT, PAD_ELEM_BYTES, PAD_IN_SHAPE, PAD_BEFORE, PAD_OUT_SHAPE, PAD_PAD_LO, PAD_PAD_HI,
  STRIDED_COPY_INPUT, STRIDED_COPY_OUTPUT, STRIDED_COPY_ELEM_BYTES, STRIDED_COPY_START, STRIDED_COPY_COUNTS, STRIDED_COPY_STEPS,
  CONCATENATION_OUTPUT, CONCATENATION_ELEM_BYTES, CONCATENATION_OUTER, CONCATENATION_OUT_ROW, CONCATENATION_COUNT, CONCATENATION_INPUTS,
  GATHER_INPUT, GATHER_OUTPUT, GATHER_POSITIONS, GATHER_ELEM_BYTES, GATHER_BATCHES, GATHER_OUTER, GATHER_AXIS_SIZE, GATHER_INNER, GATHER_COORDS,
  SPLIT_INPUT, SPLIT_ELEM_BYTES, SPLIT_OUTER, SPLIT_IN_ROW, SPLIT_COUNT, SPLIT_OUTPUTS,
  RESIZE_NEAREST_INPUT, RESIZE_NEAREST_OUTPUT, RESIZE_NEAREST_ELEM_BYTES, RESIZE_NEAREST_BATCHES, RESIZE_NEAREST_IN_H,
  RESIZE_NEAREST_IN_W, RESIZE_NEAREST_DEPTH, RESIZE_NEAREST_OUT_H, RESIZE_NEAREST_OUT_W, RESIZE_NEAREST_SRC_Y, RESIZE_NEAREST_SRC_X,
  COPY_INPUT, COPY_OUTPUT, COPY_BYTES,
  COPY_WINDOW_FULL, COPY_WINDOW_TILE, COPY_WINDOW_ELEM_BYTES, COPY_WINDOW_BATCHES, COPY_WINDOW_FULL_H, COPY_WINDOW_FULL_W,
  COPY_WINDOW_TILE_H, COPY_WINDOW_TILE_W, COPY_WINDOW_CHANNELS, COPY_WINDOW_Y0, COPY_WINDOW_X0, COPY_WINDOW_DIRECTION,
} from './abi';
import { arg, ptr, ref } from './base';

/** Writes `count` copies of the element pattern (lo, hi) of `eb` bytes from `dst` on; returns the end. */
// @ts-ignore: decorator
@inline
function fill(dst: usize, count: i32, eb: i32, lo: i32, hi: i32): usize {
  if (eb == 1) {
    memory.fill(dst, <u8>lo, <usize>count);
    return dst + <usize>count;
  }
  for (let i = 0; i < count; i++) {
    if (eb == 2) store<u16>(dst, <u16>lo);
    else if (eb == 4) store<i32>(dst, lo);
    else {
      store<i32>(dst, lo);
      store<i32>(dst, hi, 4);
    }
    dst += <usize>eb;
  }
  return dst;
}

export function pad(args: usize): void {
  const x = ptr(args, PAD_INPUT), y = ptr(args, PAD_OUTPUT), eb = arg(args, PAD_ELEM_BYTES);
  const lo = arg(args, PAD_PAD_LO), hi = arg(args, PAD_PAD_HI);
  const ins = args + <usize>PAD_IN_SHAPE, bef = args + <usize>PAD_BEFORE, outs = args + <usize>PAD_OUT_SHAPE;
  const rowLength = load<i32>(outs, 20);
  const before = load<i32>(bef, 20);
  const inRow = load<i32>(ins, 20);
  const after = rowLength - before - inRow;
  let src = x;
  let dst = y;
  // Output rows over dims 0..4 in order; a row holds input data when every leading index is inside.
  for (let a = 0; a < load<i32>(outs); a++) {
    const ia = a - load<i32>(bef);
    for (let b = 0; b < load<i32>(outs, 4); b++) {
      const ib = b - load<i32>(bef, 4);
      for (let c = 0; c < load<i32>(outs, 8); c++) {
        const ic = c - load<i32>(bef, 8);
        for (let d = 0; d < load<i32>(outs, 12); d++) {
          const id = d - load<i32>(bef, 12);
          for (let e = 0; e < load<i32>(outs, 16); e++) {
            const ie = e - load<i32>(bef, 16);
            const inside =
              ia >= 0 && ia < load<i32>(ins) && ib >= 0 && ib < load<i32>(ins, 4) && ic >= 0 && ic < load<i32>(ins, 8) &&
              id >= 0 && id < load<i32>(ins, 12) && ie >= 0 && ie < load<i32>(ins, 16);
            if (inside) {
              dst = fill(dst, before, eb, lo, hi);
              const bytes = <usize>(inRow * eb);
              memory.copy(dst, src, bytes);
              dst += bytes;
              src += bytes;
              dst = fill(dst, after, eb, lo, hi);
            } else {
              dst = fill(dst, rowLength, eb, lo, hi);
            }
          }
        }
      }
    }
  }
}

/** TRANSPOSE / STRIDED_SLICE: output elements in order; runs along a unit-step last dim move at once. */
export function strided_copy(args: usize): void {
  const x = ptr(args, STRIDED_COPY_INPUT), eb = <usize>arg(args, STRIDED_COPY_ELEM_BYTES);
  let dst = ptr(args, STRIDED_COPY_OUTPUT);
  const n = args + <usize>STRIDED_COPY_COUNTS, s = args + <usize>STRIDED_COPY_STEPS;
  const start = arg(args, STRIDED_COPY_START);
  const n5 = load<i32>(n, 20), s5 = load<i32>(s, 20);
  for (let a = 0; a < load<i32>(n); a++) {
    for (let b = 0; b < load<i32>(n, 4); b++) {
      for (let c = 0; c < load<i32>(n, 8); c++) {
        for (let d = 0; d < load<i32>(n, 12); d++) {
          for (let e = 0; e < load<i32>(n, 16); e++) {
            const off = start + a * load<i32>(s) + b * load<i32>(s, 4) + c * load<i32>(s, 8) + d * load<i32>(s, 12) + e * load<i32>(s, 16);
            if (s5 == 1) {
              const bytes = <usize>n5 * eb;
              memory.copy(dst, x + <usize>off * eb, bytes);
              dst += bytes;
            } else if (eb == 1) {
              for (let f = 0; f < n5; f++) store<u8>(dst++, load<u8>(x + <usize>(off + f * s5)));
            } else {
              for (let f = 0; f < n5; f++) {
                memory.copy(dst, x + <usize>(off + f * s5) * eb, eb);
                dst += eb;
              }
            }
          }
        }
      }
    }
  }
}

export function concatenation(args: usize): void {
  const y = ptr(args, CONCATENATION_OUTPUT), eb = arg(args, CONCATENATION_ELEM_BYTES);
  const outer = arg(args, CONCATENATION_OUTER), outRow = arg(args, CONCATENATION_OUT_ROW), count = arg(args, CONCATENATION_COUNT);
  const table = ptr(args, CONCATENATION_INPUTS);
  let column = 0;
  for (let k = 0; k < count; k++) {
    const x = ref(load<i32>(table + <usize>(k * 8)));
    const block = load<i32>(table + <usize>(k * 8 + 4));
    for (let o = 0; o < outer; o++) {
      memory.copy(y + <usize>((o * outRow + column) * eb), x + <usize>(o * block * eb), <usize>(block * eb));
    }
    column += block;
  }
}

/** SPLIT / SPLIT_V / UNPACK: concatenation's inverse, each output a column block of every outer row. */
export function split(args: usize): void {
  const x = ptr(args, SPLIT_INPUT), eb = arg(args, SPLIT_ELEM_BYTES);
  const outer = arg(args, SPLIT_OUTER), inRow = arg(args, SPLIT_IN_ROW), count = arg(args, SPLIT_COUNT);
  const table = ptr(args, SPLIT_OUTPUTS);
  let column = 0;
  for (let k = 0; k < count; k++) {
    const y = ref(load<i32>(table + <usize>(k * 8)));
    const block = load<i32>(table + <usize>(k * 8 + 4));
    for (let o = 0; o < outer; o++) {
      memory.copy(y + <usize>(o * block * eb), x + <usize>((o * inRow + column) * eb), <usize>(block * eb));
    }
    column += block;
  }
}

/** GATHER: per (batch, outer, coord) one block of `inner` elements; a position outside the axis writes zeros. */
export function gather(args: usize): void {
  const x = ptr(args, GATHER_INPUT), y = ptr(args, GATHER_OUTPUT), positions = ptr(args, GATHER_POSITIONS);
  const block = arg(args, GATHER_INNER) * arg(args, GATHER_ELEM_BYTES);
  const batches = arg(args, GATHER_BATCHES), outer = arg(args, GATHER_OUTER), axisSize = arg(args, GATHER_AXIS_SIZE), coords = arg(args, GATHER_COORDS);
  for (let b = 0; b < batches; b++) {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < coords; c++) {
        const at = load<i32>(positions + <usize>((b * coords + c) * 4));
        const dst = y + <usize>(((b * outer + o) * coords + c) * block);
        if (at < 0 || at >= axisSize) memory.fill(dst, 0, <usize>block);
        else memory.copy(dst, x + <usize>(((b * outer + o) * axisSize + at) * block), <usize>block);
      }
    }
  }
}

export function resize_nearest(args: usize): void {
  const x = ptr(args, RESIZE_NEAREST_INPUT), eb = arg(args, RESIZE_NEAREST_ELEM_BYTES);
  let dst = ptr(args, RESIZE_NEAREST_OUTPUT);
  const batches = arg(args, RESIZE_NEAREST_BATCHES), inH = arg(args, RESIZE_NEAREST_IN_H), inW = arg(args, RESIZE_NEAREST_IN_W);
  const depth = arg(args, RESIZE_NEAREST_DEPTH), outH = arg(args, RESIZE_NEAREST_OUT_H), outW = arg(args, RESIZE_NEAREST_OUT_W);
  const srcY = ptr(args, RESIZE_NEAREST_SRC_Y), srcX = ptr(args, RESIZE_NEAREST_SRC_X);
  const pixelBytes = <usize>(depth * eb);
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy = load<i32>(srcY + (<usize>oy << 2));
      for (let ox = 0; ox < outW; ox++) {
        const src = x + <usize>(((n * inH + iy) * inW + load<i32>(srcX + (<usize>ox << 2))) * depth * eb);
        memory.copy(dst, src, pixelBytes);
        dst += pixelBytes;
      }
    }
  }
}

export function copy(args: usize): void {
  memory.copy(ptr(args, COPY_OUTPUT), ptr(args, COPY_INPUT), <usize>arg(args, COPY_BYTES));
}

export function copy_window(args: usize): void {
  const full = ptr(args, COPY_WINDOW_FULL), tile = ptr(args, COPY_WINDOW_TILE), eb = arg(args, COPY_WINDOW_ELEM_BYTES);
  const batches = arg(args, COPY_WINDOW_BATCHES), fullH = arg(args, COPY_WINDOW_FULL_H), fullW = arg(args, COPY_WINDOW_FULL_W);
  const tileH = arg(args, COPY_WINDOW_TILE_H), tileW = arg(args, COPY_WINDOW_TILE_W), channels = arg(args, COPY_WINDOW_CHANNELS);
  const y0 = arg(args, COPY_WINDOW_Y0), x0 = arg(args, COPY_WINDOW_X0), toTile = arg(args, COPY_WINDOW_DIRECTION) == 0;
  const rowBytes = <usize>(tileW * channels * eb);
  for (let n = 0; n < batches; n++) {
    for (let y = 0; y < tileH; y++) {
      const f = full + <usize>(((n * fullH + y0 + y) * fullW + x0) * channels * eb);
      const t = tile + <usize>((n * tileH + y) * tileW * channels * eb);
      if (toTile) memory.copy(t, f, rowBytes);
      else memory.copy(f, t, rowBytes);
    }
  }
}
