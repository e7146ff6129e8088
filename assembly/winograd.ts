// CONV_2D 3x3, stride 1, one group, with qparams, as exact integer Winograd F(2x2, 3x3) (SIMD builds
// only; the lowering's `winograd` weights, codegen/wasm/abi/prepare.ts). V = B^T d B (d: raw int8 taps, out of
// bounds = the input zero point, as qparams expects), M = sum over input channels of U . V, and
// A^T M A = 4 x the direct int32 accumulator (U uses 2G), so >> 2 gives TFLM's sum exactly.
import { requant4, pack8, QGROUP } from './requant';
import { WORK_BASE, arg, ptr } from './base';
import { WINOGRAD_WEIGHTS_INPUT, WINOGRAD_WEIGHTS_OUTPUT, WINOGRAD_WEIGHTS_OUT_DEPTH, WINOGRAD_WEIGHTS_IN_DEPTH } from './abi';

/** Tiles per multiply block: each U vector feeds this many dot products. */
const TB = 4;

/**
 * Per tile row (two output rows): the 4 input rows it needs are copied to a padded band, transformed
 * to V (per tile, 16 positions x depth int16), multiplied in blocks of TB tiles x 8 output channels,
 * transformed back, requantized and stored. All of a tile row's reads precede its writes (stream-row).
 */
