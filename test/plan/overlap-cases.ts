// Randomized single-op graphs for the overlap-rule sweeps.
import type { DType, Graph } from '../../src/ir/graph.js';
import type { Padding } from '../../src/ir/ops.js';
import { outSizeWithPads } from '../../src/ir/shapes.js';
import { ancillaryBytes, packedBytes, packIndices, type LutLayout } from '../../src/ir/lut.js';
import { singleOpGraph, type Rng, type TSpec } from './overlap-harness.js';

const FULL: [number, number] = [-128, 127];
const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrinkAxis: 0, offset: false };

function padsFor(r: Rng, kh: number, kw: number, allow: boolean): Padding {
  if (!allow) return { top: 0, bottom: 0, left: 0, right: 0 };
  return { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
}

/** CONV_2D: pixelwise (1x1, stride 1, no pad) or general (k x k, stride, dilation, pads, groups). */
export function convCase(r: Rng, pixelwise: boolean): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 7), w = r.int(1, 7);
    const groups = !pixelwise && r.int(0, 3) === 0 ? 2 : 1;
    const cin = r.int(1, 5) * groups, cout = r.int(1, 5) * groups;
    const kh = pixelwise ? 1 : r.int(1, 3), kw = pixelwise ? 1 : r.int(1, 3);
    const stride: [number, number] = pixelwise ? [1, 1] : [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = pixelwise ? [1, 1] : [r.int(1, 2), r.int(1, 2)];
    const pad = padsFor(r, kh, kw, !pixelwise && r.int(0, 2) > 0);
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom);
    const ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const fd = cin / groups;
    const inScale = r.float(0.01, 0.05), w0 = r.float(0.002, 0.02);
    const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
    return singleOpGraph(
      'CONV_2D',
      { stride, dilation, pad, clamp: FULL },
      [
        { shape: [n, h, w, cin], scale: inScale, zp: r.int(-20, 20) },
        { shape: [cout, kh, kw, fd], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * fd, -127, 127) },
        { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -3000, 3000) },
      ],
      { shape: [n, oh, ow, cout], scale: inScale * w0 * Math.sqrt(kh * kw * fd) * 12, zp: r.int(-10, 10) },
    );
  }
}

export function depthwiseCase(r: Rng, multiplier: number): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 7), w = r.int(1, 7), c = r.int(1, 6);
    const kh = r.int(1, 3), kw = r.int(1, 3);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = padsFor(r, kh, kw, r.int(0, 2) > 0);
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom);
    const ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const oc = c * multiplier;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: oc }, () => r.float(0.002, 0.02));
    return singleOpGraph(
      'DEPTHWISE_CONV_2D',
      { stride, dilation, pad, clamp: FULL, depthMultiplier: multiplier },
      [
        { shape: [n, h, w, c], scale: inScale, zp: r.int(-20, 20) },
        { shape: [1, kh, kw, oc], scale: wScales, axis: 3, values: r.ints(kh * kw * oc, -127, 127) },
        { shape: [oc], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(oc, -3000, 3000) },
      ],
      { shape: [n, oh, ow, oc], scale: inScale * wScales[0]! * Math.sqrt(kh * kw) * 12, zp: r.int(-10, 10) },
    );
  }
}

export function poolCase(r: Rng, kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', dtype: 'int8' | 'int16' = 'int8'): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 8), w = r.int(1, 8), c = r.int(1, 5);
    const filter: [number, number] = [r.int(1, Math.min(3, h)), r.int(1, Math.min(3, w))];
    const stride: [number, number] = [r.int(1, 3), r.int(1, 3)];
    const pad = padsFor(r, filter[0], filter[1], r.int(0, 1) === 1);
    const oh = outSizeWithPads(h, filter[0], stride[0], 1, pad.top, pad.bottom);
    const ow = outSizeWithPads(w, filter[1], stride[1], 1, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const q = { scale: 0.05, zp: r.int(-10, 10), dtype };
    const clamp: [number, number] = dtype === 'int8' ? FULL : r.int(0, 1) === 0 ? FULL16 : [r.int(-32768, -1000), r.int(1000, 32767)];
    try {
      return singleOpGraph(kind, { filter, stride, pad, clamp }, [{ shape: [n, h, w, c], ...q }], { shape: [n, oh, ow, c], ...q });
    } catch {
      continue; // a window with no input pixel: refused by the deriver
    }
  }
}

export function fullyConnectedCase(r: Rng): Graph {
  const batches = r.int(2, 5), depth = r.int(1, 12), units = r.int(1, 12);
  const inScale = r.float(0.01, 0.05), wScale = r.float(0.002, 0.02);
  return singleOpGraph(
    'FULLY_CONNECTED',
    { clamp: FULL, keepNumDims: false },
    [
      { shape: [batches, depth], scale: inScale, zp: r.int(-20, 20) },
      { shape: [units, depth], scale: wScale, values: r.ints(units * depth, -127, 127) },
      { shape: [units], dtype: 'int32', scale: inScale * wScale, values: r.ints(units, -3000, 3000) },
    ],
    { shape: [batches, units], scale: inScale * wScale * Math.sqrt(depth) * 12, zp: r.int(-10, 10) },
  );
}

function randomShape(r: Rng, maxRank = 4, maxDim = 5): number[] {
  return Array.from({ length: r.int(1, maxRank) }, () => r.int(1, maxDim));
}

/** ADD/SUB/MUL/MAXIMUM/MINIMUM/SQUARED_DIFFERENCE/DIV; the second operand is broadcast (a [.., 1, C]-like shape) one time in three. */
export function binaryCase(r: Rng, kind: 'ADD' | 'SUB' | 'MUL' | 'MAXIMUM' | 'MINIMUM' | 'SQUARED_DIFFERENCE' | 'DIV'): Graph {
  const shape = randomShape(r);
  const broadcast = r.int(0, 2) === 0;
  const other = broadcast ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : shape;
  const [a, b]: TSpec[] = [
    { shape, scale: r.float(0.01, 0.1), zp: r.int(-20, 20) },
    { shape: other, scale: r.float(0.01, 0.1), zp: r.int(-20, 20) },
  ];
  const swap = r.int(0, 1) === 1; // the broadcast operand on either side
  const operands = swap ? [b!, a!] : [a!, b!];
  const out = { shape, scale: r.float(0.02, 0.2), zp: r.int(-20, 20) };
  if (kind === 'MAXIMUM' || kind === 'MINIMUM') return singleOpGraph(kind, {}, operands, out);
  // Squares of differences up to ~10: an output scale that covers them, zero point near the bottom.
  if (kind === 'SQUARED_DIFFERENCE') return singleOpGraph(kind, {}, operands, { shape, scale: r.float(0.005, 0.2), zp: r.int(-128, -100) });
  // Quotients of values near their zero points reach far: a wider output scale (saturating where they do).
  if (kind === 'DIV') return singleOpGraph(kind, { clamp: FULL }, operands, { shape, scale: r.float(0.05, 0.5), zp: r.int(-20, 20) });
  return singleOpGraph(kind, { clamp: FULL }, operands, out);
}

