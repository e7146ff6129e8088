// conv.c's channel records of a pointwise conv over 8 or 16 channels (src/schedule/abi/ops/pointwise-table.ts): what each
// word holds, checked against the definition (the doubled accumulator 2 (bias + sum w (x + offset))), and the layers
// that get none.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { pointwiseRecords, pwRecordWords, type PwLayer } from '../../src/schedule/abi/ops/pointwise-table.js';
import { rng } from '../plan/overlap-harness.js';

function graphWith(filter: Int8Array, bias: Int32Array, depth = 8): Graph {
  const t = (dtype: string, shape: number[], data: Uint8Array) => ({ dtype, shape, data }) as unknown as Graph['tensors'][number];
  return { tensors: [t('int8', [bias.length, 1, 1, depth], new Uint8Array(filter.buffer)), t('int32', [bias.length], new Uint8Array(bias.buffer))] } as unknown as Graph;
}

const LAYER: PwLayer = {
  inDepth: 8, filterH: 1, filterW: 1, stride: [1, 1], padTop: 0, padLeft: 0, inputOffset: 77, outputOffset: -128, clamp: [-128, 127],
  multiplier: [1518500250], shift: [-9],
};

/** The int16 halves of a word: (low, high). */
const halves = (v: number): [number, number] => [(v << 16) >> 16, v >> 16];

describe('pointwiseRecords', () => {
  const r = rng(8);
  const od = 5;
  const filter = Int8Array.from({ length: 8 * od }, () => r.int(-127, 127));
  const bias = Int32Array.from({ length: od }, () => r.int(-30000, 30000));
  const g = graphWith(filter, bias);

  for (const depth of [8, 16]) {
    it(`holds per channel at depth ${depth} 2 (bias + offset sum w), the doubled weights in the order SXTB16 gives the inputs, m, hc, sh (+256 on the last)`, () => {
      const f = depth === 8 ? filter : Int8Array.from({ length: depth * od }, () => r.int(-127, 127));
      const words = pwRecordWords(depth);
      expect(words).toBe(4 + depth / 2);
      const rec = pointwiseRecords(graphWith(f, bias, depth), { ...LAYER, inDepth: depth }, { constant: 0 }, { constant: 1 }, od)!;
      expect(rec).not.toBeNull();
      expect(rec.length).toBe(words * od);
      for (let c = 0; c < od; c++) {
        const w = rec.subarray(words * c, words * (c + 1));
        const x = Array.from({ length: depth }, () => r.int(-128, 127));
        // SXTB16 of each input word k: (x[4k], x[4k+2]) then (x[4k+1], x[4k+3]), each paired with its record word by SMLAD
        const pairs = Array.from({ length: depth / 2 }, (_, j) => {
          const k = j >> 1, odd = j & 1;
          return [x[4 * k + odd]!, x[4 * k + odd + 2]!];
        });
        let acc = w[0]!;
        for (let j = 0; j < depth / 2; j++) {
          const [lo, hi] = halves(w[1 + j]!);
          acc += lo * pairs[j]![0]! + hi * pairs[j]![1]!;
        }
        let want = bias[c]!;
        for (let k = 0; k < depth; k++) want += f[depth * c + k]! * (x[k]! + LAYER.inputOffset);
        expect(acc).toBe(2 * want);
        expect([w[words - 3], w[words - 2], w[words - 1]]).toEqual([1518500250, 2 ** 8 - 128 * 2 ** 9, c === od - 1 ? 9 + 256 : 9]);
      }
    });
  }

  it('gives none where the kernel does not apply: another depth, a clamp, a shift outside 1..21, a bias near 2^30', () => {
    expect(pointwiseRecords(g, { ...LAYER, inDepth: 24 }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwiseRecords(g, { ...LAYER, inDepth: 16 }, { constant: 0 }, { constant: 1 }, od)).toBeNull(); // 8 bytes a row, not 16
    expect(pointwiseRecords(g, LAYER, { constant: 0 }, { constant: 1 }, 0)).toBeNull();
    expect(pointwiseRecords(g, { ...LAYER, clamp: [-128, 100] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwiseRecords(g, { ...LAYER, shift: [-22] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwiseRecords(g, { ...LAYER, shift: [0] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwiseRecords(g, { ...LAYER, stride: [2, 2] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    const big = Int32Array.from(bias);
    big[3] = 2 ** 30 - 8 * 128 * (128 + 77);
    expect(pointwiseRecords(graphWith(filter, big), LAYER, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    big[3] -= 1;
    expect(pointwiseRecords(graphWith(filter, big), LAYER, { constant: 0 }, { constant: 1 }, od)).not.toBeNull();
  });
});
