// Overlap rules on small hand-checked shapes: the bounds worked out by hand (arithmetic in the comments),
// the order of the rules, the ops without rules, and maxDelta / maxDelta + 1 run for real.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { overlapRules } from '../../src/plan/overlap.js';
import type { OverlapRule } from '../../src/plan/types.js';
import { rng, runDefault, runOverlapped, sameBytes, singleOpGraph, randomInputs, type TSpec } from './overlap-harness.js';

const FULL: [number, number] = [-128, 127];
const noPad = { top: 0, bottom: 0, left: 0, right: 0 };

function conv(input: number[], output: number[], k: [number, number], attrs: Partial<{ stride: [number, number]; pad: typeof noPad }> = {}): Graph {
  const [oc, cin] = [output[3]!, input[3]!];
  return singleOpGraph(
    'CONV_2D',
    { stride: attrs.stride ?? [1, 1], dilation: [1, 1], pad: attrs.pad ?? noPad, clamp: FULL },
    [
      { shape: input, scale: 0.03, zp: 4 },
      { shape: [oc, k[0], k[1], cin], scale: 0.01, values: Array.from({ length: oc * k[0] * k[1] * cin }, (_, i) => ((i * 37) % 255) - 127) },
      null,
    ],
    { shape: output, scale: 0.03 * 0.01 * 20, zp: -3 },
  );
}

function depthwise(input: number[], output: number[], pad = { top: 1, bottom: 1, left: 1, right: 1 }): Graph {
  const c = input[3]!;
  return singleOpGraph(
    'DEPTHWISE_CONV_2D',
    { stride: [1, 1], dilation: [1, 1], pad, clamp: FULL, depthMultiplier: 1 },
    [
      { shape: input, scale: 0.03, zp: 4 },
      { shape: [1, 3, 3, c], scale: 0.01, values: Array.from({ length: 9 * c }, (_, i) => ((i * 53) % 255) - 127) },
      null,
    ],
    { shape: output, scale: 0.03 * 0.01 * 6, zp: 2 },
  );
}

const bounds = (rules: OverlapRule[]) => rules.map((r) => ({ ...r }));

/** maxDelta runs exactly; maxDelta + step corrupts for some random input (a few tries). */
function expectTightAt(graph: Graph, rule: OverlapRule, step = 1): void {
  const r = rng(42);
  let corrupted = false;
  for (let t = 0; t < 20; t++) {
    const inputs = randomInputs(graph, r);
    const want = runDefault(graph, inputs);
    expect(sameBytes(runOverlapped(graph, rule, Math.floor(rule.maxDelta / step) * step, inputs), want)).toBe(true);
    expect(sameBytes(runOverlapped(graph, rule, Math.ceil(rule.minDelta / step) * step, inputs), want)).toBe(true);
    if (!sameBytes(runOverlapped(graph, rule, (Math.floor(rule.maxDelta / step) + 1) * step, inputs), want)) corrupted = true;
  }
  expect(corrupted).toBe(true);
}

