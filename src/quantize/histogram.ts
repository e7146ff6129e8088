// A streaming histogram of one tensor's values over the calibration set, and what the range searches
// need from it: quantiles and the int8 quantization error of a candidate [min, max].
import { asymmetricInt8 } from './schemes.js';

/** Bins over [-limit, limit]; the limit doubles (pairs of bins merge exactly) when a value falls outside. */
export const HISTOGRAM_BINS = 4096;

/** [min, max] of the values and the range so far. */
export function extendRange(values: ArrayLike<number>, min: number, max: number): [number, number] {
  let lo = min;
  let hi = max;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

export class ValueHistogram {
  /** Exact zeros are counted apart: 0 is always representable, so they never add error. */
  zeros = 0;
  min = Infinity;
  max = -Infinity;
  private limit = 0;
  readonly counts = new Float64Array(HISTOGRAM_BINS);

  observe(values: ArrayLike<number>): void {
    [this.min, this.max] = extendRange(values, this.min, this.max);
    this.growTo(Math.max(Math.abs(this.min), Math.abs(this.max)));
    if (this.limit === 0) {
      this.zeros += values.length;
      return;
    }
    const perUnit = HISTOGRAM_BINS / (2 * this.limit);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === 0) this.zeros++;
      else this.counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v + this.limit) * perUnit))]!++;
    }
  }

  /** Widens the bins to cover [-absMax, absMax]: a power of two, so rebinning is exact. */
  private growTo(absMax: number): void {
    if (!(absMax > 0) || !Number.isFinite(absMax)) return;
    if (this.limit === 0) {
      this.limit = 2 ** Math.ceil(Math.log2(absMax));
      return;
    }
    const half = HISTOGRAM_BINS / 2;
    while (absMax > this.limit) {
      // the new bin covering old bins 2j and 2j+1 is bin half/2 + j
      const merged = new Float64Array(HISTOGRAM_BINS);
      for (let j = 0; j < half; j++) merged[half / 2 + j] = this.counts[2 * j]! + this.counts[2 * j + 1]!;
      this.counts.set(merged);
      this.limit *= 2;
    }
  }

  get total(): number {
    return this.zeros + this.counts.reduce((a, b) => a + b, 0);
  }

  /** The center of bin i (the value its counts stand for). */
  center(i: number): number {
    return -this.limit + (i + 0.5) * ((2 * this.limit) / HISTOGRAM_BINS);
  }

  /** The value below which a fraction q of the observed values lie (linear within a bin), within [min, max]. */
  quantile(q: number): number {
    const total = this.total;
    if (total === 0) return 0;
    const target = q * total;
    const width = (2 * this.limit) / HISTOGRAM_BINS;
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      if (i === HISTOGRAM_BINS / 2) {
        // the exact zeros sit between the negative and the positive bins
        if (seen + this.zeros >= target && this.zeros > 0) return this.within(0);
        seen += this.zeros;
      }
      const c = this.counts[i]!;
      if (c > 0 && seen + c >= target) return this.within(-this.limit + (i + (target - seen) / c) * width);
      seen += c;
    }
    return this.max;
  }

  private within(v: number): number {
    return Math.min(this.max, Math.max(this.min, v));
  }

  /** Mean squared error of quantizing the observed values to int8 with the params TFLite derives from [lo, hi]. */
  quantizationMse(lo: number, hi: number): number {
    const total = this.total;
    if (total === 0) return 0;
    const { scale, zeroPoint } = asymmetricInt8(lo, hi);
    let sum = 0;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      const v = this.center(i);
      const q = Math.max(-128, Math.min(127, Math.round(v / scale) + zeroPoint));
      sum += c * (v - (q - zeroPoint) * scale) ** 2;
    }
    return sum / total;
  }
}
