// The profiler's core: a Schedule (the calls every executor runs) -> one row per op of the planned graph,
// in schedule order, with its MACs, bytes, arithmetic intensity, bound and estimated cost on a device.
// Patch tiles are summed into their op; a tile's window copies count with the op they feed or drain.
// Pure: no files, no clock.
import type { Graph } from '../ir/graph.js';
import { elementCount, byteSize } from '../ir/shapes.js';
import { callSymbols } from '../schedule/abi/lower.js';
import { OP_TABLE } from '../ir/op-table.js';
import type { KernelCall, Schedule, ScheduleCall } from '../schedule/types.js';
import type { ConvParams } from '../ir/ops.js';
import { clampTo, multiplyByQuantizedMultiplier } from '../ir/quant.js';
import { batchMatMulMacs, graphWeightBytes, macsOf, lstmMacs, opWeightBytes, svdfMacs, transposeConvMacs } from '../ir/macs.js';
import { callCost, kindOfSymbol, type CallFeatures, type DeviceModel, type KernelKind } from './devices.js';

export interface ProfileLayer {
  /** Row number (schedule order). */
  index: number;
  /** Index of the op in the planned graph (after passes). */
  opIndex: number;
  /** Op kind, e.g. CONV_2D. */
  op: string;
  /** Name of the op's output tensor. */
  name: string;
  /** Kernel symbols the op runs (copy_window for a patch tile's window copies). */
  kernels: string[];
  /** Kernel kind whose coefficients price the op's main kernel. */
  kernelKind: KernelKind;
  /** Kernel calls (patch tiles and window copies included). */
  calls: number;
  /** Patch tiles the op runs as (1 outside the patch stage). */
  tiles: number;
  macs: number;
  /** Elements of the op's constant inputs (weights, biases). */
  params: number;
  /** Bytes of the op's constant inputs, stored once. */
  weightBytes: number;
  /** Activation bytes read and written by all its calls (tiles with their halos; window copies included). */
  inputBytes: number;
  outputBytes: number;
  /** Everything moved: constants read by every call + activations in and out. */
  bytesMoved: number;
  /** MACs per byte moved. */
  intensity: number;
  /** 'memory' when moving its bytes takes longer than its MAC loop (left of its ridge point). */
  bound: 'compute' | 'memory';
  /** Estimated instructions (the calibrated Cortex-M4 instruction model). */
  instructions: number;
  /** Cycles of its MAC loops, of moving its bytes, and in all. */
  macCycles: number;
  memoryCycles: number;
  cycles: number;
  ms: number;
  /** Achieved MACs per estimated cycle. */
  macsPerCycle: number;
  /** Fraction of the model's estimated cycles. */
  share: number;
}

export interface ProfileTotals {
  layers: number;
  calls: number;
  macs: number;
  params: number;
  /** Distinct constant bytes of the graph (a shared tensor counted once). */
  weightBytes: number;
  inputBytes: number;
  outputBytes: number;
  bytesMoved: number;
  intensity: number;
  instructions: number;
  cycles: number;
  ms: number;
  macsPerCycle: number;
  /** Fraction of the estimated cycles spent in compute-bound and in memory-bound layers. */
  computeBoundShare: number;
  memoryBoundShare: number;
}

export interface Profile {
  device: DeviceModel;
  mhz: number;
  layers: ProfileLayer[];
  totals: ProfileTotals;
  /** Ops with no call (RESHAPE/SQUEEZE aliasing their input). */
  aliasedOps: number[];
}

export interface ProfileOptions {
  device: DeviceModel;
  /** Clock in MHz (default: the device's). */
  mhz?: number;
}

