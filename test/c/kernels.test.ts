// Every C kernel and variant against the reference on randomized shapes: the default kernels on disjoint
// buffers (with and without the 1x1 / 3x3 fast paths), every variant the overlap rules allow on an arena
// where input and output overlap (sampled deltas of the rule's range), and the patch window copies.
// All jobs of a run go into one program: on the host with AddressSanitizer + UBSan (portable paths), and
// on QEMU's Cortex-M4F (the ARMv7E-M DSP paths). Together they reach every symbol of the kernel ABI.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { outSizeWithPads } from '../../src/ir/shapes.js';
import { C_DW_PAD4_MAX, C_DW_PLANE4_MAX, C_RQ_MAX } from '../../src/ir/workspace.js';
import { overlapRules } from '../../src/plan/overlap.js';
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import type { CopyWindowCall } from '../../src/schedule/types.js';
import {
  binary16Case, binaryCase, conv16Case, convCase, fc16Case, decodeCase, fullyConnectedLutCase, convLutCase, depthwiseLutCase, depthwiseCase, transposeConvCase, svdfCase, fullyConnectedCase, padCase, poolCase, stridedSliceCase, transposeCase, unaryCase, UNARY_KINDS,
  resizeCase, reshapeCase, blockMoveCase, gatherCase, packCase, splitCase, castCase, preluCase, batchMatMulCase, sigmoidTanh16Case, softmax16Case, dw16Case, lstmCase, l2normCase, maxMin16Case, resizeBilinearCase,
  squaredDifference32Case, div32Case, reduceCase, spatialMeanCase, lastAxisMeanCase, planeTransposeCase, typedUnary, TYPED_UNARY_KINDS,
} from '../plan/overlap-cases.js';
import { elementSize, randomInputs, rng, runDefault, singleOpGraph, type Rng } from '../plan/overlap-harness.js';
import { disjointPlacement, overlappedPlacement } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, windowJob, type Job } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

const FULL: [number, number] = [-128, 127];

/** A pointwise conv; cout: its output channels (else random). */
function pointwise(r: Rng, big: boolean, cout0 = 0): Graph {
  const n = r.int(1, 2), h = r.int(1, 4), w = r.int(1, 5), cin = big ? r.int(1, 70) : r.int(1, 9), cout = cout0 || (big ? r.int(1, 19) : r.int(1, 9));
  const inScale = r.float(0.01, 0.05);
  const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
  return singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: [r.int(-128, -60), r.int(60, 127)] }, [
    { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
    { shape: [cout, 1, 1, cin], scale: wScales, axis: 0, values: r.ints(cout * cin, -127, 127) },
    { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -30000, 30000) },
  ], { shape: [n, h, w, cout], scale: inScale * 0.01 * Math.sqrt(cin) * 12, zp: r.int(-10, 10) });
}

/** A pointwise channel's kind: its requantization (tiny: below 2^-21, so constant; above1: the exact way) or its bias
 * (bigBias: near +-2^31 to 2^29, constant or the exact way; saturated: 2^23 inside +-2^31, a constant). */
type PwKind = 'normal' | 'tiny' | 'zero' | 'above1' | 'bigBias' | 'saturated';

/** Pointwise convs at the edges of conv.c's pointwise path (conv_pw_run): depths a multiple of 4 or 1-3 below one, pixel counts
 * off its 4-pixel blocks, the full int8 activation range (no clamp) or a narrower one, and channels its doubled
 * requantization cannot take, which go the exact way: biases near +-2^31, scales below 2^-21 (or 0 after
 * rounding) and above 1. */
function pointwiseEdges(r: Rng, depths?: readonly number[], kindsOf: readonly PwKind[] = ['normal', 'normal', 'normal', 'tiny', 'zero', 'above1', 'bigBias'], planes?: ReadonlyArray<readonly [number, number]>, fullRange = false): Graph {
  const [h, w] = planes ? r.pick(planes) : [r.int(1, 3), r.int(1, 7)];
  const n = planes ? 1 : r.int(1, 2), cout = r.int(1, 13);
  const cin = depths ? r.pick(depths) : 4 * r.int(1, 24) - r.pick([0, 0, 1, 2, 3]);
  const inScale = r.float(0.01, 0.05), outScale = inScale * 0.01 * Math.sqrt(cin) * 12;
  const kinds = Array.from({ length: cout }, () => r.pick(kindsOf));
  const wScales = kinds.map((k) => {
    const effective = k === 'tiny' ? 2 ** -r.float(22, 31.5) : k === 'zero' ? 2 ** -40 : k === 'above1' ? r.float(1.1, 3) : 0;
    return effective ? (effective * outScale) / inScale : r.float(0.002, 0.02);
  });
  const bias = kinds.map((k) => (k === 'bigBias' ? r.pick([2147483647, -2147483648, 1073741824, -1073741825, 1 << 29]) - r.int(0, 3) : k === 'saturated' ? r.pick([2 ** 31 - 2 ** 23, -(2 ** 31) + 2 ** 23]) : r.int(-30000, 30000)));
  const clamp: [number, number] = fullRange || r.int(0, 1) === 1 ? FULL : [r.int(-128, -60), r.int(60, 127)];
  return singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp }, [
    { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
    { shape: [cout, 1, 1, cin], scale: wScales, axis: 0, values: r.ints(cout * cin, -127, 127) },
    { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: bias },
  ], { shape: [n, h, w, cout], scale: outScale, zp: r.int(-128, 127) });
}

/** Depths cycled through by 'CONV_2D 1x1 pointwise blocks', so that any five consecutive cases (either suite) enter
 * conv_pw_block4_asm's 4-group pass at every place: groups - 1 = 4 (20), 5 (24), 2 (12), 11 (45, a tail), 15, 23;
 * c_in 8 and 4 take the other paths. */
const PW_BLOCK_DEPTHS = [20, 24, 12, 45, 64, 8, 4, 96];
let pwBlockCase = 0;
/** Depths cycled through by 'CONV_2D 1x1 pointwise last pixels': any four consecutive cases take every depth mod 4. */
const PW_TAIL_DEPTHS = [7, 6, 45, 96];
let pwTailCase = 0;

