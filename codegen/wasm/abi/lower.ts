// The wasm backend's extension of the shared lowering (src/schedule/abi/lower.ts): record fields and
// constant data only the AssemblyScript kernels read — requantization tables (`qparams.ts`),
// channel-interleaved weights (`packed.ts`) — and the preparation steps the module runs at its first
// invoke (`prepare.ts`: int16 filter copies, Winograd weights, ADD/SUB lookup tables), and the decode calls of
// LUT filters read at each invoke (`lut.ts`).
import type { OpKind } from '../../../src/ir/ops.js';
import type { Graph, Tensor } from '../../../src/ir/graph.js';
import { elementCount } from '../../../src/ir/shapes.js';
import { expand, operandType, type LowerContext, type OpCall } from '../../../src/schedule/abi/context.js';
import { lowerSchedule, type KernelLowering, type LoweredSchedule, type LoweringExtension } from '../../../src/schedule/abi/lower.js';
import type { RecordValues } from '../../../src/schedule/abi/records.js';
import type { Operand, Schedule } from '../../../src/schedule/types.js';
import { packedRef } from './packed.js';
import { opGeometry, packedWindowFits, wasmConvLutBlock, winogradFits } from '../../../src/ir/workspace.js';
import { LUT_MIN_ELEMENTS, PrepareSteps, type PrepareStep } from './prepare.js';
import { channelWeights, qparamsRef, type ChannelWeights } from './qparams.js';
import { WASM_FIELDS } from './records.js';
import { CONST_ALIGN, constRef } from '../../../src/schedule/abi/records.js';
import { needsLoadCopy, WorkspaceDecodes } from './lut.js';
import { SIGMOID_TABLE_UINT16 } from '../../../src/ir/sigmoid-table.js';

export interface WasmLowerOptions {
  /** Choose conv2d_s8_1x1 / dwconv2d_s8_3x3 where they apply (default true). */
  fastPaths?: boolean;
  /**
   * Emit the per-channel requantization tables (`qparams`, 36 bytes per output channel; default false).
   * Worth it where constant bytes are cheap (wasm); on a microcontroller they would cost flash.
   */
  qparams?: boolean;
  /**
   * Give CONV_2D / FULLY_CONNECTED calls that have qparams, no `packed` weights and a multiple of 8 taps
   * per output channel an int16 copy of their filter (`wide`, prepare.ts): wasm SIMD only. Off by
   * default in the wasm backend: 1-3% faster on large-K layers for twice the weights' memory.
   */
  wideWeights?: boolean;
  /**
   * Give ADD / SUB calls of at least LUT_MIN_ELEMENTS int8 outputs a 64 KiB table of every (x1, x2)
   * result (`lut`, filled by a preparation step): one load per element instead of three
   * requantizations. Costs memory, not constant bytes.
   */
  lookupTables?: boolean;
  /** Give eligible 3x3 stride-1 CONV_2D calls Winograd weights (`winograd`, prepare.ts): wasm SIMD only. */
  winograd?: boolean;
}

export interface WasmLoweredSchedule extends LoweredSchedule {
  /**
   * Calls the module makes once, before the first kernel call, with the same ABI as kernel calls: they
   * fill constant data the lowering only reserved (zeros): int16 filter copies (`wide`), Winograd
   * weights (`winograd`) and ADD / SUB lookup tables (`lut`, with the op's own record).
   */
  prepare: PrepareStep[];
  /** Bytes of the constant data reserved for LUT weights the module decodes at its first invoke (prepare.ts; lut.ts says when). */
  decodedLutBytes: number;
}

interface State {
  options: WasmLowerOptions;
  steps: PrepareSteps;
  /** Decode calls of the filters decoded whole into their call's workspace (lut.ts). */
  decodes: WorkspaceDecodes;
}

/** The wasm fields of one op kind's record: may add constant data (after the shared arrays) and preparation steps. */
type Extender<K extends OpKind> = (s: State, ctx: LowerContext, c: OpCall<K>, lowered: KernelLowering) => Record<string, number>;

/** A constant operand's tensor, else null. */
function constantTensor(graph: Graph, o: Operand | undefined): { id: number; tensor: Tensor } | null {
  return o && 'constant' in o ? { id: o.constant, tensor: graph.tensors[o.constant]! } : null;
}

/** The requantization table of a CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED call, or 0. */
function tableOf(
  s: State, ctx: LowerContext, c: OpCall<'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED'>, channels: number, weights: (w: Int8Array, ch: number) => ChannelWeights,
): number {
  if (!s.options.qparams) return 0;
  const p = c.op.params;
  return qparamsRef(ctx, channels, constantTensor(ctx.graph, c.call.inputs[1])?.tensor ?? null, c.call.inputs[2], weights, p.inputOffset,
    expand(p.multiplier, channels), expand(p.shift, channels), { zeroPoint: p.outputOffset, actMin: c.op.attrs.clamp[0], actMax: c.op.attrs.clamp[1] });
}