export const UNARY_KINDS = [
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH',
  'QUANTIZE int8->int8', 'QUANTIZE int8->int16', 'QUANTIZE int16->int8', 'QUANTIZE float32->int8',
  'DEQUANTIZE int8->float32', 'DEQUANTIZE int16->float32', 'SOFTMAX int8->int8', 'SOFTMAX int8->int16',
  'ABS', 'ABS same scale', 'RSQRT',
  'ELU', 'LOG_SOFTMAX',
] as const;
export type UnaryCase = (typeof UNARY_KINDS)[number];

export function unaryCase(r: Rng, which: UnaryCase, shape = randomShape(r)): Graph {
  const si = r.float(0.02, 0.1), zi = r.int(-20, 20);
  const t = (dtype: DType, scale?: number, zp?: number): TSpec => (scale === undefined ? { shape, dtype } : { shape, dtype, scale, zp: zp ?? 0 });
  switch (which) {
    case 'RELU':
    case 'RELU6':
    case 'RELU_N1_TO_1':
    case 'HARD_SWISH':
      return singleOpGraph(which, {}, [t('int8', si, zi)], t('int8', r.float(0.02, 0.1), r.int(-20, 20)));
    case 'LEAKY_RELU':
      return singleOpGraph('LEAKY_RELU', { alpha: r.float(0.05, 0.5) }, [t('int8', si, zi)], t('int8', r.float(0.02, 0.1), r.int(-20, 20)));
    case 'LOGISTIC':
      return singleOpGraph('LOGISTIC', {}, [t('int8', si, zi)], t('int8', 1 / 256, -128));
    case 'TANH':
      return singleOpGraph('TANH', {}, [t('int8', si, zi)], t('int8', 1 / 128, 0));
    case 'QUANTIZE int8->int8':
      return singleOpGraph('QUANTIZE', {}, [t('int8', si, zi)], t('int8', r.float(0.02, 0.1), r.int(-20, 20)));
    case 'QUANTIZE int8->int16':
      return singleOpGraph('QUANTIZE', {}, [t('int8', si, zi)], t('int16', si / 64, 0));
    case 'QUANTIZE int16->int8':
      return singleOpGraph('QUANTIZE', {}, [t('int16', si / 256, 0)], t('int8', si, zi));
    case 'QUANTIZE float32->int8':
      return singleOpGraph('QUANTIZE', {}, [t('float32')], t('int8', r.float(0.1, 0.5), zi));
    case 'DEQUANTIZE int8->float32':
      return singleOpGraph('DEQUANTIZE', {}, [t('int8', si, zi)], t('float32'));
    case 'DEQUANTIZE int16->float32':
      return singleOpGraph('DEQUANTIZE', {}, [t('int16', si / 256, 0)], t('float32'));
    case 'SOFTMAX int8->int8':
      return singleOpGraph('SOFTMAX', { beta: 1 }, [t('int8', si, zi)], t('int8', 1 / 256, -128));
    case 'SOFTMAX int8->int16':
      return singleOpGraph('SOFTMAX', { beta: 1 }, [t('int8', si, zi)], t('int16', 1 / 65536, -32768));
    case 'ABS':
      return singleOpGraph('ABS', {}, [t('int8', si, zi)], t('int8', r.float(0.02, 0.1), r.int(-128, 0)));
    case 'ABS same scale':
      return singleOpGraph('ABS', {}, [t('int8', si, zi)], t('int8', si, r.int(-128, 0)));
    case 'RSQRT':
      // Every stored value at or above the input zero point: TFLM's Invoke fails below it.
      return singleOpGraph('RSQRT', {}, [t('int8', r.float(0.01, 1), -128)], t('int8', r.float(0.005, 0.05), r.int(-128, 0)));
    case 'ELU':
      return singleOpGraph('ELU', {}, [t('int8', si, zi)], t('int8', r.float(0.02, 0.1), r.int(-20, 20)));
    case 'LOG_SOFTMAX':
      return singleOpGraph('LOG_SOFTMAX', {}, [t('int8', si, zi)], t('int8', 16 / 256, 127));
  }
}

/** int16 LOGISTIC / TANH (zero points 0, output 2^-15): `pot` gives the power-of-two input scale TFLM's fast path takes (2^-12; TANH 2^-11), else a general one. */
export function sigmoidTanh16Case(r: Rng, kind: 'LOGISTIC' | 'TANH', pot: boolean): Graph {
  const shape = randomShape(r);
  const scale = pot ? (kind === 'TANH' && r.int(0, 1) === 1 ? 1 / 2048 : 1 / 4096) : r.float(0.02, 0.1) / 256;
  return singleOpGraph(kind, {}, [{ shape, dtype: 'int16', scale, zp: 0 }], { shape, dtype: 'int16', scale: 1 / 32768, zp: 0 });
}

/** int16 -> int16 SOFTMAX (output 1/32768, zero points 0), beta 1 or random. */
export function softmax16Case(r: Rng): Graph {
  const shape = randomShape(r);
  const beta = r.int(0, 1) === 1 ? 1 : r.float(0.5, 2);
  return singleOpGraph('SOFTMAX', { beta }, [{ shape, dtype: 'int16', scale: r.float(0.0002, 0.002), zp: 0 }], { shape, dtype: 'int16', scale: 1 / 32768, zp: 0 });
}

export function padCase(r: Rng, kind: 'PAD' | 'PADV2', dtype: DType = 'int8'): Graph {
  const shape = randomShape(r, 4, 4);
  const paddings = shape.map(() => [r.int(0, 2), r.int(0, 2)] as [number, number]);
  const outShape = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const q: Partial<TSpec> = dtype === 'int8' ? { scale: 0.1, zp: r.int(-20, 20) } : {};
  const inputs: TSpec[] = [
    { shape, dtype, ...q },
    { shape: [shape.length, 2], dtype: 'int32', values: paddings.flat() },
  ];
  if (kind === 'PADV2') inputs.push({ shape: [], dtype, ...q, values: [r.int(-100, 100)] });
  return singleOpGraph(kind, { paddings }, inputs, { shape: outShape, dtype, ...q });
}

export function stridedSliceCase(r: Rng, allowNegative: boolean): Graph {
  const shape = randomShape(r, 4, 6);
  const begin: number[] = [], end: number[] = [], strides: number[] = [];
  for (const d of shape) {
    const s = r.int(1, 3) * (allowNegative && r.int(0, 3) === 0 ? -1 : 1);
    const b = r.int(0, d - 1);
    if (s > 0) begin.push(b), end.push(r.int(b + 1, d)), strides.push(s);
    else begin.push(b), end.push(r.int(-1, b - 1)), strides.push(s);
  }
  const counts = begin.map((b, i) => Math.max(0, Math.ceil(strides[i]! > 0 ? (end[i]! - b) / strides[i]! : (b - end[i]!) / -strides[i]!)));
  const q = { scale: 0.1, zp: 3 };
  return singleOpGraph('STRIDED_SLICE', { begin, end, strides, masks }, [{ shape, ...q }], { shape: counts, ...q });
}

