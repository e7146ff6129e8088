// Parameter derivers for the nonlinear / fixed-point ops: TFLite Micro's Prepare() for each, computing
// the OpData once and refusing (naming op, node index and tensor) anything its int8 kernels do not do.
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import { calculateInputRadius, downScaleInt32ToInt16Multiplier } from '../fixedpoint.js';
import type { DType, Tensor } from '../graph.js';
import type { Clamp } from '../ops.js';
import { checkedLog2, dtypeRange, floatToInt32, frexp, INT32_MAX, quantizeMultiplier, roundHalfAway } from '../quant.js';
import { checkShift, MAX_LEFT_SHIFT, requantMultiplier } from './multiplier.js';
import { elementCount } from '../shapes.js';
import type { DeriveContext, ParamDeriver, ParamDerivers } from './types.js';
import { isFloatOp } from '../float.js';

export type NonlinearKind =
  | 'SOFTMAX'
  | 'LOGISTIC'
  | 'TANH'
  | 'HARD_SWISH'
  | 'LEAKY_RELU'
  | 'RELU'
  | 'RELU6'
  | 'RELU_N1_TO_1'
  | 'MEAN'
  | 'QUANTIZE'
  | 'DEQUANTIZE'
  | 'ABS'
  | 'RSQRT'
  | 'ELU'
  | 'EXP'
  | 'NEG'
  | 'LOG_SOFTMAX'
  | 'SUM'
  | 'REDUCE_MAX'
  | 'L2_NORMALIZATION';

type Ctx = DeriveContext<NonlinearKind>;
type IntDType = 'int8' | 'uint8' | 'int16' | 'int32';

function facts(ctx: Ctx, tensor?: Tensor): Record<string, unknown> {
  return tensor ? { op: ctx.op.kind, node: ctx.index, tensor: tensor.name } : { op: ctx.op.kind, node: ctx.index };
}

function unsupported(ctx: Ctx, what: string, tensor?: Tensor): UnsupportedError {
  const on = tensor ? ` tensor '${tensor.name}'` : '';
  return new UnsupportedError(`${ctx.op.kind} (node ${ctx.index})${on}: ${what}`, facts(ctx, tensor));
}

function malformed(ctx: Ctx, what: string, tensor?: Tensor): ModelFormatError {
  const on = tensor ? ` tensor '${tensor.name}'` : '';
  return new ModelFormatError(`${ctx.op.kind} (node ${ctx.index})${on}: ${what}`, facts(ctx, tensor));
}

/** The tensor at `op.inputs[i]` / `op.outputs[i]`, which must exist. */
function tensorAt(ctx: Ctx, side: 'input' | 'output', i: number): Tensor {
  const ids = side === 'input' ? ctx.op.inputs : ctx.op.outputs;
  const id = ids[i];
  const t = id === undefined || id < 0 ? undefined : ctx.tensors[id];
  if (!t) throw malformed(ctx, `${side} ${i} is missing (tensor id ${id ?? 'none'})`);
  return t;
}

function checkArity(ctx: Ctx, inputs: number, outputs: number): void {
  if (ctx.op.inputs.length < inputs || ctx.op.outputs.length !== outputs) {
    throw malformed(ctx, `expects ${inputs} input(s) and ${outputs} output(s), has ${ctx.op.inputs.length} and ${ctx.op.outputs.length}`);
  }
}

function requireDType<D extends DType>(ctx: Ctx, t: Tensor, allowed: readonly D[], role: string): D {
  if (!(allowed as readonly DType[]).includes(t.dtype)) {
    throw unsupported(ctx, `${role} dtype ${t.dtype} is not supported (supported: ${allowed.join(', ')})`, t);
  }
  return t.dtype as D;
}

/** Per-tensor affine quantization with a finite positive scale and a zero point inside the dtype's range. */
function perTensor(ctx: Ctx, t: Tensor): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (!q || q.scales.length === 0) throw unsupported(ctx, `needs quantization parameters on ${t.dtype} data`, t);
  if (q.scales.length !== 1 || q.zeroPoints.length > 1) {
    throw unsupported(ctx, `per-channel quantization (${q.scales.length} scales) is not supported here`, t);
  }
  const scale = q.scales[0]!;
  const zeroPoint = q.zeroPoints[0] ?? 0;
  if (!Number.isFinite(scale) || scale <= 0) throw malformed(ctx, `scale ${scale} is not a finite positive number`, t);
  const range = dtypeRange(t.dtype as IntDType);
  if (!Number.isInteger(zeroPoint) || zeroPoint < range[0] || zeroPoint > range[1]) {
    throw malformed(ctx, `zero point ${zeroPoint} is outside the ${t.dtype} range`, t);
  }
  return { scale, zeroPoint };
}

