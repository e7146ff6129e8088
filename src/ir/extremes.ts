// Min and max of model-sized arrays: Math.max(...values) passes every element as an argument and
// overflows the call stack near 100k elements (200k tensors, 200k per-channel scales).

/** The largest of `values` and `start` (Math.max's semantics, NaN included), in a loop. */
export function maxOf(values: ArrayLike<number>, start = -Infinity): number {
  let m = start;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return m;
}

/** The smallest of `values` and `start` (Math.min's semantics, NaN included), in a loop. */
export function minOf(values: ArrayLike<number>, start = Infinity): number {
  let m = start;
  for (let i = 0; i < values.length; i++) m = Math.min(m, values[i]!);
  return m;
}
