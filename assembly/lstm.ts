// UNIDIRECTIONAL_SEQUENCE_LSTM, integer. Spec: src/reference/ops/lstm.ts (TFLM lstm_eval.h LstmStep). Per
// batch row and time step: the four gates (forget, input, cell, output) of two fully connected layers each
// into Q3.12, saturated to int16 and summed, through sigmoid (tanh for the cell gate) into Q0.15 in the
// planned workspace (TFLM's gate scratch); then the int16 cell state and the hidden state (variable
// tensors, updated in place); the output row copies the hidden state. T: the activations' type (i8, i16).
import {
  LSTM_INPUT, LSTM_OUTPUT, LSTM_HIDDEN, LSTM_CELL, LSTM_INPUT_WEIGHTS, LSTM_RECURRENT_WEIGHTS, LSTM_BIAS,
  LSTM_INPUT_MULTIPLIER, LSTM_INPUT_SHIFT, LSTM_RECURRENT_MULTIPLIER, LSTM_RECURRENT_SHIFT,
  LSTM_INPUT_WEIGHT_OFFSET, LSTM_RECURRENT_WEIGHT_OFFSET, LSTM_BATCHES, LSTM_STEPS, LSTM_INPUT_SIZE, LSTM_UNITS,
  LSTM_TIME_MAJOR, LSTM_INPUT_OFFSET, LSTM_HIDDEN_OFFSET, LSTM_HIDDEN_ZERO_POINT,
  LSTM_FORGET_CELL_MULTIPLIER, LSTM_FORGET_CELL_SHIFT, LSTM_INPUT_CELL_MULTIPLIER, LSTM_INPUT_CELL_SHIFT,
  LSTM_HIDDEN_MULTIPLIER, LSTM_HIDDEN_SHIFT, LSTM_TANH_MULTIPLIER, LSTM_TANH_SHIFT, LSTM_CELL_CLIP, LSTM_WORKSPACE, LSTM_TABLE,
} from './abi';
import { arg, ptr, clampI32 } from './base';
import { dot64 } from './conv16';
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from './quant';
import { logistic16, sigmoid16Rescale, tanh16 } from './sigmoid16';

/** The gate through tanh. */
const CELL_GATE = 2;

// @ts-ignore: decorator
@inline
function sat16(v: i32): i32 {
  return clampI32(v, -32768, 32767);
}

/** Word k of the record's 4-word array at `field`. */
// @ts-ignore: decorator
@inline
function at(args: usize, field: i32, k: i32): i32 {
  return arg(args, field + (k << 2));
}

/** sum_i (x[i] + off) in i64: with weights of zero point -wo, sum (w + wo)(x + off) = dot + wo * this. */
// @ts-ignore: decorator
@inline
function sum<T>(x: usize, n: i32, off: i32): i64 {
  let s: i64 = 0;
  for (let i = 0; i < n; i++) s += <i64>(<i32>load<T>(x + (<usize>i << alignof<T>())) + off);
  return s;
}

/**
 * The four gates of one step into g (4 x units int16). int8 (T = i8): int32 accumulators (the i64 sums
 * truncated: the same wrapping), offsets, int32 bias; 16x8: int64 accumulators and bias, no offsets.
 */
// @ts-ignore: decorator
@inline
function gates<T>(args: usize, x: usize, h: usize, g: usize, table: usize): void {
  const n = arg(args, LSTM_INPUT_SIZE), units = arg(args, LSTM_UNITS);
  const xOff = arg(args, LSTM_INPUT_OFFSET), hOff = arg(args, LSTM_HIDDEN_OFFSET);
  const xs = sum<T>(x, n, xOff), hs = sum<T>(h, units, hOff);
  for (let k = 0; k < 4; k++) {
    const w = ref4(args, LSTM_INPUT_WEIGHTS, k), r = ref4(args, LSTM_RECURRENT_WEIGHTS, k), bias = ref4(args, LSTM_BIAS, k);
    const wo = <i64>at(args, LSTM_INPUT_WEIGHT_OFFSET, k), ro = <i64>at(args, LSTM_RECURRENT_WEIGHT_OFFSET, k);
    const im = at(args, LSTM_INPUT_MULTIPLIER, k), is = at(args, LSTM_INPUT_SHIFT, k);
    const rm = at(args, LSTM_RECURRENT_MULTIPLIER, k), rs = at(args, LSTM_RECURRENT_SHIFT, k);
    for (let u = 0; u < units; u++) {
      const a = dot64<T>(x, w + <usize>(u * n), n, xOff) + wo * xs;
      const b = dot64<T>(h, r + <usize>(u * units), units, hOff) + ro * hs;
      let qa: i32, qb: i32;
      if (sizeof<T>() == 1) {
        qa = multiplyByQuantizedMultiplier(<i32>a + load<i32>(bias + (<usize>u << 2)), im, is);
        qb = multiplyByQuantizedMultiplier(<i32>b, rm, rs);
      } else {
        qa = multiplyByQuantizedMultiplier64(a + load<i64>(bias + (<usize>u << 3)), im, is);
        qb = multiplyByQuantizedMultiplier64(b, rm, rs);
      }
      const v = sigmoid16Rescale(sat16(sat16(qa) + sat16(qb)), 0, 0);
      store<i16>(g + (<usize>(k * units + u) << 1), k == CELL_GATE ? tanh16(v, table) : logistic16(v, table));
    }
  }
}

