// Quantization parameters (TFLite Micro's Prepare) for the linear and layout ops, plus the checks that
// make the reference kernels safe: every shape, dtype and quantization fact a kernel relies on is
// validated here, once, so a mutated model file fails with an error instead of indexing out of bounds.
//
// Float32 vs double, as TFLM computes them (scales are float32 values; JS numbers are doubles):
// - CONV_2D / DEPTHWISE_CONV_2D (PopulateConvolutionQuantizationParams) and per-channel FULLY_CONNECTED:
//   double(input_scale) * double(filter_scale) / double(output_scale).
// - per-tensor FULLY_CONNECTED (GetQuantizedConvolutionMultipler): the product input_scale * filter_scale
//   is a float32 product, then divided in double by output_scale.
// - ADD (add_common.cc): twice_max = 2 * double(max scale); the three real multipliers are doubles.
// - SUB (sub_common.cc): twice_max, the two input ratios and twice_max / ((1 << 20) * output_scale) are
//   all float32 arithmetic, widened to double only for QuantizeMultiplier (int8 and int16 alike in TFLM).
//   int16 SUB here is all double, as ADD: the seanet sub goldens in ../shared/golden-int16 are TfLite's
//   outputs (double), which TFLM's integration test accepts within 1 (EXPECT_NEAR); sub1/sub3 need double.
// - MUL: double(s1) * double(s2) / double(s_out).
import type { DType, Tensor } from '../graph.js';
import type {
  AddSubParams,
  Clamp,
  ConcatenationParams,
  ConvParams,
  MulParams,
  SvdfParams,
  LstmGateParams,
  LstmMulParams,
  LstmParams,
  OpKind,
  PadParams,
  Padding,
  PreluParams,
  BatchMatMulParams,
} from '../ops.js';
import { requantMultiplier } from './multiplier.js';
import { checkedLog2, dtypeRange } from '../quant.js';
import { dtypeBytes, elementCount, outSizeWithPads } from '../shapes.js';
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import type { DeriveContext, ParamDerivers } from './types.js';
import { FLOAT32_MAX, isFloatOp } from '../float.js';
import { checkPackedIndices, lutLayoutOf } from '../lut.js';
import { batchMatMulGeometry } from '../batch-matmul.js';
import { bilinearScale10, bilinearSource } from '../resize-bilinear.js';

export type LinearKind =
  | 'CONV_2D'
  | 'DEPTHWISE_CONV_2D'
  | 'FULLY_CONNECTED'
  | 'AVERAGE_POOL_2D'
  | 'MAX_POOL_2D'
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'CONCATENATION'
  | 'PAD'
  | 'PADV2'
  | 'TRANSPOSE'
  | 'RESHAPE'
  | 'SQUEEZE'
  | 'STRIDED_SLICE'
  | 'RESIZE_NEAREST_NEIGHBOR'
  | 'MAXIMUM'
  | 'MINIMUM'
  | 'TRANSPOSE_CONV'
  | 'DECODE'
  | 'SVDF'
  | 'SQUARED_DIFFERENCE'
  | 'UNIDIRECTIONAL_SEQUENCE_LSTM'
  | 'DEPTH_TO_SPACE'
  | 'SPACE_TO_DEPTH'
  | 'EXPAND_DIMS'
  | 'PACK'
  | 'SPLIT'
  | 'SPLIT_V'
  | 'UNPACK'
  | 'BROADCAST_TO'
  | 'ZEROS_LIKE'
  | 'SHAPE'
  | 'GATHER'
  | 'CAST'
  | 'PRELU'
  | 'DIV'
  | 'BATCH_MATMUL'
  | 'RESIZE_BILINEAR';

type Ctx = DeriveContext<OpKind>;

/** Dtypes the element-moving ops accept (those the reference executor has typed views for). */
export const COPYABLE_DTYPES: readonly DType[] = ['int8', 'uint8', 'int16', 'int32', 'float32', 'int64', 'bool'];

// ---------------------------------------------------------------------------------------------
// Error helpers: every message names the op kind, the node index and (when relevant) the tensor.

function where(ctx: Ctx, t?: Tensor): string {
  const head = `${ctx.op.kind} (node ${ctx.index})`;
  return t ? `${head}, tensor '${t.name}' (#${t.id})` : head;
}

function details(ctx: Ctx, t?: Tensor): Record<string, unknown> {
  return t ? { op: ctx.op.kind, node: ctx.index, tensor: t.name, tensorId: t.id } : { op: ctx.op.kind, node: ctx.index };
}

function formatError(ctx: Ctx, message: string, t?: Tensor): ModelFormatError {
  return new ModelFormatError(`${where(ctx, t)}: ${message}`, details(ctx, t));
}

function unsupported(ctx: Ctx, message: string, t?: Tensor): UnsupportedError {
  return new UnsupportedError(`${where(ctx, t)}: ${message}`, details(ctx, t));
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

// ---------------------------------------------------------------------------------------------
// Tensor access and checks.

function tensorById(ctx: Ctx, id: number, role: string): Tensor {
  const t = Number.isInteger(id) && id >= 0 ? ctx.tensors[id] : undefined;
  if (!t) throw formatError(ctx, `${role} refers to tensor ${id}, which does not exist`);
  checkShape(ctx, t);
  return t;
}

function input(ctx: Ctx, pos: number, role = `input ${pos}`): Tensor {
  if (pos >= ctx.op.inputs.length || ctx.op.inputs[pos] === -1) throw formatError(ctx, `missing ${role}`);
  return tensorById(ctx, ctx.op.inputs[pos]!, role);
}

function optionalInput(ctx: Ctx, pos: number, role: string): Tensor | null {
  if (pos >= ctx.op.inputs.length || ctx.op.inputs[pos] === -1) return null;
  return tensorById(ctx, ctx.op.inputs[pos]!, role);
}

function output(ctx: Ctx): Tensor {
  if (ctx.op.outputs.length !== 1) throw formatError(ctx, `expected 1 output, found ${ctx.op.outputs.length}`);
  return tensorById(ctx, ctx.op.outputs[0]!, 'output');
}

function checkInputCount(ctx: Ctx, min: number, max: number): void {
  const n = ctx.op.inputs.length;
  if (n < min || n > max) throw formatError(ctx, `expected ${min === max ? min : `${min} to ${max}`} inputs, found ${n}`);
}

function checkShape(ctx: Ctx, t: Tensor): void {
  for (const d of t.shape) {
    if (!Number.isInteger(d) || d < 0) throw formatError(ctx, `invalid shape ${fmt(t.shape)}`, t);
  }
  if (t.data !== null) {
    const bytes = dtypeBytes(t.dtype);
    if (bytes !== undefined && t.data.byteLength !== elementCount(t.shape) * bytes) {
      throw formatError(ctx, `constant data is ${t.data.byteLength} bytes, shape ${fmt(t.shape)} ${t.dtype} needs ${elementCount(t.shape) * bytes}`, t);
    }
  }
}

function requireDtype(ctx: Ctx, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw unsupported(ctx, `dtype ${t.dtype} is not supported (expected ${allowed.join(' or ')})`, t);
  }
}

function requireSameDtype(ctx: Ctx, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw formatError(ctx, `dtype ${b.dtype} differs from '${a.name}' (${a.dtype})`, b);
}

function requireRank(ctx: Ctx, t: Tensor, rank: number): void {
  if (t.shape.length !== rank) throw unsupported(ctx, `expected a ${rank}-D tensor, found shape ${fmt(t.shape)}`, t);
}

function requireConstant(ctx: Ctx, t: Tensor, role: string): Uint8Array {
  if (t.data === null) throw unsupported(ctx, `${role} must be a constant tensor`, t);
  return t.data;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function requireShape(ctx: Ctx, t: Tensor, expected: readonly number[]): void {
  if (!sameShape(t.shape, expected)) throw formatError(ctx, `shape ${fmt(t.shape)} differs from the expected ${fmt(expected)}`, t);
}

function checkScale(ctx: Ctx, t: Tensor, scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw formatError(ctx, `quantization scale ${scale} is not a positive finite number`, t);
  return Math.fround(scale);
}

/** Per-tensor quantization of an activation: scale and zero point (TFLM reads params.scale / zero_point). */
function perTensorQuant(ctx: Ctx, t: Tensor): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (!q || q.scales.length === 0 || q.zeroPoints.length === 0) throw unsupported(ctx, 'quantization parameters are required', t);
  if (q.scales.length !== 1) throw unsupported(ctx, `per-channel quantization (${q.scales.length} scales) is not supported on an activation`, t);
  const zeroPoint = q.zeroPoints[0]!;
  const dtype = t.dtype === 'int16' ? 'int16' : 'int8';
  const [lo, hi] = dtypeRange(dtype);
  if (!Number.isInteger(zeroPoint) || zeroPoint < lo || zeroPoint > hi) {
    throw formatError(ctx, `zero point ${zeroPoint} is outside the ${dtype} range`, t);
  }
  return { scale: checkScale(ctx, t, q.scales[0]!), zeroPoint };
}

/** The ops with TFLM's 16x8 kernels here: int16 activations, int8 weights (int64 bias for the convolutions). */
const INT16_KINDS: ReadonlySet<OpKind> = new Set<OpKind>(['CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'SUB', 'SQUARED_DIFFERENCE', 'PRELU', 'DEPTHWISE_CONV_2D', 'MUL']);

/** The element dtype of an op's data tensors: float32 for a float op, int16 on the 16x8 path, else int8. */
function elementDtype(ctx: Ctx): 'float32' | 'int8' | 'int16' {
  if (isFloatOp(ctx.op, ctx.tensors)) return 'float32';
  // TRANSPOSE_CONV's data input is input 2 (input 0 is the output shape).
  const id = ctx.op.inputs[ctx.op.kind === 'TRANSPOSE_CONV' ? 2 : 0];
  const data = id !== undefined && id >= 0 ? ctx.tensors[id] : undefined;
  return data?.dtype === 'int16' && INT16_KINDS.has(ctx.op.kind) ? 'int16' : 'int8';
}

function checkClamp(ctx: Ctx, clamp: Clamp): void {
  const [lo, hi] = clamp;
  const dtype = elementDtype(ctx);
  if (dtype === 'float32') {
    if (!(lo <= hi)) throw formatError(ctx, `activation clamp [${lo}, ${hi}] is not a valid float range`);
    return;
  }
  const [min, max] = dtypeRange(dtype);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || lo < min || hi > max) {
    throw formatError(ctx, `activation clamp [${lo}, ${hi}] is not a valid ${dtype} range`);
  }
}

function checkPositive(ctx: Ctx, what: string, values: readonly number[]): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1) throw formatError(ctx, `${what} must be positive integers, found ${values.join(',')}`);
  }
}

