import { describe, expect, it } from 'vitest';
import { quantizeMultiplier } from '../../../src/ir/quant.js';
import { buildOp, distinct, rng, runOp, type Spec } from './helpers.js';

const f = Math.fround;
const full: [number, number] = [-128, 127];

describe('ADD / SUB reference kernels', () => {
  it('match hand-worked values, including halves', () => {
    // scales 0.5 and 0.25, output 1, zps 1, -2, 0. twice_max = 1:
    // input multipliers 0.5 (2^30, shift 0) and 0.25 (2^30, shift -1); output 2^-20 (2^30, shift -19).
    // (5, 10):  (4 << 20) * 0.5 = 2097152, (12 << 20) * 0.25 = 3145728, sum 5242880 * 2^-20 = 5  (2 + 3)
    // (2, -2):  (1 << 20) * 0.5 = 524288, 0 -> 0.5 -> 1 (away from zero)
    // (0, -2):  -0.5 -> -1
    const a: Spec = { shape: [3], scale: 0.5, zp: 1, values: [5, 2, 0] };
    const b: Spec = { shape: [3], scale: 0.25, zp: -2, values: [10, -2, -2] };
    const out: Spec = { shape: [3], scale: 1, zp: 0 };
    expect(Array.from(runOp('ADD', { clamp: full }, [a, b], out))).toEqual([5, 1, -1]);
    // SUB: 2 - 3 = -1, 0.5 - 0 -> 1, -0.5 -> -1
    expect(Array.from(runOp('SUB', { clamp: full }, [a, b], out))).toEqual([-1, 1, -1]);
    // The clamp (a fused RELU with zp 0) applies last.
    expect(Array.from(runOp('SUB', { clamp: [0, 127] }, [a, b], out))).toEqual([0, 1, 0]);
  });

  it('ADD derives its multipliers in double, SUB in float32 (as TFLM add_common.cc / sub_common.cc)', () => {
    const s1 = f(0.010731), s2 = f(0.013419), so = f(0.05117);
    const inputs: Spec[] = [{ shape: [2], scale: s1, zp: 0 }, { shape: [2], scale: s2, zp: 0 }];
    const out: Spec = { shape: [2], scale: so, zp: 0 };
    const add = buildOp('ADD', { clamp: full }, inputs, out).op.params!;
    const sub = buildOp('SUB', { clamp: full }, inputs, out).op.params!;
    const tm = 2 * Math.max(s1, s2);
    expect(add.leftShift).toBe(20);
    expect([add.input1Multiplier, add.input1Shift]).toEqual(Object.values(quantizeMultiplier(s1 / tm)));
    expect([add.input2Multiplier, add.input2Shift]).toEqual([1 << 30, 0]); // exactly 0.5
    expect([add.outputMultiplier, add.outputShift]).toEqual(Object.values(quantizeMultiplier(tm / (2 ** 20 * so))));
    const ftm = f(2 * Math.max(s1, s2));
    expect([sub.input1Multiplier, sub.input1Shift]).toEqual(Object.values(quantizeMultiplier(f(s1 / ftm))));
    expect([sub.outputMultiplier, sub.outputShift]).toEqual(Object.values(quantizeMultiplier(f(ftm / f(2 ** 20 * so)))));
    // These scales are chosen so that the float and double roundings differ.
    expect(sub.input1Multiplier).not.toBe(add.input1Multiplier);
    expect(sub.outputMultiplier).not.toBe(add.outputMultiplier);
  });

  it('ADD commutes (operands and their quantization swapped)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const shape = [r.int(1, 3), r.int(2, 5), r.int(2, 4)];
      const n = shape.reduce((p, c) => p * c, 1);
      const a: Spec = { shape, scale: r.float(0.01, 0.1), zp: r.int(-20, 20), values: r.int8s(n) };
      const b: Spec = { shape, scale: r.float(0.01, 0.1), zp: r.int(-20, 20), values: r.int8s(n) };
      const out: Spec = { shape, scale: r.float(0.02, 0.1), zp: r.int(-5, 5) };
      const ab = Array.from(runOp('ADD', { clamp: full }, [a, b], out));
      expect(ab).toEqual(Array.from(runOp('ADD', { clamp: full }, [b, a], out)));
      expect(distinct(ab)).toBeGreaterThan(2);
      // MUL commutes too.
      expect(Array.from(runOp('MUL', { clamp: full }, [a, b], out))).toEqual(Array.from(runOp('MUL', { clamp: full }, [b, a], out)));
    }
  });

  it('ADD agrees with real arithmetic to within one step', () => {
    const r = rng(3);
    const a: Spec = { shape: [200], scale: f(0.037), zp: 5, values: r.int8s(200) };
    const b: Spec = { shape: [200], scale: f(0.021), zp: -9, values: r.int8s(200) };
    const out = Array.from(runOp('ADD', { clamp: full }, [a, b], { shape: [200], scale: f(0.05), zp: 2 }));
    for (let i = 0; i < 200; i++) {
      const real = (Number(a.values![i]) - 5) * f(0.037) + (Number(b.values![i]) - -9) * f(0.021);
      const ideal = Math.max(-128, Math.min(127, real / f(0.05) + 2));
      expect(Math.abs(out[i]! - ideal)).toBeLessThanOrEqual(0.51);
    }
  });

  it('broadcasting equals materialized operands (ADD, SUB, MUL)', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const r = rng(seed * 31);
      const rank = r.int(1, 4);
      const outShape = Array.from({ length: rank }, () => r.int(1, 4));
      // Each operand: drop some leading dims, and set some dims to 1.
      const shrink = (s: number[]) => s.slice(r.int(0, s.length - 1)).map((d) => (r.int(0, 2) === 0 ? 1 : d));
      const sa = shrink(outShape), sb = shrink(outShape);
      const rankOut = Math.max(sa.length, sb.length);
      const target = outShape.slice(outShape.length - rankOut).map((_, i) => {
        const da = sa[i - (rankOut - sa.length)] ?? 1, db = sb[i - (rankOut - sb.length)] ?? 1;
        return Math.max(da, db);
      });
      const n = (s: number[]) => s.reduce((p, c) => p * c, 1);
      const va = r.int8s(n(sa)), vb = r.int8s(n(sb));
      // Materialize by naive index math: output index -> operand index with broadcast dims pinned at 0.
      const materialize = (s: number[], v: number[]) => {
        const res: number[] = [];
        for (let i = 0; i < n(target); i++) {
          let rem = i, src = 0, stride = 1;
          for (let d = target.length - 1; d >= 0; d--) {
            const idx = rem % target[d]!;
            rem = Math.floor(rem / target[d]!);
            const sd = d - (target.length - s.length);
            if (sd >= 0) {
              if (s[sd]! > 1) src += idx * stride;
              stride *= s[sd]!;
            }
          }
          res.push(v[src]!);
        }
        return res;
      };
      const qa = { scale: r.float(0.01, 0.1), zp: r.int(-10, 10) }, qb = { scale: r.float(0.01, 0.1), zp: r.int(-10, 10) };
      const out: Spec = { shape: target, scale: r.float(0.01, 0.05), zp: 1 };
      for (const kind of ['ADD', 'SUB', 'MUL'] as const) {
        const got = Array.from(runOp(kind, { clamp: full }, [{ shape: sa, ...qa, values: va }, { shape: sb, ...qb, values: vb }], out));
        const want = Array.from(runOp(kind, { clamp: full },
          [{ shape: target, ...qa, values: materialize(sa, va) }, { shape: target, ...qb, values: materialize(sb, vb) }], out));
        expect(got).toEqual(want);
      }
    }
  });
});

describe('MUL reference kernel', () => {
  it('matches hand-worked values', () => {
    // scales 0.5 * 0.25 / 0.125 = 1 (2^30, shift 1); zps 1, -2, 0.
    // (5, 10) -> 4 * 12 = 48; (3, 70) -> 2 * 72 = 144 -> 127; (-128, 0) -> -129 * 2 = -258 -> -128
    // (4, -1) with scale 0.3 instead: 3 * 1 * 0.5*0.25/0.3 = 1.25 -> 1
    const out = runOp('MUL', { clamp: full }, [
      { shape: [3], scale: 0.5, zp: 1, values: [5, 3, -128] },
      { shape: [3], scale: 0.25, zp: -2, values: [10, 70, 0] },
    ], { shape: [3], scale: 0.125, zp: 0 });
    expect(Array.from(out)).toEqual([48, 127, -128]);
    const other = runOp('MUL', { clamp: full }, [
      { shape: [1], scale: 0.5, zp: 1, values: [4] },
      { shape: [1], scale: 0.25, zp: -2, values: [-1] },
    ], { shape: [1], scale: 0.3, zp: 0 });
    expect(Array.from(other)).toEqual([1]);
  });
});
