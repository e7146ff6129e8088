// Op kinds, their normalized attributes, and their derived quantization parameters.
// Kind names are TFLite's builtin operator names so a user recognizes them in every report.

import type { LutLayout } from './lut.js';

export const OP_KINDS = [
  'ADD',
  'SUB',
  'MUL',
  'AVERAGE_POOL_2D',
  'MAX_POOL_2D',
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'CONCATENATION',
  'QUANTIZE',
  'DEQUANTIZE',
  'HARD_SWISH',
  'LEAKY_RELU',
  'LOGISTIC',
  'TANH',
  'RELU',
  'RELU6',
  'RELU_N1_TO_1',
  'MEAN',
  'PAD',
  'PADV2',
  'RESHAPE',
  'SQUEEZE',
  'RESIZE_NEAREST_NEIGHBOR',
  'SOFTMAX',
  'STRIDED_SLICE',
  'TRANSPOSE',
  'MAXIMUM',
  'MINIMUM',
  'TRANSPOSE_CONV',
  'DECODE',
  'SVDF',
  'ABS',
  'RSQRT',
  'SQUARED_DIFFERENCE',
  'UNIDIRECTIONAL_SEQUENCE_LSTM',
  'DEPTH_TO_SPACE',
  'SPACE_TO_DEPTH',
  'EXPAND_DIMS',
  'PACK',
  'SPLIT',
  'SPLIT_V',
  'UNPACK',
  'BROADCAST_TO',
  'ZEROS_LIKE',
  'SHAPE',
  'GATHER',
  'CAST',
  'PRELU',
  'ELU',
  'EXP',
  'NEG',
  'DIV',
  'LOG_SOFTMAX',
  'BATCH_MATMUL',
  'SUM',
  'REDUCE_MAX',
  'L2_NORMALIZATION',
  'RESIZE_BILINEAR',
] as const;

export type OpKind = (typeof OP_KINDS)[number];

/** Inclusive [min, max] in the output's quantized domain (fused activation already applied). */
export type Clamp = [number, number];

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface Conv2DAttrs {
  stride: [number, number]; // [h, w]
  dilation: [number, number]; // [h, w]
  pad: Padding;
  clamp: Clamp;
}

export interface DepthwiseConv2DAttrs extends Conv2DAttrs {
  depthMultiplier: number;
}

/**
 * TRANSPOSE_CONV (inputs: output shape, filter [OC, KH, KW, IC], input, optional bias): each input pixel
 * scatters filter * value into the output at (iy * stride - pad.top + ky, ix * stride - pad.left + kx).
 * The pads are TFLM's: the SAME/VALID padding of a convolution from the output's H x W to the input's.
 */
export interface TransposeConvAttrs {
  stride: [number, number]; // [h, w]
  pad: { top: number; left: number };
  clamp: Clamp;
}

export interface FullyConnectedAttrs {
  clamp: Clamp;
  keepNumDims: boolean;
}

export interface Pool2DAttrs {
  filter: [number, number]; // [h, w]
  stride: [number, number];
  pad: Padding;
  clamp: Clamp;
}

export interface ElementwiseAttrs {
  clamp: Clamp;
}

export interface ConcatenationAttrs {
  axis: number; // non-negative
  clamp: Clamp;
}

/** MEAN, SUM, REDUCE_MAX (TFLM's reducers). */
export interface MeanAttrs {
  axes: number[]; // non-negative, sorted, unique
  keepDims: boolean;
}

export interface PadAttrs {
  paddings: Array<[number, number]>; // [before, after] per input dim
}

export interface TransposeAttrs {
  perm: number[];
}

export interface StridedSliceAttrs {
  /** Resolved per input dim: first index, exclusive stop, step (TFLite StartForAxis/StopForAxis applied). */
  begin: number[];
  end: number[];
  strides: number[];
  /** Raw options kept so the writer can reproduce the file. */
  masks: { begin: number; end: number; ellipsis: number; newAxis: number; shrinkAxis: number; offset: boolean };
}

export interface ResizeNearestAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

export interface SoftmaxAttrs {
  beta: number;
}

