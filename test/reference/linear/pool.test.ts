import { describe, expect, it } from 'vitest';
import type { Padding, Pool2DAttrs } from '../../../src/ir/ops.js';
import { noPad, rng, runOp } from './helpers.js';

const q = { scale: 0.1, zp: 3 };

describe('AVERAGE_POOL_2D reference kernel', () => {
  it('averages the in-bounds pixels only, rounding halves away from zero', () => {
    // Row [5, -6, 2, 2, 1], filter 1x3, stride 2, one pad pixel each side -> 3 windows.
    // ox0: [pad, 5, -6] -> sum -1 over 2 pixels = -0.5 -> -1   (counting the pad: -1/3 -> 0)
    // ox1: [-6, 2, 2]   -> sum -2 over 3 = -0.67 -> -1
    // ox2: [2, 1, pad]  -> sum 3 over 2 = 1.5 -> 2            (counting the pad: 1)
    const out = runOp('AVERAGE_POOL_2D', { filter: [1, 3], stride: [1, 2], pad: { top: 0, bottom: 0, left: 1, right: 1 }, clamp: [-128, 127] },
      [{ shape: [1, 1, 5, 1], ...q, values: [5, -6, 2, 2, 1] }], { shape: [1, 1, 3, 1], ...q });
    expect(Array.from(out)).toEqual([-1, -1, 2]);
  });

  it('handles the halves: 1.5 -> 2, -1.5 -> -2, 0.5 -> 1, -0.5 -> -1, and the clamp', () => {
    const attrs: Pool2DAttrs = { filter: [1, 2], stride: [1, 2], pad: noPad, clamp: [-128, 127] };
    const values = [1, 2, -1, -2, 1, 0, 0, -1, 127, 127];
    const out = runOp('AVERAGE_POOL_2D', attrs, [{ shape: [1, 1, 10, 1], ...q, values }], { shape: [1, 1, 5, 1], ...q });
    expect(Array.from(out)).toEqual([2, -2, 1, -1, 127]);
    const clamped = runOp('AVERAGE_POOL_2D', { ...attrs, clamp: [3, 100] }, [{ shape: [1, 1, 10, 1], ...q, values }], { shape: [1, 1, 5, 1], ...q });
    expect(Array.from(clamped)).toEqual([3, 3, 3, 3, 100]);
  });

  it('global average pool over 2x2x2 with channels kept apart', () => {
    // channel 0: 10+20+30+41 = 101 / 4 = 25.25 -> 25; channel 1: -1-2-3-4 = -10 / 4 = -2.5 -> -3
    const out = runOp('AVERAGE_POOL_2D', { filter: [2, 2], stride: [2, 2], pad: noPad, clamp: [-128, 127] },
      [{ shape: [1, 2, 2, 2], ...q, values: [10, -1, 20, -2, 30, -3, 41, -4] }], { shape: [1, 1, 1, 2], ...q });
    expect(Array.from(out)).toEqual([25, -3]);
  });
});

describe('MAX_POOL_2D reference kernel', () => {
  it('equals the maximum over each window computed naively', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const n = r.int(1, 2), h = r.int(2, 7), w = r.int(2, 7), c = r.int(1, 3);
      const filter: [number, number] = [r.int(1, 3), r.int(1, 3)];
      const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
      const pad: Padding = { top: r.int(0, filter[0] - 1), bottom: r.int(0, 1), left: r.int(0, filter[1] - 1), right: r.int(0, 1) };
      const clamp: [number, number] = [r.int(-128, -50), r.int(50, 127)];
      const oh = Math.floor((h + pad.top + pad.bottom - filter[0]) / stride[0]) + 1;
      const ow = Math.floor((w + pad.left + pad.right - filter[1]) / stride[1]) + 1;
      const x = r.int8s(n * h * w * c);
      const out = Array.from(runOp('MAX_POOL_2D', { filter, stride, pad, clamp }, [{ shape: [n, h, w, c], ...q, values: x }], { shape: [n, oh, ow, c], ...q }));
      const expected: number[] = [];
      for (let b = 0; b < n; b++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let ch = 0; ch < c; ch++) {
              const window: number[] = [];
              for (let fy = 0; fy < filter[0]; fy++)
                for (let fx = 0; fx < filter[1]; fx++) {
                  const iy = oy * stride[0] - pad.top + fy, ix = ox * stride[1] - pad.left + fx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < w) window.push(x[((b * h + iy) * w + ix) * c + ch]!);
                }
              expected.push(Math.min(clamp[1], Math.max(clamp[0], ...window)));
            }
      expect(out).toEqual(expected);
    }
  });
});
