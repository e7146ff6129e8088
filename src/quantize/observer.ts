// Range observers: what calibration records per activation tensor. Min/max today; a percentile or MSE
// observer implements the same interface and is chosen by the caller.

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
    let lo = this.min;
    let hi = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.min = lo;
    this.max = hi;
  }

  range(): [number, number] | null {
    return this.min <= this.max ? [this.min, this.max] : null;
  }
}
