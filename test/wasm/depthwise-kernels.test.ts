// The wasm DEPTHWISE_CONV_2D kernel with the requantization tables (what the wasm backend lowers) on the
// shapes its paths branch on (assembly/depthwise.ts): the row ring wrapping on tall inputs, rows copied
// ahead when an in-place output row covers input rows still to be read (outputs wider than inputs),
// 3x3 blocks of 8 channels and the channels after them, stride-2 borders, -128 weights (no int16 tap
// pairs in the generic path), other filter sizes, dilation, multipliers.
// Each shape runs as the default kernel and as every variant at every allowed overlap, SIMD and scalar.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { outSizeWithPads } from '../../src/ir/shapes.js';
import { overlapRules } from '../../src/plan/overlap.js';
import { elementSize, randomInputs, rng, runDefault, singleOpGraph, type Rng } from '../plan/overlap-harness.js';
import { disjointPlacement, loadLibrary, overlappedPlacement, runKernel, type Library } from './kernel-harness.js';

interface Shape {
  n: number; h: number; w: number; c: number; kh: number; kw: number; multiplier?: number;
  stride?: [number, number]; dilation?: [number, number]; pad?: { top: number; bottom: number; left: number; right: number };
  minWeight?: number;
}

function depthwise(r: Rng, s: Shape): Graph | null {
  const stride = s.stride ?? [1, 1], dilation = s.dilation ?? [1, 1], M = s.multiplier ?? 1;
  const pad = s.pad ?? { top: 0, bottom: 0, left: 0, right: 0 };
  const oh = outSizeWithPads(s.h, s.kh, stride[0], dilation[0], pad.top, pad.bottom);
  const ow = outSizeWithPads(s.w, s.kw, stride[1], dilation[1], pad.left, pad.right);
  if (oh < 1 || ow < 1) return null;
  const oc = s.c * M;
  const inScale = r.float(0.01, 0.05);
  const wScales = Array.from({ length: oc }, () => r.float(0.0005, 0.05));
  return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation, pad, clamp: [r.int(-128, -100), r.int(100, 127)], depthMultiplier: M }, [
    { shape: [s.n, s.h, s.w, s.c], scale: inScale, zp: r.int(-128, 127) },
    { shape: [1, s.kh, s.kw, oc], scale: wScales, axis: 3, values: r.ints(s.kh * s.kw * oc, s.minWeight ?? -127, 127) },
    { shape: [oc], dtype: 'int32', scale: wScales.map((x) => x * inScale), values: r.ints(oc, -3000, 3000) },
  ], { shape: [s.n, oh, ow, oc], scale: inScale * 0.01 * r.float(0.002, 40), zp: r.int(-20, 20) });
}

const pads = (r: Rng, kh: number, kw: number) => ({ top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) });
const strides = (r: Rng): [number, number] => [r.int(1, 2), r.int(1, 2)];