function checkPadding(ctx: Ctx, pad: Padding): void {
  for (const v of [pad.top, pad.bottom, pad.left, pad.right]) {
    if (!Number.isInteger(v) || v < 0) throw formatError(ctx, `padding must be non-negative integers, found ${JSON.stringify(pad)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Convolutions.

interface WeightsInfo {
  /** Filter scales as float32 values, one per output channel or a single one. */
  scales: number[];
}

/** Filter: int8, symmetric, per-tensor or per-channel along `axis` with `channels` entries. */
function filterQuant(ctx: Ctx, filter: Tensor, axis: number, channels: number): WeightsInfo {
  requireDtype(ctx, filter, ['int8']);
  // A constant, or an arena tensor another op fills first (DECODE of LUT-compressed weights: src/ir/lut.ts).
  if (filter.data === null && filter.isVariable) throw unsupported(ctx, 'the filter must be a constant or computed tensor, not a variable', filter);
  const q = filter.quant;
  if (!q || q.scales.length === 0) throw unsupported(ctx, 'the filter needs quantization parameters', filter);
  if (q.scales.length !== 1 && q.scales.length !== channels) {
    throw formatError(ctx, `filter has ${q.scales.length} scales, expected 1 or ${channels} (one per output channel)`, filter);
  }
  // TFLM's PopulateConvolutionQuantizationParams: the quantized dimension need only have `channels` entries.
  if (q.scales.length > 1 && filter.shape[q.axis] !== channels) {
    throw formatError(ctx, `per-channel filter quantized along dimension ${q.axis} of shape [${filter.shape}], which does not have ${channels} entries (expected dimension ${axis})`, filter);
  }
  if (q.zeroPoints.length !== 1 && q.zeroPoints.length !== q.scales.length) {
    throw formatError(ctx, `filter has ${q.zeroPoints.length} zero points for ${q.scales.length} scales`, filter);
  }
  // TFLM's int8 kernels ignore (conv, depthwise) or assume (fully connected) a zero filter zero point.
  if (q.zeroPoints.some((z) => z !== 0)) throw unsupported(ctx, 'filter zero points must be 0 (symmetric int8 weights)', filter);
  return { scales: q.scales.map((s) => checkScale(ctx, filter, s)) };
}

/** A float op's weights: float32 constants (TFLite's hybrid int8-weight kernels are not supported). */
function floatWeights(ctx: Ctx, filter: Tensor, role: string): void {
  if (filter.dtype !== 'float32') {
    throw unsupported(ctx, `${role} is ${filter.dtype} on a float32 op (a hybrid, dynamic-range quantized layer); only float32 ${role}s are supported`, filter);
  }
  requireConstant(ctx, filter, `the ${role}`);
}

function checkBias(ctx: Ctx, bias: Tensor | null, channels: number): void {
  if (!bias) return;
  // TFLM's 16x8 convolutions read an int64 bias (and accumulate in 64 bits); its TRANSPOSE_CONV widens an int16 one.
  const dtype = elementDtype(ctx);
  const wide: DType[] = ctx.op.kind === 'TRANSPOSE_CONV' ? ['int64', 'int16'] : ['int64'];
  requireDtype(ctx, bias, dtype === 'float32' ? ['float32'] : dtype === 'int16' ? wide : ['int32']);
  requireConstant(ctx, bias, 'the bias');
  if (elementCount(bias.shape) !== channels) {
    throw formatError(ctx, `bias has ${elementCount(bias.shape)} elements, expected ${channels} (output channels)`, bias);
  }
}

/** PopulateConvolutionQuantizationParams: one multiplier per filter scale, computed in double. */
function convMultipliers(ctx: Ctx, outT: Tensor, inputScale: number, filterScales: readonly number[], outputScale: number, maxShift?: number): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(filterScales.length);
  const shift = new Int32Array(filterScales.length);
  filterScales.forEach((filterScale, i) => {
    const what = filterScales.length > 1 ? `channel ${i} output` : 'output';
    const q = requantMultiplier({ ctx, tensor: outT, what }, (inputScale * filterScale) / outputScale, maxShift);
    multiplier[i] = q.multiplier;
    shift[i] = q.shift;
  });
  return { multiplier, shift };
}

/** A float conv/fully-connected: float32 weights and bias checked; a float op has no params. */
function floatWithBias(ctx: Ctx, filter: Tensor, role: string, bias: Tensor | null, channels: number): null {
  floatWeights(ctx, filter, role);
  checkBias(ctx, bias, channels);
  return null;
}

interface ConvLike {
  stride: [number, number];
  dilation: [number, number];
  pad: Padding;
  clamp: Clamp;
}

/** Shared NHWC checks for CONV_2D / DEPTHWISE_CONV_2D: attrs, and the output shape they imply. */
function checkConvGeometry(ctx: Ctx, attrs: ConvLike, inT: Tensor, filter: Tensor, outT: Tensor, outChannels: number): void {
  checkPositive(ctx, 'strides', attrs.stride);
  checkPositive(ctx, 'dilations', attrs.dilation);
  checkPadding(ctx, attrs.pad);
  checkClamp(ctx, attrs.clamp);
  const [n, h, w] = inT.shape as [number, number, number, number];
  const [, kh, kw] = filter.shape as [number, number, number, number];
  if (kh < 1 || kw < 1) throw formatError(ctx, `empty filter ${fmt(filter.shape)}`, filter);
  const oh = outSizeWithPads(h, kh, attrs.stride[0], attrs.dilation[0], attrs.pad.top, attrs.pad.bottom);
  const ow = outSizeWithPads(w, kw, attrs.stride[1], attrs.dilation[1], attrs.pad.left, attrs.pad.right);
  if (oh < 1 || ow < 1) throw formatError(ctx, `filter ${fmt(filter.shape)} does not fit the padded input ${fmt(inT.shape)}`, inT);
  requireShape(ctx, outT, [n, oh, ow, outChannels]);
}

function deriveConv2D(ctx: DeriveContext<'CONV_2D'>): ConvParams | null {
  checkInputCount(ctx, 2, 3);
  const inT = input(ctx, 0, 'the input');
  const filter = input(ctx, 1, 'the filter');
  const bias = optionalInput(ctx, 2, 'the bias');
  const outT = output(ctx);
  requireDtype(ctx, inT, [elementDtype(ctx)]);
  requireDtype(ctx, outT, [elementDtype(ctx)]);
  requireRank(ctx, inT, 4);
  requireRank(ctx, filter, 4);
  const outChannels = filter.shape[0]!;
  const inChannels = inT.shape[3]!;
  const filterChannels = filter.shape[3]!;
  // TFLM supports grouped convolution: input channels = groups * filter input channels.
  if (filterChannels < 1 || inChannels % filterChannels !== 0) {
    throw formatError(ctx, `filter input depth ${filterChannels} does not divide the input depth ${inChannels}`, filter);
  }
  const groups = inChannels / filterChannels;
  if (outChannels % groups !== 0) {
    throw formatError(ctx, `${outChannels} output channels cannot be split into ${groups} groups`, filter);
  }
  checkConvGeometry(ctx, ctx.op.attrs, inT, filter, outT, outChannels);
  if (elementDtype(ctx) === 'float32') return floatWithBias(ctx, filter, 'filter', bias, outChannels);
  const { scales } = filterQuant(ctx, filter, 0, outChannels);
  checkBias(ctx, bias, outChannels);
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  if (elementDtype(ctx) !== 'int16') return { inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale) };
  requireZeroPoints16(ctx, [[inT, inQ.zeroPoint], [outT, outQ.zeroPoint]]);
  return { inputOffset: 0, outputOffset: 0, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale, MAX_SHIFT_64) };
}

/** The 64-bit MultiplyByQuantizedMultiplier of the 16x8 kernels takes shifts below 8 (TFLM asserts it). */
const MAX_SHIFT_64 = 7;

/** TFLM's 16x8 convolutions take symmetric int16 activations: the kernels add no input or output offset. */
function requireZeroPoints16(ctx: Ctx, tensors: Array<[Tensor, number]>): void {
  for (const [t, zeroPoint] of tensors) {
    if (zeroPoint !== 0) throw unsupported(ctx, `int16 zero point ${zeroPoint} is not supported (TFLM's 16x8 kernels need 0)`, t);
  }
}

/**
 * TFLM transpose_conv.cc Prepare: the output shape input (0) is ignored (the output tensor's shape rules),
 * per-channel multipliers as for CONV_2D; int8 with offsets, 16x8 with zero points of 0 and an int64 bias.
 */
function deriveTransposeConv(ctx: DeriveContext<'TRANSPOSE_CONV'>): ConvParams {
  checkInputCount(ctx, 3, 4);
  requireDtype(ctx, input(ctx, 0, 'the output shape'), ['int32']);
  const filter = input(ctx, 1, 'the filter');
  const inT = input(ctx, 2, 'the input');
  const bias = optionalInput(ctx, 3, 'the bias');
  const outT = output(ctx);
  const dtype = elementDtype(ctx);
  requireDtype(ctx, inT, [dtype]);
  requireDtype(ctx, outT, [dtype]);
  requireRank(ctx, inT, 4);
  requireRank(ctx, filter, 4);
  requireRank(ctx, outT, 4);
  const [outChannels, kh, kw, filterDepth] = filter.shape as [number, number, number, number];
  if (kh < 1 || kw < 1) throw formatError(ctx, `empty filter ${fmt(filter.shape)}`, filter);
  if (filterDepth !== inT.shape[3]) throw formatError(ctx, `filter depth ${filterDepth} differs from the input depth ${inT.shape[3]}`, filter);
  if (outT.shape[3] !== outChannels || outT.shape[0] !== inT.shape[0]) {
    throw formatError(ctx, `output ${fmt(outT.shape)} does not have the input's ${inT.shape[0]} batches and the filter's ${outChannels} channels`, outT);
  }
  const { stride, pad, clamp } = ctx.op.attrs;
  checkPositive(ctx, 'strides', stride);
  for (const v of [pad.top, pad.left]) {
    if (!Number.isInteger(v) || v < 0) throw formatError(ctx, `padding must be non-negative integers, found ${JSON.stringify(pad)}`);
  }
  checkClamp(ctx, clamp);
  const { scales } = filterQuant(ctx, filter, 0, outChannels);
  checkBias(ctx, bias, outChannels);
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  if (dtype !== 'int16') return { inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale) };
  requireZeroPoints16(ctx, [[inT, inQ.zeroPoint], [outT, outQ.zeroPoint]]);
  return { inputOffset: 0, outputOffset: 0, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale, MAX_SHIFT_64) };
}

