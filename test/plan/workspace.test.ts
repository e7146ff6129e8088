// Kernel workspace in the plan (issue #10 part 3, TFLM's RequestScratchBufferInArena): each kernel call's
// own bytes are a buffer of the plan with the op's one-step lifetime, sized for the plan's backend, counted
// in the peak, lowered into the call's record; the wasm module has no memory after the arena.
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { planGraph } from '../../src/plan/planner.js';
import { planPatched } from '../../src/plan/patch/index.js';
import { verifyPlan } from '../../src/plan/verify.js';
import { lowerPlan } from '../../src/schedule/lower.js';
import { lowerSchedule } from '../../src/schedule/abi/lower.js';
import { recordFields } from '../../src/schedule/abi/records.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { loadKernelLibrary } from '../../src/package-asset.js';
import { runSchedule } from '../../src/reference/execute.js';
import { syntheticInputs } from '../../src/builder/index.js';
import { refusal } from '../helpers/refusal.js';
import type { Plan } from '../../src/plan/types.js';

/** x [1, 8, 8, 8] -> 3x3 conv to 16 channels (same) -> FC to 10 units. */
function convNet() {
  const b = new ModelBuilder({ name: 'ws', seed: 7 });
  const x = b.input('x', [1, 8, 8, 8], { scale: 1 / 64, zeroPoint: -3 });
  const h = b.conv2d(x, { filters: 16, kernel: 3, padding: 'same', activation: 'relu' });
  b.output(b.fullyConnected(b.reshape(h, [1, 8 * 8 * 16]), { units: 10 }));
  return b.build();
}

const workspaces = (plan: Plan) => plan.buffers.filter((b) => b.kind === 'workspace');

describe('kernel workspace placed by the planner', () => {
  it('C backend: the conv gets its column buffer and requantization table, the FC its int16 row, each for one step', () => {
    const graph = convNet();
    const plan = planGraph(graph, { inplace: false });
    expect(verifyPlan(plan)).toEqual([]);
    const conv = graph.ops.findIndex((o) => o.kind === 'CONV_2D');
    const fc = graph.ops.findIndex((o) => o.kind === 'FULLY_CONNECTED');
    const byOp = new Map(plan.steps.map((s, i) => [s.op, { step: i, ws: s.workspace }]));
    // conv.c: K4 = 3*3*8 = 72, 4 pixels (4*72 <= 2304): 2 * 4 * 72 B of column + 16 channels * 8 B of tf_rq
    const c = byOp.get(conv)!;
    expect(plan.buffers[c.ws!]).toMatchObject({ kind: 'workspace', bytes: 2 * 4 * 72 + 16 * 8, first: c.step, last: c.step });
    // fc.c: depth 1024 as int16 words of two: 1024 * 2 B
    const f = byOp.get(fc)!;
    expect(plan.buffers[f.ws!]).toMatchObject({ kind: 'workspace', bytes: 2048, first: f.step, last: f.step });
    expect(workspaces(plan)).toHaveLength(2);
    // the peak counts it: the conv's step holds its input, its output and the workspace
    const live = 8 * 8 * 8 + 8 * 8 * 16 + 704;
    expect(plan.lowerBoundBytes).toBeGreaterThanOrEqual(live);
  });

  it('wasm backend: the wasm kernels\' own figure (direct conv windows), not the C one', () => {
    const plan = planGraph(convNet(), { inplace: false, backend: 'wasm' });
    expect(verifyPlan(plan)).toEqual([]);
    // a 3x3 stride-1 conv over 8 channels takes Winograd on SIMD: 4 tiles per block over ceil(8 / 2) tiles,
    // a band of 4 rows of 2*4+2 pixels (up16(4*10*8) = 320), 4*32*8 B of transformed tiles and 4 * 512 B;
    // more than the im2col path (8 * 72 = 576) it is the max with; the FC has no stream-row: none
    expect(workspaces(plan).map((b) => b.bytes)).toEqual([320 + 1024 + 2048]);
  });

  it('the record carries the workspace; a call without a planned workspace gets 0 bytes', () => {
    const graph = convNet();
    const schedule = lowerPlan(planGraph(graph, { inplace: false }));
    const lowered = lowerSchedule(schedule);
    const conv = lowered.calls.find((c) => c.symbol.startsWith('conv2d'))!;
    const words = new Int32Array(lowered.constants.buffer, lowered.constants.byteOffset + conv.record);
    const field = (name: string) => words[recordFields('conv2d').find((f) => f.name === name)!.index]!;
    const call = schedule.calls.find((c) => c.type === 'kernel' && c.op.kind === 'CONV_2D')!;
    expect(call.type === 'kernel' && call.workspace).toMatchObject({ shape: [704] });
    expect(field('workspace')).toBe(call.type === 'kernel' ? call.workspace!.offset : -1);
    expect(field('workspace_bytes')).toBe(704);
  });

  it('patch plans place it too, per tile step, and stay valid', () => {
    const b = new ModelBuilder({ name: 'patch-ws', seed: 3 });
    const x = b.input('x', [1, 32, 32, 8], { scale: 1 / 64, zeroPoint: 0 });
    let h = b.conv2d(x, { filters: 16, kernel: 3, padding: 'same', activation: 'relu' });
    h = b.conv2d(h, { filters: 16, kernel: 3, stride: 2, padding: 'same', activation: 'relu' });
    b.output(b.mean(h));
    const graph = b.build();
    const patched = planPatched(graph, { tiles: 2, splitOp: 1 });
    expect(verifyPlan(patched)).toEqual([]);
    const convSteps = patched.steps.filter((s) => patched.graph.ops[s.op]!.kind === 'CONV_2D');
    expect(convSteps.length).toBeGreaterThan(2);
    for (const s of convSteps) expect(s.workspace !== null && patched.buffers[s.workspace]!.kind === 'workspace').toBe(true);
    const inputs = syntheticInputs(graph, 1);
    const want = runSchedule(scheduleOf(planGraph(graph)), inputs).outputs;
    expect(runSchedule(scheduleOf(patched), inputs).outputs).toEqual(want);
  });

  it('wasm: the module ends at the arena; a plan made for the C kernels is refused by name', async () => {
    const graph = convNet();
    const library = await loadKernelLibrary(true);
    const planned = planModel(graph, { backend: 'wasm' });
    const schedule = scheduleOf(planned.plan);
    const emitted = emitWasm(schedule, { library, simd: true });
    expect(emitted.layout.memoryBytes).toBe(emitted.layout.arenaBase + schedule.arenaBytes);
    const inputs = syntheticInputs(graph, 2);
    expect(runLoaded(await instantiateEmitted(emitted), inputs)).toEqual(runSchedule(schedule, inputs).outputs);

    const err = refusal(() => emitWasm(scheduleOf(planModel(graph, { backend: 'c' }).plan), { library, simd: true }));
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toMatch(/conv2d_s8\S* needs \d+ workspace bytes, the plan gives it \d+/);
  });

  it('refuses an unknown backend', () => {
    expect(refusal(() => planGraph(convNet(), { backend: 'x86' as 'c' })).message).toMatch(/backend must be one of c, wasm, tflm, got "x86"/);
  });
});
