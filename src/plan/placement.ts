// Offset assignment: greedy lowest-fit over several placement orders, keeping the smallest arena.
// Every constraint between two buffers is a set of forbidden offsets, so overlap rules and plain
// disjointness are handled by one sweep.
import { maxOf } from '../ir/extremes.js';

export interface PlaceItem {
  bytes: number;
  /** First and last step (inclusive) during which the bytes must be kept. */
  first: number;
  last: number;
}

/** Item `output` may sit at delta = offset(output) - offset(input) in [minDelta, maxDelta] even where they overlap. */
export interface PlacePair {
  input: number;
  output: number;
  minDelta: number;
  maxDelta: number;
}

export type PlacementStrategy = 'size-desc' | 'first-asc' | 'area-desc' | 'peak-first';

export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['size-desc', 'area-desc', 'first-asc', 'peak-first'];

/**
 * How overlapping pairs are placed: each member on its own (an unrelated buffer may take the room an
 * overlap needs), each pair as a unit, or whole chains as units (rigid: per-pair offsets add up).
 */
export type PairGrouping = 'none' | 'pairs' | 'chains';

export const PAIR_GROUPINGS: readonly PairGrouping[] = ['none', 'pairs', 'chains'];

export interface Placement {
  offsets: number[];
  /** End of the highest item (unaligned). */
  arenaBytes: number;
  strategy: PlacementStrategy;
  grouping: PairGrouping;
}

export function alignUp(x: number, alignment: number): number {
  return Math.ceil(x / alignment) * alignment;
}

function liveTogether(a: PlaceItem, b: PlaceItem): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The order in which a strategy places items: big and long-lived ones first tend to pack best. */
function placementOrder(items: readonly PlaceItem[], strategy: PlacementStrategy): number[] {
  const ids = items.map((_, i) => i);
  const size = (i: number) => items[i]!.bytes;
  const span = (i: number) => items[i]!.last - items[i]!.first + 1;
  switch (strategy) {
    case 'size-desc':
      return ids.sort((a, b) => size(b) - size(a) || span(b) - span(a) || a - b);
    case 'area-desc':
      return ids.sort((a, b) => size(b) * span(b) - size(a) * span(a) || a - b);
    case 'first-asc':
      return ids.sort((a, b) => items[a]!.first - items[b]!.first || size(b) - size(a) || a - b);
    case 'peak-first': {
      // Items live at the most crowded step first, then by size: the peak step is packed tightest.
      const steps = maxOf(items.map((it) => it.last), 0) + 1;
      const live = new Array<number>(steps).fill(0);
      for (const it of items) for (let s = it.first; s <= it.last; s++) live[s]! += it.bytes;
      const crowd = (i: number) => {
        let m = 0;
        for (let s = items[i]!.first; s <= items[i]!.last; s++) m = Math.max(m, live[s]!);
        return m;
      };
      return ids.sort((a, b) => crowd(b) - crowd(a) || size(b) - size(a) || a - b);
    }
  }
}

/** Bytes an input of inBytes and an output of outBytes share when the output starts delta bytes after the input. */
export function sharedBytesAt(inBytes: number, outBytes: number, delta: number): number {
  return Math.max(0, Math.min(inBytes, delta + outBytes) - Math.max(0, delta));
}

/** Most bytes a pair can share with delta in [minDelta, maxDelta]: sharedBytesAt is concave, flat on [min(0, in-out), max(0, in-out)]. */
export function maxSharedBytes(inBytes: number, outBytes: number, range: Pick<PlacePair, 'minDelta' | 'maxDelta'>): number {
  const clamp = (d: number) => Math.min(range.maxDelta, Math.max(range.minDelta, d));
  return Math.max(sharedBytesAt(inBytes, outBytes, clamp(0)), sharedBytesAt(inBytes, outBytes, clamp(inBytes - outBytes)));
}

/** The aligned delta in [minDelta, maxDelta] that lets a pair share the most bytes (nearest 0 on ties). */
export function bestDelta(inBytes: number, outBytes: number, pair: Pick<PlacePair, 'minDelta' | 'maxDelta'>, alignment: number): number | null {
  const lo = alignUp(pair.minDelta, alignment);
  const hi = Math.floor(pair.maxDelta / alignment) * alignment;
  if (lo > hi) return null;
  const shared = (d: number) => sharedBytesAt(inBytes, outBytes, d);
  const near = (d: number) => [Math.floor(d / alignment) * alignment, alignUp(d, alignment)].map((c) => Math.min(hi, Math.max(lo, c)));
  let best: number | null = null;
  for (const d of [...near(0), ...near(inBytes - outBytes), lo, hi]) {
    if (best === null || shared(d) > shared(best) || (shared(d) === shared(best) && Math.abs(d) < Math.abs(best))) best = d;
  }
  return best !== null && shared(best) > 0 ? best : null;
}

/**
 * Chains of overlapping pairs placed as one unit at fixed relative offsets: placing the members one
 * by one would let an unrelated buffer take the room the overlap needs (the input's neighbour).
 */