/** A wide general conv (row runs of 4+ bytes for the SMLAD loop), per-tensor or per-channel. */
function wideConv(r: Rng): Graph {
  for (;;) {
    const n = 1, h = r.int(2, 7), w = r.int(2, 7), cin = r.int(3, 12), cout = r.int(1, 11);
    const kh = r.int(1, 4), kw = r.int(1, 4);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
    const oh = outSizeWithPads(h, kh, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, kw, stride[1], 1, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const perTensor = r.int(0, 1) === 1;
    const wScales = perTensor ? [r.float(0.002, 0.02)] : Array.from({ length: cout }, () => r.float(0.002, 0.02));
    return singleOpGraph('CONV_2D', { stride, dilation: [1, 1], pad, clamp: [r.int(-128, -20), r.int(20, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: (perTensor ? new Array(cout).fill(wScales[0]) : wScales).map((s: number) => s * inScale), values: r.ints(cout, -3000, 3000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * Math.sqrt(kh * kw * cin) * 12, zp: r.int(-10, 10) });
  }
}

/** Convs whose depth is not a multiple of 4 (5, 7, 45: a pruned DS-CNN's), 1x1 and 3x3, strides 1/2, pads,
 * dilation 1/2: conv.c's column fill writes each window run a word a group from wherever the previous run
 * left off in its group, then a 1-3 element tail, with zeros for the taps outside the image. */
function oddDepthConv(r: Rng, cin: number): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 6), w = r.int(1, 7), cout = r.int(1, 9);
    const k = r.pick([1, 3]), dil = k === 3 && r.int(0, 3) === 0 ? 2 : 1;
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = k === 1 ? { top: 0, bottom: 0, left: 0, right: 0 } : { top: r.int(0, 2), bottom: r.int(0, 2), left: r.int(0, 2), right: r.int(0, 2) };
    const oh = outSizeWithPads(h, k, stride[0], dil, pad.top, pad.bottom), ow = outSizeWithPads(w, k, stride[1], dil, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
    return singleOpGraph('CONV_2D', { stride, dilation: [dil, dil], pad, clamp: [r.int(-128, -20), r.int(20, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, k, k, cin], scale: wScales, axis: 0, values: r.ints(cout * k * k * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -3000, 3000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * Math.sqrt(k * k * cin) * 12, zp: r.int(-10, 10) });
  }
}

/** KxK convs over the depths resnet and the first convs use (1, 3, 16, 32, 64; 3x3, 10x4), strides 1 and 2, SAME/VALID
 * pads, out_depth off the 4-channel block and plane widths off the 4-pixel block: conv.c's 4-pixel column path up to
 * windows of 576 elements (3x3x64), the first-conv fills, and every block-tail on QEMU. */
function kxkConv(r: Rng, cin: number): Graph {
  for (;;) {
    const [kh, kw] = cin === 1 ? r.pick([[3, 3], [10, 4]] as const) : [3, 3];
    const n = 1, h = r.int(kh > 3 ? 10 : 2, kh > 3 ? 14 : 9), w = r.int(2, 11), cout = r.int(1, 4) * 4 + r.pick([0, 1, 2, 3]);
    const stride: [number, number] = r.pick([[1, 1], [2, 2]] as const) as [number, number];
    const same = r.int(0, 1) === 1;
    const oh = same ? Math.ceil(h / stride[0]) : Math.floor((h - kh) / stride[0]) + 1, ow = same ? Math.ceil(w / stride[1]) : Math.floor((w - kw) / stride[1]) + 1;
    if (oh < 1 || ow < 1) continue;
    const ph = Math.max(0, (oh - 1) * stride[0] + kh - h), pw = Math.max(0, (ow - 1) * stride[1] + kw - w);
    const pad = same ? { top: ph >> 1, bottom: ph - (ph >> 1), left: pw >> 1, right: pw - (pw >> 1) } : { top: 0, bottom: 0, left: 0, right: 0 };
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
    return singleOpGraph('CONV_2D', { stride, dilation: [1, 1], pad, clamp: r.int(0, 1) === 1 ? FULL : [r.int(-128, -20), r.int(20, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(cout, -3000, 3000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * Math.sqrt(kh * kw * cin) * 12, zp: r.int(-10, 10) });
  }
}

/** KxK convs at the edges of conv.c's doubled requantization (conv_kxk_block4 at 4 pixels, conv_block_out1 at one:
 * windows over 576 elements and blocks' last 1-2 pixels): channels it cannot take go the exact way (biases near
 * +-2^31, scales below 2^-21 or above 1), channels whose output is one value everywhere are stored as it. */
function kxkEdges(r: Rng, firstConv = false): Graph {
  for (;;) {
    const cin = firstConv ? 3 : r.pick([3, 8, 16, 72]), k = firstConv ? 3 : r.pick([3, 3, 2]), n = 1;
    const h = firstConv ? r.int(4, 9) : r.int(k, 6), w = firstConv ? r.int(6, 13) : r.int(k, 7), cout = r.int(1, 10);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const oh = Math.floor((h - k) / stride[0]) + 1, ow = Math.floor((w - k) / stride[1]) + 1;
    const inScale = r.float(0.01, 0.05), outScale = inScale * 0.01 * Math.sqrt(k * k * cin) * 12;
    const kinds = Array.from({ length: cout }, () => r.pick(['normal', 'normal', 'normal', 'tiny', 'zero', 'above1', 'bigBias'] as const));
    // the first conv's full blocks (conv_3x3c3_block4): a constant channel among computed ones in every case
    if (firstConv) kinds[r.int(0, cout - 1)] = 'zero';
    const wScales = kinds.map((kd) => {
      const effective = kd === 'tiny' ? 2 ** -r.float(22, 31.5) : kd === 'zero' ? 2 ** -40 : kd === 'above1' ? r.float(1.1, 3) : 0;
      return effective ? (effective * outScale) / inScale : r.float(0.002, 0.02);
    });
    const bias = kinds.map((kd) => (kd === 'bigBias' ? r.pick([2147483647, -2147483648, 1073741824, -1073741825, 1 << 29]) - r.int(0, 3) : r.int(-30000, 30000)));
    return singleOpGraph('CONV_2D', { stride, dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: r.int(0, 1) === 1 ? FULL : [r.int(-128, -60), r.int(60, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, k, k, cin], scale: wScales, axis: 0, values: r.ints(cout * k * k * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: bias },
    ], { shape: [n, oh, ow, cout], scale: outScale, zp: r.int(-128, 127) });
  }
}

/** 3x3 convs over 3 channels that take the lowering's channel-pair records (conv3_rec_run): the full int8 range, an even
 * out_depth (2 to 16), SAME or VALID pads and strides 1-2 (border windows), odd and even pixel counts per row and per
 * call (a last pixel alone), batches of 2 (pairs across rows and images), constant channels (scales below 2^-21) among
 * doubled ones, and now and then a bias past the records' bound (conv2d_s8_3x3c3_rec without records). */
function firstConvRecords(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(3, 9), w = r.int(3, 11), cout = 2 * r.int(1, 8);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const same = r.int(0, 1) === 1;
    const oh = same ? Math.ceil(h / stride[0]) : Math.floor((h - 3) / stride[0]) + 1, ow = same ? Math.ceil(w / stride[1]) : Math.floor((w - 3) / stride[1]) + 1;
    const ph = Math.max(0, (oh - 1) * stride[0] + 3 - h), pw = Math.max(0, (ow - 1) * stride[1] + 3 - w);
    const pad = same ? { top: ph >> 1, bottom: ph - (ph >> 1), left: pw >> 1, right: pw - (pw >> 1) } : { top: 0, bottom: 0, left: 0, right: 0 };
    const inScale = r.float(0.01, 0.05), outScale = inScale * 0.01 * Math.sqrt(27) * 12;
    const kinds = Array.from({ length: cout }, () => r.pick(['normal', 'normal', 'normal', 'normal', 'zero', 'tiny'] as const));
    const wScales = kinds.map((kd) => (kd === 'normal' ? r.float(0.002, 0.02) : ((kd === 'zero' ? 2 ** -40 : 2 ** -r.float(22, 31.5)) * outScale) / inScale));
    const bias = r.ints(cout, -30000, 30000);
    if (r.int(0, 7) === 0) bias[r.int(0, cout - 1)] = r.pick([1 << 30, -(1 << 30)]);
    return singleOpGraph('CONV_2D', { stride, dilation: [1, 1], pad, clamp: FULL }, [
      { shape: [n, h, w, 3], scale: inScale, zp: r.int(-128, 127) },
      { shape: [cout, 3, 3, 3], scale: wScales, axis: 0, values: r.ints(cout * 27, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: bias },
    ], { shape: [n, oh, ow, cout], scale: outScale, zp: r.int(-128, 127) });
  }
}

/** ADD without broadcasting as resnet's and mcunet's residual adds (elementwise.c add_hg_flat: one input at the larger
 * scale): sizes off its 4-element blocks (the tail), zero points over the whole int8 range, a ReLU-like or full clamp,
 * scale ratios from equal (its form refused: the other flat path) to 2^-9 (input shift below its range). */
function addFlat(r: Rng): Graph {
  const shape = [1, r.int(1, 5), r.int(1, 7), r.int(1, 9)];
  const big = r.float(0.02, 0.1), ratio = r.pick([1, r.float(0.5, 1), r.float(0.1, 0.5), r.float(0.0015, 0.004)]);
  const scales = r.int(0, 1) === 1 ? [big, big * ratio] : [big * ratio, big];
  const outZp = r.int(-128, 127);
  const clamp: [number, number] = r.int(0, 1) === 1 ? FULL : [Math.max(-128, outZp), 127];
  return singleOpGraph('ADD', { clamp }, [
    { shape, scale: scales[0]!, zp: r.int(-128, 127) },
    { shape, scale: scales[1]!, zp: r.int(-128, 127) },
  ], { shape, scale: big * r.float(0.8, 3), zp: outZp });
}

/** ADD as addFlat, where the lowering gives it the input table (elementwise.c add_tab_flat): at least
 * ADD_TABLE_MIN_ELEMENTS, no fused clamp, one input at the larger scale (either one), sizes off the 4-element blocks. */
function addTable(r: Rng, shape = [1, r.int(8, 11), r.int(8, 11), r.int(16, 17)]): Graph {
  const big = r.float(0.02, 0.1), ratio = r.pick([r.float(0.5, 0.99), r.float(0.1, 0.5), r.float(0.0015, 0.004)]);
  const scales = r.int(0, 1) === 1 ? [big, big * ratio] : [big * ratio, big];
  return singleOpGraph('ADD', { clamp: FULL }, [
    { shape, scale: scales[0]!, zp: r.int(-128, 127) },
    { shape, scale: scales[1]!, zp: r.int(-128, 127) },
  ], { shape, scale: big * r.float(0.8, 3), zp: r.int(-128, 127) });
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
    return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation: [1, 1], pad, clamp: [r.int(-128, -20), r.int(20, 127)], depthMultiplier: 1 }, [
      { shape: [n, h, w, c], scale: inScale, zp: r.int(-128, 127) },
      { shape: [1, 3, 3, c], scale: wScales, axis: 3, values: r.ints(9 * c, -127, 127) },
      { shape: [c], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(c, -3000, 3000) },
    ], { shape: [n, oh, ow, c], scale: inScale * wScales[0]! * 36, zp: r.int(-10, 10) });
  }
}

/** Depthwise windows up to 7x7 (MCUNet's), dilated or not, with every border row and column case. */
function depthwiseWide(r: Rng): Graph {
  for (;;) {
    const n = 1, h = r.int(1, 11), w = r.int(1, 11), c = r.int(4, 13);
    const kh = r.int(1, 7), kw = r.int(1, 7);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const dilation: [number, number] = r.int(0, 3) === 0 ? [r.int(1, 2), r.int(1, 2)] : [1, 1];
    const pad = { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) };
    const oh = outSizeWithPads(h, kh, stride[0], dilation[0], pad.top, pad.bottom), ow = outSizeWithPads(w, kw, stride[1], dilation[1], pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: c }, () => r.float(0.002, 0.02));
    return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation, pad, clamp: [r.int(-128, -20), r.int(20, 127)], depthMultiplier: 1 }, [
      { shape: [n, h, w, c], scale: inScale, zp: r.int(-128, 127) },
      { shape: [1, kh, kw, c], scale: wScales, axis: 3, values: r.ints(kh * kw * c, -127, 127) },
      { shape: [c], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(c, -3000, 3000) },
    ], { shape: [n, oh, ow, c], scale: inScale * wScales[0]! * 4 * Math.sqrt(kh * kw), zp: r.int(-10, 10) });
  }
}

/** A KxK depthwise (multiplier 1, dilation 1) over an [n, h, w, c] input: random scales, clamp, zero points (both extremes
 * among them), weights and biases; channels `zero` with an all-zero filter, `bias` overriding channels' biases. `draw`:
 * channel i's weight scale, the biases' bound (default 3000), and a filter drawn before the input zero point with its
 * bias bound (depthwiseSmallSame's order); the random values are drawn in the order the depthwise families always drew them. */
function kxkDepthwise(r: Rng, [n, h, w, c]: number[], k: number, stride: [number, number], pad: { top: number; bottom: number; left: number; right: number }, [oh, ow]: number[], zero: number[] = [], bias: Record<number, number> = {}, draw: { wScale?: (i: number) => number; biasBound?: number; prelude?: () => { filter: number[]; biasBound: number } } = {}): Graph {
  const inScale = r.float(0.01, 0.05);
  const wScales = Array.from({ length: c }, (_, i) => (draw.wScale ? draw.wScale(i) : r.float(0.002, 0.02)));
  const clamp: [number, number] = r.int(0, 1) === 1 ? FULL : [r.int(-128, -20), r.int(20, 127)];
  const early = draw.prelude?.();
  const bound = early?.biasBound ?? draw.biasBound ?? 3000;
  return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation: [1, 1], pad, clamp, depthMultiplier: 1 }, [
    { shape: [n, h, w, c], scale: inScale, zp: r.pick([-128, 127, r.int(-128, 127)]) },
    { shape: [1, k, k, c], scale: wScales, axis: 3, values: (early?.filter ?? r.ints(k * k * c, -127, 127)).map((v, i) => (zero.includes(i % c) ? 0 : v)) },
    { shape: [c], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(c, -bound, bound).map((v, j) => bias[j] ?? v) },
  ], { shape: [n, oh, ow, c], scale: inScale * wScales[0]! * 4 * k, zp: r.int(-10, 10) });
}