function deriveDepthwiseConv2D(ctx: DeriveContext<'DEPTHWISE_CONV_2D'>): ConvParams | null {
  checkInputCount(ctx, 2, 3);
  const inT = input(ctx, 0, 'the input');
  const filter = input(ctx, 1, 'the filter');
  const bias = optionalInput(ctx, 2, 'the bias');
  const outT = output(ctx);
  requireDtype(ctx, inT, [elementDtype(ctx)]);
  requireDtype(ctx, outT, [elementDtype(ctx)]);
  requireRank(ctx, inT, 4);
  requireRank(ctx, filter, 4);
  const m = ctx.op.attrs.depthMultiplier;
  if (!Number.isInteger(m) || m < 1) throw formatError(ctx, `depth multiplier ${m} must be a positive integer`);
  if (filter.shape[0] !== 1) throw formatError(ctx, `depthwise filter ${fmt(filter.shape)} must have 1 as its first dim`, filter);
  const outChannels = filter.shape[3]!;
  if (outChannels !== inT.shape[3]! * m) {
    throw formatError(ctx, `filter has ${outChannels} channels, expected input depth ${inT.shape[3]} x depth multiplier ${m}`, filter);
  }
  checkConvGeometry(ctx, ctx.op.attrs, inT, filter, outT, outChannels);
  if (elementDtype(ctx) === 'float32') return floatWithBias(ctx, filter, 'filter', bias, outChannels);
  // Depthwise filters are quantized along dimension 3 (their output channel).
  const { scales } = filterQuant(ctx, filter, 3, outChannels);
  checkBias(ctx, bias, outChannels);
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  if (elementDtype(ctx) !== 'int16') return { inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale) };
  // 16x8 (TFLM's int16 DepthwiseConvPerChannel): no offsets, int64 bias, 64-bit requantization.
  requireZeroPoints16(ctx, [[inT, inQ.zeroPoint], [outT, outQ.zeroPoint]]);
  return { inputOffset: 0, outputOffset: 0, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale, MAX_SHIFT_64) };
}

function deriveFullyConnected(ctx: DeriveContext<'FULLY_CONNECTED'>): ConvParams | null {
  checkInputCount(ctx, 2, 3);
  const inT = input(ctx, 0, 'the input');
  const filter = input(ctx, 1, 'the weights');
  const bias = optionalInput(ctx, 2, 'the bias');
  const outT = output(ctx);
  requireDtype(ctx, inT, [elementDtype(ctx)]);
  requireDtype(ctx, outT, [elementDtype(ctx)]);
  checkClamp(ctx, ctx.op.attrs.clamp);
  requireRank(ctx, filter, 2);
  const [units, accumDepth] = filter.shape as [number, number];
  if (accumDepth < 1 || units < 1) throw formatError(ctx, `empty weights ${fmt(filter.shape)}`, filter);
  const inCount = elementCount(inT.shape);
  if (inCount % accumDepth !== 0) {
    throw formatError(ctx, `input of ${inCount} elements is not a whole number of rows of ${accumDepth}`, inT);
  }
  const batches = inCount / accumDepth;
  const expected = ctx.op.attrs.keepNumDims ? [...inT.shape.slice(0, -1), units] : [batches, units];
  if (ctx.op.attrs.keepNumDims && inT.shape[inT.shape.length - 1] !== accumDepth) {
    throw formatError(ctx, `with keep_num_dims the input's last dim must be ${accumDepth}`, inT);
  }
  requireShape(ctx, outT, expected);
  if (elementDtype(ctx) === 'float32') return floatWithBias(ctx, filter, 'weights', bias, units);
  const { scales } = filterQuant(ctx, filter, 0, units);
  checkBias(ctx, bias, units);
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  // 16x8 (TFLM's int16 FullyConnected): no input or output offset, a 64-bit requantization (shift below 8).
  const wide = elementDtype(ctx) === 'int16';
  if (wide) requireZeroPoints16(ctx, [[inT, inQ.zeroPoint], [outT, outQ.zeroPoint]]);
  const maxShift = wide ? MAX_SHIFT_64 : undefined;
  const base = { inputOffset: -inQ.zeroPoint, outputOffset: outQ.zeroPoint };
  if (scales.length > 1) return { ...base, ...convMultipliers(ctx, outT, inQ.scale, scales, outQ.scale, maxShift) };

  // Per-tensor: GetQuantizedConvolutionMultipler. Its bias check uses the double product...
  const filterScale = scales[0]!;
  if (bias) {
    const biasScale = bias.quant && bias.quant.scales.length > 0 ? bias.quant.scales[0]! : 0;
    if (Math.abs(inQ.scale * filterScale - biasScale) / outQ.scale > 0.02) {
      throw unsupported(ctx, `bias scale ${biasScale} is not input scale x weights scale (${inQ.scale * filterScale})`, bias);
    }
  }
  // ...while the multiplier uses the float32 product input_scale * filter_scale.
  const q = requantMultiplier({ ctx, tensor: outT, what: 'output' }, Math.fround(inQ.scale * filterScale) / outQ.scale, maxShift);
  return { ...base, multiplier: Int32Array.of(q.multiplier), shift: Int32Array.of(q.shift) };
}

// ---------------------------------------------------------------------------------------------
// Pooling.

