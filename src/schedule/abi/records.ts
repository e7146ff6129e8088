// The kernel ABI's argument records: how a Schedule call becomes one call into a kernel library. One
// source of truth for the WebAssembly backend (assembly/, codegen/wasm/) and the C backend
// (firmware-templates/, codegen/c/).
//
// ## Calling convention
// Every kernel has the same signature:
//
//     void <symbol>(const int32_t *args)          (C)
//     export function <symbol>(args: usize): void (AssemblyScript)
//
// `args` points at the kernel's ARGUMENT RECORD: int32 words stored in the model's constant data. A
// model's generated `invoke` is a straight sequence of such calls with constant record addresses
// (schedule order). Kernels keep no state between calls and allocate nothing.
//
// ## Argument records
// Each kernel names a RECORD LAYOUT (RECORDS below: field names in order, `name[n]` = n words). Field i
// is word i of the record. The C structs / #defines (codegen/c/abi-header.ts) and the AssemblyScript
// field offsets (assembly/abi.ts, codegen/wasm/abi/as-source.ts) are generated from RECORDS, so they
// cannot disagree. A backend may append words of its own after the shared fields (a LoweringExtension:
// codegen/wasm/abi/ adds requantization tables and repacked weights). All words are int32; a `f32`
// field holds a float32's bit pattern.
//
// Pointer fields (`input`, `output`, `filter`, `bias`, `multiplier`, `shift`, `scratch`, `workspace`,
// `full`, `tile`, `table`, `src_y`, `src_x`, `inputs`) hold a TENSOR REFERENCE:
//   v >= 0: byte offset v from the ARENA base (activations, the plan's offsets),
//   v <  0: byte offset ~v (= -1 - v) from the CONSTANT DATA base (weights, biases, tables).
// A backend provides the two bases (wasm: immutable globals fixed when the model is linked; C: the
// arena array and the constant array). Unused pointer fields (a default kernel's `scratch`) are 0.
// `workspace` is the kernel's own bytes for the call, planned in the arena (src/ir/workspace.ts, the
// plan's backend); `workspace_bytes` says how many (0: none planned; a C kernel then takes its portable path).
//
// N-D kernels work on shapes left-padded with 1s to MAX_RANK dims.
import { INT32_MAX, INT32_MIN } from '../../ir/quant.js';
import { UnsupportedError } from '../../errors.js';

export const MAX_RANK = 6;
/** Alignment of every constant entry; weights get WEIGHTS_ALIGN (SIMD loads). */
export const CONST_ALIGN = 4;
export const WEIGHTS_ALIGN = 16;

/** Record layouts: field names in order; `name[n]` is an array of n words. */
/** The conv2d record; conv2d_lut starts with it (conv_lut.c hands a copy of that prefix to conv.c's kernels). */
const CONV2D_FIELDS = [
  'input', 'output', 'filter', 'bias', 'multiplier', 'shift', 'scratch',
  'batches', 'in_h', 'in_w', 'in_depth', 'out_h', 'out_w', 'out_depth', 'filter_h', 'filter_w', 'filter_depth',
  'stride_h', 'stride_w', 'dilation_h', 'dilation_w', 'pad_top', 'pad_left',
  'input_offset', 'output_offset', 'act_min', 'act_max', 'workspace', 'workspace_bytes',
  // C: the compile-time channel records of a pointwise conv over 8 or 16 channels (ops/pointwise-table.ts) or of a 3x3 conv over 3
  // channels (ops/conv3-table.ts), else 0
  'channel_records',
] as const;

/** The dwconv2d record; dwconv2d_lut starts with it (dw_lut.c hands a copy of that prefix to depthwise.c's kernels). */
const DWCONV2D_FIELDS = [
  'input', 'output', 'filter', 'bias', 'multiplier', 'shift', 'scratch',
  'batches', 'in_h', 'in_w', 'in_depth', 'out_h', 'out_w', 'out_depth', 'filter_h', 'filter_w', 'depth_multiplier',
  'stride_h', 'stride_w', 'dilation_h', 'dilation_w', 'pad_top', 'pad_left',
  'input_offset', 'output_offset', 'act_min', 'act_max', 'workspace', 'workspace_bytes',
  // conv2d's last word, always 0 here: the two records and their _lut forms stay word for word alike (tf_lut.h, assembly/conv-record.ts)
  'channel_records',
] as const;

