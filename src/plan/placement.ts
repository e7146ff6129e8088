// Offset assignment: greedy lowest-fit over several placement orders, keeping the smallest arena.
// Every constraint between two buffers is a set of forbidden offsets, so overlap rules and plain
// disjointness are handled by one sweep.

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

export interface Placement {
  offsets: number[];
  /** End of the highest item (unaligned). */
  arenaBytes: number;
  strategy: PlacementStrategy;
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
      const steps = Math.max(0, ...items.map((it) => it.last)) + 1;
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

/** Greedy lowest-fit of items in one order. Items of zero bytes get offset 0 and constrain nothing. */
export function placeInOrder(
  items: readonly PlaceItem[],
  pairs: readonly PlacePair[],
  alignment: number,
  order: readonly number[],
): number[] {
  const pairOf = new Map<string, PlacePair>();
  for (const p of pairs) pairOf.set(`${p.input},${p.output}`, p);
  const offsets = new Array<number>(items.length).fill(-1);
  const placed: number[] = [];
  for (const id of order) {
    const item = items[id]!;
    if (item.bytes === 0) {
      offsets[id] = 0;
      continue;
    }
    // Forbidden open intervals (lo, hi) for this item's offset.
    const forbidden: Array<[number, number]> = [];
    for (const other of placed) {
      const o = items[other]!;
      if (!liveTogether(item, o)) continue;
      const p = offsets[other]!;
      const overlapStart = p - item.bytes;
      const overlapEnd = p + o.bytes;
      const asOutput = pairOf.get(`${other},${id}`); // this item is the output: offset = p + delta
      const asInput = pairOf.get(`${id},${other}`); // this item is the input: offset = p - delta
      const allowed = asOutput
        ? [p + asOutput.minDelta, p + asOutput.maxDelta]
        : asInput
          ? [p - asInput.maxDelta, p - asInput.minDelta]
          : null;
      if (!allowed || allowed[0]! >= overlapEnd || allowed[1]! <= overlapStart) {
        forbidden.push([overlapStart, overlapEnd]);
      } else {
        if (allowed[0]! > overlapStart) forbidden.push([overlapStart, allowed[0]!]);
        if (allowed[1]! < overlapEnd) forbidden.push([allowed[1]!, overlapEnd]);
      }
    }
    let x = 0;
    for (let moved = true; moved; ) {
      moved = false;
      for (const [lo, hi] of forbidden) {
        if (x > lo && x < hi) {
          x = alignUp(hi, alignment);
          moved = true;
        }
      }
    }
    offsets[id] = x;
    placed.push(id);
  }
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
  for (const strategy of strategies) {
    const offsets = placeInOrder(items, pairs, alignment, placementOrder(items, strategy));
    const arenaBytes = arenaEnd(items, offsets);
    if (!best || arenaBytes < best.arenaBytes) best = { offsets, arenaBytes, strategy };
  }
  return best!;
}