/** Depthwise 3x3 and 5x5 over rows of 8 to 24 pixels (depthwise.c's ring path from 8 output columns:
 * full blocks of four, tails of 1 to 3, both zero point extremes, stride 1 or 2 down the rows). */
function depthwiseRows(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 9), w = r.int(8, 24), c = r.int(4, 13), k = r.pick([3, 5]);
    const stride: [number, number] = [r.int(1, 2), 1];
    const pad = { top: r.int(0, k - 1), bottom: r.int(0, k - 1), left: r.int(0, k - 1), right: r.int(0, k - 1) };
    const oh = outSizeWithPads(h, k, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, k, 1, 1, pad.left, pad.right);
    if (oh < 1 || ow < 1 || oh * ow * 4 > C_DW_PLANE4_MAX) continue;
    return kxkDepthwise(r, [n, h, w, c], k, stride, pad, [oh, ow]);
  }
}

/** Depthwise 3x3 and 5x5, stride 1, the output the input's size: depthwise.c's ring path (dwconv2d_s8_inplace_channel_ring; 5x5 the large-window path)
 * along the rows (8 to 24 wide) or along the columns (planes 1 to 7 wide and 8 to 28 tall, as kws's 25x5), any pads
 * below the kernel, channel counts with 0 to 3 left over a group of four (one alone, two or three as the group
 * ending at the last channel), both zero point extremes. */