export const RECORDS = {
  conv2d: CONV2D_FIELDS,
  dwconv2d: DWCONV2D_FIELDS,
  /** `per_tensor`: 1 when every unit has the same multiplier and shift (the C kernel derives its requantization once). */
  fully_connected: [
    'input', 'output', 'filter', 'bias', 'multiplier', 'shift', 'scratch',
    'batches', 'units', 'depth', 'input_offset', 'output_offset', 'act_min', 'act_max', 'workspace', 'workspace_bytes', 'per_tensor',
  ],
  /** FULLY_CONNECTED over LUT-compressed weights (src/passes/fuse-decode.ts): `filter` is the packed indices, `ancillary` the DECODE header and tables (src/ir/lut.ts). */
  /** CONV_2D over LUT-compressed weights (src/passes/fuse-decode.ts): `filter` is the packed indices, `ancillary` the DECODE header and tables (src/ir/lut.ts). */
  conv2d_lut: [...CONV2D_FIELDS, 'ancillary', 'bit_width', 'stride', 'channels'],
  /** DEPTHWISE_CONV_2D over LUT-compressed weights: as conv2d_lut; the tables are per channel along the filter's last axis (or one). */
  dwconv2d_lut: [...DWCONV2D_FIELDS, 'ancillary', 'bit_width', 'stride', 'channels'],
  fully_connected_lut: [
    'input', 'output', 'filter', 'bias', 'multiplier', 'shift', 'scratch',
    'batches', 'units', 'depth', 'input_offset', 'output_offset', 'act_min', 'act_max', 'workspace', 'workspace_bytes', 'per_tensor',
    'ancillary', 'bit_width', 'stride', 'channels',
  ],
  pool2d: [
    'input', 'output', 'scratch',
    'batches', 'in_h', 'in_w', 'depth', 'out_h', 'out_w', 'filter_h', 'filter_w', 'stride_h', 'stride_w', 'pad_top', 'pad_left',
    'act_min', 'act_max',
  ],
  /** ADD / SUB / SQUARED_DIFFERENCE / PRELU: `flat` = 1 when both inputs have the output's shape (no broadcasting); else strides (in elements, 0 on broadcast dims).
   * PRELU: input 2 is alpha (int8), input1_multiplier/shift the identity one, input2_multiplier/shift the alpha one. */
  add: [
    'input1', 'input2', 'output', 'size', 'flat', 'out_shape[6]', 'in1_strides[6]', 'in2_strides[6]',
    'left_shift', 'input1_offset', 'input2_offset', 'output_offset',
    'input1_multiplier', 'input1_shift', 'input2_multiplier', 'input2_shift', 'output_multiplier', 'output_shift',
    'act_min', 'act_max',
    // C, int8 ADD: the non-half input's 256 scaled values (src/schedule/abi/ops/add-table.ts), else 0
    'table',
  ],
  mul: [
    'input1', 'input2', 'output', 'size', 'flat', 'out_shape[6]', 'in1_strides[6]', 'in2_strides[6]',
    'input1_offset', 'input2_offset', 'output_offset', 'output_multiplier', 'output_shift', 'act_min', 'act_max',
  ],
  /** MAXIMUM / MINIMUM: the add record's shape fields, no arithmetic (TFLM compares stored values). */
  max_min: ['input1', 'input2', 'output', 'size', 'flat', 'out_shape[6]', 'in1_strides[6]', 'in2_strides[6]'],
  /** RELU, RELU_N1_TO_1 (TFLM ReluQuantized). */
  relu: ['input', 'output', 'size', 'input_offset', 'output_offset', 'output_multiplier', 'output_shift', 'act_min', 'act_max'],
  /** RELU6: a clamp in the input's domain. */
  clamp: ['input', 'output', 'size', 'act_min', 'act_max'],
  leaky_relu: [
    'input', 'output', 'size', 'input_offset', 'output_offset',
    'multiplier_alpha', 'shift_alpha', 'multiplier_identity', 'shift_identity',
  ],
  hard_swish: [
    'input', 'output', 'size', 'input_zero_point', 'output_zero_point',
    'reluish_multiplier', 'reluish_exponent', 'output_multiplier', 'output_exponent',
  ],
  /** LOGISTIC / TANH. */
  sigmoid: ['input', 'output', 'size', 'input_zero_point', 'input_range_radius', 'input_multiplier', 'input_left_shift'],
  /** int16 in (softmax_s16): exp_lut / recip_lut are TFLM's 513-entry int16 tables (src/ir/softmax-lut.ts); 0 for int8. */
  softmax: ['input', 'output', 'rows', 'depth', 'input_multiplier', 'input_left_shift', 'diff_min', 'exp_lut', 'recip_lut'],
  /** MEAN / SUM / REDUCE_MAX: output elements in order; each reduces the reduced dims (kept/reduced dims with their input strides, in elements); REDUCE_MAX's quantization fields are 0. */
  mean: [
    'input', 'output', 'out_size', 'count', 'kept_shape[6]', 'kept_strides[6]', 'red_shape[6]', 'red_strides[6]',
    'input_zero_point', 'output_zero_point', 'multiplier', 'shift',
  ],
  /** QUANTIZE float32 -> int: `scale` is float32 bits. */
  quantize: ['input', 'output', 'size', 'scale', 'zero_point', 'qmin', 'qmax'],
  requantize: ['input', 'output', 'size', 'input_zero_point', 'output_zero_point', 'multiplier', 'shift', 'qmin', 'qmax'],
  /** DEQUANTIZE int -> float32: `scale` is float32 bits. */
  dequantize: ['input', 'output', 'size', 'scale', 'zero_point'],
  /** PAD / PADV2, forward order; the pad value is the element's bit pattern (little-endian words). */
  pad: ['input', 'output', 'elem_bytes', 'in_shape[6]', 'before[6]', 'out_shape[6]', 'pad_lo', 'pad_hi'],
  /** TRANSPOSE / STRIDED_SLICE: output elements in order from input element start + sum(index[d] * steps[d]). */
  strided_copy: ['input', 'output', 'elem_bytes', 'start', 'counts[6]', 'steps[6]'],
  /** CONCATENATION: `inputs` points at `count` pairs (input ref, block elements); outer blocks of out_row elements. */
  concatenation: ['output', 'elem_bytes', 'outer', 'out_row', 'count', 'inputs'],
  /** SPLIT / SPLIT_V / UNPACK, concatenation's inverse: `outputs` points at `count` pairs (output ref, block elements); outer blocks of in_row elements. */
  split: ['input', 'elem_bytes', 'outer', 'in_row', 'count', 'outputs'],
  /** GATHER: `inner`-element blocks of the input picked by the int32 `positions` (a position outside axis_size writes zeros). */
  gather: ['input', 'output', 'positions', 'elem_bytes', 'batches', 'outer', 'axis_size', 'inner', 'coords'],
  /** CAST: `size` elements converted from_type -> to_type (CAST_TYPE_CODES: 0 int8, 2 int16, 3 int32, 4 float32). */
  cast: ['input', 'output', 'size', 'from_type', 'to_type'],
  /** RESIZE_NEAREST_NEIGHBOR: `src_y` / `src_x` point at int32 source rows / columns. */
  resize_nearest: ['input', 'output', 'elem_bytes', 'batches', 'in_h', 'in_w', 'depth', 'out_h', 'out_w', 'src_y', 'src_x'],
  /** RESHAPE / SQUEEZE not aliased by the plan: a byte copy (memmove). */
  copy: ['input', 'output', 'bytes'],
  /** TRANSPOSE_CONV: a gather per output element; `bias` is int32 (s8) or int64 as two words, low first (s16). */
  transpose_conv: [
    'input', 'output', 'filter', 'bias', 'multiplier', 'shift',
    'batches', 'in_h', 'in_w', 'in_depth', 'out_h', 'out_w', 'out_depth', 'filter_h', 'filter_w',
    'stride_h', 'stride_w', 'pad_top', 'pad_left', 'input_offset', 'output_offset', 'act_min', 'act_max',
  ],
  /** DECODE (TFLM LUT): `count` packed indices at input, tables after the 16-byte header at ancillary (src/ir/lut.ts). */
  decode_lut: ['input', 'ancillary', 'output', 'count', 'bit_width', 'stride', 'channels', 'channel_axis_last'],
  /**
   * SVDF: `state` ([batches, filters * memory], int8 or int16 as `time`) is an arena tensor the kernel
   * updates in place and that persists across invokes; `bias` is int32 per unit (zeros when absent).
   */
  svdf: [
    'input', 'output', 'feature', 'time', 'bias', 'state',
    'batches', 'input_size', 'filters', 'memory', 'rank',
    'input_offset', 'state_zero_point', 'output_offset', 'multiplier1', 'shift1', 'multiplier2', 'shift2',
  ],
  /** ABS / RSQRT (TFLM OpDataAbsRsqrt): `rescale` 0 = ABS adds the output offset without requantizing; RSQRT ignores it. */
  abs_rsqrt: ['input', 'output', 'size', 'input_offset', 'output_offset', 'multiplier', 'shift', 'rescale'],
  /** CopyWindowCall: direction 0 = to-tile (full -> tile), 1 = from-tile. */
  copy_window: ['full', 'tile', 'elem_bytes', 'batches', 'full_h', 'full_w', 'tile_h', 'tile_w', 'channels', 'y0', 'x0', 'direction'],
  /**
   * UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM OpDataLSTM): per gate, in forget, input, cell, output order, its
   * input and recurrent weights (int8), bias (int32, or int64 as two words for 16x8), the two fully connected
   * layers' multipliers, shifts and weight offsets into Q3.12; `hidden` and `cell` are the variable states
   * updated in place; `tanh_multiplier` / `tanh_shift` the cell tanh's input rescale (sigmoid16's);
   * `cell_clip` < 0 = no clip; the workspace holds the four gates' int16 outputs of one batch row.
   */
  lstm: [
    'input', 'output', 'hidden', 'cell', 'input_weights[4]', 'recurrent_weights[4]', 'bias[4]',
    'input_multiplier[4]', 'input_shift[4]', 'recurrent_multiplier[4]', 'recurrent_shift[4]',
    'input_weight_offset[4]', 'recurrent_weight_offset[4]',
    'batches', 'steps', 'input_size', 'units', 'time_major', 'input_offset', 'hidden_offset', 'hidden_zero_point',
    'forget_cell_multiplier', 'forget_cell_shift', 'input_cell_multiplier', 'input_cell_shift', 'hidden_multiplier', 'hidden_shift',
    'tanh_multiplier', 'tanh_shift', 'cell_clip', 'workspace', 'workspace_bytes',
  ],
  /** ELU int8 (TFLM's 256-entry table from Prepare): y[i] = table[(uint8)x[i]]; `table` is constant data. */
  lut_s8: ['input', 'output', 'size', 'table'],
  /** LOG_SOFTMAX int8 (TFLM LogSoftmaxOpData) over `rows` rows of `depth`; the output is scale 16/256, zero point 127. */
  log_softmax: ['input', 'output', 'rows', 'depth', 'input_multiplier', 'input_left_shift', 'reverse_scaling_divisor', 'reverse_scaling_right_shift', 'diff_min'],
  /**
   * BATCH_MATMUL: out[b, m, n] over the 3 broadcast batch dims (`batch`; each operand's element step per batch
   * dim in lhs_steps / rhs_steps, 0 where it broadcasts); LHS element (m, k) at m * lhs_m_step + k * lhs_k_step,
   * RHS element (k, n) at k * rhs_k_step + n * rhs_n_step (a constant RHS is stored [.., N, K]: rhs_k_step 1).
   */
  batch_matmul: [
    'lhs', 'rhs', 'output', 'batch[3]', 'lhs_steps[3]', 'rhs_steps[3]', 'm', 'n', 'k',
    'lhs_m_step', 'lhs_k_step', 'rhs_k_step', 'rhs_n_step', 'lhs_offset', 'rhs_offset', 'output_offset', 'multiplier', 'shift',
  ],
  /** L2_NORMALIZATION int8: `rows` innermost rows of `depth` elements, each scaled to 1/128 steps of unit length. */
  l2norm: ['input', 'output', 'rows', 'depth', 'input_zero_point'],
  /** RESIZE_BILINEAR: `rows` / `cols` point at int32 triples (lower source, upper source, position past the lower in 1/1024ths). */
  resize_bilinear: ['input', 'output', 'batches', 'in_h', 'in_w', 'depth', 'out_h', 'out_w', 'rows', 'cols'],
} as const satisfies Record<string, readonly string[]>;