describe('overlapRules: hand-checked bounds', () => {
  it('CONV_2D 1x1: stream-pixel, maxDelta = min over p < P-1 of (p+1)(Cin - Cout)', () => {
    // Expansion, 3 pixels, Cin 2 -> Cout 3: p = 0: 1*(2-3) = -1, p = 1: 2*(2-3) = -2 -> maxDelta -2.
    // (inBytes - outBytes = 6 - 9 = -3: the last pixel needs no later input, so one more byte, Cout - Cin.)
    // At -2: pixel 0 writes [-2, 1), pixel 1 reads from 2; pixel 1 writes [1, 4), pixel 2 reads from 4. At -1
    // pixel 1's write [2, 5) clobbers input byte 4 before pixel 2 reads it. minDelta = 1 - 9 = -8.
    const expand = conv([1, 1, 3, 2], [1, 1, 3, 3], [1, 1]);
    expect(bounds(overlapRules(expand, 0))).toEqual([{ variant: 'stream-pixel', input: 0, minDelta: -8, maxDelta: -2, scratchBytes: 3 }]);
    expectTightAt(expand, overlapRules(expand, 0)[0]!);
    // Projection, Cin 4 -> Cout 2: p = 0: 1*2, p = 1: 2*2 -> maxDelta 2 (output may even start 2 bytes in).
    const project = conv([1, 1, 3, 4], [1, 1, 3, 2], [1, 1]);
    expect(bounds(overlapRules(project, 0))).toEqual([{ variant: 'stream-pixel', input: 0, minDelta: -5, maxDelta: 2, scratchBytes: 2 }]);
    expectTightAt(project, overlapRules(project, 0)[0]!);
    // Same depth, two batches of 2x2 pixels: every term is 0 -> the same base.
    const same = conv([2, 2, 2, 3], [2, 2, 2, 3], [1, 1]);
    expect(overlapRules(same, 0)[0]).toMatchObject({ variant: 'stream-pixel', minDelta: -23, maxDelta: 0 });
    expectTightAt(same, overlapRules(same, 0)[0]!);
  });

  it('CONV_2D 3x3: stream-row, first input row still needed minus the end of the row written', () => {
    // [1,4,4,2] -> [1,4,4,2], pad 1: output row oy+1 reads input rows oy..oy+2, so after writing row oy
    // (ending at (oy+1)*W*C = 8(oy+1)) input byte 8*oy is still needed: 8oy - 8(oy+1) = -8 = -W*C for every oy.
    const g = conv([1, 4, 4, 2], [1, 4, 4, 2], [3, 3], { pad: { top: 1, bottom: 1, left: 1, right: 1 } });
    expect(bounds(overlapRules(g, 0))).toEqual([{ variant: 'stream-row', input: 0, minDelta: -31, maxDelta: -8, scratchBytes: 8 }]);
    expectTightAt(g, overlapRules(g, 0)[0]!);
    // Stride 2, pad bottom/right 1: [1,4,4,1] -> [1,2,2,4]. Row 0 reads rows 0..2, row 1 rows 2..3.
    // After row 0 (ends at 2*4 = 8) row 2 (byte 2*4*1 = 8) is needed: 8 - 8 = 0. Row 1 is last.
    const s2 = conv([1, 4, 4, 1], [1, 2, 2, 4], [3, 3], { stride: [2, 2], pad: { top: 0, bottom: 1, left: 0, right: 1 } });
    expect(bounds(overlapRules(s2, 0))).toEqual([{ variant: 'stream-row', input: 0, minDelta: -15, maxDelta: 0, scratchBytes: 8 }]);
    expectTightAt(s2, overlapRules(s2, 0)[0]!);
  });

  it('DEPTHWISE_CONV_2D: inplace-channel only at delta 0, stream-row as the alternative, net saving decides', () => {
    // [1,4,4,3] 3x3 pad 1: inplace-channel shares all 48 output bytes for a 16-byte plane (net 32);
    // stream-row: maxDelta = -W*C = -12, shares 48 - 12 = 36 for a 12-byte row (net 24).
    const g = depthwise([1, 4, 4, 3], [1, 4, 4, 3]);
    expect(bounds(overlapRules(g, 0))).toEqual([
      { variant: 'inplace-channel', input: 0, minDelta: 0, maxDelta: 0, scratchBytes: 16 },
      { variant: 'stream-row', input: 0, minDelta: -47, maxDelta: -12, scratchBytes: 12 },
    ]);
    const [inplace, row] = overlapRules(g, 0) as [OverlapRule, OverlapRule];
    expectTightAt(g, row);
    // Delta 0 is exact; +1 moves channel c's writes into slot c+1 (still to be read), -1 moves channel 0's
    // writes into slot C-1 of the previous pixel (still to be read): both corrupt.
    const r = rng(7);
    let plus = false, minus = false;
    for (let t = 0; t < 20; t++) {
      const inputs = randomInputs(g, r);
      const want = runDefault(g, inputs);
      expect(sameBytes(runOverlapped(g, inplace, 0, inputs), want)).toBe(true);
      plus ||= !sameBytes(runOverlapped(g, inplace, 1, inputs), want);
      minus ||= !sameBytes(runOverlapped(g, inplace, -1, inputs), want);
    }
    expect(plus && minus).toBe(true);
    // [1,8,8,2]: the plane (64) costs more than a row (16): stream-row (shares 128 - 16, net 96) comes first.
    const wide = depthwise([1, 8, 8, 2], [1, 8, 8, 2]);
    expect(overlapRules(wide, 0).map((x) => [x.variant, x.maxDelta, x.scratchBytes])).toEqual([
      ['stream-row', -16, 16],
      ['inplace-channel', 0, 64],
    ]);
    // Spatially smaller output (valid 3x3 on 5x5 -> 3x3): output pixel p's channel-c slot is input pixel
    // p's channel-c slot, already read: delta 0 still holds.
    const shrink = depthwise([2, 5, 5, 3], [2, 3, 3, 3], noPad);
    const sr = overlapRules(shrink, 0).find((x) => x.variant === 'inplace-channel')!;
    expect(sr).toEqual({ variant: 'inplace-channel', input: 0, minDelta: 0, maxDelta: 0, scratchBytes: 9 });
    const inputs = randomInputs(shrink, rng(3));
    expect(sameBytes(runOverlapped(shrink, sr, 0, inputs), runDefault(shrink, inputs))).toBe(true);
  });

  it('pools and FULLY_CONNECTED rows', () => {
    // AVERAGE_POOL 2x2 stride 2, [1,4,4,1] -> [1,2,2,1]: row 0 reads rows 0-1, row 1 reads rows 2-3.
    // After row 0 (ends at 2) input byte 2*4 = 8 is needed: 8 - 2 = 6. min = 1 - 4 = -3.
    const pool = singleOpGraph('AVERAGE_POOL_2D', { filter: [2, 2], stride: [2, 2], pad: noPad, clamp: FULL },
      [{ shape: [1, 4, 4, 1], scale: 0.1, zp: 0 }], { shape: [1, 2, 2, 1], scale: 0.1, zp: 0 });
    expect(bounds(overlapRules(pool, 0))).toEqual([{ variant: 'stream-row', input: 0, minDelta: -3, maxDelta: 6, scratchBytes: 2 }]);
    expectTightAt(pool, overlapRules(pool, 0)[0]!);
    // FC, 3 rows of depth 4 -> 2 units: after row n (ends at 2(n+1)) row n+1 (byte 4(n+1)) is needed:
    // min(4 - 2, 8 - 4) = 2. With 6 units: min(4 - 6, 8 - 12) = -4 = 12 - 18 + (6 - 4).
    const fc = (units: number) => singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false },
      [{ shape: [3, 4], scale: 0.05, zp: 1 }, { shape: [units, 4], scale: 0.02, values: Array.from({ length: units * 4 }, (_, i) => (i * 29) % 200 - 100) }, null],
      { shape: [3, units], scale: 0.05 * 0.02 * 8, zp: 0 });
    expect(bounds(overlapRules(fc(2), 0))).toEqual([{ variant: 'stream-row', input: 0, minDelta: -5, maxDelta: 2, scratchBytes: 2 }]);
    expect(overlapRules(fc(6), 0)[0]).toMatchObject({ minDelta: -17, maxDelta: -4, scratchBytes: 6 });
    expectTightAt(fc(2), overlapRules(fc(2), 0)[0]!);
    expectTightAt(fc(6), overlapRules(fc(6), 0)[0]!);
  });

  it('elementwise: maxDelta = min over i < N-1 of (i+1)(inSize - outSize)', () => {
    const unary = (kind: 'RELU' | 'DEQUANTIZE' | 'QUANTIZE', input: TSpec, output: TSpec) => singleOpGraph(kind, {}, [input], output);
    // Same size: 0 (N = 5: min = 1 - 5 = -4).
    const relu = unary('RELU', { shape: [5], scale: 0.1, zp: 3 }, { shape: [5], scale: 0.1, zp: 3 });
    expect(bounds(overlapRules(relu, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -4, maxDelta: 0, scratchBytes: 0 }]);
    expectTightAt(relu, overlapRules(relu, 0)[0]!);
    // DEQUANTIZE int8 -> float32, N = 4: (i+1)(1-4) at i = 2: -9; min = 1 - 16 = -15. The output ends at
    // -9 + 16 = 7 = inBytes + 3. Aligned to 4: -12 works, -8 corrupts.
    const deq = unary('DEQUANTIZE', { shape: [4], scale: 0.1, zp: 3 }, { shape: [4], dtype: 'float32' });
    expect(bounds(overlapRules(deq, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -15, maxDelta: -9, scratchBytes: 0 }]);
    expectTightAt(deq, overlapRules(deq, 0)[0]!, 4);
    // QUANTIZE float32 -> int8, N = 4: (i+1)(4-1) at i = 0: 3; the whole output fits inside the input.
    const q = unary('QUANTIZE', { shape: [4], dtype: 'float32' }, { shape: [4], scale: 0.5, zp: 0 });
    expect(bounds(overlapRules(q, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -3, maxDelta: 3, scratchBytes: 0 }]);
    // SOFTMAX int8 -> int16 on [2,3]: the row's two reading passes precede its writes, so the element bound
    // holds: (i+1)(1-2) at i = 4: -5; min = 1 - 12 = -11.
    const sm = singleOpGraph('SOFTMAX', { beta: 1 }, [{ shape: [2, 3], scale: 0.1, zp: 0 }], { shape: [2, 3], dtype: 'int16', scale: 1 / 65536, zp: -32768 });
    expect(bounds(overlapRules(sm, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -11, maxDelta: -5, scratchBytes: 0 }]);
    expectTightAt(sm, overlapRules(sm, 0)[0]!, 2);
  });

  it('QUANTIZE float32 -> int8: delta 4 clobbers input 1\'s low mantissa byte, which shows at a rounding boundary', () => {
    const s = Math.fround(0.3);
    const g = singleOpGraph('QUANTIZE', {}, [{ shape: [2], dtype: 'float32' }], { shape: [2], scale: s, zp: 0 });
    const rule = overlapRules(g, 0)[0]!;
    expect(rule.maxDelta).toBe(3);
    // Find a float near a rounding boundary whose low byte decides the rounding: 0x00 vs 0xff.
    const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
    let x1 = NaN, lowFor = 0;
    const quantizeOne = (v: number) => runDefault(g, new Map([[0, new Uint8Array(Float32Array.of(0, v).buffer)]]))[1]!;
    for (let k = 1; k < 60 && Number.isNaN(x1); k++) {
      f[0] = (k + 0.5) * s;
      const lo = (bits[0]! & ~0xff) >>> 0, hi = (bits[0]! | 0xff) >>> 0;
      bits[0] = lo; const a = f[0]!;
      bits[0] = hi; const b = f[0]!;
      if (quantizeOne(a) !== quantizeOne(b)) [x1, lowFor] = [a, 0xff]; // x1 has low byte 0; clobber with 0xff
    }
    expect(Number.isNaN(x1)).toBe(false);
    // Output element 0 = -1 (byte 0xff) when x0 = -s: at delta 4 it lands on x1's low byte before x1 is read.
    const inputs = new Map([[0, new Uint8Array(Float32Array.of(-s, x1).buffer)]]);
    const want = runDefault(g, inputs);
    expect(want[0]).toBe(lowFor);
    expect(sameBytes(runOverlapped(g, rule, 3, inputs), want)).toBe(true);
    expect(sameBytes(runOverlapped(g, rule, 4, inputs), want)).toBe(false);
  });

  it('ADD: one rule per non-broadcast input', () => {
    const q = { scale: 0.05, zp: 1 };
    const both = singleOpGraph('ADD', { clamp: FULL }, [{ shape: [2, 3], ...q }, { shape: [2, 3], ...q }], { shape: [2, 3], scale: 0.1, zp: 0 });
    expect(bounds(overlapRules(both, 0))).toEqual([
      { variant: 'stream-element', input: 0, minDelta: -5, maxDelta: 0, scratchBytes: 0 },
      { variant: 'stream-element', input: 1, minDelta: -5, maxDelta: 0, scratchBytes: 0 },
    ]);
    const bcast = singleOpGraph('ADD', { clamp: FULL }, [{ shape: [1, 3], ...q }, { shape: [2, 3], ...q }], { shape: [2, 3], scale: 0.1, zp: 0 });
    expect(overlapRules(bcast, 0).map((r) => r.input)).toEqual([1]);
    expectTightAt(bcast, overlapRules(bcast, 0)[0]!);
    // A constant operand never gets a rule.
    const constant = singleOpGraph('ADD', { clamp: FULL }, [{ shape: [2, 3], ...q }, { shape: [2, 3], ...q, values: [1, 2, 3, 4, 5, 6] }], { shape: [2, 3], scale: 0.1, zp: 0 });
    expect(overlapRules(constant, 0).map((r) => r.input)).toEqual([0]);
  });

  it('PAD front to back: maxDelta = -(largest shift of an input element) * size', () => {
    // [1,2,2,1] padded by 1 on H and W -> [1,4,4,1]: input (0,0) goes to output 5 (shift 5), (1,0) to 9
    // (shift 7). maxDelta = -7: the output starts 7 before the input and ends at 9 >= inBytes 4.
    // At -6, pad element 8 (written before input 2 is read) lands on input byte 2.
    const g = singleOpGraph('PAD', { paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] },
      [{ shape: [1, 2, 2, 1], scale: 0.1, zp: 5 }, { shape: [4, 2], dtype: 'int32', values: [0, 0, 1, 1, 1, 1, 0, 0] }],
      { shape: [1, 4, 4, 1], scale: 0.1, zp: 5 });
    expect(bounds(overlapRules(g, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -15, maxDelta: -7, scratchBytes: 0 }]);
    expectTightAt(g, overlapRules(g, 0)[0]!);
  });

  it('STRIDED_SLICE: output element i reads src(i) >= i', () => {
    // [6], begin 1, stride 2 -> src 1, 3, 5: min(src(1) - 1, src(2) - 2) = min(2, 3) = 2; min = 1 - 3 = -2.
    const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };
    const g = singleOpGraph('STRIDED_SLICE', { begin: [1], end: [6], strides: [2], masks }, [{ shape: [6], scale: 0.1, zp: 0 }], { shape: [3], scale: 0.1, zp: 0 });
    expect(bounds(overlapRules(g, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -2, maxDelta: 2, scratchBytes: 0 }]);
    expectTightAt(g, overlapRules(g, 0)[0]!);
  });

  it('TRANSPOSE: output element i reads src(i) in output order', () => {
    // [2,3] -> [3,2]: outputs read inputs 0,3,1,4,2,5. Unit u ends its write at u+1; the first byte a later
    // unit reads is 1,1,2,2,5 for u = 0..4, so maxDelta = min(1-1, 1-2, 2-3, 2-4, 5-5) = -2; minDelta = 1 - 6.
    const q = { scale: 0.05, zp: 1 };
    const g = singleOpGraph('TRANSPOSE', { perm: [1, 0] }, [{ shape: [2, 3], ...q }, { shape: [2], dtype: 'int32', values: [1, 0] }], { shape: [3, 2], ...q });
    expect(bounds(overlapRules(g, 0))).toEqual([{ variant: 'stream-element', input: 0, minDelta: -5, maxDelta: -2, scratchBytes: 0 }]);
    expectTightAt(g, overlapRules(g, 0)[0]!);
  });

  it('no rule where every output reads every input, for aliases and for ops without a variant', () => {
    const q = { scale: 0.05, zp: 1 };
    const fc1 = singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false },
      [{ shape: [1, 8], ...q }, { shape: [4, 8], scale: 0.02, values: new Array(32).fill(3) }, null], { shape: [1, 4], ...q });
    expect(overlapRules(fc1, 0)).toEqual([]);
    const reshape = singleOpGraph('RESHAPE', {}, [{ shape: [2, 3], ...q }], { shape: [6], ...q });
    expect(overlapRules(reshape, 0)).toEqual([]);
    const mean = singleOpGraph('MEAN', { axes: [1], keepDims: false }, [{ shape: [2, 3], ...q }, { shape: [1], dtype: 'int32', values: [1] }], { shape: [2], ...q });
    expect(overlapRules(mean, 0)).toEqual([]);
    const concat = singleOpGraph('CONCATENATION', { axis: 0, clamp: FULL }, [{ shape: [1, 3], ...q }, { shape: [1, 3], ...q }], { shape: [2, 3], ...q });
    expect(overlapRules(concat, 0)).toEqual([]);
  });
});
