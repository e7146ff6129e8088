// DepthwiseConv2dNative (channel multiplier 1) and its two gradients, NHWC, filter [KH, KW, C, 1],
// f32x4 over channels; the geometry comes from convGeometry.
import { B, H, W, C, KH, KW, SH, SW, DH, DW, PT, PL, OH, OW } from './conv';
import { tapBegin, tapEnd } from '../window';

// @ts-ignore: decorator
@inline
function offset(b: i32, y: i32, x: i32, rows: i32, cols: i32): usize {
  return <usize>(((b * rows + y) * cols + x) * C) << 2;
}

/** dst[c] += a[c] · b[c] for c < C, f32x4 then the remainder. */
// @ts-ignore: decorator
@inline
function macRun(dst: usize, a: usize, b: usize): void {
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(v128.load(a + o), v128.load(b + o))));
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/** y[b, oy, ox, c] = Σ x[b, iy, ix, c] · w[ky, kx, c]. */
export function depthwise(x: usize, w: usize, y: usize): void {
  for (let b = 0; b < B; b++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const out = y + offset(b, oy, ox, OH, OW);
    memory.fill(out, 0, <usize>C << 2);
    const iy0 = oy * SH - PT, ky1 = tapEnd(iy0, DH, H, KH), ix0 = ox * SW - PL, kx1 = tapEnd(ix0, DW, W, KW);
    for (let ky = tapBegin(iy0, DH); ky < ky1; ky++) {
      const iy = iy0 + ky * DH;
      for (let kx = tapBegin(ix0, DW); kx < kx1; kx++) {
        const ix = ix0 + kx * DW;
        macRun(out, x + offset(b, iy, ix, H, W), w + (<usize>((ky * KW + kx) * C) << 2));
      }
    }
  }
}

/** dx (zeroed here) += dy · w scattered back to every input a window read; dw (zeroed here) += x · dy. */
function backward(x: usize, dy: usize, w: usize, dx: usize, dw: usize, filter: bool): void {
  if (filter) memory.fill(dw, 0, <usize>(KH * KW * C) << 2);
  else memory.fill(dx, 0, <usize>(B * H * W * C) << 2);
  for (let b = 0; b < B; b++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const g = dy + offset(b, oy, ox, OH, OW);
    const iy0 = oy * SH - PT, ky1 = tapEnd(iy0, DH, H, KH), ix0 = ox * SW - PL, kx1 = tapEnd(ix0, DW, W, KW);
    for (let ky = tapBegin(iy0, DH); ky < ky1; ky++) {
      const iy = iy0 + ky * DH;
      for (let kx = tapBegin(ix0, DW); kx < kx1; kx++) {
        const ix = ix0 + kx * DW;
        const wo = <usize>((ky * KW + kx) * C) << 2;
        const xo = offset(b, iy, ix, H, W);
        if (filter) macRun(dw + wo, x + xo, g);
        else macRun(dx + xo, w + wo, g);
      }
    }
  }
}

export function depthwiseBackpropInput(dy: usize, w: usize, dx: usize): void {
  backward(0, dy, w, dx, 0, false);
}

export function depthwiseBackpropFilter(x: usize, dy: usize, dw: usize): void {
  backward(x, dy, 0, 0, dw, true);
}
