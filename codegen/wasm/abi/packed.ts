// The wasm extension's channel-interleaved CONV_2D weights (record field `packed`).
//
// ## Channel-interleaved weights (`packed`, CONV_2D, wasm only)
// With qparams, a one-group CONV_2D whose output depth is a multiple of 8 and whose windows have at most
// PACKED_MAX_TAPS taps (kh * kw * ic: few input channels, where horizontal sums dominate), or, for windows
// wider than 1x1 with rows of at least 8 taps (kw * ic; the kernel reads them in place, without im2col),
// PACKED_MAX_WINDOW_TAPS, also gets its filter repacked for SIMD lanes across output channels (0 = absent;
// C leaves it off). Taps go by filter row so that a kernel can read a row's taps straight from the input
// (they are contiguous there): R = kw * ic taps per row, R2 = R rounded up to even (a zero tap), K2 =
// kh * R2, K8 = K2 rounded up to a multiple of 8 (zero taps); padded tap k2 = ky * R2 + r is
// w[.][ky][r] for r < R, else 0. Weights are int16 (widened ahead: the kernel's loads then need no
// widening). Block b (channels 8b..8b+7) is K8 * 16 bytes at packed + b * K8 * 16; within it, tap pair j
// (padded taps 2j, 2j+1) is 8 int16: element 2c + t = tap 2j + t of channel 8b + c (c < 4), element
// 8 + 2c + t = that of 8b + 4 + c.
//
import type { Tensor } from '../../../src/ir/graph.js';
import type { LowerContext } from '../../../src/schedule/abi/context.js';
import { constRef, WEIGHTS_ALIGN } from '../../../src/schedule/abi/records.js';

// The window limits of `packed` weights live with the workspace formulas that depend on them.
export { PACKED_MAX_TAPS, PACKED_MAX_WINDOW_TAPS } from '../../../src/ir/workspace.js';

/** The channel-interleaved weights (see the header) of a one-group CONV_2D filter [oc, kh, kw, ic]. */
export function packedRef(ctx: LowerContext, filter: Tensor | null, outDepth: number, kh: number, R: number): number {
  if (!filter?.data || filter.dtype !== 'int8' || outDepth % 8 !== 0) return 0;
  const w = new Int8Array(filter.data.buffer, filter.data.byteOffset, filter.data.byteLength);
  const R2 = R + (R & 1);
  const K8 = Math.ceil((kh * R2) / 8) * 8;
  const out = new DataView(new ArrayBuffer(outDepth * K8 * 2));
  for (let b = 0; b < outDepth / 8; b++) {
    for (let c = 0; c < 8; c++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let r = 0; r < R; r++) {
          const k = ky * R2 + r;
          out.setInt16((b * K8 * 8 + (k >> 1) * 16 + (c >> 2) * 8 + (c & 3) * 2 + (k & 1)) * 2, w[((8 * b + c) * kh + ky) * R + r]!, true);
        }
      }
    }
  }
  return constRef(ctx.consts.add(new Uint8Array(out.buffer), WEIGHTS_ALIGN));
}