function depthwiseRuns(r: Rng): Graph {
  const n = r.int(1, 2), k = r.pick([3, 5]), columns = r.int(0, 1) === 1;
  const h = columns ? r.int(8, 28) : r.int(1, 9), w = columns ? r.int(1, 7) : r.int(8, 24), c = 4 * r.int(1, 3) + r.int(0, 3);
  const top = r.int(0, k - 1), left = r.int(0, k - 1);
  return kxkDepthwise(r, [n, h, w, c], k, [1, 1], { top, bottom: k - 1 - top, left, right: k - 1 - left }, [h, w]);
}

/** Depthwise 3x3 over small planes (depthwise.c dw4_padded, inplace-channel: the group's window padded with the zero
 * point up to C_DW_PAD4_MAX bytes, as MCUNet's 5x5 and 3x3 planes): stride 1 or 2 each way, any pads below the kernel,
 * VALID windows reading less than the input, channels with 0 to 3 left over a group of four, both zero point extremes. */
function depthwiseSmall(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(1, 9), w = r.int(1, 9), c = 4 * r.int(1, 3) + r.int(0, 3);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const pad = { top: r.int(0, 2), bottom: r.int(0, 2), left: r.int(0, 2), right: r.int(0, 2) };
    const oh = outSizeWithPads(h, 3, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, 3, stride[1], 1, pad.left, pad.right);
    if (oh < 1 || ow < 1 || 4 * ((oh - 1) * stride[0] + 3) * ((ow - 1) * stride[1] + 3) > C_DW_PAD4_MAX) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: c }, () => r.float(0.002, 0.02));
    const clamp: [number, number] = r.int(0, 1) === 1 ? FULL : [r.int(-128, -20), r.int(20, 127)];
    return singleOpGraph('DEPTHWISE_CONV_2D', { stride, dilation: [1, 1], pad, clamp, depthMultiplier: 1 }, [
      { shape: [n, h, w, c], scale: inScale, zp: r.pick([-128, 127, r.int(-128, 127)]) },
      { shape: [1, 3, 3, c], scale: wScales, axis: 3, values: r.ints(9 * c, -127, 127) },
      { shape: [c], dtype: 'int32', scale: wScales.map((s) => s * inScale), values: r.ints(c, -3000, 3000) },
    ], { shape: [n, oh, ow, c], scale: inScale * wScales[0]! * 12, zp: r.int(-10, 10) });
  }
}

/** Depthwise 3x3/1 SAME over small planes (depthwise.c dw4_padded_same: each border pixel takes only its in-bounds taps
 * with the offset added per tap; planes 2x2 to 8x7 whose padded window fits C_DW_PAD4_MAX, MCUNet's 5x5 and 3x3; rows
 * below the ring path's 8 columns), channels with 0 to 3 left over a group of four, both zero point extremes, zero
 * filters and large biases. */
