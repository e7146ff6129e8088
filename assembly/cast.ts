// CAST: each stored value converted to the output's type in one forward pass. Spec: src/reference/ops/cast.ts
// (TFLM cast.cc); float -> integer toward zero saturated to int32, NaN to 0, then the type's low bits.
import { CAST_INPUT, CAST_OUTPUT, CAST_SIZE, CAST_FROM_TYPE, CAST_TO_TYPE } from './abi';
import { arg, ptr, ld, st } from './base';

const INT8: i32 = 0, INT16: i32 = 2, INT32: i32 = 3, FLOAT32: i32 = 4;

// @ts-ignore: decorator
@inline
function floatToInt32(v: f32): i32 {
  if (v != v) return 0;
  if (v <= -2147483648.0) return i32.MIN_VALUE;
  if (v >= 2147483648.0) return i32.MAX_VALUE;
  return <i32>v;
}

function intTo<F>(x: usize, y: usize, n: i32, to: i32): void {
  if (to == FLOAT32) for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), <f32>ld<F>(x, i));
  else if (to == INT8) for (let i = 0; i < n; i++) st<i8>(y, i, ld<F>(x, i));
  else if (to == INT16) for (let i = 0; i < n; i++) st<i16>(y, i, ld<F>(x, i));
  else for (let i = 0; i < n; i++) st<i32>(y, i, ld<F>(x, i));
}

function floatTo(x: usize, y: usize, n: i32, to: i32): void {
  if (to == FLOAT32) memory.copy(y, x, <usize>n << 2);
  else if (to == INT8) for (let i = 0; i < n; i++) st<i8>(y, i, floatToInt32(load<f32>(x + (<usize>i << 2))));
  else if (to == INT16) for (let i = 0; i < n; i++) st<i16>(y, i, floatToInt32(load<f32>(x + (<usize>i << 2))));
  else for (let i = 0; i < n; i++) st<i32>(y, i, floatToInt32(load<f32>(x + (<usize>i << 2))));
}

export function cast(args: usize): void {
  const x = ptr(args, CAST_INPUT), y = ptr(args, CAST_OUTPUT), n = arg(args, CAST_SIZE);
  const from = arg(args, CAST_FROM_TYPE), to = arg(args, CAST_TO_TYPE);
  if (from == FLOAT32) floatTo(x, y, n, to);
  else if (from == INT8) intTo<i8>(x, y, n, to);
  else if (from == INT16) intTo<i16>(x, y, n, to);
  else intTo<i32>(x, y, n, to);
}