const FAMILIES: Array<[string, (r: Rng) => Shape]> = [
  ['3x3, 8 channels + 16k, odd widths', (r) => ({ n: r.int(1, 2), h: r.int(1, 10), w: r.int(1, 13), c: 8 + 16 * r.int(0, 2), kh: 3, kw: 3, stride: strides(r), pad: pads(r, 3, 3) })],
  ['3x3, stride 2 borders', (r) => ({ n: r.int(1, 2), h: r.int(2, 11), w: r.int(2, 11), c: r.int(1, 40), kh: 3, kw: 3, stride: [2, 2], pad: pads(r, 3, 3) })],
  ['3x3, any depth and pads', (r) => ({ n: r.int(1, 2), h: r.int(1, 9), w: r.int(1, 9), c: r.int(1, 48), kh: 3, kw: 3, stride: strides(r), pad: pads(r, 3, 3) })],
  ['3x3, -128 weights', (r) => ({ n: 1, h: r.int(1, 9), w: r.int(1, 9), c: r.int(1, 40), kh: 3, kw: 3, stride: strides(r), pad: pads(r, 3, 3), minWeight: -128 })],
  ['tall and narrow (the ring wraps)', (r) => {
    const kh = r.int(1, 5), kw = r.int(1, 3);
    return { n: r.int(1, 2), h: r.int(12, 40), w: r.int(1, 4), c: r.int(1, 24), kh, kw, stride: strides(r), dilation: [r.int(1, 3), r.int(1, 2)], pad: pads(r, kh, kw) };
  }],
  ['outputs wider than inputs (in place: rows copied ahead)', (r) => {
    const kh = r.int(1, 3), kw = r.int(3, 5);
    return { n: r.int(1, 2), h: r.int(1, 8), w: r.int(1, 3), c: r.int(1, 20), kh, kw, pad: { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: kw - 1, right: kw - 1 } };
  }],
  ['5x5 and 7x7', (r) => {
    const k = r.int(0, 1) ? 5 : 7;
    return { n: r.int(1, 2), h: r.int(1, 12), w: r.int(1, 12), c: 8 * r.int(1, 6) + r.int(0, 1) * r.int(1, 7), kh: k, kw: k, stride: strides(r), pad: pads(r, k, k) };
  }],
  ['multiplier 8 (micro_speech)', (r) => {
    const kh = r.int(1, 10), kw = r.int(1, 8);
    return { n: 1, h: r.int(1, 14), w: r.int(1, 12), c: r.int(1, 2), kh, kw, multiplier: 8, stride: [2, 2], pad: pads(r, kh, kw) };
  }],
];

const CASES = 10;

describe.each(['simd', 'scalar'] as const)('wasm depthwise kernel (%s build) with qparams vs the reference', (target) => {
  let lib: Library;
  beforeAll(async () => {
    lib = await loadLibrary(target);
  });

  for (const [name, shape] of FAMILIES) {
    it(`${name}: default kernel, and every allowed overlap with its variant`, () => {
      const variants = new Set<string>();
      for (let seed = 1; seed <= CASES; seed++) {
        const r = rng(seed * 7907 + name.length * 104729 + (target === 'simd' ? 0 : 31));
        let graph: Graph | null = null;
        while (!graph) graph = depthwise(r, shape(r));
        const where = `${name} seed ${seed} shapes ${graph.tensors.map((t) => `[${t.shape}]`).join(' ')}`;
        const inputs = randomInputs(graph, r);
        const want = runDefault(graph, inputs);
        for (const fastPaths of [true, false]) {
          const got = runKernel(lib, graph, disjointPlacement(graph), inputs, 'default', { fastPaths, qparams: true, garbage: r.int(0, 255) });
          expect(Buffer.compare(got.output, want), `${where} ${got.symbol}`).toBe(0);
        }
        for (const rule of overlapRules(graph, 0)) {
          const step = elementSize(graph, graph.ops[0]!.outputs[0]!);
          const hi = Math.floor(rule.maxDelta / step) * step, lo = Math.max(Math.ceil(rule.minDelta / step) * step, hi - 4096);
          if (lo > hi) continue;
          const deltas = new Set([lo, hi, ...(lo <= 0 && hi >= 0 ? [0] : []), ...[1, 2, 3].map(() => lo + r.int(0, Math.floor((hi - lo) / step)) * step)]);
          for (const delta of deltas) {
            const fresh = randomInputs(graph, r);
            const placement = overlappedPlacement(graph, rule.input, delta, rule.scratchBytes);
            const got = runKernel(lib, graph, placement, fresh, rule.variant, { qparams: true, garbage: r.int(0, 255) });
            variants.add(rule.variant);
            expect(Buffer.compare(got.output, runDefault(graph, fresh)), `${where} ${rule.variant} delta ${delta} (${got.symbol})`).toBe(0);
          }
        }
      }
      expect(variants.has('stream-row'), `${name}: stream-row overlaps ran`).toBe(true);
    });
  }
});
