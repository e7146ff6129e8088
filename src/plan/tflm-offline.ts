// TFLite Micro interop: our arena offsets written into a copy of the model as TFLM's
// "OfflineMemoryAllocation" metadata, so TFLM's allocator places every tensor where we planned it.
//
// The format and semantics, from tensorflow/tflite-micro (micro_allocation_info.cc, micro_allocator.cc,
// memory_planner/greedy_memory_planner.cc, docs/memory_management.md):
// - metadata entry named exactly "OfflineMemoryAllocation" whose buffer holds int32 little-endian
//   [version, subgraph, n, offset of tensor 0, ..., offset of tensor n-1]; TFLM ignores the first two
//   (its own tests write version 1, subgraph 0) and fails unless n equals the model's tensor count.
// - An offset is bytes from the start of the non-persistent (head) section of the arena; -1 lets TFLM
//   plan the tensor itself. Offsets of constants, variable tensors (persistent) and empty tensors are
//   never used. Offline offsets are taken as fixed, unchecked; scratch buffers that kernels request
//   are then placed online around them, and every buffer is aligned to 16 bytes.
// - TFLM runs the ops in stored order. It takes a tensor as live from the op writing it to the last op
//   reading it (both inclusive), graph inputs from the start and graph outputs to the end.
// - Its RESHAPE skips the copy when input and output share the address and its EXPAND_DIMS copies element
//   by element (memCopyN: at one address each element is assigned to itself), so both may alias; its
//   SQUEEZE always memcpy's (overlapping memcpy is undefined), so a SQUEEZE output gets its own bytes.
// TFLM runs its own kernels on the model as stored: no in-place or streaming variants, no patches, no
// passes. planForTflm() plans under exactly those rules; tflmOffsets() refuses a plan that breaks them.
import { UnsupportedError, UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { OpKind } from '../ir/ops.js';
import { tensorBytes } from '../ir/macs.js';
import { isPatchedPlan } from './patch/index.js';
import { liveBytesPerStep } from './planner.js';
import { placeItems } from './placement.js';
import type { BufferKind, Plan, PlanStep, PlannedBuffer } from './types.js';
import { verifyPlan } from './verify.js';
import { maxOf } from '../ir/extremes.js';

export const TFLM_OFFLINE_METADATA = 'OfflineMemoryAllocation';
/** The format version TFLM's own tests write (TFLM does not read it). */
export const TFLM_OFFLINE_VERSION = 1;
/** An offset TFLM plans at run time. */
export const TFLM_ONLINE = -1;
/** TFLM aligns every arena buffer to this (MicroArenaBufferAlignment()). */
export const TFLM_ALIGNMENT = 16;

export interface TflmOfflineAllocation {
  version: number;
  subgraph: number;
  /** One per tensor of the subgraph: bytes from the start of the arena's head section, or -1. */
  offsets: Int32Array;
}

/** Tensors TFLM places in the arena's head: not constant, not variable, not empty. */
export function tflmAllocates(graph: Graph, tensor: number): boolean {
  const t = graph.tensors[tensor]!;
  return t.data === null && !t.isVariable && tensorBytes(graph, tensor) > 0;
}

/** TFLM's lifetime of every tensor it allocates, in steps of the stored op order (inclusive). */
export function tflmLifetimes(graph: Graph): Map<number, { first: number; last: number }> {
  const life = new Map<number, { first: number; last: number }>();
  const end = Math.max(0, graph.ops.length - 1);
  const use = (tensor: number, first: number, last: number) => {
    if (tensor < 0 || !tflmAllocates(graph, tensor)) return;
    const l = life.get(tensor);
    if (l) {
      l.first = Math.min(l.first, first);
      l.last = Math.max(l.last, last);
    } else life.set(tensor, { first, last });
  };
  for (const t of graph.inputs) use(t, 0, 0);
  graph.ops.forEach((op, i) => {
    for (const t of op.inputs) use(t, i, i);
    for (const t of op.outputs) use(t, i, i);
  });
  for (const t of graph.outputs) use(t, life.get(t)?.first ?? end, end);
  return life;
}

/** Kinds whose TFLM kernel is correct with its output at its input's address (see the header). */
const TFLM_ALIASING: ReadonlySet<OpKind> = new Set<OpKind>(['RESHAPE', 'EXPAND_DIMS']);

/** The outputs of TFLM_ALIASING ops that may share their input's bytes under TFLM: the op's input, if allocated. */
function reshapeAliases(graph: Graph): Map<number, number> {
  const alias = new Map<number, number>();
  for (const op of graph.ops) {
    if (!TFLM_ALIASING.has(op.kind)) continue;
    const [input] = op.inputs;
    const [output] = op.outputs;
    if (input === undefined || output === undefined || input < 0) continue;
    if (!tflmAllocates(graph, input) || !tflmAllocates(graph, output)) continue;
    if (tensorBytes(graph, input) !== tensorBytes(graph, output)) continue;
    alias.set(output, alias.get(input) ?? input);
  }
  return alias;
}

/**
 * The memory plan TFLite Micro can honour for the model as stored: ops in stored order, default kernels,
 * TFLM's lifetimes (outputs kept to the end), RESHAPE and EXPAND_DIMS aliased, SQUEEZE copied; offsets 16-aligned.
 */
export function planForTflm(graph: Graph, options: { alignment?: number } = {}): Plan {
  const alignment = options.alignment ?? TFLM_ALIGNMENT;
  if (!Number.isInteger(alignment) || alignment % TFLM_ALIGNMENT !== 0 || (alignment & (alignment - 1)) !== 0) {
    throw new UsageError(`a TFLM offline plan needs offsets aligned to a power of two of at least ${TFLM_ALIGNMENT} bytes (TFLM aligns every arena buffer to 16), got alignment ${alignment}`, { alignment });
  }
  const variable = graph.tensors.find((t) => t.isVariable && t.data === null);
  if (variable) {
    throw new UnsupportedError(`tensor ${variable.id} (${variable.name}) is a variable (state kept between runs); tinyforge does not plan state, so it cannot write a TFLM offline plan for this model`, { tensor: variable.id });
  }
  const life = tflmLifetimes(graph);
  const aliasOf = reshapeAliases(graph);
  const inputs = new Set(graph.inputs);
  const outputs = new Set(graph.outputs);
  const kindOf = (t: number): BufferKind => (inputs.has(t) ? 'input' : outputs.has(t) ? 'output' : 'activation');

  // One buffer per allocated tensor, roots first so an alias can point at its root's id.
  const buffers: PlannedBuffer[] = [];
  const bufferOf = new Map<number, number>();
  const tensors = [...life.keys()].sort((a, b) => Number(aliasOf.has(a)) - Number(aliasOf.has(b)) || a - b);
  for (const t of tensors) {
    const root = aliasOf.get(t);
    const { first, last } = life.get(t)!;
    const id = buffers.length;
    buffers.push({ id, tensor: t, name: graph.tensors[t]!.name, kind: kindOf(t), bytes: tensorBytes(graph, t), offset: 0, first, last, aliasOf: root === undefined ? null : bufferOf.get(root)! });
    bufferOf.set(t, id);
  }
  // A root lives as long as any of its aliases; the aliases report their root's span.
  for (const b of buffers) {
    if (b.aliasOf === null) continue;
    const r = buffers[b.aliasOf]!;
    r.first = Math.min(r.first, b.first);
    r.last = Math.max(r.last, b.last);
  }
  const roots = buffers.filter((b) => b.aliasOf === null);
  const placement = placeItems(
    roots.map((b) => ({ bytes: b.bytes, first: b.first, last: b.last })),
    [],
    alignment,
  );
  roots.forEach((b, i) => (b.offset = placement.offsets[i]!));
  for (const b of buffers) {
    if (b.aliasOf === null) continue;
    const r = buffers[b.aliasOf]!;
    [b.offset, b.first, b.last] = [r.offset, r.first, r.last];
  }

  const steps: PlanStep[] = graph.ops.map((op, i) => ({
    op: i,
    variant: 'default',
    overlap: null,
    inputs: op.inputs.map((t) => (t >= 0 ? (bufferOf.get(t) ?? null) : null)),
    outputs: op.outputs.flatMap((t) => (bufferOf.has(t) ? [bufferOf.get(t)!] : [])),
    scratch: null,
    workspace: null, // TFLM's kernels request their own scratch at run time (backend 'tflm')
  }));
  const live = liveBytesPerStep(steps, buffers);
  const lowerBoundBytes = maxOf(live, 0);
  const plan: Plan = {
    graph,
    options: { alignment, inplace: false, backend: 'tflm' },
    steps,
    buffers,
    arenaBytes: placement.arenaBytes,
    lowerBoundBytes,
    peakStep: Math.max(0, live.indexOf(lowerBoundBytes)),
    strategy: `${placement.strategy}, TFLM order and lifetimes`,
  };
  const violations = verifyPlan(plan);
  if (violations.length > 0) throw new Error(`planForTflm produced an invalid plan: ${violations[0]!.message}`);
  tflmOffsets(graph, plan); // the TFLM-side check, too: both must hold by construction
  return plan;
}

function sameOps(a: Graph, b: Graph): boolean {
  if (a === b) return true;
  if (a.tensors.length !== b.tensors.length || a.ops.length !== b.ops.length) return false;
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.ops.every((op, i) => op.kind === b.ops[i]!.kind && same(op.inputs, b.ops[i]!.inputs) && same(op.outputs, b.ops[i]!.outputs));
}

/**
 * Every tensor's offset for TFLM (-1 where TFLM plans it itself), after checking that TFLM can run
 * `plan` for `model` as stored; throws UnsupportedError saying what it cannot honour.
 */
export function tflmOffsets(model: Graph, plan: Plan): Int32Array {
  const refuse = (why: string, details: Record<string, unknown> = {}) => {
    throw new UnsupportedError(`TFLite Micro cannot use this plan: ${why}`, details);
  };
  if (isPatchedPlan(plan)) refuse('it runs the first layers tile by tile (--patch), and TFLM runs whole layers with its own kernels; plan without a patch');
  if (!sameOps(model, plan.graph)) {
    refuse('it is for the graph after passes (PAD folded into convolutions, or QUANTIZE/DEQUANTIZE dropped by --int8-io), and TFLM runs the model as stored');
  }
  plan.steps.forEach((s, i) => {
    const op = model.ops[s.op]!;
    if (s.variant !== 'default' || s.overlap) refuse(`step ${i} (${op.kind}, op ${s.op}) runs the ${s.variant} kernel with its output over its input (in-place), which TFLM's kernels do not; plan with in-place off`, { step: i, op: s.op, variant: s.variant });
    if (s.scratch !== null) refuse(`step ${i} (${op.kind}, op ${s.op}) relies on planned scratch, which TFLM requests at run time`, { step: i, op: s.op });
    if (s.workspace !== null) refuse(`step ${i} (${op.kind}, op ${s.op}) has kernel workspace planned for tinyforge's kernels; TFLM's request theirs at run time (plan with backend 'tflm')`, { step: i, op: s.op });
    if (s.op !== i) refuse(`it runs op ${s.op} (${op.kind}) at step ${i}, and TFLM runs the ops in their stored order`, { step: i, op: s.op });
  });
  if (plan.steps.length !== model.ops.length) refuse(`it has ${plan.steps.length} steps for ${model.ops.length} ops`);

  const offsets = new Int32Array(model.tensors.length).fill(TFLM_ONLINE);
  const rootOf = new Map<number, number>();
  for (const b of plan.buffers) {
    if (b.tensor === null) refuse(`buffer ${b.name} is kernel scratch, which TFLM plans itself`);
    if (!tflmAllocates(model, b.tensor!)) continue;
    if (b.offset % TFLM_ALIGNMENT !== 0) refuse(`${b.name} sits at offset ${b.offset}, not a multiple of ${TFLM_ALIGNMENT} (TFLM aligns every arena buffer)`, { tensor: b.tensor, offset: b.offset });
    if (b.offset > 0x7fffffff - b.bytes) refuse(`${b.name} at offset ${b.offset} does not fit an int32 offset`);
    offsets[b.tensor!] = b.offset;
    const root = b.aliasOf === null ? b : plan.buffers[b.aliasOf]!;
    rootOf.set(b.tensor!, root.tensor ?? -1);
  }
  // Aliases TFLM honours: a RESHAPE's or EXPAND_DIMS's output on its input (TFLM_ALIASING).
  const reshapeOut = new Map<number, number>();
  for (const op of model.ops) if (TFLM_ALIASING.has(op.kind) && op.inputs[0] !== undefined && op.inputs[0] >= 0) reshapeOut.set(op.outputs[0]!, op.inputs[0]);
  const life = tflmLifetimes(model);
  for (const t of life.keys()) if (offsets[t] === TFLM_ONLINE) refuse(`tensor ${t} (${model.tensors[t]!.name}) has no offset in the plan`, { tensor: t });
  // An alias chain of RESHAPE/EXPAND_DIMS shares one root; anything else sharing bytes while both live is refused.
  const reshapeRoot = (t: number): number => {
    let r = t;
    while (reshapeOut.has(r) && offsets[reshapeOut.get(r)!] === offsets[r]) r = reshapeOut.get(r)!;
    return r;
  };
  const planned = [...life.keys()].sort((a, b) => offsets[a]! - offsets[b]!);
  for (let i = 0; i < planned.length; i++) {
    const a = planned[i]!;
    const la = life.get(a)!;
    const aEnd = offsets[a]! + tensorBytes(model, a);
    for (let j = i + 1; j < planned.length && offsets[planned[j]!]! < aEnd; j++) {
      const b = planned[j]!;
      const lb = life.get(b)!;
      if (la.first > lb.last || lb.first > la.last) continue;
      if (offsets[a] === offsets[b] && reshapeRoot(a) === reshapeRoot(b)) continue;
      const why = rootOf.get(a) === rootOf.get(b) ? ' (an alias TFLM does not honour: its SQUEEZE copies with memcpy)' : '';
      refuse(`${model.tensors[a]!.name} and ${model.tensors[b]!.name} share bytes while both are live in TFLM's stored-order run (steps ${la.first}-${la.last} and ${lb.first}-${lb.last})${why}`, { tensors: [a, b] });
    }
  }
  return offsets;
}

export function encodeTflmOffline(offsets: Int32Array, subgraph = 0): Uint8Array {
  const words = new Int32Array(3 + offsets.length);
  words.set([TFLM_OFFLINE_VERSION, subgraph, offsets.length]);
  words.set(offsets, 3);
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setInt32(i * 4, w, true));
  return bytes;
}