function checkShape(ctx: Ctx, t: Tensor): void {
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) throw malformed(ctx, `shape [${t.shape.join(',')}] has an invalid dim`, t);
  }
}

/** Elementwise ops: the output has the input's shape. */
function sameShape(ctx: Ctx, input: Tensor, output: Tensor): void {
  checkShape(ctx, input);
  checkShape(ctx, output);
  if (input.shape.length !== output.shape.length || input.shape.some((d, i) => d !== output.shape[i])) {
    throw malformed(ctx, `output shape [${output.shape.join(',')}] differs from input shape [${input.shape.join(',')}]`, output);
  }
}

/** One input, one output, same shape; returns both. */
function unary(ctx: Ctx): [Tensor, Tensor] {
  checkArity(ctx, 1, 1);
  const input = tensorAt(ctx, 'input', 0);
  const output = tensorAt(ctx, 'output', 0);
  sameShape(ctx, input, output);
  return [input, output];
}

function sameDType(ctx: Ctx, input: Tensor, output: Tensor): void {
  if (input.dtype !== output.dtype) throw unsupported(ctx, `output dtype ${output.dtype} differs from input dtype ${input.dtype}`, output);
}

/** `zeroPoint + round(value / scale)` as TFLite's activation-range code computes it (float32 division), checked to fit int32. */
function quantizeFloatConstant(ctx: Ctx, t: Tensor, value: number, scale: number, zeroPoint: number): number {
  const r = roundHalfAway(Math.fround(Math.fround(value) / Math.fround(scale)));
  if (!(Math.abs(r) < 2 ** 31)) throw unsupported(ctx, `${value} / scale ${scale} does not fit an int32`, t);
  return zeroPoint + r;
}

// ---- SOFTMAX: TFLM softmax_common.cc CalculateSoftmaxParams (int8 input) ----

const SOFTMAX_SCALED_DIFF_INTEGER_BITS = 5;

/** int16 in and out (TFLM CalculateSoftmaxParams int16): output zero point 0 and scale 1/32768; the input diff rescaled so that [-65535, 0] is [-10, 0]. */
function deriveSoftmax16(ctx: DeriveContext<'SOFTMAX'>, input: Tensor, output: Tensor) {
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  const delta = Math.abs(Math.fround(outQ.scale - Math.fround(1 / 32768)));
  if (outQ.zeroPoint !== 0 || delta > Math.fround(Math.fround(0.001) / 32768)) {
    throw unsupported(ctx, `int16 output must have scale 1/32768 and zero point 0 (has ${outQ.scale}, ${outQ.zeroPoint})`, output);
  }
  const { multiplier, shift } = quantizeMultiplier((inQ.scale * Math.fround(ctx.op.attrs.beta)) / (10 / 65535));
  return { inputMultiplier: multiplier, inputLeftShift: shift, diffMin: 0 };
}

