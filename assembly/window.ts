// The window bounds every direct (non-im2col) convolution loop shares: the taps of a filter row or column
// that land inside the input, as one range, so the loops visit exactly the in-bounds taps in order.

/** First tap k (0 if none is clipped) whose input index o0 + k d is >= 0; o0 = out * stride - pad, d >= 1. */
// @ts-ignore: decorator
@inline
export function tapBegin(o0: i32, d: i32): i32 {
  return o0 < 0 ? (d - 1 - o0) / d : 0;
}

/** One past the last tap k < taps whose input index o0 + k d is < n (the range is empty when it is <= tapBegin). */
// @ts-ignore: decorator
@inline
export function tapEnd(o0: i32, d: i32, n: i32, taps: i32): i32 {
  return o0 >= n ? 0 : min(taps, (n - o0 + d - 1) / d);
}
