// The operator-order search is bounded by a deterministic work budget: three parallel 300-op chains
// (27 million partial orders) plan quickly with the greedy fallback, reported in the plan and its
// report; small graphs keep the exhaustive search.
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planGraph } from '../../src/plan/planner.js';
import { greedyOrder, MAX_ORDER_WORK, orderPeak, searchOrder } from '../../src/plan/order.js';
import { verifyPlan } from '../../src/plan/verify.js';
import { formatPlan, planReport } from '../../src/report/plan.js';
import { estimateFlash } from '../../src/cost/flash.js';
import { scheduleOf } from '../../src/pipeline.js';

/** `chains` parallel chains of `length` LOGISTIC ops from one input, concatenated. */
function parallelChains(chains: number, length: number): Graph {
  const b = new ModelBuilder({ name: `chains_${chains}x${length}`, seed: 3, calibrationSamples: 1 });
  const x = b.input('x', [1, 16], { scale: 0.05, zeroPoint: 0 });
  const ends = Array.from({ length: chains }, (_, c) => {
    let h = x;
    for (let i = 0; i < length; i++) h = b.logistic(h, { name: `c${c}_${i}` });
    return h;
  });
  b.output(b.concatenation(ends, { axis: 1 }));
  return b.build();
}

describe('operator-order search bound', () => {
  it('3 x 300-op chains: stops at the work bound, falls back to the greedy order and says so', () => {
    const graph = parallelChains(3, 300);
    expect(graph.ops.length).toBe(901);
    const search = searchOrder(graph);
    expect(search.exhaustive).toBe(false);
    expect(search.reason).toMatch(/stopped after 5000000 work units at op \d+ of 901/);
    expect(search.work).toBeGreaterThan(MAX_ORDER_WORK);
    expect(search.order).toEqual(greedyOrder(graph));
    // Deterministic: the same reason every time.
    expect(searchOrder(graph).reason).toBe(search.reason);

    const plan = planGraph(graph);
    expect(plan.orderSearch).toEqual({ exhaustive: false, reason: search.reason });
    expect(verifyPlan(plan)).toEqual([]);
    const report = planReport('chains', plan, estimateFlash(scheduleOf(plan), 'cortex-m4'), { sramBytes: null, flashBytes: null });
    expect(report.orderSearch).toEqual({ exhaustive: false, reason: search.reason });
    expect(formatPlan(report)).toContain(`operator order: not exhaustive: ${search.reason}`);
  });

  it('small parallel chains: exhaustive, the same peak as every topological order allows', () => {
    const graph = parallelChains(2, 3);
    const search = searchOrder(graph);
    expect(search).toMatchObject({ exhaustive: true, reason: null });
    expect(search.work).toBeLessThan(MAX_ORDER_WORK);
    expect(planGraph(graph).orderSearch).toEqual({ exhaustive: true, reason: null });
    // A budget too small for the same graph gives the fallback: the bound, not the shape, decides.
    const cut = searchOrder(graph, 10);
    expect(cut).toMatchObject({ exhaustive: false, order: greedyOrder(graph) });
    expect(orderPeak(graph, search.order)).toBeLessThanOrEqual(orderPeak(graph, cut.order));
  });
});