function deriveSoftmax(ctx: DeriveContext<'SOFTMAX'>) {
  const [input, output] = unary(ctx);
  const inType = requireDType(ctx, input, ['int8', 'int16'], 'input');
  const outType = requireDType(ctx, output, inType === 'int16' ? ['int16'] : ['int8', 'int16'], 'output');
  if (input.shape.length < 1) throw malformed(ctx, 'input must have at least one dim', input);
  if (inType === 'int16') return deriveSoftmax16(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (outType === 'int8') {
    if (outQ.zeroPoint !== -128 || outQ.scale !== 1 / 256) {
      throw unsupported(ctx, `int8 output must have scale 1/256 and zero point -128 (has ${outQ.scale}, ${outQ.zeroPoint})`, output);
    }
  } else {
    const target = Math.fround(1 / 65536);
    const delta = Math.abs(Math.fround(outQ.scale - target));
    if (outQ.zeroPoint !== -32768 || delta > Math.fround(Math.fround(0.001) / 65536)) {
      throw unsupported(ctx, `int16 output must have scale 1/65536 and zero point -32768 (has ${outQ.scale}, ${outQ.zeroPoint})`, output);
    }
  }
  const beta = Math.fround(ctx.op.attrs.beta);
  // PreprocessSoftmaxScaling: beta * input_scale in Q5.26, capped below 2^31 (all in double).
  const real = Math.min(beta * inQ.scale * 2 ** (31 - SOFTMAX_SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  if (!(real > 1)) {
    throw unsupported(ctx, `beta * input scale = ${beta * inQ.scale} is too small (TFLM requires beta*scale*2^26 > 1)`, input);
  }
  const { multiplier, shift } = quantizeMultiplier(real);
  const diffMin = -calculateInputRadius(SOFTMAX_SCALED_DIFF_INTEGER_BITS, shift);
  return { inputMultiplier: multiplier, inputLeftShift: shift, diffMin };
}

// ---- LOG_SOFTMAX: TFLM log_softmax.cc CalculateOpData (int8; float32) ----

/** The output TFLM's LOG_SOFTMAX requires: scale 16/256 (log values down to -16), zero point 127. */
const LOG_SOFTMAX_OUTPUT = { scale: 16 / 256, zeroPoint: 127 };

function deriveLogSoftmax(ctx: DeriveContext<'LOG_SOFTMAX'>) {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['int8'], 'input');
  sameDType(ctx, input, output);
  if (input.shape.length < 1) throw malformed(ctx, 'input must have at least one dim', input);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (outQ.scale !== LOG_SOFTMAX_OUTPUT.scale || outQ.zeroPoint !== LOG_SOFTMAX_OUTPUT.zeroPoint) {
    throw unsupported(ctx, `int8 output must have scale 16/256 and zero point 127 (has ${outQ.scale}, ${outQ.zeroPoint})`, output);
  }
  // PreprocessLogSoftmaxScalingExp, beta 1: input scale in Q5.26 (QuantizeMultiplierGreaterThanOne), then
  // 2^(31 - left shift) / multiplier (QuantizeMultiplierSmallerThanOneExp); TFLM aborts where either check fails.
  const real = Math.min(inQ.scale * 2 ** (31 - SOFTMAX_SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  if (!(real > 1)) throw unsupported(ctx, `input scale ${inQ.scale} is too small (TFLM requires input scale * 2^26 > 1)`, input);
  const { multiplier, shift } = quantizeMultiplier(real);
  // (1 << (31 - shift)) is an int in TFLM: at shift 0 it is negative and the check below fails.
  const reverse = shift === 0 ? -1 : 2 ** (31 - shift) / multiplier;
  const rq = reverse > 0 && reverse < 1 ? quantizeMultiplier(reverse) : null;
  if (!rq || rq.shift > 0) {
    throw unsupported(ctx, `input scale ${inQ.scale} gives a reverse scaling divisor ${reverse} outside (0, 1) (TFLM's QuantizeMultiplierSmallerThanOneExp aborts)`, input);
  }
  return {
    inputMultiplier: multiplier, inputLeftShift: shift,
    reverseScalingDivisor: rq.multiplier, reverseScalingRightShift: -rq.shift,
    diffMin: -calculateInputRadius(SOFTMAX_SCALED_DIFF_INTEGER_BITS, shift),
  };
}

// ---- LOGISTIC / TANH: TFLM logistic_common.cc / tanh.cc (int8, int16) ----

const SIGMOID_TANH_INPUT_INTEGER_BITS = 4;

/**
 * int16 (TFLM's CalculateArithmeticOpData int16 branch): zero points 0, output scale 2^-15; the input is
 * rescaled to 1/(3*4096) units for the table, by 3 << shift when its scale is 2^-12 (TANH also 2^-11: multiplier 0),
 * else by a 15-bit multiplier found by doubling (truncated, not rounded).
 */
function deriveSigmoidTanh16(ctx: DeriveContext<'LOGISTIC' | 'TANH'>, input: Tensor, output: Tensor) {
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0) {
    throw unsupported(ctx, `int16 needs zero points of 0 (has ${inQ.zeroPoint} and ${outQ.zeroPoint})`, inQ.zeroPoint !== 0 ? input : output);
  }
  const outLog = checkedLog2(outQ.scale);
  if (!outLog.exact || outLog.power !== -15) {
    throw unsupported(ctx, `int16 output scale must be 2^-15 (has ${outQ.scale})`, output);
  }
  const inLog = checkedLog2(inQ.scale);
  const potShift = 12 + inLog.power;
  if (inLog.exact && (potShift === 0 || (ctx.op.kind === 'TANH' && potShift === 1))) {
    return { inputZeroPoint: 0, inputRangeRadius: 0, inputMultiplier: 0, inputLeftShift: potShift };
  }
  let multiplier = inQ.scale * 4096 * 3;
  let shift = 0;
  while (multiplier <= 32767 / 2 && shift <= 30) {
    shift++;
    multiplier *= 2;
  }
  // TFLM only DCHECKs this; past it x * multiplier overflows int32 in its kernel.
  if (multiplier > 32767) {
    throw unsupported(ctx, `int16 input scale ${inQ.scale} is too large (input scale * 12288 = ${multiplier} must be at most 32767)`, input);
  }
  // A multiplier truncated to 0 would read as the power-of-two path (3 << 31 in TFLM: undefined).
  if (Math.trunc(multiplier) === 0) {
    throw unsupported(ctx, `int16 input scale ${inQ.scale} is too small (its 15-bit multiplier truncates to 0)`, input);
  }
  return { inputZeroPoint: 0, inputRangeRadius: 0, inputMultiplier: Math.trunc(multiplier), inputLeftShift: shift };
}

function deriveSigmoidTanh(ctx: DeriveContext<'LOGISTIC' | 'TANH'>) {
  const [input, output] = unary(ctx);
  const dtype = requireDType(ctx, input, ['int8', 'int16'], 'input');
  sameDType(ctx, input, output);
  if (dtype === 'int16') return deriveSigmoidTanh16(ctx, input, output);
  const inQ = perTensor(ctx, input);
  if (ctx.op.kind === 'LOGISTIC') {
    // TFLM checks only the output zero point; the kernel writes 1/256 steps regardless of the scale.
    const outQ = perTensor(ctx, output);
    if (outQ.zeroPoint !== -128) throw unsupported(ctx, `int8 output zero point must be -128 (has ${outQ.zeroPoint})`, output);
  }
  // TANH: TFLM reads no output quantization; the kernel writes 1/128 steps around zero.
  // The multiplier comes from frexp directly (not QuantizeMultiplier): scale * 2^27 = q * 2^shift.
  const [q, shift] = frexp(inQ.scale * 2 ** (31 - SIGMOID_TANH_INPUT_INTEGER_BITS));
  const multiplier = roundHalfAway(q * 2 ** 31);
  if (shift < 0 || shift > 62 || multiplier >= 2 ** 31) {
    throw unsupported(ctx, `input scale ${inQ.scale} is outside what TFLM's fixed-point path handles`, input);
  }
  return {
    inputZeroPoint: inQ.zeroPoint,
    inputRangeRadius: calculateInputRadius(SIGMOID_TANH_INPUT_INTEGER_BITS, shift, 31),
    inputMultiplier: multiplier,
    inputLeftShift: shift,
  };
}

// ---- HARD_SWISH: TFLM hard_swish_common.cc (int8) ----

function deriveHardSwish(ctx: DeriveContext<'HARD_SWISH'>) {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['int8'], 'input');
  sameDType(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  // All float32 arithmetic in TFLM, then widened to double for QuantizeMultiplier.
  const hiresInputScale = Math.fround(Math.fround(1 / 128) * inQ.scale);
  const reluishScale = Math.fround(3 / 32768);
  // The kernel divides by 2^-exponent (a right shift) for the output and shifts left by up to 31 for reluish.
  const out = requantMultiplier({ ctx, tensor: output, what: 'output (input scale / 128 / output scale)' }, Math.fround(hiresInputScale / outQ.scale), 0);
  const reluish = requantMultiplier({ ctx, tensor: input, what: 'reluish (input scale / 128 / (3 / 32768))' }, Math.fround(hiresInputScale / reluishScale), 31);
  return {
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    reluishMultiplierFixedpointInt16: downScaleInt32ToInt16Multiplier(reluish.multiplier),
    reluishMultiplierExponent: reluish.shift,
    outputMultiplierFixedpointInt16: downScaleInt32ToInt16Multiplier(out.multiplier),
    outputMultiplierExponent: out.shift,
  };
}

// ---- LEAKY_RELU: TFLM leaky_relu_common.cc (int8, int16) ----

function deriveLeakyRelu(ctx: DeriveContext<'LEAKY_RELU'>) {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['int8', 'int16'], 'input');
  sameDType(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  const alpha = Math.fround(ctx.op.attrs.alpha);
  if (!Number.isFinite(alpha)) throw malformed(ctx, `alpha ${ctx.op.attrs.alpha} is not finite`);
  // float32 expressions in TFLM: (input_scale * alpha) / output_scale and input_scale / output_scale.
  const alphaQ = requantMultiplier({ ctx, tensor: output, what: 'alpha (input scale x alpha / output scale)' }, Math.fround(Math.fround(inQ.scale * alpha) / outQ.scale));
  const identityQ = requantMultiplier({ ctx, tensor: output, what: 'identity (input scale / output scale)' }, Math.fround(inQ.scale / outQ.scale));
  return {
    inputOffset: inQ.zeroPoint,
    outputOffset: outQ.zeroPoint,
    outputMultiplierAlpha: alphaQ.multiplier,
    outputShiftAlpha: alphaQ.shift,
    outputMultiplierIdentity: identityQ.multiplier,
    outputShiftIdentity: identityQ.shift,
  };
}

// ---- RELU / RELU_N1_TO_1: TFLM activations_common.cc CalculateReluOpData (TFLite QuantizedReluX for N1_TO_1) ----

function deriveReluLike(ctx: DeriveContext<'RELU' | 'RELU_N1_TO_1'>, actMin: number, actMax: number) {
  const [input, output] = unary(ctx);
  const dtype = requireDType(ctx, input, ctx.op.kind === 'RELU' ? ['int8', 'int16'] : ['int8'], 'input');
  sameDType(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
    throw unsupported(ctx, 'int16 needs zero points of 0', inQ.zeroPoint !== 0 ? input : output);
  }
  const { multiplier, shift } = requantMultiplier({ ctx, tensor: output, what: 'output (input scale / output scale)' }, inQ.scale / outQ.scale); // a double division here
  const [qmin, qmax] = dtypeRange(dtype);
  const lo = Math.max(qmin, quantizeFloatConstant(ctx, output, actMin, outQ.scale, outQ.zeroPoint));
  const hi = actMax === Infinity ? qmax : Math.min(qmax, quantizeFloatConstant(ctx, output, actMax, outQ.scale, outQ.zeroPoint));
  const clamp: Clamp = [lo, hi];
  return { inputOffset: inQ.zeroPoint, outputOffset: outQ.zeroPoint, outputMultiplier: multiplier, outputShift: shift, clamp };
}

// ---- RELU6: TFLM Relu6Prepare: a clamp in the input's domain, no requantization ----

function deriveRelu6(ctx: DeriveContext<'RELU6'>) {
  const [input, output] = unary(ctx);
  const dtype = requireDType(ctx, input, ['int8', 'int16'], 'input');
  sameDType(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const [qmin, qmax] = dtypeRange(dtype);
  // FloatToQuantizedType<T>(6.0f, scale, zero_point): round(6 / scale) + zero_point, clamped to T.
  const six = Math.min(qmax, Math.max(qmin, quantizeFloatConstant(ctx, input, 6, inQ.scale, inQ.zeroPoint)));
  const clamp: Clamp = [inQ.zeroPoint, six];
  return { clamp };
}

// ---- MEAN, SUM, REDUCE_MAX: TFLM reduce_common.cc; integer MEAN and SUM through QuantizedMeanOrSum ----

const MEAN_MAX_RANK = 5; // TFLM's temp_index[kMaxNumberOfAxis]
const MEAN_MAX_REDUCED_AXES = 2; // TFLM's resolved_axis[kMaxNumberOfReducedAxis]

type ReducerKind = 'MEAN' | 'SUM' | 'REDUCE_MAX';

/**
 * The checks the three reducers share: input/output dtypes, an int32 axis tensor, sorted unique axes, the
 * output shape keep_dims gives. MEAN and SUM keep resolved axes in a 2-entry array and indices in a 5-entry
 * one; REDUCE_MAX sizes both scratch buffers from the model (no limit). Returns the elements per output.
 */
function reductionGeometry(ctx: DeriveContext<ReducerKind>, dtypes: readonly DType[], maxRank: number, maxAxes: number) {
  checkArity(ctx, 1, 1);
  const input = tensorAt(ctx, 'input', 0);
  const output = tensorAt(ctx, 'output', 0);
  checkShape(ctx, input);
  checkShape(ctx, output);
  requireDType(ctx, input, dtypes, 'input');
  sameDType(ctx, input, output);
  const axisId = ctx.op.inputs[1];
  const axisTensor = axisId !== undefined && axisId >= 0 ? ctx.tensors[axisId] : undefined;
  if (axisTensor && axisTensor.dtype !== 'int32') throw unsupported(ctx, `axis dtype ${axisTensor.dtype} (TFLM needs int32)`, axisTensor);

  const rank = input.shape.length;
  if (rank > maxRank) throw unsupported(ctx, `input rank ${rank} exceeds TFLM's ${maxRank}`, input);
  const { axes, keepDims } = ctx.op.attrs;
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= rank || (i > 0 && a <= axes[i - 1]!)) {
      throw malformed(ctx, `axes [${axes.join(',')}] are not sorted unique dims of a rank-${rank} input`, input);
    }
  }
  if (axes.length > maxAxes) {
    throw unsupported(ctx, `${axes.length} reduced axes (TFLM reduces at most ${maxAxes})`, input);
  }
  if (input.shape.some((d) => d === 0)) throw unsupported(ctx, 'empty input', input);
  // TFLM's Reduce walks the input's dims and writes output elements in order: only the output's element
  // count matters (its reduce_test gives keep_dims outputs their squeezed shape), so a shape with it is read.
  const expected = keepDims ? input.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : input.shape.filter((_, i) => !axes.includes(i));
  if (elementCount(expected) !== elementCount(output.shape)) {
    throw malformed(ctx, `output shape [${output.shape.join(',')}] should have the ${elementCount(expected)} elements of [${expected.join(',')}] for axes [${axes.join(',')}]`, output);
  }
  let count = 1;
  for (const a of axes) count *= input.shape[a]!;
  if (count > INT32_MAX) throw unsupported(ctx, `${count} elements per output`, input);
  return { input, output, count };
}

/** MEAN folds 1/count into the multiplier (QuantizedMeanOrSum, compute_sum false); SUM keeps it (compute_sum true). */
function deriveMeanOrSum(ctx: DeriveContext<'MEAN' | 'SUM'>) {
  const { input, output, count } = reductionGeometry(ctx, ['int8', 'int16', 'float32'], MEAN_MAX_RANK, MEAN_MAX_REDUCED_AXES);
  if (input.dtype === 'float32') return null; // float MEAN/SUM: float32 arithmetic, no params
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  const real = inQ.scale / outQ.scale; // double division, as PrepareMeanOrSumHelper
  const folded = ctx.op.kind === 'MEAN' ? count : 1;
  const site = { ctx, tensor: output, what: ctx.op.kind === 'MEAN' ? `output (input scale / output scale / ${count} elements)` : 'output (input scale / output scale)' };
  const base = requantMultiplier(site, real, Infinity); // the shift that reaches the kernel is checked below
  if (folded === 1) {
    checkShift(site, real, base);
    return { inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier: base.multiplier, shift: base.shift, count };
  }
  // QuantizedMeanOrSum folds 1/count into the multiplier: shift by floor(log2(count)) (capped), then divide.
  const extra = Math.min(31 - Math.clz32(count), 32, 31 + base.shift);
  const multiplier = Number((BigInt(base.multiplier) << BigInt(extra)) / BigInt(count));
  checkShift(site, real / count, { multiplier, shift: base.shift - extra });
  return {
    inputZeroPoint: inQ.zeroPoint,
    outputZeroPoint: outQ.zeroPoint,
    multiplier,
    shift: base.shift - extra,
    count,
  };
}

/** REDUCE_MAX (TFLM PrepareMax + EvalMax): float32 or int8, whose input and output scale and zero point must be equal. */
function deriveReduceMax(ctx: DeriveContext<'REDUCE_MAX'>): null {
  const { input, output } = reductionGeometry(ctx, ['int8', 'float32'], Infinity, Infinity);
  if (input.dtype === 'float32') return null;
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (inQ.scale !== outQ.scale || inQ.zeroPoint !== outQ.zeroPoint) {
    throw unsupported(ctx, `input scale ${inQ.scale} / zero point ${inQ.zeroPoint} differ from the output's ${outQ.scale} / ${outQ.zeroPoint} (TFLM's int8 max needs them equal)`, output);
  }
  return null;
}

// ---- L2_NORMALIZATION: TFLM l2norm.cc Prepare ----

const L2NORM_MAX_RANK = 4; // TF_LITE_ENSURE(NumDimensions(input) <= 4)

/**
 * float32 or int8, input and output of one type and shape, rank <= 4. TFLM keeps only the input zero
 * point: its int8 kernel writes 1/128 steps around 0 and never reads the output's quantization.
 */
function deriveL2Norm(ctx: DeriveContext<'L2_NORMALIZATION'>) {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['int8', 'float32'], 'input');
  sameDType(ctx, input, output);
  if (input.shape.length > L2NORM_MAX_RANK) throw unsupported(ctx, `input rank ${input.shape.length} exceeds TFLM's ${L2NORM_MAX_RANK}`, input);
  if (input.dtype === 'float32') return null;
  return { inputZeroPoint: perTensor(ctx, input).zeroPoint };
}

// ---- QUANTIZE: TFLM quantize_common.cc PrepareQuantizeReference ----

/** (input, output) dtype pairs TFLM requantizes between. */
const REQUANTIZE_PAIRS: ReadonlyArray<readonly [IntDType, IntDType]> = [
  ['int16', 'int8'],
  ['int8', 'int8'],
  ['int8', 'uint8'],
  ['uint8', 'int8'],
  ['int8', 'int16'],
  ['int8', 'int32'],
  ['int16', 'int16'],
  ['int16', 'int32'],
  ['int32', 'int8'],
  ['int32', 'int16'],
];

function deriveQuantize(ctx: DeriveContext<'QUANTIZE'>) {
  const [input, output] = unary(ctx);
  const outType = requireDType(ctx, output, ['int8', 'uint8', 'int16', 'int32'], 'output');
  const outQ = perTensor(ctx, output);
  const [qmin, qmax] = dtypeRange(outType);
  if (input.dtype === 'float32') {
    if (outType !== 'int8' && outType !== 'int16') throw unsupported(ctx, `float32 to ${outType} (TFLM quantizes float32 to int8 or int16)`, output);
    return { mode: 'fromFloat' as const, scale: outQ.scale, zeroPoint: outQ.zeroPoint, qmin, qmax };
  }
  const inType = requireDType(ctx, input, ['int8', 'uint8', 'int16', 'int32'], 'input');
  if (!REQUANTIZE_PAIRS.some(([a, b]) => a === inType && b === outType)) {
    throw unsupported(ctx, `requantizing ${inType} to ${outType} is not supported by TFLM`, output);
  }
  const inQ = perTensor(ctx, input);
  const { multiplier, shift } = requantMultiplier({ ctx, tensor: output, what: 'requantization (input scale / output scale)' }, inQ.scale / outQ.scale);
  return { mode: 'requantize' as const, inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, multiplier, shift, qmin, qmax };
}

// ---- DEQUANTIZE: TFLM dequantize_common.cc (int8, int16; uint8 by the same formula) ----

function deriveDequantize(ctx: DeriveContext<'DEQUANTIZE'>) {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['int8', 'uint8', 'int16'], 'input');
  requireDType(ctx, output, ['float32'], 'output');
  const inQ = perTensor(ctx, input);
  return { scale: inQ.scale, zeroPoint: inQ.zeroPoint };
}

