import { describe, expect, it } from 'vitest';
import type { Conv2DAttrs, Padding } from '../../../src/ir/ops.js';
import { buildOp, distinct, noPad, rng, runOp, type Spec } from './helpers.js';

function conv(attrs: Partial<Conv2DAttrs>, input: Spec, filter: Spec, bias: Spec | null, output: Spec) {
  const full: Conv2DAttrs = { stride: [1, 1], dilation: [1, 1], pad: noPad, clamp: [-128, 127], ...attrs };
  return Array.from(runOp('CONV_2D', full, [input, filter, bias], output));
}

function outSize(n: number, k: number, s: number, d: number, before: number, after: number) {
  return Math.floor((n + before + after - ((k - 1) * d + 1)) / s) + 1;
}

interface Case {
  n: number; h: number; w: number; c: number; oc: number; kh: number; kw: number;
  x: number[]; wt: number[]; bias: number[];
  inScale: number; inZp: number; wScales: number[]; outScale: number; outZp: number;
}

function randomCase(seed: number, perChannel: boolean): Case {
  const r = rng(seed);
  const n = r.int(1, 2), h = r.int(3, 7), w = r.int(3, 7), c = r.int(1, 4), oc = r.int(1, 5), kh = r.int(1, 3), kw = r.int(1, 3);
  const inScale = r.float(0.01, 0.05), wScale0 = r.float(0.002, 0.02);
  const wScales = perChannel ? Array.from({ length: oc }, () => r.float(0.002, 0.02)) : [wScale0];
  return {
    n, h, w, c, oc, kh, kw,
    x: r.int8s(n * h * w * c),
    wt: r.int8s(oc * kh * kw * c, -127, 127),
    bias: Array.from({ length: oc }, () => r.int(-3000, 3000)),
    inScale, inZp: r.int(-20, 20), wScales,
    // Sized so that accumulations land mostly inside the int8 range.
    outScale: inScale * wScale0 * Math.sqrt(kh * kw * c) * 12,
    outZp: r.int(-10, 10),
  };
}

function runCase(k: Case, attrs: Partial<Conv2DAttrs>, override?: { x?: number[]; h?: number; w?: number; wt?: number[]; kh?: number; kw?: number; filterDepth?: number }) {
  const h = override?.h ?? k.h, w = override?.w ?? k.w, kh = override?.kh ?? k.kh, kw = override?.kw ?? k.kw;
  const stride = attrs.stride ?? [1, 1], dil = attrs.dilation ?? [1, 1], pad: Padding = attrs.pad ?? noPad;
  const oh = outSize(h, kh, stride[0], dil[0], pad.top, pad.bottom);
  const ow = outSize(w, kw, stride[1], dil[1], pad.left, pad.right);
  const values = conv(
    attrs,
    { shape: [k.n, h, w, k.c], scale: k.inScale, zp: k.inZp, values: override?.x ?? k.x },
    { shape: [k.oc, kh, kw, override?.filterDepth ?? k.c], scale: k.wScales, axis: 0, values: override?.wt ?? k.wt, constant: true },
    { shape: [k.oc], dtype: 'int32', values: k.bias, constant: true },
    { shape: [k.n, oh, ow, k.oc], scale: k.outScale, zp: k.outZp },
  );
  return { values, oh, ow };
}

