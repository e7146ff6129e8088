// Every kernel symbol of the ABI, the record it takes and the op kinds it runs.
//
// ## Kernel symbols
// `<op>_<dtype>[_<variant>]`, e.g. conv2d_s8, conv2d_s8_stream_row, dwconv2d_s8_inplace_channel;
// dtype codes s8/u8/s16/s32/f32 (in_out for conversions: quantize_f32_s8, requantize_s8_s16). Kernels
// that only move elements take `elem_bytes` and carry no dtype (pad, strided_copy, concatenation,
// resize_nearest, copy, copy_window). Variants realize exactly the access order of
// src/reference/variants.ts (the plan overlaps input and output relying on it). The variant
// 'stream-element' never changes the symbol: every element-wise kernel of both libraries MUST run as a
// forward stream (output elements in increasing order, each written right after reading what it
// depends on; SOFTMAX reads a row twice before its write pass; PAD writes front to back, never
// pre-filling). Fast paths (`conv2d_s8_1x1`, `dwconv2d_s8_3x3`) use their generic kernel's record and
// are chosen only for the default variant when LowerOptions.fastPaths is on; `dwconv2d_s8_kxk_inplace_channel`
// (5x5 and 7x7) is the inplace-channel kernel's, in its access order.
import type { OpKind } from '../../ir/ops.js';
import type { KernelSources, KernelVariant } from '../../ir/op-table.js';
import type { RecordName } from './records.js';

export interface KernelSpec<R extends string = RecordName> {
  record: R;
  /** Op kinds it computes ('copy-window' for CopyWindowCall). */
  ops: ReadonlyArray<OpKind | 'copy-window'>;
  /** Plan variant whose access order it realizes ('default' = any order; inputs and outputs never overlap). */
  variant: KernelVariant;
  summary: string;
  /** Its source files when they are not its op's OP_TABLE kernels (the 16x8 kernels have files of their own). */
  sources?: KernelSources;
  /** Other kernels its C source calls (conv_lut.c runs conv.c's on the decoded filter): their files ship with it. */
  calls?: readonly string[];
}

const CONV16_SOURCES: KernelSources = { wasm: 'conv16.ts', c: 'conv16.c' };
const MAX_MIN16_SOURCES: KernelSources = { wasm: 'max-min16.ts', c: 'max_min16.c' };
const CONV_LUT_SOURCES: KernelSources = { wasm: 'conv-lut.ts', c: 'conv_lut.c' };
const CONV_LUT = 'int8 convolution over LUT-compressed weights: the whole filter, else four channels at a time, decoded into workspace; on the fly without it';
const DW_LUT_SOURCES: KernelSources = { wasm: 'dw-lut.ts', c: 'dw_lut.c' };
const DW_LUT = 'int8 depthwise convolution over LUT-compressed weights (a table per channel): the whole filter decoded into workspace, then depthwise.c; on the fly without it';

// conv.c's paths as symbols of their own (src/ir/workspace.ts cConvPath), in the variants the planner gives their
// layers (src/plan/overlap.ts convRules: stream-pixel only pixelwise, stream-row only not): a model links only the paths its layers run
const CONV_PATH = 'int8 convolution, one ARMv7E-M path (the lowering proved its conditions; portable elsewhere)';
const CONV_ORDERS = { '': ['default', 'any order'], _stream_row: ['stream-row', 'output rows in order via scratch'], _stream_pixel: ['stream-pixel', 'output pixels in order'] } as const;
const CONV_PATHS = [
  ['pw', 'pointwise (1x1, stride 1, no pads), 4-pixel blocks', ['', '_stream_pixel']],
  ['pw_rec', 'pointwise over 8 or 16 channels from the lowering\'s channel records (record field channel_records), pixel by pixel', ['', '_stream_pixel']],
  ['3x3c3', 'column path, 3x3 over 3 channels', ['', '_stream_row']],
  ['3x3c3_rec', '3x3 over 3 channels from the lowering\'s channel-pair records (record field channel_records), 2 pixels x 2 channels', ['', '_stream_row']],
  ['kxk4', 'column path, depth a multiple of 4', ['', '_stream_row']],
  ['kxk', 'column path, any window', ['', '_stream_row']],
] as const;

const REQUANTIZE_PAIRS = ['s16_s8', 's8_s8', 's8_u8', 'u8_s8', 's8_s16', 's8_s32', 's16_s16', 's16_s32', 's32_s8', 's32_s16'] as const;

const ELEMENTWISE = 'forward stream (also the stream-element order)';