export function winogradConv(
  x: usize, y: usize, wg: usize, qt: usize, batches: i32, inH: i32, inW: i32, depth: i32, outH: i32, outW: i32, outDepth: i32,
  padTop: i32, padLeft: i32, zp: i8, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  if (!ASC_FEATURE_SIMD) return;
  const tilesW = (outW + 1) >> 1;
  const tiles = (tilesW + TB - 1) / TB * TB;
  const bandW = 2 * tiles + 2;
  const bandRow = bandW * depth;
  const band = WORK_BASE;
  const vBase = band + <usize>((4 * bandRow + 15) & ~15);
  const mBase = vBase + <usize>(tiles * 32 * depth);
  const tileV = <usize>(32 * depth);
  const pairs = depth >> 1;
  const uStep = <usize>(pairs * 32);
  const off = i16x8.splat(<i16>outputOffset);
  const lo = i8x16.splat(<i8>actMin);
  const hi = i8x16.splat(<i8>actMax);
  const inRow = inW * depth;
  const copyCols = max(0, min(inW, bandW - padLeft));
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy += 2) {
      // the band: input rows oy - padTop .. +3, columns -padLeft .. bandW - padLeft - 1
      for (let r = 0; r < 4; r++) {
        const iy = oy - padTop + r;
        const d = band + <usize>(r * bandRow);
        if (iy < 0 || iy >= inH) {
          memory.fill(d, <u8>zp, <usize>bandRow);
          continue;
        }
        // (bulk memory, not the inlined copy loops: a few calls per tile row, the module's code size)
        memory.fill(d, <u8>zp, <usize>(padLeft * depth));
        memory.copy(d + <usize>(padLeft * depth), x + <usize>((n * inH + iy) * inRow), <usize>(copyCols * depth));
        memory.fill(d + <usize>((padLeft + copyCols) * depth), <u8>zp, <usize>((bandW - padLeft - copyCols) * depth));
      }
      // V = B^T d B, 8 channels at a time
      for (let k = 0; k < tiles; k++) {
        for (let c = 0; c < depth; c += 8) {
          const s = band + <usize>(2 * k * depth + c);
          const v = vBase + <usize>k * tileV + <usize>(c << 1);
          const rb = <usize>bandRow, cb = <usize>depth;
          for (let col = 0; col < 4; col++) {
            // rows: e0 = d0 - d2, e1 = d1 + d2, e2 = d2 - d1, e3 = d1 - d3 (kept in V's column slots first)
            const p = s + <usize>col * cb;
            const d0 = v128.load8x8_s(p), d1 = v128.load8x8_s(p + rb), d2 = v128.load8x8_s(p + 2 * rb), d3 = v128.load8x8_s(p + 3 * rb);
            const q = v + <usize>(col * depth * 2);
            v128.store(q, i16x8.sub(d0, d2));
            v128.store(q + tileV / 4, i16x8.add(d1, d2));
            v128.store(q + tileV / 2, i16x8.sub(d2, d1));
            v128.store(q + 3 * tileV / 4, i16x8.sub(d1, d3));
          }
          for (let i = 0; i < 4; i++) {
            // columns of row i: the same combination
            const q = v + <usize>i * (tileV / 4);
            const cs = <usize>(depth * 2);
            const e0 = v128.load(q), e1 = v128.load(q + cs), e2 = v128.load(q + 2 * cs), e3 = v128.load(q + 3 * cs);
            v128.store(q, i16x8.sub(e0, e2));
            v128.store(q + cs, i16x8.add(e1, e2));
            v128.store(q + 2 * cs, i16x8.sub(e2, e1));
            v128.store(q + 3 * cs, i16x8.sub(e1, e3));
          }
        }
      }
      for (let tb = 0; tb < tiles; tb += TB) {
        const v0 = vBase + <usize>tb * tileV;
        for (let b = 0; b < outDepth; b += 8) {
          // M for TB tiles x 16 positions x 8 channels, into the workspace
          let ub = wg + <usize>(b << 4) * uStep / 8;
          for (let t = 0; t < 16; t++) {
            let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0);
            let a20 = i32x4.splat(0), a21 = i32x4.splat(0), a30 = i32x4.splat(0), a31 = i32x4.splat(0);
            const p0 = v0 + <usize>(t * depth * 2);
            for (let j = 0; j < pairs; j++) {
              const u0 = v128.load(ub), u1 = v128.load(ub, 16);
              ub += 32;
              const p = p0 + <usize>(j << 2);
              let s = v128.load32_splat(p);
              a00 = i32x4.add(a00, i32x4.dot_i16x8_s(s, u0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(s, u1));
              s = v128.load32_splat(p + tileV);
              a10 = i32x4.add(a10, i32x4.dot_i16x8_s(s, u0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(s, u1));
              s = v128.load32_splat(p + 2 * tileV);
              a20 = i32x4.add(a20, i32x4.dot_i16x8_s(s, u0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(s, u1));
              s = v128.load32_splat(p + 3 * tileV);
              a30 = i32x4.add(a30, i32x4.dot_i16x8_s(s, u0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(s, u1));
            }
            const m = mBase + <usize>(t << 5);
            v128.store(m, a00); v128.store(m, a01, 16);
            v128.store(m, a10, 512); v128.store(m, a11, 528);
            v128.store(m, a20, 1024); v128.store(m, a21, 1040);
            v128.store(m, a30, 1536); v128.store(m, a31, 1552);
          }
          // Y = A^T M A / 4, requantized; only the pixels that exist are stored
          const g = qt + (<usize>(b >> 2)) * QGROUP;
          for (let i = 0; i < TB; i++) {
            const ox = 2 * (tb + i);
            if (ox >= outW) break;
            const m = mBase + <usize>(i << 9);
            combineRows(m);
            combineRows(m + 16);
            const o = y + <usize>(((n * outH + oy) * outW + ox) * outDepth + b);
            // one pixel per pass (requant4 inlined twice, not eight times: the module's code size)
            for (let p = 0; p < 4; p++) {
              const row = p >> 1, col = p & 1;
              if (oy + row >= outH || ox + col >= outW) continue;
              const r = m + <usize>(row << 7);
              const q = pack8(requant4(combineCols(r, col), g), requant4(combineCols(r + 16, col), g + QGROUP), off, lo, hi);
              v128.store64_lane(o + <usize>((row * outW + col) * outDepth), q, 0);
            }
          }
        }
      }
    }
  }
}

/** A^T M in place for 4 channels (position t at m + 32 t): row 0 <- M0 + M1 + M2, row 1 <- M1 - M2 - M3. */
// @ts-ignore: decorator
@inline
function combineRows(m: usize): void {
  for (let j = 0; j < 4; j++) {
    const c = m + <usize>(j << 5);
    const m0 = v128.load(c), m1 = v128.load(c, 128), m2 = v128.load(c, 256), m3 = v128.load(c, 384);
    v128.store(c, i32x4.add(i32x4.add(m0, m1), m2));
    v128.store(c, i32x4.sub(i32x4.sub(m1, m2), m3), 128);
  }
}

/** Column `col` of (row r of A^T M, at m) A, divided by 4 (exact: it is 4 x the direct sum). */
// @ts-ignore: decorator
@inline
function combineCols(r: usize, col: i32): v128 {
  const t0 = v128.load(r), t1 = v128.load(r, 32), t2 = v128.load(r, 64), t3 = v128.load(r, 96);
  return i32x4.shr_s(col == 0 ? i32x4.add(i32x4.add(t0, t1), t2) : i32x4.sub(i32x4.sub(t1, t2), t3), 2);
}

/** Row i of 2G (Winograd F(2x2, 3x3) with G doubled, so that U is integer: 4 x the usual weights). */
// @ts-ignore: decorator
@inline
function g2(i: i32, k: i32): i32 {
  // [[2,0,0],[1,1,1],[1,-1,1],[0,0,2]]
  return i == 0 ? (k == 0 ? 2 : 0) : i == 3 ? (k == 2 ? 2 : 0) : i == 2 && k == 1 ? -1 : 1;
}

/**
 * The `winograd` weights of a 3x3 filter [oc, 3, 3, ic] (a preparation step, codegen/wasm/abi/prepare.ts):
 * U = (2G) g (2G)^T per (oc, ic), int16, in the header's interleaved layout.
 */
export function winograd_weights_s8(args: usize): void {
  const w = ptr(args, WINOGRAD_WEIGHTS_INPUT), u = ptr(args, WINOGRAD_WEIGHTS_OUTPUT);
  const outDepth = arg(args, WINOGRAD_WEIGHTS_OUT_DEPTH), depth = arg(args, WINOGRAD_WEIGHTS_IN_DEPTH);
  for (let oc = 0; oc < outDepth; oc++) {
    const b = oc >> 3, c = oc & 7;
    for (let ic = 0; ic < depth; ic++) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              s += g2(i, ky) * <i32>load<i8>(w + <usize>(((oc * 3 + ky) * 3 + kx) * depth + ic)) * g2(j, kx);
            }
          }
          const t = i * 4 + j;
          store<i16>(u + (<usize>((((b * 16 + t) * (depth >> 1) + (ic >> 1)) * 16 + (c >> 2) * 8 + (c & 3) * 2 + (ic & 1))) << 1), <i16>s);
        }
      }
    }
  }
}