function depthwiseSmallSame(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), h = r.int(2, 8), w = r.int(2, 7), c = 4 * r.int(1, 3) + r.int(0, 3);
    if (4 * (h + 2) * (w + 2) > C_DW_PAD4_MAX) continue;
    const prelude = () => {
      const filter = r.ints(9 * c, -127, 127);
      const zero = r.int(-1, c - 1); /* a pruned channel (or none) */
      if (zero >= 0) for (let t = 0; t < 9; t++) filter[t * c + zero] = 0;
      return { filter, biasBound: r.int(0, 1) === 1 ? 1_000_000 : 3000 };
    };
    return kxkDepthwise(r, [n, h, w, c], 3, [1, 1], { top: 1, bottom: 1, left: 1, right: 1 }, [h, w], [], {}, { prelude });
  }
}

/** The stream-row ring with channels whose requantization has no doubled form (multiplier >= 0.5: shift 0) in several
 * four-channel groups at different lanes, and biases up to 10^6: each group's rows must requantize with its own
 * channels' parameters (the setup of every group runs before the rows; a group's C-requantized channels once took the
 * last group's). */
function depthwiseStreamRowsMixed(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 5), w = r.int(8, 20), c = 4 * r.int(2, 4) + r.int(0, 3);
  const wScale = (i: number) => (i === 0 ? 0.002 : i % 5 === 2 ? r.float(0.014, 0.02) : r.float(0.002, 0.004));
  return kxkDepthwise(r, [n, h, w, c], 3, [1, 1], { top: 1, bottom: 1, left: 1, right: 1 }, [h, w], [], {}, { wScale, biasBound: 1_000_000 });
}

/** Depthwise 3x3, stride 1, the output the input's size, rows of 8 to 44 (MCUNet's 40x40x16): depthwise.c's stream-row
 * ring path (dwconv2d_s8_stream_row_ring; the overlap rules' stream-row variant) and the inplace-channel ring, any pads
 * below the kernel, channels with 0 to 3 left over a group of four (the tail group ending at the last channel), both zero
 * point extremes, one or two batches. */
function depthwiseStreamRows(r: Rng): Graph {
  const n = r.int(1, 2), h = r.int(1, 9), w = r.int(8, 44), c = 4 * r.int(1, 4) + r.int(0, 3);
  const top = r.int(0, 2), left = r.int(0, 2);
  return kxkDepthwise(r, [n, h, w, c], 3, [1, 1], { top, bottom: 2 - top, left, right: 2 - left }, [h, w]);
}

/** Depthwise 5x5 and 7x7 (depthwise.c's large-window path, inplace-channel): stride 1 or 2 each way, planes from
 * smaller than the window (mostly border, as MCUNet's 7x7 over 5x5 and 3x3) to rows of blocks of four with tails of
 * 1 to 3, odd and even sizes, channels not a multiple of 4, SAME, VALID or any padding, both zero point extremes. */
function depthwiseLarge(r: Rng): Graph {
  for (;;) {
    const n = r.int(1, 2), k = r.pick([5, 7]), h = r.int(1, 14), w = r.int(1, 14), c = r.int(4, 13);
    const stride: [number, number] = [r.int(1, 2), r.int(1, 2)];
    const same = (size: number, s: number) => Math.max(0, (Math.ceil(size / s) - 1) * s + k - size);
    const padding = r.pick(['same', 'valid', 'any'] as const);
    const ph = padding === 'same' ? same(h, stride[0]) : padding === 'valid' ? 0 : r.int(0, 2 * k - 2);
    const pw = padding === 'same' ? same(w, stride[1]) : padding === 'valid' ? 0 : r.int(0, 2 * k - 2);
    const top = padding === 'any' ? r.int(0, Math.min(ph, k - 1)) : Math.floor(ph / 2), left = padding === 'any' ? r.int(0, Math.min(pw, k - 1)) : Math.floor(pw / 2);
    const pad = { top, bottom: Math.min(ph - top, k - 1), left, right: Math.min(pw - left, k - 1) };
    const oh = outSizeWithPads(h, k, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, k, stride[1], 1, pad.left, pad.right);
    if (oh < 1 || ow < 1 || oh * ow * 4 > C_DW_PLANE4_MAX) continue;
    return kxkDepthwise(r, [n, h, w, c], k, stride, pad, [oh, ow]);
  }
}

/** Depthwise 5x5 and 7x7, SAME, whose output rows end in a block of 1 or 2 pixels (depthwise.c's DWK_S1_TAIL and
 * DWK_S2_TAIL assembly: rows 1, 2, 5, 6, 9, 10 or 13 wide at stride_w 1, 1, 2, 5 or 6 at stride_w 2), over 1 to 3 rows too (7x7: the window rows no output row reads
 * get no pair table), stride_h 1 or 2, channels not a multiple of 4, both zero point extremes. */
function depthwiseLargeTails(r: Rng, strideW: number): Graph {
  const n = r.int(1, 2), k = r.pick([5, 7]), h = r.pick([1, 2, 3, r.int(4, 9)]), c = r.int(4, 9);
  const stride: [number, number] = [r.int(1, 2), strideW];
  const w = stride[1] === 1 ? r.pick([1, 2, 5, 6, 9, 10, 13]) : r.pick([1, 2, 3, 4, 9, 10, 11, 12]);
  const same = (size: number, st: number) => Math.max(0, (Math.ceil(size / st) - 1) * st + k - size);
  const ph = same(h, stride[0]), pw = same(w, stride[1]);
  const pad = { top: Math.floor(ph / 2), bottom: ph - Math.floor(ph / 2), left: Math.floor(pw / 2), right: pw - Math.floor(pw / 2) };
  const oh = outSizeWithPads(h, k, stride[0], 1, pad.top, pad.bottom), ow = outSizeWithPads(w, k, stride[1], 1, pad.left, pad.right);
  // the doubled accumulator's edges (dw_rqd_ok: |bias| + 255 * 128 * taps < 2^30): channels 0 and 1 biases just inside,
  // both signs; channel 2's filter all zero
  const room = 2 ** 30 - 255 * 128 * k * k;
  return kxkDepthwise(r, [n, h, w, c], k, stride, pad, [oh, ow], [2], { 0: room - 1, 1: -(room - 1) });
}