/** Pointer k of the record's 4-word array of tensor references at `field`. */
// @ts-ignore: decorator
@inline
function ref4(args: usize, field: i32, k: i32): usize {
  return ptr(args, field + (k << 2));
}

// @ts-ignore: decorator
@inline
function lstm<T>(args: usize): void {
  const x = ptr(args, LSTM_INPUT), y = ptr(args, LSTM_OUTPUT), hidden = ptr(args, LSTM_HIDDEN), cell = ptr(args, LSTM_CELL);
  const g = ptr(args, LSTM_WORKSPACE), table = ptr(args, LSTM_TABLE);
  const batches = arg(args, LSTM_BATCHES), steps = arg(args, LSTM_STEPS), n = arg(args, LSTM_INPUT_SIZE), units = arg(args, LSTM_UNITS);
  const timeMajor = arg(args, LSTM_TIME_MAJOR) != 0;
  const fm = arg(args, LSTM_FORGET_CELL_MULTIPLIER), fs = arg(args, LSTM_FORGET_CELL_SHIFT);
  const cm = arg(args, LSTM_INPUT_CELL_MULTIPLIER), cs = arg(args, LSTM_INPUT_CELL_SHIFT);
  const hm = arg(args, LSTM_HIDDEN_MULTIPLIER), hsh = arg(args, LSTM_HIDDEN_SHIFT), hz = arg(args, LSTM_HIDDEN_ZERO_POINT);
  const tm = arg(args, LSTM_TANH_MULTIPLIER), ts = arg(args, LSTM_TANH_SHIFT), clip = arg(args, LSTM_CELL_CLIP);
  const lo: i32 = sizeof<T>() == 2 ? -32768 : -128, hi: i32 = sizeof<T>() == 2 ? 32767 : 127;
  const gU = g + (<usize>units << 1), gC = g + (<usize>units << 2), gO = g + <usize>(units * 6);
  for (let b = 0; b < batches; b++) {
    const h = hidden + (<usize>(b * units) << alignof<T>()), c = cell + (<usize>(b * units) << 1);
    for (let t = 0; t < steps; t++) {
      const row = timeMajor ? t * batches + b : b * steps + t;
      gates<T>(args, x + (<usize>(row * n) << alignof<T>()), h, g, table);
      for (let u = 0; u < units; u++) {
        const o = <usize>u << 1;
        const kept = sat16(multiplyByQuantizedMultiplier(<i32>load<i16>(g + o) * <i32>load<i16>(c + o), fm, fs));
        const added = sat16(multiplyByQuantizedMultiplier(<i32>load<i16>(gU + o) * <i32>load<i16>(gC + o), cm, cs));
        let cv = sat16(kept + added);
        if (clip >= 0) cv = clampI32(cv, -clip, clip);
        store<i16>(c + o, <i16>cv);
        const th = <i32>tanh16(sigmoid16Rescale(cv, tm, ts), table);
        const hv = clampI32(hz + multiplyByQuantizedMultiplier(th * <i32>load<i16>(gO + o), hm, hsh), lo, hi);
        store<T>(h + (<usize>u << alignof<T>()), <T>hv);
        store<T>(y + (<usize>(row * units + u) << alignof<T>()), <T>hv);
      }
    }
  }
}

export function lstm_s8(args: usize): void {
  lstm<i8>(args);
}

export function lstm_s16(args: usize): void {
  lstm<i16>(args);
}
