// Element-wise float32 kernels (TFLite reference_ops float paths): ADD/SUB/MUL with broadcasting and the
// fused clamp, the activations, SOFTMAX, MEAN, SUM, REDUCE_MAX and
// L2_NORMALIZATION. Each elementwise pass reads x[i] (and the other
// operand) before writing y[i], the order the 'stream-element' variant relies on.
import type { Op } from '../../ir/graph.js';
import type { OpKind } from '../../ir/ops.js';
import type { TensorView } from '../types.js';
import { broadcastIndexMap } from '../ops/util.js';
import { forEachReduced } from '../ops/mean.js';
import { clampF32, f32 } from './arith.js';

type Kernel<K extends OpKind> = (op: Op<K>, inputs: Array<TensorView | null>, outputs: TensorView[]) => void;

function binary(apply: (a: number, b: number) => number): Kernel<'ADD' | 'SUB' | 'MUL' | 'SQUARED_DIFFERENCE' | 'DIV'> {
  return (op, inputs, outputs) => {
    const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
    const x1 = a.data as Float32Array, x2 = b.data as Float32Array, y = out.data as Float32Array;
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    const map1 = same ? null : broadcastIndexMap(a.shape, out.shape);
    const map2 = same ? null : broadcastIndexMap(b.shape, out.shape);
    for (let i = 0; i < y.length; i++) {
      const v = f32(apply(x1[map1 ? map1[i]! : i]!, x2[map2 ? map2[i]! : i]!));
      y[i] = 'clamp' in op.attrs ? clampF32(v, op.attrs.clamp) : v;
    }
  };
}

/** PRELU float32 (BroadcastPrelu4DSlowFloat): x >= 0 ? x : x * alpha, alpha broadcast. */
export function floatPrelu(_op: Op<'PRELU'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
  const x = a.data as Float32Array, alpha = b.data as Float32Array, y = out.data as Float32Array;
  const mapX = broadcastIndexMap(a.shape, out.shape), mapA = broadcastIndexMap(b.shape, out.shape);
  for (let i = 0; i < y.length; i++) {
    const v = x[mapX[i]!]!;
    y[i] = v >= 0 ? v : f32(v * alpha[mapA[i]!]!);
  }
}

/** out = clamp(a + b) on float32 values, broadcasting as TFLite does. */
export const floatAdd = binary((a, b) => a + b);
export const floatSub = binary((a, b) => a - b);
export const floatMul = binary((a, b) => a * b);
/** TFLM's float Div: a / b (float32 division; a zero divisor gives an infinity or NaN), then the fused clamp. */
export const floatDiv = binary((a, b) => a / b);
/** (a - b)^2, the difference rounded to float32 first (no fused activation). */
export const floatSquaredDifference = binary((a, b) => {
  const d = f32(a - b);
  return d * d;
});

function unary<K extends OpKind>(fn: (x: number, op: Op<K>) => number): Kernel<K> {
  return (op, inputs, outputs) => {
    const x = inputs[0]!.data as Float32Array;
    const y = outputs[0]!.data as Float32Array;
    for (let i = 0; i < y.length; i++) y[i] = fn(x[i]!, op);
  };
}

export const floatRelu = unary<'RELU'>((x) => (x > 0 ? x : 0));
export const floatRelu6 = unary<'RELU6'>((x) => Math.min(Math.max(x, 0), 6));
export const floatReluN1To1 = unary<'RELU_N1_TO_1'>((x) => Math.min(Math.max(x, -1), 1));
/** x > 0 ? x : x * alpha, alpha a float32 option. */
export const floatLeakyRelu = unary<'LEAKY_RELU'>((x, op) => (x > 0 ? x : f32(x * f32(op.attrs.alpha))));
/** x * min(6, max(0, x + 3)) / 6, each step in float32. */
export const floatHardSwish = unary<'HARD_SWISH'>((x) => f32(f32(x * Math.min(6, Math.max(0, f32(x + 3)))) / 6));
/** TfLiteExpm1 on a float below zero (expm1f: the double expm1 rounded to float32), else x. */
export const floatElu = unary<'ELU'>((x) => (x < 0 ? f32(Math.expm1(x)) : x));
/** std::exp on a float (expf: the double exp rounded to float32). */
export const floatExp = unary<'EXP'>((x) => f32(Math.exp(x)));
/** -x on a float (0 gives -0, as TFLM's neg_test expects). */
export const floatNeg = unary<'NEG'>((x) => -x);
/** std::abs on a float. */
export const floatAbs = unary<'ABS'>((x) => Math.abs(x));
/** 1.f / std::sqrt(f): the float32 square root, then a float32 division. */
export const floatRsqrt = unary<'RSQRT'>((x) => f32(1 / f32(Math.sqrt(x))));
/** std::tanh on a float (the double tanh rounded to float32; tanhf may differ in the last bit). */
export const floatTanh = unary<'TANH'>((x) => f32(Math.tanh(x)));

