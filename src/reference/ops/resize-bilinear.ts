// RESIZE_BILINEAR (TFLM resize_bilinear.cc), NHWC: int8 through reference_ops::ResizeBilinearInteger (10-bit
// fixed-point positions, a 20-bit weighted sum rounded half away from zero), float32 through ResizeBilinear
// (float32 at every step). No requantization: TFLM interpolates the stored values.
import type { Op } from '../../ir/graph.js';
import { bilinearSources } from '../../ir/resize-bilinear.js';
import type { TensorView } from '../types.js';

/** int8: the four corners weighted in 1/2^20ths (|sum| < 2^30), then (sum ± 2^19) / 2^20 truncated. */
export function resizeBilinear(op: Op<'RESIZE_BILINEAR'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!, output = outputs[0]!;
  const { alignCorners, halfPixelCenters } = op.attrs;
  const [batches, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = input.data as Int8Array, y = output.data as Int8Array;
  const rows = bilinearSources(inH, outH, alignCorners, halfPixelCenters);
  const cols = bilinearSources(inW, outW, alignCorners, halfPixelCenters);
  let dst = 0;
  for (let n = 0; n < batches; n++) {
    for (const r of rows) {
      const top = (n * inH + r.lo) * inW, bottom = (n * inH + r.hi) * inW;
      for (const c of cols) {
        const wll = (1024 - r.frac) * (1024 - c.frac), wlu = r.frac * (1024 - c.frac), wrl = (1024 - r.frac) * c.frac, wru = r.frac * c.frac;
        for (let ch = 0; ch < depth; ch++) {
          const sum = x[(top + c.lo) * depth + ch]! * wll + x[(bottom + c.lo) * depth + ch]! * wlu
            + x[(top + c.hi) * depth + ch]! * wrl + x[(bottom + c.hi) * depth + ch]! * wru;
          y[dst++] = Math.trunc((sum + (sum > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20));
        }
      }
    }
  }
}

/** TFLM ComputeInterpolationValues in float32: the scaled position, floor clamped at 0, ceil clamped at in - 1. */
function floatSource(i: number, scale: number, inSize: number, halfPixelCenters: boolean): { pos: number; lo: number; hi: number } {
  const f = Math.fround;
  const pos = halfPixelCenters ? f(f(f(i + 0.5) * scale) - 0.5) : f(i * scale);
  return { pos, lo: Math.max(Math.floor(pos), 0), hi: Math.min(Math.ceil(pos), inSize - 1) };
}

/** float32: TFLM's ResizeBilinear<float>, each product and sum rounded to float32 in the C++ order. */
export function floatResizeBilinear(op: Op<'RESIZE_BILINEAR'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const f = Math.fround;
  const input = inputs[0]!, output = outputs[0]!;
  const { alignCorners, halfPixelCenters } = op.attrs;
  const [batches, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = input.data as Float32Array, y = output.data as Float32Array;
  const scaleH = alignCorners && outH > 1 ? f((inH - 1) / (outH - 1)) : f(inH / outH);
  const scaleW = alignCorners && outW > 1 ? f((inW - 1) / (outW - 1)) : f(inW / outW);
  let dst = 0;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const r = floatSource(oy, scaleH, inH, halfPixelCenters);
      const dy = f(r.pos - r.lo), wy = f(1 - dy);
      for (let ox = 0; ox < outW; ox++) {
        const c = floatSource(ox, scaleW, inW, halfPixelCenters);
        const dx = f(c.pos - c.lo), wx = f(1 - dx);
        const at = (row: number, col: number, ch: number) => x[((n * inH + row) * inW + col) * depth + ch]!;
        for (let ch = 0; ch < depth; ch++) {
          const s1 = f(f(f(at(r.lo, c.lo, ch) * wy) * wx) + f(f(at(r.hi, c.lo, ch) * dy) * wx));
          const s2 = f(s1 + f(f(at(r.lo, c.hi, ch) * wy) * dx));
          y[dst++] = f(f(s2 + f(f(at(r.hi, c.hi, ch) * dy) * dx)) + 0);
        }
      }
    }
  }
}
