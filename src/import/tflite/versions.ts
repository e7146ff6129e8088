// The highest operator version we accept per kind. TFLite bumps an op's version when it gains a dtype
// or a semantic (tensorflow/lite/tools/versioning/op_version.cc); we accept the versions whose meaning
// is covered by TFLite Micro's int8 and 16x8 kernels and our IR, and refuse later ones (int4, hybrid,
// sparse weights, ellipsis/new-axis slices, ...) up front. TFLM itself never reads the version: a version
// whose only change is a dtype the params derivation checks (src/ir/params/) is accepted here, so a file
// TFLM runs is not refused for its version (docs/TFLM-CHECKS.md).
import type { OpKind } from '../../ir/ops.js';

export const MAX_OP_VERSION: { readonly [K in OpKind]: number } = {
  ADD: 3, // 3: int16 non-POT scales (TFLM's only int16 ADD), 4: int64, 5: int16 unquantized
  SUB: 5, // 3: broadcast beyond 4-D (params refuse it), 4: int64 (params refuse it), 5: int16 non-POT (TFLM's only int16 SUB)
  MUL: 4, // 3: int8 with rescale >= 1 (same kernel), 4: int16 (zero points 0), 5: int64, 7: int16 unquantized
  AVERAGE_POOL_2D: 3, // 3: int16
  MAX_POOL_2D: 3, // 3: int16
  CONV_2D: 3, // 4: int16, 5: hybrid per-channel, 6: grouped, 7: int4 filter, 8: int16 bias type
  DEPTHWISE_CONV_2D: 5, // 4: hybrid (params refuse an int8 filter on a float op), 5: int16 (16x8), 6: hybrid per-channel, 7: int4 filter
  FULLY_CONNECTED: 6, // 4: int8, 5: keep_num_dims, 6: no bias; 7: int16, 8: sparse, 9+: hybrid/int4
  CONCATENATION: 3, // 3: int16, 4: uint32
  QUANTIZE: 2, // 2: int16 output, 3: per-channel, 4: int4
  DEQUANTIZE: 3, // 3: int16/float16 (params refuse float16), 5: per-channel, 6: int4
  HARD_SWISH: 1,
  LEAKY_RELU: 2, // 2: int16
  LOGISTIC: 3, // 3: int16
  TANH: 3, // 3: int16
  RELU: 3, // 3: int16
  RELU6: 3, // 3: int16
  RELU_N1_TO_1: 1,
  MEAN: 3, // 3: int16
  PAD: 3, // 3: int16, 4: more than 4-D
  PADV2: 3, // 3: int16, 4: more than 4-D
  RESHAPE: 1,
  SQUEEZE: 1, // 2: string
  RESIZE_NEAREST_NEIGHBOR: 4, // 3: align_corners / half_pixel_centers, 4: int16
  SOFTMAX: 3, // 3: int16
  STRIDED_SLICE: 4, // 4: more than 4-D, 5: string, 6: ellipsis/new-axis, 7: uint32, 8: offset
  TRANSPOSE: 5, // 3: bool, 4: 5-D, 5: int16, 6: more than 5-D
  MAXIMUM: 4, // 2: int8, 3: broadcast beyond 4-D (params refuse it), 4: int16 (TFLM's int16 kernel; the params check the dtype)
  MINIMUM: 4, // 2: int8, 3: broadcast beyond 4-D (params refuse it), 4: int16 (TFLM's int16 kernel; the params check the dtype)
  TRANSPOSE_CONV: 3, // 2: int8, 3: int16 (16x8), 4: fused activation, 5: int16 bias type
  DECODE: 1, // TFLM_DECODE custom operator, one version
  SVDF: 3, // 2: hybrid (float input, int8 weights), 3: int8, 4: hybrid with asymmetric inputs
  ABS: 4, // 2: int8, 3: int16 quantized, 4: int16 unquantized (TFLM's AbsHelper: std::abs, wrapping)
  RSQRT: 2, // 2: int8, 3: int16 (TFLM's Prepare refuses int16)
  SQUARED_DIFFERENCE: 2, // 2: int8 (int16 files keep version 2 too)
  UNIDIRECTIONAL_SEQUENCE_LSTM: 5, // 1: float or int8, 2-3: hybrid (the deriver refuses float input), 4: diagonal recurrent weights, 5: 16x8
  DEPTH_TO_SPACE: 2, // 2: int8
  SPACE_TO_DEPTH: 2, // 2: int8
  EXPAND_DIMS: 1,
  PACK: 3, // 2: int8, 3: int16, 4: uint32
  SPLIT: 4, // 2: int8, 3: int16, 4: int32
  SPLIT_V: 3, // 2: int8, 3: int16
  UNPACK: 4, // 2: int8, 3: bool, 4: int16
  BROADCAST_TO: 3, // 2: float32 (v1 was withdrawn), 3: int8 / int16
  ZEROS_LIKE: 1,
  SHAPE: 1,
  GATHER: 5, // 2: int8, 5: batch_dims; 6: int16 (TFLM: float32 and int8 only)
  PRELU: 1, // one version: float32, int8, int16 with int8 alpha
  CAST: 7, // every version adds dtypes only (2: uint32, 3: int8, 4: uint16, 5: float16/64, 6: int4, 7: bfloat16); the params check them
  ELU: 2, // 2: int8 (a lookup table)
  NEG: 2, // 2: int8 (TFLM's neg.cc runs float32 only; the params refuse int8 naming it)
  EXP: 2, // 2: int8 / int16 (TFLM's Prepare refuses both: float32 only; the params check them)
  DIV: 2, // 2: broadcasting over 5-D (int8 keeps version 1 or 2)
  LOG_SOFTMAX: 2, // 2: int8
  BATCH_MATMUL: 4, // 2: int8, 3: int16, 4: asymmetric_quantize_inputs (hybrid: the params refuse a float LHS with an int8 RHS)
  SUM: 2, // 2: int8 (int16 SUM has no version of its own; TFLM runs float32/int8/int16)
  REDUCE_MAX: 3, // 2: int8, 3: int16 (TFLM: float32 and int8 only; the params refuse int16)
  L2_NORMALIZATION: 2, // 2: int8
  RESIZE_BILINEAR: 4, // 2: int8, 3: half_pixel_centers, 4: int16 (TFLM: float32 and int8 only; the params refuse int16)
};
