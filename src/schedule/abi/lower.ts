// Lowering: every call of a Schedule -> (kernel symbol, argument record in the constant data), through
// the per-op table (lowerings.ts). A backend may extend the records with fields and constant data of its
// own (LoweringExtension: codegen/wasm/abi/lower.ts); the C backend takes the shared lowering as is.
import { quantizedOp } from '../../ir/float.js';
import type { Graph, Tensor } from '../../ir/graph.js';
import type { OpKind } from '../../ir/ops.js';
import { UnsupportedError } from '../../errors.js';
import type { ArenaRef, CopyWindowCall, KernelCall, Schedule, ScheduleCall } from '../types.js';
import { ConstantData } from './constants.js';
import { elemBytes, type LowerContext, type OpCall, type OpLowering, type RecordLowering, type SymbolChoice } from './context.js';
import { KERNELS } from './kernels.js';
import { LOWERINGS } from './lowerings.js';
import { abiWord, CONST_ALIGN, layoutFields, RECORDS, recordFields, RecordWriter, type RecordName, type RecordValues } from './records.js';

export interface LowerOptions {
  /** Choose conv2d_s8_1x1 / dwconv2d_s8_3x3 where they apply (default true). */
  fastPaths?: boolean;
  /**
   * Call the kernels that read LUT-stored weights packed (fully_connected_lut_s8, ...; default true). false:
   * the plain kernels, on the decoded copy the extension's `lutCopy` gives (wasm: made at the first invoke).
   */
  lutKernels?: boolean;
  /**
   * A CONV_2D whose whole LUT filter is decoded (convLutDecodesWhole) takes the plain kernel: the backend's
   * extension decodes it into the call's workspace first (wasm; default false: conv2d_lut_s8 decides in C).
   */
  lutWholeInWorkspace?: boolean;
  /** A backend's fields and constant data beyond the shared ABI (the wasm backend's; none for C). */
  extension?: LoweringExtension;
  /** Constants computed at compile time for the C kernels: conv.c's channel records (conv2d_s8_pw_rec, conv2d_s8_3x3c3_rec, record field channel_records) and a flat int8 ADD's input table (add-table.ts, field table); default true, wasm false. */
  compileTimeTables?: boolean;
}

/** The options a kernel symbol is chosen by. */
export type SymbolOptions = Pick<LowerOptions, 'fastPaths' | 'lutKernels' | 'lutWholeInWorkspace' | 'compileTimeTables'>;

/** A kernel call's shared lowering: its symbol, record layout and field values. */
export interface KernelLowering extends RecordLowering {
  symbol: string;
}

/** What a backend adds to the shared lowering. */
export interface LoweringExtension {
  /** Words it appends to a shared record, after the record's last field. */
  readonly fields: { readonly [R in RecordName]?: readonly string[] };
  /** Extra fields of a kernel call's record; may add constant data (after the call's shared arrays). */
  extend(ctx: LowerContext, c: OpCall<OpKind>, lowered: KernelLowering): RecordValues;
  /** Called after every call's record is written: records of the backend's own go after them. */
  addRecords?(ctx: LowerContext): void;
  /** The constant offset of a decoded copy of LUT-stored constant `id` (LowerContext.lutCopy), for plain kernels. */
  lutCopy?(ctx: LowerContext, id: number, tensor: Tensor): number;
}

export interface LoweredCall {
  symbol: string;
  /** Byte offset of the argument record in the constant data. */
  record: number;
  /** The Schedule call it came from. */
  call: ScheduleCall;
}

export interface LoweredSchedule {
  /** The constant data: arrays, then records (constants.ts). */
  constants: Uint8Array;
  /** Bytes of constant arrays (weights, biases, multipliers, tables) and of argument records. */
  dataBytes: number;
  recordBytes: number;
  calls: LoweredCall[];
  /** Kernel symbols the calls use, sorted: what a backend links. */
  symbols: string[];
  arenaBytes: number;
  inputs: ArenaRef[];
  outputs: ArenaRef[];
}

/** A kernel call with its op's derived quantization params, or UnsupportedError for a float32 op. */
function opCall(graph: Graph, call: KernelCall): OpCall<OpKind> {
  const where = `${call.op.kind} (op ${call.opIndex})`;
  return { call, op: quantizedOp(call.op, graph.tensors, where, 'the wasm and C kernels are integer-quantized only'), where };
}

function loweringOf(kind: OpKind): OpLowering<OpKind> {
  return LOWERINGS[kind] as OpLowering<OpKind>;
}

/** The kernel symbol of a kernel call (from the call alone), or UnsupportedError where the ABI has no kernel for it. */
function kernelSymbol(graph: Graph, c: OpCall<OpKind>, choice: SymbolChoice): string {
  const symbol = loweringOf(c.op.kind).symbol(c, graph, choice);
  const spec = KERNELS[symbol];
  if (!spec || !spec.ops.includes(c.op.kind)) {
    const { call } = c;
    throw new UnsupportedError(`${c.where}: no kernel ${symbol} (variant ${call.variant}, output ${call.outputs[0]!.dtype})`, { op: c.op.kind, variant: call.variant, symbol });
  }
  return symbol;
}

