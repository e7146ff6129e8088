// MaxPool and MaxPoolGrad, NHWC, with tfjs's semantics: the window's first strictly greatest value wins
// (scan order ky, kx), padding never wins, and the gradient goes to that one input. Geometry from convGeometry.
import { B, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW } from './conv';

export function maxPool(x: usize, y: usize): void {
  for (let b = 0; b < B; b++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const out = y + (<usize>(((b * OH + oy) * OW + ox) * C) << 2);
    const y0 = max(0, oy * SH - PT), y1 = min(H, oy * SH - PT + KH);
    const x0 = max(0, ox * SW - PL), x1 = min(W, ox * SW - PL + KW);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      let best = f32x4.splat(-Infinity);
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) {
        const v = v128.load(x + (<usize>(((b * H + iy) * W + ix) * C + c) << 2));
        best = v128.bitselect(v, best, f32x4.gt(v, best));
      }
      v128.store(out + (<usize>c << 2), best);
    }
    for (; c < C; c++) {
      let best: f32 = -Infinity;
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) {
        const v = load<f32>(x + (<usize>(((b * H + iy) * W + ix) * C + c) << 2));
        if (v > best) best = v;
      }
      store<f32>(out + (<usize>c << 2), best);
    }
  }
}

export function maxPoolGrad(dy: usize, x: usize, dx: usize): void {
  memory.fill(dx, 0, <usize>(B * H * W * C) << 2);
  for (let b = 0; b < B; b++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const y0 = max(0, oy * SH - PT), y1 = min(H, oy * SH - PT + KH);
    const x0 = max(0, ox * SW - PL), x1 = min(W, ox * SW - PL + KW);
    const g = dy + (<usize>(((b * OH + oy) * OW + ox) * C) << 2);
    for (let c = 0; c < C; c++) {
      let best: f32 = -Infinity;
      let at: isize = -1;
      for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) {
        const o = <isize>(((b * H + iy) * W + ix) * C + c) << 2;
        const v = load<f32>(x + o);
        if (v > best) { best = v; at = o; }
      }
      if (at >= 0) store<f32>(dx + at, load<f32>(dx + at) + load<f32>(g + (<usize>c << 2)));
    }
  }
}