function derivePool(ctx: DeriveContext<'AVERAGE_POOL_2D' | 'MAX_POOL_2D'>): null {
  checkInputCount(ctx, 1, 1);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, [elementDtype(ctx)]);
  requireDtype(ctx, outT, [elementDtype(ctx)]);
  requireRank(ctx, inT, 4);
  const { filter, stride, pad, clamp } = ctx.op.attrs;
  checkPositive(ctx, 'filter sizes', filter);
  checkPositive(ctx, 'strides', stride);
  checkPadding(ctx, pad);
  checkClamp(ctx, clamp);
  const [n, h, w, c] = inT.shape as [number, number, number, number];
  const oh = outSizeWithPads(h, filter[0], stride[0], 1, pad.top, pad.bottom);
  const ow = outSizeWithPads(w, filter[1], stride[1], 1, pad.left, pad.right);
  if (oh < 1 || ow < 1) throw formatError(ctx, `filter ${filter.join('x')} does not fit the padded input ${fmt(inT.shape)}`, inT);
  requireShape(ctx, outT, [n, oh, ow, c]);
  if (ctx.op.kind === 'AVERAGE_POOL_2D') {
    // TFLM fails at run time when a window holds no input pixel; windows move monotonically, so
    // checking the first and the last one per spatial dim is enough.
    const emptyWindow = (size: number, f: number, s: number, before: number, out: number) =>
      before >= f || (out - 1) * s - before >= size;
    if (emptyWindow(h, filter[0], stride[0], pad.top, oh) || emptyWindow(w, filter[1], stride[1], pad.left, ow)) {
      throw formatError(ctx, 'the padding leaves a pooling window without any input pixel', inT);
    }
  }
  if (elementDtype(ctx) === 'float32') return null;
  // pooling_common.cc: input and output must share the quantization.
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  if (Math.abs(inQ.scale - outQ.scale) > 1e-6 || inQ.zeroPoint !== outQ.zeroPoint) {
    throw unsupported(ctx, `output quantization (${outQ.scale}, ${outQ.zeroPoint}) differs from the input's (${inQ.scale}, ${inQ.zeroPoint})`, outT);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Element-wise arithmetic.

function checkBroadcast(ctx: Ctx, a: Tensor, b: Tensor, outT: Tensor, maxBroadcastRank: number): void {
  const rank = Math.max(a.shape.length, b.shape.length);
  const expected: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.shape.length ? 1 : a.shape[i - (rank - a.shape.length)]!;
    const db = i < rank - b.shape.length ? 1 : b.shape[i - (rank - b.shape.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw formatError(ctx, `shapes ${fmt(a.shape)} and ${fmt(b.shape)} are not broadcastable`, b);
    }
    expected.push(da === 1 ? db : da);
  }
  requireShape(ctx, outT, expected);
  if (!sameShape(a.shape, b.shape) && rank > maxBroadcastRank) {
    throw unsupported(ctx, `broadcasting is supported up to ${maxBroadcastRank}-D, shapes are ${fmt(a.shape)} and ${fmt(b.shape)}`, b);
  }
}

function binaryOperands(ctx: DeriveContext<'ADD' | 'SUB' | 'MUL' | 'DIV'>, maxBroadcastRank: number) {
  checkInputCount(ctx, 2, 2);
  const a = input(ctx, 0, 'input 1');
  const b = input(ctx, 1, 'input 2');
  const outT = output(ctx);
  const elem = elementDtype(ctx);
  requireDtype(ctx, a, [elem]);
  requireDtype(ctx, b, [elem]);
  requireDtype(ctx, outT, [elem]);
  checkClamp(ctx, ctx.op.attrs.clamp);
  checkBroadcast(ctx, a, b, outT, maxBroadcastRank);
  if (elem === 'float32') return null;
  return { a: perTensorQuant(ctx, a), b: perTensorQuant(ctx, b), out: perTensorQuant(ctx, outT), outT };
}

/** QuantizeMultiplierSmallerThanOneExp: TFLM checks 0 < m < 1 and then a shift <= 0 (m close enough to 1 rounds up to 2^0). */
function smallerThanOne(ctx: Ctx, real: number, what: string, t: Tensor): { multiplier: number; shift: number } {
  if (!(real > 0 && real < 1)) throw unsupported(ctx, `${what} multiplier ${real} is not in (0, 1)`, t);
  return requantMultiplier({ ctx, tensor: t, what }, real, 0);
}

type Multiplier = { multiplier: number; shift: number };

/** TFLM's ArithmeticParams for ADD / SUB / SQUARED_DIFFERENCE: the offsets from the zero points and the three multipliers. */
function arithmeticParams(leftShift: number, a: { zeroPoint: number }, b: { zeroPoint: number }, out: { zeroPoint: number }, m1: Multiplier, m2: Multiplier, mo: Multiplier): AddSubParams {
  return {
    leftShift,
    input1Offset: -a.zeroPoint,
    input2Offset: -b.zeroPoint,
    outputOffset: out.zeroPoint,
    input1Multiplier: m1.multiplier,
    input1Shift: m1.shift,
    input2Multiplier: m2.multiplier,
    input2Shift: m2.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
  };
}

function deriveAddSub(ctx: DeriveContext<'ADD' | 'SUB'>): AddSubParams | null {
  const operands = binaryOperands(ctx, 6);
  if (!operands) return null;
  const { a, b, out, outT } = operands;
  // add_common.cc / sub_common.cc: 20 bits of headroom for int8, 15 for int16 ((65535 << 15) fits int32).
  const leftShift = outT.dtype === 'int16' ? 15 : 20;
  let real1: number, real2: number, realOut: number;
  if (ctx.op.kind === 'ADD' || outT.dtype === 'int16') {
    const twiceMax = 2 * Math.max(a.scale, b.scale); // double
    real1 = a.scale / twiceMax;
    real2 = b.scale / twiceMax;
    realOut = twiceMax / ((1 << leftShift) * out.scale);
  } else {
    const f = Math.fround;
    const twiceMax = f(2 * Math.max(a.scale, b.scale)); // float
    real1 = f(a.scale / twiceMax);
    real2 = f(b.scale / twiceMax);
    realOut = f(twiceMax / f((1 << leftShift) * out.scale));
  }
  const m1 = smallerThanOne(ctx, real1, 'input 1', outT);
  const m2 = smallerThanOne(ctx, real2, 'input 2', outT);
  const mo = smallerThanOne(ctx, realOut, 'output', outT);
  return arithmeticParams(leftShift, a, b, out, m1, m2, mo);
}

function deriveMul(ctx: DeriveContext<'MUL'>): MulParams | null {
  // TFLM int8 MUL broadcasts through BroadcastMul4DSlow: at most 4-D.
  const operands = binaryOperands(ctx, 4);
  if (!operands) return null;
  const { a, b, out, outT } = operands;
  // mul_common.cc: int16 MUL takes zero points of 0 (the int8 formula otherwise, 32-bit requantization).
  if (outT.dtype === 'int16') requireZeroPoints16(ctx, [[input(ctx, 0, 'input 1'), a.zeroPoint], [input(ctx, 1, 'input 2'), b.zeroPoint], [outT, out.zeroPoint]]);
  const q = requantMultiplier({ ctx, tensor: outT, what: 'output' }, (a.scale * b.scale) / out.scale);
  return {
    input1Offset: -a.zeroPoint,
    input2Offset: -b.zeroPoint,
    outputOffset: out.zeroPoint,
    outputMultiplier: q.multiplier,
    outputShift: q.shift,
  };
}

/**
 * The largest output shift DIV's kernel can take: its total shift (output shift - reciprocal shift -
 * the int8 dividend's headroom, at least 23) must stay a right shift, as TFLM's RoundingDivideByPOT needs.
 */
export const DIV_MAX_OUTPUT_SHIFT = 23;

/**
 * DIV (TFLM div.cc CalculateOpDataDiv): float32, unquantized int32, or int8 in and out (int16 refused by name);
 * input 1 scale / (input 2 scale x output scale) in float32, then QuantizeMultiplier; broadcasting up to
 * 5-D (BroadcastDivSlow).
 */
function deriveDiv(ctx: DeriveContext<'DIV'>): MulParams | null {
  if (input(ctx, 0, 'input 1').dtype === 'int32') return deriveDivInt32(ctx);
  const operands = binaryOperands(ctx, 5);
  if (!operands) return null;
  const { a, b, out, outT } = operands;
  const real = Math.fround(Math.fround(a.scale) / Math.fround(Math.fround(b.scale) * Math.fround(out.scale)));
  const q = requantMultiplier({ ctx, tensor: outT, what: 'output (input 1 scale / (input 2 scale x output scale))' }, real, DIV_MAX_OUTPUT_SHIFT);
  return { input1Offset: -a.zeroPoint, input2Offset: -b.zeroPoint, outputOffset: out.zeroPoint, outputMultiplier: q.multiplier, outputShift: q.shift };
}

/** TFLM's unquantized int32 DIV (DivPrepare: no quantization on either input): the s32 kernel reads no offsets or multiplier. */
function deriveDivInt32(ctx: DeriveContext<'DIV'>): MulParams {
  checkInputCount(ctx, 2, 2);
  const a = input(ctx, 0, 'input 1'), b = input(ctx, 1, 'input 2'), outT = output(ctx);
  for (const t of [a, b, outT]) requireDtype(ctx, t, ['int32']);
  for (const t of [a, b]) if (t.quant !== null) throw unsupported(ctx, `int32 DIV runs unquantized only (TFLM div.cc), tensor ${t.id} is quantized`, t);
  const [lo, hi] = ctx.op.attrs.clamp;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi || lo < -2147483648 || hi > 2147483647) throw formatError(ctx, `activation clamp [${lo}, ${hi}] is not a valid int32 range`);
  checkBroadcast(ctx, a, b, outT, 5);
  return { input1Offset: 0, input2Offset: 0, outputOffset: 0, outputMultiplier: 0, outputShift: 0 };
}

/**
 * TFLM squared_difference.cc Prepare (int8, int16 with zero points 0): both inputs to twice the larger
 * input scale after a left shift of 7 (int8; 0 for int16), the difference squared, then to the output
 * (twice_max^2 / (2^(2 left_shift) x output scale), which may exceed 1). Broadcasting is 4-D
 * (BroadcastBinaryFunction4DSlow).
 */
/** TFLM's unquantized int32 path (no scales, no offsets): the s32 kernels read none of these. */
const UNQUANTIZED_ARITHMETIC: AddSubParams = {
  leftShift: 0, input1Offset: 0, input2Offset: 0, outputOffset: 0,
  input1Multiplier: 0, input1Shift: 0, input2Multiplier: 0, input2Shift: 0, outputMultiplier: 0, outputShift: 0,
};

function deriveSquaredDifference(ctx: DeriveContext<'SQUARED_DIFFERENCE'>): AddSubParams | null {
  checkInputCount(ctx, 2, 2);
  const a = input(ctx, 0, 'input 1');
  const b = input(ctx, 1, 'input 2');
  const outT = output(ctx);
  const elem = a.dtype === 'int32' ? 'int32' : elementDtype(ctx);
  for (const t of [a, b, outT]) requireDtype(ctx, t, [elem]);
  checkBroadcast(ctx, a, b, outT, 4);
  if (elem === 'float32') return null;
  if (elem === 'int32') return UNQUANTIZED_ARITHMETIC;
  const qa = perTensorQuant(ctx, a), qb = perTensorQuant(ctx, b), qo = perTensorQuant(ctx, outT);
  if (elem === 'int16') requireZeroPoints16(ctx, [[a, qa.zeroPoint], [b, qb.zeroPoint], [outT, qo.zeroPoint]]);
  const leftShift = elem === 'int16' ? 0 : 7;
  const twiceMax = 2 * Math.max(qa.scale, qb.scale); // double
  // (1 << 2 left_shift) * output scale is a float product in TFLM, then promoted.
  const realOut = (twiceMax * twiceMax) / Math.fround((1 << (2 * leftShift)) * qo.scale);
  const m1 = smallerThanOne(ctx, qa.scale / twiceMax, 'input 1', outT);
  const m2 = smallerThanOne(ctx, qb.scale / twiceMax, 'input 2', outT);
  const mo = requantMultiplier({ ctx, tensor: outT, what: 'output' }, realOut);
  return arithmeticParams(leftShift, qa, qb, qo, m1, m2, mo);
}

/**
 * PRELU (TFLM prelu.cc): float32, or int8 / int16 input and output with an int8 alpha; alpha broadcasts
 * against the input up to 4-D (BroadcastPrelu4DSlow). Multipliers in double as CalculatePreluParams.
 */
function derivePrelu(ctx: DeriveContext<'PRELU'>): PreluParams | null {
  checkInputCount(ctx, 2, 2);
  const x = input(ctx, 0, 'the input');
  const alpha = input(ctx, 1, 'alpha');
  const outT = output(ctx);
  const elem = elementDtype(ctx);
  requireDtype(ctx, x, [elem]);
  requireDtype(ctx, outT, [elem]);
  requireDtype(ctx, alpha, [elem === 'float32' ? 'float32' : 'int8']);
  checkBroadcast(ctx, x, alpha, outT, 4);
  if (elem === 'float32') return null;
  const qx = perTensorQuant(ctx, x), qa = perTensorQuant(ctx, alpha), qo = perTensorQuant(ctx, outT);
  const m1 = requantMultiplier({ ctx, tensor: outT, what: 'identity' }, qx.scale / qo.scale);
  const m2 = requantMultiplier({ ctx, tensor: outT, what: 'alpha' }, (qx.scale * qa.scale) / qo.scale);
  return {
    inputOffset: -qx.zeroPoint, alphaOffset: -qa.zeroPoint, outputOffset: qo.zeroPoint,
    multiplier1: m1.multiplier, shift1: m1.shift, multiplier2: m2.multiplier, shift2: m2.shift,
  };
}

/**
 * BATCH_MATMUL (TFLM batch_matmul.cc Prepare): LHS, RHS and output of one dtype (float32, int8, int16; no
 * hybrid), ranks 2..5, batch dims that broadcast, equal accumulation depths; the output takes the computed
 * shape (TFLM rewrites its dims: any declared shape of as many elements and at least that rank runs). Multiplier
 * as GetQuantizedConvolutionMultipler (float32 scale product / output scale); int16 zero points 0.
 */