function pairGroups(items: readonly PlaceItem[], pairs: readonly PlacePair[], alignment: number, grouping: PairGrouping): { groupOf: number[]; rel: number[] } {
  const groupOf = items.map((_, i) => i);
  const rel = items.map(() => 0);
  const members = new Map<number, number[]>(items.map((_, i) => [i, [i]]));
  for (const p of grouping === 'none' ? [] : pairs) {
    const a = groupOf[p.input]!, b = groupOf[p.output]!;
    if (a === b) continue;
    if (grouping === 'pairs' && (members.get(a)!.length > 1 || members.get(b)!.length > 1)) continue;
    const delta = bestDelta(items[p.input]!.bytes, items[p.output]!.bytes, p, alignment);
    if (delta === null) continue;
    // Move group b so that rel(output) = rel(input) + delta; keep it only if no other members collide.
    const shift = rel[p.input]! + delta - rel[p.output]!;
    const clash = members.get(b)!.some((m) =>
      members.get(a)!.some((n) => {
        if (!liveTogether(items[m]!, items[n]!) || (m === p.output && n === p.input)) return false;
        const mo = rel[m]! + shift, no = rel[n]!;
        return mo < no + items[n]!.bytes && no < mo + items[m]!.bytes;
      }),
    );
    if (clash) continue;
    for (const m of members.get(b)!) {
      rel[m] = rel[m]! + shift;
      groupOf[m] = a;
    }
    for (const m of members.get(b)!) members.get(a)!.push(m);
    members.delete(b);
  }
  return { groupOf, rel };
}

/** Greedy lowest-fit of items in one order. Items of zero bytes get offset 0 and constrain nothing. */
export function placeInOrder(
  items: readonly PlaceItem[],
  pairs: readonly PlacePair[],
  alignment: number,
  order: readonly number[],
  grouping: PairGrouping = 'pairs',
): number[] {
  const { groupOf, rel } = pairGroups(items, pairs, alignment, grouping);
  const pairOf = new Map<string, PlacePair>();
  for (const p of pairs) pairOf.set(`${p.input},${p.output}`, p);
  const offsets = new Array<number>(items.length).fill(-1);
  const placed: number[] = [];
  for (const id of order) {
    if (offsets[id]! >= 0) continue;
    const group = items.map((_, i) => i).filter((i) => groupOf[i] === groupOf[id] && items[i]!.bytes > 0);
    if (group.length === 0) {
      offsets[id] = 0;
      continue;
    }
    // Forbidden open intervals (lo, hi) for the group's base: members must not touch placed buffers.
    const forbidden: Array<[number, number]> = [];
    for (const m of group) {
      const size = items[m]!.bytes;
      for (const other of placed) {
        const o = items[other]!;
        if (!liveTogether(items[m]!, o)) continue;
        const p = offsets[other]!;
        const overlapStart = p - size;
        const overlapEnd = p + o.bytes;
        // A pair with an already placed partner may still overlap it within its allowed deltas.
        const asOutput = pairOf.get(`${other},${m}`);
        const asInput = pairOf.get(`${m},${other}`);
        const allowed = asOutput ? [p + asOutput.minDelta, p + asOutput.maxDelta] : asInput ? [p - asInput.maxDelta, p - asInput.minDelta] : null;
        const spans: Array<[number, number]> =
          !allowed || allowed[0]! >= overlapEnd || allowed[1]! <= overlapStart
            ? [[overlapStart, overlapEnd]]
            : [
                ...(allowed[0]! > overlapStart ? [[overlapStart, allowed[0]!] as [number, number]] : []),
                ...(allowed[1]! < overlapEnd ? [[allowed[1]!, overlapEnd] as [number, number]] : []),
              ];
        for (const [lo, hi] of spans) forbidden.push([lo - rel[m]!, hi - rel[m]!]);
      }
    }
    // Relative offsets may be negative; the base keeps every member at offset >= 0.
    let x = alignUp(maxOf(group.map((m) => -rel[m]!), 0), alignment);
    // The lowest aligned base outside every interval: one sweep in order of `lo` (x only grows, so an
    // interval already passed never contains it again), instead of re-scanning until nothing moves.
    forbidden.sort((a, b) => a[0] - b[0]);
    for (const [lo, hi] of forbidden) {
      if (lo >= x) break;
      if (x < hi) x = alignUp(hi, alignment);
    }
    for (const m of group) {
      offsets[m] = x + rel[m]!;
      placed.push(m);
    }
  }
  for (let i = 0; i < offsets.length; i++) if (offsets[i]! < 0) offsets[i] = 0;
  return offsets;
}

export function arenaEnd(items: readonly PlaceItem[], offsets: readonly number[]): number {
  let end = 0;
  items.forEach((it, i) => {
    if (it.bytes > 0) end = Math.max(end, offsets[i]! + it.bytes);
  });
  return end;
}

/** Tries each strategy and keeps the smallest arena (ties: the earlier strategy). */
export function placeItems(
  items: readonly PlaceItem[],
  pairs: readonly PlacePair[],
  alignment: number,
  strategies: readonly PlacementStrategy[] = PLACEMENT_STRATEGIES,
): Placement {
  let best: Placement | null = null;
  for (const grouping of pairs.length > 0 ? PAIR_GROUPINGS : (['none'] as const)) {
    for (const strategy of strategies) {
      const offsets = placeInOrder(items, pairs, alignment, placementOrder(items, strategy), grouping);
      const arenaBytes = arenaEnd(items, offsets);
      if (!best || arenaBytes < best.arenaBytes) best = { offsets, arenaBytes, strategy, grouping };
    }
  }
  return best!;
}
