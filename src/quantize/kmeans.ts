// 1-D k-means over int8 values (weight sharing, Deep Compression): k-means++ seeding from a seeded
// xorshift stream, Lloyd iterations on the 256-bin histogram, centroids rounded to int8 at the end.
import { Xorshift32 } from '../builder/random.js';

/** Shared values (sorted, distinct int8) and, per input value, the index of its nearest one. */
export interface Clusters {
  centroids: number[];
  assignments: Uint8Array;
}

const MAX_ITERATIONS = 100;

/**
 * Clusters `values` into at most `k` int8 centroids. With `k` or fewer distinct values it is a no-op:
 * the centroids are those values and every value maps to itself.
 */
export function kmeansInt8(values: ArrayLike<number>, k: number, seed: number): Clusters {
  const counts = new Float64Array(256);
  for (let i = 0; i < values.length; i++) counts[values[i]! + 128]! += 1;
  const present: number[] = [];
  for (let v = 0; v < 256; v++) if (counts[v]! > 0) present.push(v - 128);
  const centroids = present.length <= k ? present : lloyd(present, counts, seedPlusPlus(present, counts, k, seed));
  return { centroids, assignments: assign(values, centroids) };
}

/** k-means++: the first centre drawn by count, each next one with probability ∝ count * distance². */
function seedPlusPlus(present: readonly number[], counts: Float64Array, k: number, seed: number): number[] {
  const rng = new Xorshift32(seed);
  const draw = (weight: (v: number) => number): number => {
    let total = 0;
    for (const v of present) total += weight(v);
    let r = rng.uniform() * total;
    for (const v of present) {
      r -= weight(v);
      if (r < 0) return v;
    }
    return present[present.length - 1]!;
  };
  const centres = [draw((v) => counts[v + 128]!)];
  const nearest = new Float64Array(256).fill(Infinity);
  while (centres.length < k) {
    const last = centres[centres.length - 1]!;
    for (const v of present) nearest[v + 128] = Math.min(nearest[v + 128]!, (v - last) ** 2);
    centres.push(draw((v) => counts[v + 128]! * nearest[v + 128]!));
  }
  return centres.sort((a, b) => a - b);
}

/** Lloyd iterations in real values; then centroids rounded to distinct int8 values. */
function lloyd(present: readonly number[], counts: Float64Array, start: number[]): number[] {
  let centres = [...new Set(start)].sort((a, b) => a - b);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const sum = new Float64Array(centres.length);
    const weight = new Float64Array(centres.length);
    for (const v of present) {
      const c = nearestIndex(centres, v);
      sum[c]! += v * counts[v + 128]!;
      weight[c]! += counts[v + 128]!;
    }
    const next = centres.map((c, i) => (weight[i]! > 0 ? sum[i]! / weight[i]! : c));
    if (next.every((c, i) => c === centres[i])) break;
    centres = next;
  }
  const rounded = [...new Set(centres.map((c) => Math.max(-128, Math.min(127, Math.round(c)))))].sort((a, b) => a - b);
  // Only centroids some value maps to are kept (rounding can make one unused).
  const used = new Set(present.map((v) => nearestIndex(rounded, v)));
  return rounded.filter((_, i) => used.has(i));
}

/** Index of the centroid nearest `v` (the lower one on a tie); centroids sorted ascending. */
function nearestIndex(centroids: readonly number[], v: number): number {
  let best = 0;
  for (let i = 1; i < centroids.length; i++) if (Math.abs(centroids[i]! - v) < Math.abs(centroids[best]! - v)) best = i;
  return best;
}

function assign(values: ArrayLike<number>, centroids: readonly number[]): Uint8Array {
  const lookup = new Uint8Array(256);
  for (let v = -128; v < 128; v++) lookup[v + 128] = nearestIndex(centroids, v);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = lookup[values[i]! + 128]!;
  return out;
}
