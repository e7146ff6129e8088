// K-means of float weights (clusterFloatWeights): the clusters of the weights' per-channel int8 grid in real
// values; quantizing the snapped float graph keeps at most 2^bits values per channel (or per tensor), so the
// int8 clustering quantizeShared stores changes no weight.
import { describe, expect, it } from 'vitest';
import { syntheticInputBytes, mixSeed } from '../../src/builder/random.js';
import { lutChannelOf } from '../../src/ir/lut.js';
import { clusterFloatWeights, clusterWeights, quantizeShared, snappedFloatGraph } from '../../src/quantize/cluster.js';
import { quantizeModel, symmetricPerChannel } from '../../src/quantize/index.js';
import { kmeansInt8 } from '../../src/quantize/kmeans.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';

/** image 8x8x1 -> conv 3x3 6 RELU -> depthwise 3x3 -> flatten -> dense 4. */
function net() {
  const b = new FloatGraphBuilder(7);
  const x = b.depthwise('dw', b.conv('conv', b.image(8, 8, 1), 6, 3, 1, 'RELU'), 3, 1, 'RELU');
  return b.finish('net', b.dense('logits', b.flatten('flat', x), 4, 'NONE')).graph;
}

describe('clusterFloatWeights', () => {
  const g = net();
  const samples = Array.from({ length: 8 }, (_, k) => [syntheticInputBytes(g.tensors[g.inputs[0]!]!, mixSeed(3, k), [0, 1])]);

  it("gives each channel the k-means of its int8 grid values (as clustering the PTQ weights), scaled back to real values", () => {
    const [conv] = clusterFloatWeights(g, { bits: 2, seed: 4 });
    const w = g.tensors[conv!.tensor]!;
    const { q, scales } = symmetricPerChannel(new Float32Array(w.data!.slice().buffer), w.shape, 0);
    const per = q.length / 6;
    for (let ch = 0; ch < 6; ch++) {
      const c = kmeansInt8(Array.from(q.subarray(ch * per, ch * per + per)), 4, mixSeed(4, w.id, ch));
      const table = Array.from(conv!.centroids.subarray(ch * 4, ch * 4 + 4));
      // padded to 4 entries with the last centroid
      expect(table).toEqual([0, 1, 2, 3].map((j) => Math.fround(c.centroids[Math.min(j, c.centroids.length - 1)]! * scales[ch]!)));
      expect(Array.from(conv!.indices.subarray(ch * per, ch * per + per))).toEqual(Array.from(c.assignments));
    }
  });

  for (const perTensor of [false, true]) {
    it(`quantizing the snapped graph keeps <= 2^bits values per ${perTensor ? 'tensor' : 'channel'}: the stored clustering changes no weight`, () => {
      for (const bits of [1, 2, 3]) {
        const clusters = clusterFloatWeights(g, { bits, perTensor, seed: 2 });
        expect(clusters.map((c) => g.ops[c.node]!.kind)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);
        const int8 = quantizeModel(snappedFloatGraph(g, clusters), samples, 'net', { perTensor });
        for (const c of clusterWeights(int8, { bits, perTensor, seed: 2 })) {
          const t = int8.tensors[c.tensor]!;
          const v = new Int8Array(t.data!.buffer, t.data!.byteOffset, t.data!.byteLength);
          const sets = Array.from({ length: c.channels }, () => new Set<number>());
          v.forEach((x, i) => sets[perTensor ? 0 : lutChannelOf(i, v.length, c)]!.add(x));
          expect(Math.max(...sets.map((s) => s.size)), `${t.name} at ${bits} bits`).toBeLessThanOrEqual(1 << bits);
        }
        const { report } = quantizeShared(snappedFloatGraph(g, clusters), samples, { bits, perTensor, seed: 2 });
        expect(report.map((r) => r.changedWeights)).toEqual([0, 0, 0]);
      }
    });
  }
});
