// The planner's overlap bounds are closed forms; test/plan/overlap-brute.ts walks every unit of each
// access order (the way they were computed before). Same rules on random small shapes of every family,
// and huge declared shapes (a 1 GiB RELU, a 64 MiB conv, a 2^30-row FULLY_CONNECTED) answer at once
// with the bounds worked out by hand, without allocating per element.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { overlapRules } from '../../src/plan/overlap.js';
import { bruteOverlapRules } from './overlap-brute.js';
import {
  binaryCase, preluCase, convCase, depthwiseCase, fullyConnectedCase, padCase, poolCase, stridedSliceCase, transposeCase, unaryCase, UNARY_KINDS,
} from './overlap-cases.js';
import { rng, singleOpGraph, type Rng } from './overlap-harness.js';

const FAMILIES: Record<string, (r: Rng) => Graph> = {
  'CONV_2D 1x1': (r) => convCase(r, true),
  'CONV_2D': (r) => convCase(r, false),
  'DEPTHWISE x1': (r) => depthwiseCase(r, 1),
  'DEPTHWISE x2': (r) => depthwiseCase(r, 2),
  'MAX_POOL_2D': (r) => poolCase(r, 'MAX_POOL_2D'),
  'AVERAGE_POOL_2D': (r) => poolCase(r, 'AVERAGE_POOL_2D'),
  'FULLY_CONNECTED': fullyConnectedCase,
  'ADD': (r) => binaryCase(r, 'ADD'),
  'MUL': (r) => binaryCase(r, 'MUL'),
  'SQUARED_DIFFERENCE': (r) => binaryCase(r, 'SQUARED_DIFFERENCE'),
  'DIV': (r) => binaryCase(r, 'DIV'),
  'PRELU int8': (r) => preluCase(r, 'int8'),
  'PRELU int16': (r) => preluCase(r, 'int16'),
  'unary': (r) => unaryCase(r, r.pick(UNARY_KINDS)),
  'PAD': (r) => padCase(r, 'PAD'),
  'PADV2 int16': (r) => padCase(r, 'PADV2', 'int16'),
  'STRIDED_SLICE': (r) => stridedSliceCase(r, true),
  'TRANSPOSE': transposeCase,
};

describe('overlap rules: closed forms equal the unit-by-unit walk', () => {
  for (const [name, make] of Object.entries(FAMILIES)) {
    it(`${name}: 300 random shapes`, () => {
      let withRule = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const graph = make(rng(seed * 65537 + name.length));
        const want = bruteOverlapRules(graph, 0);
        expect(overlapRules(graph, 0), `${name} seed ${seed}: ${graph.tensors.map((t) => `[${t.shape}]`).join(' ')}`).toEqual(want);
        if (want.length > 0) withRule++;
      }
      // The comparison is not vacuous: most shapes have a rule.
      expect(withRule).toBeGreaterThan(150);
    });
  }
});

describe('overlap rules on huge declared shapes: no per-element work or memory', () => {
  const q = { scale: 0.1, zp: 0 };
  it('a 1 GiB RELU: the element stream bound, (1 - outBytes) .. 0', () => {
    const shape = [1, 32768, 32768, 1];
    const g = singleOpGraph('RELU', {}, [{ shape, ...q }], { shape, ...q });
    // Equal element sizes: every term (u+1)*(1-1) is 0.
    expect(overlapRules(g, 0)).toEqual([{ variant: 'stream-element', input: 0, minDelta: 1 - 2 ** 30, maxDelta: 0, scratchBytes: 0 }]);
  });

  it('a 64 MiB int8 -> int16 QUANTIZE: the last element binds, (count - 1) * (1 - 2)', () => {
    const shape = [1, 8192, 8192, 1];
    const g = singleOpGraph('QUANTIZE', {}, [{ shape, ...q }], { shape, dtype: 'int16', scale: 0.001, zp: 0 });
    expect(overlapRules(g, 0)[0]).toMatchObject({ minDelta: 1 - 2 ** 27, maxDelta: -(2 ** 26 - 1) });
  });

  it('a 3x3 DEPTHWISE over 2^20 batches of 8x8x1: per batch row, every batch alike', () => {
    const n = 2 ** 20;
    const g = singleOpGraph(
      'DEPTHWISE_CONV_2D',
      { stride: [1, 1], dilation: [1, 1], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: [-128, 127], depthMultiplier: 1 },
      [{ shape: [n, 8, 8, 1], scale: 0.03, zp: 0 }, { shape: [1, 3, 3, 1], scale: 0.01, values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, null],
      { shape: [n, 8, 8, 1], scale: 0.01, zp: 0 },
    );
    const rules = overlapRules(g, 0);
    // Row oy+1 reads from row oy: 8*oy - 8*(oy+1) = -8 for every row of every batch. It shares more bytes
    // with less scratch (a row, not a plane) than the in-place channel rule, so it comes first.
    expect(rules.map((r) => [r.variant, r.minDelta, r.maxDelta])).toEqual([['stream-row', 1 - 64 * n, -8], ['inplace-channel', 0, 0]]);
  });

  it('a FULLY_CONNECTED with 2^30 batch rows of depth 1 -> 2 units: (rows - 1) * (1 - 2)', () => {
    const rows = 2 ** 30;
    const g = singleOpGraph(
      'FULLY_CONNECTED',
      { clamp: [-128, 127], keepNumDims: false },
      [{ shape: [rows, 1], scale: 0.03, zp: 0 }, { shape: [2, 1], scale: 0.01, values: [3, -5] }, null],
      { shape: [rows, 2], scale: 0.01, zp: 0 },
    );
    expect(overlapRules(g, 0)[0]).toMatchObject({ variant: 'stream-row', maxDelta: -(rows - 1), scratchBytes: 2 });
  });

  it('a 1 GiB TRANSPOSE NCHW -> NHWC of 4 planes: (C - 1) planes (less a byte each) before the input', () => {
    // Output p*C + k reads k*P + p; after writing element (p, C-1) the next read is pixel p+1 of plane 0:
    // (p + 1) - (p + 1)*C, least at p = P - 2: -(C - 1)(P - 1). The walk agrees on a small case.
    const bound = (c: number, h: number, w: number) => {
      const g = singleOpGraph('TRANSPOSE', { perm: [0, 2, 3, 1] }, [{ shape: [1, c, h, w], ...q }], { shape: [1, h, w, c], ...q });
      return [overlapRules(g, 0)[0]!.maxDelta, bruteOverlapRules(g, 0)[0]?.maxDelta ?? null];
    };
    expect(bound(4, 3, 5)).toEqual([-3 * 14, -3 * 14]);
    expect(overlapRules(singleOpGraph("TRANSPOSE", { perm: [0, 2, 3, 1] }, [{ shape: [1, 4, 16384, 16384], ...q }], { shape: [1, 16384, 16384, 4], ...q }), 0)[0]!.maxDelta).toBe(-3 * (2 ** 28 - 1));
  });
});
