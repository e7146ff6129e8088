// Operator order: for branchy graphs (residuals, squeeze-excite, concatenation) the order decides
// which tensors are alive together. Dynamic programming over the sets of executed ops finds the
// order with the smallest peak of live bytes; on graphs whose search would be too long (wide or long
// parallel branches) it stops after a fixed amount of work and falls back to a greedy order, saying so.
import type { Graph } from '../ir/graph.js';
import { tensorBytes } from '../ir/macs.js';

/** Most states one level of the search may hold. */
const MAX_STATES = 200_000;
/**
 * Work budget of the search in elementary steps (ops scanned per state, state bytes copied per
 * transition): deterministic, unlike a clock, so a plan is reproducible. Under a second of search;
 * the golden models need at most 8,904.
 */
export const MAX_ORDER_WORK = 5_000_000;

/** How the operator order was found: the full search, or the greedy fallback and why. */
export interface OrderSearch {
  order: number[];
  exhaustive: boolean;
  /** Why the search stopped (null when exhaustive). */
  reason: string | null;
  /** Work spent, in the units of MAX_ORDER_WORK. */
  work: number;
}

interface OrderProblem {
  n: number;
  preds: number[][];
  /** Non-constant tensors each op reads and writes (deduplicated). */
  reads: number[][];
  writes: number[][];
  consumers: Map<number, number[]>;
  bytes: Map<number, number>;
  keepToEnd: Set<number>;
}

function problemOf(graph: Graph): OrderProblem {
  const producer = new Map<number, number>();
  graph.ops.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
  const isActivation = (t: number) => t >= 0 && !graph.tensors[t]!.data;
  const reads = graph.ops.map((op) => [...new Set(op.inputs.filter(isActivation))]);
  const writes = graph.ops.map((op) => [...new Set(op.outputs)]);
  const preds = reads.map((rs) => [...new Set(rs.map((t) => producer.get(t)).filter((p): p is number => p !== undefined))]);
  const consumers = new Map<number, number[]>();
  reads.forEach((rs, i) => rs.forEach((t) => consumers.set(t, [...(consumers.get(t) ?? []), i])));
  const bytes = new Map<number, number>();
  for (const list of [...reads, ...writes, graph.inputs]) for (const t of list) bytes.set(t, tensorBytes(graph, t));
  return { n: graph.ops.length, preds, reads, writes, consumers, bytes, keepToEnd: new Set(graph.outputs) };
}

/** Peak live bytes of an order (inputs, outputs and every tensor still awaiting a consumer). */
export function orderPeak(graph: Graph, order: readonly number[]): number {
  const p = problemOf(graph);
  const done = new Set<number>();
  const live = new Set<number>(graph.inputs);
  let peak = 0;
  for (const op of order) {
    for (const t of p.writes[op]!) live.add(t);
    let sum = 0;
    for (const t of live) sum += p.bytes.get(t)!;
    peak = Math.max(peak, sum);
    done.add(op);
    for (const t of p.reads[op]!) if (!p.keepToEnd.has(t) && p.consumers.get(t)!.every((c) => done.has(c))) live.delete(t);
  }
  return peak;
}

/** The order with the smallest live-bytes peak, ties broken toward the stored order (greedy past `maxWork`). */
export function memoryOptimalOrder(graph: Graph, maxWork = MAX_ORDER_WORK): number[] {
  return searchOrder(graph, maxWork).order;
}

/** The exhaustive search within `maxWork`, else the greedy order with the reason. */
export function searchOrder(graph: Graph, maxWork = MAX_ORDER_WORK): OrderSearch {
  const p = problemOf(graph);
  const stored = graph.ops.map((_, i) => i);
  if (p.n <= 1) return { order: stored, exhaustive: true, reason: null, work: 0 };
  let work = 0;
  const fallback = (reason: string): OrderSearch => ({ order: greedyOrder(graph), exhaustive: false, reason, work });

  interface State {
    done: Uint8Array;
    live: Map<number, number>; // tensor -> consumers still to run
    peak: number;
    order: number[];
  }
  const key = (done: Uint8Array) => done.join('');
  const pending = new Map<number, number>();
  for (const [t, cs] of p.consumers) pending.set(t, cs.length);
  const startLive = new Map<number, number>();
  for (const t of graph.inputs) startLive.set(t, pending.get(t) ?? 0);
  let level = new Map<string, State>([[key(new Uint8Array(p.n)), { done: new Uint8Array(p.n), live: startLive, peak: 0, order: [] }]]);

  for (let step = 0; step < p.n; step++) {
    const next = new Map<string, State>();
    for (const s of level.values()) {
      work += p.n + s.live.size;
      if (work > maxWork) return fallback(`the exhaustive search stopped after ${maxWork} work units at op ${step} of ${p.n} (${level.size} orders of ${step} ops to extend); greedy order used`);
      let liveBytes = 0;
      for (const t of s.live.keys()) liveBytes += p.bytes.get(t)!;
      for (let op = 0; op < p.n; op++) {
        if (s.done[op] || !p.preds[op]!.every((q) => s.done[q])) continue;
        let stepBytes = liveBytes;
        for (const t of p.writes[op]!) if (!s.live.has(t)) stepBytes += p.bytes.get(t)!;
        work += p.n + s.live.size;
        const done = s.done.slice();
        done[op] = 1;
        const live = new Map(s.live);
        for (const t of p.writes[op]!) live.set(t, pending.get(t) ?? 0);
        for (const t of p.reads[op]!) {
          const left = live.get(t)! - 1;
          if (left <= 0 && !p.keepToEnd.has(t)) live.delete(t);
          else live.set(t, left);
        }
        const cand: State = { done, live, peak: Math.max(s.peak, stepBytes), order: [...s.order, op] };
        const k = key(done);
        const prev = next.get(k);
        if (!prev || cand.peak < prev.peak) next.set(k, cand);
      }
    }
    if (next.size > MAX_STATES) return fallback(`the exhaustive search would keep ${next.size} partial orders of ${step + 1} ops (limit ${MAX_STATES}); greedy order used`);
    level = next;
  }
  const [best] = level.values();
  // Keep the stored order when it is as good: it is what the user's tools show.
  const order = best && best.peak < orderPeak(graph, stored) ? best.order : stored;
  return { order, exhaustive: true, reason: null, work };
}

/** Memory-aware list scheduling: among ready ops, run the one that leaves the fewest live bytes. */
export function greedyOrder(graph: Graph): number[] {
  const p = problemOf(graph);
  const done = new Set<number>();
  const order: number[] = [];
  const remaining = new Map<number, number>();
  for (const [t, cs] of p.consumers) remaining.set(t, cs.length);
  while (order.length < p.n) {
    let best = -1;
    let bestDelta = Infinity;
    for (let op = 0; op < p.n; op++) {
      if (done.has(op) || !p.preds[op]!.every((q) => done.has(q))) continue;
      let delta = 0;
      for (const t of p.writes[op]!) delta += p.bytes.get(t)!;
      for (const t of p.reads[op]!) if (remaining.get(t) === 1 && !p.keepToEnd.has(t)) delta -= p.bytes.get(t)!;
      if (delta < bestDelta) {
        bestDelta = delta;
        best = op;
      }
    }
    done.add(best);
    order.push(best);
    for (const t of p.reads[best]!) remaining.set(t, remaining.get(t)! - 1);
  }
  return order;
}
