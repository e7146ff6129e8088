// The per-op lowering table (like the importer's per-op tables in src/import/tflite): one entry per op
// kind, so a new OpKind without a lowering does not compile.
import type { OpKind } from '../../ir/ops.js';
import type { OpLowering } from './context.js';
import * as d from './ops/div.js';
import * as e from './ops/elementwise.js';
import * as l from './ops/lookup.js';
import * as ls from './ops/log-softmax.js';
import * as m from './ops/movement.js';
import * as mm from './ops/matmul.js';
import * as r from './ops/recurrent.js';
import * as rb from './ops/resize-bilinear.js';
import * as w from './ops/window.js';

export const LOWERINGS: { readonly [K in OpKind]: OpLowering<K> } = {
  ADD: e.ADD,
  SUB: e.SUB,
  MUL: e.MUL,
  AVERAGE_POOL_2D: w.AVERAGE_POOL_2D,
  MAX_POOL_2D: w.MAX_POOL_2D,
  CONV_2D: w.CONV_2D,
  DEPTHWISE_CONV_2D: w.DEPTHWISE_CONV_2D,
  FULLY_CONNECTED: w.FULLY_CONNECTED,
  CONCATENATION: m.CONCATENATION,
  QUANTIZE: e.QUANTIZE,
  DEQUANTIZE: e.DEQUANTIZE,
  HARD_SWISH: e.HARD_SWISH,
  LEAKY_RELU: e.LEAKY_RELU,
  LOGISTIC: e.LOGISTIC,
  TANH: e.TANH,
  RELU: e.RELU,
  RELU6: e.RELU6,
  RELU_N1_TO_1: e.RELU_N1_TO_1,
  MEAN: e.MEAN,
  PAD: m.PAD,
  PADV2: m.PADV2,
  RESHAPE: m.RESHAPE,
  SQUEEZE: m.SQUEEZE,
  RESIZE_NEAREST_NEIGHBOR: m.RESIZE_NEAREST_NEIGHBOR,
  SOFTMAX: e.SOFTMAX,
  STRIDED_SLICE: m.STRIDED_SLICE,
  TRANSPOSE: m.TRANSPOSE,
  MAXIMUM: e.MAXIMUM,
  MINIMUM: e.MINIMUM,
  TRANSPOSE_CONV: w.TRANSPOSE_CONV,
  DECODE: m.DECODE,
  SVDF: r.SVDF,
  ABS: e.ABS,
  RSQRT: e.RSQRT,
  SQUARED_DIFFERENCE: e.SQUARED_DIFFERENCE,
  UNIDIRECTIONAL_SEQUENCE_LSTM: r.UNIDIRECTIONAL_SEQUENCE_LSTM,
  DEPTH_TO_SPACE: m.DEPTH_TO_SPACE,
  SPACE_TO_DEPTH: m.SPACE_TO_DEPTH,
  EXPAND_DIMS: m.EXPAND_DIMS,
  PACK: m.PACK,
  SPLIT: m.SPLIT,
  SPLIT_V: m.SPLIT_V,
  UNPACK: m.UNPACK,
  BROADCAST_TO: m.BROADCAST_TO,
  ZEROS_LIKE: m.ZEROS_LIKE,
  SHAPE: m.SHAPE,
  GATHER: m.GATHER,
  CAST: e.CAST,
  PRELU: e.PRELU,
  ELU: l.ELU,
  EXP: l.EXP,
  NEG: l.NEG,
  DIV: d.DIV,
  LOG_SOFTMAX: ls.LOG_SOFTMAX,
  BATCH_MATMUL: mm.BATCH_MATMUL,
  SUM: e.SUM,
  REDUCE_MAX: e.REDUCE_MAX,
  L2_NORMALIZATION: e.L2_NORMALIZATION,
  RESIZE_BILINEAR: rb.RESIZE_BILINEAR,
};
