// Float32 ops in the Graph: an op computes in float32 when its first input and its output are float32
// (QUANTIZE float->int8 and DEQUANTIZE int8->float are int8-path ops with derived params). A float op
// carries no quantization params (`params: null`); its fused activation is a clamp in real values.
import { UnsupportedError } from '../errors.js';
import type { AnyOp, AnyQuantizedOp, Graph, Op, Tensor } from './graph.js';
import type { Clamp, OpKind } from './ops.js';
import { OP_TABLE } from './op-table.js';

/** FLT_MAX: TFLite's CalculateActivationRange bound for float (std::numeric_limits<float>::max()). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** The command a float model is pointed to before an int8 backend can take it. */
export const QUANTIZE_FIRST = 'quantize it first: tinyforge quantize MODEL.tflite --out MODEL_int8.tflite';

/** True when the op computes in float32: its first input and its output are float32 tensors. */
export function isFloatOp(op: Pick<Op, 'inputs' | 'outputs'>, tensors: readonly Tensor[]): boolean {
  const input = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? tensors[op.inputs[0]] : undefined;
  const output = op.outputs[0] !== undefined ? tensors[op.outputs[0]] : undefined;
  return input?.dtype === 'float32' && output?.dtype === 'float32';
}

/** The node indices of a graph's float32 ops, in execution order. */
export function floatOpIndices(graph: Graph): number[] {
  const indices: number[] = [];
  graph.ops.forEach((op, i) => {
    if (isFloatOp(op, graph.tensors)) indices.push(i);
  });
  return indices;
}

/** TFLite CalculateActivationRange<float>: a fused activation as a clamp on real values. */
export function floatActivationClamp(activation: 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6'): Clamp {
  switch (activation) {
    case 'NONE':
      return [-FLOAT32_MAX, FLOAT32_MAX];
    case 'RELU':
      return [0, FLOAT32_MAX];
    case 'RELU_N1_TO_1':
      return [-1, 1];
    case 'RELU6':
      return [0, 6];
  }
}

/** TFLite CalculateActivationRange<int32_t> (unquantized int32 DIV): the float bounds on int32 values. */
export function int32ActivationClamp(activation: 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6'): Clamp {
  const [lo, hi] = floatActivationClamp(activation);
  return [Math.max(lo, -2147483648), Math.min(hi, 2147483647)];
}

/**
 * The op as an int8-path op, for consumers that need its params (int8 kernels, backends); a float op
 * is refused with E_UNSUPPORTED telling the user to quantize the model (`consumer`: why, as a clause).
 */
export function quantizedOp<K extends OpKind>(op: Op<K>, tensors: readonly Tensor[], where: string, consumer: string): Extract<AnyQuantizedOp, { kind: K }> {
  if (isFloatOp(op, tensors) && copiesElementsOnly(op.kind)) return withCopyParams(op as AnyOp, tensors) as unknown as Extract<AnyQuantizedOp, { kind: K }>;
  if (isFloatOp(op, tensors)) {
    const dtype = 'float32';
    throw new UnsupportedError(`${where} computes in ${dtype}, and ${consumer}; ${QUANTIZE_FIRST}`, {
      op: op.kind,
      dtype,
    });
  }
  if (op.params === null && hasDerivedParams(op as AnyOp)) {
    throw new UnsupportedError(`${where} has no derived quantization params`, { op: op.kind });
  }
  return op as unknown as Extract<AnyQuantizedOp, { kind: K }>;
}

/** Movement and alias ops copy elements without arithmetic (their kernels take elem_bytes), so float32 ones run on the same kernels. */
export function copiesElementsOnly(kind: OpKind): boolean {
  const shape = OP_TABLE[kind].shape;
  return shape === 'movement' || shape === 'alias';
}

/** A float32 element-copying op with the int8 path's params for a plain copy: PAD's value in float32 bits, no requantization. */
function withCopyParams(op: AnyOp, tensors: readonly Tensor[]): AnyOp {
  switch (op.kind) {
    case 'PAD':
    case 'PADV2': {
      const constant = op.kind === 'PADV2' && op.inputs[2] !== undefined && op.inputs[2] >= 0 ? tensors[op.inputs[2]]?.data : null;
      const padValue = constant && constant.byteLength >= 4 ? new DataView(constant.buffer, constant.byteOffset, 4).getFloat32(0, true) : 0;
      return { ...op, params: { padValue } };
    }
    case 'CONCATENATION':
      return { ...op, params: { inputs: op.inputs.map(() => null), outputZeroPoint: 0 } };
    default:
      return op;
  }
}

/** Op kinds whose int8 form has no params (NoParams): null params are normal for them. */
const PARAMLESS: ReadonlySet<OpKind> = new Set<OpKind>([
  'AVERAGE_POOL_2D',
  'MAX_POOL_2D',
  'RESHAPE',
  'SQUEEZE',
  'RESIZE_NEAREST_NEIGHBOR',
  'STRIDED_SLICE',
  'TRANSPOSE',
  'MAXIMUM',
  'MINIMUM',
  'DECODE',
  'DEPTH_TO_SPACE',
  'SPACE_TO_DEPTH',
  'EXPAND_DIMS',
  'PACK',
  'SPLIT',
  'SPLIT_V',
  'UNPACK',
  'BROADCAST_TO',
  'ZEROS_LIKE',
  'SHAPE',
  'GATHER',
  'CAST',
  'REDUCE_MAX',
  'RESIZE_BILINEAR',
]);

function hasDerivedParams(op: AnyOp): boolean {
  return !PARAMLESS.has(op.kind);
}

/** Refuses a graph with float32 ops (naming the first few); `consumer` says what runs int8 only. */
export function requireQuantizedGraph(graph: Graph, model: string, consumer: string): void {
  const floats = floatOpIndices(graph);
  if (floats.length === 0) return;
  const named = floats.slice(0, 3).map((i) => `${graph.ops[i]!.kind} at node ${i}`);
  const more = floats.length > 3 ? `, … (${floats.length} in all)` : '';
  throw new UnsupportedError(`${model} has float32 ops (${named.join(', ')}${more}), and ${consumer}; ${QUANTIZE_FIRST}`, {
    model,
    floatOps: floats.length,
    firstFloatOp: floats[0],
  });
}
