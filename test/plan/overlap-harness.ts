// Single-op graphs and an overlapped runner for the overlap rules: the input at offset A of ONE
// ArrayBuffer, the output at A + delta, the scratch elsewhere in it; the variant kernel runs on those
// views and its output is compared with the default kernel run on separate buffers.
import type { DType, Graph, Op, Tensor } from '../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../src/ir/ops.js';
import { linearDerivers } from '../../src/ir/params/linear.js';
import { nonlinearDerivers } from '../../src/ir/params/nonlinear.js';
import { dtypeBytes, elementCount } from '../../src/ir/shapes.js';
import type { OverlapRule } from '../../src/plan/types.js';
import { REFERENCE_KERNELS } from '../../src/reference/kernels.js';
import type { RefKernel, TensorView } from '../../src/reference/types.js';
import { VARIANT_KERNELS } from '../../src/reference/variants.js';
import { constantView, typedView } from '../../src/reference/views.js';
import { rng as baseRng } from '../reference/linear/helpers.js';

export interface TSpec {
  shape: number[];
  dtype?: DType; // default int8
  scale?: number | number[];
  zp?: number | number[];
  axis?: number;
  /** Constant contents (element values); a tensor with values is a constant. */
  values?: ArrayLike<number>;
  /** A variable tensor (state the op reads and writes, e.g. SVDF's activation state). */
  variable?: boolean;
}

/** The reference tests' xorshift generator, with the picks these tests need. */
export function rng(seed: number) {
  const base = baseRng(seed);
  return {
    ...base,
    pick: <T>(items: readonly T[]): T => items[base.int(0, items.length - 1)]!,
    ints: (n: number, lo: number, hi: number) => base.int8s(n, lo, hi),
    bytes: (n: number) => Uint8Array.from(base.int8s(n, 0, 255)),
  };
}
export type Rng = ReturnType<typeof rng>;

function arrayOf(dtype: DType, values: ArrayLike<number>): Uint8Array {
  const probe = typedView(dtype, new ArrayBuffer(0), 0, 0);
  const bytes = new Uint8Array(values.length * probe.BYTES_PER_ELEMENT);
  const view = typedView(dtype, bytes.buffer, 0, values.length) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < values.length; i++) view[i] = dtype === 'int64' ? BigInt(values[i]!) : values[i]!;
  return bytes;
}

/** A graph with one op over the given tensors (inputs in order, then the output), params derived. */
export function singleOpGraph<K extends OpKind>(kind: K, attrs: OpAttrs[K], inputs: Array<TSpec | null>, output: TSpec): Graph {
  const tensors: Tensor[] = [];
  const add = (s: TSpec): number => {
    const dtype = s.dtype ?? 'int8';
    const scales = s.scale === undefined ? null : Array.isArray(s.scale) ? s.scale : [s.scale];
    const zps = s.zp === undefined ? scales?.map(() => 0) : Array.isArray(s.zp) ? s.zp : [s.zp];
    tensors.push({
      id: tensors.length,
      name: `t${tensors.length}`,
      shape: s.shape,
      shapeSignature: null,
      dtype,
      quant: scales ? { scales: scales.map(Math.fround), zeroPoints: zps!, axis: s.axis ?? 0 } : null,
      data: s.values ? arrayOf(dtype, s.values) : null,
      isVariable: s.variable ?? false,
    });
    return tensors.length - 1;
  };
  const ids = inputs.map((s) => (s ? add(s) : -1));
  const out = add(output);
  const base = { kind, version: 1, inputs: ids, outputs: [out], attrs };
  const derivers = { ...linearDerivers, ...nonlinearDerivers } as Record<string, (ctx: { op: typeof base; index: number; tensors: Tensor[] }) => unknown>;
  const params = derivers[kind]!({ op: base, index: 0, tensors });
  const op = { ...base, params } as unknown as Op<K>;
  return {
    name: '',
    description: '',
    tensors,
    ops: [op as never],
    inputs: ids.filter((id) => id >= 0 && !tensors[id]!.data),
    outputs: [out],
    metadata: [],
    signatureDefs: [],
  };
}

export function bytesOf(graph: Graph, id: number): number {
  const t = graph.tensors[id]!;
  return elementCount(t.shape) * dtypeBytes(t.dtype)!;
}

export function elementSize(graph: Graph, id: number): number {
  return dtypeBytes(graph.tensors[id]!.dtype)!;
}

/** Random contents for every activation input of the op, by input slot (floats for float32 tensors). */
export function randomInputs(graph: Graph, r: Rng): Map<number, Uint8Array> {
  const op = graph.ops[0]!;
  const m = new Map<number, Uint8Array>();
  op.inputs.forEach((id, slot) => {
    if (id < 0 || graph.tensors[id]!.data) return;
    const t = graph.tensors[id]!;
    if (t.dtype === 'float32') m.set(slot, arrayOf('float32', Array.from({ length: elementCount(t.shape) }, () => r.float(-40, 40))));
    else m.set(slot, r.bytes(bytesOf(graph, id)));
  });
  return m;
}

function activationView(graph: Graph, id: number, buffer: ArrayBuffer, offset: number): TensorView {
  const t = graph.tensors[id]!;
  return { shape: t.shape, data: typedView(t.dtype, buffer, offset, elementCount(t.shape)) };
}

function constantOrNull(graph: Graph, id: number): TensorView | null {
  if (id < 0) return null;
  const t = graph.tensors[id]!;
  return constantView(t as Tensor & { data: Uint8Array });
}

