// Lowering of the element-wise ops (binary with broadcasting, activations, conversions), SOFTMAX and the reducers (MEAN, SUM, REDUCE_MAX).
import { UnsupportedError } from '../../../errors.js';
import type { DType } from '../../../ir/graph.js';
import { dtypeRange } from '../../../ir/quant.js';
import { elementCount, rowMajorStrides } from '../../../ir/shapes.js';
import type { KernelCall } from '../../types.js';
import { arrayRef, code, f32Bits, operand, operandType, padShape, type LowerContext, type OpLowering } from '../context.js';
import { addInputTable } from './add-table.js';
import { constRef, MAX_RANK } from '../records.js';
import { softmaxInt16Luts } from '../../../ir/softmax-lut.js';

function broadcastStrides(inShape: readonly number[], out6: readonly number[]): number[] {
  const in6 = padShape(inShape, 'broadcast');
  const s = rowMajorStrides(in6);
  return out6.map((_, d) => (in6[d] === 1 ? 0 : s[d]!));
}

/** The shape fields of a broadcasting binary call that its record (add, mul, max_min) shares. */
function broadcastFields(ctx: LowerContext, call: KernelCall, where: string) {
  const a = operand(ctx, call.inputs[0], `${where} input 1`);
  const b = operand(ctx, call.inputs[1], `${where} input 2`);
  const out = call.outputs[0]!;
  const size = elementCount(out.shape);
  const out6 = padShape(out.shape, where);
  const flat = elementCount(a.shape) === size && elementCount(b.shape) === size ? 1 : 0;
  return {
    input1: a.ref, input2: b.ref, output: out.offset, size, flat, out_shape: out6,
    in1_strides: broadcastStrides(a.shape, out6), in2_strides: broadcastStrides(b.shape, out6),
  };
}

function addSub(name: string): OpLowering<'ADD' | 'SUB'> {
  return {
    symbol: ({ call, where }) => `${name}_${code(call.outputs[0]!.dtype, where)}`,
    record(ctx, { call, op, where }) {
      const p = op.params;
      const shape = broadcastFields(ctx, call, where);
      // C's int8 ADD reads the non-half input's scaled values from a compile-time table where it pays (add-table.ts)
      const int8 = call.outputs[0]!.dtype === 'int8' && operandType(ctx.graph, call.inputs[0], `${where} input 1`).dtype === 'int8';
      const table = name === 'add' && int8 && ctx.compileTimeTables ? addInputTable({ ...p, clamp: op.attrs.clamp, size: shape.size, flat: shape.flat === 1 }) : null;
      return {
        record: 'add',
        fields: {
          ...shape, act_min: op.attrs.clamp[0], act_max: op.attrs.clamp[1],
          left_shift: p.leftShift, input1_offset: p.input1Offset, input2_offset: p.input2Offset, output_offset: p.outputOffset,
          input1_multiplier: p.input1Multiplier, input1_shift: p.input1Shift, input2_multiplier: p.input2Multiplier, input2_shift: p.input2Shift,
          output_multiplier: p.outputMultiplier, output_shift: p.outputShift, table: table ? arrayRef(ctx, table) : 0,
        },
      };
    },
  };
}

export const ADD = addSub('add');
export const SUB = addSub('sub');

/** PRELU: the add record, input 1 the input, input 2 alpha; the input multipliers are the identity and alpha ones. */
export const PRELU: OpLowering<'PRELU'> = {
  symbol: ({ call, where }) => `prelu_${code(call.outputs[0]!.dtype, where)}`,
  record(ctx, { call, op, where }) {
    const p = op.params;
    const [lo, hi] = dtypeRange(call.outputs[0]!.dtype as 'int8' | 'int16');
    return {
      record: 'add',
      fields: {
        ...broadcastFields(ctx, call, where), act_min: lo, act_max: hi,
        left_shift: 0, input1_offset: p.inputOffset, input2_offset: p.alphaOffset, output_offset: p.outputOffset,
        input1_multiplier: p.multiplier1, input1_shift: p.shift1, input2_multiplier: p.multiplier2, input2_shift: p.shift2,
        output_multiplier: 0, output_shift: 0,
      },
    };
  },
};

