import { describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes } from '../../src/builder/random.js';
import type { Graph } from '../../src/ir/graph.js';
import { graphWeightBytes } from '../../src/ir/macs.js';
import { byLayerName, prunableLayers, pruneChannels, type ChannelLayer } from '../../src/prune/index.js';
import { quantizeModel } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { refusal } from '../helpers/refusal.js';
import { concatenated, lenetLike, outputBytes, randomInput, residual, zeroChannels } from './models.js';

const op = (g: Graph, name: string) => g.ops.find((o) => g.tensors[o.outputs[0]!]!.name === name)!;
const shapeOf = (g: Graph, name: string) => g.tensors[op(g, name).outputs[0]!]!.shape;

/** The original with the removed channels zeroed in every layer that makes or carries them (weights and bias). */
function masked(g: Graph, layers: readonly ChannelLayer[]): Graph {
  return zeroChannels(g, layers.flatMap(({ node, kind, removed }) => [
    { tensor: g.ops[node]!.inputs[1]!, axis: kind === 'DEPTHWISE_CONV_2D' ? 3 : 0, channels: removed },
    { tensor: g.ops[node]!.inputs[2]!, axis: 0, channels: removed },
  ]));
}

describe('channel pruning', () => {
  it('removes the zero channels of an ADD group jointly and keeps the output bit-identical', () => {
    const g0 = residual();
    const zero = [1, 5];
    // channels 1 and 5 of the ADD group zero in both its convs and the depthwise carrying them; channel 0 of c
    const g = zeroChannels(g0, [
      { tensor: op(g0, 'a').inputs[1]!, axis: 0, channels: zero },
      { tensor: op(g0, 'b').inputs[1]!, axis: 0, channels: zero },
      { tensor: op(g0, 'dw').inputs[1]!, axis: 3, channels: zero },
      { tensor: op(g0, 'c').inputs[1]!, axis: 0, channels: [0] },
    ]);
    const { graph, layers, notices } = pruneChannels(g, 0.25, 'residual');
    expect(layers.map((l) => [l.name, l.channels, l.kept, l.removed])).toEqual([['a', 8, 6, zero], ['b', 8, 6, zero], ['dw', 8, 6, zero], ['c', 4, 3, [0]]]);
    expect(notices).toEqual(['FULLY_CONNECTED at node 6 ("logits") left out: its output channels reach the model output']);
    expect([shapeOf(graph, 'sum'), shapeOf(graph, 'dw'), shapeOf(graph, 'c'), shapeOf(graph, 'pool')]).toEqual([[1, 6, 6, 6], [1, 6, 6, 6], [1, 6, 6, 3], [1, 3]]);
    expect(graph.tensors[op(graph, 'c').inputs[1]!]!.shape).toEqual([3, 1, 1, 6]); // the next layer's inputs shrink
    expect(graph.tensors[op(graph, 'logits').inputs[1]!]!.shape).toEqual([3, 3]);
    for (let k = 0; k < 4; k++) {
      const input = randomInput(g, k);
      expect(outputBytes(graph, input)).toEqual(outputBytes(g, input));
    }
  });

  for (const criterion of ['l2', 'next'] as const) {
    it(`equals the masked original in float (${criterion}): residual group, depthwise, flatten into dense, concatenation`, () => {
      for (const [g, ratio] of [[residual(), 0.5], [lenetLike(), 0.5], [lenetLike(7), 0.3], [concatenated(), 0.5]] as const) {
        const { graph, layers } = pruneChannels(g, ratio, 'm', { criterion });
        expect(layers.length).toBeGreaterThan(0);
        const reference = masked(g, layers);
        for (let k = 0; k < 3; k++) {
          const input = randomInput(g, 10 + k);
          expect(outputBytes(graph, input), `${g.name} at ${ratio}, input ${k}`).toEqual(outputBytes(reference, input));
        }
        expect(graphWeightBytes(graph)).toBeLessThan(graphWeightBytes(g));
      }
    });
  }

  it('prunes the inputs of a channel CONCATENATION each on its own and lays the kept channels side by side', () => {
    const g0 = concatenated();
    const g = zeroChannels(g0, [{ tensor: op(g0, 'a').inputs[1]!, axis: 0, channels: [2] }, { tensor: op(g0, 'b').inputs[1]!, axis: 0, channels: [0] }]);
    const { graph, layers } = pruneChannels(g, 0.3, 'concatenated');
    expect(layers.map((l) => [l.name, l.kept, l.removed])).toEqual([['a', 3, [2]], ['b', 2, [0]], ['c', 3, expect.any(Array)]]);
    expect(shapeOf(graph, 'concat')).toEqual([1, 5, 5, 5]);
    // c reads concat channels 0, 1, 3 (a) and 5, 6 (b): its filter keeps those input columns
    const before = g.tensors[op(g, 'c').inputs[1]!]!;
    const after = graph.tensors[op(graph, 'c').inputs[1]!]!;
    const keptRows = layers[2]!.removed.length === 2 ? [0, 1, 2, 3, 4].filter((r) => !layers[2]!.removed.includes(r)) : [];
    const col = (t: typeof before, row: number, i: number) => new Float32Array(t.data!.slice().buffer)[row * t.shape[3]! + i];
    expect(keptRows.flatMap((_r, k) => [0, 1, 2, 3, 4].map((i) => col(after, k, i)))).toEqual(keptRows.flatMap((r) => [0, 1, 3, 5, 6].map((i) => col(before, r, i))));
  });

  it('ranks by the filters\' L2 norm or by the next layer\'s input-weight norm', () => {
    const g0 = lenetLike();
    // conv channel 2 gets the smallest filter, channel 0 the smallest weights in dense's columns that read it
    let g = zeroChannels(g0, [{ tensor: op(g0, 'conv').inputs[1]!, axis: 0, channels: [2] }]);
    const dense = g.tensors[op(g, 'dense').inputs[1]!]!;
    const v = new Float32Array(dense.data!.slice().buffer);
    for (let k = 0; k < v.length; k++) if (k % 64 % 4 === 0) v[k]! *= 1e-3;
    g = { ...g, tensors: g.tensors.map((t) => (t.id === dense.id ? { ...t, data: new Uint8Array(v.buffer) } : t)) };
    const removedBy = (criterion: 'l2' | 'next') => pruneChannels(g, 0.25, 'm', { criterion }).layers.find((l) => l.name === 'conv')!.removed;
    expect([removedBy('l2'), removedBy('next')]).toEqual([[2], [0]]);
  });

  it('prunes an int8 model (per-channel scales follow) and it still runs', () => {
    const g = residual();
    const input = g.tensors[g.inputs[0]!]!;
    const int8 = quantizeModel(g, Array.from({ length: 8 }, (_, k) => [syntheticInputBytes(input, mixSeed(2, k, 0))]));
    const { graph, layers } = pruneChannels(int8, 0.5, 'int8');
    expect(layers.map((l) => l.kept)).toEqual([4, 4, 4, 2]);
    const a = graph.tensors[op(graph, 'a').inputs[1]!]!;
    expect([a.dtype, a.shape[0], a.quant!.scales.length]).toEqual(['int8', 4, 4]);
    expect(runReference(graph, [syntheticInputBytes(input, 9)]).outputs[0]!.byteLength).toBe(4 * 3);
  });

  it('takes a share per layer: named layers pruned at theirs, the others kept whole, ADD groups at one share', () => {
    const g = residual();
    const nodeOf = (name: string) => g.ops.indexOf(op(g, name));
    const per = pruneChannels(g, byLayerName(g, new Map([['a', 0.25], ['b', 0.25], ['c', 0.5]]), 'residual', '--channels'), 'residual');
    expect(per.layers.map((l) => [l.name, l.channels, l.kept])).toEqual([['a', 8, 6], ['b', 8, 6], ['dw', 8, 6], ['c', 4, 2]]);
    expect(per.notices).toEqual([]); // logits not named: not pruned, no notice
    // the same layers at the same shares as a uniform 0.25 (a, b) and 0.5 (c) choose the same channels
    const uniform = pruneChannels(g, 0.25, 'residual').layers.filter((l) => l.name !== 'c');
    expect(per.layers.filter((l) => l.name !== 'c').map((l) => l.removed)).toEqual(uniform.map((l) => l.removed));
    expect(pruneChannels(g, new Map([[nodeOf('c'), 0.5]]), 'residual').layers.map((l) => [l.name, l.kept])).toEqual([['c', 2]]);
    // one member of an ADD group named: the group follows it
    expect(pruneChannels(g, new Map([[nodeOf('a'), 0.5]]), 'residual').layers.map((l) => [l.name, l.kept])).toEqual([['a', 4], ['b', 4], ['dw', 4]]);

    const disagree = refusal(() => pruneChannels(g, new Map([[nodeOf('a'), 0.25], [nodeOf('b'), 0.5]]), 'residual'));
    expect([disagree.code, disagree.message]).toEqual(['E_USAGE', expect.stringContaining('CONV_2D at node 0 ("a") and CONV_2D at node 1 ("b") share their output channels')]);
    const depthwise = refusal(() => pruneChannels(g, new Map([[nodeOf('dw'), 0.5]]), 'residual'));
    expect([depthwise.code, depthwise.message]).toEqual(['E_USAGE', 'residual: DEPTHWISE_CONV_2D at node 3 ("dw") has no output channels pruning can choose (layers with their own: "a", "b", "c", "logits"; a depthwise layer follows the layer feeding it)']);
    const logits = refusal(() => pruneChannels(g, new Map([[nodeOf('logits'), 0.5]]), 'residual'));
    expect([logits.code, logits.message]).toEqual(['E_UNSUPPORTED', 'residual: --channels cannot prune FULLY_CONNECTED at node 6 ("logits"): its output channels reach the model output']);
    expect(refusal(() => pruneChannels(g, new Map([[nodeOf('c'), 1]]), 'residual')).message).toBe('--channels CONV_2D at node 4 ("c"): the share of channels to remove must be in [0, 1), got 1');
    const unknown = refusal(() => byLayerName(g, new Map([['conv9', 0.2]]), 'residual', '--channels'));
    expect([unknown.code, unknown.message]).toEqual(['E_USAGE', '--channels: residual has no prunable layer named "conv9" (its layers: a, b, dw, c, logits)']);
  });

  it('leaves out a layer whose channels meet a fixed-size RESHAPE, and refuses when nothing is left', () => {
    const b = new FloatGraphBuilder(2);
    const x = b.conv('conv', b.image(4, 4, 2), 3, 3, 1, 'RELU');
    const g = b.finish('reshaped', b.dense('logits', b.flatten('flat', x), 2, 'NONE')).graph;
    // flatten keeps channels last: prunable
    expect(pruneChannels(g, 0.34, 'reshaped').layers.map((l) => [l.name, l.kept])).toEqual([['conv', 2]]);
    // a RESHAPE to [1, 6, 8] (8 is no multiple of the 3 channels) is a shape contract pruning cannot keep
    const tensors = g.tensors.slice();
    const [flat, logits] = [op(g, 'flat'), op(g, 'logits')];
    const set = (id: number, shape: number[], data: Uint8Array | null) => (tensors[id] = { ...tensors[id]!, shape, data });
    set(flat.outputs[0]!, [1, 6, 8], null);
    set(flat.inputs[1]!, [3], new Uint8Array(Int32Array.from([1, 6, 8]).buffer));
    set(logits.inputs[1]!, [2, 8], new Uint8Array(Float32Array.from({ length: 16 }, (_, k) => k / 16 - 0.5).buffer));
    set(logits.outputs[0]!, [6, 2], null);
    const e = refusal(() => pruneChannels({ ...g, tensors }, 0.34, 'reshaped'));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe(
      'reshaped: no layer\'s output channels can be pruned: CONV_2D at node 0 ("conv") left out: its output channels reach RESHAPE at node 1, which reshapes to [1, 6, 8] ' +
        'and so does not keep channels last (a fixed-size shape contract); FULLY_CONNECTED at node 2 ("logits") left out: its output channels reach the model output',
    );
    expect(refusal(() => pruneChannels(g, 1, 'm')).code).toBe('E_USAGE');
    expect(prunableLayers(g, 'm').length).toBe(2);
  });
});