/** The instruction model's features of one call. */
export function callFeatures(graph: Graph, call: ScheduleCall): CallFeatures {
  if (call.type === 'copy-window') {
    const n = elementCount(call.tile.shape);
    return { macs: 0, tailMacs: 0, outputs: n, borderOutputs: 0, windowRows: 0, pixels: 0, columnElements: 0, inputs: n, weightBytes: 0, activationBytes: 2 * byteSize(call.tile.shape, call.tile.dtype) };
  }
  let inputs = 0;
  let activationBytes = 0;
  let weightBytes = 0;
  for (const o of call.inputs) {
    if (!o) continue;
    if ('arena' in o) {
      inputs += elementCount(o.arena.shape);
      activationBytes += byteSize(o.arena.shape, o.arena.dtype);
    } else {
      weightBytes += graph.tensors[o.constant]!.data!.byteLength;
    }
  }
  let outputs = 0;
  for (const r of call.outputs) {
    outputs += elementCount(r.shape);
    activationBytes += byteSize(r.shape, r.dtype);
  }
  const weightShape = weightShapeOf(graph, call);
  const macs = callMacs(graph, call, weightShape);
  return { macs, constantMacs: constantChannelMacs(graph, call, weightShape), tailMacs: tailMacsOf(call, weightShape, macs), outputs, borderOutputs: borderOutputsOf(call, weightShape), windowRows: windowRowsOf(call, weightShape), pixels: pixelsOf(call), columnElements: columnOf(call, macs), inputs, weightBytes, activationBytes };
}

/** A call's MACs from its own operands' shapes (a patch tile's call has its own); ops whose MACs need more than the output and weight shapes get them from their inputs. */
function callMacs(graph: Graph, call: KernelCall, weightShape: readonly number[]): number {
  const shape = (i: number) => {
    const o = call.inputs[i];
    return !o ? [] : 'arena' in o ? o.arena.shape : graph.tensors[o.constant]!.shape;
  };
  const op = call.op;
  switch (op.kind) {
    case 'TRANSPOSE_CONV':
      return call.inputs[2] ? transposeConvMacs(shape(2), call.outputs[0]!.shape, weightShape, op.attrs) : 0;
    case 'SVDF':
      return svdfMacs(shape(0), shape(1), shape(2));
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      return lstmMacs(shape(0), call.outputs[0]!.shape);
    case 'BATCH_MATMUL':
      return batchMatMulMacs(shape(0), shape(1), op.attrs.adjX, op.attrs.adjY);
    default:
      return macsOf(op.kind, call.outputs[0]!.shape, weightShape);
  }
}

function columnOf(call: KernelCall, macs: number): number {
  const kind = call.op.kind;
  const shape = call.outputs[0]!.shape;
  return kind === 'CONV_2D' || kind === 'FULLY_CONNECTED' ? macs / shape[shape.length - 1]! : 0;
}

function pixelsOf(call: KernelCall): number {
  const windowed = OP_TABLE[call.op.kind].shape === 'window';
  const shape = call.outputs[0]!.shape;
  return windowed ? elementCount(shape) / shape[shape.length - 1]! : 0;
}

function windowRowsOf(call: KernelCall, w: readonly number[]): number {
  const kind = call.op.kind;
  return kind === 'CONV_2D' || kind === 'DEPTHWISE_CONV_2D' ? elementCount(call.outputs[0]!.shape) * w[1]! : 0;
}

/** Interior positions along one axis: outputs whose window [o*stride - pad, + (k-1)*dilation] is in bounds. */
function interior(outSize: number, inSize: number, k: number, stride: number, dilation: number, pad: number): number {
  let n = 0;
  for (let o = 0; o < outSize; o++) {
    const first = o * stride - pad;
    if (first >= 0 && first + (k - 1) * dilation <= inSize - 1) n++;
  }
  return n;
}

