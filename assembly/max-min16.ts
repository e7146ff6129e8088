// MAXIMUM / MINIMUM int16 with broadcasting (TFLM MaximumMinimumBroadcastSlow on int16): the stored values
// compared, no requantization. Output elements in increasing order (the stream-element order).
// Spec: src/reference/ops/maximum-minimum.ts.
import { MAX_MIN_INPUT1, MAX_MIN_INPUT2, MAX_MIN_OUTPUT, MAX_MIN_SIZE, MAX_MIN_FLAT, MAX_MIN_OUT_SHAPE, MAX_MIN_IN1_STRIDES, MAX_MIN_IN2_STRIDES } from './abi';
import { arg, ptr, ld, st } from './base';

// @ts-ignore: decorator
@inline
function pick(a: i32, b: i32, isMax: bool): i32 {
  return isMax ? max(a, b) : min(a, b);
}

// @ts-ignore: decorator
@inline
function maxMin16(args: usize, isMax: bool): void {
  const x1 = ptr(args, MAX_MIN_INPUT1), x2 = ptr(args, MAX_MIN_INPUT2), y = ptr(args, MAX_MIN_OUTPUT), size = arg(args, MAX_MIN_SIZE);
  if (arg(args, MAX_MIN_FLAT) != 0) {
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      for (; i + 8 <= size; i += 8) {
        const o = <usize>i << 1, a = v128.load(x1 + o), b = v128.load(x2 + o);
        v128.store(y + o, isMax ? i16x8.max_s(a, b) : i16x8.min_s(a, b));
      }
    }
    for (; i < size; i++) st<i16>(y, i, pick(ld<i16>(x1, i), ld<i16>(x2, i), isMax));
    return;
  }
  // 6-D odometer: the last dim in the inner loop, each input offset stepped by its stride (0 where it broadcasts)
  const sh = args + <usize>MAX_MIN_OUT_SHAPE, s1 = args + <usize>MAX_MIN_IN1_STRIDES, s2 = args + <usize>MAX_MIN_IN2_STRIDES;
  const inner = load<i32>(sh, 20), t1 = load<i32>(s1, 20), t2 = load<i32>(s2, 20);
  const rows = size / max(inner, 1);
  for (let r = 0; r < rows; r++) {
    // the row's offsets from its index in the outer five dims
    let rest = r, o1 = 0, o2 = 0;
    for (let d = 4; d >= 0; d--) {
      const n = load<i32>(sh + (<usize>d << 2)), k = rest % n;
      rest /= n;
      o1 += k * load<i32>(s1 + (<usize>d << 2));
      o2 += k * load<i32>(s2 + (<usize>d << 2));
    }
    const base = r * inner;
    for (let f = 0; f < inner; f++) st<i16>(y, base + f, pick(ld<i16>(x1, o1 + f * t1), ld<i16>(x2, o2 + f * t2), isMax));
  }
}

export function maximum_s16(args: usize): void {
  maxMin16(args, true);
}

export function minimum_s16(args: usize): void {
  maxMin16(args, false);
}