/** Every kernel symbol of the ABI. Both libraries implement the symbols the models they build need. */
export const KERNELS: Record<string, KernelSpec> = {
  conv2d_s8: { record: 'conv2d', ops: ['CONV_2D'], variant: 'default', summary: 'int8 convolution, per-channel requantization, groups' },
  conv2d_s8_1x1: { record: 'conv2d', ops: ['CONV_2D'], variant: 'default', summary: 'fast path: 1x1, stride 1, no pads, 1 group (a matrix product)' },
  conv2d_s8_stream_row: { record: 'conv2d', ops: ['CONV_2D'], variant: 'stream-row', summary: 'output rows in order, each computed into scratch then written' },
  conv2d_s8_stream_pixel: { record: 'conv2d', ops: ['CONV_2D'], variant: 'stream-pixel', summary: 'output pixels in order, each computed into scratch then written' },
  ...Object.fromEntries(CONV_PATHS.flatMap(([path, what, suffixes]) => suffixes.map((suffix) => [
    `conv2d_s8_${path}${suffix}`,
    { record: 'conv2d', ops: ['CONV_2D'], variant: CONV_ORDERS[suffix][0], summary: `${CONV_PATH}: ${what}; ${CONV_ORDERS[suffix][1]}` } satisfies KernelSpec,
  ]))),
  conv2d_lut_s8: { record: 'conv2d_lut', ops: ['CONV_2D'], variant: 'default', summary: CONV_LUT, sources: CONV_LUT_SOURCES, calls: ['conv2d_s8', 'conv2d_s8_1x1'] },
  conv2d_lut_s8_stream_row: { record: 'conv2d_lut', ops: ['CONV_2D'], variant: 'stream-row', summary: `${CONV_LUT}; output rows in order via scratch`, sources: CONV_LUT_SOURCES, calls: ['conv2d_s8_stream_row'] },
  conv2d_lut_s8_stream_pixel: { record: 'conv2d_lut', ops: ['CONV_2D'], variant: 'stream-pixel', summary: `${CONV_LUT}; output pixels in order via scratch`, sources: CONV_LUT_SOURCES, calls: ['conv2d_s8_stream_pixel'] },
  dwconv2d_s8: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'default', summary: 'int8 depthwise convolution' },
  dwconv2d_lut_s8: { record: 'dwconv2d_lut', ops: ['DEPTHWISE_CONV_2D'], variant: 'default', summary: DW_LUT, sources: DW_LUT_SOURCES, calls: ['dwconv2d_s8', 'dwconv2d_s8_3x3'] },
  dwconv2d_lut_s8_stream_row: { record: 'dwconv2d_lut', ops: ['DEPTHWISE_CONV_2D'], variant: 'stream-row', summary: `${DW_LUT}; output rows in order via scratch`, sources: DW_LUT_SOURCES, calls: ['dwconv2d_s8_stream_row'] },
  dwconv2d_lut_s8_inplace_channel: { record: 'dwconv2d_lut', ops: ['DEPTHWISE_CONV_2D'], variant: 'inplace-channel', summary: `${DW_LUT}; per (batch, channel) plane via scratch`, sources: DW_LUT_SOURCES, calls: ['dwconv2d_s8_inplace_channel'] },
  dwconv2d_s8_3x3: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'default', summary: 'fast path: 3x3, dilation 1, multiplier 1' },
  dwconv2d_s8_stream_row: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'stream-row', summary: 'output rows in order via scratch' },
  dwconv2d_s8_stream_row_ring: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'stream-row', summary: 'stream-row, 3x3 over rows of 8 or more (src/ir/workspace.ts cDepthwiseStreamRing): each four-channel group\'s input rows through its own ring, output rows in order via scratch' },
  dwconv2d_s8_kxk_inplace_channel: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'inplace-channel', summary: 'fast path of inplace-channel: 5x5 and 7x7, dilation 1, multiplier 1, stride_w 1 or 2 (linked only where chosen)' },
  dwconv2d_s8_inplace_channel: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'inplace-channel', summary: 'per (batch, channel): the plane into scratch, then into the channel' },
  dwconv2d_s8_inplace_channel_ring: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'inplace-channel', summary: 'inplace-channel, 3x3 over runs of 8 or more (src/ir/workspace.ts cDepthwiseRing): four channels\' input runs through a ring, each output run written as it is done' },
  fully_connected_s8: { record: 'fully_connected', ops: ['FULLY_CONNECTED'], variant: 'default', summary: 'int8 fully connected' },
  fully_connected_lut_s8: { record: 'fully_connected_lut', ops: ['FULLY_CONNECTED'], variant: 'default', summary: 'int8 fully connected over LUT-compressed weights: four units decoded at a time into workspace' },
  fully_connected_s8_stream_row: { record: 'fully_connected', ops: ['FULLY_CONNECTED'], variant: 'stream-row', summary: 'batch rows in order via scratch' },
  avgpool2d_s8: { record: 'pool2d', ops: ['AVERAGE_POOL_2D'], variant: 'default', summary: 'average pool (padding not counted)' },
  avgpool2d_s8_stream_row: { record: 'pool2d', ops: ['AVERAGE_POOL_2D'], variant: 'stream-row', summary: 'output rows in order via scratch' },
  maxpool2d_s8: { record: 'pool2d', ops: ['MAX_POOL_2D'], variant: 'default', summary: 'max pool' },
  maxpool2d_s8_stream_row: { record: 'pool2d', ops: ['MAX_POOL_2D'], variant: 'stream-row', summary: 'output rows in order via scratch' },
  avgpool2d_s16: { record: 'pool2d', ops: ['AVERAGE_POOL_2D'], variant: 'default', summary: 'int16 average pool (padding not counted)' },
  maxpool2d_s16: { record: 'pool2d', ops: ['MAX_POOL_2D'], variant: 'default', summary: 'int16 max pool' },
  conv2d_s16: { record: 'conv2d', ops: ['CONV_2D'], variant: 'default', summary: '16x8 convolution: int16 activations, int8 filter, int64 bias and accumulator', sources: CONV16_SOURCES },
  dwconv2d_s16: { record: 'dwconv2d', ops: ['DEPTHWISE_CONV_2D'], variant: 'default', summary: '16x8 depthwise convolution: int16 activations, int8 filter, int64 bias and accumulator', sources: CONV16_SOURCES },
  fully_connected_s16: { record: 'fully_connected', ops: ['FULLY_CONNECTED'], variant: 'default', summary: '16x8 fully connected: int16 activations, int8 weights, int64 bias and accumulator', sources: CONV16_SOURCES },
  transpose_conv_s8: { record: 'transpose_conv', ops: ['TRANSPOSE_CONV'], variant: 'default', summary: 'int8 transpose convolution, a gather per output element' },
  svdf_s8: { record: 'svdf', ops: ['SVDF'], variant: 'default', summary: 'int8 SVDF, int8 time weights and state (updated in place)' },
  svdf_s16: { record: 'svdf', ops: ['SVDF'], variant: 'default', summary: 'int8 SVDF, int16 time weights and state (updated in place)' },
  transpose_conv_s16: { record: 'transpose_conv', ops: ['TRANSPOSE_CONV'], variant: 'default', summary: '16x8 transpose convolution, int64 bias and accumulator' },
  add_s8: { record: 'add', ops: ['ADD'], variant: 'default', summary: `int8 add with broadcasting; ${ELEMENTWISE}` },
  add_s16: { record: 'add', ops: ['ADD'], variant: 'default', summary: `int16 add (left shift 15) with broadcasting; ${ELEMENTWISE}` },
  sub_s16: { record: 'add', ops: ['SUB'], variant: 'default', summary: `int16 subtract (left shift 15) with broadcasting; ${ELEMENTWISE}` },
  sub_s8: { record: 'add', ops: ['SUB'], variant: 'default', summary: `int8 subtract with broadcasting; ${ELEMENTWISE}` },
  mul_s8: { record: 'mul', ops: ['MUL'], variant: 'default', summary: `int8 multiply with broadcasting; ${ELEMENTWISE}` },
  mul_s16: { record: 'mul', ops: ['MUL'], variant: 'default', summary: `int16 multiply with broadcasting (zero points 0); ${ELEMENTWISE}` },
  maximum_s8: { record: 'max_min', ops: ['MAXIMUM'], variant: 'default', summary: `int8 maximum with broadcasting; ${ELEMENTWISE}` },
  minimum_s8: { record: 'max_min', ops: ['MINIMUM'], variant: 'default', summary: `int8 minimum with broadcasting; ${ELEMENTWISE}` },
  relu_s8: { record: 'relu', ops: ['RELU', 'RELU_N1_TO_1'], variant: 'default', summary: ELEMENTWISE },
  relu_s16: { record: 'relu', ops: ['RELU'], variant: 'default', summary: ELEMENTWISE },
  relu6_s8: { record: 'clamp', ops: ['RELU6'], variant: 'default', summary: ELEMENTWISE },
  relu6_s16: { record: 'clamp', ops: ['RELU6'], variant: 'default', summary: ELEMENTWISE },
  leaky_relu_s8: { record: 'leaky_relu', ops: ['LEAKY_RELU'], variant: 'default', summary: ELEMENTWISE },
  leaky_relu_s16: { record: 'leaky_relu', ops: ['LEAKY_RELU'], variant: 'default', summary: ELEMENTWISE },
  hard_swish_s8: { record: 'hard_swish', ops: ['HARD_SWISH'], variant: 'default', summary: ELEMENTWISE },
  logistic_s8: { record: 'sigmoid', ops: ['LOGISTIC'], variant: 'default', summary: ELEMENTWISE },
  tanh_s8: { record: 'sigmoid', ops: ['TANH'], variant: 'default', summary: ELEMENTWISE },
  logistic_s16: { record: 'sigmoid', ops: ['LOGISTIC'], variant: 'default', summary: `int16, TFLite's interpolated sigmoid table; ${ELEMENTWISE}` },
  tanh_s16: { record: 'sigmoid', ops: ['TANH'], variant: 'default', summary: `int16, TFLite's interpolated sigmoid table; ${ELEMENTWISE}` },
  softmax_s8: { record: 'softmax', ops: ['SOFTMAX'], variant: 'default', summary: 'int8 -> int8; per row: max, sum, write pass' },
  softmax_s8_s16: { record: 'softmax', ops: ['SOFTMAX'], variant: 'default', summary: 'int8 -> int16; per row: max, sum, write pass' },
  softmax_s16: { record: 'softmax', ops: ['SOFTMAX'], variant: 'default', summary: 'int16 -> int16, TFLM\'s exp and 1/(1+x) tables; per row: max, sum, write pass' },
  mean_s8: { record: 'mean', ops: ['MEAN', 'SUM'], variant: 'default', summary: 'int8 mean or sum over up to 2 axes' },
  mean_s16: { record: 'mean', ops: ['MEAN', 'SUM'], variant: 'default', summary: 'int16 mean or sum over up to 2 axes' },
  quantize_f32_s8: { record: 'quantize', ops: ['QUANTIZE'], variant: 'default', summary: ELEMENTWISE },
  quantize_f32_s16: { record: 'quantize', ops: ['QUANTIZE'], variant: 'default', summary: ELEMENTWISE },
  ...Object.fromEntries(
    REQUANTIZE_PAIRS.map((p) => [`requantize_${p}`, { record: 'requantize', ops: ['QUANTIZE'], variant: 'default', summary: ELEMENTWISE } satisfies KernelSpec]),
  ),
  dequantize_s8_f32: { record: 'dequantize', ops: ['DEQUANTIZE'], variant: 'default', summary: ELEMENTWISE },
  dequantize_u8_f32: { record: 'dequantize', ops: ['DEQUANTIZE'], variant: 'default', summary: ELEMENTWISE },
  dequantize_s16_f32: { record: 'dequantize', ops: ['DEQUANTIZE'], variant: 'default', summary: ELEMENTWISE },
  pad: { record: 'pad', ops: ['PAD', 'PADV2', 'ZEROS_LIKE'], variant: 'default', summary: `any dtype; ${ELEMENTWISE}` },
  strided_copy: { record: 'strided_copy', ops: ['TRANSPOSE', 'STRIDED_SLICE', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH', 'BROADCAST_TO'], variant: 'default', summary: `any dtype; ${ELEMENTWISE}` },
  concatenation: { record: 'concatenation', ops: ['CONCATENATION', 'PACK'], variant: 'default', summary: 'any dtype; byte copies' },
  cast: { record: 'cast', ops: ['CAST'], variant: 'default', summary: `int8/int16/int32/float32 to any of them; ${ELEMENTWISE}` },
  gather: { record: 'gather', ops: ['GATHER'], variant: 'default', summary: 'any dtype; int32 positions; byte copies' },
  split: { record: 'split', ops: ['SPLIT', 'SPLIT_V', 'UNPACK'], variant: 'default', summary: 'any dtype; byte copies into several outputs' },
  resize_nearest: { record: 'resize_nearest', ops: ['RESIZE_NEAREST_NEIGHBOR'], variant: 'default', summary: 'any dtype' },
  squared_difference_s8: { record: 'add', ops: ['SQUARED_DIFFERENCE'], variant: 'default', summary: `int8 (a - b)^2 with broadcasting; ${ELEMENTWISE}` },
  squared_difference_s16: { record: 'add', ops: ['SQUARED_DIFFERENCE'], variant: 'default', summary: `int16 (a - b)^2 with broadcasting; ${ELEMENTWISE}` },
  squared_difference_s32: { record: 'add', ops: ['SQUARED_DIFFERENCE'], variant: 'default', summary: `unquantized int32 (a - b)^2, wrapping, with broadcasting; ${ELEMENTWISE}` },
  prelu_s8: { record: 'add', ops: ['PRELU'], variant: 'default', summary: `int8 alpha broadcast; ${ELEMENTWISE}` },
  prelu_s16: { record: 'add', ops: ['PRELU'], variant: 'default', summary: `int16 input, int8 alpha broadcast; ${ELEMENTWISE}` },
  abs_s8: { record: 'abs_rsqrt', ops: ['ABS'], variant: 'default', summary: ELEMENTWISE },
  abs_s16: { record: 'abs_rsqrt', ops: ['ABS'], variant: 'default', summary: ELEMENTWISE },
  abs_s16_unquantized: { record: 'abs_rsqrt', ops: ['ABS'], variant: 'default', summary: `int16 without quantization: std::abs, -32768 wraps to itself; ${ELEMENTWISE}` },
  rsqrt_s8: { record: 'abs_rsqrt', ops: ['RSQRT'], variant: 'default', summary: `Newton-Raphson 1 / sqrt per element; ${ELEMENTWISE}` },
  copy: { record: 'copy', ops: ['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'SHAPE'], variant: 'default', summary: 'memmove' },
  decode_lut_s8: { record: 'decode_lut', ops: ['DECODE'], variant: 'default', summary: 'packed LUT indices -> int8 values of their channel table' },
  copy_window: { record: 'copy_window', ops: ['copy-window'], variant: 'default', summary: 'patch tiles: a spatial window to or from a compact tile' },
  lstm_s8: { record: 'lstm', ops: ['UNIDIRECTIONAL_SEQUENCE_LSTM'], variant: 'default', summary: 'int8 activations, int8 weights, int16 cell; per batch row and time step: 4 gates into workspace, then the states' },
  lstm_s16: { record: 'lstm', ops: ['UNIDIRECTIONAL_SEQUENCE_LSTM'], variant: 'default', summary: '16x8: int16 activations, int8 weights, int64 bias and accumulator; as lstm_s8' },
  lut_s8: { record: 'lut_s8', ops: ['ELU'], variant: 'default', summary: `int8 256-entry table from Prepare; ${ELEMENTWISE}` },
  div_s8: { record: 'mul', ops: ['DIV'], variant: 'default', summary: `int8, 1 / divisor by GetReciprocal, broadcasting; ${ELEMENTWISE}` },
  div_s32: { record: 'mul', ops: ['DIV'], variant: 'default', summary: `unquantized int32 a / b truncating (x / 0 = 0, INT32_MIN / -1 = INT32_MIN as Cortex-M's SDIV), broadcasting; ${ELEMENTWISE}` },
  log_softmax_s8: { record: 'log_softmax', ops: ['LOG_SOFTMAX'], variant: 'default', summary: 'int8; per row: max, sum of exps, log, write pass' },
  batch_matmul_s8: { record: 'batch_matmul', ops: ['BATCH_MATMUL'], variant: 'default', summary: 'int8 batched matrix product, int32 accumulator, batch dims broadcast' },
  batch_matmul_s16: { record: 'batch_matmul', ops: ['BATCH_MATMUL'], variant: 'default', summary: 'int16 batched matrix product, int64 accumulator, batch dims broadcast' },
  reduce_max_s8: { record: 'mean', ops: ['REDUCE_MAX'], variant: 'default', summary: 'int8 max over any axes (the mean record, no requantization)' },
  l2norm_s8: { record: 'l2norm', ops: ['L2_NORMALIZATION'], variant: 'default', summary: 'int8 rows scaled by their inverse L2 norm (outputs in 1/128 steps)' },
  maximum_s16: { record: 'max_min', ops: ['MAXIMUM'], variant: 'default', summary: `int16 maximum with broadcasting; ${ELEMENTWISE}`, sources: MAX_MIN16_SOURCES },
  minimum_s16: { record: 'max_min', ops: ['MINIMUM'], variant: 'default', summary: `int16 minimum with broadcasting; ${ELEMENTWISE}`, sources: MAX_MIN16_SOURCES },
  resize_bilinear_s8: { record: 'resize_bilinear', ops: ['RESIZE_BILINEAR'], variant: 'default', summary: 'int8, TFLM\'s integer interpolation (10-bit positions)' },
};