const num = (fields: RecordValues, name: string) => fields[name] as number;

const conv: Extender<'CONV_2D'> = (s, ctx, c, { record, fields }): Record<string, number> => {
  if (record === 'conv2d_lut') return convLutBlock(s, ctx, c, fields);
  // the 16x8 kernel (conv2d_s16) reads none of the int8 tables
  if (record !== 'conv2d' || operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype === 'int16') return {};
  const filter = constantTensor(ctx.graph, c.call.inputs[1]);
  // a LUT filter read at each invoke: decoded into the start of the workspace, the kernel runs on it (lut.ts)
  const decoded = s.decodes.first(ctx, c.call, fields, c.where);
  const outDepth = num(fields, 'out_depth'), kh = num(fields, 'filter_h'), kw = num(fields, 'filter_w'), fd = num(fields, 'filter_depth');
  const taps = filter ? elementCount(filter.tensor.shape) / outDepth : 0;
  const qparams = tableOf(s, ctx, c, outDepth, (v, ch) => channelWeights(v, ch * taps, taps, 1));
  if (qparams === 0 || fd !== num(fields, 'in_depth')) return { ...decoded, qparams };
  // LUT-stored weights: no interleaved int16 constants, which would ship them decoded, nor an int16 copy;
  // Winograd weights only from a copy decoded at load (made at the first invoke, after that copy)
  const lut = filter?.tensor.lut !== undefined;
  const { stride, dilation } = c.op.attrs;
  // the same conditions the planner sized the wasm workspace with (src/ir/workspace.ts)
  const geometry = { filterH: kh, filterW: kw, filterDepth: fd, inDepth: num(fields, 'in_depth'), outDepth, strideH: stride[0], strideW: stride[1], dilationH: dilation[0], dilationW: dilation[1] };
  const packed = !lut && packedWindowFits(geometry) ? packedRef(ctx, filter?.tensor ?? null, outDepth, kh, kw * fd) : 0;
  // the filter's own offset in the constant data (a constant filter's reference is ~offset)
  const from = ~num(fields, 'filter');
  const wide = packed === 0 && !lut && s.options.wideWeights ? s.steps.wide(ctx.consts, filter?.id ?? -1, filter?.tensor ?? null, from, outDepth, kh * kw * fd) : 0;
  const winograd = s.options.winograd && !('filter' in decoded) && winogradFits(geometry)
    ? s.steps.winograd(ctx.consts, filter?.id ?? -1, filter?.tensor ?? null, from, outDepth, fd) : 0;
  return { ...decoded, qparams, packed, wide, winograd };
};

/**
 * conv2d_lut_s8 (a filter not decoded whole): blocks of a pointwise conv's channels (wasmConvLutBlock, with the
 * requantization table) when the plan gave the workspace for one, else each weight decoded in the dot loop.
 */
function convLutBlock(s: State, ctx: LowerContext, c: OpCall<'CONV_2D'>, fields: RecordValues): Record<string, number> {
  const outDepth = num(fields, 'out_depth'), depth = num(fields, 'in_depth');
  const geometry = {
    ...opGeometry(ctx.graph, c.op, c.call.variant), batches: num(fields, 'batches'), inH: num(fields, 'in_h'), inW: num(fields, 'in_w'),
    outH: num(fields, 'out_h'), outW: num(fields, 'out_w'), qparams: s.options.qparams === true,
  };
  const block = wasmConvLutBlock(geometry);
  if (block === 0 || num(fields, 'workspace_bytes') < Math.ceil((block * depth) / 16) * 16) return { qparams: 0, lut_block: 0 };
  return { qparams: tableOf(s, ctx, c, outDepth, (v, ch) => channelWeights(v, ch * depth, depth, 1)), lut_block: block };
}

const depthwise: Extender<'DEPTHWISE_CONV_2D'> = (s, ctx, c, { record, fields }): Record<string, number> => {
  // the 16x8 kernel (dwconv2d_s16) and the LUT kernels (dwconv2d_lut: decoded in the window loop) read none of the int8 tables
  if (record !== 'dwconv2d' || operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype === 'int16') return {};
  const outDepth = num(fields, 'out_depth');
  // a LUT filter read at each invoke: decoded into the start of the workspace, the kernel runs on it (lut.ts)
  const decoded = s.decodes.first(ctx, c.call, fields, c.where);
  return { ...decoded, qparams: tableOf(s, ctx, c, outDepth, (v, ch) => channelWeights(v, ch, v.length / outDepth, outDepth)) };
};

