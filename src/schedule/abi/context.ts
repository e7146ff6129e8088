// What a per-op lowering works with: the graph, the constant data under construction, and the helpers
// that turn operands and arrays into tensor references and shapes into record words.
import type { DType, Graph, QuantizedOp, Tensor } from '../../ir/graph.js';
import type { OpKind } from '../../ir/ops.js';
import { dtypeBytes, elementCount } from '../../ir/shapes.js';
import { UnsupportedError } from '../../errors.js';
import type { KernelCall, Operand } from '../types.js';
import type { ConstantData } from './constants.js';
import { CONST_ALIGN, constRef, MAX_RANK, WEIGHTS_ALIGN, type RecordName, type RecordValues } from './records.js';

export interface LowerContext {
  graph: Graph;
  consts: ConstantData;
  /** Constant tensor id -> its offset in the constant data (each tensor stored once). */
  tensorOffsets: Map<number, number>;
  /** Choose conv2d_s8_1x1 / dwconv2d_s8_3x3 where they apply. */
  fastPaths: boolean;
  /** Kernels read LUT-stored constants (Tensor.lut) packed; false: the plain kernels, on lutCopy's decoded copy. */
  lutKernels: boolean;
  /** The backend decodes a CONV_2D's whole LUT filter (convLutDecodesWhole) into the call's workspace before the plain kernel (wasm). */
  lutWholeInWorkspace: boolean;
  /** Constants the lowering computes for a C kernel at compile time (C only): pointwise convs over 8 or 16 channels and 3x3 convs over 3 carry conv.c's channel records (record field channel_records), a flat int8 ADD its input table (field table). */
  compileTimeTables: boolean;
  /** A backend that decodes LUT constants itself (wasm: at the first invoke): the constant offset of a decoded copy. */
  lutCopy?: (id: number, tensor: Tensor) => number;
}

/** What a kernel symbol is chosen from besides the call (LowerOptions). */
export interface SymbolChoice {
  fastPaths: boolean;
  lutKernels: boolean;
  lutWholeInWorkspace: boolean;
  /** LowerOptions.compileTimeTables: conv.c's channel records and ADD's input table (C only). */
  compileTimeTables: boolean;
}

/** A kernel call of op kind K, with the op's derived quantization params (the int8 path). */
export interface OpCall<K extends OpKind> {
  call: KernelCall;
  op: QuantizedOp<K>;
  /** `KIND (op N)`: how errors name the call. */
  where: string;
}

/** The shared part of a kernel call's lowering: its record layout and field values. */
export interface RecordLowering {
  record: RecordName;
  fields: RecordValues;
}

/**
 * How one op kind lowers: its kernel symbol (from the call alone: op, variant, shapes and dtypes; no
 * constant data, so the profiler can ask it) and its record (adding the constant arrays it points at).
 */
export interface OpLowering<K extends OpKind> {
  symbol(c: OpCall<K>, graph: Graph, choice: SymbolChoice): string;
  record(ctx: LowerContext, c: OpCall<K>): RecordLowering;
}

const DTYPE_CODE: Partial<Record<DType, string>> = { int8: 's8', uint8: 'u8', int16: 's16', int32: 's32', float32: 'f32' };

/** The dtype code of kernel symbols (s8, u8, s16, s32, f32), or UnsupportedError. */
export function code(dtype: DType, what: string): string {
  const c = DTYPE_CODE[dtype];
  if (!c) throw new UnsupportedError(`${what}: dtype ${dtype} has no kernel`, { dtype });
  return c;
}

/** Bytes per element of an element-moving kernel (1, 2, 4 or 8), or UnsupportedError. */
export function elemBytes(dtype: DType, what: string): number {
  const b = dtypeBytes(dtype);
  if (b === undefined || ![1, 2, 4, 8].includes(b) || dtype === 'float16') throw new UnsupportedError(`${what}: dtype ${dtype} has no kernel`, { dtype });
  return b;
}

