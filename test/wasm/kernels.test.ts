// Every wasm kernel against the reference on randomized shapes, in the SIMD and the scalar build: the
// default kernels on disjoint buffers (with and without the 1x1 / 3x3 fast paths), and every variant
// the overlap rules allow on an arena where input and output overlap (sampled deltas of the rule's range).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { outSizeWithPads } from '../../src/ir/shapes.js';
import { overlapRules } from '../../src/plan/overlap.js';
import {
  binary16Case, binaryCase, conv16Case, convCase, fc16Case, decodeCase, fullyConnectedLutCase, convLutCase, depthwiseLutCase, depthwiseCase, transposeConvCase, svdfCase, fullyConnectedCase, padCase, poolCase, stridedSliceCase, transposeCase, unaryCase, UNARY_KINDS,
  resizeCase, reshapeCase, blockMoveCase, gatherCase, packCase, splitCase, castCase, preluCase, batchMatMulCase, sigmoidTanh16Case, softmax16Case, dw16Case, lstmCase, l2normCase, maxMin16Case, resizeBilinearCase,
  squaredDifference32Case,
  div32Case,
} from '../plan/overlap-cases.js';
import { elementSize, randomInputs, rng, runDefault, singleOpGraph, type Rng } from '../plan/overlap-harness.js';
import { disjointPlacement, loadLibrary, overlappedPlacement, runKernel, type Library } from './kernel-harness.js';

const FULL: [number, number] = [-128, 127];

/** ABS on int16 (zero points 0, as TFLM requires), rescaled or not; or unquantized (std::abs, wrapping). */
function abs16Case(r: Rng, sameScale: boolean, unquantized = false): Graph {
  const shape = Array.from({ length: r.int(1, 3) }, () => r.int(1, 6));
  if (unquantized) return singleOpGraph('ABS', {}, [{ shape, dtype: 'int16' }], { shape, dtype: 'int16' });
  const si = r.float(0.02, 0.1) / 256;
  return singleOpGraph('ABS', {}, [{ shape, dtype: 'int16', scale: si, zp: 0 }], { shape, dtype: 'int16', scale: sameScale ? si : si * r.float(0.5, 2), zp: 0 });
}

function bigPointwise(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 4), w = r.int(1, 5), cin = r.int(1, 40), cout = r.int(1, 19);
  const inScale = r.float(0.01, 0.05);
  const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
  return singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: [r.int(-128, -60), r.int(60, 127)] }, [
    { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
    { shape: [cout, 1, 1, cin], scale: wScales, axis: 0, values: r.ints(cout * cin, -127, 127) },
    { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -30000, 30000) },
  ], { shape: [n, h, w, cout], scale: inScale * 0.01 * Math.sqrt(cin) * 12, zp: r.int(-10, 10) });
}

function depthwise3x3(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 9), w = r.int(1, 9), c = r.int(1, 27);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = { top: r.int(0, 1), bottom: r.int(0, 1), left: r.int(0, 1), right: r.int(0, 1) };
    const oh = outSizeWithPads(h, 3, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, 3, stride[1], 1, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: c }, () => r.float(0.002, 0.02));
    return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation: [1, 1], pad, clamp: FULL, depthMultiplier: 1 }, [
      { shape: [n, h, w, c], scale: inScale, zp: r.int(-128, 127) },
      { shape: [1, 3, 3, c], scale: wScales, axis: 3, values: r.ints(9 * c, -127, 127) },
      { shape: [c], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(c, -3000, 3000) },
    ], { shape: [n, oh, ow, c], scale: inScale * wScales[0]! * 36, zp: r.int(-10, 10) });
  }
}

// Wide shapes for the SIMD paths (im2col rows with K % 8 != 0, 2x4 blocks and their tails, 16/8-channel
// depthwise groups, 16-element ADD groups), output scales spread so that per-channel shifts range from
// large right shifts to left shifts (multipliers above 1).
function wideConv(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 9), w = r.int(1, 9), cin = r.int(1, 24), cout = r.int(1, 21);
    const kh = r.int(1, 4), kw = r.int(1, 4);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom), ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.0005, 0.05));
    return singleOpGraph('CONV_2D', { stride, dilation, pad, clamp: [r.int(-128, -100), r.int(100, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -30000, 30000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * r.float(0.002, 40), zp: r.int(-20, 20) });
  }
}

