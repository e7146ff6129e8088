// The int8 graph from a float32 graph and its calibrated ranges, as TFLite's converter makes it for
// "int8 with float I/O": a QUANTIZE after each float input, a DEQUANTIZE before each float output,
// every op between them int8 with params derived by the same derivers the importer uses. With int16
// activations (TFLite's 16x8 scheme) the same graph with int16 activations, zero points 0 and int64 biases.
import { UnsupportedError, UsageError } from '../errors.js';
import type { AnyOp, Graph, Op, Quantization, Tensor } from '../ir/graph.js';
import { floatActivationClamp, isFloatOp } from '../ir/float.js';
import type { Clamp, OpKind } from '../ir/ops.js';
import { deriveParams } from '../ir/params/index.js';
import { activationClamp, dtypeRange, roundHalfAway, type FusedActivation } from '../ir/quant.js';
import { validateGraph } from '../ir/validate.js';
import type { RangeTable } from './calibrate.js';
import { floatValues } from './values.js';
import { asymmetricInt8, biasInt32, biasInt64, symmetricInt16, symmetricPerChannel, symmetricPerTensor, type AffineParams } from './schemes.js';

/** How each op kind's output is quantized. */
type OutputRule = 'calibrated' | 'same-as-input' | AffineParams;

/** The op kinds the quantizer handles and how their outputs are quantized (TFLite's op traits). */
const OUTPUT_RULES: Partial<Record<OpKind, OutputRule>> = {
  CONV_2D: 'calibrated',
  DEPTHWISE_CONV_2D: 'calibrated',
  FULLY_CONNECTED: 'calibrated',
  ADD: 'calibrated',
  SUB: 'calibrated',
  MUL: 'calibrated',
  MEAN: 'calibrated',
  RELU: 'calibrated',
  RELU6: 'calibrated',
  RELU_N1_TO_1: 'calibrated',
  LEAKY_RELU: 'calibrated',
  HARD_SWISH: 'calibrated',
  // TFLM copies their int8 inputs unchanged, so inputs and output share one scale: the converter
  // calibrates the output and requantizes each input that differs (REQUANTIZED_INPUTS).
  CONCATENATION: 'calibrated',
  MAXIMUM: 'calibrated',
  MINIMUM: 'calibrated',
  // int8 kernels that move values without rescaling: TFLite gives the output the input's parameters.
  AVERAGE_POOL_2D: 'same-as-input',
  MAX_POOL_2D: 'same-as-input',
  RESHAPE: 'same-as-input',
  SQUEEZE: 'same-as-input',
  PAD: 'same-as-input',
  PADV2: 'same-as-input', // its pad value quantized with the input's params, as TFLM's PADV2 requires
  TRANSPOSE: 'same-as-input',
  STRIDED_SLICE: 'same-as-input',
  RESIZE_NEAREST_NEIGHBOR: 'same-as-input',
  RESIZE_BILINEAR: 'same-as-input',
  // Fixed output ranges of TFLite's int8 kernels.
  SOFTMAX: { scale: 1 / 256, zeroPoint: -128 },
  LOGISTIC: { scale: 1 / 256, zeroPoint: -128 },
  TANH: { scale: 1 / 128, zeroPoint: 0 },
};

/** The op kinds the quantizer handles (with NOT_YET_QUANTIZED, every float32 kernel's kind: test/quantize checks it). */
export const QUANTIZABLE_KINDS: readonly OpKind[] = Object.keys(OUTPUT_RULES) as OpKind[];

/**
 * Float32 kernels whose int8 form the quantizer does not write yet (their converter rules, e.g. SPLIT's axis
 * first or SHAPE's int32 output, are not checked here): a model with one is refused naming them.
 */