/** SVDF (TFLM svdf.cc): rank filters per unit; the fused activation is not applied on the integer path (TFLM ignores it there). */
export interface SvdfAttrs {
  rank: number;
  /** Applied by the float32 kernel only (TFLM's EvalFloatSvdfReference); kept so a file round-trips. */
  activation: 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6';
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM unidirectional_sequence_lstm.cc): the cell gate's activation is tanh
 * (the only one a .tflite file can name that TFLM's kernel runs); cellClip 0 means no clipping; projClip is
 * kept for the writer (TFLM's kernel has no projection, so it is never applied).
 */
export interface LstmAttrs {
  timeMajor: boolean;
  cellClip: number;
  projClip: number;
}

export interface LeakyReluAttrs {
  alpha: number;
}

/** DEPTH_TO_SPACE / SPACE_TO_DEPTH: NHWC, blocks of blockSize x blockSize pixels <-> channels (TFLM's order). */
export interface BlockAttrs {
  blockSize: number;
}

/** PACK / UNPACK / SPLIT / SPLIT_V: the axis, non-negative (PACK's against the output rank, the others' against the input's). */
export interface AxisAttrs {
  axis: number;
}

/** GATHER: blocks of the input along `axis` picked by int32 positions; both non-negative (TFLM's batch_dims resolved). */
export interface GatherAttrs {
  axis: number;
  batchDims: number;
}

/** BATCH_MATMUL: adjX reads the LHS as [..., K, M], adjY the RHS as [..., N, K] (TFLite's adj_x / adj_y). */
export interface BatchMatMulAttrs {
  adjX: boolean;
  adjY: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type NoAttrs = {};

export interface OpAttrs {
  ADD: ElementwiseAttrs;
  SUB: ElementwiseAttrs;
  MUL: ElementwiseAttrs;
  AVERAGE_POOL_2D: Pool2DAttrs;
  MAX_POOL_2D: Pool2DAttrs;
  CONV_2D: Conv2DAttrs;
  DEPTHWISE_CONV_2D: DepthwiseConv2DAttrs;
  FULLY_CONNECTED: FullyConnectedAttrs;
  CONCATENATION: ConcatenationAttrs;
  QUANTIZE: NoAttrs;
  DEQUANTIZE: NoAttrs;
  HARD_SWISH: NoAttrs;
  LEAKY_RELU: LeakyReluAttrs;
  LOGISTIC: NoAttrs;
  TANH: NoAttrs;
  RELU: NoAttrs;
  RELU6: NoAttrs;
  RELU_N1_TO_1: NoAttrs;
  MEAN: MeanAttrs;
  PAD: PadAttrs;
  PADV2: PadAttrs;
  RESHAPE: NoAttrs;
  SQUEEZE: NoAttrs;
  RESIZE_NEAREST_NEIGHBOR: ResizeNearestAttrs;
  SOFTMAX: SoftmaxAttrs;
  STRIDED_SLICE: StridedSliceAttrs;
  TRANSPOSE: TransposeAttrs;
  MAXIMUM: NoAttrs;
  MINIMUM: NoAttrs;
  TRANSPOSE_CONV: TransposeConvAttrs;
  DECODE: LutLayout;
  SVDF: SvdfAttrs;
  ABS: NoAttrs;
  RSQRT: NoAttrs;
  SQUARED_DIFFERENCE: NoAttrs;
  UNIDIRECTIONAL_SEQUENCE_LSTM: LstmAttrs;
  DEPTH_TO_SPACE: BlockAttrs;
  SPACE_TO_DEPTH: BlockAttrs;
  EXPAND_DIMS: NoAttrs;
  PACK: AxisAttrs;
  SPLIT: AxisAttrs;
  SPLIT_V: AxisAttrs;
  UNPACK: AxisAttrs;
  BROADCAST_TO: NoAttrs;
  ZEROS_LIKE: NoAttrs;
  SHAPE: NoAttrs;
  GATHER: GatherAttrs;
  CAST: NoAttrs;
  PRELU: NoAttrs;
  ELU: NoAttrs;
  EXP: NoAttrs;
  NEG: NoAttrs;
  DIV: ElementwiseAttrs;
  LOG_SOFTMAX: NoAttrs;
  BATCH_MATMUL: BatchMatMulAttrs;
  SUM: MeanAttrs;
  REDUCE_MAX: MeanAttrs;
  L2_NORMALIZATION: NoAttrs;
  RESIZE_BILINEAR: ResizeNearestAttrs;
}

// ---- Derived quantization parameters (TFLite Micro's OpData, computed once per model) ----

/** Per-output-channel requantization (length 1 for per-tensor quantization). */
export interface ConvParams {
  inputOffset: number; // -input zero point
  outputOffset: number; // output zero point
  multiplier: Int32Array;
  shift: Int32Array;
}

export interface AddSubParams {
  leftShift: number;
  input1Offset: number;
  input2Offset: number;
  outputOffset: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
}

export interface MulParams {
  input1Offset: number;
  input2Offset: number;
  outputOffset: number;
  outputMultiplier: number;
  outputShift: number;
}

/** Fixed-point softmax (TFLM int8 path): diff scaled by inputMultiplier << inputLeftShift, diffs below diffMin give 0. */
export interface SoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

export interface SigmoidTanhParams {
  inputZeroPoint: number;
  inputRangeRadius: number;
  inputMultiplier: number;
  inputLeftShift: number;
}

export interface HardSwishParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  reluishMultiplierFixedpointInt16: number;
  reluishMultiplierExponent: number;
  outputMultiplierFixedpointInt16: number;
  outputMultiplierExponent: number;
}

/** TFLM LeakyReluParams: offsets are the zero points (input subtracted, output added); alpha applies below zero. */
export interface LeakyReluParams {
  inputOffset: number;
  outputOffset: number;
  outputMultiplierAlpha: number;
  outputShiftAlpha: number;
  outputMultiplierIdentity: number;
  outputShiftIdentity: number;
}

/** TFLM ReluParams (RELU, and RELU_N1_TO_1 as TFLite does it): requantize (x - inputOffset) to the output, add outputOffset, clamp. */
export interface ReluParams {
  inputOffset: number;
  outputOffset: number;
  outputMultiplier: number;
  outputShift: number;
  clamp: Clamp;
}

/** TFLM QuantizedMeanOrSum: multiplier/shift are input_scale/output_scale with 1/count already folded in. */
export interface MeanParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
  /** Number of input elements averaged into one output element. */
  count: number;
}

/** TFLM's int8 L2Normalization: only the input zero point (the output is in 1/128 steps whatever its quantization says). */
export interface L2NormParams {
  inputZeroPoint: number;
}

/** TFLM RELU6 on int8: a clamp to [zero, six] in the input's quantized domain; the output's quantization is not used. */
export interface Relu6Params {
  clamp: Clamp;
}

export type QuantizeParams =
  | { mode: 'fromFloat'; scale: number; zeroPoint: number; qmin: number; qmax: number }
  | { mode: 'requantize'; inputZeroPoint: number; outputZeroPoint: number; multiplier: number; shift: number; qmin: number; qmax: number };

export interface DequantizeParams {
  scale: number;
  zeroPoint: number;
}

export interface PadParams {
  padValue: number;
}

export interface ConcatenationParams {
  /** Per input: requantization to the output's scale, or null when the input already shares it. */
  inputs: Array<{ inputZeroPoint: number; multiplier: number; shift: number } | null>;
  outputZeroPoint: number;
}

/**
 * TFLM OpDataSvdf: the feature matmul into the state rescaled by (multiplier1, shift1) (input * weights_feature
 * / state scales), the time reduction into the output by (multiplier2, shift2) (state * weights_time / output).
 */
export interface SvdfParams {
  inputZeroPoint: number;
  stateZeroPoint: number;
  outputZeroPoint: number;
  multiplier1: number;
  shift1: number;
  multiplier2: number;
  shift2: number;
}

/**
 * TFLM OpDataAbsRsqrt (elementwise.cc): ABS requantizes |x - inputOffset| when `rescale` (input and output
 * scales differ), else adds the output offset; RSQRT always scales by 1 / (sqrt(input scale) * output scale).
 */
export interface AbsRsqrtParams {
  inputOffset: number;
  outputOffset: number;
  multiplier: number;
  shift: number;
  rescale: boolean;
  /** ABS on int16 without quantization (TFLM's AbsHelper: std::abs cast back to int16, so -32768 stays -32768). */
  unquantized: boolean;
}

/** One LSTM gate's two fully connected layers into Q3.12 (TFLM GateParameters): input x W and hidden x R. */
export interface LstmGateParams {
  inputMultiplier: number;
  inputShift: number;
  recurrentMultiplier: number;
  recurrentShift: number;
  /** -zero point of the input and recurrent weights (TFLM's weights_offset). */
  inputWeightOffset: number;
  recurrentWeightOffset: number;
}

/** An element-wise int16 x int16 product rescaled to the cell or hidden state (TFLM CreateInterGateMulParams). */
export interface LstmMulParams {
  multiplier: number;
  shift: number;
}

/**
 * TFLM OpDataLSTM, integer path: int8 (int32 bias) or int16 (int64 bias) activations, int8 weights, int16
 * cell state of scale 2^cellScalePower; gates in forget, input, cell, output order (TFLM's evaluation order).
 */
export interface LstmParams {
  activation: 'int8' | 'int16';
  inputZeroPoint: number;
  hiddenZeroPoint: number;
  forget: LstmGateParams;
  input: LstmGateParams;
  cell: LstmGateParams;
  output: LstmGateParams;
  /** forget gate x cell state -> cell state; input gate x cell gate -> cell state; tanh(cell) x output gate -> hidden. */
  forgetCellMul: LstmMulParams;
  inputMul: LstmMulParams;
  hiddenMul: LstmMulParams;
  cellScalePower: number;
  /** The cell clip in cell-state units (TFLM's quantized_cell_clip), applied when attrs.cellClip > 0. */
  quantizedCellClip: number;
}

export type NoParams = null;

/**
 * TFLM PreluParams (CalculatePreluParams): x - input zp >= 0 is requantized by multiplier1 (input / output
 * scale), else (x - input zp) * (alpha - alpha zp) by multiplier2 (input x alpha / output scale).
 */
export interface PreluParams {
  inputOffset: number;
  alphaOffset: number;
  outputOffset: number;
  multiplier1: number;
  shift1: number;
  multiplier2: number;
  shift2: number;
}

/** TFLM elu.cc OpData: the int8 output for each int8 input, indexed by the input's byte (uint8 of x), built in Prepare. */
export interface LutParams {
  table: Int8Array;
}

/**
 * TFLM LogSoftmaxOpData (log_softmax.cc, int8): diffs to the row maximum scaled into Q5.26 by inputMultiplier
 * << inputLeftShift, diffs below diffMin left out of the sum; reverseScalingDivisor / RightShift take the
 * log of the sum back to the input's scale, where a diff at or below it gives the lowest output.
 */
export interface LogSoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  reverseScalingDivisor: number;
  reverseScalingRightShift: number;
  diffMin: number;
}

