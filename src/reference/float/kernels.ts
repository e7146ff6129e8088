// Every float32 op kind's reference kernel. The layout ops (copies, pads, slices, transposes, resizes)
// move elements of any dtype, so the float path runs the same kernels as the int8 one.
import type { OpKind } from '../../ir/ops.js';
import { broadcastTo, depthToSpace, gather, pack, shape, spaceToDepth, split, zerosLike } from '../ops/blocks.js';
import { cast } from '../ops/cast.js';
import { floatBatchMatMul } from '../ops/batch-matmul.js';
import { concatenation } from '../ops/concatenation.js';
import { maximum, minimum } from '../ops/maximum-minimum.js';
import { padKernel, padV2Kernel } from '../ops/pad.js';
import { expandDims, reshape, squeeze } from '../ops/reshape.js';
import { resizeNearestNeighbor } from '../ops/resize.js';
import { floatResizeBilinear } from '../ops/resize-bilinear.js';
import { stridedSlice } from '../ops/strided-slice.js';
import { transpose } from '../ops/transpose.js';
import type { FloatKernel } from '../types.js';
import { floatAveragePool2d, floatConv2d, floatDepthwiseConv2d, floatFullyConnected, floatMaxPool2d } from './conv.js';
import { floatSvdf } from './svdf.js';
import {
  floatAbs,
  floatAdd,
  floatDiv,
  floatElu,
  floatExp,
  floatNeg,
  floatPrelu,
  floatHardSwish,
  floatLeakyRelu,
  floatLogSoftmax,
  floatLogistic,
  floatL2Normalization,
  floatMean,
  floatReduceMax,
  floatSum,
  floatMul,
  floatRelu,
  floatRelu6,
  floatReluN1To1,
  floatRsqrt,
  floatSquaredDifference,
  floatSoftmax,
  floatSub,
  floatTanh,
} from './elementwise.js';

/**
 * QUANTIZE (float32 -> int8), DEQUANTIZE (int8 -> float32) and DECODE (uint8 -> int8) are int8-path ops: not here.
 * TRANSPOSE_CONV has no float kernel yet: its data input is input 2, so isFloatOp never selects it and
 * the int8 deriver refuses a float one. UNIDIRECTIONAL_SEQUENCE_LSTM has no float kernel either (its deriver refuses a float one).
 */
export type FloatOpKind = Exclude<OpKind, 'QUANTIZE' | 'DEQUANTIZE' | 'TRANSPOSE_CONV' | 'DECODE' | 'UNIDIRECTIONAL_SEQUENCE_LSTM'>;

export const FLOAT_KERNELS: { [K in FloatOpKind]: FloatKernel<K> } = {
  ADD: floatAdd,
  SUB: floatSub,
  MUL: floatMul,
  AVERAGE_POOL_2D: floatAveragePool2d,
  MAX_POOL_2D: floatMaxPool2d,
  CONV_2D: floatConv2d,
  DEPTHWISE_CONV_2D: floatDepthwiseConv2d,
  FULLY_CONNECTED: floatFullyConnected,
  CONCATENATION: concatenation,
  HARD_SWISH: floatHardSwish,
  LEAKY_RELU: floatLeakyRelu,
  LOGISTIC: floatLogistic,
  TANH: floatTanh,
  RELU: floatRelu,
  RELU6: floatRelu6,
  RELU_N1_TO_1: floatReluN1To1,
  MEAN: floatMean,
  PAD: padKernel,
  PADV2: padV2Kernel,
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  RESIZE_NEAREST_NEIGHBOR: resizeNearestNeighbor,
  SOFTMAX: floatSoftmax,
  STRIDED_SLICE: stridedSlice,
  TRANSPOSE: transpose,
  MAXIMUM: maximum,
  MINIMUM: minimum,
  ABS: floatAbs,
  RSQRT: floatRsqrt,
  SQUARED_DIFFERENCE: floatSquaredDifference,
  DEPTH_TO_SPACE: depthToSpace,
  SPACE_TO_DEPTH: spaceToDepth,
  EXPAND_DIMS: expandDims,
  PACK: pack,
  SPLIT: split,
  SPLIT_V: split,
  UNPACK: split,
  BROADCAST_TO: broadcastTo,
  ZEROS_LIKE: zerosLike,
  SHAPE: shape,
  GATHER: gather,
  CAST: cast,
  PRELU: floatPrelu,
  ELU: floatElu,
  EXP: floatExp,
  NEG: floatNeg,
  DIV: floatDiv,
  LOG_SOFTMAX: floatLogSoftmax,
  BATCH_MATMUL: floatBatchMatMul,
  SUM: floatSum,
  REDUCE_MAX: floatReduceMax,
  L2_NORMALIZATION: floatL2Normalization,
  RESIZE_BILINEAR: floatResizeBilinear,
  SVDF: floatSvdf,
};