// ---- ABS / RSQRT: TFLM elementwise.cc PrepareAbsRsqrt (ABS int8 and int16, RSQRT int8) ----

/** RSQRT's kernel applies its multiplier with shift - 20 (TFLM's kShift): 20 more bits of left shift stay defined. */
const RSQRT_KSHIFT = 20;

function deriveAbsRsqrt(ctx: DeriveContext<'ABS' | 'RSQRT'>) {
  const [input, output] = unary(ctx);
  const dtype = requireDType(ctx, input, ctx.op.kind === 'ABS' ? ['int8', 'int16'] : ['int8'], 'input');
  sameDType(ctx, input, output);
  // TFLM takes the unquantized path by the input's quantization alone (the output's is not read)
  if (ctx.op.kind === 'ABS' && dtype === 'int16' && input.quant === null) {
    return { inputOffset: 0, outputOffset: 0, multiplier: 0, shift: 0, rescale: false, unquantized: true };
  }
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  if (dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
    throw unsupported(ctx, `int16 needs zero points of 0 (has ${inQ.zeroPoint} and ${outQ.zeroPoint})`, inQ.zeroPoint !== 0 ? input : output);
  }
  const rescale = inQ.scale !== outQ.scale;
  const site = { ctx, tensor: output, what: ctx.op.kind === 'ABS' ? 'output (input scale / output scale)' : 'output (1 / (sqrt(input scale) x output scale))' };
  // Both in double, as TFLM's SetAbsOutputMultiplier / SetRsqrtOutputMultiplier.
  const q =
    ctx.op.kind === 'RSQRT'
      ? requantMultiplier(site, 1 / (Math.sqrt(inQ.scale) * outQ.scale), MAX_LEFT_SHIFT + RSQRT_KSHIFT)
      : rescale
        ? requantMultiplier(site, inQ.scale / outQ.scale)
        : { multiplier: 0, shift: 0 };
  if (ctx.op.kind === 'RSQRT' && q.multiplier !== 0 && q.shift - RSQRT_KSHIFT < -31) {
    throw unsupported(ctx, `output multiplier ${1 / (Math.sqrt(inQ.scale) * outQ.scale)} needs a right shift of ${RSQRT_KSHIFT - q.shift} (TFLM's RoundingDivideByPOT takes at most 31)`, output);
  }
  return { inputOffset: inQ.zeroPoint, outputOffset: outQ.zeroPoint, multiplier: q.multiplier, shift: q.shift, rescale, unquantized: false };
}

