// Real-valued (float64) versions of the builder's layers, NHWC, used to calibrate output scales on a
// "shadow" forward pass (see model-builder.ts). Written for clarity; the graphs here are small.
import type { Padding } from '../ir/ops.js';
import { elementCount } from '../ir/shapes.js';

export type Vec = Float64Array;

export interface ConvGeometry {
  stride: [number, number];
  dilation: [number, number];
  pad: Padding;
}

/** CONV_2D: x [N,H,W,I], filter OHWI [O,KH,KW,I], bias [O] -> [N,OH,OW,O]. */
export function conv2d(x: Vec, xs: readonly number[], w: Vec, ws: readonly number[], bias: Vec, g: ConvGeometry, out: readonly number[]): Vec {
  const [N, H, W, I] = xs as [number, number, number, number];
  const [O, KH, KW] = ws as [number, number, number, number];
  const [, OH, OW] = out as [number, number, number, number];
  const y = new Float64Array(elementCount(out));
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let o = 0; o < O; o++) {
          let acc = bias[o]!;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * g.stride[0] - g.pad.top + ky * g.dilation[0];
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * g.stride[1] - g.pad.left + kx * g.dilation[1];
              if (ix < 0 || ix >= W) continue;
              const xb = ((n * H + iy) * W + ix) * I;
              const wb = ((o * KH + ky) * KW + kx) * I;
              for (let i = 0; i < I; i++) acc += x[xb + i]! * w[wb + i]!;
            }
          }
          y[((n * OH + oy) * OW + ox) * O + o] = acc;
        }
  return y;
}

/** DEPTHWISE_CONV_2D: x [N,H,W,C], filter [1,KH,KW,C*M], bias [C*M] -> [N,OH,OW,C*M]. */
export function depthwiseConv2d(
  x: Vec,
  xs: readonly number[],
  w: Vec,
  ws: readonly number[],
  bias: Vec,
  g: ConvGeometry,
  multiplier: number,
  out: readonly number[],
): Vec {
  const [N, H, W, C] = xs as [number, number, number, number];
  const [, KH, KW, OC] = ws as [number, number, number, number];
  const [, OH, OW] = out as [number, number, number, number];
  const y = new Float64Array(elementCount(out));
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let oc = 0; oc < OC; oc++) {
          const c = Math.floor(oc / multiplier);
          let acc = bias[oc]!;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * g.stride[0] - g.pad.top + ky * g.dilation[0];
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * g.stride[1] - g.pad.left + kx * g.dilation[1];
              if (ix < 0 || ix >= W) continue;
              acc += x[((n * H + iy) * W + ix) * C + c]! * w[(ky * KW + kx) * OC + oc]!;
            }
          }
          y[((n * OH + oy) * OW + ox) * OC + oc] = acc;
        }
  return y;
}

/** FULLY_CONNECTED: x viewed as [B, IN], weights [OUT, IN], bias [OUT] -> [B, OUT]. */
export function fullyConnected(x: Vec, inFeatures: number, w: Vec, outFeatures: number, bias: Vec): Vec {
  const B = x.length / inFeatures;
  const y = new Float64Array(B * outFeatures);
  for (let b = 0; b < B; b++)
    for (let o = 0; o < outFeatures; o++) {
      let acc = bias[o]!;
      for (let i = 0; i < inFeatures; i++) acc += x[b * inFeatures + i]! * w[o * inFeatures + i]!;
      y[b * outFeatures + o] = acc;
    }
  return y;
}