/** SQUARED_DIFFERENCE: the add record, clamped to the output type (TFLM has no fused activation here). */
export const SQUARED_DIFFERENCE: OpLowering<'SQUARED_DIFFERENCE'> = {
  symbol: ({ call, where }) => `squared_difference_${code(call.outputs[0]!.dtype, where)}`,
  record(ctx, { call, op, where }) {
    const p = op.params;
    const dtype = call.outputs[0]!.dtype;
    // int32 is unquantized and wraps: no clamp to read
    const [lo, hi] = dtype === 'int32' ? [0, 0] : dtypeRange(dtype as 'int8' | 'int16');
    return {
      record: 'add',
      fields: {
        ...broadcastFields(ctx, call, where), act_min: lo, act_max: hi,
        left_shift: p.leftShift, input1_offset: p.input1Offset, input2_offset: p.input2Offset, output_offset: p.outputOffset,
        input1_multiplier: p.input1Multiplier, input1_shift: p.input1Shift, input2_multiplier: p.input2Multiplier, input2_shift: p.input2Shift,
        output_multiplier: p.outputMultiplier, output_shift: p.outputShift,
      },
    };
  },
};

/** The mul record of a MUL or DIV call: TFLM's offsets, one output multiplier, the broadcast strides. */
export const mulRecord: OpLowering<'MUL' | 'DIV'>['record'] = (ctx, { call, op, where }) => {
  const p = op.params;
  return {
    record: 'mul',
    fields: {
      ...broadcastFields(ctx, call, where), act_min: op.attrs.clamp[0], act_max: op.attrs.clamp[1],
      input1_offset: p.input1Offset, input2_offset: p.input2Offset, output_offset: p.outputOffset,
      output_multiplier: p.outputMultiplier, output_shift: p.outputShift,
    },
  };
};

export const MUL: OpLowering<'MUL'> = { symbol: ({ call, where }) => `mul_${code(call.outputs[0]!.dtype, where)}`, record: mulRecord };

function maxMin(name: string): OpLowering<'MAXIMUM' | 'MINIMUM'> {
  return {
    symbol: ({ call, where }) => `${name}_${code(call.outputs[0]!.dtype, where)}`,
    record: (ctx, { call, where }) => ({ record: 'max_min', fields: broadcastFields(ctx, call, where) }),
  };
}

export const MAXIMUM = maxMin('maximum');
export const MINIMUM = maxMin('minimum');

/** `<name>_<input dtype>`: the symbol of a unary kernel typed by its input. */
function byInput(name: string) {
  return ({ call, where }: { call: KernelCall; where: string }, graph: Parameters<OpLowering<'RELU'>['symbol']>[1]) =>
    `${name}_${code(operandType(graph, call.inputs[0], `${where} input`).dtype, where)}`;
}

/** Input reference, output offset and element count: the fields every unary record starts with. */
/** A one-input element-wise call's input operand, its input/output record refs and its element count. */
export function unary(ctx: LowerContext, call: KernelCall, where: string) {
  const x = operand(ctx, call.inputs[0], `${where} input`);
  const out = call.outputs[0]!;
  return { x, io: { input: x.ref, output: out.offset }, size: elementCount(out.shape) };
}

function relu(): OpLowering<'RELU' | 'RELU_N1_TO_1'> {
  return {
    symbol: byInput('relu'),
    record(ctx, { call, op, where }) {
      const { io, size } = unary(ctx, call, where);
      const p = op.params;
      return {
        record: 'relu',
        fields: {
          ...io, size, input_offset: p.inputOffset, output_offset: p.outputOffset,
          output_multiplier: p.outputMultiplier, output_shift: p.outputShift, act_min: p.clamp[0], act_max: p.clamp[1],
        },
      };
    },
  };
}

export const RELU = relu();
export const RELU_N1_TO_1 = relu();

export const RELU6: OpLowering<'RELU6'> = {
  symbol: byInput('relu6'),
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    return { record: 'clamp', fields: { ...io, size, act_min: op.params.clamp[0], act_max: op.params.clamp[1] } };
  },
};

export const LEAKY_RELU: OpLowering<'LEAKY_RELU'> = {
  symbol: byInput('leaky_relu'),
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    const p = op.params;
    return {
      record: 'leaky_relu',
      fields: {
        ...io, size, input_offset: p.inputOffset, output_offset: p.outputOffset,
        multiplier_alpha: p.outputMultiplierAlpha, shift_alpha: p.outputShiftAlpha,
        multiplier_identity: p.outputMultiplierIdentity, shift_identity: p.outputShiftIdentity,
      },
    };
  },
};