// Few-channel convolutions (1-16 input channels, output depth a multiple of 8, at most 32 taps for 1x1
// and 144 for wider windows): the packed weights, read straight from the input for interior windows (odd
// and even taps per filter row, windows touching the input's last byte, borders through the padded copy)
// or via im2col (dilation_w 2, 1x1 strided).
function fewChannelConv(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 11), w = r.int(1, 13), cin = r.int(1, r.int(0, 1) ? 8 : 16), cout = 8 * r.int(1, 4);
    const kh = r.int(1, 4), kw = r.int(1, 4);
    if (kh * kw * cin > (kh * kw > 1 ? 144 : 32)) continue;
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(0, 3) === 0 ? 2 : 1];
    const pad = r.int(0, 2) === 0 ? { top: 0, bottom: 0, left: 0, right: 0 }
      : { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom), ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.0005, 0.05));
    return singleOpGraph('CONV_2D', { stride, dilation, pad, clamp: [r.int(-128, -100), r.int(100, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -30000, 30000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * r.float(0.002, 40), zp: r.int(-20, 20) });
  }
}

// The usual first layer: 3x3 over 3 channels, stride 1 or 2, SAME or VALID padding.
function rgbConv(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 12), w = r.int(1, 14), cout = 8 * r.int(1, 4), s = r.int(1, 2);
  const same = r.int(0, 2) > 0;
  const pad = same ? { top: s === 1 ? 1 : 0, bottom: 1, left: s === 1 ? 1 : 0, right: 1 } : { top: 0, bottom: 0, left: 0, right: 0 };
  const oh = outSizeWithPads(h, 3, s, 1, pad.top, pad.bottom), ow = outSizeWithPads(w, 3, s, 1, pad.left, pad.right);
  if (oh < 1 || ow < 1) return rgbConv(r);
  const inScale = r.float(0.01, 0.05);
  const wScales = Array.from({ length: cout }, () => r.float(0.0005, 0.05));
  return singleOpGraph('CONV_2D', { stride: [s, s], dilation: [1, 1], pad, clamp: [r.int(-128, -100), r.int(100, 127)] }, [
    { shape: [n, h, w, 3], scale: inScale, zp: r.int(-128, 127) },
    { shape: [cout, 3, 3, 3], scale: wScales, axis: 0, values: r.ints(cout * 27, -127, 127) },
    { shape: [cout], dtype: 'int32', scale: wScales.map((x) => x * inScale), values: r.ints(cout, -30000, 30000) },
  ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * r.float(0.002, 40), zp: r.int(-20, 20) });
}

// ADD / SUB large enough for a lookup table (LUT_MIN_ELEMENTS outputs; with qparams the lowering gives
// one): flat and broadcast, scales spread so that the input shifts differ, clamps narrowed sometimes.
function largeBinary(r: Rng, kind: 'ADD' | 'SUB'): Graph {
  const shape = [1, r.int(8, 24), r.int(8, 24), r.int(16, 40)];
  const broadcast = r.int(0, 2) === 0;
  const other = broadcast ? [1, 1, 1, shape[3]!] : shape;
  const clamp: [number, number] = r.int(0, 1) === 0 ? [-128, 127] : [r.int(-128, -10), r.int(10, 127)];
  return singleOpGraph(kind, { clamp }, [
    { shape, scale: r.float(0.005, 0.2), zp: r.int(-128, 127) },
    { shape: other, scale: r.float(0.005, 0.2), zp: r.int(-128, 127) },
  ], { shape, scale: r.float(0.01, 0.3), zp: r.int(-128, 127) });
}

