// Lowers parsed TFLite operators to IR ops: checks arity, normalizes options into attrs (explicit pads,
// clamps, resolved axes, constant parameter tensors read), then derives quantization params.
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import { floatActivationClamp, int32ActivationClamp } from '../../ir/float.js';
import type { AnyOp, Graph, Tensor } from '../../ir/graph.js';
import type { Clamp, MeanAttrs, OpAttrs, OpKind, OpParams, Padding } from '../../ir/ops.js';
import type { DeriveContext } from '../../ir/params/types.js';
import { activationClamp, dtypeRange } from '../../ir/quant.js';
import { convOutSize, elementCount, paddingFor } from '../../ir/shapes.js';
import { validateGraph } from '../../ir/validate.js';
import { lutLayoutOf } from '../../ir/lut.js';
import type { RawOperator, TfliteModel } from './parse.js';
import { ACTIVATIONS, PADDINGS, TENSOR_TYPES } from './schema.js';

/** Computes an op's params; deriveParams in production, injectable so tests can run without it. */
export type DeriveFn = <K extends OpKind>(ctx: DeriveContext<K>) => OpParams[K] | null;

/** [min inputs, max inputs, indices of inputs that may be -1]; one output unless MULTI_OUTPUT lists the kind. */
const ARITY: { readonly [K in OpKind]: [number, number, number[]] } = {
  ADD: [2, 2, []],
  SUB: [2, 2, []],
  MUL: [2, 2, []],
  AVERAGE_POOL_2D: [1, 1, []],
  MAX_POOL_2D: [1, 1, []],
  CONV_2D: [2, 3, [2]],
  DEPTHWISE_CONV_2D: [2, 3, [2]],
  FULLY_CONNECTED: [2, 3, [2]],
  CONCATENATION: [1, Infinity, []],
  QUANTIZE: [1, 1, []],
  DEQUANTIZE: [1, 1, []],
  HARD_SWISH: [1, 1, []],
  LEAKY_RELU: [1, 1, []],
  LOGISTIC: [1, 1, []],
  TANH: [1, 1, []],
  RELU: [1, 1, []],
  RELU6: [1, 1, []],
  RELU_N1_TO_1: [1, 1, []],
  MEAN: [2, 2, []],
  PAD: [2, 3, [2]],
  PADV2: [2, 3, [2]],
  RESHAPE: [1, 2, [1]],
  SQUEEZE: [1, 1, []],
  RESIZE_NEAREST_NEIGHBOR: [2, 2, []],
  SOFTMAX: [1, 1, []],
  STRIDED_SLICE: [4, 4, []],
  TRANSPOSE: [2, 2, []],
  MAXIMUM: [2, 2, []],
  MINIMUM: [2, 2, []],
  TRANSPOSE_CONV: [3, 4, [3]], // output shape, filter, input, optional bias
  DECODE: [2, 2, []], // TFLM's multi-pair DECODE is split into one op per pair by the parser
  SVDF: [5, 5, [3]], // input, weights feature, weights time, optional bias, activation state (a variable)
  ABS: [1, 1, []],
  RSQRT: [1, 1, []],
  SQUARED_DIFFERENCE: [2, 2, []],
  // TFLM's 24 inputs (lstm_shared.h); the deriver refuses the variants TFLM's kernel refuses (CIFG: no
  // input gate; peephole; projection; layer norm), so every optional slot may be absent here.
  UNIDIRECTIONAL_SEQUENCE_LSTM: [24, 24, [1, 5, 9, 10, 11, 12, 16, 17, 20, 21, 22, 23]],
  DEPTH_TO_SPACE: [1, 1, []],
  SPACE_TO_DEPTH: [1, 1, []],
  EXPAND_DIMS: [2, 2, []], // input, axis
  PACK: [1, Infinity, []],
  SPLIT: [2, 2, []], // axis, input
  SPLIT_V: [3, 3, []], // input, size_splits, axis
  UNPACK: [1, 1, []],
  BROADCAST_TO: [2, 2, []], // input, shape
  ZEROS_LIKE: [1, 1, []],
  SHAPE: [1, 1, []],
  GATHER: [2, 2, []], // input, positions
  CAST: [1, 1, []],
  PRELU: [2, 2, []], // input, alpha
  ELU: [1, 1, []],
  EXP: [1, 1, []],
  NEG: [1, 1, []],
  DIV: [2, 2, []],
  LOG_SOFTMAX: [1, 1, []],
  BATCH_MATMUL: [2, 2, []], // lhs, rhs
  SUM: [2, 2, []], // input, axes
  REDUCE_MAX: [2, 2, []],
  L2_NORMALIZATION: [1, 1, []],
  RESIZE_BILINEAR: [2, 2, []], // input, size
};