// ---- ELU: TFLM elu.cc (int8 through a table built in Prepare; float32) ----

/**
 * TFLM's PopulateLookupTable<int8_t>, every step in float32: dequantize each int8 value, apply `transform`,
 * times 1/output scale, round half away, plus the output zero point, to int32 (saturating as Cortex-M's
 * VCVT), clamped to int8. Indexed by the input's byte (uint8 of the value).
 */
function int8LookupTable(inScale: number, inZeroPoint: number, outScale: number, outZeroPoint: number, transform: (x: number) => number): Int8Array {
  const f = Math.fround;
  const inverseScale = f(1 / f(outScale));
  const table = new Int8Array(256);
  for (let v = -128; v <= 127; v++) {
    const dequantized = f(f(inScale) * (v - inZeroPoint));
    const rescaled = roundHalfAway(f(transform(dequantized) * inverseScale));
    const quantized = floatToInt32(f(rescaled + outZeroPoint));
    table[v & 0xff] = Math.max(-128, Math.min(127, quantized));
  }
  return table;
}

/** ELU in float32 as TFLM's lambda: std::exp(float) - 1.0f below zero (expf modelled as exp rounded to float32). */
function eluFloat32(x: number): number {
  return x < 0 ? Math.fround(Math.fround(Math.exp(x)) - 1) : x;
}

