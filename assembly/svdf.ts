// SVDF, int8 input/output with int8 or int16 time weights and state (T). Spec: src/reference/ops/svdf.ts
// (TFLM svdf_common.cc). The state, an arena tensor that persists across invokes, is updated in place.
// Each unit sums its rank filters' time dot products directly (TFLM keeps them in int32 scratch first:
// the same int32 sums, so no workspace).
import {
  SVDF_INPUT, SVDF_OUTPUT, SVDF_FEATURE, SVDF_TIME, SVDF_BIAS, SVDF_STATE, SVDF_BATCHES, SVDF_INPUT_SIZE, SVDF_FILTERS,
  SVDF_MEMORY, SVDF_RANK, SVDF_INPUT_OFFSET, SVDF_STATE_ZERO_POINT, SVDF_OUTPUT_OFFSET, SVDF_MULTIPLIER1, SVDF_SHIFT1,
  SVDF_MULTIPLIER2, SVDF_SHIFT2,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier } from './quant';

// @ts-ignore: decorator
@inline
function svdf<T>(args: usize): void {
  const x = ptr(args, SVDF_INPUT), y = ptr(args, SVDF_OUTPUT), feature = ptr(args, SVDF_FEATURE), time = ptr(args, SVDF_TIME);
  const bias = ptr(args, SVDF_BIAS), state = ptr(args, SVDF_STATE);
  const batches = arg(args, SVDF_BATCHES), inputSize = arg(args, SVDF_INPUT_SIZE), filters = arg(args, SVDF_FILTERS);
  const mem = arg(args, SVDF_MEMORY), rank = arg(args, SVDF_RANK);
  const inOffset = arg(args, SVDF_INPUT_OFFSET), stateZero = arg(args, SVDF_STATE_ZERO_POINT), outOffset = arg(args, SVDF_OUTPUT_OFFSET);
  const m1 = arg(args, SVDF_MULTIPLIER1), s1 = arg(args, SVDF_SHIFT1), m2 = arg(args, SVDF_MULTIPLIER2), s2 = arg(args, SVDF_SHIFT2);
  const lo: i32 = sizeof<T>() == 2 ? -32768 : -128, hi: i32 = sizeof<T>() == 2 ? 32767 : 127;
  const units = filters / rank;
  // Shift the whole state left by one element (every filter's last slot is overwritten next).
  const total = <usize>(batches * filters * mem);
  if (total > 0) memory.copy(state, state + sizeof<T>(), (total - 1) * sizeof<T>());
  // Feature matmul: each filter's newest activation into its last slot, plus the state's zero point, clamped.
  for (let b = 0; b < batches; b++) {
    const xb = x + <usize>(b * inputSize);
    for (let f = 0; f < filters; f++) {
      const wf = feature + <usize>(f * inputSize);
      let acc: i32 = 0;
      for (let c = 0; c < inputSize; c++) acc += <i32>load<i8>(wf + <usize>c) * (<i32>load<i8>(xb + <usize>c) + inOffset);
      const v = clampI32(multiplyByQuantizedMultiplier(acc, m1, s1) + stateZero, lo, hi);
      store<T>(state + ((<usize>((b * filters + f) * mem + mem - 1)) << alignof<T>()), <T>v);
    }
  }
  // Time: each unit's bias plus its rank filters' dot products over the memory, rescaled to the output.
  for (let b = 0; b < batches; b++) {
    for (let u = 0; u < units; u++) {
      let acc: i32 = load<i32>(bias + (<usize>u << 2));
      for (let r = 0; r < rank; r++) {
        const f = u * rank + r;
        const wt = time + ((<usize>(f * mem)) << alignof<T>());
        const st = state + ((<usize>((b * filters + f) * mem)) << alignof<T>());
        let dot: i32 = 0;
        for (let m = 0; m < mem; m++) {
          dot += <i32>load<T>(wt + ((<usize>m) << alignof<T>())) * (<i32>load<T>(st + ((<usize>m) << alignof<T>())) - stateZero);
        }
        acc += dot;
      }
      store<i8>(y + <usize>(b * units + u), <i8>clampI32(multiplyByQuantizedMultiplier(acc, m2, s2) + outOffset, -128, 127));
    }
  }
}

export function svdf_s8(args: usize): void {
  svdf<i8>(args);
}

export function svdf_s16(args: usize): void {
  svdf<i16>(args);
}