// reference_ops::Logistic (float): saturate above the cutoff where 1/(1+e^-x) rounds to 1; below -9 use e^x.
const LOGISTIC_UPPER = f32(16.619047164916992188);
const LOGISTIC_LOWER = -9;
export const floatLogistic = unary<'LOGISTIC'>((x) => {
  if (x > LOGISTIC_UPPER) return 1;
  if (x < LOGISTIC_LOWER) return f32(Math.exp(x));
  return f32(1 / f32(1 + f32(Math.exp(-x))));
});

/**
 * SOFTMAX over the last dim, per row: max, then e_c = exp((x_c - max) * beta) summed in float32, then
 * each e_c / sum. Reads the row twice before writing it.
 */
export const floatSoftmax: Kernel<'SOFTMAX'> = (op, inputs, outputs) => {
  const x = inputs[0]!.data as Float32Array;
  const y = outputs[0]!.data as Float32Array;
  const shape = inputs[0]!.shape;
  const depth = shape[shape.length - 1]!;
  const beta = f32(op.attrs.beta);
  for (let base = 0; base < x.length; base += depth) {
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) max = Math.max(max, x[base + c]!);
    let sum = 0;
    const exps = new Float32Array(depth);
    for (let c = 0; c < depth; c++) {
      exps[c] = Math.exp(f32(f32(x[base + c]! - max) * beta));
      sum = f32(sum + exps[c]!);
    }
    for (let c = 0; c < depth; c++) y[base + c] = f32(exps[c]! / sum);
  }
};

/** LOG_SOFTMAX per row of the last dim (TFLM's float LogSoftmax): x - max - log(sum of exp(x - max)), float32 at each step. */
export const floatLogSoftmax: Kernel<'LOG_SOFTMAX'> = (_op, inputs, outputs) => {
  const x = inputs[0]!.data as Float32Array;
  const y = outputs[0]!.data as Float32Array;
  const shape = inputs[0]!.shape;
  const depth = shape[shape.length - 1]!;
  if (depth === 0) return;
  for (let base = 0; base < x.length; base += depth) {
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) max = Math.max(max, x[base + c]!);
    let sum = 0;
    for (let c = 0; c < depth; c++) sum = f32(sum + f32(Math.exp(f32(x[base + c]! - max))));
    const logSum = f32(Math.log(sum));
    for (let c = 0; c < depth; c++) y[base + c] = f32(f32(x[base + c]! - max) - logSum);
  }
};

/** A reducer over `axes` (TFLite's ReduceGeneric): per output element, `step` over its inputs in input order from `init`, then `finish`. */
function floatReducer<K extends 'MEAN' | 'SUM' | 'REDUCE_MAX'>(init: number, step: (acc: number, x: number) => number, finish: (acc: number, count: number) => number): Kernel<K> {
  return (op, inputs, outputs) => {
    const input = inputs[0]!;
    const x = input.data as Float32Array;
    const y = outputs[0]!.data as Float32Array;
    const acc = new Float32Array(y.length).fill(init);
    forEachReduced(op.kind, input.shape, op.attrs.axes, x.length, y.length, (i, o) => (acc[o] = f32(step(acc[o]!, x[i]!))));
    const count = y.length === 0 ? 0 : x.length / y.length;
    for (let o = 0; o < y.length; o++) y[o] = f32(finish(acc[o]!, count));
  };
}

const FLT_LOWEST = -3.4028234663852886e38; // std::numeric_limits<float>::lowest(), REDUCE_MAX's start

/** MEAN: the float32 sum of each output's inputs (in input order) divided by their count. */
export const floatMean = floatReducer<'MEAN'>(0, (a, x) => a + x, (sum, count) => sum / count);
/** SUM: the float32 sum in input order. */
export const floatSum = floatReducer<'SUM'>(0, (a, x) => a + x, (sum) => sum);
/** REDUCE_MAX: (in > current) ? in : current from the lowest float (a NaN input never wins). */
export const floatReduceMax = floatReducer<'REDUCE_MAX'>(FLT_LOWEST, (a, x) => (x > a ? x : a), (m) => m);

/** L2_NORMALIZATION (reference_ops::L2Normalization): each innermost row divided by max(sqrt(sum of squares), 1e-6), float32 at each step. */
export function floatL2Normalization(_op: Op<'L2_NORMALIZATION'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const x = input.data as Float32Array, y = outputs[0]!.data as Float32Array;
  const depth = input.shape[input.shape.length - 1] ?? 1;
  const epsilon = f32(1e-6);
  for (let row = 0; depth > 0 && row + depth <= x.length; row += depth) {
    let squares = 0;
    for (let c = 0; c < depth; c++) squares = f32(squares + f32(x[row + c]! * x[row + c]!));
    const norm = Math.max(f32(Math.sqrt(squares)), epsilon);
    for (let c = 0; c < depth; c++) y[row + c] = f32(x[row + c]! / norm);
  }
}