function deriveElu(ctx: DeriveContext<'ELU'>) {
  const [input, output] = unary(ctx);
  // int16 passes TFLM's Prepare and fails its Eval ("ELU only supports float32 and int8"): refused here.
  requireDType(ctx, input, ['int8'], 'input');
  sameDType(ctx, input, output);
  const inQ = perTensor(ctx, input);
  const outQ = perTensor(ctx, output);
  return { table: int8LookupTable(inQ.scale, inQ.zeroPoint, outQ.scale, outQ.zeroPoint, eluFloat32) };
}

/** EXP / NEG: TFLM's exp.cc Prepare and neg.cc Eval take float32 only (the float path below); any integer one is refused naming its dtype. */
function deriveFloatOnly(ctx: DeriveContext<'EXP' | 'NEG'>): null {
  const [input, output] = unary(ctx);
  requireDType(ctx, input, ['float32'], 'input');
  sameDType(ctx, input, output);
  return null;
}

// ---- float32 elementwise ops: float32 in and out, one shape; they have attrs only ----

function deriveFloatUnary(ctx: Ctx): null {
  const [input, output] = unary(ctx);
  requireDType(ctx, output, ['float32'], 'output');
  if ((ctx.op.kind === 'SOFTMAX' || ctx.op.kind === 'LOG_SOFTMAX') && input.shape.length < 1) throw malformed(ctx, 'input must have at least one dim', input);
  return null;
}