export const NOT_YET_QUANTIZED: readonly OpKind[] = [
  'ABS', 'RSQRT', 'SQUARED_DIFFERENCE', 'DEPTH_TO_SPACE', 'SPACE_TO_DEPTH', 'EXPAND_DIMS', 'PACK', 'SPLIT', 'SPLIT_V', 'UNPACK',
  'BROADCAST_TO', 'ZEROS_LIKE', 'SHAPE', 'GATHER', 'CAST', 'PRELU',
  'BATCH_MATMUL', 'ELU', 'EXP', 'NEG', 'DIV', 'LOG_SOFTMAX', 'SUM', 'REDUCE_MAX', 'L2_NORMALIZATION', 'SVDF',
];

/** The op version TFLite's converter writes for the int8 form (op_version.cc), at least the float one. */
const INT8_VERSIONS: Partial<Record<OpKind, number>> = {
  CONV_2D: 3, // per-channel int8
  DEPTHWISE_CONV_2D: 3,
  FULLY_CONNECTED: 4,
  ADD: 2,
  SUB: 2,
  MUL: 2,
  MEAN: 2,
  AVERAGE_POOL_2D: 2,
  MAX_POOL_2D: 2,
  PAD: 2,
  TRANSPOSE: 2,
  STRIDED_SLICE: 2,
  RESIZE_NEAREST_NEIGHBOR: 2,
  RESIZE_BILINEAR: 2,
  SOFTMAX: 2,
  LOGISTIC: 2,
  TANH: 2,
  RELU: 2,
  RELU6: 2,
  CONCATENATION: 2,
  MAXIMUM: 2,
  MINIMUM: 2,
  PADV2: 2,
  QUANTIZE: 1,
  DEQUANTIZE: 2, // int8 input
};

/**
 * Ops whose int8 kernel takes every input at the output's scale and zero point (TFLite's
 * restrict_same_input_output_scale with arbitrary inputs): an input quantized otherwise gets a
 * requantizing QUANTIZE to the output's params first (the converter's ApplyConstraints, quantize_model.cc).
 */
const REQUANTIZED_INPUTS: ReadonlySet<OpKind> = new Set<OpKind>(['CONCATENATION', 'MAXIMUM', 'MINIMUM']);

/**
 * The kinds the 16x8 scheme writes: the converter's quantizable_int16 ops (operator_property.cc) that have
 * int16 kernels here. MUL, MAXIMUM and MINIMUM (no int16 kernels here yet), RELU_N1_TO_1 (TFLM runs it int8
 * only) and HARD_SWISH (not quantizable_int16) are refused naming the op.
 */
const INT16_KINDS: ReadonlySet<OpKind> = new Set<OpKind>([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'ADD', 'SUB', 'MEAN', 'RELU', 'RELU6', 'LEAKY_RELU', 'CONCATENATION',
  'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'RESHAPE', 'SQUEEZE', 'PAD', 'PADV2', 'TRANSPOSE', 'STRIDED_SLICE',
  'RESIZE_NEAREST_NEIGHBOR', 'SOFTMAX', 'LOGISTIC', 'TANH',
]);

/** Fixed int16 output ranges (operator_property.cc restricted_value_int16, TFLM's int16 Prepare checks). */
const INT16_FIXED_OUTPUTS: Partial<Record<OpKind, AffineParams>> = {
  SOFTMAX: { scale: 1 / 32768, zeroPoint: 0 },
  LOGISTIC: { scale: 1 / 32768, zeroPoint: 0 },
  TANH: { scale: 1 / 32768, zeroPoint: 0 },
};

/**
 * The versions op_version.cc gives the int16 form, where it has one: the converter's 16x8 files carry the
 * quantizer's int8 version raised to these (UpdateOpVersion only raises). CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED and TRANSPOSE_CONV have none for 16x8 without quantized_bias_type: they keep 3, 3, 4, 3,
 * as in TFLM's SEANet 16x8 files.
 */