/** The kinds with one or more outputs (their options say how many: checked by their attrs). */
const MULTI_OUTPUT: ReadonlySet<OpKind> = new Set<OpKind>(['SPLIT', 'SPLIT_V', 'UNPACK']);

export function lowerTflite(model: TfliteModel, derive: DeriveFn): Graph {
  const tensors = model.tensors;
  const ops = model.operators.map((raw, index) => lowerOp(raw, index, tensors, derive));
  const graph: Graph = {
    name: model.subgraphName,
    description: model.description,
    tensors,
    ops,
    inputs: model.inputs,
    outputs: model.outputs,
    metadata: model.metadata,
    signatureDefs: model.signatureDefs,
  };
  validateGraph(graph, 'malformed TFLite file');
  return graph;
}

function lowerOp(raw: RawOperator, index: number, tensors: readonly Tensor[], derive: DeriveFn): AnyOp {
  const node = new NodeView(raw, index, tensors);
  node.checkArity();
  const op = { kind: raw.kind, version: raw.version, inputs: raw.inputs, outputs: raw.outputs, attrs: ATTRS[raw.kind](node) };
  const params = derive({ op, index, tensors } as DeriveContext<OpKind>);
  return { ...op, params } as AnyOp;
}

/** One operator with its tensors, and errors that name it. */
class NodeView {
  constructor(
    readonly raw: RawOperator,
    readonly index: number,
    private readonly tensors: readonly Tensor[],
  ) {}

  get where(): string {
    return `${this.raw.kind} at node ${this.index}`;
  }

  malformed(message: string, details: Record<string, unknown> = {}): ModelFormatError {
    return new ModelFormatError(`malformed TFLite file: ${this.where}: ${message}`, { op: this.raw.kind, nodeIndex: this.index, ...details });
  }

  unsupported(message: string, details: Record<string, unknown> = {}): UnsupportedError {
    return new UnsupportedError(`${this.where}: ${message}`, { op: this.raw.kind, nodeIndex: this.index, ...details });
  }

  checkArity(): void {
    const [min, max, optional] = ARITY[this.raw.kind];
    const { inputs, outputs } = this.raw;
    if (inputs.length < min || inputs.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.malformed(`has ${inputs.length} inputs, expected ${expected}`, { inputs: inputs.length });
    }
    const multi = MULTI_OUTPUT.has(this.raw.kind);
    if (multi ? outputs.length < 1 : outputs.length !== 1) throw this.malformed(`has ${outputs.length} outputs, expected ${multi ? 'at least 1' : '1'}`, { outputs: outputs.length });
    inputs.forEach((t, i) => {
      if (t < 0 && !optional.includes(i)) throw this.malformed(`required input ${i} is absent (-1)`, { input: i });
    });
  }

  input(i: number): Tensor {
    return this.tensors[this.raw.inputs[i]!]!;
  }

  get output(): Tensor {
    return this.tensors[this.raw.outputs[0]!]!;
  }

  option(name: string): number {
    return this.raw.options[name] as number;
  }

  flag(name: string): boolean {
    return this.raw.options[name] as boolean;
  }

  rank(t: Tensor, rank: number, role: string): number[] {
    if (t.shape.length !== rank) throw this.malformed(`${role} tensor ${t.id} has shape [${t.shape}], expected rank ${rank}`, { tensor: t.id });
    return t.shape;
  }