/** A random permutation of a random rank-3/4 shape, NCHW -> NHWC among them. */
export function transposeCase(r: Rng): Graph {
  const shape = randomShape(r, 4, 5);
  const perm = shape.map((_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const q = { scale: 0.1, zp: 3 };
  return singleOpGraph('TRANSPOSE', { perm }, [{ shape, ...q }], { shape: perm.map((p) => shape[p]!), ...q });
}

export function resizeCase(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 5), w = r.int(1, 5), c = r.int(1, 3), oh = r.int(1, 9), ow = r.int(1, 9);
  const alignCorners = r.int(0, 1) === 1;
  const q = { scale: 0.05, zp: 1 };
  return singleOpGraph('RESIZE_NEAREST_NEIGHBOR', { alignCorners, halfPixelCenters: !alignCorners && r.int(0, 1) === 1 }, [
    { shape: [n, h, w, c], ...q }, { shape: [2], dtype: 'int32', values: [oh, ow] },
  ], { shape: [n, oh, ow, c], ...q });
}

export function reshapeCase(r: Rng): Graph {
  const a = r.int(1, 6), b = r.int(1, 6);
  return singleOpGraph('RESHAPE', {}, [{ shape: [a, b], scale: 0.1, zp: 0 }], { shape: [a * b], scale: 0.1, zp: 0 });
}

const FULL16: [number, number] = [-32768, 32767];

/** int64 bias values around +-2^32 (beyond int32, as 16x8 biases may be). */
function wideBias(r: Rng, n: number): number[] {
  return Array.from({ length: n }, () => r.int(-(1 << 20), 1 << 20) * 4096 + r.int(0, 4095));
}

/**
 * A 16x8 CONV_2D: int16 activations (zero points 0), int8 weights, an int64 bias; strides, dilations, pads,
 * groups. `wide`: up to 24 input and 13 output channels and 4x4 windows (the kernels' blocks of 4 output
 * channels and 8 or 4 taps, and their tails).
 */
export function conv16Case(r: Rng, wide = false): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 7), w = r.int(1, 7);
    const groups = r.int(0, 3) === 0 ? 2 : 1;
    const cin = (wide ? r.int(1, 12) : r.int(1, 5)) * groups, cout = (wide ? r.int(1, 13) : r.int(1, 5)) * groups;
    const kh = r.int(1, wide ? 4 : 3), kw = r.int(1, wide ? 4 : 3);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = padsFor(r, kh, kw, r.int(0, 2) > 0);
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom);
    const ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const fd = cin / groups;
    const inScale = r.float(0.0001, 0.001), w0 = r.float(0.002, 0.02);
    const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
    const bias = r.int(0, 3) === 0 ? null : { shape: [cout], dtype: 'int64' as const, scale: wScales.map((s) => s * inScale), values: wideBias(r, cout) };
    return singleOpGraph(
      'CONV_2D',
      { stride, dilation, pad, clamp: r.int(0, 1) === 0 ? FULL16 : [r.int(-32768, -1000), r.int(1000, 32767)] },
      [
        { shape: [n, h, w, cin], dtype: 'int16', scale: inScale, zp: 0 },
        { shape: [cout, kh, kw, fd], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * fd, -127, 127) },
        bias,
      ],
      { shape: [n, oh, ow, cout], dtype: 'int16', scale: inScale * w0 * Math.sqrt(kh * kw * fd) * 40, zp: 0 },
    );
  }
}

/**
 * DEPTHWISE_CONV_2D 16x8: depth multiplier 1-3, per-channel scales, an int64 bias or none, clamped or not.
 * `wide`: up to 20 channels, mostly multiplier 1 (the kernels' groups of 8 channels and their tails).
 */
export function dw16Case(r: Rng, wide = false): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 7), w = r.int(1, 7), c = r.int(1, wide ? 20 : 6), m = wide && r.int(0, 3) > 0 ? 1 : r.int(1, 3);
    const kh = r.int(1, 3), kw = r.int(1, 3);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = padsFor(r, kh, kw, r.int(0, 2) > 0);
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom);
    const ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const oc = c * m;
    const inScale = r.float(0.0001, 0.001);
    const wScales = Array.from({ length: oc }, () => r.float(0.002, 0.02));
    const bias = r.int(0, 3) === 0 ? null : { shape: [oc], dtype: 'int64' as const, scale: wScales.map((s) => s * inScale), values: wideBias(r, oc) };
    return singleOpGraph(
      'DEPTHWISE_CONV_2D',
      { stride, dilation, pad, clamp: r.int(0, 1) === 0 ? FULL16 : [r.int(-32768, -1000), r.int(1000, 32767)], depthMultiplier: m },
      [
        { shape: [n, h, w, c], dtype: 'int16', scale: inScale, zp: 0 },
        { shape: [1, kh, kw, oc], scale: wScales, axis: 3, values: r.ints(kh * kw * oc, -127, 127) },
        bias,
      ],
      { shape: [n, oh, ow, oc], dtype: 'int16', scale: inScale * wScales[0]! * Math.sqrt(kh * kw) * 40, zp: 0 },
    );
  }
}

/**
 * FULLY_CONNECTED 16x8: per-tensor or per-unit weight scales, an int64 bias or none, clamped or not. `wide`:
 * rows of up to 600 (partial sums flushed every 256 taps).
 */
export function fc16Case(r: Rng, wide = false): Graph {
  const batches = r.int(1, 4), depth = r.int(1, wide ? 600 : 40), units = r.int(1, 12);
  const inScale = r.float(0.0001, 0.001);
  const wScales = r.int(0, 1) === 0 ? [r.float(0.002, 0.02)] : Array.from({ length: units }, () => r.float(0.002, 0.02));
  const bias = r.int(0, 3) === 0 ? null : { shape: [units], dtype: 'int64' as const, scale: wScales.map((s) => s * inScale), values: wideBias(r, units) };
  return singleOpGraph(
    'FULLY_CONNECTED',
    { clamp: r.int(0, 1) === 0 ? FULL16 : [r.int(-32768, -1000), r.int(1000, 32767)], keepNumDims: false },
    [
      { shape: [batches, depth], dtype: 'int16', scale: inScale, zp: 0 },
      { shape: [units, depth], scale: wScales, axis: 0, values: r.ints(units * depth, -127, 127) },
      bias,
    ],
    { shape: [batches, units], dtype: 'int16', scale: inScale * wScales[0]! * Math.sqrt(depth) * 40, zp: 0 },
  );
}