const INT16_VERSIONS: Partial<Record<OpKind, number>> = {
  ADD: 3, // non-POT int16 (pot_scale_int16 false)
  SUB: 5,
  MEAN: 3,
  SOFTMAX: 3,
  LOGISTIC: 3,
  TANH: 3,
  RELU: 3,
  RELU6: 3,
  LEAKY_RELU: 2,
  CONCATENATION: 3,
  PAD: 3,
  PADV2: 3,
  AVERAGE_POOL_2D: 3,
  MAX_POOL_2D: 3,
  TRANSPOSE: 5,
  RESIZE_NEAREST_NEIGHBOR: 4,
  QUANTIZE: 2, // int16 output
  DEQUANTIZE: 3, // int16 input
};

/** The activation dtype of a quantized graph: int8 (asymmetric), or int16 (symmetric, TFLite's 16x8 scheme). */
export type ActivationDtype = 'int8' | 'int16';

/** Weight axis per kind: TFLite's quantized_dimension (output channels). */
export const WEIGHT_AXIS: Partial<Record<OpKind, number>> = { CONV_2D: 0, DEPTHWISE_CONV_2D: 3, FULLY_CONNECTED: 0 };

const FUSED: readonly FusedActivation[] = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'];

function perTensor(p: AffineParams): Quantization {
  return { scales: [Math.fround(p.scale)], zeroPoints: [p.zeroPoint], axis: 0 };
}

/** Refuses a graph that is not all float32 ops or has ops the quantizer does not handle (in int16, with `activations`), naming them. */
export function checkQuantizable(graph: Graph, model: string, activations: ActivationDtype = 'int8'): void {
  const notFloat = graph.ops.flatMap((op, i) => (isFloatOp(op, graph.tensors) ? [] : [`${op.kind} at node ${i}`]));
  if (notFloat.length > 0) {
    throw new UsageError(`${model} is not a float32 model: ${notFloat.slice(0, 3).join(', ')} ${notFloat.length > 1 ? 'are' : 'is'} already quantized`, { model, ops: notFloat });
  }
  const unsupported = graph.ops.flatMap((op, i) => (OUTPUT_RULES[op.kind] ? [] : [`${op.kind} at node ${i}`]));
  if (unsupported.length > 0) {
    const kinds = [...new Set(unsupported.map((s) => s.split(' ')[0]))];
    throw new UnsupportedError(`${model}: the quantizer cannot handle ${kinds.join(', ')} (${unsupported.slice(0, 3).join(', ')}${unsupported.length > 3 ? ', …' : ''})`, {
      model,
      ops: unsupported,
      kinds,
    });
  }
  if (activations !== 'int16') return;
  const noInt16 = graph.ops.flatMap((op, i) => (INT16_KINDS.has(op.kind) ? [] : [`${op.kind} at node ${i}`]));
  if (noInt16.length > 0) {
    const kinds = [...new Set(noInt16.map((s) => s.split(' ')[0]))];
    throw new UnsupportedError(`${model}: no int16 kernel for ${kinds.join(', ')} (${noInt16.slice(0, 3).join(', ')}${noInt16.length > 3 ? ', …' : ''}): --int16-activations cannot quantize it`, {
      model,
      ops: noInt16,
      kinds,
    });
  }
}

/** The fused activation a float clamp stands for, as the integer clamp on an output with params `q` and dtype `dtype`. */
function integerClamp(clamp: Clamp, q: AffineParams, dtype: ActivationDtype, where: string): Clamp {
  for (const a of FUSED) {
    const c = floatActivationClamp(a);
    if (c[0] === clamp[0] && c[1] === clamp[1]) return activationClamp(a, q.scale, q.zeroPoint, dtypeRange(dtype));
  }
  throw new UnsupportedError(`${where}: clamp [${clamp}] is no TFLite fused activation`, { clamp });
}

/** The activation tensors whose int8 params come from their calibrated range: graph inputs and calibrated op outputs. */
export function calibratedTensors(graph: Graph): number[] {
  return [...graph.inputs, ...graph.ops.flatMap((op) => (OUTPUT_RULES[op.kind] === 'calibrated' ? op.outputs : []))];
}

