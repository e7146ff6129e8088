// Conv2D and its two gradients in NHWC with HWIO filters (tfjs's layouts), one image at a time through
// im2col + GEMM so the patch matrix of one image stays in cache. The geometry is set once per call by
// convGeometry (tfjs's computeConv2DInfo numbers), the kernels then take only buffers.
import { gemm } from './gemm';

export let B: i32 = 0, H: i32 = 0, W: i32 = 0, C: i32 = 0, KH: i32 = 0, KW: i32 = 0, SH: i32 = 0, SW: i32 = 0;
export let DH: i32 = 0, DW: i32 = 0, PT: i32 = 0, PL: i32 = 0, OH: i32 = 0, OW: i32 = 0, OC: i32 = 0;

export function convGeometry(
  batch: i32, inH: i32, inW: i32, inC: i32, kH: i32, kW: i32, sH: i32, sW: i32,
  dH: i32, dW: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32, outC: i32,
): void {
  B = batch; H = inH; W = inW; C = inC; KH = kH; KW = kW; SH = sH; SW = sW;
  DH = dH; DW = dW; PT = padTop; PL = padLeft; OH = outH; OW = outW; OC = outC;
}

/** A 1x1 stride-1 unpadded conv is a GEMM over the whole batch: no patch matrix. */
function pointwise(): bool {
  return KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W;
}

// @ts-ignore: decorator
@inline
function copyRun(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline
function addRun(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = dst + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const p = dst + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
  }
}

/** cols[OH*OW, KH*KW*C] of one image x[H, W, C]; padding reads as zero. */
function im2col(x: usize, cols: usize): void {
  const K = KH * KW * C;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let dst = cols + (<usize>((oy * OW + ox) * K) << 2);
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * SH - PT + ky * DH;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * SW - PL + kx * DW;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) memory.fill(dst, 0, <usize>C << 2);
          else copyRun(x + (<usize>((iy * W + ix) * C) << 2), dst, C);
          dst += <usize>C << 2;
        }
      }
    }
  }
}

/** dx[H, W, C] = the sum of the patch gradients dcols[OH*OW, KH*KW*C] at the positions they were read from. */
function col2im(dcols: usize, dx: usize): void {
  const K = KH * KW * C;
  memory.fill(dx, 0, <usize>(H * W * C) << 2);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let src = dcols + (<usize>((oy * OW + ox) * K) << 2);
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * SH - PT + ky * DH;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * SW - PL + kx * DW;
          if (iy >= 0 && iy < H && ix >= 0 && ix < W) addRun(src, dx + (<usize>((iy * W + ix) * C) << 2), C);
          src += <usize>C << 2;
        }
      }
    }
  }
}

/** y[B, OH, OW, OC] = conv(x[B, H, W, C], w[KH, KW, C, OC]). */
export function conv2d(x: usize, w: usize, y: usize, cols: usize, pack: usize): void {
  const K = KH * KW * C;
  if (pointwise()) {
    gemm(x, C, 1, w, OC, 1, y, B * H * W, C, OC, false, pack);
    return;
  }
  const M = OH * OW;
  for (let b = 0; b < B; b++) {
    im2col(x + (<usize>(b * H * W * C) << 2), cols);
    gemm(cols, K, 1, w, OC, 1, y + (<usize>(b * M * OC) << 2), M, K, OC, false, pack);
  }
}

/** dx[B, H, W, C] from dy[B, OH, OW, OC] and w[KH, KW, C, OC]: dcols = dy · wᵀ, then col2im. */
export function conv2dBackpropInput(dy: usize, w: usize, dx: usize, dcols: usize, pack: usize): void {
  const K = KH * KW * C;
  if (pointwise()) {
    gemm(dy, OC, 1, w, 1, OC, dx, B * H * W, OC, C, false, pack);
    return;
  }
  const M = OH * OW;
  for (let b = 0; b < B; b++) {
    gemm(dy + (<usize>(b * M * OC) << 2), OC, 1, w, 1, OC, dcols, M, OC, K, false, pack);
    col2im(dcols, dx + (<usize>(b * H * W * C) << 2));
  }
}

/** dw[KH, KW, C, OC] = Σ over images of colsᵀ · dy. */
export function conv2dBackpropFilter(x: usize, dy: usize, dw: usize, cols: usize, pack: usize): void {
  const K = KH * KW * C;
  if (pointwise()) {
    gemm(x, 1, C, dy, OC, 1, dw, C, B * H * W, OC, false, pack);
    return;
  }
  const M = OH * OW;
  for (let b = 0; b < B; b++) {
    im2col(x + (<usize>(b * H * W * C) << 2), cols);
    gemm(cols, 1, K, dy + (<usize>(b * M * OC) << 2), OC, 1, dw, K, M, OC, b > 0, pack);
  }
}
