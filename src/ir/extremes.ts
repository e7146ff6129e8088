// Min and max of model-sized arrays: Math.max(...values) passes every element as an argument and
// overflows the call stack near 100k elements (200k tensors, 200k per-channel scales).

/** The largest of `values` and `start` (Math.max's semantics, NaN included), in a loop. */
export function maxOf(values: Iterable<number>, start = -Infinity): number {
  let m = start;
  for (const v of values) m = Math.max(m, v);
  return m;
}

/** The smallest of `values` and `start` (Math.min's semantics, NaN included), in a loop. */
export function minOf(values: Iterable<number>, start = Infinity): number {
  let m = start;
  for (const v of values) m = Math.min(m, v);
  return m;
}
