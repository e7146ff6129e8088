// Elementwise and reduction kernels for the shapes training makes (same shape, scalar, a bias, a pooled
// [B,1,1,C] against [B,H,W,C]; reductions over one run of axes), as plain loops over the cpu backend's arrays:
// the profile showed tfjs cpu's general broadcasting loops (an index modulo per element) costing more
// than all the conv kernels together. Anything else falls back to the cpu kernel.
import { backend_util, util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

type Args = Parameters<KernelFunc>[0];
type Fallback = KernelFunc;

const values = (backend: MathBackendCPU, t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array;

/**
 * How `small` broadcasts against `big`: equal except one contiguous run of axes where `small` is 1, as
 * [outer, run, inner] element counts of `big` (same shape: run 1; a bias: outer 1; a scalar: all run).
 */
export function broadcastRun(big: number[], small: number[]): [number, number, number] | null {
  if (small.length > big.length) return null;
  const padded = [...new Array<number>(big.length - small.length).fill(1), ...small];
  const differ = big.map((d, i) => (padded[i] === d ? -1 : padded[i] === 1 ? i : -2)).filter((i) => i !== -1);
  if (differ.includes(-2) || differ.some((d, i) => i > 0 && d !== differ[i - 1]! + 1)) return null;
  if (differ.length === 0) return [util.sizeFromShape(big), 1, 1];
  const p = differ[0]!;
  const q = differ[differ.length - 1]!;
  return [util.sizeFromShape(big.slice(0, p)), util.sizeFromShape(big.slice(p, q + 1)), util.sizeFromShape(big.slice(q + 1))];
}

/** out[at + j] = big[at + j] op small[from + j] (or small op big when `smallFirst`) for j < n. */
type RunLoop = (out: Float32Array, big: Float32Array, small: Float32Array, at: number, from: number, n: number, smallFirst: boolean) => void;

// One loop per op, written out: a loop calling `op(x, y)` shared by all four ops is one call site V8 sees
// megamorphic (never inlined; the DS-CNN profile spent 40% of training CPU there).
const ADD_LOOP: RunLoop = (out, big, small, at, from, n) => {
  for (let j = 0; j < n; j++) out[at + j] = big[at + j]! + small[from + j]!;
};
const SUB_LOOP: RunLoop = (out, big, small, at, from, n, smallFirst) => {
  if (smallFirst) for (let j = 0; j < n; j++) out[at + j] = small[from + j]! - big[at + j]!;
  else for (let j = 0; j < n; j++) out[at + j] = big[at + j]! - small[from + j]!;
};
const MUL_LOOP: RunLoop = (out, big, small, at, from, n) => {
  for (let j = 0; j < n; j++) out[at + j] = big[at + j]! * small[from + j]!;
};
const DIV_LOOP: RunLoop = (out, big, small, at, from, n, smallFirst) => {
  if (smallFirst) for (let j = 0; j < n; j++) out[at + j] = small[from + j]! / big[at + j]!;
  else for (let j = 0; j < n; j++) out[at + j] = big[at + j]! / small[from + j]!;
};

/** a op b elementwise when one operand broadcasts against the other along one run of axes. */
function binary(loop: RunLoop) {
  return (args: Args, fallback: Fallback): TensorInfo | TensorInfo[] => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const backend = args.backend as MathBackendCPU;
    const aBig = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape);
    const [big, small] = aBig ? [a, b] : [b, a];
    const run = broadcastRun(big.shape, small.shape);
    if (run === null) return fallback(args);
    const [outer, mid, inner] = run;
    const bv = values(backend, big);
    const sv = values(backend, small);
    const out = new Float32Array(bv.length);
    for (let o = 0; o < outer; o++) {
      for (let m = 0; m < mid; m++) loop(out, bv, sv, (o * mid + m) * inner, o * inner, inner, !aBig);
    }
    return backend.makeTensorInfo(big.shape, 'float32', out);
  };
}

