// LOG_SOFTMAX int8. Spec: src/reference/ops/log-softmax.ts (TFLM log_softmax.h LogSoftmaxQuantized). Each row
// is read twice (max, sum of exponentials) before its outputs are written in increasing order, each right
// after its input is read again.
import {
  LOG_SOFTMAX_INPUT, LOG_SOFTMAX_OUTPUT, LOG_SOFTMAX_ROWS, LOG_SOFTMAX_DEPTH, LOG_SOFTMAX_INPUT_MULTIPLIER,
  LOG_SOFTMAX_INPUT_LEFT_SHIFT, LOG_SOFTMAX_REVERSE_SCALING_DIVISOR, LOG_SOFTMAX_REVERSE_SCALING_RIGHT_SHIFT, LOG_SOFTMAX_DIFF_MIN,
} from './abi';
import { arg, ptr } from './base';
import { multiplyByQuantizedMultiplier, roundingDivideByPOT, srdhm } from './quant';
import { expOnNegativeValues, oneOverOnePlusXForXIn01, rescale, roundingHalfSum, saturatingRoundingMultiplyByPOT } from './fixedpoint';

function saturatingAdd(a: i32, b: i32): i32 {
  const s: i64 = <i64>a + <i64>b;
  return s > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : s < <i64>i32.MIN_VALUE ? i32.MIN_VALUE : <i32>s;
}

/** TFLite log_x_for_x_greater_than_or_equal_to_1 (src/ir/fixedpoint.ts): ln(zA), zA >= 1 with inBits integer bits, the result with outBits. */
function logXGe1(zA: i32, inBits: i32, outBits: i32): i32 {
  const accumBits = outBits + 1;
  const log2: i32 = 1488522236, sqrtSqrtHalf: i32 = 1805811301, sqrtHalf: i32 = 1518500250, oneQuarter: i32 = 536870912;
  const alphaN: i32 = 117049297, alphaD: i32 = 127690142, alphaI: i32 = 1057819769, alphaF: i32 = 638450708;
  const shiftedQuarter = rescale(oneQuarter, 0, accumBits);
  const zAHeadroomPlus1 = <i32>clz(zA);
  const rATmp = saturatingRoundingMultiplyByPOT(zA, zAHeadroomPlus1 - 1);
  const rARaw = saturatingRoundingMultiplyByPOT(srdhm(rATmp, sqrtHalf), 1);
  const zAPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inBits - zAHeadroomPlus1, 31 - accumBits), shiftedQuarter);
  const zB = srdhm(zA, sqrtHalf);
  const zBHeadroom = <i32>clz(zB) - 1;
  const rBRaw = saturatingRoundingMultiplyByPOT(zA, zBHeadroom);
  const zBPow2Adj = saturatingAdd(saturatingRoundingMultiplyByPOT(inBits - zBHeadroom, 31 - accumBits), -shiftedQuarter);
  const r = min(rARaw, rBRaw);
  const zPow2Adj = max(zAPow2Adj, zBPow2Adj);
  const p = roundingHalfSum(r, sqrtSqrtHalf);
  let q = r - sqrtSqrtHalf;
  q = q + q;
  const commonSq = srdhm(q, q);
  const num = srdhm(q, r) + srdhm(srdhm(q, commonSq), alphaN);
  const denomMinusOne = srdhm(p, alphaI + q + srdhm(alphaD, commonSq)) + srdhm(alphaF, q);
  const recipDenom = oneOverOnePlusXForXIn01(denomMinusOne);
  const numScaled = rescale(num, 0, accumBits);
  return rescale(srdhm(zPow2Adj, log2) + srdhm(numScaled, recipDenom), accumBits, outBits);
}

export function log_softmax_s8(args: usize): void {
  const x = ptr(args, LOG_SOFTMAX_INPUT), y = ptr(args, LOG_SOFTMAX_OUTPUT);
  const rows = arg(args, LOG_SOFTMAX_ROWS), depth = arg(args, LOG_SOFTMAX_DEPTH);
  const m = arg(args, LOG_SOFTMAX_INPUT_MULTIPLIER), shift = arg(args, LOG_SOFTMAX_INPUT_LEFT_SHIFT), diffMin = arg(args, LOG_SOFTMAX_DIFF_MIN);
  const divisor = arg(args, LOG_SOFTMAX_REVERSE_SCALING_DIVISOR), divisorShift = arg(args, LOG_SOFTMAX_REVERSE_SCALING_RIGHT_SHIFT);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * depth), yr = y + <usize>(r * depth);
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) maxInRow = max(maxInRow, <i32>load<i8>(xr + <usize>c));
    let sum = 0; // Q12.19
    for (let c = 0; c < depth; c++) {
      const diff = <i32>load<i8>(xr + <usize>c) - maxInRow;
      if (diff >= diffMin) sum += rescale(expOnNegativeValues(multiplyByQuantizedMultiplier(diff, m, shift), 5), 0, 12);
    }
    const logSum = logXGe1(sum, 12, 5); // Q5.26
    const adjustedDiffMin = max(diffMin - 1, multiplyByQuantizedMultiplier(logSum + i32.MIN_VALUE, divisor, -divisorShift));
    for (let c = 0; c < depth; c++) {
      const diff = <i32>load<i8>(xr + <usize>c) - maxInRow;
      let v = -128;
      if (diff > adjustedDiffMin) v = min(127, max(-128, roundingDivideByPOT(multiplyByQuantizedMultiplier(diff, m, shift) - logSum, 31 - 5 - 4) + 127));
      store<i8>(yr + <usize>c, <i8>v);
    }
  }
}