/**
 * TFLM batch_matmul.cc Prepare: the real multiplier lhs_scale * rhs_scale (a float32 product) / output_scale
 * (GetQuantizedConvolutionMultipler); offsets are the negated input zero points (0 on the int16 path).
 */
export interface BatchMatMulParams {
  lhsOffset: number;
  rhsOffset: number;
  outputOffset: number;
  multiplier: number;
  shift: number;
}

export interface OpParams {
  ADD: AddSubParams;
  SUB: AddSubParams;
  MUL: MulParams;
  AVERAGE_POOL_2D: NoParams;
  MAX_POOL_2D: NoParams;
  CONV_2D: ConvParams;
  DEPTHWISE_CONV_2D: ConvParams;
  FULLY_CONNECTED: ConvParams;
  CONCATENATION: ConcatenationParams;
  QUANTIZE: QuantizeParams;
  DEQUANTIZE: DequantizeParams;
  HARD_SWISH: HardSwishParams;
  LEAKY_RELU: LeakyReluParams;
  LOGISTIC: SigmoidTanhParams;
  TANH: SigmoidTanhParams;
  RELU: ReluParams;
  RELU6: Relu6Params;
  RELU_N1_TO_1: ReluParams;
  MEAN: MeanParams;
  PAD: PadParams;
  PADV2: PadParams;
  RESHAPE: NoParams;
  SQUEEZE: NoParams;
  RESIZE_NEAREST_NEIGHBOR: NoParams;
  SOFTMAX: SoftmaxParams;
  STRIDED_SLICE: NoParams;
  TRANSPOSE: NoParams;
  MAXIMUM: NoParams;
  MINIMUM: NoParams;
  TRANSPOSE_CONV: ConvParams;
  DECODE: NoParams;
  SVDF: SvdfParams;
  ABS: AbsRsqrtParams;
  RSQRT: AbsRsqrtParams;
  /** TFLM's ArithmeticParams as ADD's (left shift 7 for int8, 0 for int16; the output multiplier may exceed 1). */
  SQUARED_DIFFERENCE: AddSubParams;
  UNIDIRECTIONAL_SEQUENCE_LSTM: LstmParams;
  DEPTH_TO_SPACE: NoParams;
  SPACE_TO_DEPTH: NoParams;
  EXPAND_DIMS: NoParams;
  PACK: NoParams;
  SPLIT: NoParams;
  SPLIT_V: NoParams;
  UNPACK: NoParams;
  BROADCAST_TO: NoParams;
  ZEROS_LIKE: NoParams;
  SHAPE: NoParams;
  GATHER: NoParams;
  /** Stored values converted (static_cast), quantization ignored as TFLM's cast.cc does. */
  CAST: NoParams;
  PRELU: PreluParams;
  ELU: LutParams;
  /** float32 only, as TFLM's exp.cc: an integer EXP is refused when its params are derived. */
  EXP: NoParams;
  /** float32 only, as TFLM's neg.cc: an integer NEG is refused when its params are derived. */
  NEG: NoParams;
  /** TFLM OpDataDiv: MUL's fields; the quotient through GetReciprocal of input 2 (div.h DivElementwise). */
  DIV: MulParams;
  LOG_SOFTMAX: LogSoftmaxParams;
  BATCH_MATMUL: BatchMatMulParams;
  /** QuantizedMeanOrSum with compute_sum: the multiplier is input_scale / output_scale, no 1/count folded in. */
  SUM: MeanParams;
  /** TFLM's int8 REDUCE_MAX needs equal input and output quantization: a max of stored values, no params. */
  REDUCE_MAX: NoParams;
  L2_NORMALIZATION: L2NormParams;
  /** TFLM interpolates the stored values (no requantization); positions are computed from the shapes. */
  RESIZE_BILINEAR: NoParams;
}

export function isOpKind(name: string): name is OpKind {
  return (OP_KINDS as readonly string[]).includes(name);
}