/** int16 ADD / SUB (left shift 15), MUL and SQUARED_DIFFERENCE, with or without broadcasting. */
export function binary16Case(r: Rng, kind: 'ADD' | 'SUB' | 'MUL' | 'SQUARED_DIFFERENCE'): Graph {
  const shape = randomShape(r);
  const broadcast = r.int(0, 2) === 0;
  const other = broadcast ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : shape;
  const sa = r.float(0.0001, 0.001), sb = r.float(0.0001, 0.001);
  const a: TSpec = { shape, dtype: 'int16', scale: sa, zp: 0 };
  const b: TSpec = { shape: other, dtype: 'int16', scale: sb, zp: 0 };
  const operands = r.int(0, 1) === 1 ? [b, a] : [a, b];
  if (kind === 'SQUARED_DIFFERENCE') return singleOpGraph(kind, {}, operands, { shape, dtype: 'int16', scale: r.float(0.0005, 0.05), zp: 0 });
  // MUL: products of up to 2^30 brought back to int16, some saturating; a fused clamp one time in two
  if (kind === 'MUL') return singleOpGraph(kind, { clamp: r.int(0, 1) === 0 ? FULL16 : [r.int(-32768, -1000), r.int(1000, 32767)] }, operands, { shape, dtype: 'int16', scale: sa * sb * r.float(2000, 40000), zp: 0 });
  return singleOpGraph(kind, { clamp: FULL16 }, operands, { shape, dtype: 'int16', scale: r.float(0.0002, 0.002), zp: 0 });
}

/**
 * TRANSPOSE_CONV, int8 (zero points, int32 bias) or 16x8 (int64 bias): SAME or VALID output sizes for the
 * stride, TFLM's pads (a convolution's from the output size), sometimes without a bias (16x8: int64 or int16).
 */
export function transposeConvCase(r: Rng, dtype: 'int8' | 'int16'): Graph {
  const n = r.int(1, 2), h = r.int(1, 5), w = r.int(1, 5), cin = r.int(1, 6), cout = r.int(1, 6);
  const kh = r.int(1, 4), kw = r.int(1, 4);
  const stride: [number, number] = [r.int(1, 3), r.int(1, 3)];
  const same = r.int(0, 1) === 0;
  const outSize = (size: number, k: number, s: number) => (same ? size * s : (size - 1) * s + k);
  const oh = outSize(h, kh, stride[0]), ow = outSize(w, kw, stride[1]);
  // ComputePaddingHeightWidth over the output size: total = (in - 1) * stride + k - out, half before.
  const before = (out: number, k: number, s: number, size: number) => Math.floor(Math.max((size - 1) * s + k - out, 0) / 2);
  const pad = { top: before(oh, kh, stride[0], h), left: before(ow, kw, stride[1], w) };
  const wide = dtype === 'int16';
  const inScale = wide ? r.float(0.0001, 0.001) : r.float(0.01, 0.05);
  const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
  const bias = r.int(0, 3) === 0
    ? null
    : wide
      ? r.int(0, 2) === 0
        ? { shape: [cout], dtype: 'int16' as const, scale: wScales.map((s) => s * inScale), values: r.ints(cout, -32768, 32767) } // TFLM widens it
        : { shape: [cout], dtype: 'int64' as const, scale: wScales.map((s) => s * inScale), values: wideBias(r, cout) }
      : { shape: [cout], dtype: 'int32' as const, scale: wScales.map((s) => s * inScale), values: r.ints(cout, -3000, 3000) };
  const taps = Math.ceil(kh / stride[0]) * Math.ceil(kw / stride[1]) * cin;
  return singleOpGraph(
    'TRANSPOSE_CONV',
    { stride, pad, clamp: wide ? FULL16 : FULL },
    [
      { shape: [4], dtype: 'int32', values: [n, oh, ow, cout] },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [n, h, w, cin], dtype, scale: inScale, zp: wide ? 0 : r.int(-20, 20) },
      bias,
    ],
    { shape: [n, oh, ow, cout], dtype, scale: inScale * 0.01 * Math.sqrt(taps) * (wide ? 40 : 12), zp: wide ? 0 : r.int(-10, 10) },
  );
}

/** DECODE (TFLM LUT): random bit width 1..7, table stride up to 2^bits, channels along axis 0 or the last axis. */
export function decodeCase(r: Rng): Graph {
  const bitWidth = r.int(1, 7);
  const valueStride = r.int(1, 1 << bitWidth);
  const channels = r.int(1, 6);
  const channelAxisLast = channels > 1 && r.int(0, 1) === 1;
  const inner = [r.int(1, 3), r.int(1, 4)];
  const shape = channelAxisLast ? [1, ...inner, channels] : [channels, ...inner, 1];
  const count = shape.reduce((a, b) => a * b, 1);
  const layout: LutLayout = { bitWidth, valueStride, channels, channelAxisLast };
  const indices = Array.from({ length: count }, () => r.int(0, valueStride - 1));
  const tables = Array.from({ length: channels * valueStride }, () => r.int(-128, 127));
  return singleOpGraph(
    'DECODE',
    layout,
    [
      { shape: [packedBytes(count, bitWidth)], dtype: 'uint8', values: packIndices(indices, bitWidth) },
      { shape: [16 + channels * valueStride], dtype: 'uint8', values: ancillaryBytes(layout, tables) },
    ],
    { shape, scale: Array.from({ length: channels }, () => 0.01), axis: channelAxisLast ? 3 : 0 },
  );
}

/**
 * FULLY_CONNECTED whose filter is stored LUT-compressed (what src/passes/fuse-decode.ts makes): random bit
 * width 1..7 and table stride, one table or one per unit, depths whose rows start mid-byte. The filter's
 * `data` holds the decoded values, so the reference computes the snapped int8 model the kernels must match.
 */
export function fullyConnectedLutCase(r: Rng): Graph {
  const batches = r.int(1, 3), depth = r.int(1, 40), units = r.int(1, 13);
  const bitWidth = r.int(1, 7);
  const valueStride = r.int(1, 1 << bitWidth);
  const channels = r.int(0, 2) === 0 ? 1 : units;
  const layout: LutLayout = { bitWidth, valueStride, channels, channelAxisLast: false };
  const indices = Array.from({ length: units * depth }, () => r.int(0, valueStride - 1));
  const tables = Array.from({ length: channels * valueStride }, () => r.int(-127, 127));
  const values = indices.map((v, i) => tables[(channels === 1 ? 0 : Math.floor(i / depth)) * valueStride + v]!);
  const inScale = r.float(0.01, 0.05), wScale = r.float(0.002, 0.02);
  const graph = singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false }, [
    { shape: [batches, depth], scale: inScale, zp: r.int(-128, 127) },
    { shape: [units, depth], scale: channels === 1 ? wScale : Array.from({ length: units }, () => wScale), axis: 0, values },
    { shape: [units], dtype: 'int32', scale: inScale * wScale, values: r.ints(units, -30000, 30000) },
  ], { shape: [batches, units], scale: inScale * wScale * Math.sqrt(depth) * 12, zp: r.int(-10, 10) });
  const filter = graph.ops[0]!.inputs[1]!;
  graph.tensors[filter] = { ...graph.tensors[filter]!, lut: { packed: packIndices(indices, bitWidth), ancillary: ancillaryBytes(layout, tables), ...layout } };
  return graph;
}