function wideFullyConnected(r: Rng): Graph {
  const batches = r.int(1, 3), depth = r.int(1, 80), units = r.int(1, 13);
  const inScale = r.float(0.01, 0.05), wScale = r.float(0.002, 0.02);
  return singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false }, [
    { shape: [batches, depth], scale: inScale, zp: r.int(-128, 127) },
    { shape: [units, depth], scale: wScale, values: r.ints(units * depth, -127, 127) },
    { shape: [units], dtype: 'int32', scale: inScale * wScale, values: r.ints(units, -30000, 30000) },
  ], { shape: [batches, units], scale: inScale * wScale * Math.sqrt(depth) * 12, zp: r.int(-10, 10) });
}

function concatCase(r: Rng): Graph {
  const rank = r.int(1, 4);
  const shape = Array.from({ length: rank }, () => r.int(1, 4));
  const axis = r.int(0, rank - 1);
  const parts = Array.from({ length: r.int(1, 3) }, () => r.int(1, 3));
  const q = { scale: 0.05, zp: 2 };
  const inputs = parts.map((p) => ({ shape: shape.map((d, k) => (k === axis ? p : d)), ...q }));
  return singleOpGraph('CONCATENATION', { axis, clamp: FULL }, inputs, { shape: shape.map((d, k) => (k === axis ? parts.reduce((a, b) => a + b, 0) : d)), ...q });
}



const FAMILIES: Array<[string, (r: Rng) => Graph]> = [
  ['CONV_2D 1x1', (r) => pointwise(r, false)],
  ['CONV_2D 1x1 wide', (r) => pointwise(r, true)],
  ['CONV_2D 1x1 pointwise edges', (r) => pointwiseEdges(r)],
  // more output channels than conv.c's requantization table: no per-path symbol (src/ir/workspace.ts cConvPath), the
  // generic conv2d_s8_1x1 / conv2d_s8_stream_pixel run it, by the portable path on ARMv7E-M too
  ['CONV_2D 1x1 generic', (r) => pointwise(r, false, C_RQ_MAX + r.int(1, 8))],
  ['CONV_2D 1x1 pointwise blocks', (r) => pointwiseEdges(r, [PW_BLOCK_DEPTHS[pwBlockCase++ % PW_BLOCK_DEPTHS.length]!], ['normal', 'normal', 'normal', 'zero'])],
  // A last 1 or 2 pixels (3x3 and 5x5 planes: 9, 25), which conv_pw_run runs one by one: every depth mod 4 (its column's tail group)
  ['CONV_2D 1x1 pointwise last pixels', (r) => pointwiseEdges(r, [PW_TAIL_DEPTHS[pwTailCase++ % PW_TAIL_DEPTHS.length]!], undefined, [[3, 3], [5, 5], [1, 1], [2, 3], [1, 6], [5, 1]])],
  // c_in 8 over the full int8 range with every channel in the doubled form: the lowering's channel records (conv_pw8_run)
  ['CONV_2D 1x1 pointwise 8 channels', (r) => pointwiseEdges(r, [8], ['normal', 'normal', 'normal', 'zero'], [[1, 1], [3, 3], [5, 5], [2, 7], [4, 6], [1, 13]], true)],
  // c_in 16 the same way (conv_pw16_run: two channels a pass, an odd count entering at the second, the loop ending on the
  // last record's sh word; 1 to 13 output channels); a bias past the records' bound: conv2d_s8_pw_rec without records
  ['CONV_2D 1x1 pointwise 16 channels', (r) => pointwiseEdges(r, [16], ['normal', 'normal', 'normal', 'normal', 'normal', 'zero', 'bigBias'], [[1, 1], [3, 3], [5, 5], [2, 7], [4, 6], [1, 13]], true)],
  // Constant channels among doubled ones and none the exact way: conv.c's full-block asm stores them itself.
  ['CONV_2D 1x1 pointwise constants', (r) => pointwiseEdges(r, [8, 16, 45, 64], ['normal', 'normal', 'tiny', 'saturated'])],
  ['CONV_2D', (r) => convCase(r, false)],
  ['CONV_2D wide', wideConv],
  ['ADD flat', addFlat],
  ['ADD table', (r) => addTable(r)],
  ['CONV_2D KxK edges', kxkEdges],
  ['CONV_2D KxK edges more', kxkEdges],
  ['CONV_2D KxK first conv blocks', (r) => kxkEdges(r, true)],
  ['CONV_2D first conv records', firstConvRecords],
  ...[1, 3, 16, 32, 64].map((c) => [`CONV_2D KxK depth ${c}`, (r: Rng) => kxkConv(r, c)] as [string, (r: Rng) => Graph]),
  ...[5, 7, 45].map((c) => [`CONV_2D depth ${c}`, (r: Rng) => oddDepthConv(r, c)] as [string, (r: Rng) => Graph]),
  ['DEPTHWISE_CONV_2D m1', (r) => depthwiseCase(r, 1)],
  ['DEPTHWISE_CONV_2D m2', (r) => depthwiseCase(r, 2)],
  ['DEPTHWISE_CONV_2D 3x3', depthwise3x3],
  ['DEPTHWISE_CONV_2D wide', depthwiseWide],
  ['DEPTHWISE_CONV_2D rows', depthwiseRows],
  ['DEPTHWISE_CONV_2D runs', depthwiseRuns],
  ['DEPTHWISE_CONV_2D large', depthwiseLarge],
  ['DEPTHWISE_CONV_2D large tails', (r) => depthwiseLargeTails(r, 1)],
  ['DEPTHWISE_CONV_2D large tails stride 2', (r) => depthwiseLargeTails(r, 2)],
  ['DEPTHWISE_CONV_2D small planes', depthwiseSmall],
  ['DEPTHWISE_CONV_2D small same planes', depthwiseSmallSame],
  ['DEPTHWISE_CONV_2D stream rows, mixed requantization', depthwiseStreamRowsMixed],
  ['DEPTHWISE_CONV_2D stream rows', depthwiseStreamRows],
  ['AVERAGE_POOL_2D', (r) => poolCase(r, 'AVERAGE_POOL_2D')],
  ['MAX_POOL_2D', (r) => poolCase(r, 'MAX_POOL_2D')],
  ['FULLY_CONNECTED', fullyConnectedCase],
  ['FULLY_CONNECTED wide', wideFullyConnected],
  ['FULLY_CONNECTED LUT weights', fullyConnectedLutCase],
  ['CONV_2D LUT weights', (r) => convLutCase(r, 'window')],
  ['CONV_2D LUT weights pointwise', (r) => convLutCase(r, 'pointwise')],
  ['CONV_2D LUT weights in blocks', (r) => convLutCase(r, r.pick(['big', 'big-pointwise'] as const))],
  ['CONV_2D LUT weights on the fly', (r) => convLutCase(r, r.pick(['window', 'pointwise', 'big'] as const), true)],
  ['DEPTHWISE_CONV_2D LUT weights', (r) => depthwiseLutCase(r, r.pick([1, 1, 2]))],
  ['DEPTHWISE_CONV_2D LUT weights on the fly', (r) => depthwiseLutCase(r, r.pick([1, 1, 2]), true)],
  ['ADD', (r) => binaryCase(r, 'ADD')],
  ['SUB', (r) => binaryCase(r, 'SUB')],
  ['MUL', (r) => binaryCase(r, 'MUL')],
  ['MAXIMUM', (r) => binaryCase(r, 'MAXIMUM')],
  ['MINIMUM', (r) => binaryCase(r, 'MINIMUM')],
  ['DECODE', decodeCase],
  ...UNARY_KINDS.map((k) => [k, (r: Rng) => unaryCase(r, k)] as [string, (r: Rng) => Graph]),
  ...TYPED_UNARY_KINDS.map((k) => [k, (r: Rng) => typedUnary(r, k)] as [string, (r: Rng) => Graph]),
  ['PAD', (r) => padCase(r, 'PAD')],
  ['PADV2', (r) => padCase(r, 'PADV2')],
  ['PAD int16', (r) => padCase(r, 'PAD', 'int16')],
  ['PAD float32', (r) => padCase(r, 'PAD', 'float32')],
  ['STRIDED_SLICE', (r) => stridedSliceCase(r, true)],
  ['TRANSPOSE', transposeCase],
  ['TRANSPOSE planes', planeTransposeCase],
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
  ['MEAN int8', (r) => reduceCase(r, 'int8')],
  ['MEAN int16', (r) => reduceCase(r, 'int16')],
  ['MEAN int8 spatial', (r) => spatialMeanCase(r)],
  ['SUM int8 spatial', (r) => spatialMeanCase(r, 'SUM')],
  ['MEAN int8 last axis', (r) => lastAxisMeanCase(r)],
  ['SUM int8 last axis', (r) => lastAxisMeanCase(r, 'SUM')],
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
  ['SQUARED_DIFFERENCE', (r) => binaryCase(r, 'SQUARED_DIFFERENCE')],
  ['DIV', (r) => binaryCase(r, 'DIV')],
  ['SQUARED_DIFFERENCE int16', (r) => binary16Case(r, 'SQUARED_DIFFERENCE')],
  ['TRANSPOSE_CONV int8', (r) => transposeConvCase(r, 'int8')],
  ['TRANSPOSE_CONV 16x8', (r) => transposeConvCase(r, 'int16')],
  ['SVDF int8 state', (r) => svdfCase(r, 'int8')],
  ['SVDF int16 state', (r) => svdfCase(r, 'int16')],
  ['UNIDIRECTIONAL_SEQUENCE_LSTM int8', (r) => lstmCase(r, 'int8')],
  ['UNIDIRECTIONAL_SEQUENCE_LSTM 16x8', (r) => lstmCase(r, 'int16')],
  ['LOGISTIC int16', (r) => sigmoidTanh16Case(r, 'LOGISTIC', false)],
  ['LOGISTIC int16 power-of-two scale', (r) => sigmoidTanh16Case(r, 'LOGISTIC', true)],
  ['TANH int16', (r) => sigmoidTanh16Case(r, 'TANH', false)],
  ['TANH int16 power-of-two scale', (r) => sigmoidTanh16Case(r, 'TANH', true)],
  ['SOFTMAX int16', softmax16Case],
  ['SUM int8', (r) => reduceCase(r, 'int8', 'SUM')],
  ['SUM int16', (r) => reduceCase(r, 'int16', 'SUM')],
  ['REDUCE_MAX int8', (r) => reduceCase(r, 'int8', 'REDUCE_MAX')],
  ['L2_NORMALIZATION', l2normCase],
  ['MAXIMUM int16', (r) => maxMin16Case(r, 'MAXIMUM')],
  ['MINIMUM int16', (r) => maxMin16Case(r, 'MINIMUM')],
  ['RESIZE_BILINEAR', resizeBilinearCase],
  ['SQUARED_DIFFERENCE int32', squaredDifference32Case],
  ['DIV int32', div32Case],
];