function wideDepthwise(r: Rng, multiplier: number): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 9), w = r.int(1, 9), c = r.int(1, 40);
    const kh = r.int(1, 5), kw = r.int(1, 5);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom), ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const oc = c * multiplier;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: oc }, () => r.float(0.0005, 0.05));
    return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation, pad, clamp: FULL, depthMultiplier: multiplier }, [
      { shape: [n, h, w, c], scale: inScale, zp: r.int(-128, 127) },
      // -128 weights (half the cases) turn off the depthwise kernel's int16 tap pairs
      { shape: [1, kh, kw, oc], scale: wScales, axis: 3, values: r.ints(kh * kw * oc, r.int(0, 1) ? -128 : -127, 127) },
      { shape: [oc], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(oc, -3000, 3000) },
    ], { shape: [n, oh, ow, oc], scale: inScale * 0.01 * r.float(0.002, 40), zp: r.int(-10, 10) });
  }
}

function wideFullyConnected(r: Rng): Graph {
  const batches = r.int(1, 5), depth = r.int(1, 70), units = r.int(1, 23);
  const inScale = r.float(0.01, 0.05), wScale = r.float(0.002, 0.02);
  return singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false }, [
    { shape: [batches, depth], scale: inScale, zp: r.int(-128, 127) },
    { shape: [units, depth], scale: wScale, values: r.ints(units * depth, -127, 127) },
    { shape: [units], dtype: 'int32', scale: inScale * wScale, values: r.ints(units, -30000, 30000) },
  ], { shape: [batches, units], scale: inScale * wScale * r.float(0.5, 400), zp: r.int(-10, 10) });
}

function wideBinary(r: Rng, kind: 'ADD' | 'SUB'): Graph {
  const shape = [r.int(1, 2), r.int(1, 6), r.int(1, 6), r.int(1, 40)];
  return singleOpGraph(kind, { clamp: [r.int(-128, -100), r.int(100, 127)] }, [
    { shape, scale: r.float(0.01, 0.1), zp: r.int(-128, 127) },
    { shape, scale: r.float(0.01, 0.1), zp: r.int(-128, 127) },
  ], { shape, scale: r.float(0.005, 0.2), zp: r.int(-20, 20) });
}

/** MEAN / SUM (requantized sums over up to 2 axes) and REDUCE_MAX (any axes, equal quantization). */
function meanCase(r: Rng, kind: 'MEAN' | 'SUM' | 'REDUCE_MAX' = 'MEAN'): Graph {
  const shape = Array.from({ length: r.int(2, 4) }, () => r.int(1, 6));
  const axes = shape.map((_, i) => i).filter(() => r.int(0, 1) === 1).slice(0, kind === 'REDUCE_MAX' ? 4 : 2);
  if (axes.length === 0) axes.push(shape.length - 1);
  const keepDims = r.int(0, 1) === 1;
  const out = keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  const inQ = { scale: r.float(0.02, 0.1), zp: r.int(-20, 20) };
  const outQ = kind === 'REDUCE_MAX' ? inQ : { scale: r.float(0.02, 0.1) * (kind === 'SUM' ? 4 : 1), zp: r.int(-20, 20) };
  return singleOpGraph(kind, { axes, keepDims }, [
    { shape, ...inQ },
    { shape: [axes.length], dtype: 'int32', values: axes },
  ], { shape: out, ...outQ });
}

function concatCase(r: Rng): Graph {
  const rank = r.int(1, 4);
  const shape = Array.from({ length: rank }, () => r.int(1, 4));
  const axis = r.int(0, rank - 1);
  const parts = Array.from({ length: r.int(1, 3) }, () => r.int(1, 3));
  const q = { scale: 0.05, zp: 2 };
  const inputs = parts.map((p, i) => ({ shape: shape.map((d, k) => (k === axis ? p : d)), ...q, ...(i === 1 && r.int(0, 1) ? { values: r.ints(shape.reduce((a, b) => a * b, 1) / shape[axis]! * p, -128, 127) } : {}) }));
  return singleOpGraph('CONCATENATION', { axis, clamp: FULL }, inputs, { shape: shape.map((d, k) => (k === axis ? parts.reduce((a, b) => a + b, 0) : d)), ...q });
}



