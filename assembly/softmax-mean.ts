// SOFTMAX (int8 -> int8/int16) and the reducers MEAN / SUM (int8, int16) and REDUCE_MAX (int8); specs src/reference/ops/softmax.ts and mean.ts.
import {
  SOFTMAX_INPUT, SOFTMAX_OUTPUT, SOFTMAX_ROWS, SOFTMAX_DEPTH, SOFTMAX_INPUT_MULTIPLIER, SOFTMAX_INPUT_LEFT_SHIFT, SOFTMAX_DIFF_MIN, SOFTMAX_EXP_LUT, SOFTMAX_RECIP_LUT,
  MEAN_INPUT, MEAN_OUTPUT, MEAN_OUT_SIZE, MEAN_COUNT, MEAN_KEPT_SHAPE, MEAN_KEPT_STRIDES, MEAN_RED_SHAPE, MEAN_RED_STRIDES,
  MEAN_INPUT_ZERO_POINT, MEAN_OUTPUT_ZERO_POINT, MEAN_MULTIPLIER, MEAN_SHIFT,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT, srdhm } from './quant';
import { expOnNegativeValues, multiplyByQuantizedMultiplierGreaterThanOne, oneOverOnePlusXForXIn01 } from './fixedpoint';

// @ts-ignore: decorator
@inline
function softmax<O>(args: usize, outputBits: i32, outMin: i32, outMax: i32): void {
  const x = ptr(args, SOFTMAX_INPUT), y = ptr(args, SOFTMAX_OUTPUT);
  const rows = arg(args, SOFTMAX_ROWS), depth = arg(args, SOFTMAX_DEPTH);
  const inMul = arg(args, SOFTMAX_INPUT_MULTIPLIER), inLs = arg(args, SOFTMAX_INPUT_LEFT_SHIFT), diffMin = arg(args, SOFTMAX_DIFF_MIN);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * depth);
    let maxInRow: i32 = -128;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i8>(xr + <usize>c));
    let sumOfExps: i32 = 0;
    for (let c = 0; c < depth; c++) {
      const diff = <i32>load<i8>(xr + <usize>c) - maxInRow;
      if (diff >= diffMin) {
        const e = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, inMul, inLs), 5);
        sumOfExps += roundingDivideByPOT(e, 12); // Rescale<12> of a Q0 value
      }
    }
    // GetReciprocal(sum, 12)
    const headroomPlusOne = <i32>clz(sumOfExps);
    const numBitsOverUnit = 12 - headroomPlusOne;
    const shiftedScale = oneOverOnePlusXForXIn01((sumOfExps << headroomPlusOne) - i32.MIN_VALUE);
    const exponent = numBitsOverUnit + 31 - outputBits;
    const yr = y + (<usize>(r * depth) << alignof<O>());
    for (let c = 0; c < depth; c++) {
      const diff = <i32>load<i8>(xr + <usize>c) - maxInRow;
      let out = outMin;
      if (diff >= diffMin) {
        const e = expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, inMul, inLs), 5);
        out = clampI32(roundingDivideByPOT(srdhm(shiftedScale, e), exponent) + outMin, outMin, outMax);
      }
      store<O>(yr + (<usize>c << alignof<O>()), <O>out);
    }
  }
}

export function softmax_s8(args: usize): void {
  softmax<i8>(args, 8, -128, 127);
}

export function softmax_s8_s16(args: usize): void {
  softmax<i16>(args, 16, -32768, 32767);
}

// int16 -> int16 (TFLite's SoftmaxInt16): the record's interpolated int16 tables; exps recomputed in the write pass.
// @ts-ignore: decorator
@inline
function lut16(v: i32, lut: usize): i32 {
  const at = lut + (<usize>(256 + (v >> 7)) << 1);
  const base = <i32>load<i16>(at);
  const slope = <i32><i16>(<i32>load<i16>(at, 2) - base);
  return <i32><i16>(base + ((slope * (v & 0x7f) + 64) >> 7));
}

