// Operator order: for branchy graphs (residuals, squeeze-excite, concatenation) the order decides
// which tensors are alive together. Dynamic programming over the sets of executed ops finds the
// order with the smallest peak of live bytes; it falls back to a greedy order on very wide graphs.
import type { Graph } from '../ir/graph.js';
import { tensorBytes } from '../cost/macs.js';

const MAX_STATES = 200_000;

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

/** The order with the smallest live-bytes peak, ties broken toward the stored order. */
export function memoryOptimalOrder(graph: Graph): number[] {
  const p = problemOf(graph);
  const stored = graph.ops.map((_, i) => i);
  if (p.n <= 1) return stored;

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
      let liveBytes = 0;
      for (const t of s.live.keys()) liveBytes += p.bytes.get(t)!;
      for (let op = 0; op < p.n; op++) {
        if (s.done[op] || !p.preds[op]!.every((q) => s.done[q])) continue;
        let stepBytes = liveBytes;
        for (const t of p.writes[op]!) if (!s.live.has(t)) stepBytes += p.bytes.get(t)!;
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
    if (next.size > MAX_STATES) return greedyOrder(graph);
    level = next;
  }
  const [best] = level.values();
  // Keep the stored order when it is as good: it is what the user's tools show.
  return best && best.peak < orderPeak(graph, stored) ? best.order : stored;
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