/** The default kernel on separate buffers: the expected output bytes. */
export function runDefault(graph: Graph, inputs: Map<number, Uint8Array>): Uint8Array {
  const op = graph.ops[0]!;
  const views = op.inputs.map((id, slot) => {
    const bytes = inputs.get(slot);
    if (!bytes) return constantOrNull(graph, id);
    const buf = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(buf).set(bytes);
    return activationView(graph, id, buf, 0);
  });
  const outId = op.outputs[0]!;
  const out = activationView(graph, outId, new ArrayBuffer(bytesOf(graph, outId)), 0);
  (REFERENCE_KERNELS[op.kind] as RefKernel<OpKind>)(op, views, [out]);
  return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength).slice();
}

const align = (n: number, a = 16) => Math.ceil(n / a) * a;

/**
 * The rule's variant in one arena: input `rule.input` at A, the output at A + delta, other activation
 * inputs and the scratch after both, the rest of the arena filled with garbage. Returns the output bytes.
 */
export function runOverlapped(graph: Graph, rule: OverlapRule, delta: number, inputs: Map<number, Uint8Array>, garbage = 0x5a): Uint8Array {
  const op = graph.ops[0]!;
  const inId = op.inputs[rule.input]!;
  const outId = op.outputs[0]!;
  const inBytes = bytesOf(graph, inId), outBytes = bytesOf(graph, outId);
  if (delta % elementSize(graph, outId) !== 0) throw new Error(`delta ${delta} does not align the output's elements`);
  const A = align(64 + Math.max(0, -delta));
  let end = align(Math.max(A + inBytes, A + delta + outBytes)) + 16;
  const others = new Map<number, number>();
  op.inputs.forEach((id, slot) => {
    if (slot === rule.input || !inputs.has(slot)) return;
    others.set(slot, end);
    end = align(end + bytesOf(graph, id)) + 16;
  });
  const scratchAt = end;
  end = align(end + rule.scratchBytes) + 64;
  const buffer = new ArrayBuffer(end);
  new Uint8Array(buffer).fill(garbage);
  const views = op.inputs.map((id, slot) => {
    const bytes = inputs.get(slot);
    if (!bytes) return constantOrNull(graph, id);
    const at = slot === rule.input ? A : others.get(slot)!;
    new Uint8Array(buffer, at, bytes.byteLength).set(bytes);
    return activationView(graph, id, buffer, at);
  });
  const out = activationView(graph, outId, buffer, A + delta);
  const scratch: TensorView | null = rule.scratchBytes > 0 ? { shape: [rule.scratchBytes], data: new Int8Array(buffer, scratchAt, rule.scratchBytes) } : null;
  VARIANT_KERNELS[rule.variant]!(op, views, [out], scratch);
  return new Uint8Array(buffer, A + delta, outBytes).slice();
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface SweepResult {
  /** Deltas (in range or disjoint) where the variant disagreed with the default kernel: must be empty. */
  mismatches: number[];
  /** How many placements were run. */
  runs: number;
  /** The first aligned delta above maxDelta, when it still overlaps the input; null otherwise. */
  next: number | null;
  /** Whether `next` corrupted the result for some random input (proves the bound is tight). */
  nextCorrupts: boolean | null;
}

/**
 * Every aligned delta of the rule's range (a sample of at most `limit`, always including both ends and
 * the top few), plus disjoint placements, each with fresh random input: the variant must match the
 * default kernel. Then the first aligned delta above maxDelta with up to `tries` random inputs.
 */
export function sweepRule(graph: Graph, rule: OverlapRule, r: Rng, limit = 400, tries = 12): SweepResult {
  const op = graph.ops[0]!;
  const inId = op.inputs[rule.input]!;
  const outId = op.outputs[0]!;
  const step = elementSize(graph, outId);
  const inBytes = bytesOf(graph, inId), outBytes = bytesOf(graph, outId);
  const lo = Math.ceil(rule.minDelta / step) * step;
  const hi = Math.floor(rule.maxDelta / step) * step;
  let deltas: number[] = [];
  for (let d = lo; d <= hi; d += step) deltas.push(d);
  if (deltas.length > limit) {
    const keep = new Set<number>([lo, hi]);
    for (let i = 1; i <= 8 && hi - i * step >= lo; i++) keep.add(hi - i * step);
    if (lo <= 0 && hi >= 0) keep.add(0);
    while (keep.size < limit) keep.add(deltas[r.int(0, deltas.length - 1)]!);
    deltas = [...keep].sort((a, b) => a - b);
  }
  // Disjoint placements: touching before and after, and a gap.
  deltas.push(-align(outBytes, step), align(inBytes, step), align(inBytes + 32, step));
  const mismatches: number[] = [];
  for (const d of deltas) {
    const inputs = randomInputs(graph, r);
    if (!sameBytes(runOverlapped(graph, rule, d, inputs, r.int(0, 255)), runDefault(graph, inputs))) mismatches.push(d);
  }
  const next = (Math.floor(rule.maxDelta / step) + 1) * step;
  if (next >= inBytes) return { mismatches, runs: deltas.length, next: null, nextCorrupts: null };
  let corrupts = false;
  for (let t = 0; t < tries && !corrupts; t++) {
    const inputs = randomInputs(graph, r);
    corrupts = !sameBytes(runOverlapped(graph, rule, next, inputs), runDefault(graph, inputs));
  }
  return { mismatches, runs: deltas.length, next, nextCorrupts: corrupts };
}
