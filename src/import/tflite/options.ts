// The builtin options table of each op kind we accept, declared once and used by both reader and writer.
import type { OpKind } from '../../ir/ops.js';

export type OptionScalar = 'i8' | 'u8' | 'bool' | 'i32' | 'f32';
export type OptionKind = OptionScalar | 'i32[]';

export interface OptionField {
  name: string;
  /** Field id in the options table (declaration order in schema.fbs). */
  id: number;
  kind: OptionKind;
  /** Schema default, used when the field (or the whole table) is absent. */
  default: number | boolean | number[];
}

export interface OptionsTable {
  /** Tag in the BuiltinOptions union. */
  unionType: number;
  fields: OptionField[];
}

export type OptionValues = Record<string, number | boolean | number[]>;

const f = (name: string, id: number, kind: OptionKind, def: number | boolean | number[] = kind === 'bool' ? false : kind === 'i32[]' ? [] : 0): OptionField => ({
  name,
  id,
  kind,
  default: def,
});

const CONV: OptionsTable = {
  unionType: 1,
  fields: [f('padding', 0, 'i8'), f('strideW', 1, 'i32'), f('strideH', 2, 'i32'), f('activation', 3, 'i8'), f('dilationW', 4, 'i32', 1), f('dilationH', 5, 'i32', 1)],
};
const DEPTHWISE: OptionsTable = {
  unionType: 2,
  fields: [
    f('padding', 0, 'i8'),
    f('strideW', 1, 'i32'),
    f('strideH', 2, 'i32'),
    f('depthMultiplier', 3, 'i32'),
    f('activation', 4, 'i8'),
    f('dilationW', 5, 'i32', 1),
    f('dilationH', 6, 'i32', 1),
  ],
};
const POOL: OptionsTable = {
  unionType: 5,
  fields: [f('padding', 0, 'i8'), f('strideW', 1, 'i32'), f('strideH', 2, 'i32'), f('filterW', 3, 'i32'), f('filterH', 4, 'i32'), f('activation', 5, 'i8')],
};
const FULLY_CONNECTED: OptionsTable = {
  unionType: 8,
  fields: [f('activation', 0, 'i8'), f('weightsFormat', 1, 'i8'), f('keepNumDims', 2, 'bool'), f('asymmetricQuantizeInputs', 3, 'bool')],
};
const ADD: OptionsTable = { unionType: 11, fields: [f('activation', 0, 'i8'), f('potScaleInt16', 1, 'bool', true)] };
const SUB: OptionsTable = { unionType: 28, fields: [f('activation', 0, 'i8'), f('potScaleInt16', 1, 'bool', true)] };
const MUL: OptionsTable = { unionType: 21, fields: [f('activation', 0, 'i8')] };
const empty = (unionType: number): OptionsTable => ({ unionType, fields: [] });