/**
 * The filter of a single-op graph (input 1, quantized along axis 0) replaced by LUT-stored weights (what
 * src/passes/fuse-decode.ts makes): random bit width 1..7 and table stride, one table or one per output
 * channel; `data` holds the decoded values, so the reference computes the snapped model the kernels must match.
 */
export function withLutFilter(r: Rng, graph: Graph, onTheFly = false): Graph {
  const id = graph.ops[0]!.inputs[1]!;
  const filter = graph.tensors[id]!;
  const units = filter.shape[0]!, count = filter.shape.reduce((a, b) => a * b, 1);
  const bitWidth = r.int(1, 7);
  const valueStride = r.int(1, 1 << bitWidth);
  const channels = r.int(0, 2) === 0 ? 1 : units;
  const layout: LutLayout = { bitWidth, valueStride, channels, channelAxisLast: false };
  const indices = Array.from({ length: count }, () => r.int(0, valueStride - 1));
  const tables = Array.from({ length: channels * valueStride }, () => r.int(-127, 127));
  const values = Int8Array.from(indices, (v, i) => tables[(channels === 1 ? 0 : Math.floor(i / (count / units))) * valueStride + v]!);
  const lut = { packed: packIndices(indices, bitWidth), ancillary: ancillaryBytes(layout, tables), ...layout, ...(onTheFly ? { onTheFly } : {}) };
  const tensors = graph.tensors.slice();
  tensors[id] = { ...filter, data: new Uint8Array(values.buffer), lut };
  return { ...graph, tensors };
}

/**
 * CONV_2D over LUT weights (conv_lut.c / conv-lut.ts): convCase's geometries (groups, strides, dilations,
 * pads), whose whole filter the C kernel decodes, or filters over C_CONV_LUT_BYTES and the largest activation
 * that it decodes a block of channels at a time ('big': 2x2 windows; 'big-pointwise': the matrix-product path);
 * onTheFly: no decoded block planned (each weight decoded in the dot loop).
 */
export function convLutCase(r: Rng, kind: 'window' | 'pointwise' | 'big' | 'big-pointwise', onTheFly = false): Graph {
  if (kind === 'window' || kind === 'pointwise') return withLutFilter(r, convCase(r, kind === 'pointwise'), onTheFly);
  const pointwise = kind === 'big-pointwise';
  const k = pointwise ? 1 : 2;
  const h = pointwise ? r.int(1, 2) : r.int(2, 4), w = pointwise ? r.int(1, 2) : r.int(2, 4);
  const cin = pointwise ? r.int(350, 500) : r.int(100, 130), cout = r.int(12, 19);
  const inScale = r.float(0.01, 0.05), wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
  const graph = singleOpGraph(
    'CONV_2D',
    { stride: [1, 1], dilation: [1, 1], pad: pointwise ? { top: 0, bottom: 0, left: 0, right: 0 } : { top: 1, bottom: 0, left: 0, right: 1 }, clamp: FULL },
    [
      { shape: [1, h, w, cin], scale: inScale, zp: r.int(-20, 20) },
      { shape: [cout, k, k, cin], scale: wScales, axis: 0, values: r.ints(cout * k * k * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -3000, 3000) },
    ],
    { shape: [1, h, w, cout], scale: inScale * 0.01 * Math.sqrt(k * k * cin) * 12, zp: r.int(-10, 10) },
  );
  return withLutFilter(r, graph, onTheFly);
}

/**
 * DEPTHWISE_CONV_2D over LUT weights (dw_lut.c / dw-lut.ts): depthwiseCase's geometries (multiplier 1 or 2, 3x3
 * among them) with a table per output channel along the filter's last axis (TFLM's layout) or one table; mostly
 * 2- and 4-bit indices (the clustered models'), else 1..7; `data` holds the decoded values (the snapped model).
 * onTheFly: no decoded filter planned (each weight decoded where the window reads it).
 */
export function depthwiseLutCase(r: Rng, multiplier: number, onTheFly = false): Graph {
  const graph = depthwiseCase(r, multiplier);
  const id = graph.ops[0]!.inputs[1]!;
  const filter = graph.tensors[id]!;
  const od = filter.shape[3]!, count = filter.shape.reduce((a, b) => a * b, 1);
  const bitWidth = r.pick([2, 4, 2, 4, r.int(1, 7)]);
  const valueStride = r.int(0, 2) === 0 ? r.int(1, 1 << bitWidth) : 1 << bitWidth;
  const channels = r.int(0, 3) === 0 ? 1 : od;
  const layout: LutLayout = { bitWidth, valueStride, channels, channelAxisLast: channels > 1 };
  const indices = Array.from({ length: count }, () => r.int(0, valueStride - 1));
  const tables = Array.from({ length: channels * valueStride }, () => r.int(-127, 127));
  const values = Int8Array.from(indices, (v, i) => tables[(channels === 1 ? 0 : i % od) * valueStride + v]!);
  const lut = { packed: packIndices(indices, bitWidth), ancillary: ancillaryBytes(layout, tables), ...layout, ...(onTheFly ? { onTheFly } : {}) };
  const tensors = graph.tensors.slice();
  tensors[id] = { ...filter, data: new Uint8Array(values.buffer), lut };
  return { ...graph, tensors };
}

/** SVDF: int8 input/output, int8 or int16 time weights and state (random state bytes: a state mid-sequence), optional bias. */
export function svdfCase(r: Rng, state: 'int8' | 'int16'): Graph {
  const batches = r.int(1, 2), inputSize = r.int(1, 9), rank = r.int(1, 3), units = r.int(1, 5), memory = r.int(1, 6);
  const filters = units * rank;
  const tMax = state === 'int16' ? 32767 : 127;
  const inScale = r.float(0.01, 0.05), featureScale = r.float(0.004, 0.01);
  const timeScale = r.float(0.5, 1) / tMax, stateScale = r.float(1, 4) / tMax;
  const biasScale = Math.fround(Math.fround(stateScale) * Math.fround(timeScale));
  return singleOpGraph(
    'SVDF',
    { rank, activation: 'NONE' },
    [
      { shape: [batches, inputSize], scale: inScale, zp: r.int(-20, 20) },
      { shape: [filters, inputSize], scale: featureScale, values: r.ints(filters * inputSize, -127, 127) },
      { shape: [filters, memory], dtype: state, scale: timeScale, values: r.ints(filters * memory, -tMax, tMax) },
      r.int(0, 2) === 0 ? null : { shape: [units], dtype: 'int32', scale: biasScale, values: r.ints(units, -3000, 3000) },
      { shape: [batches, filters * memory], dtype: state, scale: stateScale, zp: state === 'int8' ? r.int(-10, 10) : 0, variable: true },
    ],
    { shape: [batches, units], scale: r.float(0.02, 0.08) * Math.sqrt(rank * memory), zp: r.int(-10, 10) },
  );
}