export const HARD_SWISH: OpLowering<'HARD_SWISH'> = {
  symbol: () => 'hard_swish_s8',
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    const p = op.params;
    return {
      record: 'hard_swish',
      fields: {
        ...io, size, input_zero_point: p.inputZeroPoint, output_zero_point: p.outputZeroPoint,
        reluish_multiplier: p.reluishMultiplierFixedpointInt16, reluish_exponent: p.reluishMultiplierExponent,
        output_multiplier: p.outputMultiplierFixedpointInt16, output_exponent: p.outputMultiplierExponent,
      },
    };
  },
};

function sigmoid(name: string): OpLowering<'LOGISTIC' | 'TANH'> {
  return {
    symbol: byInput(name),
    record(ctx, { call, op, where }) {
      const { io, size } = unary(ctx, call, where);
      const p = op.params;
      return {
        record: 'sigmoid',
        fields: {
          ...io, size, input_zero_point: p.inputZeroPoint, input_range_radius: p.inputRangeRadius,
          input_multiplier: p.inputMultiplier, input_left_shift: p.inputLeftShift,
        },
      };
    },
  };
}

export const LOGISTIC = sigmoid('logistic');
export const TANH = sigmoid('tanh');

export const SOFTMAX: OpLowering<'SOFTMAX'> = {
  symbol: ({ call, where }, graph) => {
    if (operandType(graph, call.inputs[0], `${where} input`).dtype === 'int16') return 'softmax_s16';
    return call.outputs[0]!.dtype === 'int16' ? 'softmax_s8_s16' : 'softmax_s8';
  },
  record(ctx, { call, op, where }) {
    const { x, io, size } = unary(ctx, call, where);
    const depth = x.shape[x.shape.length - 1] ?? 1;
    const p = op.params;
    // int16 input: TFLM's two tables as constant data (one copy per model, deduplicated)
    const lut = (t: Int16Array) => constRef(ctx.consts.add(new Uint8Array(t.slice().buffer)));
    const luts = x.dtype === 'int16' ? softmaxInt16Luts() : null;
    return {
      record: 'softmax',
      fields: {
        ...io, rows: depth === 0 ? 0 : size / depth, depth, input_multiplier: p.inputMultiplier, input_left_shift: p.inputLeftShift, diff_min: p.diffMin,
        exp_lut: luts ? lut(luts.exp) : 0, recip_lut: luts ? lut(luts.oneOverOnePlusX) : 0,
      },
    };
  },
};

/** The 'mean' record's geometry: output elements in order, kept and reduced dims with their input strides. */
function reductionFields(ctx: LowerContext, call: KernelCall, axes: readonly number[], where: string) {
  const { x, io, size } = unary(ctx, call, where);
  const rank = x.shape.length;
  const strides = rowMajorStrides(x.shape);
  const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const red = x.shape.map((_, d) => d).filter((d) => axes.includes(d));
  const pad1 = (a: number[], fill: number) => [...new Array<number>(MAX_RANK - a.length).fill(fill), ...a];
  if (rank > MAX_RANK) padShape(x.shape, where);
  return {
    ...io, out_size: size, count: size === 0 ? 0 : elementCount(x.shape) / size,
    kept_shape: pad1(kept.map((d) => x.shape[d]!), 1), kept_strides: pad1(kept.map((d) => strides[d]!), 0),
    red_shape: pad1(red.map((d) => x.shape[d]!), 1), red_strides: pad1(red.map((d) => strides[d]!), 0),
  };
}

/** MEAN and SUM: one kernel, QuantizedMeanOrSum; only the params' multiplier differs (1/count folded in for MEAN). */
export const MEAN: OpLowering<'MEAN' | 'SUM'> = {
  symbol: byInput('mean'),
  record(ctx, { call, op, where }) {
    const p = op.params;
    return {
      record: 'mean',
      fields: {
        ...reductionFields(ctx, call, op.attrs.axes, where),
        input_zero_point: p.inputZeroPoint, output_zero_point: p.outputZeroPoint, multiplier: p.multiplier, shift: p.shift,
      },
    };
  },
};
export const SUM = MEAN;