/** out[i] = op(x[i]) for every i; one loop per op, written out (see ADD_LOOP). */
type UnaryLoop = (out: Float32Array, x: Float32Array, attrs: Record<string, unknown>) => void;

const RELU_LOOP: UnaryLoop = (out, x) => {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! < 0 ? 0 : x[i]!;
};
const RELU6_LOOP: UnaryLoop = (out, x) => {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! < 0 ? 0 : x[i]! > 6 ? 6 : x[i]!;
};
const STEP_LOOP: UnaryLoop = (out, x, attrs) => {
  const alpha = (attrs.alpha as number | undefined) ?? 0;
  for (let i = 0; i < x.length; i++) out[i] = Number.isNaN(x[i]!) ? NaN : x[i]! > 0 ? 1 : alpha;
};

function unary(loop: UnaryLoop) {
  return (args: Args, fallback: Fallback): TensorInfo | TensorInfo[] => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return fallback(args);
    const backend = args.backend as MathBackendCPU;
    const xv = values(backend, x);
    const out = new Float32Array(xv.length);
    loop(out, xv, (args.attrs ?? {}) as Record<string, unknown>);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };
}

/** Sum or mean over one contiguous run of axes (bias gradients, global pools, row sums), in float64 like tfjs. */
function reduce(mean: boolean) {
  return (args: Args, fallback: Fallback): TensorInfo | TensorInfo[] => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32') return fallback(args);
    const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    if (axes.length === 0 || axes.some((v, i) => i > 0 && v !== axes[i - 1]! + 1)) return fallback(args);
    const backend = args.backend as MathBackendCPU;
    const xv = values(backend, x);
    const outer = util.sizeFromShape(x.shape.slice(0, axes[0]));
    const count = util.sizeFromShape(x.shape.slice(axes[0], axes[axes.length - 1]! + 1));
    const inner = util.sizeFromShape(x.shape.slice(axes[axes.length - 1]! + 1));
    const acc = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let m = 0; m < count; m++) {
        const at = (o * count + m) * inner;
        for (let j = 0; j < inner; j++) acc[o * inner + j]! += xv[at + j]!;
      }
    }
    const out = new Float32Array(acc.length);
    for (let j = 0; j < out.length; j++) out[j] = mean ? acc[j]! / count : acc[j]!;
    const outShape = backend_util.computeOutAndReduceShapes(x.shape, axes)[0];
    return backend.makeTensorInfo(keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape, 'float32', out);
  };
}

/** The kernel ReLU's gradient runs on 'tinyforge': dy · step(x) in one pass (tfjs: step, cast, multiply). */
export const RELU_GRAD = 'TinyforgeReluGrad';

export function reluGrad(args: Args): TensorInfo {
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  const backend = args.backend as MathBackendCPU;
  const g = values(backend, dy);
  const xv = values(backend, x);
  const out = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i]!;
    out[i] = g[i]! * (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0);
  }
  return backend.makeTensorInfo(x.shape, 'float32', out);
}

/** The kernel Relu6's gradient runs on 'tinyforge': dy · (0 < x < 6) in one pass (tfjs: greater, less, and, cast, multiply). */
export const RELU6_GRAD = 'TinyforgeRelu6Grad';

export function relu6Grad(args: Args): TensorInfo {
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  const backend = args.backend as MathBackendCPU;
  const g = values(backend, dy);
  const xv = values(backend, x);
  const out = new Float32Array(xv.length);
  for (let i = 0; i < xv.length; i++) {
    const v = xv[i]!;
    out[i] = g[i]! * (v > 0 && v < 6 ? 1 : 0);
  }
  return backend.makeTensorInfo(x.shape, 'float32', out);
}