/** DEPTH_TO_SPACE or SPACE_TO_DEPTH (int8, TFLM's dtypes besides float32) on random NHWC shapes and blocks. */
export function blockMoveCase(r: Rng, kind: 'DEPTH_TO_SPACE' | 'SPACE_TO_DEPTH'): Graph {
  const b = r.int(1, 3), n = r.int(1, 2), h = r.int(1, 3), w = r.int(1, 3), c = r.int(1, 3);
  const q = { scale: 0.1, zp: 3 };
  const [spread, deep] = [[n, h * b, w * b, c], [n, h, w, c * b * b]];
  return kind === 'DEPTH_TO_SPACE'
    ? singleOpGraph(kind, { blockSize: b }, [{ shape: deep, ...q }], { shape: spread, ...q })
    : singleOpGraph(kind, { blockSize: b }, [{ shape: spread, ...q }], { shape: deep, ...q });
}

/** PACK of 1-3 inputs of one random shape along a random new axis, int8 or int16. */
export function packCase(r: Rng): Graph {
  const shape = randomShape(r, 3, 4);
  const axis = r.int(0, shape.length);
  const count = r.int(1, 3);
  const dtype = r.pick(['int8', 'int16'] as const);
  const q = { scale: 0.1, zp: 0, dtype };
  return singleOpGraph('PACK', { axis }, Array.from({ length: count }, () => ({ shape, ...q })), { shape: [...shape.slice(0, axis), count, ...shape.slice(axis)], ...q });
}

/** SPLIT_V with one output (the kernel harness places one output; several are checked in test/ops/movement.test.ts). */
export function splitCase(r: Rng): Graph {
  const shape = randomShape(r, 4, 4);
  const axis = r.int(0, shape.length - 1);
  const q = { scale: 0.1, zp: 0 };
  return singleOpGraph('SPLIT_V', { axis }, [{ shape, ...q }, { shape: [1], dtype: 'int32', values: [shape[axis]!] }, { shape: [1], dtype: 'int32', values: [axis] }], { shape, ...q });
}

/** GATHER of int8 blocks along a random axis by constant int32 positions (in range: runtime ones are random bytes here). */
export function gatherCase(r: Rng): Graph {
  const shape = randomShape(r, 3, 4);
  const axis = r.int(0, shape.length - 1);
  const positions = Array.from({ length: r.int(1, 5) }, () => r.int(0, shape[axis]! - 1));
  const q = { scale: 0.1, zp: 0 };
  return singleOpGraph('GATHER', { axis, batchDims: 0 }, [{ shape, ...q }, { shape: [positions.length], dtype: 'int32', values: positions }], {
    shape: [...shape.slice(0, axis), positions.length, ...shape.slice(axis + 1)], ...q,
  });
}

const CAST_TYPES = ['int8', 'int16', 'int32', 'float32'] as const;

/** CAST between a random pair of its types (int8/int16/int32/float32), quantization on the integer sides unread. */
export function castCase(r: Rng): Graph {
  const shape = randomShape(r);
  const from = CAST_TYPES[r.int(0, 3)]!, to = CAST_TYPES[r.int(0, 3)]!;
  const spec = (dtype: (typeof CAST_TYPES)[number]) => (dtype === 'float32' ? { shape, dtype } : { shape, dtype, scale: 0.1, zp: 0 });
  return singleOpGraph('CAST', {}, [spec(from)], spec(to));
}

/** PRELU: int8, or int16 input/output with an int8 alpha; alpha broadcast (a [.., C]-like shape) one time in two, else full. */
export function preluCase(r: Rng, dtype: 'int8' | 'int16' = 'int8'): Graph {
  const shape = randomShape(r);
  const alphaShape = r.int(0, 1) === 0 ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : shape;
  const io = dtype === 'int16' ? { dtype, scale: r.float(0.0001, 0.001), zp: 0 } : { dtype, scale: r.float(0.01, 0.1), zp: r.int(-20, 20) };
  const out = dtype === 'int16' ? { dtype, scale: r.float(0.0001, 0.001), zp: 0 } : { dtype, scale: r.float(0.02, 0.2), zp: r.int(-20, 20) };
  return singleOpGraph('PRELU', {}, [{ shape, ...io }, { shape: alphaShape, scale: r.float(0.002, 0.02), zp: r.int(-20, 20) }], { shape, ...out });
}

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM, int8 or 16x8: random sizes, batch- or time-major, optional cell clip, a cell
 * scale 2^-9..2^-14 (both tanh rescale paths), weights with a zero point now and then, random state bytes.
 */
export function lstmCase(r: Rng, activation: 'int8' | 'int16'): Graph {
  const batches = r.int(1, 2), steps = r.int(1, 4), inputSize = r.int(1, 9), units = r.int(1, 6);
  const timeMajor = r.int(0, 1) === 1;
  const int8 = activation === 'int8';
  const x: TSpec = int8 ? { shape: [], scale: r.float(0.01, 0.05), zp: r.int(-20, 20) } : { shape: [], dtype: 'int16', scale: r.float(2e-5, 1e-4), zp: 0 };
  const hidden: TSpec = int8 ? { shape: [], scale: r.float(0.004, 0.01), zp: r.int(-20, 20) } : { shape: [], dtype: 'int16', scale: r.float(2e-5, 1e-4), zp: 0 };
  const seq = timeMajor ? [steps, batches] : [batches, steps];
  const inputs = new Array<TSpec | null>(24).fill(null);
  inputs[0] = { ...x, shape: [...seq, inputSize] };
  const weights = (cols: number): TSpec => ({ shape: [units, cols], scale: r.float(0.005, 0.05), zp: r.int(0, 2) === 0 ? r.int(-5, 5) : 0, values: r.ints(units * cols, -127, 127) });
  for (const [wIn, wRec, bias] of [[2, 6, 13], [1, 5, 12], [3, 7, 14], [4, 8, 15]] as const) {
    inputs[wIn] = weights(inputSize);
    inputs[wRec] = weights(units);
    inputs[bias] = int8 ? { shape: [units], dtype: 'int32', scale: 1e-4, values: r.ints(units, -3000, 3000) } : { shape: [units], dtype: 'int64', scale: 1e-6, values: r.int(0, 1) === 0 ? wideBias(r, units) : r.ints(units, -(1 << 20), 1 << 20) };
  }
  inputs[18] = { ...hidden, shape: [batches, units], variable: true };
  inputs[19] = { shape: [batches, units], dtype: 'int16', scale: 2 ** -r.int(9, 14), zp: 0, variable: true };
  const cellClip = r.int(0, 1) === 0 ? 0 : r.float(0.5, 4);
  return singleOpGraph('UNIDIRECTIONAL_SEQUENCE_LSTM', { timeMajor, cellClip, projClip: 0 }, inputs, { ...hidden, shape: [...seq, units] });
}