export function decodeTflmOffline(data: Uint8Array): TflmOfflineAllocation {
  if (data.length < 12 || data.length % 4 !== 0) throw new UnsupportedError(`${TFLM_OFFLINE_METADATA} metadata holds ${data.length} bytes, not a header of three int32 and offsets`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = view.getInt32(8, true);
  if (n < 0 || data.length < 12 + 4 * n) throw new UnsupportedError(`${TFLM_OFFLINE_METADATA} metadata says ${n} offsets but holds ${(data.length - 12) / 4}`);
  const offsets = new Int32Array(n);
  for (let i = 0; i < n; i++) offsets[i] = view.getInt32(12 + 4 * i, true);
  return { version: view.getInt32(0, true), subgraph: view.getInt32(4, true), offsets };
}

/** The model's offline allocation, if it carries one. */
export function tflmOfflineOf(model: Graph): TflmOfflineAllocation | null {
  const entry = model.metadata.find((m) => m.name === TFLM_OFFLINE_METADATA);
  return entry ? decodeTflmOffline(entry.data) : null;
}

/**
 * A copy of `model` carrying `plan` as TFLM's offline allocation (replacing any there); write it with
 * writeTflite. The plan must be one TFLM can run (planForTflm(model) gives one).
 */
export function withTflmOfflinePlan(model: Graph, plan: Plan): Graph {
  const data = encodeTflmOffline(tflmOffsets(model, plan));
  return { ...model, metadata: [...model.metadata.filter((m) => m.name !== TFLM_OFFLINE_METADATA), { name: TFLM_OFFLINE_METADATA, data }] };
}