  positive(name: string): number {
    const v = this.option(name);
    if (!(v >= 1)) throw this.malformed(`option ${name} is ${v}, expected >= 1`, { [name]: v });
    return v;
  }

  /** The fused activation as a clamp in the output's domain: quantized values, or real ones for float32. */
  clamp(): Clamp {
    const code = this.option('activation');
    const activation = ACTIVATIONS[code];
    if (activation === undefined) throw this.malformed(`unknown fused activation ${code}`);
    if (activation === 'TANH' || activation === 'SIGN_BIT') throw this.unsupported(`fused activation ${activation} is not supported`);
    const out = this.output;
    // A float op's clamp is on real values (TFLite CalculateActivationRange<float>).
    if (out.dtype === 'float32') return floatActivationClamp(activation);
    if (out.dtype !== 'int8' && out.dtype !== 'uint8' && out.dtype !== 'int16' && out.dtype !== 'int32') {
      throw this.unsupported(`output tensor ${out.id} is ${out.dtype}; only float32 and integer-quantized outputs are supported`, { tensor: out.id, dtype: out.dtype });
    }
    const range = dtypeRange(out.dtype);
    if (activation === 'NONE') return range;
    if (out.dtype === 'int32' && out.quant === null) return int32ActivationClamp(activation);
    const scale = out.quant?.scales[0];
    if (scale === undefined || !(scale > 0 && Number.isFinite(scale))) {
      throw this.malformed(`output tensor ${out.id} needs a positive quantization scale for fused ${activation}`, { tensor: out.id });
    }
    return activationClamp(activation, scale, out.quant!.zeroPoints[0]!, range);
  }

  /** Explicit [before, after] padding of one spatial dim, checked against the output size in the file. */
  spatialPad(inSize: number, filter: number, stride: number, dilation: number, outSize: number, dim: string): [number, number] {
    const code = this.option('padding');
    const padding = PADDINGS[code];
    if (padding === undefined) throw this.malformed(`unknown padding ${code}`);
    if (!(filter >= 1)) throw this.malformed(`filter ${dim} is ${filter}`);
    const expected = convOutSize(padding, inSize, filter, stride, dilation);
    if (expected < 1 || expected !== outSize) {
      throw this.malformed(`output ${dim} is ${outSize}, ${padding} padding gives ${expected}`, { dim, outSize, expected });
    }
    return paddingFor(inSize, filter, stride, dilation, expected);
  }

  /** Integer contents of a constant parameter input (axes, perm, paddings, slice bounds). */
  constInts(i: number, role: string): number[] {
    const t = this.input(i);
    if (t.data === null) throw this.unsupported(`${role} tensor ${t.id} is not constant`, { tensor: t.id });
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (t.dtype === 'int32') return Array.from({ length: t.data.length / 4 }, (_, k) => view.getInt32(4 * k, true));
    if (t.dtype === 'int64') {
      return Array.from({ length: t.data.length / 8 }, (_, k) => {
        const v = view.getBigInt64(8 * k, true);
        if (v > 0x7fffffffn || v < -0x80000000n) throw this.malformed(`${role} tensor ${t.id} holds ${v}, beyond int32`, { tensor: t.id });
        return Number(v);
      });
    }
    throw this.unsupported(`${role} tensor ${t.id} is ${t.dtype}; expected int32 or int64`, { tensor: t.id, dtype: t.dtype });
  }

  /** An option that counts the op's inputs or outputs (TFLM checks it equals the tensor count). */
  count(name: string, actual: number, what: string): void {
    if (this.option(name) !== actual) throw this.malformed(`option ${name} is ${this.option(name)} for ${actual} ${what}`, { [name]: this.option(name), [what]: actual });
  }

  /** The one value of a constant scalar (or 1-element) integer input. */
  scalarInt(i: number, role: string): number {
    const values = this.constInts(i, role);
    if (values.length !== 1) throw this.malformed(`${role} tensor ${this.input(i).id} holds ${values.length} values, expected 1`, { tensor: this.input(i).id });
    return values[0]!;
  }