/** TINYFORGE_KERNEL_FAMILIES=regex: only the families it matches (while iterating on a kernel; the coverage check is then skipped). */
const ONLY = process.env.TINYFORGE_KERNEL_FAMILIES ? new RegExp(process.env.TINYFORGE_KERNEL_FAMILIES) : undefined;

interface Expectation {
  job: Job;
  want: Uint8Array;
  family: string;
}

/** The jobs of every family: default (fast paths on and off) on disjoint buffers, sampled overlaps with the variants. */
function buildJobs(cases: number, salt: number): Expectation[] {
  const out: Expectation[] = [];
  for (const [name, make] of FAMILIES.filter(([f]) => ONLY === undefined || ONLY.test(f))) {
    for (let seed = 1; seed <= cases; seed++) {
      const r = rng(seed * 104729 + name.length * 7919 + salt);
      const graph = make(r);
      const where = `${name} seed ${seed} shapes ${graph.tensors.map((t) => `[${t.shape}]`).join(' ')}`;
      const inputs = randomInputs(graph, r);
      const want = runDefault(graph, inputs);
      for (const fastPaths of [true, false]) {
        out.push({ family: name, want, job: kernelJob(graph, disjointPlacement(graph), inputs, 'default', `${where} default${fastPaths ? '' : ' (no fast paths)'}`, r.int(0, 255), fastPaths) });
      }
      for (const rule of overlapRules(graph, 0)) {
        const step = elementSize(graph, graph.ops[0]!.outputs[0]!);
        const lo = Math.ceil(rule.minDelta / step) * step, hi = Math.floor(rule.maxDelta / step) * step;
        if (lo > hi) continue;
        const deltas = new Set([lo, hi, ...(lo <= 0 && hi >= 0 ? [0] : []), lo + r.int(0, Math.floor((hi - lo) / step)) * step]);
        for (const delta of deltas) {
          const fresh = randomInputs(graph, r);
          const placement = overlappedPlacement(graph, rule.input, delta, rule.scratchBytes);
          out.push({ family: name, want: runDefault(graph, fresh), job: kernelJob(graph, placement, fresh, rule.variant, `${where} ${rule.variant} delta ${delta}`, r.int(0, 255)) });
        }
      }
    }
  }
  // Patch window copies: a window of a full NHWC tensor to a compact tile and back, for 1/2/4-byte elements.
  const r = rng(4242 + salt);
  for (let i = 0; i < cases * 2; i++) {
    const dtype = r.pick(['int8', 'int16', 'float32'] as const);
    const e = dtype === 'int8' ? 1 : dtype === 'int16' ? 2 : 4;
    const [n, fh, fw, c] = [r.int(1, 2), r.int(1, 7), r.int(1, 7), r.int(1, 5)];
    const th = r.int(1, fh), tw = r.int(1, fw), y0 = r.int(0, fh - th), x0 = r.int(0, fw - tw);
    const fullBytes = n * fh * fw * c * e, tileBytes = n * th * tw * c * e;
    const graph = singleOpGraph('RESHAPE', {}, [{ shape: [1], scale: 0.1, zp: 0 }], { shape: [1], scale: 0.1, zp: 0 });
    const fullAt = 32, tileAt = Math.ceil((fullAt + fullBytes) / 16) * 16 + 16;
    const direction = r.pick(['to-tile', 'from-tile'] as const);
    const call: CopyWindowCall = {
      type: 'copy-window', direction, y0, x0,
      full: { offset: fullAt, shape: [n, fh, fw, c], dtype }, tile: { offset: tileAt, shape: [n, th, tw, c], dtype },
    };
    const full = r.bytes(fullBytes), tile = r.bytes(tileBytes);
    const want = direction === 'to-tile' ? tile.slice() : full.slice();
    for (let b = 0; b < n; b++) {
      for (let y = 0; y < th; y++) {
        const f = (((b * fh + y0 + y) * fw + x0) * c) * e, t = ((b * th + y) * tw * c) * e, row = tw * c * e;
        if (direction === 'to-tile') want.set(full.subarray(f, f + row), t);
        else want.set(tile.subarray(t, t + row), f);
      }
    }
    out.push({ family: 'copy-window', want, job: windowJob(graph, call, tileAt + tileBytes + 32, full, tile, r.int(0, 255), `copy-window ${direction} ${dtype} full [${n},${fh},${fw},${c}] tile [${th},${tw}] at ${y0},${x0}`) });
  }
  return out;
}