/** Outputs of a windowed op (conv, depthwise, pool) whose window the padding clips. */
function borderOutputsOf(call: KernelCall, w: readonly number[]): number {
  const op = call.op;
  const x = call.inputs[0];
  if (!x || !('arena' in x)) return 0;
  let kh: number, kw: number, dil: [number, number];
  if (op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D') {
    [kh, kw] = [w[1]!, w[2]!];
    dil = op.attrs.dilation;
  } else if (op.kind === 'AVERAGE_POOL_2D' || op.kind === 'MAX_POOL_2D') {
    [kh, kw] = op.attrs.filter;
    dil = [1, 1];
  } else {
    return 0;
  }
  const [n, oh, ow, oc] = call.outputs[0]!.shape as [number, number, number, number];
  const [, ih, iw] = x.arena.shape as [number, number, number, number];
  const { stride, pad } = op.attrs;
  const inside = interior(oh, ih, kh, stride[0], dil[0], pad.top) * interior(ow, iw, kw, stride[1], dil[1], pad.left);
  return n * (oh * ow - inside) * oc;
}

/**
 * MACs the C pointwise convolution skips: on its path (1x1, stride 1, no pads, any depth, input
 * offset within +-256; conv.c conv_pw_fits), a channel whose bias puts the accumulator beyond 2^30 and whose
 * requantization gives one output over every reachable accumulator is stored as that constant (conv_pw_table;
 * e.g. vww_96's pruned channels, bias 2^30).
 */
function constantChannelMacs(graph: Graph, call: KernelCall, w: readonly number[]): number {
  const op = call.op;
  const x = call.inputs[0];
  const b = call.inputs[2];
  if (op.kind !== 'CONV_2D' || !op.params || w.length !== 4 || !x || !('arena' in x) || x.arena.dtype !== 'int8' || !b || !('constant' in b)) return 0;
  const [, kh, kw, depth] = w as [number, number, number, number];
  const { stride, pad, clamp } = op.attrs;
  const inShape = x.arena.shape;
  const outShape = call.outputs[0]!.shape;
  if (kh !== 1 || kw !== 1 || stride[0] !== 1 || stride[1] !== 1 || pad.top !== 0 || pad.left !== 0) return 0;
  if (inShape[1] !== outShape[1] || inShape[2] !== outShape[2] || depth !== inShape[3]) return 0;
  const { inputOffset, outputOffset, multiplier, shift } = op.params as ConvParams;
  if (Math.abs(inputOffset) > 256) return 0;
  const dot = depth * 128 * (128 + Math.abs(inputOffset));
  if (dot >= 2 ** 29) return 0;
  const data = graph.tensors[b.constant]!.data;
  if (!data) return 0;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bias = Array.from({ length: data.byteLength >> 2 }, (_, c) => view.getInt32(4 * c, true));
  const out = (c: number, v: number) => clampTo(multiplyByQuantizedMultiplier(v, multiplier[multiplier.length > 1 ? c : 0]!, shift[shift.length > 1 ? c : 0]!) + outputOffset, clamp);
  let constant = 0;
  for (let c = 0; c < bias.length; c++) {
    const m = multiplier[multiplier.length > 1 ? c : 0]!;
    const s = shift[shift.length > 1 ? c : 0]!;
    const lo = bias[c]! - dot;
    const hi = bias[c]! + dot;
    if (Math.abs(bias[c]!) + dot < 2 ** 30 || m < 0 || s > 0 || lo < -(2 ** 31) || hi > 2 ** 31 - 1) continue;
    if (out(c, lo) === out(c, hi)) constant++;
  }
  return constant === 0 ? 0 : (callMacs(graph, call, w) * constant) / bias.length;
}

function weightShapeOf(graph: Graph, call: KernelCall): number[] {
  const w = call.inputs[1];
  return w && 'constant' in w ? graph.tensors[w.constant]!.shape : [];
}

