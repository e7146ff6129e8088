import { beforeAll, describe, expect, it } from 'vitest';
import type { AnyOp, Graph } from '../../src/ir/graph.js';
import { prunableLayers, pruneChannels, pruneMagnitude, uniformSparsity } from '../../src/prune/index.js';
import { renormalize } from '../../src/prune/renormalize.js';
import { quantizeModel } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { refusal } from '../helpers/refusal.js';
import { floatsOf, randomInput, residual } from './models.js';

const samples = (g: Graph, n: number) => Array.from({ length: n }, (_, k) => [randomInput(g, 100 + k)]);

/** Per channel mean and std (two passes) of op `node`'s output without its fused activation, read from a whole-graph run. */
function observed(g: Graph, node: number, inputs: Uint8Array[][]): { mean: number[]; std: number[] } {
  const ops = g.ops.slice();
  ops[node] = { ...ops[node]!, attrs: { ...ops[node]!.attrs, clamp: [-Infinity, Infinity] } } as AnyOp;
  const values: number[][] = [];
  for (const x of inputs) {
    runReference({ ...g, ops }, x, {
      onOpDone: (i, _op, outs) => {
        if (i !== node) return;
        const y = outs[0]!.data as Float32Array;
        const channels = outs[0]!.shape[outs[0]!.shape.length - 1]!;
        y.forEach((v, j) => (values[j % channels] ??= []).push(v));
      },
    });
  }
  const mean = values.map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const std = values.map((v, c) => Math.sqrt(v.reduce((a, b) => a + (b - mean[c]!) ** 2, 0) / v.length));
  return { mean, std };
}

const close = (got: number[], want: number[]) => got.forEach((g, c) => expect(Math.abs(g - want[c]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[c]!))));

describe('re-normalisation after pruning', () => {
  beforeAll(() => useTrainBackend());
  const dense = residual();
  const inputs = samples(dense, 24);
  const layers = prunableLayers(dense, 'residual');

  it('gives every corrected layer the dense pre-activation means and stds, and keeps the fine-grained mask', () => {
    const pruned = pruneMagnitude(dense, uniformSparsity(dense, 0.6, 'residual'), 'residual').graph;
    // pruning shifted them (so the check below can fail)
    const before = observed(pruned, layers[1]!.node, inputs);
    const target = observed(dense, layers[1]!.node, inputs);
    expect(Math.max(...before.std.map((s, c) => Math.abs(s - target.std[c]!) / target.std[c]!))).toBeGreaterThan(0.05);

    const { graph, layers: done } = renormalize(dense, pruned, inputs, 'residual');
    expect(done.map((l) => l.node)).toEqual(layers.map((l) => l.node));
    expect(done.flatMap((l) => Array.from(l.scale)).filter((x) => x === 1).length).toBe(1); // the one constant channel (logits 0)
    for (const l of layers) {
      const want = observed(dense, l.node, inputs);
      const got = observed(graph, l.node, inputs);
      close(got.mean, want.mean);
      // a channel the pruning left constant (all its live inputs pruned) keeps std 0: its mean is matched (the guard)
      const flat = observed(pruned, l.node, inputs).std.map((x) => x < 1e-7);
      close(got.std, want.std.map((x, c) => (flat[c] ? 0 : x)));
      const zerosBefore = floatsOf(pruned.tensors[l.weight]!).map((v) => (v === 0 ? 1 : 0));
      const zerosAfter = floatsOf(graph.tensors[l.weight]!).map((v) => (v === 0 ? 1 : 0));
      expect(zerosAfter).toEqual(zerosBefore);
    }
  });

  it('matches the kept channels of a channel-pruned layer to their dense channels', () => {
    const result = pruneChannels(dense, 0.25, 'residual');
    const removed = new Map(result.layers.map((l) => [l.node, l.removed]));
    const { graph } = renormalize(dense, result.graph, inputs, 'residual', { removed });
    for (const l of layers) {
      const gone = new Set(removed.get(l.node) ?? []);
      const want = observed(dense, l.node, inputs);
      const got = observed(graph, l.node, inputs);
      const keep = want.mean.flatMap((_, c) => (gone.has(c) ? [] : [c]));
      close(got.mean, keep.map((c) => want.mean[c]!));
      close(got.std, keep.map((c) => want.std[c]!));
    }
  });

  it('leaves an unpruned model as it is, and the layers before the first pruned one', () => {
    expect(renormalize(dense, dense, inputs, 'residual')).toEqual({ graph: dense, layers: [] });
    const last = layers[layers.length - 1]!;
    const pruned = pruneMagnitude(dense, new Map([[last.node, 0.5]]), 'residual').graph;
    const { graph, layers: done } = renormalize(dense, pruned, inputs, 'residual');
    expect(done.map((l) => l.node)).toEqual([last.node]);
    for (const l of layers.slice(0, -1)) expect(graph.tensors[l.weight]).toBe(pruned.tensors[l.weight]);
    // layers without a bias: none is added to an unpruned model; a pruned one gets the shift as a new bias
    const noBias = { ...dense, ops: dense.ops.map((o) => (layers.some((l) => dense.ops[l.node] === o) ? ({ ...o, inputs: [o.inputs[0]!, o.inputs[1]!, -1] } as AnyOp) : o)) };
    expect(renormalize(noBias, noBias, inputs, 'residual').layers).toEqual([]);
    const prunedNoBias = pruneMagnitude(noBias, new Map([[last.node, 0.5]]), 'residual').graph;
    const fixed = renormalize(noBias, prunedNoBias, inputs, 'residual').graph;
    const want = observed(noBias, last.node, inputs);
    close(observed(fixed, last.node, inputs).mean, want.mean);
    expect(fixed.tensors[fixed.ops[last.node]!.inputs[2]!]!.shape).toEqual([want.mean.length]);
  });

  it('refuses int8 weights, ops that differ and no calibration inputs', () => {
    const int8 = quantizeModel(dense, inputs.slice(0, 4), 'residual');
    expect(refusal(() => renormalize(int8, int8, inputs, 'residual'))).toMatchObject({ code: 'E_UNSUPPORTED' });
    expect(refusal(() => renormalize(dense, { ...dense, ops: dense.ops.slice(1) }, inputs, 'residual'))).toMatchObject({ code: 'E_USAGE' });
    expect(refusal(() => renormalize(dense, dense, [], 'residual'))).toMatchObject({ code: 'E_USAGE' });
  });
});