  /** A possibly negative axis resolved against a rank. */
  axis(a: number, rank: number, role: string): number {
    const r = a < 0 ? a + rank : a;
    if (!(r >= 0 && r < rank)) throw this.malformed(`${role} ${a} is outside rank ${rank}`, { axis: a, rank });
    return r;
  }

  sameElementCount(a: Tensor, b: Tensor): void {
    if (elementCount(a.shape) !== elementCount(b.shape)) {
      throw this.malformed(`tensor ${a.id} [${a.shape}] and tensor ${b.id} [${b.shape}] differ in element count`);
    }
  }
}

function pad2d(h: [number, number], w: [number, number]): Padding {
  return { top: h[0], bottom: h[1], left: w[0], right: w[1] };
}

function conv(n: NodeView, depthwise: boolean): OpAttrs['CONV_2D'] {
  const [, inH, inW, inC] = n.rank(n.input(0), 4, 'input');
  const [kO, kH, kW, kC] = n.rank(n.input(1), 4, 'filter');
  const [, outH, outW, outC] = n.rank(n.output, 4, 'output');
  const stride: [number, number] = [n.positive('strideH'), n.positive('strideW')];
  const dilation: [number, number] = [n.positive('dilationH'), n.positive('dilationW')];
  if (depthwise ? kO !== 1 || kC !== outC : kO !== outC || kC !== inC) {
    throw n.malformed(`filter [${n.input(1).shape}] does not match input channels ${inC} / output channels ${outC}`);
  }
  const h = n.spatialPad(inH!, kH!, stride[0], dilation[0], outH!, 'height');
  const w = n.spatialPad(inW!, kW!, stride[1], dilation[1], outW!, 'width');
  return { stride, dilation, pad: pad2d(h, w), clamp: n.clamp() };
}

function pool(n: NodeView): OpAttrs['AVERAGE_POOL_2D'] {
  const [, inH, inW, inC] = n.rank(n.input(0), 4, 'input');
  const [, outH, outW, outC] = n.rank(n.output, 4, 'output');
  if (inC !== outC) throw n.malformed(`input channels ${inC} differ from output channels ${outC}`);
  const filter: [number, number] = [n.positive('filterH'), n.positive('filterW')];
  const stride: [number, number] = [n.positive('strideH'), n.positive('strideW')];
  const h = n.spatialPad(inH!, filter[0], stride[0], 1, outH!, 'height');
  const w = n.spatialPad(inW!, filter[1], stride[1], 1, outW!, 'width');
  return { filter, stride, pad: pad2d(h, w), clamp: n.clamp() };
}

/** TFLite StartForAxis / StopForAxis (strided_slice_logic.h), with begin/end masks and shrink_axis. */
function stridedSlice(n: NodeView): OpAttrs['STRIDED_SLICE'] {
  const shape = n.input(0).shape;
  const rank = shape.length;
  const rawBegin = n.constInts(1, 'begin');
  const rawEnd = n.constInts(2, 'end');
  const strides = n.constInts(3, 'strides');
  if (rawBegin.length !== rank || rawEnd.length !== rank || strides.length !== rank) {
    throw n.malformed(`begin/end/strides have ${rawBegin.length}/${rawEnd.length}/${strides.length} entries for rank ${rank}`);
  }
  const masks = {
    begin: n.option('beginMask'),
    end: n.option('endMask'),
    ellipsis: n.option('ellipsisMask'),
    newAxis: n.option('newAxisMask'),
    shrinkAxis: n.option('shrinkAxisMask'),
    offset: n.flag('offset'),
  };
  if (masks.ellipsis !== 0 || masks.newAxis !== 0) throw n.unsupported('ellipsis_mask and new_axis_mask are not supported', { masks });
  const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const begin: number[] = [];
  const end: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const size = shape[axis]!;
    const stride = strides[axis]!;
    if (stride === 0) throw n.malformed(`stride of axis ${axis} is 0`);
    const bit = 1 << axis;
    if (size === 0) {
      begin.push(0);
      end.push(0);
      continue;
    }
    let start = rawBegin[axis]!;
    if (masks.begin & bit) start = stride > 0 ? -Infinity : Infinity;
    if (start < 0) start += size;
    start = stride > 0 ? clampTo(start, 0, size) : clampTo(start, -1, size - 1);
    let stop = masks.offset ? rawBegin[axis]! + rawEnd[axis]! : rawEnd[axis]!;
    if (masks.shrinkAxis & bit) {
      stop = start + 1;
    } else {
      if (masks.end & bit) stop = stride > 0 ? Infinity : -Infinity;
      if (stop < 0) stop += size;
      stop = stride > 0 ? clampTo(stop, 0, size) : clampTo(stop, -1, size - 1);
    }
    begin.push(start);
    end.push(stop);
  }
  return { begin, end, strides, masks };
}