function deriveBatchMatMul(ctx: DeriveContext<'BATCH_MATMUL'>): BatchMatMulParams | null {
  checkInputCount(ctx, 2, 2);
  const lhs = input(ctx, 0, 'the LHS');
  const rhs = input(ctx, 1, 'the RHS');
  const outT = output(ctx);
  requireDtype(ctx, lhs, ['float32', 'int8', 'int16']);
  requireSameDtype(ctx, lhs, rhs);
  requireSameDtype(ctx, lhs, outT);
  const { adjX, adjY } = ctx.op.attrs;
  const g = batchMatMulGeometry(lhs.shape, rhs.shape, adjX, adjY);
  if (typeof g === 'string') throw formatError(ctx, `LHS ${fmt(lhs.shape)} x RHS ${fmt(rhs.shape)}${adjX ? ' (adj_x)' : ''}${adjY ? ' (adj_y)' : ''}: ${g}`);
  if (outT.shape.length < g.outShape.length || elementCount(outT.shape) !== elementCount(g.outShape)) {
    throw formatError(ctx, `output ${fmt(outT.shape)} does not hold the product's ${fmt(g.outShape)}`, outT);
  }
  if (lhs.dtype === 'float32') return null;
  const ql = perTensorQuant(ctx, lhs), qr = perTensorQuant(ctx, rhs), qo = perTensorQuant(ctx, outT);
  const wide = lhs.dtype === 'int16';
  if (wide) requireZeroPoints16(ctx, [[lhs, ql.zeroPoint], [rhs, qr.zeroPoint], [outT, qo.zeroPoint]]);
  const q = requantMultiplier({ ctx, tensor: outT, what: 'output' }, Math.fround(ql.scale * qr.scale) / qo.scale, wide ? MAX_SHIFT_64 : undefined);
  return { lhsOffset: -ql.zeroPoint, rhsOffset: -qr.zeroPoint, outputOffset: qo.zeroPoint, multiplier: q.multiplier, shift: q.shift };
}

/** Dtypes TFLM's MAXIMUM/MINIMUM compare (int64 too, which our typed views do not mix with numbers). */
const MAX_MIN_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'float32'];

/** TFLM registers MAXIMUM/MINIMUM without Prepare: one dtype, broadcastable shapes, no quantization check. */
function deriveMaximumMinimum(ctx: DeriveContext<'MAXIMUM' | 'MINIMUM'>): null {
  checkInputCount(ctx, 2, 2);
  const a = input(ctx, 0, 'input 1');
  const b = input(ctx, 1, 'input 2');
  const outT = output(ctx);
  requireDtype(ctx, outT, MAX_MIN_DTYPES);
  requireSameDtype(ctx, a, outT);
  requireSameDtype(ctx, b, outT);
  checkBroadcast(ctx, a, b, outT, 6);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Layout ops (they move elements; no arithmetic).

function deriveConcatenation(ctx: DeriveContext<'CONCATENATION'>): ConcatenationParams | null {
  if (ctx.op.inputs.length < 1) throw formatError(ctx, 'expected at least 1 input');
  const outT = output(ctx);
  requireDtype(ctx, outT, COPYABLE_DTYPES);
  const rank = outT.shape.length;
  const axis = ctx.op.attrs.axis;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw formatError(ctx, `axis ${axis} is outside the output's ${rank} dims`, outT);
  const ins = ctx.op.inputs.map((_, i) => input(ctx, i));
  let axisTotal = 0;
  for (const t of ins) {
    requireSameDtype(ctx, outT, t);
    if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== outT.shape[i])) {
      throw formatError(ctx, `shape ${fmt(t.shape)} does not match the output ${fmt(outT.shape)} outside axis ${axis}`, t);
    }
    axisTotal += t.shape[axis]!;
  }
  if (axisTotal !== outT.shape[axis]) {
    throw formatError(ctx, `inputs add up to ${axisTotal} along axis ${axis}, the output has ${outT.shape[axis]}`, outT);
  }
  if (outT.dtype === 'int8' || outT.dtype === 'int16') {
    // TFLM rejects fused activations on CONCATENATION.
    const [lo, hi] = ctx.op.attrs.clamp;
    const [min, max] = dtypeRange(outT.dtype);
    if (lo !== min || hi !== max) throw unsupported(ctx, `fused activation (clamp [${lo}, ${hi}]) is not supported`);
  }
  if (isFloatOp(ctx.op, ctx.tensors)) {
    // TFLM's CONCATENATION takes no fused activation, on float32 either.
    const [lo, hi] = ctx.op.attrs.clamp;
    if (lo !== -FLOAT32_MAX || hi !== FLOAT32_MAX) throw unsupported(ctx, `fused activation (clamp [${lo}, ${hi}]) is not supported`);
    return null;
  }
  // TFLM's int8 CONCATENATION copies the bytes of every input unchanged (EvalUnquantized<int8_t>):
  // it neither requantizes nor checks that the scales agree. So no input is requantized here.
  const outputZeroPoint = outT.quant && outT.quant.zeroPoints.length > 0 ? outT.quant.zeroPoints[0]! : 0;
  return { inputs: ins.map(() => null), outputZeroPoint };
}

function readScalar(ctx: Ctx, t: Tensor, bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (t.dtype) {
    case 'int8':
      return view.getInt8(0);
    case 'uint8':
    case 'bool':
      return view.getUint8(0);
    case 'int16':
      return view.getInt16(0, true);
    case 'int32':
      return view.getInt32(0, true);
    case 'float32':
      return view.getFloat32(0, true);
    case 'int64': {
      const v = view.getBigInt64(0, true);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw unsupported(ctx, `constant value ${v} does not fit a double exactly`, t);
      }
      return Number(v);
    }
    default:
      throw unsupported(ctx, `dtype ${t.dtype} is not supported`, t);
  }
}

function derivePad(ctx: DeriveContext<'PAD' | 'PADV2'>): PadParams | null {
  const isV2 = ctx.op.kind === 'PADV2';
  checkInputCount(ctx, 1, isV2 ? 3 : 2); // the paddings tensor is already resolved into attrs
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, COPYABLE_DTYPES);
  requireSameDtype(ctx, inT, outT);
  const { paddings } = ctx.op.attrs;
  if (paddings.length !== inT.shape.length) {
    throw formatError(ctx, `${paddings.length} padding pairs for a ${inT.shape.length}-D input`, inT);
  }
  for (const [before, after] of paddings) {
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw formatError(ctx, `paddings must be non-negative integers, found ${JSON.stringify(paddings)}`);
    }
  }
  requireShape(ctx, outT, inT.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]));

  const constant = isV2 ? optionalInput(ctx, 2, 'the constant value') : null;
  const outZeroPoint = outT.quant && outT.quant.zeroPoints.length > 0 ? outT.quant.zeroPoints[0]! : 0;
  if (constant) {
    requireSameDtype(ctx, inT, constant);
    if (elementCount(constant.shape) !== 1) throw formatError(ctx, 'the constant value must hold exactly 1 element', constant);
    const bytes = requireConstant(ctx, constant, 'the constant value');
    if (isFloatOp(ctx.op, ctx.tensors)) return null; // the float kernel reads the constant itself
    if (inT.dtype === 'int8' && outT.quant && constant.quant) {
      // pad_common.cc: the constant must be quantized like the output.
      if (constant.quant.zeroPoints[0] !== outZeroPoint || Math.fround(constant.quant.scales[0]!) !== Math.fround(outT.quant.scales[0]!)) {
        throw unsupported(ctx, 'the constant value is quantized differently from the output', constant);
      }
    }
    return { padValue: readScalar(ctx, constant, bytes) };
  }
  if (isFloatOp(ctx.op, ctx.tensors)) return null; // float PAD pads with 0
  // PAD (and PADV2 without a constant): int8 pads with the output zero point (real 0), others with 0.
  if (inT.dtype === 'int8' || inT.dtype === 'uint8') {
    const range = inT.dtype === 'int8' ? [-128, 127] : [0, 255];
    if (!Number.isInteger(outZeroPoint) || outZeroPoint < range[0]! || outZeroPoint > range[1]!) {
      throw formatError(ctx, `zero point ${outZeroPoint} is outside the ${inT.dtype} range`, outT);
    }
    return { padValue: outZeroPoint };
  }
  return { padValue: 0 };
}

function deriveTranspose(ctx: DeriveContext<'TRANSPOSE'>): null {
  checkInputCount(ctx, 1, 2);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, COPYABLE_DTYPES);
  requireSameDtype(ctx, inT, outT);
  const { perm } = ctx.op.attrs;
  const rank = inT.shape.length;
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen.has(p)) break;
    seen.add(p);
  }
  if (perm.length !== rank || seen.size !== rank) {
    throw formatError(ctx, `perm [${perm.join(',')}] is not a permutation of the ${rank} input dims`, inT);
  }
  requireShape(ctx, outT, perm.map((p) => inT.shape[p]!));
  return null;
}

function deriveReshape(ctx: DeriveContext<'RESHAPE' | 'SQUEEZE'>): null {
  checkInputCount(ctx, 1, ctx.op.kind === 'RESHAPE' ? 2 : 1);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, COPYABLE_DTYPES);
  requireSameDtype(ctx, inT, outT);
  if (elementCount(inT.shape) !== elementCount(outT.shape)) {
    throw formatError(ctx, `output shape ${fmt(outT.shape)} holds a different number of elements than the input ${fmt(inT.shape)}`, outT);
  }
  return null;
}

/** Number of indices begin, begin+stride, ... strictly before end (in the stride's direction). */
export function sliceCount(begin: number, end: number, stride: number): number {
  const n = stride > 0 ? Math.ceil((end - begin) / stride) : Math.ceil((begin - end) / -stride);
  return Math.max(0, n);
}