/** A shape left-padded with 1s to MAX_RANK dims, or UnsupportedError. */
export function padShape(shape: readonly number[], what: string): number[] {
  if (shape.length > MAX_RANK) throw new UnsupportedError(`${what}: rank ${shape.length} exceeds the kernels' ${MAX_RANK}`, { rank: shape.length });
  return [...new Array<number>(MAX_RANK - shape.length).fill(1), ...shape];
}

/** A float32's bit pattern as an int32 word. */
export const f32Bits = (x: number) => new Int32Array(Float32Array.of(x).buffer)[0]!;

/** Per-tensor or per-channel values as one per channel. */
export function expand(values: Int32Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => values[values.length > 1 ? i : 0]!);
}

/** The symbol suffix of a call's variant ('' for default and stream-element: see kernels.ts). */
export function variantSuffix(call: KernelCall): string {
  return call.variant === 'default' || call.variant === 'stream-element' ? '' : `_${call.variant.replace(/-/g, '_')}`;
}

/** The kernel's planned workspace (src/ir/workspace.ts): where, and how many bytes it may use (0: none). */
export function workspaceFields(call: KernelCall): { workspace: number; workspace_bytes: number } {
  return { workspace: call.workspace ? call.workspace.offset : 0, workspace_bytes: call.workspace ? elementCount(call.workspace.shape) : 0 };
}

/** Offset of a constant tensor's data (added once); a LUT-stored one read as plain int8: the backend's decoded copy. */
export function constTensor(ctx: LowerContext, id: number, align = CONST_ALIGN): number {
  let off = ctx.tensorOffsets.get(id);
  if (off === undefined) {
    const t = ctx.graph.tensors[id]!;
    off = t.lut && ctx.lutCopy ? ctx.lutCopy(id, t) : ctx.consts.add(t.data!, align);
    ctx.tensorOffsets.set(id, off);
  }
  return off;
}

/** Shape and dtype of an operand, without touching the constant data (what symbol choices read). */
export function operandType(graph: Graph, o: Operand | undefined, what: string): { shape: number[]; dtype: DType } {
  if (!o) throw new UnsupportedError(`${what} is missing`, {});
  if ('arena' in o) return o.arena;
  return graph.tensors[o.constant]!;
}

/** Reference field value and shape/dtype of an operand. */
export function operand(ctx: LowerContext, o: Operand | undefined, what: string): { ref: number; shape: number[]; dtype: DType; tensor: Tensor | null } {
  if (!o) throw new UnsupportedError(`${what} is missing`, {});
  if ('arena' in o) return { ref: o.arena.offset, shape: o.arena.shape, dtype: o.arena.dtype, tensor: null };
  const t = ctx.graph.tensors[o.constant]!;
  return { ref: constRef(constTensor(ctx, o.constant, WEIGHTS_ALIGN)), shape: t.shape, dtype: t.dtype, tensor: t };
}

/** An int32 array in the constant data, as a tensor reference. */
export function arrayRef(ctx: LowerContext, values: ArrayLike<number>, what?: string): number {
  return constRef(ctx.consts.addInt32(values, what));
}

/**
 * The bias operand in the kernel's bias type (int64 on the 16x8 path: an int16 bias, which TFLM's
 * TRANSPOSE_CONV widens, is stored widened), or zeros of that type when the op has none.
 */
export function biasRef(ctx: LowerContext, o: Operand | undefined, inputDtype: DType, channels: number, where: string): number {
  const t = o && 'constant' in o ? ctx.graph.tensors[o.constant]! : null;
  if (o && t?.dtype !== 'int16') return operand(ctx, o, `${where} bias`).ref;
  const words = new Int32Array(inputDtype === 'int16' ? 2 * channels : channels);
  if (t?.data) {
    const v = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let c = 0; c < channels; c++) {
      words[2 * c] = v.getInt16(2 * c, true);
      words[2 * c + 1] = words[2 * c]! < 0 ? -1 : 0;
    }
  }
  return arrayRef(ctx, words);
}