// 3x3 stride-1 convolutions for the Winograd path (in_depth 8/16/24, out_depth 8/16): odd and even
// heights and widths (partial 2x2 tiles), SAME, VALID and uneven pads, weights at both int8 extremes.
function winogradConv(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 11), w = r.int(1, 13), cin = 8 * r.int(1, 3), cout = 8 * r.int(1, 2);
    const kind = r.int(0, 2);
    const pad = kind === 0 ? { top: 1, bottom: 1, left: 1, right: 1 } : kind === 1 ? { top: 0, bottom: 0, left: 0, right: 0 }
      : { top: r.int(0, 2), bottom: r.int(0, 2), left: r.int(0, 2), right: r.int(0, 2) };
    const oh = outSizeWithPads(h, 3, 1, 1, pad.top, pad.bottom), ow = outSizeWithPads(w, 3, 1, 1, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.0005, 0.02));
    const values = r.ints(cout * 9 * cin, -128, 127).map((v, i) => (i % 7 === 0 ? -128 : i % 11 === 0 ? 127 : v));
    return singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad, clamp: [r.int(-128, -100), r.int(100, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, 3, 3, cin], scale: wScales, axis: 0, values },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -30000, 30000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * r.float(0.5, 40) * Math.sqrt(cin), zp: r.int(-20, 20) });
  }
}