/** AVERAGE_POOL_2D / MAX_POOL_2D (the average counts only the elements inside the input, as TFLite does). */
export function pool2d(
  x: Vec,
  xs: readonly number[],
  filter: [number, number],
  stride: [number, number],
  pad: Padding,
  mode: 'avg' | 'max',
  out: readonly number[],
): Vec {
  const [N, H, W, C] = xs as [number, number, number, number];
  const [, OH, OW] = out as [number, number, number, number];
  const y = new Float64Array(elementCount(out));
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let c = 0; c < C; c++) {
          let acc = mode === 'avg' ? 0 : -Infinity;
          let count = 0;
          for (let ky = 0; ky < filter[0]; ky++) {
            const iy = oy * stride[0] - pad.top + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < filter[1]; kx++) {
              const ix = ox * stride[1] - pad.left + kx;
              if (ix < 0 || ix >= W) continue;
              const v = x[((n * H + iy) * W + ix) * C + c]!;
              acc = mode === 'avg' ? acc + v : Math.max(acc, v);
              count++;
            }
          }
          y[((n * OH + oy) * OW + ox) * C + c] = mode === 'avg' ? acc / Math.max(1, count) : acc;
        }
  return y;
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Numpy-style broadcast output shape, or null when the shapes do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Elementwise binary op with broadcasting. */
export function binary(a: Vec, as: readonly number[], b: Vec, bs: readonly number[], out: readonly number[], f: (x: number, y: number) => number): Vec {
  const rank = out.length;
  const pa = [...new Array<number>(rank - as.length).fill(1), ...as];
  const pb = [...new Array<number>(rank - bs.length).fill(1), ...bs];
  const sa = stridesOf(pa).map((s, i) => (pa[i] === 1 ? 0 : s));
  const sb = stridesOf(pb).map((s, i) => (pb[i] === 1 ? 0 : s));
  const so = stridesOf(out);
  const y = new Float64Array(elementCount(out));
  for (let i = 0; i < y.length; i++) {
    let ia = 0;
    let ib = 0;
    let r = i;
    for (let d = 0; d < rank; d++) {
      const idx = Math.floor(r / so[d]!);
      r -= idx * so[d]!;
      ia += idx * sa[d]!;
      ib += idx * sb[d]!;
    }
    y[i] = f(a[ia]!, b[ib]!);
  }
  return y;
}

/** MEAN over `axes` (sorted, unique); the output keeps the non-reduced dims in order. */
export function mean(x: Vec, xs: readonly number[], axes: readonly number[]): Vec {
  const keptShape = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  const ks = stridesOf(keptShape);
  const xsStrides = stridesOf(xs);
  const y = new Float64Array(elementCount(keptShape));
  const count = elementCount(xs) / y.length;
  for (let i = 0; i < x.length; i++) {
    let r = i;
    let o = 0;
    for (let d = 0; d < xs.length; d++) {
      const idx = Math.floor(r / xsStrides[d]!);
      r -= idx * xsStrides[d]!;
      if (!axes.includes(d)) o += idx * ks[d]!;
    }
    y[o] = y[o]! + x[i]!;
  }
  for (let i = 0; i < y.length; i++) y[i] = y[i]! / count;
  return y;
}

/** PAD with real zeros. */
export function pad(x: Vec, xs: readonly number[], paddings: ReadonlyArray<[number, number]>, out: readonly number[]): Vec {
  const y = new Float64Array(elementCount(out));
  const xStr = stridesOf(xs);
  const oStr = stridesOf(out);
  for (let i = 0; i < x.length; i++) {
    let r = i;
    let o = 0;
    for (let d = 0; d < xs.length; d++) {
      const idx = Math.floor(r / xStr[d]!);
      r -= idx * xStr[d]!;
      o += (idx + paddings[d]![0]) * oStr[d]!;
    }
    y[o] = x[i]!;
  }
  return y;
}

/** CONCATENATION along `axis`. */
export function concatenate(xs: readonly Vec[], shapes: ReadonlyArray<readonly number[]>, axis: number, out: readonly number[]): Vec {
  const y = new Float64Array(elementCount(out));
  const outer = elementCount(out.slice(0, axis));
  const inner = elementCount(out.slice(axis + 1));
  let offset = 0;
  xs.forEach((x, k) => {
    const len = shapes[k]![axis]! * inner;
    for (let o = 0; o < outer; o++) y.set(x.subarray(o * len, (o + 1) * len), o * out[axis]! * inner + offset);
    offset += len;
  });
  return y;
}

/** SOFTMAX over the last dim. */
export function softmax(x: Vec, xs: readonly number[], beta: number): Vec {
  const depth = xs[xs.length - 1]!;
  const y = new Float64Array(x.length);
  for (let b = 0; b < x.length; b += depth) {
    let max = -Infinity;
    for (let i = 0; i < depth; i++) max = Math.max(max, x[b + i]!);
    let sum = 0;
    for (let i = 0; i < depth; i++) sum += (y[b + i] = Math.exp(beta * (x[b + i]! - max)));
    for (let i = 0; i < depth; i++) y[b + i] = y[b + i]! / sum;
  }
  return y;
}
