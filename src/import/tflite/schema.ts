// Facts from the TFLite schema (tensorflow/lite/schema/schema.fbs): field ids, enum values, union tags.
// Field ids are the declaration order inside each table; a union field takes two ids (type, value).
import type { DType } from '../../ir/graph.js';

export const FILE_IDENTIFIER = 'TFL3';
export const SCHEMA_VERSION = 3;

export const ModelField = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;

export const SubGraphField = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;

export const TensorField = {
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  isVariable: 5,
  sparsity: 6,
  shapeSignature: 7,
  hasRank: 8,
  variantTensors: 9,
} as const;

export const QuantizationField = {
  min: 0,
  max: 1,
  scale: 2,
  zeroPoint: 3,
  detailsType: 4,
  details: 5,
  quantizedDimension: 6,
} as const;

export const BufferField = { data: 0, offset: 1, size: 2 } as const;

export const OperatorCodeField = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;

export const OperatorField = {
  opcodeIndex: 0,
  inputs: 1,
  outputs: 2,
  builtinOptionsType: 3,
  builtinOptions: 4,
  customOptions: 5,
  customOptionsFormat: 6,
  mutatingVariableInputs: 7,
  intermediates: 8,
} as const;

export const MetadataField = { name: 0, buffer: 1 } as const;
export const TensorMapField = { name: 0, tensorIndex: 1 } as const;
// id 3 is the deprecated `deprecated_tag`, which still occupies its slot.
export const SignatureDefField = { inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 } as const;

/** TensorType enum, indexed by value. */
export const TENSOR_TYPES: readonly DType[] = [
  'float32', // 0
  'float16',
  'int32',
  'uint8',
  'int64',
  'string', // 5
  'bool',
  'int16',
  'complex64',
  'int8',
  'float64', // 10
  'complex128',
  'uint64',
  'resource',
  'variant',
  'uint32', // 15
  'uint16',
  'int4',
];

export function tensorTypeCode(dtype: DType): number {
  return TENSOR_TYPES.indexOf(dtype);
}

export const ACTIVATIONS = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;
export const PADDINGS = ['SAME', 'VALID'] as const;

/** deprecated_builtin_code is a byte; codes above it live only in builtin_code. */
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
export const CUSTOM_CODE = 32;

/** BuiltinOperator names, indexed by code (0..161), for messages about operators we do not accept. */
const BUILTIN_NAMES_0_161 = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP ' +
  'FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC ' +
  'LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX ' +
  'SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD ' +
  'UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE ' +
  'UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX ' +
  'DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER ' +
  'GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL ' +
  'NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ' +
  'ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL ' +
  'FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE ' +
  'CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE ' +
  'MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND ' +
  'SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE ' +
  'BROADCAST_TO RFFT2D CONV_3D IMAG REAL COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT ' +
  'HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS ' +
  'RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU DYNAMIC_UPDATE_SLICE RELU_0_TO_1 ' +
  'UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2 UNSORTED_SEGMENT_MIN SIGN ' +
  'BITCAST BITWISE_XOR RIGHT_SHIFT'
).split(' ');

export function builtinName(code: number): string {
  if (code >= 0 && code < BUILTIN_NAMES_0_161.length) return BUILTIN_NAMES_0_161[code]!;
  if (code >= 162 && code <= 202) return `STABLEHLO_OP_${code}`;
  return `BUILTIN_${code}`;
}

export function builtinCode(name: string): number {
  return BUILTIN_NAMES_0_161.indexOf(name);
}
