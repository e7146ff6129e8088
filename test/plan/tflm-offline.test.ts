// TFLite Micro's OfflineMemoryAllocation: the written model reads back with our offsets, and the offsets
// meet TFLM's own rules (its lifetimes in stored order, checked here from scratch); plans TFLM cannot
// honour are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { UnsupportedError, UsageError } from '../../src/errors.js';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { planModel } from '../../src/pipeline.js';
import { planGraph } from '../../src/plan/planner.js';
import {
  decodeTflmOffline,
  encodeTflmOffline,
  planForTflm,
  TFLM_OFFLINE_METADATA,
  tflmOffsets,
  tflmOfflineOf,
  withTflmOfflinePlan,
} from '../../src/plan/tflm-offline.js';
import { verifyPlan } from '../../src/plan/verify.js';
import { haveShared, MODELS_DIR } from '../helpers/shared.js';

const shared = haveShared();
const SHARED_MODELS = [
  'mlperf-tiny/vww_96_int8',
  'mlperf-tiny/kws_ref_model',
  'mlperf-tiny/pretrainedResnet_quant',
  'mlperf-tiny/ad01_int8',
  'mcunet/mcunet_vww',
  'tflm/hello_world_int8',
  'tflm/micro_speech_quantized',
  'tflm/mobilenet_v2_quantized_1x3x224x224',
];
const loadShared = (name: string) => readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, `${name}.tflite`))));
/** Demo models as a user's file would arrive: through the writer and the reader. */
const demo = (name: string) => readTflite(writeTflite(DEMO_MODELS.find((d) => d.name === name)!.build()));

const ELEMENT_BYTES: Record<string, number> = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4, bool: 1, int64: 8 };

/**
 * TFLM's view, written from micro_allocation_info.cc rather than from our code: a tensor is allocated
 * in the arena head when it has no buffer data, is not variable and has bytes; graph inputs are created
 * at scope 0, op i runs at scope i+1 (creating its outputs, using its inputs), graph outputs are used
 * until the last scope.
 */
function tflmView(model: Graph) {
  const bytes = (t: number) => model.tensors[t]!.shape.reduce((a, d) => a * d, 1) * ELEMENT_BYTES[model.tensors[t]!.dtype]!;
  const allocated = (t: number) => t >= 0 && model.tensors[t]!.data === null && !model.tensors[t]!.isVariable && bytes(t) > 0;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const created = (t: number, s: number) => {
    if (!allocated(t)) return;
    if (!first.has(t)) first.set(t, s);
    last.set(t, Math.max(last.get(t) ?? s, s));
  };
  const used = (t: number, s: number) => allocated(t) && last.set(t, Math.max(last.get(t) ?? s, s));
  model.inputs.forEach((t) => created(t, 0));
  model.ops.forEach((op, i) => {
    op.outputs.forEach((t) => created(t, i + 1));
    op.inputs.forEach((t) => used(t, i + 1));
    op.outputs.forEach((t) => used(t, i + 1));
  });
  model.outputs.forEach((t) => {
    created(t, model.ops.length);
    used(t, model.ops.length);
  });
  return { bytes, allocated, first, last };
}

/** Pairs of tensors TFLM keeps live together whose bytes overlap, except a RESHAPE's or EXPAND_DIMS's in/out at one address (their kernels are correct there). */
function tflmConflicts(model: Graph, offsets: Int32Array): string[] {
  const { bytes, first, last } = tflmView(model);
  const group = new Map<number, number>();
  const find = (t: number): number => (group.get(t) === undefined || group.get(t) === t ? t : find(group.get(t)!));
  for (const op of model.ops) if (op.kind === 'RESHAPE' || op.kind === 'EXPAND_DIMS') group.set(find(op.outputs[0]!), find(op.inputs[0]!));
  const tensors = [...first.keys()];
  const conflicts: string[] = [];
  for (let i = 0; i < tensors.length; i++) {
    for (let j = i + 1; j < tensors.length; j++) {
      const a = tensors[i]!, b = tensors[j]!;
      if (first.get(a)! > last.get(b)! || first.get(b)! > last.get(a)!) continue;
      if (offsets[a]! + bytes(a) <= offsets[b]! || offsets[b]! + bytes(b) <= offsets[a]!) continue;
      if (offsets[a] === offsets[b] && find(a) === find(b)) continue;
      conflicts.push(`${model.tensors[a]!.name} / ${model.tensors[b]!.name}`);
    }
  }
  return conflicts;
}