/** REDUCE_MAX int8: the 'mean' record's geometry; no requantization (input and output quantization are equal). */
export const REDUCE_MAX: OpLowering<'REDUCE_MAX'> = {
  symbol: byInput('reduce_max'),
  record(ctx, { call, op, where }) {
    return {
      record: 'mean',
      fields: { ...reductionFields(ctx, call, op.attrs.axes, where), input_zero_point: 0, output_zero_point: 0, multiplier: 0, shift: 0 },
    };
  },
};

export const QUANTIZE: OpLowering<'QUANTIZE'> = {
  symbol({ call, op, where }, graph) {
    if (op.params.mode === 'fromFloat') return `quantize_f32_${code(call.outputs[0]!.dtype, where)}`;
    return `requantize_${code(operandType(graph, call.inputs[0], `${where} input`).dtype, where)}_${code(call.outputs[0]!.dtype, where)}`;
  },
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    const p = op.params;
    if (p.mode === 'fromFloat') {
      return { record: 'quantize', fields: { ...io, size, scale: f32Bits(p.scale), zero_point: p.zeroPoint, qmin: p.qmin, qmax: p.qmax } };
    }
    return {
      record: 'requantize',
      fields: {
        ...io, size, input_zero_point: p.inputZeroPoint, output_zero_point: p.outputZeroPoint,
        multiplier: p.multiplier, shift: p.shift, qmin: p.qmin, qmax: p.qmax,
      },
    };
  },
};

export const DEQUANTIZE: OpLowering<'DEQUANTIZE'> = {
  symbol: ({ call, where }, graph) => `dequantize_${code(operandType(graph, call.inputs[0], `${where} input`).dtype, where)}_f32`,
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    return { record: 'dequantize', fields: { ...io, size, scale: f32Bits(op.params.scale), zero_point: op.params.zeroPoint } };
  },
};

function absRsqrt(name: string): OpLowering<'ABS' | 'RSQRT'> {
  return {
    symbol: byInput(name),
    record(ctx, { call, op, where }) {
      const { io, size } = unary(ctx, call, where);
      const p = op.params;
      return {
        record: 'abs_rsqrt',
        fields: { ...io, size, input_offset: p.inputOffset, output_offset: p.outputOffset, multiplier: p.multiplier, shift: p.shift, rescale: p.rescale ? 1 : 0 },
      };
    },
  };
}

/** ABS: unquantized int16 has its own kernel (std::abs wraps where the quantized one clamps). */
export const ABS: OpLowering<'ABS'> = {
  ...absRsqrt('abs'),
  symbol: (c, graph, fast) => (c.op.params.unquantized ? 'abs_s16_unquantized' : absRsqrt('abs').symbol(c, graph, fast)),
};
export const RSQRT = absRsqrt('rsqrt');

/** The element type codes of the cast record (the C kernels' TF_INT8 .. TF_FLOAT32). */
export const CAST_TYPE_CODES: Partial<Record<DType, number>> = { int8: 0, int16: 2, int32: 3, float32: 4 };

function castType(dtype: DType, what: string): number {
  const c = CAST_TYPE_CODES[dtype];
  if (c === undefined) throw new UnsupportedError(`${what}: dtype ${dtype} has no cast kernel`, { dtype });
  return c;
}

/** CAST: one kernel for every pair of types, the pair in the record. */
export const CAST: OpLowering<'CAST'> = {
  symbol: () => 'cast',
  record(ctx, { call, where }) {
    const { x, io, size } = unary(ctx, call, where);
    return { record: 'cast', fields: { ...io, size, from_type: castType(x.dtype, `${where} input`), to_type: castType(call.outputs[0]!.dtype, `${where} output`) } };
  },
};

/** L2_NORMALIZATION int8: one row per innermost dim. */
export const L2_NORMALIZATION: OpLowering<'L2_NORMALIZATION'> = {
  symbol: byInput('l2norm'),
  record(ctx, { call, op, where }) {
    const { x, io, size } = unary(ctx, call, where);
    const depth = x.shape[x.shape.length - 1] ?? 1;
    return { record: 'l2norm', fields: { ...io, rows: depth === 0 ? 0 : size / depth, depth, input_zero_point: op.params.inputZeroPoint } };
  },
};