const fullyConnected: Extender<'FULLY_CONNECTED'> = (s, ctx, c, { fields }): Record<string, number> => {
  // the 16x8 kernel (fully_connected_s16) reads none of the int8 tables
  if (operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype === 'int16') return {};
  const units = num(fields, 'units'), depth = num(fields, 'depth');
  const qparams = tableOf(s, ctx, c, units, (v, u) => channelWeights(v, u * depth, depth, 1));
  const filter = constantTensor(ctx.graph, c.call.inputs[1]);
  // LUT-compressed weights stay packed: no int16 copy of them (it would cost twice the int8 weights in memory)
  if (filter?.tensor.lut) return { qparams };
  const wide = qparams !== 0 && s.options.wideWeights ? s.steps.wide(ctx.consts, filter?.id ?? -1, filter?.tensor ?? null, ~num(fields, 'filter'), units, depth) : 0;
  return { qparams, wide };
};

/** The add record's fields that locate the operands (the rest is the op's arithmetic: what a table depends on). */
const BROADCAST_FIELDS = new Set(['input1', 'input2', 'output', 'size', 'flat', 'out_shape', 'in1_strides', 'in2_strides']);

function addSub(symbol: 'add_lut_s8' | 'sub_lut_s8'): Extender<'ADD' | 'SUB'> {
  return (s, ctx, c, { fields }): Record<string, number> => {
    if (!s.options.lookupTables || num(fields, 'size') < LUT_MIN_ELEMENTS) return {};
    const a = operandType(ctx.graph, c.call.inputs[0], `${c.where} input 1`), b = operandType(ctx.graph, c.call.inputs[1], `${c.where} input 2`);
    if (a.dtype !== 'int8' || b.dtype !== 'int8') return {};
    const key = `${c.op.kind} ${JSON.stringify(Object.entries(fields).filter(([name]) => !BROADCAST_FIELDS.has(name)))}`;
    return { lut: s.steps.lut(ctx.consts, symbol, key, fields) };
  };
}

/** TFLite's int16 sigmoid table as constant data (the kernel library has no data segment; C keeps it in .rodata). */
function sigmoidTableRef(ctx: LowerContext): number {
  const t = SIGMOID_TABLE_UINT16;
  return constRef(ctx.consts.add(new Uint8Array(t.buffer, t.byteOffset, t.byteLength).slice()));
}

/** int16 LOGISTIC / TANH read the sigmoid table. */
const sigmoid16: Extender<'LOGISTIC' | 'TANH'> = (_s, ctx, c): Record<string, number> => {
  if (operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype !== 'int16') return {};
  return { table: sigmoidTableRef(ctx) };
};

/** UNIDIRECTIONAL_SEQUENCE_LSTM's gates and cell tanh read the sigmoid table (both activation types). */
const lstm: Extender<'UNIDIRECTIONAL_SEQUENCE_LSTM'> = (_s, ctx): Record<string, number> => ({ table: sigmoidTableRef(ctx) });

const EXTENDERS: { readonly [K in OpKind]?: Extender<K> } = {
  CONV_2D: conv,
  DEPTHWISE_CONV_2D: depthwise,
  FULLY_CONNECTED: fullyConnected,
  ADD: addSub('add_lut_s8'),
  SUB: addSub('sub_lut_s8'),
  LOGISTIC: sigmoid16,
  TANH: sigmoid16,
  UNIDIRECTIONAL_SEQUENCE_LSTM: lstm,
};

/** Lowers a Schedule for the wasm kernels: the shared lowering with the wasm fields, tables and preparation steps. */
export function lowerWasmSchedule(schedule: Schedule, options: WasmLowerOptions = {}): WasmLoweredSchedule {
  const s: State = { options, steps: new PrepareSteps(), decodes: new WorkspaceDecodes() };
  let prepare: PrepareStep[] = [];
  const extension: LoweringExtension = {
    fields: WASM_FIELDS,
    // a LUT constant every reader of which decodes it itself gets no copy: the reference is the packed indices,
    // which the plain readers' extension replaces with their workspace (lut.ts)
    lutCopy: (ctx, id, tensor) => (needsLoadCopy(ctx.graph, id, tensor) ? s.steps.decoded(ctx.consts, id, tensor) : ctx.consts.add(tensor.lut!.packed, CONST_ALIGN)),
    extend: (ctx, c, lowered) => (EXTENDERS[c.op.kind] as Extender<OpKind> | undefined)?.(s, ctx, c, lowered) ?? {},
    addRecords: (ctx) => {
      prepare = s.steps.addRecords(ctx.consts);
      s.decodes.addRecords(ctx.consts);
    },
  };
  const lowered = lowerSchedule(schedule, { fastPaths: options.fastPaths, lutKernels: true, lutWholeInWorkspace: true, extension, compileTimeTables: false });
  const calls = s.decodes.splice(lowered.calls);
  return { ...lowered, calls, symbols: [...new Set(calls.map((c) => c.symbol))].sort(), prepare, decodedLutBytes: s.steps.decodedBytes };
}
