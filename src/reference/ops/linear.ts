// The reference kernels of the linear and layout ops.
import type { LinearKind } from '../../ir/params/linear.js';
import type { RefKernels } from '../types.js';
import { broadcastTo, depthToSpace, gather, pack, shape, spaceToDepth, split, zerosLike } from './blocks.js';
import { cast } from './cast.js';
import { prelu } from './prelu.js';
import { batchMatMul } from './batch-matmul.js';
import { concatenation } from './concatenation.js';
import { conv2d } from './conv.js';
import { decode } from './decode.js';
import { depthwiseConv2d } from './depthwise.js';
import { div } from './div.js';
import { add, mul, sub } from './elementwise.js';
import { fullyConnected } from './fully-connected.js';
import { maximum, minimum } from './maximum-minimum.js';
import { padKernel, padV2Kernel } from './pad.js';
import { averagePool2d, maxPool2d } from './pool.js';
import { expandDims, reshape, squeeze } from './reshape.js';
import { resizeNearestNeighbor } from './resize.js';
import { squaredDifference } from './squared-difference.js';
import { stridedSlice } from './strided-slice.js';
import { svdf } from './svdf.js';
import { unidirectionalSequenceLstm } from './lstm.js';
import { transpose } from './transpose.js';
import { transposeConv } from './transpose-conv.js';
import { resizeBilinear } from './resize-bilinear.js';

export const linearKernels: RefKernels<LinearKind> = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  FULLY_CONNECTED: fullyConnected,
  AVERAGE_POOL_2D: averagePool2d,
  MAX_POOL_2D: maxPool2d,
  ADD: add,
  SUB: sub,
  MUL: mul,
  CONCATENATION: concatenation,
  PAD: padKernel,
  PADV2: padV2Kernel,
  TRANSPOSE: transpose,
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  STRIDED_SLICE: stridedSlice,
  RESIZE_NEAREST_NEIGHBOR: resizeNearestNeighbor,
  MAXIMUM: maximum,
  MINIMUM: minimum,
  TRANSPOSE_CONV: transposeConv,
  DECODE: decode,
  SVDF: svdf,
  SQUARED_DIFFERENCE: squaredDifference,
  UNIDIRECTIONAL_SEQUENCE_LSTM: unidirectionalSequenceLstm,
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
  PRELU: prelu,
  DIV: div,
  BATCH_MATMUL: batchMatMul,
  RESIZE_BILINEAR: resizeBilinear,
};