function checkRoundTrip(model: Graph) {
  const plan = planForTflm(model);
  expect(verifyPlan(plan)).toEqual([]);
  expect(plan.options.inplace).toBe(false);
  expect(plan.steps.map((s) => s.op)).toEqual(model.ops.map((_, i) => i));
  expect(plan.steps.every((s) => s.variant === 'default' && s.overlap === null && s.scratch === null)).toBe(true);

  const back = readTflite(writeTflite(withTflmOfflinePlan(model, plan)));
  expect(back.metadata.filter((m) => m.name === TFLM_OFFLINE_METADATA)).toHaveLength(1);
  for (const m of model.metadata.filter((m) => m.name !== TFLM_OFFLINE_METADATA)) expect(back.metadata.map((x) => x.name)).toContain(m.name);
  expect(back.ops.map((op) => op.kind)).toEqual(model.ops.map((op) => op.kind));
  const alloc = tflmOfflineOf(back)!;
  expect(alloc.version).toBe(1);
  expect(alloc.subgraph).toBe(0);
  expect(alloc.offsets).toHaveLength(model.tensors.length); // TFLM refuses any other count

  // Every planned tensor sits where the plan put it; everything TFLM does not allocate says -1.
  const { allocated, bytes, first } = tflmView(back);
  for (const b of plan.buffers) expect(alloc.offsets[b.tensor!], b.name).toBe(b.offset);
  back.tensors.forEach((t) => {
    if (allocated(t.id) && first.has(t.id)) {
      expect(alloc.offsets[t.id]! % 16, t.name).toBe(0);
      expect(alloc.offsets[t.id]! + bytes(t.id)).toBeLessThanOrEqual(plan.arenaBytes);
    } else expect(alloc.offsets[t.id], t.name).toBe(-1);
  });
  expect(Math.max(...[...first.keys()].map((t) => alloc.offsets[t]! + bytes(t)))).toBe(plan.arenaBytes);
  expect(tflmConflicts(back, alloc.offsets)).toEqual([]);
  expect(tflmConflicts(back, alloc.offsets.map((o) => (o < 0 ? o : 0))).length).toBeGreaterThan(0); // the check bites
  return plan;
}