/** MACs the SIMD paths (4 int8 values per step) cannot take: the scalar tails of the dot products. */
function tailMacsOf(call: KernelCall, w: readonly number[], macs: number): number {
  const op = call.op;
  const outElems = elementCount(call.outputs[0]!.shape);
  switch (op.kind) {
    case 'CONV_2D': {
      const [, kh, kw, fd] = w as [number, number, number, number];
      const x = call.inputs[0];
      const inDepth = x && 'arena' in x ? x.arena.shape[3]! : fd;
      // One group, no column dilation: each filter row is one contiguous run of kw * depth values.
      if (inDepth === fd && op.attrs.dilation[1] === 1) return outElems * kh * ((kw * fd) % 4);
      return outElems * kh * kw * (fd % 4);
    }
    case 'DEPTHWISE_CONV_2D': {
      const channels = call.outputs[0]!.shape[3]!;
      if (op.attrs.depthMultiplier !== 1 || op.attrs.dilation[1] !== 1) return macs;
      return channels > 0 ? (macs * (channels % 4)) / channels : 0;
    }
    case 'FULLY_CONNECTED':
      return outElems * ((w[w.length - 1] ?? 0) % 4);
    default:
      return 0;
  }
}

interface Acc {
  opIndex: number;
  kernels: Set<string>;
  kind: KernelKind | null;
  calls: number;
  tiles: number;
  macs: number;
  inputBytes: number;
  outputBytes: number;
  bytesMoved: number;
  instructions: number;
  macCycles: number;
  memoryCycles: number;
  cycles: number;
}

export interface CostedCall {
  /** The op the call is counted with (a window copy: the op it feeds or drains). */
  opIndex: number;
  /** Kernel symbol, or null where the kernel ABI has none for the call. */
  symbol: string | null;
  kind: KernelKind;
  features: CallFeatures;
}

/** Every call of a Schedule with its kernel kind and instruction-model features (what calibration fits). */
export function scheduleCalls(schedule: Schedule): CostedCall[] {
  const graph = schedule.graph;
  const symbols = callSymbols(schedule);
  // A window copy belongs to the op it feeds (to-tile: the next kernel) or drains (from-tile: the previous).
  const owner = new Array<number>(schedule.calls.length);
  let last = -1;
  schedule.calls.forEach((c, i) => {
    if (c.type === 'kernel') last = c.opIndex;
    owner[i] = c.type === 'kernel' ? c.opIndex : last;
  });
  let next = -1;
  for (let i = schedule.calls.length - 1; i >= 0; i--) {
    const c = schedule.calls[i]!;
    if (c.type === 'kernel') next = c.opIndex;
    else if (c.direction === 'to-tile' || owner[i]! < 0) owner[i] = next;
  }
  return schedule.calls.map((call, i) => {
    const symbol = symbols[i] ?? (call.type === 'copy-window' ? 'copy_window' : null);
    const kind = symbol ? kindOfSymbol(symbol) : call.type === 'kernel' ? OP_TABLE[call.op.kind].cost : 'copy';
    return { opIndex: owner[i]!, symbol, kind, features: callFeatures(graph, call) };
  });
}

