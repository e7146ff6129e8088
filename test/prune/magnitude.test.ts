import { describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import type { Graph } from '../../src/ir/graph.js';
import { prunableLayers, pruneMagnitude, realWeights, sparsitiesWithinDrop, uniformSparsity, type Scan } from '../../src/prune/index.js';
import { quantizeModel } from '../../src/quantize/index.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { refusal } from '../helpers/refusal.js';
import { lenetLike } from './models.js';

/** Zeroed count and whether every zeroed weight was no larger in magnitude than every kept one. */
function check(before: Float64Array, after: Float64Array): { zeroed: number; smallest: boolean } {
  let maxZeroed = 0;
  let minKept = Infinity;
  let zeroed = 0;
  for (let i = 0; i < before.length; i++) {
    if (after[i] === 0 && before[i] !== 0) {
      zeroed++;
      maxZeroed = Math.max(maxZeroed, Math.abs(before[i]!));
    } else {
      expect(after[i]).toBe(before[i]); // kept weights are untouched
      minKept = Math.min(minKept, Math.abs(before[i]!));
    }
  }
  return { zeroed, smallest: maxZeroed <= minKept };
}

function expectExactPruning(g: Graph, s: number): void {
  const { graph } = pruneMagnitude(g, uniformSparsity(g, s, 'model'), 'model');
  for (const layer of prunableLayers(g, 'model')) {
    const before = realWeights(g.tensors[layer.weight]!);
    expect(before.every((v) => v !== 0)).toBe(true); // random weights: any zero after pruning was made by it
    const { zeroed, smallest } = check(before, realWeights(graph.tensors[layer.weight]!));
    expect(zeroed).toBe(Math.round(s * before.length));
    expect(smallest).toBe(true);
  }
}

describe('fine-grained magnitude pruning', () => {
  it('zeroes exactly round(s*n) smallest-magnitude float weights per layer', () => {
    const g = lenetLike();
    expect(prunableLayers(g, 'm').map((l) => [l.kind, l.params])).toEqual([['CONV_2D', 4 * 9 + 4], ['FULLY_CONNECTED', 6 * 4 * 4 * 4 + 6], ['FULLY_CONNECTED', 3 * 6 + 3]]);
    for (const s of [0, 0.1, 0.33, 0.5, 0.7, 0.9]) expectExactPruning(g, s);
  });

  it('ranks int8 weights by their real magnitude (per-channel scales) and keeps the model int8', () => {
    const g = lenetLike();
    const input = g.tensors[g.inputs[0]!]!;
    const int8 = quantizeModel(g, Array.from({ length: 8 }, (_, k) => [syntheticInputBytes(input, mixSeed(1, k, 0))]));
    const conv = prunableLayers(int8, 'int8')[0]!;
    expect(int8.tensors[conv.weight]!.quant!.scales.length).toBe(4); // per channel
    // int8 weights can be zero already: check the count of new zeros among the non-zero ones
    const before = realWeights(int8.tensors[conv.weight]!);
    const { graph } = pruneMagnitude(int8, new Map([[conv.node, 0.5]]), 'int8');
    const after = realWeights(graph.tensors[conv.weight]!);
    const zerosBefore = before.filter((v) => v === 0).length;
    expect(after.filter((v) => v === 0).length).toBe(Math.max(zerosBefore, Math.round(0.5 * before.length)));
    const kept = after.filter((v) => v !== 0).map(Math.abs);
    const prunedMax = Math.max(...before.filter((v, i) => v !== 0 && after[i] === 0).map(Math.abs));
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(prunedMax);
    expect(graph.tensors[conv.weight]!.dtype).toBe('int8');
  });

  it('refuses a sparsity outside [0, 1) with E_USAGE and a model without prunable layers', () => {
    const g = lenetLike();
    for (const s of [1, -0.1, 1.5, NaN]) expect(refusal(() => uniformSparsity(g, s, 'm')).code).toBe('E_USAGE');
    expect(refusal(() => pruneMagnitude(g, new Map([[0, 1]]), 'm')).message).toMatch(/CONV_2D at node 0 \("conv"\): sparsity must be in \[0, 1\), got 1/);
    expect(refusal(() => pruneMagnitude(g, new Map([[1, 0.5]]), 'm')).message).toMatch(/node 1 is not a prunable layer \(prunable: 0, 3, 4\)/);
    const b = new FloatGraphBuilder(1);
    const pool = b.finish('pool-only', b.maxPool('pool', b.image(4, 4, 1), 2)).graph;
    const e = refusal(() => prunableLayers(pool, 'pool-only.tflite'));
    expect([e.code, e.message]).toEqual(['E_UNSUPPORTED', expect.stringMatching(/pool-only.tflite has no prunable layer .*its ops are MAX_POOL_2D/)]);
  });

  it('picks per-layer sparsities from a scan within an accuracy-drop budget', () => {
    const g = lenetLike();
    const layers = prunableLayers(g, 'm');
    const curve = (accs: number[]) => accs.map((accuracy, i) => ({ sparsity: (i + 1) / 10, accuracy }));
    const scan: Scan = {
      denseAccuracy: 0.9,
      layers: [
        { ...layers[0]!, curve: curve([0.9, 0.899, 0.897, 0.8, 0.896, 0.7, 0.6, 0.5, 0.4]) }, // a dip at 0.4 ends the run
        { ...layers[1]!, curve: curve([0.91, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) },
        { ...layers[2]!, curve: curve([0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) },
      ],
    };
    expect([...sparsitiesWithinDrop(g, scan, 0.5, 'm')]).toEqual([[0, 0.3], [3, 0.9], [4, 0]]);
    const other = { ...scan, layers: scan.layers.map((l) => ({ ...l, params: l.params + 1 })) };
    expect(refusal(() => sparsitiesWithinDrop(g, other, 0.5, 'm')).code).toBe('E_INPUT_DATA');
  });
});
