// Range observers: what calibration records per activation tensor, and how the range to quantize is
// chosen from it: min/max (TFLite's default), a percentile, or the range minimising the int8 error.
import { UsageError } from '../errors.js';
import { extendRange, ValueHistogram } from './histogram.js';

/** Collects a tensor's values over the calibration set and answers the real range to quantize. */
export interface RangeObserver {
  observe(values: ArrayLike<number>): void;
  /** [min, max] of what was observed, or null when nothing was. */
  range(): [number, number] | null;
}

/** The running min and max (TFLite's default calibration). */
export class MinMaxObserver implements RangeObserver {
  private min = Infinity;
  private max = -Infinity;

  observe(values: ArrayLike<number>): void {
    [this.min, this.max] = extendRange(values, this.min, this.max);
  }

  range(): [number, number] | null {
    return this.min <= this.max ? [this.min, this.max] : null;
  }
}

export const CALIB_METHODS = ['minmax', 'percentile', 'mse', 'auto'] as const;
export type CalibMethod = (typeof CALIB_METHODS)[number];
/** The methods `auto` chooses among, in the order a tie is given to. */
export const RANGE_METHODS = ['minmax', 'percentile', 'mse'] as const;
export type RangeMethod = (typeof RANGE_METHODS)[number];

export const DEFAULT_PERCENTILE = 99.99;

/** One tensor's calibration: the method chosen, its range, and each candidate's int8 MSE on the histogram. */
export interface RangeChoice {
  method: RangeMethod;
  range: [number, number];
  mse: Record<RangeMethod, number>;
}

/** Scale factors of [min, max] the MSE search tries: 1 down to 0.2. */
const MSE_ALPHAS = Array.from({ length: 81 }, (_, k) => 1 - k / 100);

export function checkPercentile(p: number): void {
  if (!(p > 50 && p <= 100)) throw new UsageError(`--percentile must be in (50, 100], got ${p}`, { percentile: p });
}

/** Percentile, MSE or auto calibration over a histogram of the observed values. */
export class HistogramObserver implements RangeObserver {
  readonly histogram = new ValueHistogram();

  constructor(readonly method: Exclude<CalibMethod, 'minmax'> | 'minmax', readonly percentile = DEFAULT_PERCENTILE) {
    checkPercentile(percentile);
  }

  observe(values: ArrayLike<number>): void {
    this.histogram.observe(values);
  }

  /** The range each method gives, and its quantization MSE. */
  candidates(): Record<RangeMethod, { range: [number, number]; mse: number }> | null {
    const h = this.histogram;
    if (!(h.min <= h.max)) return null;
    const withMse = (range: [number, number]) => ({ range, mse: h.quantizationMse(range[0], range[1]) });
    // two-sided: the lowest and highest (100 - p)% are clipped
    const tail = 1 - this.percentile / 100;
    let best = withMse([h.min, h.max]);
    for (const a of MSE_ALPHAS.slice(1)) {
      const c = withMse([a * h.min, a * h.max]);
      if (c.mse < best.mse) best = c;
    }
    return { minmax: withMse([h.min, h.max]), percentile: withMse([h.quantile(tail), h.quantile(1 - tail)]), mse: best };
  }

  choice(): RangeChoice | null {
    const c = this.candidates();
    if (!c) return null;
    const mse = { minmax: c.minmax.mse, percentile: c.percentile.mse, mse: c.mse.mse };
    const method = this.method === 'auto' ? RANGE_METHODS.reduce((a, b) => (c[b].mse < c[a].mse ? b : a)) : this.method;
    return { method, range: c[method].range, mse };
  }

  range(): [number, number] | null {
    return this.choice()?.range ?? null;
  }
}