function copyWindow(call: CopyWindowCall): { symbol: string; rec: RecordWriter } {
  const [batches, fullH, fullW, channels] = call.full.shape as [number, number, number, number];
  const [, tileH, tileW] = call.tile.shape as [number, number, number, number];
  return {
    symbol: 'copy_window',
    rec: new RecordWriter('copy_window', recordFields('copy_window')).set({
      full: call.full.offset, tile: call.tile.offset, elem_bytes: elemBytes(call.full.dtype, 'copy-window'), batches,
      full_h: fullH, full_w: fullW, tile_h: tileH, tile_w: tileW, channels, y0: call.y0, x0: call.x0,
      direction: call.direction === 'to-tile' ? 0 : 1,
    }),
  };
}

function lowerCall(ctx: LowerContext, call: ScheduleCall, extension: LoweringExtension | undefined): { symbol: string; rec: RecordWriter } {
  if (call.type === 'copy-window') return copyWindow(call);
  const c = opCall(ctx.graph, call);
  const symbol = kernelSymbol(ctx.graph, c, ctx);
  const { record, fields } = loweringOf(c.op.kind).record(ctx, c);
  if (!extension) return { symbol, rec: new RecordWriter(record, recordFields(record)).set(fields) };
  const layout = layoutFields([...RECORDS[record], ...(extension.fields[record] ?? [])]);
  return { symbol, rec: new RecordWriter(record, layout).set({ ...fields, ...extension.extend(ctx, c, { symbol, record, fields }) }) };
}

function newContext(schedule: Schedule, options: LowerOptions): LowerContext {
  const ctx: LowerContext = { graph: schedule.graph, consts: new ConstantData(), tensorOffsets: new Map(), fastPaths: options.fastPaths ?? true, lutKernels: options.lutKernels ?? true,
    lutWholeInWorkspace: options.lutWholeInWorkspace ?? false, compileTimeTables: options.compileTimeTables ?? true,
  };
  const copy = options.extension?.lutCopy;
  if (copy) ctx.lutCopy = (id, tensor) => copy(ctx, id, tensor);
  return ctx;
}

/** The symbol choices of LowerOptions, with their defaults. */
function symbolChoice(options: SymbolOptions): SymbolChoice {
  return { fastPaths: options.fastPaths ?? true, lutKernels: options.lutKernels ?? true, lutWholeInWorkspace: options.lutWholeInWorkspace ?? false, compileTimeTables: options.compileTimeTables ?? true };
}

/** A kernel call the shared lowering refuses: the op it computes and the refusal lowerSchedule throws for it. */
export interface RefusedCall {
  opIndex: number;
  error: UnsupportedError;
}

/**
 * Every kernel call lowerSchedule would refuse, call by call (the same lowerCall, not a copy of its
 * rules): what `inspect` lists as the ops the wasm and C kernels cannot run yet.
 */
export function refusedCalls(schedule: Schedule, options: LowerOptions = {}): RefusedCall[] {
  const ctx = newContext(schedule, options);
  const refused: RefusedCall[] = [];
  for (const call of schedule.calls) {
    try {
      lowerCall(ctx, call, options.extension);
    } catch (e) {
      if (!(e instanceof UnsupportedError) || call.type !== 'kernel') throw e;
      refused.push({ opIndex: call.opIndex, error: e });
    }
  }
  return refused;
}

/** Lowers every call of a Schedule to (kernel symbol, argument record) and builds the constant data. */
export function lowerSchedule(schedule: Schedule, options: LowerOptions = {}): LoweredSchedule {
  // every arena offset and length below is then an int32 too
  abiWord(schedule.arenaBytes, 'the arena size in bytes');
  const ctx = newContext(schedule, options);
  const lowered = schedule.calls.map((call) => ({ call, ...lowerCall(ctx, call, options.extension) }));
  // Records after every data array, so the arrays stay together.
  const calls: LoweredCall[] = lowered.map(({ call, symbol, rec }) => ({
    symbol,
    call,
    record: ctx.consts.add(new Uint8Array(rec.words.buffer), CONST_ALIGN, 'record'),
  }));
  options.extension?.addRecords?.(ctx);
  return {
    constants: ctx.consts.bytes(),
    dataBytes: ctx.consts.dataBytes,
    recordBytes: ctx.consts.recordBytes,
    calls,
    symbols: [...new Set(calls.map((c) => c.symbol))].sort(),
    arenaBytes: schedule.arenaBytes,
    inputs: schedule.inputs,
    outputs: schedule.outputs,
  };
}

/** The kernel symbol a Schedule call runs, chosen from the call alone (no records, no constant data); UnsupportedError where the ABI has none. */
export function callSymbol(graph: Graph, call: ScheduleCall, options: SymbolOptions = {}): string {
  return call.type === 'copy-window' ? 'copy_window' : kernelSymbol(graph, opCall(graph, call), symbolChoice(options));
}

/** Each call's kernel symbol, or null where the ABI has no kernel for it: what the profiler prices. */
export function callSymbols(schedule: Schedule, options: SymbolOptions = {}): Array<string | null> {
  return schedule.calls.map((call) => {
    try {
      return callSymbol(schedule.graph, call, options);
    } catch (e) {
      if (e instanceof UnsupportedError) return null;
      throw e;
    }
  });
}

/** The kernel symbols a Schedule needs (what a backend links or emits), sorted. */
export function kernelSymbols(schedule: Schedule, options: SymbolOptions = {}): string[] {
  return [...new Set(schedule.calls.map((c) => callSymbol(schedule.graph, c, options)))].sort();
}