/** The int8 deriver, or the float32 checks when the op computes in float32. */
function orFloat<K extends NonlinearKind>(derive: ParamDeriver<K>): ParamDeriver<K> {
  return (ctx) => (isFloatOp(ctx.op, ctx.tensors) ? deriveFloatUnary(ctx) : derive(ctx));
}

export const nonlinearDerivers: ParamDerivers<NonlinearKind> = {
  SOFTMAX: orFloat(deriveSoftmax),
  LOGISTIC: orFloat<'LOGISTIC'>(deriveSigmoidTanh),
  TANH: orFloat<'TANH'>(deriveSigmoidTanh),
  HARD_SWISH: orFloat(deriveHardSwish),
  LEAKY_RELU: orFloat(deriveLeakyRelu),
  RELU: orFloat((ctx) => deriveReluLike(ctx, 0, Infinity)),
  RELU_N1_TO_1: orFloat((ctx) => deriveReluLike(ctx, -1, 1)),
  RELU6: orFloat(deriveRelu6),
  MEAN: deriveMeanOrSum,
  QUANTIZE: deriveQuantize,
  DEQUANTIZE: deriveDequantize,
  ABS: orFloat<'ABS'>(deriveAbsRsqrt),
  RSQRT: orFloat<'RSQRT'>(deriveAbsRsqrt),
  ELU: orFloat(deriveElu),
  EXP: orFloat<'EXP'>(deriveFloatOnly),
  NEG: orFloat<'NEG'>(deriveFloatOnly),
  LOG_SOFTMAX: orFloat(deriveLogSoftmax),
  SUM: deriveMeanOrSum,
  REDUCE_MAX: deriveReduceMax,
  L2_NORMALIZATION: deriveL2Norm,
};