function deriveStridedSlice(ctx: DeriveContext<'STRIDED_SLICE'>): null {
  checkInputCount(ctx, 1, 4);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, COPYABLE_DTYPES);
  requireSameDtype(ctx, inT, outT);
  const { begin, end, strides, masks } = ctx.op.attrs;
  const rank = inT.shape.length;
  if (begin.length !== rank || end.length !== rank || strides.length !== rank) {
    throw formatError(ctx, `begin/end/strides must have ${rank} entries (one per input dim)`, inT);
  }
  const counts: number[] = [];
  for (let d = 0; d < rank; d++) {
    const b = begin[d]!, e = end[d]!, s = strides[d]!;
    if (![b, e, s].every(Number.isInteger) || s === 0) {
      throw formatError(ctx, `dim ${d}: begin ${b}, end ${e}, stride ${s} are not a valid slice`, inT);
    }
    const count = sliceCount(b, e, s);
    const last = b + (count - 1) * s;
    if (count > 0 && (b < 0 || b >= inT.shape[d]! || last < 0 || last >= inT.shape[d]!)) {
      throw formatError(ctx, `dim ${d}: slice ${b}:${e}:${s} reaches outside the input dim of ${inT.shape[d]}`, inT);
    }
    counts.push(count);
  }
  if (masks.ellipsis === 0 && masks.newAxis === 0) {
    // Shrunk dims disappear from the output; each must select exactly one index.
    const expected: number[] = [];
    for (let d = 0; d < rank; d++) {
      if (masks.shrinkAxis & (1 << d)) {
        if (counts[d] !== 1) throw formatError(ctx, `dim ${d} is shrunk but the slice selects ${counts[d]} indices`, inT);
      } else {
        expected.push(counts[d]!);
      }
    }
    requireShape(ctx, outT, expected);
  } else if (elementCount(counts) !== elementCount(outT.shape)) {
    throw formatError(ctx, `the slice selects ${elementCount(counts)} elements, the output holds ${elementCount(outT.shape)}`, outT);
  }
  return null;
}

/** The resize ops' checks (TFLM Prepare: 4-D input, a constant int32 size of 2), the output [n, size, c]; returns [h, w] -> [oh, ow]. */
function resizeGeometry(ctx: DeriveContext<'RESIZE_NEAREST_NEIGHBOR' | 'RESIZE_BILINEAR'>, dtypes: readonly DType[]): { inH: number; inW: number; outH: number; outW: number } {
  checkInputCount(ctx, 2, 2);
  const inT = input(ctx, 0, 'the input');
  const size = input(ctx, 1, 'the size');
  const outT = output(ctx);
  requireDtype(ctx, inT, dtypes);
  requireSameDtype(ctx, inT, outT);
  requireRank(ctx, inT, 4);
  requireDtype(ctx, size, ['int32']);
  if (!sameShape(size.shape, [2])) throw formatError(ctx, `size must have shape [2], found ${fmt(size.shape)}`, size);
  const bytes = requireConstant(ctx, size, 'the size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const oh = view.getInt32(0, true);
  const ow = view.getInt32(4, true);
  const [n, h, w, c] = inT.shape as [number, number, number, number];
  if (oh < 1 || ow < 1) throw formatError(ctx, `size ${oh}x${ow} must be positive`, size);
  if ((h === 0 || w === 0) && n * c > 0) throw formatError(ctx, 'cannot resize an empty image', inT);
  requireShape(ctx, outT, [n, oh, ow, c]);
  return { inH: h, inW: w, outH: oh, outW: ow };
}

function deriveResizeNearest(ctx: DeriveContext<'RESIZE_NEAREST_NEIGHBOR'>): null {
  resizeGeometry(ctx, COPYABLE_DTYPES);
  return null;
}

/**
 * RESIZE_BILINEAR (TFLM resize_bilinear.cc): float32 or int8, not half_pixel_centers with align_corners
 * (Prepare). TFLM's integer kernel never clamps its lower source index: a size whose last one passes the
 * input (an upscale of about 2048x) would read outside it there, so it is refused.
 */
function deriveResizeBilinear(ctx: DeriveContext<'RESIZE_BILINEAR'>): null {
  const { alignCorners, halfPixelCenters } = ctx.op.attrs;
  const { inH, inW, outH, outW } = resizeGeometry(ctx, ['int8', 'float32']);
  if (alignCorners && halfPixelCenters) throw formatError(ctx, 'half_pixel_centers requires align_corners to be false (TFLM Prepare)');
  if (isFloatOp(ctx.op, ctx.tensors)) return null;
  for (const [what, inSize, outSize] of [['row', inH, outH], ['column', inW, outW]] as const) {
    const last = bilinearSource(outSize - 1, bilinearScale10(inSize, outSize, alignCorners), inSize, halfPixelCenters);
    if (inSize > 0 && last.lo > inSize - 1) {
      throw unsupported(ctx, `resizing ${what === 'row' ? 'height' : 'width'} ${inSize} to ${outSize} takes source ${what} ${last.lo} of ${what === 'row' ? 'height' : 'width'} ${inSize}, outside the input (TFLM would read past it)`);
    }
  }
  return null;
}

/** TFLM DECODE (LUT): constant packed indices and ancillary tables whose layout matches attrs, every index inside its table. */
function deriveDecode(ctx: DeriveContext<'DECODE'>): null {
  checkInputCount(ctx, 2, 2);
  const packedT = input(ctx, 0, 'the packed indices');
  const ancillaryT = input(ctx, 1, 'the ancillary data');
  const outT = output(ctx);
  requireDtype(ctx, packedT, ['uint8']);
  requireDtype(ctx, ancillaryT, ['uint8']);
  requireDtype(ctx, outT, ['int8']);
  const packed = requireConstant(ctx, packedT, 'the packed indices');
  const ancillary = requireConstant(ctx, ancillaryT, 'the ancillary data');
  const layout = lutLayoutOf(ancillary, outT.shape, outT.quant, where(ctx, ancillaryT));
  const attrs = ctx.op.attrs;
  if (layout.bitWidth !== attrs.bitWidth || layout.valueStride !== attrs.valueStride || layout.channels !== attrs.channels || layout.channelAxisLast !== attrs.channelAxisLast) {
    throw formatError(ctx, `attrs ${JSON.stringify(attrs)} differ from the ancillary header's ${JSON.stringify(layout)}`, ancillaryT);
  }
  checkPackedIndices(packed, elementCount(outT.shape), layout, where(ctx, packedT));
  return null;
}

/**
 * TFLM svdf_common.cc PrepareSvdf, integer path: int8 input and output, int8 feature weights, time weights
 * and the variable activation state both int8 or both int16 (the kernel reads the state as the time
 * weights' type), optional int32 bias; the two multipliers from float32 products as TFLM computes them.
 */
function deriveSvdf(ctx: DeriveContext<'SVDF'>): SvdfParams | null {
  checkInputCount(ctx, 5, 5);
  const inT = input(ctx, 0, 'the input');
  const featureT = input(ctx, 1, 'the feature weights');
  const timeT = input(ctx, 2, 'the time weights');
  const bias = optionalInput(ctx, 3, 'the bias');
  const stateT = input(ctx, 4, 'the activation state');
  const outT = output(ctx);
  // TFLM's PrepareSvdf: a float32 input means every tensor float32 (EvalFloatSvdfReference)
  const float = inT.dtype === 'float32';
  requireDtype(ctx, inT, ['int8', 'float32']);
  requireDtype(ctx, outT, [float ? 'float32' : 'int8']);
  requireDtype(ctx, featureT, [float ? 'float32' : 'int8']);
  requireDtype(ctx, timeT, float ? ['float32'] : ['int8', 'int16']);
  requireDtype(ctx, stateT, [timeT.dtype]);
  for (const t of [inT, featureT, timeT, stateT, outT]) requireRank(ctx, t, 2);
  const { rank } = ctx.op.attrs;
  checkPositive(ctx, 'rank', [rank]);
  const [batches, inputSize] = inT.shape as [number, number];
  const [filters, memory] = timeT.shape as [number, number];
  if (filters % rank !== 0) throw formatError(ctx, `${filters} filters are not a multiple of rank ${rank}`, timeT);
  const units = filters / rank;
  requireShape(ctx, featureT, [filters, inputSize]);
  requireShape(ctx, outT, [batches, units]);
  requireShape(ctx, stateT, [batches, memory * filters]);
  if (!stateT.isVariable || stateT.data !== null) throw formatError(ctx, 'the activation state must be a variable tensor (TFLM checks is_variable)', stateT);
  if (featureT.isVariable || timeT.isVariable) throw unsupported(ctx, 'the weights must be constant or computed tensors, not variables', featureT.isVariable ? featureT : timeT);
  if (bias) {
    requireDtype(ctx, bias, [float ? 'float32' : 'int32']);
    requireConstant(ctx, bias, 'the bias');
    if (elementCount(bias.shape) !== units) throw formatError(ctx, `bias has ${elementCount(bias.shape)} elements, expected ${units} (units)`, bias);
  }
  if (float) return null;
  const inQ = perTensorQuant(ctx, inT);
  const outQ = perTensorQuant(ctx, outT);
  const stateQ = perTensorQuant(ctx, stateT);
  // TFLM reads each weight tensor's one scale and ignores its zero point.
  const scaleOf = (t: Tensor) => {
    const q = t.quant;
    if (!q || q.scales.length !== 1) throw unsupported(ctx, `${q ? `${q.scales.length} scales` : 'no quantization'}: SVDF weights need one scale`, t);
    return checkScale(ctx, t, q.scales[0]!);
  };
  const featureScale = scaleOf(featureT);
  const timeScale = scaleOf(timeT);
  const f32 = Math.fround;
  if (bias) {
    const biasScale = scaleOf(bias);
    const expected = f32(stateQ.scale * timeScale);
    if (!(Math.abs(biasScale - expected) < 1e-5)) throw unsupported(ctx, `bias scale ${biasScale} is not the state scale x time weights scale ${expected} (TFLM allows 1e-5)`, bias);
  }
  // float32 arithmetic as TFLM's Prepare does it, widened to double for QuantizeMultiplier.
  const scale1 = f32(f32(inQ.scale * featureScale) / stateQ.scale);
  const scale2 = f32(f32(stateQ.scale * timeScale) / outQ.scale);
  const q1 = requantMultiplier({ ctx, tensor: stateT, what: 'feature' }, scale1);
  const q2 = requantMultiplier({ ctx, tensor: outT, what: 'output' }, scale2);
  return {
    inputZeroPoint: inQ.zeroPoint, stateZeroPoint: stateQ.zeroPoint, outputZeroPoint: outQ.zeroPoint,
    multiplier1: q1.multiplier, shift1: q1.shift, multiplier2: q2.multiplier, shift2: q2.shift,
  };
}

// ---- UNIDIRECTIONAL_SEQUENCE_LSTM: TFLM lstm_eval_common.cc UnidirectionalSequenceLstmPrepare ----

/** TFLM lstm_shared.h: the 24 input slots. */
const LSTM_INPUT = {
  input: 0,
  inputToInput: 1, inputToForget: 2, inputToCell: 3, inputToOutput: 4,
  recurrentToInput: 5, recurrentToForget: 6, recurrentToCell: 7, recurrentToOutput: 8,
  inputGateBias: 12, forgetGateBias: 13, cellGateBias: 14, outputGateBias: 15,
  hiddenState: 18, cellState: 19,
} as const;

/** The LSTM variants TFLM's micro kernel refuses (LstmTensors::ValidateTensorStatus), by their input slots. */
const LSTM_VARIANTS: ReadonlyArray<[string, readonly number[]]> = [
  ['peephole (cell-to-gate weights, inputs 9-11)', [9, 10, 11]],
  ['projection (inputs 16-17)', [16, 17]],
  ['layer normalization (inputs 20-23)', [20, 21, 22, 23]],
];

/** Q3.12: the scale TFLM gives every gate's fully connected output (the sigmoid/tanh input). */
const LSTM_GATE_SCALE = 2 ** -12;
/** Q0.15: the scale of every gate's sigmoid/tanh output. */
const LSTM_ACTIVATION_SCALE = 2 ** -15;

function deriveLstm(ctx: DeriveContext<'UNIDIRECTIONAL_SEQUENCE_LSTM'>): LstmParams {
  checkInputCount(ctx, 24, 24);
  for (const [variant, slots] of LSTM_VARIANTS) {
    const present = slots.filter((i) => ctx.op.inputs[i] !== -1);
    if (present.length > 0) throw unsupported(ctx, `the ${variant} LSTM variant is not supported (TFLM's kernel refuses it: input ${present.join(', ')} present)`);
  }
  if (ctx.op.inputs[LSTM_INPUT.inputToInput] === -1 || ctx.op.inputs[LSTM_INPUT.recurrentToInput] === -1) {
    throw unsupported(ctx, 'the CIFG LSTM variant (no input gate weights, inputs 1 and 5) is not supported (TFLM\'s kernel refuses it)');
  }
  const x = input(ctx, LSTM_INPUT.input, 'the input');
  const hidden = input(ctx, LSTM_INPUT.hiddenState, 'the hidden state');
  const cellState = input(ctx, LSTM_INPUT.cellState, 'the cell state');
  const out = output(ctx);
  if (x.dtype === 'float32') throw unsupported(ctx, 'float32 (and hybrid) LSTM is not supported (only the integer kernels: int8 or int16 activations, int8 weights)', x);
  requireDtype(ctx, x, ['int8', 'int16']);
  const activation = x.dtype as 'int8' | 'int16';
  // TFLM: the hidden state becomes the next step's input and the output copies it, so all three share a type.
  requireSameDtype(ctx, x, hidden);
  requireSameDtype(ctx, x, out);
  if (cellState.dtype !== 'int16') throw unsupported(ctx, `cell state dtype ${cellState.dtype} is not supported (TFLM's integer LSTM needs int16)`, cellState);
  for (const state of [hidden, cellState]) {
    if (!state.isVariable || state.data !== null) throw formatError(ctx, `the ${state === hidden ? 'hidden' : 'cell'} state must be a variable tensor (TFLM checks is_variable)`, state);
  }

  // TFLM CreateLstmSizeInfo and ValidateTensorSize.
  requireRank(ctx, x, 3);
  const { timeMajor, cellClip } = ctx.op.attrs;
  const [d0, d1, inputSize] = x.shape as [number, number, number];
  const batches = timeMajor ? d1 : d0;
  if (hidden.shape.length < 2) throw formatError(ctx, `hidden state shape ${fmt(hidden.shape)} has no state dimension (TFLM reads dims[1])`, hidden);
  const units = hidden.shape[1]!;
  checkPositive(ctx, 'batch, time, input and state sizes', [d0, d1, inputSize, units]);
  const gateWeights = (slot: number, cols: number, role: string): Tensor => {
    const w = input(ctx, slot, role);
    requireDtype(ctx, w, ['int8']);
    if (w.isVariable) throw unsupported(ctx, `${role} must be constant or computed, not a variable`, w);
    requireShape(ctx, w, [units, cols]);
    return w;
  };
  const biasType = activation === 'int8' ? 'int32' : 'int64';
  const gateBias = (slot: number, role: string): Tensor => {
    const b = input(ctx, slot, role);
    // TFLM reads the bias as the kernel's type (int32 for int8 activations, int64 for int16) without converting.
    requireDtype(ctx, b, [biasType]);
    requireConstant(ctx, b, role);
    requireShape(ctx, b, [units]);
    return b;
  };
  for (const state of [hidden, cellState]) {
    if (elementCount(state.shape) !== batches * units) throw formatError(ctx, `state of ${elementCount(state.shape)} elements, expected batch x state = ${batches * units}`, state);
  }
  requireShape(ctx, out, [d0, d1, units]);

  const xQ = perTensorQuant(ctx, x);
  const hiddenQ = perTensorQuant(ctx, hidden);
  const cellQ = perTensorQuant(ctx, cellState);
  // TFLM reads the weights' one scale (params.scale) and uses their zero point as the int8 kernel's offset.
  const weightQuant = (w: Tensor): { scale: number; offset: number } => {
    const q = w.quant;
    if (!q || q.scales.length !== 1) throw unsupported(ctx, `${q ? `${q.scales.length} scales` : 'no quantization'}: LSTM weights need one scale (TFLM's kernel is per-tensor)`, w);
    return { scale: checkScale(ctx, w, q.scales[0]!), offset: -(q.zeroPoints[0] ?? 0) };
  };
  // TFLM CalculateOpDataFullyConnected into Q3.12: the float32 product input scale x weights scale / 2^-12.
  const gate = (inSlot: number, recSlot: number, biasSlot: number, name: string): LstmGateParams => {
    const w = weightQuant(gateWeights(inSlot, inputSize, `the input-to-${name} weights`));
    const r = weightQuant(gateWeights(recSlot, units, `the recurrent-to-${name} weights`));
    gateBias(biasSlot, `the ${name} gate bias`);
    const qi = requantMultiplier({ ctx, tensor: ctx.tensors[ctx.op.inputs[inSlot]!]!, what: `input-to-${name}` }, Math.fround(xQ.scale * w.scale) / LSTM_GATE_SCALE);
    const qr = requantMultiplier({ ctx, tensor: ctx.tensors[ctx.op.inputs[recSlot]!]!, what: `recurrent-to-${name}` }, Math.fround(hiddenQ.scale * r.scale) / LSTM_GATE_SCALE);
    return {
      inputMultiplier: qi.multiplier, inputShift: qi.shift, recurrentMultiplier: qr.multiplier, recurrentShift: qr.shift,
      inputWeightOffset: w.offset, recurrentWeightOffset: r.offset,
    };
  };
  const forget = gate(LSTM_INPUT.inputToForget, LSTM_INPUT.recurrentToForget, LSTM_INPUT.forgetGateBias, 'forget');
  const inputGate = gate(LSTM_INPUT.inputToInput, LSTM_INPUT.recurrentToInput, LSTM_INPUT.inputGateBias, 'input');
  const cell = gate(LSTM_INPUT.inputToCell, LSTM_INPUT.recurrentToCell, LSTM_INPUT.cellGateBias, 'cell');
  const outputGate = gate(LSTM_INPUT.inputToOutput, LSTM_INPUT.recurrentToOutput, LSTM_INPUT.outputGateBias, 'output');

  // TFLM CreateLstmCellStateInfo: CheckedLog2's rounded power (its result is not checked), the clip in cell units.
  const cellScalePower = checkedLog2(cellQ.scale).power;
  const quantizedCellClip = Math.trunc(Math.min(Math.max(Math.fround(cellClip) / cellQ.scale, -32768), 32767));
  // TFLM CreateInterGateMulParams: double(s1) * double(s2) / double(out).
  const mul = (s1: number, s2: number, outScale: number, tensor: Tensor, what: string): LstmMulParams => {
    const q = requantMultiplier({ ctx, tensor, what }, (s1 * s2) / outScale);
    return { multiplier: q.multiplier, shift: q.shift };
  };
  return {
    activation,
    inputZeroPoint: xQ.zeroPoint,
    hiddenZeroPoint: hiddenQ.zeroPoint,
    forget, input: inputGate, cell, output: outputGate,
    forgetCellMul: mul(LSTM_ACTIVATION_SCALE, cellQ.scale, cellQ.scale, cellState, 'forget x cell'),
    inputMul: mul(LSTM_ACTIVATION_SCALE, LSTM_ACTIVATION_SCALE, cellQ.scale, cellState, 'input x cell gate'),
    hiddenMul: mul(LSTM_ACTIVATION_SCALE, LSTM_ACTIVATION_SCALE, hiddenQ.scale, hidden, 'hidden'),
    cellScalePower,
    quantizedCellClip,
  };
}

/** The input and output of an op that moves elements: checked counts, an accepted dtype, the same on both sides. */
function movedOperands(ctx: Ctx, minInputs: number, maxInputs: number, dtypes: readonly DType[] = COPYABLE_DTYPES): { inT: Tensor; outT: Tensor } {
  checkInputCount(ctx, minInputs, maxInputs);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, dtypes);
  requireSameDtype(ctx, inT, outT);
  return { inT, outT };
}