/** Kernel name -> fast path with fallback; the semantics of each are tfjs cpu's (NaN stays NaN). */
export const ELEMENTWISE: Readonly<Record<string, (args: Args, fallback: Fallback) => TensorInfo | TensorInfo[]>> = {
  Add: binary(ADD_LOOP),
  Sub: binary(SUB_LOOP),
  Multiply: binary(MUL_LOOP),
  RealDiv: binary(DIV_LOOP),
  Relu: unary(RELU_LOOP),
  Relu6: unary(RELU6_LOOP),
  Step: unary(STEP_LOOP),
  Sum: reduce(false),
  Mean: reduce(true),
};

/**
 * Batch norm over every axis but the last, fused ('tinyforge'): x, γ, β → y, mean, 1/√(variance + ε), variance
 * in three passes over x (mean, centred squares, output), sums in float64. tfjs's ops took five passes.
 */
export const BATCH_NORM = 'TinyforgeBatchNorm';

export function batchNorm(args: Args): TensorInfo[] {
  const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const epsilon = (args.attrs as { epsilon: number }).epsilon;
  const backend = args.backend as MathBackendCPU;
  const xv = values(backend, x);
  const g = values(backend, gamma);
  const b = values(backend, beta);
  const c = g.length;
  const rows = xv.length / c;
  const sum = new Float64Array(c);
  for (let at = 0; at < xv.length; at += c) for (let j = 0; j < c; j++) sum[j]! += xv[at + j]!;
  const mean = Float32Array.from(sum, (s) => s / rows);
  const squares = new Float64Array(c);
  for (let at = 0; at < xv.length; at += c) {
    for (let j = 0; j < c; j++) {
      const d = xv[at + j]! - mean[j]!;
      squares[j]! += d * d;
    }
  }
  const variance = Float32Array.from(squares, (s) => s / rows);
  const invStd = Float32Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  const scale = Float32Array.from(g, (v, j) => v * invStd[j]!);
  const y = new Float32Array(xv.length);
  for (let at = 0; at < xv.length; at += c) for (let j = 0; j < c; j++) y[at + j] = (xv[at + j]! - mean[j]!) * scale[j]! + b[j]!;
  return [backend.makeTensorInfo(x.shape, 'float32', y), ...[mean, invStd, variance].map((v) => backend.makeTensorInfo([c], 'float32', v))];
}

/** Its gradient, fused: dy, x, mean, 1/σ, γ → dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy; two passes. */
export const BATCH_NORM_GRAD = 'TinyforgeBatchNormGrad';

export function batchNormGrad(args: Args): TensorInfo[] {
  const { dy, x, mean, invStd, gamma } = args.inputs as Record<'dy' | 'x' | 'mean' | 'invStd' | 'gamma', TensorInfo>;
  const backend = args.backend as MathBackendCPU;
  const d = values(backend, dy);
  const xv = values(backend, x);
  const m = values(backend, mean);
  const s = values(backend, invStd);
  const g = values(backend, gamma);
  const c = g.length;
  const rows = xv.length / c;
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let at = 0; at < xv.length; at += c) {
    for (let j = 0; j < c; j++) {
      const dv = d[at + j]!;
      dBeta[j]! += dv;
      dGamma[j]! += dv * (xv[at + j]! - m[j]!) * s[j]!;
    }
  }
  const meanDy = Float32Array.from(dBeta, (v) => v / rows);
  const meanDyXHat = Float32Array.from(dGamma, (v) => v / rows);
  const scale = Float32Array.from(g, (v, j) => v * s[j]!);
  const dx = new Float32Array(xv.length);
  for (let at = 0; at < xv.length; at += c) {
    for (let j = 0; j < c; j++) dx[at + j] = (d[at + j]! - meanDy[j]! - (xv[at + j]! - m[j]!) * s[j]! * meanDyXHat[j]!) * scale[j]!;
  }
  return [backend.makeTensorInfo(x.shape, 'float32', dx), backend.makeTensorInfo([c], 'float32', Float32Array.from(dGamma)), backend.makeTensorInfo([c], 'float32', Float32Array.from(dBeta))];
}