// name, generator, cases (CASES unless given)
const FAMILIES: Array<[string, (r: Rng) => Graph, number?]> = [
  ['CONV_2D 1x1', (r) => convCase(r, true)],
  ['CONV_2D 1x1 wide', bigPointwise],
  ['CONV_2D', (r) => convCase(r, false)],
  ['DEPTHWISE_CONV_2D m1', (r) => depthwiseCase(r, 1)],
  ['DEPTHWISE_CONV_2D m2', (r) => depthwiseCase(r, 2)],
  ['DEPTHWISE_CONV_2D 3x3', depthwise3x3],
  ['CONV_2D wide', wideConv],
  ['ADD large (lookup table)', (r) => largeBinary(r, 'ADD')],
  ['SUB large (lookup table)', (r) => largeBinary(r, 'SUB')],
  ['CONV_2D few input channels', fewChannelConv, 36],
  ['CONV_2D 3x3 RGB', rgbConv, 24],
  ['CONV_2D 3x3 Winograd', winogradConv, 24],
  ['DEPTHWISE_CONV_2D wide m1', (r) => wideDepthwise(r, 1)],
  ['DEPTHWISE_CONV_2D wide m3', (r) => wideDepthwise(r, 3)],
  ['FULLY_CONNECTED wide', wideFullyConnected],
  ['FULLY_CONNECTED LUT weights', fullyConnectedLutCase],
  ['CONV_2D LUT weights', (r) => convLutCase(r, 'window')],
  ['CONV_2D LUT weights pointwise', (r) => convLutCase(r, 'pointwise')],
  ['CONV_2D LUT weights in blocks', (r) => convLutCase(r, r.pick(['big', 'big-pointwise'] as const))],
  ['CONV_2D LUT weights on the fly', (r) => convLutCase(r, r.pick(['window', 'pointwise', 'big'] as const), true)],
  ['DEPTHWISE_CONV_2D LUT weights', (r) => depthwiseLutCase(r, r.pick([1, 1, 2]))],
  ['DEPTHWISE_CONV_2D LUT weights on the fly', (r) => depthwiseLutCase(r, r.pick([1, 1, 2]), true)],
  ['ADD wide', (r) => wideBinary(r, 'ADD')],
  ['SUB wide', (r) => wideBinary(r, 'SUB')],
  ['AVERAGE_POOL_2D', (r) => poolCase(r, 'AVERAGE_POOL_2D')],
  ['MAX_POOL_2D', (r) => poolCase(r, 'MAX_POOL_2D')],
  ['FULLY_CONNECTED', fullyConnectedCase],
  ['ADD', (r) => binaryCase(r, 'ADD')],
  ['SUB', (r) => binaryCase(r, 'SUB')],
  ['MUL', (r) => binaryCase(r, 'MUL')],
  ['MAXIMUM', (r) => binaryCase(r, 'MAXIMUM')],
  ['MINIMUM', (r) => binaryCase(r, 'MINIMUM')],
  ['DECODE', decodeCase],
  ...UNARY_KINDS.map((k) => [k, (r: Rng) => unaryCase(r, k)] as [string, (r: Rng) => Graph]),
  ['PAD', (r) => padCase(r, 'PAD')],
  ['PADV2', (r) => padCase(r, 'PADV2')],
  ['PAD int16', (r) => padCase(r, 'PAD', 'int16')],
  ['PAD float32', (r) => padCase(r, 'PAD', 'float32')],
  ['STRIDED_SLICE', (r) => stridedSliceCase(r, true)],
  ['TRANSPOSE', transposeCase],
  ['DEPTH_TO_SPACE', (r) => blockMoveCase(r, 'DEPTH_TO_SPACE')],
  ['SPACE_TO_DEPTH', (r) => blockMoveCase(r, 'SPACE_TO_DEPTH')],
  ['PACK', packCase],
  ['SPLIT_V', splitCase],
  ['GATHER', gatherCase],
  ['CAST', castCase],
  ['PRELU int8', (r) => preluCase(r, 'int8')],
  ['PRELU int16', (r) => preluCase(r, 'int16')],
  ['BATCH_MATMUL int8', (r) => batchMatMulCase(r, 'int8')],
  ['BATCH_MATMUL int16', (r) => batchMatMulCase(r, 'int16')],
  ['MEAN', meanCase],
  ['MEAN', (r) => meanCase(r)],
  ['CONCATENATION', concatCase],
  ['RESIZE_NEAREST_NEIGHBOR', resizeCase],
  ['RESHAPE (copy)', reshapeCase],
  ['CONV_2D 16x8', conv16Case],
  ['DEPTHWISE_CONV_2D 16x8', dw16Case],
  ['FULLY_CONNECTED 16x8', fc16Case],
  ['CONV_2D 16x8 wide', (r) => conv16Case(r, true)],
  ['DEPTHWISE_CONV_2D 16x8 wide', (r) => dw16Case(r, true)],
  ['FULLY_CONNECTED 16x8 wide', (r) => fc16Case(r, true)],
  ['AVERAGE_POOL_2D int16', (r) => poolCase(r, 'AVERAGE_POOL_2D', 'int16')],
  ['MAX_POOL_2D int16', (r) => poolCase(r, 'MAX_POOL_2D', 'int16')],
  ['ADD int16', (r) => binary16Case(r, 'ADD')],
  ['SUB int16', (r) => binary16Case(r, 'SUB')],
  ['MUL int16', (r) => binary16Case(r, 'MUL')],
  ['TRANSPOSE_CONV int8', (r) => transposeConvCase(r, 'int8')],
  ['TRANSPOSE_CONV 16x8', (r) => transposeConvCase(r, 'int16')],
  ['SVDF int8 state', (r) => svdfCase(r, 'int8')],
  ['SVDF int16 state', (r) => svdfCase(r, 'int16')],
  ['UNIDIRECTIONAL_SEQUENCE_LSTM int8', (r) => lstmCase(r, 'int8')],
  ['UNIDIRECTIONAL_SEQUENCE_LSTM 16x8', (r) => lstmCase(r, 'int16')],
  ['SQUARED_DIFFERENCE', (r) => binaryCase(r, 'SQUARED_DIFFERENCE')],
  ['DIV', (r) => binaryCase(r, 'DIV')],
  ['SQUARED_DIFFERENCE int16', (r) => binary16Case(r, 'SQUARED_DIFFERENCE')],
  ['ABS int16', (r) => abs16Case(r, false)],
  ['ABS int16 same scale', (r) => abs16Case(r, true)],
  ['LOGISTIC int16', (r) => sigmoidTanh16Case(r, 'LOGISTIC', false)],
  ['LOGISTIC int16 power-of-two scale', (r) => sigmoidTanh16Case(r, 'LOGISTIC', true)],
  ['TANH int16', (r) => sigmoidTanh16Case(r, 'TANH', false)],
  ['TANH int16 power-of-two scale', (r) => sigmoidTanh16Case(r, 'TANH', true)],
  ['SOFTMAX int16', softmax16Case],
  ['SUM', (r) => meanCase(r, 'SUM')],
  ['REDUCE_MAX', (r) => meanCase(r, 'REDUCE_MAX')],
  ['L2_NORMALIZATION', l2normCase],
  ['MAXIMUM int16', (r) => maxMin16Case(r, 'MAXIMUM')],
  ['MINIMUM int16', (r) => maxMin16Case(r, 'MINIMUM')],
  ['RESIZE_BILINEAR', resizeBilinearCase],
  ['ABS int16 unquantized', (r) => abs16Case(r, false, true)],
  ['SQUARED_DIFFERENCE int32', squaredDifference32Case],
  ['DIV int32', div32Case],
];