const noAttrs = () => ({});

/** MEAN / SUM / REDUCE_MAX: constant axes (negative ones resolved, duplicates dropped as TFLM's ResolveAxis), keep_dims. */
function reducerAttrs(n: NodeView): MeanAttrs {
  const rank = n.input(0).shape.length;
  const axes = [...new Set(n.constInts(1, 'axes').map((a) => n.axis(a, rank, 'axis')))].sort((a, b) => a - b);
  return { axes, keepDims: n.flag('keepDims') };
}

const ATTRS: { readonly [K in OpKind]: (n: NodeView) => OpAttrs[K] } = {
  ADD: (n) => ({ clamp: n.clamp() }),
  SUB: (n) => ({ clamp: n.clamp() }),
  MUL: (n) => ({ clamp: n.clamp() }),
  AVERAGE_POOL_2D: pool,
  MAX_POOL_2D: pool,
  CONV_2D: (n) => conv(n, false),
  DEPTHWISE_CONV_2D: (n) => {
    const attrs = conv(n, true);
    const depthMultiplier = n.option('depthMultiplier');
    const inC = n.input(0).shape[3]!;
    const outC = n.output.shape[3]!;
    if (depthMultiplier * inC !== outC) throw n.malformed(`depth multiplier ${depthMultiplier} x input channels ${inC} != output channels ${outC}`);
    return { ...attrs, depthMultiplier };
  },
  FULLY_CONNECTED: (n) => {
    if (n.option('weightsFormat') !== 0) throw n.unsupported(`weights format ${n.option('weightsFormat')} (shuffled) is not supported`);
    return { clamp: n.clamp(), keepNumDims: n.flag('keepNumDims') };
  },
  CONCATENATION: (n) => ({ axis: n.axis(n.option('axis'), n.output.shape.length, 'axis'), clamp: n.clamp() }),
  QUANTIZE: noAttrs,
  DEQUANTIZE: noAttrs,
  HARD_SWISH: noAttrs,
  LEAKY_RELU: (n) => ({ alpha: n.option('alpha') }),
  LOGISTIC: noAttrs,
  TANH: noAttrs,
  RELU: noAttrs,
  RELU6: noAttrs,
  RELU_N1_TO_1: noAttrs,
  MEAN: reducerAttrs,
  PAD: padAttrs,
  PADV2: padAttrs,
  RESHAPE: (n) => {
    n.sameElementCount(n.input(0), n.output);
    return {};
  },
  SQUEEZE: (n) => {
    n.sameElementCount(n.input(0), n.output);
    return {};
  },
  RESIZE_NEAREST_NEIGHBOR: (n) => ({ alignCorners: n.flag('alignCorners'), halfPixelCenters: n.flag('halfPixelCenters') }),
  SOFTMAX: (n) => ({ beta: n.option('beta') }),
  STRIDED_SLICE: stridedSlice,
  TRANSPOSE: (n) => {
    const rank = n.input(0).shape.length;
    const perm = n.constInts(1, 'perm').map((a) => n.axis(a, rank, 'perm entry'));
    if (perm.length !== rank || new Set(perm).size !== rank) throw n.malformed(`perm [${perm}] is not a permutation of rank ${rank}`);
    return { perm };
  },
  MAXIMUM: noAttrs,
  MINIMUM: noAttrs,
  TRANSPOSE_CONV: transposeConv,
  DEPTH_TO_SPACE: (n) => ({ blockSize: n.positive('blockSize') }),
  SPACE_TO_DEPTH: (n) => ({ blockSize: n.positive('blockSize') }),
  EXPAND_DIMS: (n) => {
    n.sameElementCount(n.input(0), n.output);
    return {};
  },
  PACK: (n) => {
    n.count('valuesCount', n.raw.inputs.length, 'inputs');
    return { axis: n.axis(n.option('axis'), n.output.shape.length, 'axis') };
  },
  SPLIT: (n) => {
    n.count('numSplits', n.raw.outputs.length, 'outputs');
    return { axis: n.axis(n.scalarInt(0, 'axis'), n.input(1).shape.length, 'axis') };
  },
  SPLIT_V: (n) => {
    n.count('numSplits', n.raw.outputs.length, 'outputs');
    return { axis: n.axis(n.scalarInt(2, 'axis'), n.input(0).shape.length, 'axis') };
  },
  UNPACK: (n) => {
    n.count('num', n.raw.outputs.length, 'outputs');
    return { axis: n.axis(n.option('axis'), n.input(0).shape.length, 'axis') };
  },
  BROADCAST_TO: noAttrs,
  ZEROS_LIKE: noAttrs,
  SHAPE: (n) => {
    // out_type names the output's dtype; TFLM writes whatever the output tensor is.
    if (TENSOR_TYPES[n.option('outType')] !== n.output.dtype && n.option('outType') !== 0) {
      throw n.malformed(`out_type ${n.option('outType')} differs from output tensor ${n.output.id} (${n.output.dtype})`);
    }
    return {};
  },
  GATHER: (n) => {
    const axis = n.axis(n.option('axis'), n.input(0).shape.length, 'axis');
    const positionsRank = n.input(1).shape.length;
    const raw = n.option('batchDims');
    const batchDims = raw < 0 ? raw + positionsRank : raw;
    if (!(batchDims >= 0 && batchDims <= axis && batchDims <= positionsRank)) throw n.malformed(`batch_dims ${raw} is outside 0..min(axis ${axis}, positions rank ${positionsRank})`, { batchDims: raw });
    return { axis, batchDims };
  },
  CAST: noAttrs,
  PRELU: noAttrs,
  ELU: noAttrs,
  EXP: noAttrs,
  NEG: noAttrs,
  DIV: (n) => ({ clamp: n.clamp() }),
  LOG_SOFTMAX: noAttrs,
  // asymmetric_quantize_inputs is for hybrid (float LHS, int8 RHS) kernels, which TFLM has not: the params refuse those.
  BATCH_MATMUL: (n) => ({ adjX: n.flag('adjX'), adjY: n.flag('adjY') }),
  RESIZE_BILINEAR: (n) => ({ alignCorners: n.flag('alignCorners'), halfPixelCenters: n.flag('halfPixelCenters') }),
  DECODE: (n) => {
    const ancillary = n.input(1);
    if (ancillary.data === null) throw n.unsupported(`ancillary tensor ${ancillary.id} is not constant`, { tensor: ancillary.id });
    const out = n.output;
    return lutLayoutOf(ancillary.data, out.shape, out.quant, `${n.where}, ancillary tensor ${ancillary.id}`);
  },
  UNIDIRECTIONAL_SEQUENCE_LSTM: (n) => {
    // The schema's activations: only TANH is one TFLM's LSTM kernel evaluates (it asserts on any other).
    const activation = n.option('activation');
    if (ACTIVATIONS[activation] !== 'TANH') throw n.unsupported(`cell activation ${ACTIVATIONS[activation] ?? activation} is not supported (TFLM's kernel runs TANH only)`, { activation });
    const cellClip = n.option('cellClip');
    if (!(cellClip >= 0)) throw n.malformed(`cell_clip ${cellClip} must be >= 0 (TFLM checks it)`, { cellClip });
    return { timeMajor: n.flag('timeMajor'), cellClip, projClip: n.option('projClip') };
  },
  SVDF: (n) => {
    // TFLM's integer SVDF reads the fused activation and ignores it; its float32 kernel applies it.
    const rank = n.option('rank');
    if (!Number.isInteger(rank) || rank < 1) throw n.malformed(`rank ${rank} must be a positive integer`, { rank });
    const code = n.option('activation');
    const activation = ACTIVATIONS[code];
    if (activation === undefined) throw n.malformed(`unknown fused activation ${code}`, { activation: code });
    if (activation === 'TANH' || activation === 'SIGN_BIT') {
      if (n.output.dtype === 'float32') throw n.unsupported(`fused activation ${activation} is not supported`);
      return { rank, activation: 'NONE' as const }; // ignored on the integer path
    }
    return { rank, activation };
  },
  ABS: noAttrs,
  RSQRT: noAttrs,
  SQUARED_DIFFERENCE: noAttrs,
  SUM: reducerAttrs,
  REDUCE_MAX: reducerAttrs,
  L2_NORMALIZATION: (n) => {
    // TFLM's L2Normalization computes no activation (Prepare ensures kTfLiteActNone).
    if (n.option('activation') !== 0) throw n.unsupported(`fused activation ${ACTIVATIONS[n.option('activation')] ?? n.option('activation')} is not supported`);
    return {};
  },
};

