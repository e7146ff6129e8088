// Per-layer sparsities for an overall share from a sensitivity scan (sparsitiesForShare), and scans matched to a
// graph's layers by name (a scan of the int8 twin, whose nodes are one further on past its QUANTIZE).
import { describe, expect, it } from 'vitest';
import { prunableLayers, sparsitiesForShare, sparsitiesWithinDrop, type Scan } from '../../src/prune/index.js';
import { lenetLike } from './models.js';

const g = lenetLike();
const layers = prunableLayers(g, 'm');
const weights = layers.map((l) => g.tensors[l.weight]!.shape.reduce((a, b) => a * b, 1));
const SPARSITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** A scan of g (nodes shifted by `shift`): accuracy after pruning each layer alone, from per-layer drops in points. */
function scanOf(drops: Array<(s: number) => number>, shift = 0): Scan {
  return {
    denseAccuracy: 0.9,
    layers: layers.map((l, i) => ({ ...l, node: l.node + shift, curve: SPARSITIES.map((s) => ({ sparsity: s, accuracy: 0.9 - drops[i]!(s) / 100 })) })),
  };
}

// conv: fragile from 0.2 on; dense: free up to 0.9; logits: 1 point per 0.1
const SCAN = scanOf([(s) => (s < 0.15 ? 0 : 5 * s), () => 0, (s) => 10 * s]);

describe('sparsitiesForShare', () => {
  it('fills the free layer first and cuts the layer crossing the share back to it', () => {
    expect(layers.map((l) => l.name)).toEqual(['conv', 'dense', 'logits']);
    const total = weights.reduce((a, b) => a + b, 0);
    const m = sparsitiesForShare(g, SCAN, 0.5, 'm');
    // dense alone holds enough at drop 0: its points 0.1..0.9 admitted in order until 0.5 of all weights, then cut back
    expect(m.get(layers[0]!.node)).toBe(0.1); // conv's 0.1 costs 0 points too, admitted before dense's larger points
    const dense = (0.5 * total - 0.1 * weights[0]!) / weights[1]!;
    expect(m.get(layers[1]!.node)).toBeCloseTo(dense, 12);
    expect(m.get(layers[2]!.node)).toBe(0);
    const zeros = layers.reduce((a, l, i) => a + m.get(l.node)! * weights[i]!, 0);
    expect(zeros / total).toBeCloseTo(0.5, 12);
  });

  it('past the free layer: the next cheapest points, ties by sparsity (logits 0.1 before conv 0.2, both 1 point), the crossing one cut back', () => {
    const total = weights.reduce((a, b) => a + b, 0);
    const share = (0.1 * weights[0]! + 0.9 * weights[1]! + 0.1 * weights[2]! + 1) / total; // one weight past logits' 0.1
    const m = sparsitiesForShare(g, SCAN, share, 'm');
    expect(m.get(layers[1]!.node)).toBe(0.9);
    expect(m.get(layers[2]!.node)).toBe(0.1);
    expect(m.get(layers[0]!.node)).toBeCloseTo(0.1 + 1 / weights[0]!, 12);
  });

  it('matches a scan of the int8 twin by layer name (its nodes one further on); a scan of another model is refused', () => {
    expect(sparsitiesForShare(g, scanOf([(s) => (s < 0.15 ? 0 : 5 * s), () => 0, (s) => 10 * s], 1), 0.5, 'm')).toEqual(sparsitiesForShare(g, SCAN, 0.5, 'm'));
    expect(sparsitiesWithinDrop(g, scanOf([() => 0, () => 0, () => 0], 1), 0.5, 'm')).toEqual(new Map(layers.map((l) => [l.node, 0.9])));
    const other: Scan = { ...SCAN, layers: SCAN.layers.map((l) => (l.name === 'dense' ? { ...l, params: l.params + 1 } : l)) };
    expect(() => sparsitiesForShare(g, other, 0.5, 'm')).toThrow(/the scan does not describe m: it has no entry matching .*dense.* with \d+ parameters/);
  });

  it('a share beyond every layer at its largest scanned sparsity, or outside [0, 1), is a usage error', () => {
    expect(() => sparsitiesForShare(g, SCAN, 0.95, 'm')).toThrow(/an overall sparsity of 0.95 is more than the scan reaches \(every layer at its largest scanned sparsity, 0.9, zeroes 0.9000 of the weights\)/);
    expect(() => sparsitiesForShare(g, SCAN, 1, 'm')).toThrow(/overall sparsity/);
  });
});