export type RecordName = keyof typeof RECORDS;

export interface RecordField {
  name: string;
  /** Word index in the record. */
  index: number;
  /** Words (1, or the array length). */
  count: number;
}

/** Field positions of a layout given as field specs (`name` or `name[n]`) in order. */
export function layoutFields(specs: readonly string[]): RecordField[] {
  const out: RecordField[] = [];
  let index = 0;
  for (const spec of specs) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(spec)!;
    const count = m[2] ? Number(m[2]) : 1;
    out.push({ name: m[1]!, index, count });
    index += count;
  }
  return out;
}

/** Words of a layout: the end of its last field. */
export function layoutWords(fields: readonly RecordField[]): number {
  const last = fields[fields.length - 1]!;
  return last.index + last.count;
}

export function recordFields(record: RecordName): RecordField[] {
  return layoutFields(RECORDS[record]);
}

export function recordWords(record: RecordName): number {
  return layoutWords(recordFields(record));
}

/**
 * `value` as an int32 word of the ABI, or UnsupportedError: an arena offset of 2^32 - 176,096 stored
 * as -176,096 would read as a constant reference, so nothing may wrap silently.
 */
export function abiWord(value: number, what: string): number {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new UnsupportedError(`${what} is ${value}, outside the kernel ABI's int32 range (${INT32_MIN}..${INT32_MAX})`, { field: what, value });
  }
  return value;
}

/** The tensor-reference encoding of a constant-data offset. */
export function constRef(offset: number): number {
  return ~abiWord(offset, 'constant data offset');
}

/** Values of record fields by name; an array field takes its words in order. */
export type RecordValues = Record<string, number | readonly number[]>;

/** Builds one record: named values, arrays by name, over a layout (a shared record, or one a backend extended). */
export class RecordWriter {
  readonly words: Int32Array;
  private fields: Map<string, RecordField>;
  constructor(readonly record: string, layout: readonly RecordField[]) {
    this.words = new Int32Array(layoutWords(layout));
    this.fields = new Map(layout.map((f) => [f.name, f]));
  }
  set(values: RecordValues): this {
    for (const [name, v] of Object.entries(values)) {
      const f = this.fields.get(name);
      if (!f) throw new Error(`record ${this.record} has no field ${name}`);
      if (typeof v === 'number') this.words[f.index] = abiWord(v, `${this.record} record field ${name}`);
      else {
        if (v.length !== f.count) throw new Error(`record ${this.record}.${name} takes ${f.count} words, got ${v.length}`);
        v.forEach((x, i) => (this.words[f.index + i] = abiWord(x, `${this.record} record field ${name}[${i}]`)));
      }
    }
    return this;
  }
}