export function softmax_s16(args: usize): void {
  const x = ptr(args, SOFTMAX_INPUT), y = ptr(args, SOFTMAX_OUTPUT);
  const rows = arg(args, SOFTMAX_ROWS), depth = arg(args, SOFTMAX_DEPTH);
  const inMul = arg(args, SOFTMAX_INPUT_MULTIPLIER), inLs = arg(args, SOFTMAX_INPUT_LEFT_SHIFT);
  const expLut = ptr(args, SOFTMAX_EXP_LUT), recipLut = ptr(args, SOFTMAX_RECIP_LUT);
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * depth) << 1), yr = y + (<usize>(r * depth) << 1);
    let maxInRow: i32 = -32768;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i16>(xr + (<usize>c << 1)));
    let sum: i32 = 0;
    for (let c = 0; c < depth; c++) {
      sum += lut16(clampI32(multiplyByQuantizedMultiplier(<i32>load<i16>(xr + (<usize>c << 1)) - maxInRow, inMul, inLs) + 32767, -32768, 32767), expLut);
    }
    const headroomPlusOne = <i32>clz(sum);
    const shiftedSum = <i32>(((<i64>sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
    const reciprocal = lut16(clampI32(shiftedSum - ((1 << 15) + (1 << 16)), -32768, 32767), recipLut);
    const rightShift = 31 - headroomPlusOne;
    const round = (<i64>1) << (rightShift - 1);
    for (let c = 0; c < depth; c++) {
      const e = lut16(clampI32(multiplyByQuantizedMultiplier(<i32>load<i16>(xr + (<usize>c << 1)) - maxInRow, inMul, inLs) + 32767, -32768, 32767), expLut);
      const result = <i32>((<i64>e * <i64>reciprocal + round) >> rightShift);
      store<i16>(yr + (<usize>c << 1), <i16>clampI32(result, 0, 32767));
    }
  }
}

// @ts-ignore: decorator
@inline
function reduce<T>(args: usize, qmin: i32, qmax: i32, isMax: bool): void {
  const x = ptr(args, MEAN_INPUT), y = ptr(args, MEAN_OUTPUT);
  const outSize = arg(args, MEAN_OUT_SIZE), count = arg(args, MEAN_COUNT);
  const inZp = arg(args, MEAN_INPUT_ZERO_POINT), outZp = arg(args, MEAN_OUTPUT_ZERO_POINT);
  const m = arg(args, MEAN_MULTIPLIER), s = arg(args, MEAN_SHIFT);
  const ks = args + <usize>MEAN_KEPT_SHAPE, kt = args + <usize>MEAN_KEPT_STRIDES;
  const rs = args + <usize>MEAN_RED_SHAPE, rt = args + <usize>MEAN_RED_STRIDES;
  // Kept and reduced index odometers (6 dims each); `base` follows the kept index.
  let k0 = 0, k1 = 0, k2 = 0, k3 = 0, k4 = 0, k5 = 0;
  for (let o = 0; o < outSize; o++) {
    const base = k0 * load<i32>(kt) + k1 * load<i32>(kt, 4) + k2 * load<i32>(kt, 8) + k3 * load<i32>(kt, 12) + k4 * load<i32>(kt, 16) + k5 * load<i32>(kt, 20);
    let sum: i32 = isMax ? qmin : 0; // the max, for REDUCE_MAX
    for (let a = 0; a < load<i32>(rs); a++) {
      for (let b = 0; b < load<i32>(rs, 4); b++) {
        for (let c = 0; c < load<i32>(rs, 8); c++) {
          for (let d = 0; d < load<i32>(rs, 12); d++) {
            for (let e = 0; e < load<i32>(rs, 16); e++) {
              const off = base + a * load<i32>(rt) + b * load<i32>(rt, 4) + c * load<i32>(rt, 8) + d * load<i32>(rt, 12) + e * load<i32>(rt, 16);
              const n5 = load<i32>(rs, 20), s5 = load<i32>(rt, 20);
              if (isMax) {
                for (let f = 0; f < n5; f++) sum = max(sum, <i32>load<T>(x + (<usize>(off + f * s5) << alignof<T>())));
              } else {
                for (let f = 0; f < n5; f++) sum += <i32>load<T>(x + (<usize>(off + f * s5) << alignof<T>()));
              }
            }
          }
        }
      }
    }
    const v = isMax ? sum : clampI32(multiplyByQuantizedMultiplier(sum - inZp * count, m, s) + outZp, qmin, qmax);
    store<T>(y + (<usize>o << alignof<T>()), <T>v);
    // next kept index
    if (++k5 == load<i32>(ks, 20)) {
      k5 = 0;
      if (++k4 == load<i32>(ks, 16)) {
        k4 = 0;
        if (++k3 == load<i32>(ks, 12)) {
          k3 = 0;
          if (++k2 == load<i32>(ks, 8)) {
            k2 = 0;
            if (++k1 == load<i32>(ks, 4)) {
              k1 = 0;
              ++k0;
            }
          }
        }
      }
    }
  }
}

export function mean_s8(args: usize): void {
  reduce<i8>(args, -128, 127, false);
}

export function mean_s16(args: usize): void {
  reduce<i16>(args, -32768, 32767, false);
}

export function reduce_max_s8(args: usize): void {
  reduce<i8>(args, -128, 127, true);
}
