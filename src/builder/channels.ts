// Channel counts of width-scaled nets (MobileNetV2 and the nas search space's members).

/** Keras' _make_divisible: channels rounded to a multiple of 8, never more than 10% below v. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}