describe('TFLM offline memory allocation', () => {
  it('encodes [version, subgraph, n, offsets...] as little-endian int32', () => {
    const bytes = encodeTflmOffline(Int32Array.from([0, -1, 4096, 123456]));
    expect(Array.from(new Int32Array(bytes.buffer))).toEqual([1, 0, 4, 0, -1, 4096, 123456]);
    expect(bytes[8]).toBe(4); // little-endian
    const back = decodeTflmOffline(bytes);
    expect(Array.from(back.offsets)).toEqual([0, -1, 4096, 123456]);
    expect(() => decodeTflmOffline(bytes.subarray(0, 10))).toThrow(UnsupportedError);
    expect(() => decodeTflmOffline(bytes.subarray(0, 20))).toThrow(/says 4 offsets but holds 2/);
  });

  it.each(DEMO_MODELS.map((d) => d.name))('writes a plan TFLM can honour into %s and reads it back', (name) => {
    checkRoundTrip(demo(name));
  });

  it('replaces an existing OfflineMemoryAllocation entry and keeps the other metadata', () => {
    const model = demo('ds-cnn-kws');
    const stale = { ...model, metadata: [...model.metadata, { name: 'min_runtime_version', data: new TextEncoder().encode('1.5.0\0') }, { name: TFLM_OFFLINE_METADATA, data: encodeTflmOffline(new Int32Array(model.tensors.length).fill(7)) }] };
    const once = withTflmOfflinePlan(stale, planForTflm(stale));
    const twice = readTflite(writeTflite(withTflmOfflinePlan(once, planForTflm(once))));
    expect(twice.metadata.map((m) => m.name).sort()).toEqual([...new Set([...model.metadata.map((m) => m.name), 'min_runtime_version', TFLM_OFFLINE_METADATA])].sort());
    expect(Array.from(tflmOfflineOf(twice)!.offsets)).not.toContain(7);
  });

  it('refuses what TFLM cannot run: in-place kernels, reordered ops, a SQUEEZE alias, narrow alignment', () => {
    const model = demo('mobilenetv2-035-144');
    const inplace = planGraph(model); // in-place on by default
    expect(inplace.steps.some((s) => s.overlap)).toBe(true);
    expect(() => tflmOffsets(model, inplace)).toThrow(UnsupportedError);
    expect(() => tflmOffsets(model, inplace)).toThrow(/in-place/);
    expect(() => withTflmOfflinePlan(model, inplace)).toThrow(/plan with in-place off/);

    const reordered = planForTflm(model);
    const swapped = { ...reordered, steps: [reordered.steps[1]!, reordered.steps[0]!, ...reordered.steps.slice(2)] };
    expect(() => tflmOffsets(model, swapped)).toThrow(/stored order/);

    // Our planner aliases a SQUEEZE; TFLM's SQUEEZE memcpy's, so the alias is refused and planForTflm copies.
    const g = demo('ds-cnn-kws');
    const reshape = g.ops.findIndex((op) => op.kind === 'RESHAPE');
    expect(reshape).toBeGreaterThanOrEqual(0);
    const squeezed: Graph = { ...g, ops: g.ops.map((op, i) => (i === reshape ? ({ ...op, kind: 'SQUEEZE', inputs: [op.inputs[0]!] } as unknown as AnyOp) : op)) };
    const aliased = planGraph(squeezed, { inplace: false, backend: 'tflm' });
    expect(aliased.buffers.some((b) => b.aliasOf !== null)).toBe(true);
    expect(() => tflmOffsets(squeezed, aliased)).toThrow(/SQUEEZE copies/);
    // workspace planned for tinyforge's kernels: TFLM's kernels request theirs at run time
    expect(() => tflmOffsets(g, planGraph(g, { inplace: false }))).toThrow(/workspace planned for tinyforge's kernels/);
    const copied = planForTflm(squeezed);
    expect(copied.buffers.every((b) => b.aliasOf === null)).toBe(true);
    const inOut = [squeezed.ops[reshape]!.inputs[0]!, squeezed.ops[reshape]!.outputs[0]!].map((t) => copied.buffers.find((b) => b.tensor === t)!);
    expect(inOut[0]!.offset + inOut[0]!.bytes <= inOut[1]!.offset || inOut[1]!.offset + inOut[1]!.bytes <= inOut[0]!.offset).toBe(true);
    // ... while a RESHAPE keeps its alias (TFLM's RESHAPE skips the copy at one address).
    const kept = planForTflm(g);
    expect(kept.buffers.find((b) => b.tensor === g.ops[reshape]!.outputs[0])!.aliasOf).not.toBeNull();

    expect(() => planForTflm(model, { alignment: 8 })).toThrow(UsageError);
    expect(planForTflm(model, { alignment: 64 }).buffers.every((b) => b.offset % 64 === 0)).toBe(true);
  });

  it('an EXPAND_DIMS keeps its alias as a RESHAPE does (TFLM\'s EXPAND_DIMS copies element by element: at one address, each onto itself)', () => {
    const g = demo('ds-cnn-kws');
    const reshape = g.ops.findIndex((op) => op.kind === 'RESHAPE');
    const expanded: Graph = { ...g, ops: g.ops.map((op, i) => (i === reshape ? ({ ...op, kind: 'EXPAND_DIMS' } as unknown as AnyOp) : op)) };
    const [input, output] = [expanded.ops[reshape]!.inputs[0]!, expanded.ops[reshape]!.outputs[0]!];
    const plan = planForTflm(expanded);
    const buffer = (t: number) => plan.buffers.find((b) => b.tensor === t)!;
    expect(buffer(output).aliasOf).toBe(buffer(input).id);
    const offsets = tflmOffsets(expanded, plan);
    expect(offsets[output]).toBe(offsets[input]);
    expect(tflmConflicts(expanded, offsets)).toEqual([]);
    // our own planner's alias is accepted too
    const aliased = planGraph(expanded, { inplace: false, backend: 'tflm' });
    expect(aliased.buffers.some((b) => b.aliasOf !== null)).toBe(true);
    expect(() => tflmOffsets(expanded, aliased)).not.toThrow();
  });

  describe.skipIf(!shared)('on the shared models', () => {
    it.each(SHARED_MODELS)('%s: offsets read back equal the plan and meet TFLM\'s lifetimes', (name) => {
      const model = loadShared(name);
      const plan = checkRoundTrip(model);
      // Not above the plain layer-by-layer plan of the stored graph by more than TFLM's rules cost
      // (outputs kept to the end), and never below what is live at once.
      expect(plan.arenaBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
    });

    it('refuses a patched plan and a plan for the graph after passes', () => {
      const model = loadShared('mcunet/mcunet_vww');
      const patched = planModel(model, { int8Io: true, patch: 'auto' }).plan;
      expect(() => tflmOffsets(model, patched)).toThrow(/tile by tile/);
      const folded = planModel(model, { inplace: false }).plan; // PADs folded into the convolutions
      expect(folded.graph.ops.length).toBeLessThan(model.ops.length);
      expect(() => tflmOffsets(model, folded)).toThrow(/after passes/);
    });
  });
});
