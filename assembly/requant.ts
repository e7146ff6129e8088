// The per-channel output stage shared by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
// (src/reference/ops/conv-common.ts requantize).
import { multiplyByQuantizedMultiplier } from './quant';

// @ts-ignore: decorator
@inline
export function requantize(acc: i32, bias: usize, mult: usize, shift: usize, channel: i32, outputOffset: i32, actMin: i32, actMax: i32): i32 {
  const c = <usize>channel << 2;
  const v = multiplyByQuantizedMultiplier(acc + load<i32>(bias + c), load<i32>(mult + c), load<i32>(shift + c)) + outputOffset;
  return v < actMin ? actMin : v > actMax ? actMax : v;
}