/** TFLM's DEPTH_TO_SPACE / SPACE_TO_DEPTH: 4-D NHWC, float32 or int8, the output the block move of the input. */
function deriveBlockMove(ctx: DeriveContext<'DEPTH_TO_SPACE' | 'SPACE_TO_DEPTH'>): null {
  const { inT, outT } = movedOperands(ctx, 1, 1, ['int8', 'float32']);
  requireRank(ctx, inT, 4);
  const b = ctx.op.attrs.blockSize;
  const [n, h, w, c] = inT.shape as [number, number, number, number];
  if (!(Number.isInteger(b) && b >= 1)) throw formatError(ctx, `block size ${b} is not a positive integer`);
  if (ctx.op.kind === 'DEPTH_TO_SPACE') {
    if (c % (b * b) !== 0) throw formatError(ctx, `input depth ${c} is not a multiple of block size ${b} squared`, inT);
    requireShape(ctx, outT, [n, h * b, w * b, c / (b * b)]);
  } else {
    if (h % b !== 0 || w % b !== 0) throw formatError(ctx, `input ${h}x${w} is not a multiple of block size ${b}`, inT);
    requireShape(ctx, outT, [n, h / b, w / b, c * b * b]);
  }
  return null;
}

/** EXPAND_DIMS: the input's elements under the output's shape, which is the input's with one more dim of 1. */
function deriveExpandDims(ctx: DeriveContext<'EXPAND_DIMS'>): null {
  const { inT, outT } = movedOperands(ctx, 2, 2);
  // TFLM's Prepare: a constant int32 axis of at most 1 dim, read at element 0 (negative counts from the end)
  const axisT = input(ctx, 1, 'the axis');
  const data = requireConstant(ctx, axisT, 'the axis');
  if (axisT.dtype !== 'int32') throw unsupported(ctx, `axis dtype ${axisT.dtype} is not int32`, axisT);
  if (axisT.shape.length > 1 || data.byteLength < 4) throw formatError(ctx, `axis of shape ${fmt(axisT.shape)} is not one int32`, axisT);
  const raw = new DataView(data.buffer, data.byteOffset, data.byteLength).getInt32(0, true);
  const axis = raw < 0 ? inT.shape.length + 1 + raw : raw;
  if (!(axis >= 0 && axis <= inT.shape.length)) throw formatError(ctx, `axis ${raw} is outside the input's ${inT.shape.length} dims`, axisT);
  const expected = [...inT.shape.slice(0, axis), 1, ...inT.shape.slice(axis)];
  if (!sameShape(outT.shape, expected)) {
    throw formatError(ctx, `output shape ${fmt(outT.shape)} is not the input ${fmt(inT.shape)} with a dim of 1 inserted at axis ${raw}`, outT);
  }
  return null;
}