describe('CONV_2D reference kernel', () => {
  it('matches a hand-worked 3x3 input, 2x2 filter example', () => {
    // in q = 0..8, zp -1 -> q - zp = 1..9; filter [[1,2],[3,4]]; bias 4.
    // multiplier = 0.5 * 0.25 / 1 = 0.125 = 2^30 * 2^-31 with shift -2. TFLM rounds twice:
    // SRDHM(acc, 2^30) = floor((acc + 1) / 2), then a rounding right shift by 2 (halves away from zero).
    // (0,0): 1*1+2*2+4*3+5*4 = 37, +4 = 41 -> 21 -> 5.25 -> 5, +zp 3 = 8
    // (0,1): 2*1+3*2+5*3+6*4 = 47, +4 = 51 -> 26 -> 6.5 -> 7 -> 10   (51/8 = 6.375: the double rounding shows)
    // (1,0): 4*1+5*2+7*3+8*4 = 67, +4 = 71 -> 36 -> 9 -> 12
    // (1,1): 5*1+6*2+8*3+9*4 = 77, +4 = 81 -> 41 -> 10.25 -> 10 -> 13
    const input: Spec = { shape: [1, 3, 3, 1], scale: 0.5, zp: -1, values: [0, 1, 2, 3, 4, 5, 6, 7, 8] };
    const filter: Spec = { shape: [1, 2, 2, 1], scale: 0.25, values: [1, 2, 3, 4], constant: true };
    const bias: Spec = { shape: [1], dtype: 'int32', values: [4], constant: true };
    const output: Spec = { shape: [1, 2, 2, 1], scale: 1, zp: 3 };
    expect(conv({}, input, filter, bias, output)).toEqual([8, 10, 12, 13]);
    // A fused activation clamp [9, 127] lifts the first value only.
    expect(conv({ clamp: [9, 127] }, input, filter, bias, output)).toEqual([9, 10, 12, 13]);
    // Without bias: 37 -> 19 -> 4.75 -> 5 -> 8; 47 -> 24 -> 6 -> 9.
    expect(conv({}, input, filter, null, output).slice(0, 2)).toEqual([8, 9]);
  });

  it('derives one multiplier per output channel in double precision', () => {
    const inScale = Math.fround(0.0123), outScale = Math.fround(0.0456);
    const wScales = [0.001, 0.002, 0.0037].map(Math.fround);
    const { op } = buildOp(
      'CONV_2D',
      { stride: [1, 1], dilation: [1, 1], pad: noPad, clamp: [-128, 127] },
      [{ shape: [1, 2, 2, 2], scale: inScale, zp: 5 }, { shape: [3, 1, 1, 2], scale: wScales, axis: 0, values: new Array(6).fill(1), constant: true }, null],
      { shape: [1, 2, 2, 3], scale: outScale, zp: -7 },
    );
    expect(op.params!.inputOffset).toBe(-5);
    expect(op.params!.outputOffset).toBe(-7);
    expect(op.params!.multiplier.length).toBe(3);
    wScales.forEach((s, i) => {
      const real = (inScale * s) / outScale;
      // multiplier * 2^(shift - 31) reproduces the real multiplier to 31 bits.
      const back = op.params!.multiplier[i]! * 2 ** (op.params!.shift[i]! - 31);
      expect(Math.abs(back - real) / real).toBeLessThan(2 ** -30);
      expect(op.params!.multiplier[i]!).toBeGreaterThanOrEqual(2 ** 30);
    });
  });

  it('explicit padding equals PAD with the input zero point followed by an unpadded conv', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const k = randomCase(seed, seed % 2 === 0);
      const r = rng(seed + 100);
      const pad = { top: r.int(0, 2), bottom: r.int(0, 2), left: r.int(0, 2), right: r.int(0, 2) };
      const direct = runCase(k, { pad });
      const ph = k.h + pad.top + pad.bottom, pw = k.w + pad.left + pad.right;
      const padded = Array.from(
        runOp('PAD', { paddings: [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]] },
          [{ shape: [k.n, k.h, k.w, k.c], scale: k.inScale, zp: k.inZp, values: k.x }, { shape: [4, 2], dtype: 'int32', values: [0, 0, pad.top, pad.bottom, pad.left, pad.right, 0, 0], constant: true }],
          { shape: [k.n, ph, pw, k.c], scale: k.inScale, zp: k.inZp }),
      );
      const viaPad = runCase(k, {}, { x: padded, h: ph, w: pw });
      expect(direct.values).toEqual(viaPad.values);
      expect(distinct(direct.values)).toBeGreaterThan(1);
    }
  });

  it('stride s equals stride 1 then keeping every s-th output', () => {
    for (let seed = 20; seed < 30; seed++) {
      const k = randomCase(seed, true);
      const r = rng(seed);
      const s: [number, number] = [r.int(1, 3), r.int(1, 3)];
      const pad = { top: r.int(0, 1), bottom: r.int(0, 1), left: r.int(0, 1), right: r.int(0, 1) };
      const strided = runCase(k, { stride: s, pad });
      const dense = runCase(k, { pad });
      const expected: number[] = [];
      for (let n = 0; n < k.n; n++)
        for (let y = 0; y < strided.oh; y++)
          for (let x = 0; x < strided.ow; x++)
            for (let c = 0; c < k.oc; c++) expected.push(dense.values[((n * dense.oh + y * s[0]) * dense.ow + x * s[1]) * k.oc + c]!);
      expect(strided.values).toEqual(expected);
    }
  });

  it('dilation d equals a conv with the zero-dilated kernel', () => {
    for (let seed = 40; seed < 50; seed++) {
      const k = randomCase(seed, seed % 2 === 1);
      const r = rng(seed);
      const d: [number, number] = [r.int(1, 3), r.int(1, 3)];
      const h = k.h + 4, w = k.w + 4;
      const x = rng(seed + 7).int8s(k.n * h * k.c * w);
      const pad = { top: r.int(0, 2), bottom: r.int(0, 2), left: r.int(0, 2), right: r.int(0, 2) };
      const dilated = runCase(k, { dilation: d, pad }, { x, h, w });
      const ekh = (k.kh - 1) * d[0] + 1, ekw = (k.kw - 1) * d[1] + 1;
      const wide = new Array<number>(k.oc * ekh * ekw * k.c).fill(0);
      for (let o = 0; o < k.oc; o++)
        for (let ky = 0; ky < k.kh; ky++)
          for (let kx = 0; kx < k.kw; kx++)
            for (let c = 0; c < k.c; c++)
              wide[((o * ekh + ky * d[0]) * ekw + kx * d[1]) * k.c + c] = k.wt[((o * k.kh + ky) * k.kw + kx) * k.c + c]!;
      const expanded = runCase(k, { pad }, { x, h, w, wt: wide, kh: ekh, kw: ekw });
      expect(dilated.values).toEqual(expanded.values);
    }
  });

  it('per-channel scales equal running each output channel per-tensor', () => {
    for (let seed = 60; seed < 66; seed++) {
      const k = randomCase(seed, true);
      const pad = { top: 1, bottom: 0, left: 0, right: 1 };
      const all = runCase(k, { pad });
      const per = k.kh * k.kw * k.c;
      for (let o = 0; o < k.oc; o++) {
        const single: typeof k = { ...k, oc: 1, wScales: [k.wScales[o]!], wt: k.wt.slice(o * per, (o + 1) * per), bias: [k.bias[o]!] };
        const one = runCase(single, { pad });
        const column = all.values.filter((_, i) => i % k.oc === o);
        expect(column).toEqual(one.values);
      }
    }
  });

  it('grouped convolution equals separate convolutions over each channel group', () => {
    const r = rng(77);
    const groups = 2, cPerGroup = 2, ocPerGroup = 3, h = 5, w = 4, kh = 3, kw = 2;
    const x = r.int8s(h * w * groups * cPerGroup);
    const wt = r.int8s(groups * ocPerGroup * kh * kw * cPerGroup, -127, 127);
    const bias = Array.from({ length: groups * ocPerGroup }, () => r.int(-500, 500));
    const q = { inScale: 0.02, inZp: 3, wScales: [0.01], outScale: 0.02 * 0.01 * 30, outZp: -2 };
    const grouped = runCase({ n: 1, h, w, c: groups * cPerGroup, oc: groups * ocPerGroup, kh, kw, x, wt, bias, ...q }, {}, { filterDepth: cPerGroup });
    for (let g = 0; g < groups; g++) {
      const xg: number[] = [];
      for (let p = 0; p < h * w; p++) for (let c = 0; c < cPerGroup; c++) xg.push(x[p * groups * cPerGroup + g * cPerGroup + c]!);
      const per = ocPerGroup * kh * kw * cPerGroup;
      const part = runCase({ n: 1, h, w, c: cPerGroup, oc: ocPerGroup, kh, kw, x: xg, wt: wt.slice(g * per, (g + 1) * per), bias: bias.slice(g * ocPerGroup, (g + 1) * ocPerGroup), ...q }, {});
      const column = grouped.values.filter((_, i) => Math.floor((i % (groups * ocPerGroup)) / ocPerGroup) === g);
      expect(column).toEqual(part.values);
    }
  });
});