function checkAll(expectations: Expectation[], results: Array<{ output: Uint8Array; symbol: string }>): Set<string> {
  const symbols = new Set<string>();
  expectations.forEach((e, i) => {
    const got = results[i]!;
    symbols.add(got.symbol);
    expect(Buffer.compare(got.output, e.want), `${e.job.label} (${got.symbol})`).toBe(0);
  });
  return symbols;
}

const hostOk = haveTools('C kernels (host)', ['gcc', 'ar']);
const qemuOk = haveTools('C kernels (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('C kernels vs the reference', () => {
  let covered = new Set<string>();

  it.skipIf(!hostOk)('host gcc with ASan+UBSan (portable paths): every family, default and overlapped variants', () => {
    const expectations = buildJobs(6, 0);
    const symbols = checkAll(expectations, runJobsOnHost(expectations.map((e) => e.job)));
    covered = new Set([...covered, ...symbols]);
    const overlapped = expectations.filter((e) => !/ default/.test(e.job.label) && e.family !== 'copy-window').length;
    console.log(`C kernels on the host: ${expectations.length} calls (${overlapped} overlapped), ${symbols.size} symbols`);
    if (ONLY === undefined) expect(overlapped).toBeGreaterThan(100);
  }, 900_000);

  it.skipIf(!qemuOk)('QEMU mps2-an386 Cortex-M4F (ARMv7E-M DSP paths): every family, default and overlapped variants', () => {
    const expectations = buildJobs(5, 77);
    const symbols = checkAll(expectations, runJobsOnQemu(expectations.map((e) => e.job)));
    covered = new Set([...covered, ...symbols]);
    console.log(`C kernels on QEMU: ${expectations.length} calls, ${symbols.size} symbols`);
  }, 900_000);

  // firmware is built at -O0 for debugging (the assembly paths' C twins: -O0 keeps a frame pointer; functions 2-byte
  // aligned, where conv.c's pointwise ADR once jumped 2 bytes off) and at -Os for size; opt-levels.test only compiles them
  for (const level of ['-O0', '-Os'] as const) {
    it.skipIf(!qemuOk)(`QEMU Cortex-M4F, kernel library at ${level}: every family, default and overlapped variants`, () => {
      const expectations = buildJobs(1, level === '-O0' ? 313 : 571);
      if (expectations.length === 0) return;
      const symbols = checkAll(expectations, runJobsOnQemu(expectations.map((e) => e.job), level));
      console.log(`C kernels on QEMU at ${level}: ${expectations.length} calls, ${symbols.size} symbols`);
    }, 900_000);
  }

  // ADD's input table (add_tab_flat) for every (a, b) pair of int8 inputs: a = i mod 256, b = i / 256 over 65,536 elements
  it.skipIf(!hostOk || !qemuOk)('ADD with the input table: all 65,536 input pairs, host and QEMU', () => {
    const jobs: Expectation[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const r = rng(seed * 7907);
      const graph = addTable(r, [1, 256, 256, 1]);
      const a = Uint8Array.from({ length: 65536 }, (_, i) => i & 255), b = Uint8Array.from({ length: 65536 }, (_, i) => i >> 8);
      const inputs = new Map([[0, a], [1, b]]);
      jobs.push({ family: 'ADD table pairs', want: runDefault(graph, inputs), job: kernelJob(graph, disjointPlacement(graph), inputs, 'default', `ADD table pairs seed ${seed}`, r.int(0, 255)) });
    }
    for (const run of [runJobsOnHost, runJobsOnQemu]) expect([...checkAll(jobs, run(jobs.map((e) => e.job)))]).toEqual(['add_s8']);
  }, 900_000);

  it.skipIf(!hostOk || ONLY !== undefined)('together the runs reach every symbol of the kernel ABI', () => {
    const missing = Object.keys(KERNELS).filter((s) => !covered.has(s));
    expect(missing).toEqual([]);
  });
});