/** The tensors of an op with several outputs, each checked. */
function outputsOf(ctx: Ctx): Tensor[] {
  return ctx.op.outputs.map((id, i) => tensorById(ctx, id, `output ${i}`));
}

/** PACK: inputs of one shape stacked along a new output dim `axis`. */
function derivePack(ctx: DeriveContext<'PACK'>): null {
  checkInputCount(ctx, 1, Infinity);
  const outT = output(ctx);
  const first = input(ctx, 0, 'input 0');
  requireDtype(ctx, first, COPYABLE_DTYPES);
  const { axis } = ctx.op.attrs;
  const expected = [...first.shape.slice(0, axis), ctx.op.inputs.length, ...first.shape.slice(axis)];
  ctx.op.inputs.forEach((_, i) => {
    const t = input(ctx, i, `input ${i}`);
    requireSameDtype(ctx, first, t);
    requireShape(ctx, t, first.shape);
  });
  if (!(axis >= 0 && axis <= first.shape.length)) throw formatError(ctx, `axis ${axis} is outside 0..${first.shape.length}`);
  requireShape(ctx, outT, expected);
  return null;
}

/**
 * SPLIT / SPLIT_V / UNPACK: consecutive pieces of the input along `axis`, each output one piece (UNPACK's
 * pieces are 1 wide and drop the axis). TFLM's kernels take the pieces' sizes from the output shapes.
 */
function deriveSplit(ctx: DeriveContext<'SPLIT' | 'SPLIT_V' | 'UNPACK'>): null {
  const kind = ctx.op.kind;
  checkInputCount(ctx, ...((kind === 'SPLIT' ? [2, 2] : kind === 'SPLIT_V' ? [3, 3] : [1, 1]) as [number, number]));
  const inT = input(ctx, kind === 'SPLIT' ? 1 : 0, 'the input');
  requireDtype(ctx, inT, COPYABLE_DTYPES);
  const { axis } = ctx.op.attrs;
  if (!(axis >= 0 && axis < inT.shape.length)) throw formatError(ctx, `axis ${axis} is outside the input's ${inT.shape.length} dims`, inT);
  const outs = outputsOf(ctx);
  if (outs.length === 0) throw formatError(ctx, 'has no outputs');
  let total = 0;
  for (const t of outs) {
    requireSameDtype(ctx, inT, t);
    const width = kind === 'UNPACK' ? 1 : t.shape[axis] ?? -1;
    const shape = kind === 'UNPACK' ? [...inT.shape.slice(0, axis), ...inT.shape.slice(axis + 1)] : inT.shape.map((d, i) => (i === axis ? width : d));
    requireShape(ctx, t, shape);
    if (kind === 'SPLIT' && width !== outs[0]!.shape[axis]) throw formatError(ctx, `outputs of unequal width ${width} and ${outs[0]!.shape[axis]} along axis ${axis}`, t);
    total += width;
  }
  if (total !== inT.shape[axis]) throw formatError(ctx, `the outputs take ${total} of the input's ${inT.shape[axis]} along axis ${axis}`, inT);
  return null;
}

/** BROADCAST_TO (TFLM: at most 5 dims): the input, aligned at the last dim, is the output's shape or 1 where it repeats. */
function deriveBroadcastTo(ctx: DeriveContext<'BROADCAST_TO'>): null {
  const { inT, outT } = movedOperands(ctx, 2, 2);
  if (outT.shape.length > 5) throw unsupported(ctx, `output rank ${outT.shape.length} exceeds TFLM's 5`, outT);
  const lead = outT.shape.length - inT.shape.length;
  if (lead < 0 || inT.shape.some((d, i) => d !== 1 && d !== outT.shape[lead + i])) {
    throw formatError(ctx, `input ${fmt(inT.shape)} does not broadcast to ${fmt(outT.shape)}`, inT);
  }
  return null;
}

/** ZEROS_LIKE (TFLM micro: int8, int32, int64, float32): stored zeros (not the zero point) of the input's shape. */
function deriveZerosLike(ctx: DeriveContext<'ZEROS_LIKE'>): null {
  const { inT, outT } = movedOperands(ctx, 1, 1, ['int8', 'int32', 'int64', 'float32']);
  requireShape(ctx, outT, inT.shape);
  return null;
}

/** SHAPE (TFLM: an int32 output): the input's dims. */
function deriveShape(ctx: DeriveContext<'SHAPE'>): null {
  checkInputCount(ctx, 1, 1);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, outT, ['int32']);
  requireShape(ctx, outT, [inT.shape.length]);
  return null;
}

/**
 * GATHER (TFLM: float32 or int8 input, int32 positions): output [input dims before axis, positions dims
 * after batch_dims, input dims after axis]. Constant positions are checked here; TFLM fails an invoke on
 * a position outside the axis (the reference refuses it, the wasm and C kernels write zeros there).
 */
function deriveGather(ctx: DeriveContext<'GATHER'>): null {
  const { inT, outT } = movedOperands(ctx, 2, 2, ['int8', 'float32']);
  const positions = input(ctx, 1, 'the positions');
  requireDtype(ctx, positions, ['int32']);
  const { axis, batchDims } = ctx.op.attrs;
  if (!(axis >= 0 && axis < inT.shape.length && batchDims >= 0 && batchDims <= axis && batchDims <= positions.shape.length)) {
    throw formatError(ctx, `axis ${axis} / batch_dims ${batchDims} do not fit input ${fmt(inT.shape)} and positions ${fmt(positions.shape)}`);
  }
  for (let d = 0; d < batchDims; d++) {
    if (inT.shape[d] !== positions.shape[d]) throw formatError(ctx, `batch dim ${d} is ${inT.shape[d]} in the input, ${positions.shape[d]} in the positions`, positions);
  }
  requireShape(ctx, outT, [...inT.shape.slice(0, axis), ...positions.shape.slice(batchDims), ...inT.shape.slice(axis + 1)]);
  if (positions.data) {
    const v = new DataView(positions.data.buffer, positions.data.byteOffset, positions.data.byteLength);
    for (let i = 0; i < positions.data.byteLength / 4; i++) {
      const p = v.getInt32(4 * i, true);
      if (p < 0 || p >= inT.shape[axis]!) throw formatError(ctx, `position ${i} is ${p}, outside the axis of ${inT.shape[axis]}`, positions);
    }
  }
  return null;
}

/** The element types TFLM's cast.cc converts from / to that we run (it also reads uint32 and bool, writes uint32). */
export const CAST_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'float32'];

/** CAST (TFLM cast.cc): each stored value static_cast to the output's type, same shape; quantization is not read. */
function deriveCast(ctx: DeriveContext<'CAST'>): null {
  checkInputCount(ctx, 1, 1);
  const inT = input(ctx, 0, 'the input');
  const outT = output(ctx);
  requireDtype(ctx, inT, CAST_DTYPES);
  requireDtype(ctx, outT, CAST_DTYPES);
  requireShape(ctx, outT, inT.shape);
  return null;
}

export const linearDerivers: ParamDerivers<LinearKind> = {
  CONV_2D: deriveConv2D,
  DEPTHWISE_CONV_2D: deriveDepthwiseConv2D,
  FULLY_CONNECTED: deriveFullyConnected,
  AVERAGE_POOL_2D: derivePool,
  MAX_POOL_2D: derivePool,
  ADD: deriveAddSub,
  SUB: deriveAddSub,
  MUL: deriveMul,
  CONCATENATION: deriveConcatenation,
  PAD: derivePad,
  PADV2: derivePad,
  TRANSPOSE: deriveTranspose,
  RESHAPE: deriveReshape,
  SQUEEZE: deriveReshape,
  STRIDED_SLICE: deriveStridedSlice,
  RESIZE_NEAREST_NEIGHBOR: deriveResizeNearest,
  MAXIMUM: deriveMaximumMinimum,
  MINIMUM: deriveMaximumMinimum,
  TRANSPOSE_CONV: deriveTransposeConv,
  DECODE: deriveDecode,
  SVDF: deriveSvdf,
  SQUARED_DIFFERENCE: deriveSquaredDifference,
  UNIDIRECTIONAL_SEQUENCE_LSTM: deriveLstm,
  DEPTH_TO_SPACE: deriveBlockMove,
  SPACE_TO_DEPTH: deriveBlockMove,
  EXPAND_DIMS: deriveExpandDims,
  PACK: derivePack,
  SPLIT: deriveSplit,
  SPLIT_V: deriveSplit,
  UNPACK: deriveSplit,
  BROADCAST_TO: deriveBroadcastTo,
  ZEROS_LIKE: deriveZerosLike,
  SHAPE: deriveShape,
  GATHER: deriveGather,
  CAST: deriveCast,
  PRELU: derivePrelu,
  DIV: deriveDiv,
  BATCH_MATMUL: deriveBatchMatMul,
  RESIZE_BILINEAR: deriveResizeBilinear,
};