/** Op kind -> options table; null for kinds whose schema has no options table. */
export const OPTIONS: { readonly [K in OpKind]: OptionsTable | null } = {
  ADD,
  SUB,
  MUL,
  AVERAGE_POOL_2D: POOL,
  MAX_POOL_2D: POOL,
  CONV_2D: CONV,
  DEPTHWISE_CONV_2D: DEPTHWISE,
  FULLY_CONNECTED,
  CONCATENATION: { unionType: 10, fields: [f('axis', 0, 'i32'), f('activation', 1, 'i8')] },
  QUANTIZE: empty(89),
  DEQUANTIZE: empty(38),
  HARD_SWISH: empty(91),
  LEAKY_RELU: { unionType: 75, fields: [f('alpha', 0, 'f32')] },
  LOGISTIC: null,
  TANH: null,
  RELU: null,
  RELU6: null,
  RELU_N1_TO_1: null,
  MEAN: { unionType: 27, fields: [f('keepDims', 0, 'bool')] },
  PAD: empty(22),
  PADV2: empty(43),
  RESHAPE: { unionType: 17, fields: [f('newShape', 0, 'i32[]')] },
  SQUEEZE: { unionType: 30, fields: [f('squeezeDims', 0, 'i32[]')] },
  RESIZE_NEAREST_NEIGHBOR: { unionType: 74, fields: [f('alignCorners', 0, 'bool'), f('halfPixelCenters', 1, 'bool')] },
  SOFTMAX: { unionType: 9, fields: [f('beta', 0, 'f32')] },
  STRIDED_SLICE: {
    unionType: 32,
    fields: [
      f('beginMask', 0, 'i32'),
      f('endMask', 1, 'i32'),
      f('ellipsisMask', 2, 'i32'),
      f('newAxisMask', 3, 'i32'),
      f('shrinkAxisMask', 4, 'i32'),
      f('offset', 5, 'bool'),
    ],
  },
  TRANSPOSE: empty(26),
  MAXIMUM: empty(39),
  MINIMUM: empty(39),
  // TransposeConvOptions; fused_activation_function (id 3) came with version 4, which we do not accept.
  TRANSPOSE_CONV: { unionType: 49, fields: [f('padding', 0, 'i8'), f('strideW', 1, 'i32'), f('strideH', 2, 'i32'), f('activation', 3, 'i8')] },
  DECODE: null, // a custom operator (TFLM_DECODE) without options
  SVDF: { unionType: 6, fields: [f('rank', 0, 'i32'), f('activation', 1, 'i8'), f('asymmetricQuantizeInputs', 2, 'bool')] },
  ABS: empty(78),
  RSQRT: null,
  SQUARED_DIFFERENCE: empty(76),
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    unionType: 71,
    fields: [f('activation', 0, 'i8'), f('cellClip', 1, 'f32'), f('projClip', 2, 'f32'), f('timeMajor', 3, 'bool'), f('asymmetricQuantizeInputs', 4, 'bool'), f('diagonalRecurrentTensors', 5, 'bool')],
  },
  DEPTH_TO_SPACE: { unionType: 94, fields: [f('blockSize', 0, 'i32')] },
  SPACE_TO_DEPTH: { unionType: 19, fields: [f('blockSize', 0, 'i32')] },
  EXPAND_DIMS: empty(52),
  PACK: { unionType: 59, fields: [f('valuesCount', 0, 'i32'), f('axis', 1, 'i32')] },
  SPLIT: { unionType: 35, fields: [f('numSplits', 0, 'i32')] },
  SPLIT_V: { unionType: 79, fields: [f('numSplits', 0, 'i32')] },
  UNPACK: { unionType: 64, fields: [f('num', 0, 'i32'), f('axis', 1, 'i32')] },
  BROADCAST_TO: null, // BroadcastToOptions has no fields
  ZEROS_LIKE: empty(67),
  SHAPE: { unionType: 55, fields: [f('outType', 0, 'i8')] },
  GATHER: { unionType: 23, fields: [f('axis', 0, 'i32'), f('batchDims', 1, 'i32')] },
  // CastOptions: TensorType codes TFLM never reads (the tensors' own dtypes decide).
  PRELU: null, // no options table
  CAST: { unionType: 37, fields: [f('inDataType', 0, 'i8'), f('outDataType', 1, 'i8')] },
  ELU: null, // no options table
  EXP: empty(33), // ExpOptions has no fields
  NEG: empty(42), // NegOptions has no fields
  DIV: { unionType: 29, fields: [f('activation', 0, 'i8')] },
  LOG_SOFTMAX: empty(36), // LogSoftmaxOptions has no fields
  BATCH_MATMUL: { unionType: 101, fields: [f('adjX', 0, 'bool'), f('adjY', 1, 'bool'), f('asymmetricQuantizeInputs', 2, 'bool')] },
  SUM: { unionType: 27, fields: [f('keepDims', 0, 'bool')] }, // ReducerOptions, as MEAN
  REDUCE_MAX: { unionType: 27, fields: [f('keepDims', 0, 'bool')] },
  L2_NORMALIZATION: { unionType: 12, fields: [f('activation', 0, 'i8')] },
  // ResizeBilinearOptions: fields 0 and 1 (new_height, new_width) are deprecated.
  RESIZE_BILINEAR: { unionType: 15, fields: [f('alignCorners', 2, 'bool'), f('halfPixelCenters', 3, 'bool')] },
};

export function defaultOptions(table: OptionsTable | null): OptionValues {
  const values: OptionValues = {};
  for (const field of table?.fields ?? []) values[field.name] = Array.isArray(field.default) ? [...field.default] : field.default;
  return values;
}