const CASES = 12;

describe.each(['simd', 'scalar'] as const)('wasm kernels (%s build) vs the reference', (target) => {
  let lib: Library;
  beforeAll(async () => {
    lib = await loadLibrary(target);
  });

  for (const [name, make, cases = CASES] of FAMILIES) {
    it(`${name}: default kernel, and every allowed overlap with its variant`, () => {
      const symbols = new Set<string>();
      let overlapped = 0;
      for (let seed = 1; seed <= cases; seed++) {
        const r = rng(seed * 104729 + name.length * 7919 + (target === 'simd' ? 0 : 13));
        const graph = make(r);
        const where = `${name} seed ${seed} shapes ${graph.tensors.map((t) => `[${t.shape}]`).join(' ')}`;
        const inputs = randomInputs(graph, r);
        const want = runDefault(graph, inputs);
        // LUT weights: read by the kernels at each invoke (packed, or decoded into the workspace first), and the plain kernels on the copy the first invoke decodes
        for (const lutAtLoad of /LUT/.test(name) ? [false, true] : [false]) {
          for (const [fastPaths, qparams] of [[true, false], [false, false], [true, true], [false, true]]) {
            const got = runKernel(lib, graph, disjointPlacement(graph), inputs, 'default', { fastPaths, qparams, lutAtLoad, garbage: r.int(0, 255) });
            symbols.add(got.symbol);
            expect(Buffer.compare(got.output, want), `${where} ${got.symbol}${qparams ? ' qparams' : ''}`).toBe(0);
          }
        }
        for (const rule of overlapRules(graph, 0)) {
          const step = elementSize(graph, graph.ops[0]!.outputs[0]!);
          const lo = Math.ceil(rule.minDelta / step) * step, hi = Math.floor(rule.maxDelta / step) * step;
          if (lo > hi) continue;
          const deltas = new Set([lo, hi, ...(lo <= 0 && hi >= 0 ? [0] : []), ...[1, 2, 3].map(() => lo + Math.floor(r.int(0, Math.floor((hi - lo) / step))) * step)]);
          for (const delta of deltas) {
            const fresh = randomInputs(graph, r);
            const placement = overlappedPlacement(graph, rule.input, delta, rule.scratchBytes);
            // with the requantization tables (what the wasm backend lowers) and without (LUT weights: decoded at load with them)
            for (const qparams of [true, false]) {
              const got = runKernel(lib, graph, placement, fresh, rule.variant, { qparams, lutAtLoad: qparams && /LUT/.test(name), garbage: r.int(0, 255) });
              symbols.add(got.symbol);
              overlapped++;
              expect(Buffer.compare(got.output, runDefault(graph, fresh)), `${where} ${rule.variant} delta ${delta} (${got.symbol}${qparams ? ' qparams' : ''})`).toBe(0);
            }
          }
        }
      }
      expect(symbols.size).toBeGreaterThan(0);
      // LUT weights: a kernel that reads them packed or a decode into the workspace first, and the plain kernels on the copy decoded at load
      if (/LUT/.test(name)) expect([...symbols].some((s) => /_lut_s8/.test(s)) && [...symbols].some((s) => !/_lut_s8/.test(s)), [...symbols].join(' ')).toBe(true);
      // the 16x8 convolutions, the int16 pools, TRANSPOSE_CONV and LUT weights have the 'default' variant only
      if (/CONV|POOL|FULLY|ADD|RELU|PAD$/.test(name) && !/16x8|POOL_2D int16|TRANSPOSE_CONV|LUT/.test(name)) expect(overlapped, `${name}: some overlapped placements ran`).toBeGreaterThan(0);
    });
  }
});
