// RESIZE_BILINEAR's source rows / columns as TFLM's reference_ops::ResizeBilinearInteger computes them: a scale
// with 10 fractional bits, integer arithmetic only. Shared by the reference kernel, the params check and the lowering.

/** One output row (or column): the two source indices and the position past the lower one, in 1/1024ths. */
export interface BilinearSource {
  lo: number;
  hi: number;
  /** scaled - 1024 * lo: in [0, 1023], or in [-512, -1] before the first half-pixel centre (then lo = hi = 0). */
  frac: number;
}

/** The scale in 1/1024ths, rounded half up (TFLM: (1024 * in + out / 2) / out, align_corners on in - 1, out - 1). */
export function bilinearScale10(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners && outSize > 1) return Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  return Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
}

/** TFLM ComputeInterpolationValuesInteger for output index `i` (C division truncates toward zero). */
export function bilinearSource(i: number, scale10: number, inSize: number, halfPixelCenters: boolean): BilinearSource {
  const scaled = halfPixelCenters ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
  const lo = Math.max(Math.trunc(scaled / 1024), 0);
  const hi = Math.min(Math.trunc((scaled + 1023) / 1024), inSize - 1);
  return { lo, hi, frac: scaled - 1024 * lo };
}

/** Every output index's source along one axis. */
export function bilinearSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): BilinearSource[] {
  const scale10 = bilinearScale10(inSize, outSize, alignCorners);
  return Array.from({ length: outSize }, (_, i) => bilinearSource(i, scale10, inSize, halfPixelCenters));
}