/**
 * TFLM's TRANSPOSE_CONV takes its output shape from the output tensor (the shape input is ignored) and its
 * pads from ComputePaddingHeightWidth over the output's H x W as if it were a convolution's input.
 */
function transposeConv(n: NodeView): OpAttrs['TRANSPOSE_CONV'] {
  const inC = n.rank(n.input(2), 4, 'input')[3];
  const [kO, kH, kW, kC] = n.rank(n.input(1), 4, 'filter');
  const [, outH, outW, outC] = n.rank(n.output, 4, 'output');
  if (kO !== outC || kC !== inC) throw n.malformed(`filter [${n.input(1).shape}] does not match input channels ${inC} / output channels ${outC}`);
  const stride: [number, number] = [n.positive('strideH'), n.positive('strideW')];
  const code = n.option('padding');
  const padding = PADDINGS[code];
  if (padding === undefined) throw n.malformed(`unknown padding ${code}`);
  // TFLM's transpose conv computes no activation (kTfLiteActNone); the option exists from version 4 on.
  if (n.option('activation') !== 0) throw n.unsupported(`fused activation ${ACTIVATIONS[n.option('activation')] ?? n.option('activation')} is not supported`);
  // TFLM does not check the input's H x W against the output's: taps that land outside the output are skipped.
  const padBefore = (size: number, filter: number, s: number) => paddingFor(size, filter, s, 1, convOutSize(padding, size, filter, s, 1))[0];
  return { stride, pad: { top: padBefore(outH!, kH!, stride[0]), left: padBefore(outW!, kW!, stride[1]) }, clamp: n.clamp() };
}

function padAttrs(n: NodeView): OpAttrs['PAD'] {
  const inShape = n.input(0).shape;
  const outShape = n.output.shape;
  const flat = n.constInts(1, 'paddings');
  if (flat.length !== 2 * inShape.length || outShape.length !== inShape.length) {
    throw n.malformed(`paddings have ${flat.length} entries for input [${inShape}] and output [${outShape}]`);
  }
  const paddings = inShape.map((d, i): [number, number] => {
    const before = flat[2 * i]!;
    const after = flat[2 * i + 1]!;
    if (before < 0 || after < 0 || d + before + after !== outShape[i]) {
      throw n.malformed(`paddings [${before}, ${after}] of dim ${i} do not take ${d} to ${outShape[i]}`);
    }
    return [before, after];
  });
  return { paddings };
}