/**
 * BATCH_MATMUL: LHS and RHS of rank 2..5 whose batch dims broadcast (a dim of 1 on either side), random
 * adj_x / adj_y, the RHS a constant one time in two (stored transposed by the lowering unless adj_y); int8
 * with random zero points, or int16 with zero points 0.
 */
export function batchMatMulCase(r: Rng, dtype: 'int8' | 'int16' = 'int8'): Graph {
  const m = r.int(1, 6), n = r.int(1, 9), k = r.int(1, 20);
  const rank = r.int(2, 5);
  const batch = Array.from({ length: rank - 2 }, () => r.int(1, 3));
  const side = () => batch.map((d) => (r.int(0, 2) === 0 ? 1 : d)).slice(r.int(0, batch.length));
  const adjX = r.int(0, 1) === 1, adjY = r.int(0, 1) === 1;
  const lhsBatch = side(), rhsBatch = side();
  const lhsShape = [...lhsBatch, ...(adjX ? [k, m] : [m, k])], rhsShape = [...rhsBatch, ...(adjY ? [n, k] : [k, n])];
  const ext = (s: number[]) => [...new Array<number>(rank - 2 - s.length).fill(1), ...s];
  const outBatch = ext(lhsBatch).map((d, i) => Math.max(d, ext(rhsBatch)[i]!));
  const wide = dtype === 'int16';
  const max = wide ? 32767 : 127;
  const q = (s: number) => (wide ? { dtype, scale: s, zp: 0 } : { dtype, scale: s, zp: r.int(-20, 20) });
  const lhs = q(r.float(0.01, 0.05)), rhs = q(r.float(0.01, 0.05));
  const count = rhsShape.reduce((a, d) => a * d, 1);
  const rhsSpec = r.int(0, 1) === 0 ? { shape: rhsShape, ...rhs } : { shape: rhsShape, ...rhs, values: r.ints(count, -max, max) };
  return singleOpGraph('BATCH_MATMUL', { adjX, adjY }, [{ shape: lhsShape, ...lhs }, rhsSpec], {
    shape: [...outBatch, m, n], ...q(lhs.scale * rhs.scale * Math.sqrt(k) * (wide ? 40000 : 100)),
  });
}

/** L2_NORMALIZATION int8 over rows of 1..40 elements (a random input zero point; the output's quantization is unread). */
export function l2normCase(r: Rng): Graph {
  const shape = [...randomShape(r, 3, 3), r.int(1, 40)]; // rank 2..4 (TFLM's limit)
  return singleOpGraph('L2_NORMALIZATION', {}, [{ shape, scale: 0.05, zp: r.int(-30, 30) }], { shape, scale: 1 / 128, zp: 0 });
}

/** int16 MAXIMUM / MINIMUM: stored values compared; the broadcast operand (a [.., 1, C]-like or a 1-element shape) on either side. */
export function maxMin16Case(r: Rng, kind: 'MAXIMUM' | 'MINIMUM'): Graph {
  const shape = randomShape(r);
  const form = r.int(0, 2);
  const other = form === 0 ? shape : form === 1 ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : [1];
  const a: TSpec = { shape, dtype: 'int16', scale: 0.001, zp: 0 };
  const b: TSpec = { shape: other, dtype: 'int16', scale: 0.001, zp: 0 };
  return singleOpGraph(kind, {}, r.int(0, 1) === 1 ? [b, a] : [a, b], { shape, dtype: 'int16', scale: 0.001, zp: 0 });
}

/** int8 RESIZE_BILINEAR, up and down, with each corner option (never both: TFLM's Prepare refuses that). */
export function resizeBilinearCase(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 6), w = r.int(1, 6), c = r.int(1, 5), oh = r.int(1, 11), ow = r.int(1, 11);
  const alignCorners = r.int(0, 2) === 0;
  const q = { scale: 0.05, zp: 1 };
  return singleOpGraph('RESIZE_BILINEAR', { alignCorners, halfPixelCenters: !alignCorners && r.int(0, 1) === 1 }, [
    { shape: [n, h, w, c], ...q }, { shape: [2], dtype: 'int32', values: [oh, ow] },
  ], { shape: [n, oh, ow, c], ...q });
}

/** SQUARED_DIFFERENCE on unquantized int32 (TFLM's integer path: wraps), with or without broadcasting. */
export function squaredDifference32Case(r: Rng): Graph {
  const shape = randomShape(r);
  const other = r.int(0, 2) === 0 ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : shape;
  const a: TSpec = { shape, dtype: 'int32' }, b: TSpec = { shape: other, dtype: 'int32' };
  return singleOpGraph('SQUARED_DIFFERENCE', {}, r.int(0, 1) === 1 ? [b, a] : [a, b], { shape, dtype: 'int32' });
}

/** MEAN / SUM (requantized sums over up to 2 axes) and REDUCE_MAX (int8, any axes, equal quantization). */
export function reduceCase(r: Rng, dtype: 'int8' | 'int16', kind: 'MEAN' | 'SUM' | 'REDUCE_MAX' = 'MEAN'): Graph {
  const shape = Array.from({ length: r.int(2, 4) }, () => r.int(1, 6));
  const axes = shape.map((_, i) => i).filter(() => r.int(0, 1) === 1).slice(0, kind === 'REDUCE_MAX' ? 4 : 2);
  if (axes.length === 0) axes.push(shape.length - 1);
  const keepDims = r.int(0, 1) === 1;
  const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const zp = dtype === 'int16' ? 0 : r.int(-20, 20);
  const inQ = { scale: r.float(0.02, 0.1), zp };
  const outQ = kind === 'REDUCE_MAX' ? inQ : { scale: r.float(0.02, 0.1) * (kind === 'SUM' ? 4 : 1), zp: dtype === 'int16' ? 0 : r.int(-20, 20) };
  return singleOpGraph(kind, { axes, keepDims }, [
    { shape, dtype, ...inQ },
    { shape: [axes.length], dtype: 'int32', values: axes },
  ], { shape: out, dtype, ...outQ });
}

/**
 * int8 MEAN / SUM of an NHWC tensor over H and W (DS-CNN's global average: mean.c's spatial path, channels four
 * a word, planes past its 256-row lane limit) or over axes that take it too (H or W alone) or not (C, H and C).
 */
export function spatialMeanCase(r: Rng, kind: 'MEAN' | 'SUM' = 'MEAN'): Graph {
  const shape = [r.int(1, 2), r.int(1, 20), r.int(1, 16), r.pick([1, 3, 4, 7, 16, 17, 36, 45, r.int(1, 70)])];
  const axes = r.pick([[1, 2], [1, 2], [1, 2], [1], [2], [3], [1, 3]]);
  const keepDims = r.int(0, 1) === 1;
  const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const inQ = { scale: r.float(0.02, 0.1), zp: r.int(-128, 127) };
  const outQ = { scale: r.float(0.02, 0.1) * (kind === 'SUM' ? 64 : r.pick([0.1, 1, 10])), zp: r.int(-20, 20) };
  return singleOpGraph(kind, { axes, keepDims }, [
    { shape, dtype: 'int8', ...inQ },
    { shape: [axes.length], dtype: 'int32', values: axes },
  ], { shape: out, dtype: 'int8', ...outQ });
}