/** Profiles a Schedule on a device: one row per op that runs, in schedule order. */
export function profileSchedule(schedule: Schedule, options: ProfileOptions): Profile {
  const { device } = options;
  const mhz = options.mhz ?? device.defaultMhz;
  const graph = schedule.graph;
  const costed = scheduleCalls(schedule);
  const rows = new Map<number, Acc>();
  schedule.calls.forEach((call, i) => {
    const { opIndex, symbol, kind, features: f } = costed[i]!;
    let acc = rows.get(opIndex);
    if (!acc) {
      acc = { opIndex, kernels: new Set(), kind: null, calls: 0, tiles: 0, macs: 0, inputBytes: 0, outputBytes: 0, bytesMoved: 0, instructions: 0, macCycles: 0, memoryCycles: 0, cycles: 0 };
      rows.set(opIndex, acc);
    }
    const cost = callCost(device, kind, f);
    if (symbol) acc.kernels.add(symbol);
    if (call.type === 'kernel') {
      acc.tiles++;
      acc.kind = kind;
    }
    acc.calls++;
    acc.macs += f.macs;
    if (call.type === 'copy-window') {
      acc.inputBytes += f.activationBytes / 2;
      acc.outputBytes += f.activationBytes / 2;
    } else {
      for (const o of call.inputs) if (o && 'arena' in o) acc.inputBytes += byteSize(o.arena.shape, o.arena.dtype);
      for (const r of call.outputs) acc.outputBytes += byteSize(r.shape, r.dtype);
    }
    acc.bytesMoved += f.weightBytes + f.activationBytes;
    acc.instructions += cost.instructions;
    acc.macCycles += cost.macCycles;
    acc.memoryCycles += cost.memoryCycles;
    acc.cycles += cost.cycles;
  });

  const totalCycles = [...rows.values()].reduce((s, r) => s + r.cycles, 0);
  const msOf = (cycles: number) => cycles / (mhz * 1000);
  const layers: ProfileLayer[] = [...rows.values()].map((r, index) => {
    const op = graph.ops[r.opIndex]!;
    let params = 0;
    for (const id of op.inputs) {
      const t = id >= 0 ? graph.tensors[id] : undefined;
      if (t?.data) params += elementCount(t.shape);
    }
    return {
      index,
      opIndex: r.opIndex,
      op: op.kind,
      name: graph.tensors[op.outputs[0]!]!.name,
      kernels: [...r.kernels],
      kernelKind: r.kind ?? OP_TABLE[op.kind].cost,
      calls: r.calls,
      tiles: r.tiles,
      macs: r.macs,
      params,
      weightBytes: opWeightBytes(graph, op),
      inputBytes: r.inputBytes,
      outputBytes: r.outputBytes,
      bytesMoved: r.bytesMoved,
      intensity: r.bytesMoved > 0 ? r.macs / r.bytesMoved : 0,
      bound: r.memoryCycles > r.macCycles ? 'memory' : 'compute',
      instructions: Math.round(r.instructions),
      macCycles: Math.round(r.macCycles),
      memoryCycles: Math.round(r.memoryCycles),
      cycles: Math.round(r.cycles),
      ms: msOf(r.cycles),
      macsPerCycle: r.cycles > 0 ? r.macs / r.cycles : 0,
      share: totalCycles > 0 ? r.cycles / totalCycles : 0,
    };
  });

  const sum = (f: (l: ProfileLayer) => number) => layers.reduce((s, l) => s + f(l), 0);
  const macs = sum((l) => l.macs);
  const bytesMoved = sum((l) => l.bytesMoved);
  const cycles = sum((l) => l.cycles);
  const computeCycles = sum((l) => (l.bound === 'compute' ? l.cycles : 0));
  const ran = new Set(rows.keys());
  return {
    device,
    mhz,
    layers,
    aliasedOps: graph.ops.map((_, i) => i).filter((i) => !ran.has(i)),
    totals: {
      layers: layers.length,
      calls: schedule.calls.length,
      macs,
      params: sum((l) => l.params),
      weightBytes: graphWeightBytes(graph),
      inputBytes: sum((l) => l.inputBytes),
      outputBytes: sum((l) => l.outputBytes),
      bytesMoved,
      intensity: bytesMoved > 0 ? macs / bytesMoved : 0,
      instructions: sum((l) => l.instructions),
      cycles,
      ms: msOf(cycles),
      macsPerCycle: cycles > 0 ? macs / cycles : 0,
      computeBoundShare: cycles > 0 ? computeCycles / cycles : 0,
      memoryBoundShare: cycles > 0 ? 1 - computeCycles / cycles : 0,
    },
  };
}

/** Estimated instructions per inference of a Schedule under the device's instruction model (unrounded). */
export function estimateInstructions(schedule: Schedule, device: DeviceModel): number {
  return profileSchedule(schedule, { device }).layers.reduce((s, l) => s + l.instructions, 0);
}
