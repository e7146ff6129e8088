// Placement and operator order, checked against brute force and an independent constraint check.
import { describe, expect, it } from 'vitest';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { memoryOptimalOrder, orderPeak } from '../../src/plan/order.js';
import { placeItems, type PlaceItem, type PlacePair } from '../../src/plan/placement.js';

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

/** Independent check: every pair live together is disjoint or within its allowed delta. */
function violations(items: PlaceItem[], pairs: PlacePair[], offsets: number[], alignment: number): string[] {
  const out: string[] = [];
  items.forEach((a, i) => {
    if (offsets[i]! % alignment !== 0) out.push(`item ${i} misaligned`);
    items.forEach((b, j) => {
      if (j <= i || a.bytes === 0 || b.bytes === 0) return;
      if (a.first > b.last || b.first > a.last) return;
      const disjoint = offsets[i]! + a.bytes <= offsets[j]! || offsets[j]! + b.bytes <= offsets[i]!;
      if (disjoint) return;
      const ok = pairs.some(
        (p) =>
          (p.input === i && p.output === j && offsets[j]! - offsets[i]! >= p.minDelta && offsets[j]! - offsets[i]! <= p.maxDelta) ||
          (p.input === j && p.output === i && offsets[i]! - offsets[j]! >= p.minDelta && offsets[i]! - offsets[j]! <= p.maxDelta),
      );
      if (!ok) out.push(`items ${i} and ${j} overlap`);
    });
  });
  return out;
}

describe('placement', () => {
  it('reuses memory across disjoint lifetimes and separates live ones', () => {
    const items = [
      { bytes: 100, first: 0, last: 1 },
      { bytes: 100, first: 1, last: 2 },
      { bytes: 100, first: 2, last: 3 },
    ];
    const p = placeItems(items, [], 16);
    // 0 and 2 never live together, so two slots suffice: 0..100 and 112..212.
    expect(p.arenaBytes).toBe(212);
    expect(violations(items, [], p.offsets, 16)).toEqual([]);
  });

  it('uses an allowed overlap: same base (in place) and output-ends-at-input-end', () => {
    const inPlace = placeItems([{ bytes: 64, first: 0, last: 1 }, { bytes: 64, first: 1, last: 2 }], [{ input: 0, output: 1, minDelta: 0, maxDelta: 0 }], 16);
    expect(inPlace.arenaBytes).toBe(64);
    // Expansion 32 -> 96 bytes, output may start up to 64 bytes before the input: footprint 96.
    const expand = placeItems([{ bytes: 32, first: 0, last: 1 }, { bytes: 96, first: 1, last: 2 }], [{ input: 0, output: 1, minDelta: -1e9, maxDelta: -64 }], 16);
    expect(expand.arenaBytes).toBe(96);
    expect(expand.offsets[0]! - expand.offsets[1]!).toBe(64);
  });

  it('never violates a constraint and never beats the live-bytes bound on random instances', () => {
    const next = rng(42);
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + next(12);
      const items: PlaceItem[] = Array.from({ length: n }, () => {
        const first = next(10);
        return { bytes: next(5) === 0 ? 0 : 1 + next(500), first, last: first + next(4) };
      });
      const pairs: PlacePair[] = [];
      for (let k = 0; k < 3; k++) {
        const a = next(n), b = next(n);
        if (a !== b && !pairs.some((p) => p.input === a || p.output === b)) pairs.push({ input: a, output: b, minDelta: -next(200), maxDelta: next(3) === 0 ? 0 : -next(100) });
      }
      const alignment = [4, 16, 64][next(3)]!;
      const p = placeItems(items, pairs, alignment);
      expect(violations(items, pairs, p.offsets, alignment)).toEqual([]);
      if (pairs.length === 0) {
        for (let s = 0; s < 14; s++) {
          const live = items.filter((it) => it.first <= s && s <= it.last).reduce((a, it) => a + it.bytes, 0);
          expect(p.arenaBytes).toBeGreaterThanOrEqual(live);
        }
      }
    }
  });
});

// Synthetic graphs: ops only need inputs/outputs and tensor sizes for ordering.
function synthGraph(sizes: number[], edges: Array<[number[], number]>): Graph {
  const tensors: Tensor[] = sizes.map((bytes, id) => ({ id, name: `t${id}`, shape: [bytes], shapeSignature: null, dtype: 'int8', quant: null, data: null, isVariable: false }));
  const ops = edges.map(([ins, out]) => ({ kind: 'ADD', version: 1, inputs: ins, outputs: [out], attrs: { clamp: [-128, 127] }, params: null }) as unknown as AnyOp);
  const produced = new Set(edges.map(([, o]) => o));
  const consumed = new Set(edges.flatMap(([i]) => i));
  return {
    name: '', description: '', tensors, ops, metadata: [], signatureDefs: [],
    inputs: sizes.map((_, i) => i).filter((i) => !produced.has(i)),
    outputs: sizes.map((_, i) => i).filter((i) => produced.has(i) && !consumed.has(i)),
  };
}

function bruteForceBest(g: Graph): number {
  const n = g.ops.length;
  const producer = new Map<number, number>();
  g.ops.forEach((op, i) => producer.set(op.outputs[0]!, i));
  let best = Infinity;
  const walk = (order: number[], done: Set<number>) => {
    if (order.length === n) {
      best = Math.min(best, orderPeak(g, order));
      return;
    }
    for (let i = 0; i < n; i++) {
      if (done.has(i) || g.ops[i]!.inputs.some((t) => producer.has(t) && !done.has(producer.get(t)!))) continue;
      done.add(i);
      walk([...order, i], done);
      done.delete(i);
    }
  };
  walk([], new Set());
  return best;
}

describe('operator order', () => {
  it('runs the branch that frees memory first in a residual block', () => {
    // t0 -> a(t1, big) -> b(t2) ; t0 -> c(t3, small) ; add(t2, t3) -> t4. Stored order keeps big t1 alive beside t3? No: compare.
    const g = synthGraph([10, 1000, 10, 500, 10], [[[0], 3], [[0], 1], [[1], 2], [[2, 3], 4]]);
    // Stored: t3 (500) is computed first and held while t1 (1000) exists: peak 10+500+1000.
    expect(orderPeak(g, [0, 1, 2, 3])).toBe(1510);
    const order = memoryOptimalOrder(g);
    expect(orderPeak(g, order)).toBe(bruteForceBest(g));
    expect(orderPeak(g, order)).toBeLessThan(1510);
  });

  it('matches brute force on random small DAGs', () => {
    const next = rng(9);
    for (let trial = 0; trial < 60; trial++) {
      const nOps = 2 + next(6);
      const sizes = [1 + next(100)];
      const edges: Array<[number[], number]> = [];
      for (let k = 0; k < nOps; k++) {
        const ins = [...new Set([next(sizes.length), next(sizes.length)])];
        sizes.push(1 + next(100));
        edges.push([ins, sizes.length - 1]);
      }
      const g = synthGraph(sizes, edges);
      expect(orderPeak(g, memoryOptimalOrder(g))).toBe(bruteForceBest(g));
    }
  });
});