/**
 * int8 MEAN / SUM over the last axis (or axes that are one run, not the spatial path's channels) of an NCHW-like tensor:
 * mcunet's global-average tail after its TRANSPOSE (mean.c's runs path); real multipliers 1 / (count ratio) around 0.5..1
 * give shift 0 (its SMMLAR form), the others the doubled form or the general one.
 */
export function lastAxisMeanCase(r: Rng, kind: 'MEAN' | 'SUM' = 'MEAN'): Graph {
  const shape = [r.int(1, 2), r.int(1, 170), r.int(1, 6), r.int(1, 6)];
  const axes = r.pick([[3], [3], [2, 3], [2], [1, 3]]);
  const keepDims = r.int(0, 1) === 1;
  const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const count = axes.reduce((a, i) => a * shape[i]!, 1);
  const inQ = { scale: r.float(0.02, 0.1), zp: r.int(-128, 127) };
  // the real multiplier in / (out count) for MEAN (in / out for SUM): 0.5..1 is shift 0
  const real = r.pick([0.7, 0.51, 0.99, 0.3, 3, 0.01]);
  const outQ = { scale: inQ.scale / (real * (kind === 'MEAN' ? count : 1)), zp: r.int(-20, 20) };
  return singleOpGraph(kind, { axes, keepDims }, [
    { shape, dtype: 'int8', ...inQ },
    { shape: [axes.length], dtype: 'int32', values: axes },
  ], { shape: out, dtype: 'int8', ...outQ });
}

/** TRANSPOSE of an NHWC tensor's plane behind its channels (mcunet's [0, 3, 1, 2] before its MEANs), and its kin: strided_copy's runs. */
export function planeTransposeCase(r: Rng): Graph {
  const shape = [r.int(1, 2), r.int(1, 6), r.int(1, 6), r.int(1, 170)];
  const perm = r.pick([[0, 3, 1, 2], [0, 3, 2, 1], [0, 2, 1, 3], [0, 1, 3, 2]]);
  const q = { scale: 0.1, zp: 3 };
  return singleOpGraph('TRANSPOSE', { perm }, [{ shape, ...q }], { shape: perm.map((p) => shape[p]!), ...q });
}

/** Unary ops on the dtypes overlap-cases.ts does not cover (int16 activations, the other QUANTIZE pairs, uint8 DEQUANTIZE). */
export function typedUnary(r: Rng, which: TypedUnaryCase): Graph {
  const shape = Array.from({ length: r.int(1, 3) }, () => r.int(1, 6));
  const t = (dtype: DType, scale?: number, zp = 0): TSpec => (scale === undefined ? { shape, dtype } : { shape, dtype, scale, zp });
  const si = r.float(0.02, 0.1);
  switch (which) {
    case 'RELU int16': return singleOpGraph('RELU', {}, [t('int16', si / 256)], t('int16', si / 200));
    case 'RELU6 int16': return singleOpGraph('RELU6', {}, [t('int16', si / 256)], t('int16', si / 256));
    case 'LEAKY_RELU int16': return singleOpGraph('LEAKY_RELU', { alpha: r.float(0.05, 0.5) }, [t('int16', si / 256)], t('int16', si / 200));
    case 'QUANTIZE float32->int16': return singleOpGraph('QUANTIZE', {}, [t('float32')], t('int16', r.float(0.001, 0.01), 0));
    case 'QUANTIZE int8->uint8': return singleOpGraph('QUANTIZE', {}, [t('int8', si, r.int(-20, 20))], t('uint8', si, r.int(108, 148)));
    case 'QUANTIZE uint8->int8': return singleOpGraph('QUANTIZE', {}, [t('uint8', si, r.int(108, 148))], t('int8', si * 1.5, r.int(-20, 20)));
    case 'QUANTIZE int8->int32': return singleOpGraph('QUANTIZE', {}, [t('int8', si, r.int(-20, 20))], t('int32', si / 1000, 0));
    case 'QUANTIZE int16->int16': return singleOpGraph('QUANTIZE', {}, [t('int16', si / 256)], t('int16', si / 100));
    case 'QUANTIZE int16->int32': return singleOpGraph('QUANTIZE', {}, [t('int16', si / 256)], t('int32', si / 10000));
    case 'QUANTIZE int32->int8': return singleOpGraph('QUANTIZE', {}, [t('int32', si / 100000)], t('int8', si / 10, r.int(-20, 20)));
    case 'QUANTIZE int32->int16': return singleOpGraph('QUANTIZE', {}, [t('int32', si / 100000)], t('int16', si / 1000));
    case 'ABS int16': return singleOpGraph('ABS', {}, [t('int16', si / 256)], t('int16', si / 200));
    case 'ABS int16 same scale': return singleOpGraph('ABS', {}, [t('int16', si / 256)], t('int16', si / 256));
    case 'ABS int16 unquantized': return singleOpGraph('ABS', {}, [t('int16')], t('int16'));
    case 'DEQUANTIZE uint8->float32': return singleOpGraph('DEQUANTIZE', {}, [t('uint8', si, r.int(100, 150))], t('float32'));
  }
  throw new Error(which);
}

export const TYPED_UNARY_KINDS = [
  'RELU int16', 'RELU6 int16', 'LEAKY_RELU int16', 'QUANTIZE float32->int16', 'QUANTIZE int8->uint8', 'QUANTIZE uint8->int8',
  'QUANTIZE int8->int32', 'QUANTIZE int16->int16', 'QUANTIZE int16->int32', 'QUANTIZE int32->int8', 'QUANTIZE int32->int16', 'DEQUANTIZE uint8->float32',
  'ABS int16', 'ABS int16 same scale', 'ABS int16 unquantized',
] as const;
export type TypedUnaryCase = (typeof TYPED_UNARY_KINDS)[number];

/** Unquantized int32 DIV (div_s32): same shape or a broadcast divisor, one of TFLite's int32 activation ranges. */
export function div32Case(r: Rng): Graph {
  const shape = randomShape(r);
  const other = r.int(0, 2) === 0 ? shape.map((d, i) => (i === shape.length - 1 ? d : 1)) : shape;
  const clamps: Array<[number, number]> = [[-2147483648, 2147483647], [0, 2147483647], [0, 6], [-1, 1]];
  return singleOpGraph('DIV', { clamp: clamps[r.int(0, 3)]! }, [{ shape, dtype: 'int32' }, { shape: other, dtype: 'int32' }], { shape, dtype: 'int32' });
}
