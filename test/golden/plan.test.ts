// Plans must execute: each golden model runs inside one arena of exactly the planned size, every
// tensor at its planned offset, and gives TFLite Micro's bytes. Each plan is also checked
// independently for live tensors that overlap.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { planGraph } from '../../src/plan/planner.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { isPatchedPlan, verifyPatchedPlan } from '../../src/plan/patch/index.js';
import { verifyPlan } from '../../src/plan/verify.js';
import { runSchedule } from '../../src/reference/execute.js';
import { lowerPlan } from '../../src/schedule/lower.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];

// mobilenet_v2 224 through the reference kernels takes 20-30 s a plan mode alone, past a minute on a loaded machine.
describe.skipIf(models.length === 0)('planned execution vs TFLite Micro golden outputs', { timeout: 300_000 }, () => {
  for (const g of models) {
    for (const inplace of [true, false]) {
      it(`${g.name} (${inplace ? 'in-place' : '--no-inplace'}): verified plan, bit-exact in one arena`, () => {
        const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
        const plan = planGraph(graph, { inplace });
        expect(verifyPlan(plan)).toEqual([]);
        expect(plan.arenaBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
        if (!inplace) expect(plan.steps.every((s) => s.variant === 'default')).toBe(true);
        const schedule = lowerPlan(plan);
        expect(schedule.arenaBytes).toBe(plan.arenaBytes);
        for (let k = 0; k < g.manifest.num_input_sets; k++) {
          const got = runSchedule(schedule, goldenInputs(g, k)).outputs;
          const want = goldenOutputs(g, k);
          got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `${g.name} set ${k} output ${i}`).toBe(0));
        }
      });
    }
  }

  for (const g of models) {
    it(`${g.name} (--patch auto): verified plan, bit-exact in one arena`, () => {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      const { plan } = planModel(graph, { patch: 'auto' });
      expect(isPatchedPlan(plan) ? verifyPatchedPlan(plan) : verifyPlan(plan)).toEqual([]);
      const schedule = scheduleOf(plan);
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        const got = runSchedule(schedule, goldenInputs(g, k)).outputs;
        got.forEach((o, i) => expect(Buffer.compare(o, goldenOutputs(g, k)[i]!), `${g.name} set ${k}`).toBe(0));
      }
    });
  }

  it('verification catches a plan that overlaps two live tensors', () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const plan = planGraph(readTflite(new Uint8Array(readFileSync(g.modelPath))), { inplace: false });
    // Move the buffer live at the peak step onto another buffer live at that step.
    const live = plan.buffers.filter((b) => b.aliasOf === null && b.bytes > 0 && b.first <= plan.peakStep && plan.peakStep <= b.last);
    expect(live.length).toBeGreaterThan(1);
    live[1]!.offset = live[0]!.offset;
    const found = verifyPlan(plan);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.message).toMatch(/overlap while both are live/);
  });
});
