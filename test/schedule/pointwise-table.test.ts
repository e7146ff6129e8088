// conv.c's channel records of a pointwise conv over 8 channels (src/schedule/abi/ops/pointwise-table.ts): what each
// word holds, checked against the definition (the doubled accumulator 2 (bias + sum w (x + offset))), and the layers
// that get none.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { pointwise8Records, PW8_WORDS, type Pw8Layer } from '../../src/schedule/abi/ops/pointwise-table.js';
import { rng } from '../plan/overlap-harness.js';

function graphWith(filter: Int8Array, bias: Int32Array): Graph {
  const t = (dtype: string, shape: number[], data: Uint8Array) => ({ dtype, shape, data }) as unknown as Graph['tensors'][number];
  return { tensors: [t('int8', [bias.length, 1, 1, 8], new Uint8Array(filter.buffer)), t('int32', [bias.length], new Uint8Array(bias.buffer))] } as unknown as Graph;
}

const LAYER: Pw8Layer = {
  inDepth: 8, filterH: 1, filterW: 1, stride: [1, 1], padTop: 0, padLeft: 0, inputOffset: 77, outputOffset: -128, clamp: [-128, 127],
  multiplier: [1518500250], shift: [-9],
};

/** The int16 halves of a word: (low, high). */
const halves = (v: number): [number, number] => [(v << 16) >> 16, v >> 16];

describe('pointwise8Records', () => {
  const r = rng(8);
  const od = 5;
  const filter = Int8Array.from({ length: 8 * od }, () => r.int(-127, 127));
  const bias = Int32Array.from({ length: od }, () => r.int(-30000, 30000));
  const g = graphWith(filter, bias);

  it('holds per channel 2 (bias + offset sum w), the doubled weights in the order SXTB16 gives the inputs, m, hc, sh', () => {
    const rec = pointwise8Records(g, LAYER, { constant: 0 }, { constant: 1 }, od)!;
    expect(rec).not.toBeNull();
    for (let c = 0; c < od; c++) {
      const w = rec.subarray(PW8_WORDS * c, PW8_WORDS * (c + 1));
      const x = Array.from({ length: 8 }, () => r.int(-128, 127));
      // SXTB16 of the input words: (x0, x2) (x1, x3) (x4, x6) (x5, x7), each paired with its record word by SMLAD
      const pairs = [[x[0]!, x[2]!], [x[1]!, x[3]!], [x[4]!, x[6]!], [x[5]!, x[7]!]];
      let acc = w[0]!;
      for (let k = 0; k < 4; k++) {
        const [lo, hi] = halves(w[1 + k]!);
        acc += lo * pairs[k]![0]! + hi * pairs[k]![1]!;
      }
      let want = bias[c]!;
      for (let k = 0; k < 8; k++) want += filter[8 * c + k]! * (x[k]! + LAYER.inputOffset);
      expect(acc).toBe(2 * want);
      expect([w[5], w[6], w[7]]).toEqual([1518500250, 2 ** 8 - 128 * 2 ** 9, 9]);
    }
  });

  it('gives none where the kernel does not apply: another depth, a clamp, a shift outside 1..21, a bias near 2^30', () => {
    expect(pointwise8Records(g, { ...LAYER, inDepth: 16 }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwise8Records(g, { ...LAYER, clamp: [-128, 100] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwise8Records(g, { ...LAYER, shift: [-22] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwise8Records(g, { ...LAYER, shift: [0] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    expect(pointwise8Records(g, { ...LAYER, stride: [2, 2] }, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    const big = Int32Array.from(bias);
    big[3] = 2 ** 30 - 8 * 128 * (128 + 77);
    expect(pointwise8Records(graphWith(filter, big), LAYER, { constant: 0 }, { constant: 1 }, od)).toBeNull();
    big[3] -= 1;
    expect(pointwise8Records(graphWith(filter, big), LAYER, { constant: 0 }, { constant: 1 }, od)).not.toBeNull();
  });
});