export interface QuantizeGraphOptions {
  /** One weight scale per tensor instead of per output channel (TFLite's per-tensor scheme). */
  perTensor?: boolean;
  /** int16 activations, int8 weights and int64 biases (TFLite's 16x8 scheme); int8 by default. */
  activations?: ActivationDtype;
}

/** The int8 Graph for a float32 graph given each activation tensor's calibrated range. */
export function quantizeGraph(graph: Graph, ranges: RangeTable, model = graph.name || 'model', options: QuantizeGraphOptions = {}): Graph {
  const dtype = options.activations ?? 'int8';
  const int16 = dtype === 'int16';
  checkQuantizable(graph, model, dtype);
  const activationParams = int16 ? symmetricInt16 : asymmetricInt8;
  /** The converter's version for the quantized form of an op at `floatVersion`. */
  const versionOf = (kind: OpKind, floatVersion: number) => Math.max(floatVersion, INT8_VERSIONS[kind] ?? 1, (int16 && INT16_VERSIONS[kind]) || 1);
  const tensors: Tensor[] = graph.tensors.map((t) => ({ ...t, shape: [...t.shape] }));
  const params = new Map<number, AffineParams>();
  const calibrated = (id: number, where: string): AffineParams => {
    const r = ranges.get(id);
    if (!r) throw new UsageError(`${where}: tensor '${tensors[id]!.name}' (#${id}) has no calibrated range`, { tensor: id });
    return activationParams(r[0], r[1]);
  };
  const setActivation = (id: number, p: AffineParams) => {
    const q = perTensor(p);
    params.set(id, { scale: q.scales[0]!, zeroPoint: p.zeroPoint });
    tensors[id] = { ...tensors[id]!, dtype, quant: q, data: null };
  };
  const addTensor = (from: Tensor, suffix: string): number => {
    const id = tensors.length;
    tensors.push({ ...from, id, name: `${from.name}${suffix}`, shape: [...from.shape], shapeSignature: from.shapeSignature && [...from.shapeSignature] });
    return id;
  };

  // Graph inputs: a float32 input is kept, and a QUANTIZE writes its int8 (int16) twin that the ops read.
  const rename = new Map<number, number>();
  const head: AnyOp[] = [];
  for (const id of graph.inputs) {
    const twin = addTensor(tensors[id]!, `_${dtype}`);
    setActivation(twin, calibrated(id, `input '${tensors[id]!.name}'`));
    rename.set(id, twin);
    head.push({ kind: 'QUANTIZE', version: versionOf('QUANTIZE', 1), inputs: [id], outputs: [twin], attrs: {}, params: null });
  }
  // Graph outputs: the producer writes an int8 twin, and a DEQUANTIZE writes the float32 output.
  const outputTwin = new Map<number, number>();
  const tail: AnyOp[] = [];
  for (const id of graph.outputs) {
    const twin = addTensor(tensors[id]!, `_${dtype}`);
    outputTwin.set(id, twin);
    tail.push({ kind: 'DEQUANTIZE', version: versionOf('DEQUANTIZE', 1), inputs: [twin], outputs: [id], attrs: {}, params: null });
  }
  const readOf = (id: number) => rename.get(id) ?? outputTwin.get(id) ?? id;

  const ops: AnyOp[] = graph.ops.map((op, index): AnyOp[] => {
    const where = `${op.kind} (node ${index})`;
    const inputs = op.inputs.map((id) => (id < 0 ? id : readOf(id)));
    const outputs = op.outputs.map((id) => outputTwin.get(id) ?? id);
    const rule = OUTPUT_RULES[op.kind]!;
    const inputParams = params.get(inputs[0]!);
    if (!inputParams) throw new UnsupportedError(`${where}: its first input '${tensors[inputs[0]!]!.name}' is a constant`, { op: op.kind, node: index });
    outputs.forEach((id, k) => {
      const p = rule === 'calibrated' ? calibrated(op.outputs[k]!, where) : rule === 'same-as-input' ? inputParams : int16 ? INT16_FIXED_OUTPUTS[op.kind]! : rule;
      setActivation(id, p);
    });
    const weightAxis = WEIGHT_AXIS[op.kind];
    inputs.forEach((id, k) => {
      if (id < 0 || k === 0 || tensors[id]!.dtype !== 'float32' || !tensors[id]!.data) return;
      const t = tensors[id]!;
      if (weightAxis !== undefined && k === 1) {
        const { q, scales } = options.perTensor ? symmetricPerTensor(floatValues(t)) : symmetricPerChannel(floatValues(t), t.shape, weightAxis);
        tensors[id] = { ...t, dtype: 'int8', data: new Uint8Array(q.buffer), quant: { scales, zeroPoints: scales.map(() => 0), axis: options.perTensor ? 0 : weightAxis } };
      } else if (weightAxis !== undefined && k === 2) {
        const weightScales = tensors[inputs[1]!]!.quant!.scales;
        const { q, scales } = (int16 ? biasInt64 : biasInt32)(floatValues(t), inputParams.scale, weightScales);
        tensors[id] = { ...t, dtype: int16 ? 'int64' : 'int32', data: new Uint8Array(q.buffer), quant: { scales, zeroPoints: scales.map(() => 0), axis: 0 } };
      } else {
        // Another float operand (an ADD/MUL constant): quantized as an activation over its own values; a constant
        // of an op whose inputs share the output's params (PADV2's pad value, a CONCATENATION part) with those.
        const values = floatValues(t);
        const p = op.kind === 'PADV2' || REQUANTIZED_INPUTS.has(op.kind) ? params.get(outputs[0]!)! : activationParams(values.reduce((a, b) => Math.min(a, b), 0), values.reduce((a, b) => Math.max(a, b), 0));
        const inv = Math.fround(1 / Math.fround(p.scale));
        const [lo, hi] = dtypeRange(dtype);
        const clamped = Array.from(values, (v) => Math.max(lo, Math.min(hi, roundHalfAway(Math.fround(v * inv)) + p.zeroPoint)));
        const q = int16 ? Int16Array.from(clamped) : Int8Array.from(clamped);
        tensors[id] = { ...t, dtype, data: new Uint8Array(q.buffer), quant: perTensor(p) };
        params.set(id, { scale: Math.fround(p.scale), zeroPoint: p.zeroPoint });
      }
    });
    const attrs = 'clamp' in op.attrs ? { ...op.attrs, clamp: integerClamp(op.attrs.clamp, params.get(outputs[0]!)!, dtype, where) } : op.attrs;
    const version = versionOf(op.kind, op.version);
    const requants = REQUANTIZED_INPUTS.has(op.kind) ? requantizeInputs(inputs, params.get(outputs[0]!)!) : [];
    return [...requants, { ...op, version, inputs, outputs, attrs, params: null } as AnyOp];
  }).flat();

  /** A QUANTIZE to `out` for each input quantized otherwise (its slot in `inputs` rewired), as the converter inserts. */
  function requantizeInputs(inputs: number[], out: AffineParams): AnyOp[] {
    return inputs.flatMap((id, k) => {
      const p = params.get(id)!;
      if (Math.fround(p.scale) === Math.fround(out.scale) && p.zeroPoint === out.zeroPoint) return [];
      const requantized = addTensor(tensors[id]!, '_requantized');
      setActivation(requantized, out);
      inputs[k] = requantized;
      return [{ kind: 'QUANTIZE', version: versionOf('QUANTIZE', 1), inputs: [id], outputs: [requantized], attrs: {}, params: null } as AnyOp];
    });
  }

  const all = [...head, ...ops, ...tail].map((op, index) => ({ ...op, params: deriveParams({ op: op as Op<OpKind>, index, tensors }) }) as AnyOp);
  const result: Graph = { ...graph, tensors, ops: all, inputs: [...graph.inputs], outputs: [...graph.outputs] };
  validateGraph(result, model);
  return result;
}
