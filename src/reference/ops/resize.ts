// RESIZE_NEAREST_NEIGHBOR (TFLM reference_ops::ResizeNearestNeighbor), NHWC.
import type { Op } from '../../ir/graph.js';
import { roundHalfAway } from '../../ir/quant.js';
import type { TensorView } from '../types.js';
import { elements } from './util.js';

/**
 * TFLM's GetNearestNeighbor, in float32 as the C++ computes it:
 *   scale = alignCorners && out > 1 ? (in - 1) / (out - 1) : in / out
 *   src   = alignCorners ? round((i + offset) * scale) : floor((i + offset) * scale), offset = 0.5 with
 *   half-pixel centers; then min(src, in - 1), and max(src, 0) with half-pixel centers.
 */
export function nearestSource(i: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = Math.fround;
  const scale = alignCorners && outSize > 1 ? f((inSize - 1) / (outSize - 1)) : f(inSize / outSize);
  const offset = halfPixelCenters ? 0.5 : 0;
  const pos = f(f(i + offset) * scale);
  let src = Math.min(alignCorners ? roundHalfAway(pos) : Math.floor(pos), inSize - 1);
  if (halfPixelCenters) src = Math.max(0, src);
  return src;
}

export function resizeNearestNeighbor(op: Op<'RESIZE_NEAREST_NEIGHBOR'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const output = outputs[0]!;
  const { alignCorners, halfPixelCenters } = op.attrs;
  const [batches, inH, inW, depth] = input.shape as [number, number, number, number];
  const [, outH, outW] = output.shape as [number, number, number, number];
  const x = elements(input.data);
  const y = elements(output.data);
  const srcX = new Int32Array(outW);
  for (let ox = 0; ox < outW; ox++) srcX[ox] = nearestSource(ox, inW, outW, alignCorners, halfPixelCenters);
  let dst = 0;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const iy = nearestSource(oy, inH, outH, alignCorners, halfPixelCenters);
      for (let ox = 0; ox < outW; ox++) {
        const src = ((n * inH + iy) * inW + srcX[ox]!) * depth;
        for (let c = 0; c < depth; c++) y[dst++] = x[src + c]!;
      }
    }
  }
}
