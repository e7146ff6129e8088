// Kernel workspace (TFLM's RequestScratchBufferInArena): the bytes a kernel call needs for one step
// besides its inputs, outputs and the variant scratch, per backend. The planner places them in the arena
// with the op's lifetime (src/plan/planner.ts); OP_TABLE[kind].workspace points at these formulas. They
// mirror the kernels' own choices: C firmware-templates/kernels (conv.c conv_dsp, fc.c fc_row, depthwise.c
// inplace-channel planes: the ARMv7E-M paths, which take the portable path when given fewer bytes) and
// wasm assembly/ (conv.ts convQ / convDirect, winograd.ts, depthwise.ts depthwiseQ, fully-connected.ts),
// which need at least what `wasmWindowBytes` gives (codegen/wasm/workspace.ts checks each lowered call).
import type { AnyOp, Graph } from './graph.js';
import type { KernelVariant } from './op-table.js';
import { dtypeBytes } from './shapes.js';

/** The kernel libraries with workspace formulas: tinyforge's C kernels (an MCU) and its wasm kernels. */
export type KernelLibrary = 'c' | 'wasm';
/**
 * The kernels a plan sizes workspace for: 'c' (the default), 'wasm', or 'tflm' (TFLite Micro's kernels,
 * which request their scratch at run time: none is planned).
 */
export const PLAN_BACKENDS = ['c', 'wasm', 'tflm'] as const;
export type PlanBackend = (typeof PLAN_BACKENDS)[number];

/** Everything a workspace formula reads: the lowered call's geometry (record fields in the kernel ABI). */
export interface KernelGeometry {
  variant: KernelVariant;
  batches: number;
  inH: number; inW: number; inDepth: number;
  outH: number; outW: number; outDepth: number;
  filterH: number; filterW: number; filterDepth: number; depthMultiplier: number;
  strideH: number; strideW: number; dilationH: number; dilationW: number; padTop: number; padLeft: number;
  /** FULLY_CONNECTED: input elements per row. */
  depth: number;
  /** UNIDIRECTIONAL_SEQUENCE_LSTM: state elements per batch row (the record field FULLY_CONNECTED also has; no formula of its reads it). */
  units: number;
  /** wasm lowering choices (src/schedule/abi.ts): requantization tables, packed and Winograd weights. */
  qparams: boolean; packed: boolean; winograd: boolean;
  /** Index bits of LUT-compressed weights the kernel decodes itself (src/passes/fuse-decode.ts); 0: plain int8 weights. */
  lutBits: number;
  /** LUT weights decoded in the dot loop (LutStorage.onTheFly): no decoded block planned. */
  lutOnTheFly?: boolean;
  /** conv_lut.c / dw_lut.c decode the whole filter (convLutWhole), else blocks of channels / on the fly. */
  lutWhole?: boolean;
  /** wasm: LUT weights decoded once at the module's first invoke, outside the arena (LutStorage.atLoad): plain weights to the kernels. */
  lutAtLoad?: boolean;
}

export type WorkspaceFormula = (g: KernelGeometry) => number;
/** Per library; `int16`: the 16x8 kernel takes it too (the int8 kernels' fast-path scratch is int8-only). */
export type KernelWorkspace = { readonly [L in KernelLibrary]: WorkspaceFormula } & { readonly int16?: boolean };

const up = (n: number, m: number) => Math.ceil(n / m) * m;

// ---- C (firmware-templates/kernels; the caps bound what a call may take) ----

/** conv.c: int16 elements of a 4-pixel column buffer; output channels of a requantization table (8 bytes each). */
export const C_COL4_MAX = 2304, C_COL_MAX = 2048, C_RQ_MAX = 512, C_RQ_BYTES = 8;
/** depthwise.c: bytes of the four planes of inplace-channel's group; taps of the tap table. */
export const C_DW_PLANE4_MAX = 2560, C_DW_TAPS_MAX = 64;
/** depthwise.c dw4_padded: the largest zero-point-padded 3x3 window of a group (4 channels' packed words) it copies. */
export const C_DW_PAD4_MAX = 400;

/** Bytes of depthwise.c's padded window for a small 3x3 plane (inplace-channel, dw4_pad_bytes), or 0 where it is not taken. */
function cDepthwisePad4(g: KernelGeometry): number {
  if (g.filterH !== 3 || g.filterW !== 3 || g.dilationH !== 1 || g.dilationW !== 1) return 0;
  const bytes = 4 * ((g.outH - 1) * g.strideH + 3) * ((g.outW - 1) * g.strideW + 3);
  return bytes <= C_DW_PAD4_MAX ? bytes : 0;
}

/** conv_lut.c: bytes of decoded LUT weights a conv2d_lut_s8 block takes (TF_CONV_LUT_BYTES there). */
export const C_CONV_LUT_BYTES = 4096;

/** Channels of a conv_lut.c block when the whole filter is not decoded: about C_CONV_LUT_BYTES, at least four. */
export function convLutChannels(outDepth: number, taps: number): number {
  if (outDepth * taps <= C_CONV_LUT_BYTES) return outDepth;
  return Math.min(outDepth, Math.max(4, Math.floor(C_CONV_LUT_BYTES / taps / 4) * 4));
}

const largest = new WeakMap<Graph, number>();
/** Bytes of the graph's largest activation (a tensor without constant data). */
function largestActivationBytes(graph: Graph): number {
  let bytes = largest.get(graph);
  if (bytes === undefined) {
    bytes = 0;
    for (const t of graph.tensors) if (!t.data) bytes = Math.max(bytes, t.shape.reduce((a, b) => a * b, 1) * (dtypeBytes(t.dtype) ?? 1));
    largest.set(graph, bytes);
  }
  return bytes;
}

/**
 * Whether conv_lut.c decodes a CONV_2D's whole filter (then conv.c's kernels run on it, in any access order):
 * when it is no larger than the model's largest activation (it then rarely sets the arena) or C_CONV_LUT_BYTES;
 * else blocks of convLutChannels run over every output pixel (the default order only).
 */
export function convLutWhole(graph: Graph, filterBytes: number): boolean {
  return filterBytes <= Math.max(C_CONV_LUT_BYTES, largestActivationBytes(graph));
}

/**
 * conv_lut.c: the whole decoded filter (16-byte aligned) then conv.c's own workspace (its kernels run on it), or
 * a block of decoded channels (default order); 0 when it decodes on the fly.
 */
function cConvLutBytes(g: KernelGeometry): number {
  const taps = g.filterH * g.filterW * g.filterDepth;
  const channels = convLutChannels(g.outDepth, taps);
  if (g.lutOnTheFly) return 0;
  if (g.lutWhole) return up(g.outDepth * taps, 16) + cConvBytes(g);
  if (g.variant !== 'default') return 0;
  // a pointwise conv's input row as int16 (fc.c's column), after the block
  const pointwise = g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.filterDepth === g.inDepth && g.outH === g.inH && g.outW === g.inW;
  return up(channels * taps, 4) + (pointwise && taps <= C_COL_MAX ? up(taps, 4) * 2 : 0);
}

/** conv.c conv_dsp: the column buffer (2 * P * K4 bytes, P pixels per block) then out_depth tf_rq. */
function cConvBytes(g: KernelGeometry): number {
  const K4 = up(g.filterH * g.filterW * g.filterDepth, 4);
  if (g.filterDepth !== g.inDepth || g.outDepth > C_RQ_MAX || K4 === 0) return 0;
  const P = 4 * K4 <= C_COL4_MAX ? 4 : K4 <= C_COL_MAX ? 1 : 0;
  return P === 0 ? 0 : 2 * P * K4 + g.outDepth * C_RQ_BYTES;
}

/** conv.c's per-path symbols (conv2d_s8_<path>[_<variant>]): the pointwise path, the column path with one fill. */
export type CConvPath = 'pw' | '3x3c3' | 'kxk4' | 'kxk';

/**
 * Which of conv.c's paths an int8 CONV_2D call takes, as conv_dsp_init and conv_col_fill_for choose on ARMv7E-M, or
 * null when the generic symbol must run it (its portable path: a workspace short of cConvBytes, groups, a long
 * window). 'pw': conv_pw_fits (1x1, stride 1, no pads, |input offset| <= 256, dot products within 2^29); else the
 * column fill: '3x3c3' (3x3 over 3 channels, dilation 1), 'kxk4' (depth a multiple of 4, dilation_w 1), 'kxk' (runs).
 */
export function cConvPath(g: Pick<KernelGeometry, 'inH' | 'inW' | 'inDepth' | 'outH' | 'outW' | 'outDepth' | 'filterH' | 'filterW' | 'filterDepth' | 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'padTop' | 'padLeft'>, inputOffset: number, workspaceBytes: number): CConvPath | null {
  const need = cConvBytes(g as KernelGeometry);
  if (need === 0 || workspaceBytes < need) return null;
  const K = g.filterH * g.filterW * g.filterDepth;
  const P = 4 * up(K, 4) <= C_COL4_MAX ? 4 : 1;
  const pointwise = g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.inH === g.outH && g.inW === g.outW;
  if (P === 4 && pointwise && Math.abs(inputOffset) <= 256 && K * 128 * (128 + Math.abs(inputOffset)) < 2 ** 29) return 'pw';
  if (g.filterDepth === 3 && g.filterH === 3 && g.filterW === 3 && g.dilationH === 1 && g.dilationW === 1) return '3x3c3';
  if (g.filterDepth % 4 === 0 && g.dilationW === 1) return 'kxk4';
  return 'kxk';
}

/** depthwise.c's ring path (3x3): the output run length (a row, or a column of the plane transposed) from which it is taken. */
export const C_DWR_W_MIN = 8;

/**
 * Which way depthwise.c's ring path (its own symbol, dwconv2d_s8_inplace_channel_ring: inplace-channel, depth
 * multiplier 1, stride and dilation 1, 3x3, the output the input's size; 5x5 takes the large-window path,
 * dwLargeWindow, faster) runs a plane: 'rows' when the
 * output rows are C_DWR_W_MIN or more wide, else 'columns' (the plane transposed) when its columns are that tall,
 * else null. It writes each run straight into the output: with the output the input's size and pads below the
 * kernel, a run overwrites only input runs the ring already holds (dwr_orientation there).
 */
export function cDepthwiseRing(g: RingGeometry): 'rows' | 'columns' | null {
  if (g.variant !== 'inplace-channel' || !ringGeometry(g)) return null;
  return g.outW >= C_DWR_W_MIN ? 'rows' : g.outH >= C_DWR_W_MIN ? 'columns' : null;
}

type RingGeometry = Pick<KernelGeometry, 'variant' | 'depthMultiplier' | 'inDepth' | 'inH' | 'inW' | 'outH' | 'outW' | 'filterH' | 'filterW' | 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'padTop' | 'padLeft'>;

/** The geometry depthwise.c's ring runs (dwr_orientation): 3x3, multiplier 1, stride and dilation 1, the output the input's size, pads below the kernel. */
function ringGeometry(g: RingGeometry): boolean {
  const k = g.filterH === 3 && g.filterW === 3 ? 3 : 0;
  if (g.depthMultiplier !== 1 || g.inDepth < 4 || k === 0) return false;
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return false;
  return g.outH === g.inH && g.outW === g.inW && g.padTop <= k - 1 && g.padLeft <= k - 1;
}

/**
 * depthwise.c's stream-row ring path (its own symbol, dwconv2d_s8_stream_row_ring: dws_run): stream-row over the ring's
 * geometry along rows C_DWR_W_MIN or more wide, each four-channel group with its own pair table and ring in the workspace.
 */
export function cDepthwiseStreamRing(g: RingGeometry): boolean {
  return g.variant === 'stream-row' && ringGeometry(g) && g.outW >= C_DWR_W_MIN;
}

/** depthwise.c's large-window path (dwk: inplace-channel, 5x5 and 7x7, dilation 1, stride_w 1 or 2). */
export function dwLargeWindow(g: Pick<KernelGeometry, 'filterH' | 'filterW' | 'dilationH' | 'dilationW' | 'strideW'>): boolean {
  const k = g.filterH;
  return g.filterW === k && (k === 5 || k === 7) && g.dilationH === 1 && g.dilationW === 1 && (g.strideW === 1 || g.strideW === 2);
}

/**
 * depthwise.c dw4 (depth multiplier 1, four channels at a time): the head (the group's tap table, two words a
 * tap), then for inplace-channel the four channels' planes as packed words (without room for them: no dw4
 * path). The ring path (cDepthwiseRing): the head (its pair table, 16 bytes per window row and pair word, and
 * 4 words of requantization per channel), one run of 4 channels' packed words (blocks of 4 pixels), kh rows of
 * 4 channels' ring words. inplace-channel 5x5 and 7x7 (dwLargeWindow): the large-window path's head (pair table,
 * then 4 channels' window-row prefix sums), the planes, kh rows of 4 channels' ring words.
 */
function cDepthwiseBytes(g: KernelGeometry, withRing = true): number {
  const taps = g.filterH * g.filterW;
  if (g.depthMultiplier !== 1 || taps > C_DW_TAPS_MAX || g.inDepth < 4) return 0;
  const ring = withRing ? cDepthwiseRing(g) : null;
  if (withRing && cDepthwiseStreamRing(g)) {
    // one run, then per group of four channels (a tail group ending at the last) its pair table and kh ring rows
    const k = g.filterH, npo = Math.floor(k / 2) + 1, blocks = Math.ceil(g.outW / 4);
    const group = Math.max(8 * taps, 16 * (k * 2 * npo + 4)) + 16 * k * (blocks + Math.floor(npo / 2));
    return 16 * blocks + Math.ceil(g.inDepth / 4) * group;
  }
  if (ring) {
    const k = g.filterH, npo = Math.floor(k / 2) + 1, run = ring === 'rows' ? g.outW : g.outH;
    const head = Math.max(8 * taps, 16 * (k * 2 * npo + 4));
    return head + 16 * Math.ceil(run / 4) + 16 * k * (Math.ceil(run / 4) + Math.floor(npo / 2));
  }
  const plane4 = g.outH * g.outW * 4, pad4 = cDepthwisePad4(g);
  // small 3x3 planes: the tap table, then the group's padded window instead of its planes
  if (g.variant === 'inplace-channel' && pad4) return 8 * taps + pad4;
  if (g.variant === 'inplace-channel' && plane4 > C_DW_PLANE4_MAX) return 0;
  if (withRing && g.variant === 'inplace-channel' && dwLargeWindow(g)) {
    // the pair table, 4 channels' window-row prefix sums (kh + 1 words), the planes, kh rows of 4 channels' ring words
    const npo = Math.floor(g.filterW / 2) + 1, npe = Math.floor((g.filterW + 1) / 2);
    const nb = Math.floor((g.outW + 3) / 4);
    const ww = g.strideW === 1 ? nb + Math.floor(npo / 2) : 2 * nb - 1 + Math.floor((npe + 2) / 2);
    return 16 * (g.filterH * 2 * npo + 4) + 16 * (g.filterH + 1) + plane4 + 16 * g.filterH * ww;
  }
  return 8 * taps + (g.variant === 'inplace-channel' ? plane4 : 0);
}

/** Units whose LUT-compressed weights fc.c / fully-connected.ts decode per block (FC_LUT_ROWS, LUT_ROWS). */
export const FC_LUT_ROWS = 4;

/** fc.c fc_row: the row's x + offset as int16, in words of two; fully_connected_lut_s8: the block's decoded rows first. */
function cFullyConnectedBytes(g: KernelGeometry): number {
  const rows = g.lutBits > 0 ? up(FC_LUT_ROWS * g.depth, 4) : 0;
  return rows + (g.depth <= C_COL_MAX ? up(g.depth, 4) * 2 : 0);
}

// ---- wasm (assembly/) ----

/** Pixels per group of the pointwise stream-pixel convolution (assembly/conv.ts PIXEL_GROUP). */
const PIXEL_GROUP = 16;
/** Output pixels per block of the direct (no im2col) convolution (assembly/conv.ts DIRECT_PIXELS). */
const DIRECT_PIXELS = 4;
/** Tiles per multiply block of the Winograd convolution (assembly/winograd.ts TB). */
const WINOGRAD_TB = 4;

/** Largest window (kh * kw * ic taps) whose CONV_2D gets `packed` weights (src/schedule/abi.ts header). */
export const PACKED_MAX_TAPS = 32;
/** Largest window wider than 1x1 whose CONV_2D gets `packed` weights (resnet's 3x3 over 16 channels). */
export const PACKED_MAX_WINDOW_TAPS = 144;

/** Whether a one-group CONV_2D's window fits `packed` weights (the lowering also needs constant int8 weights). */
export function packedWindowFits(g: Pick<KernelGeometry, 'filterH' | 'filterW' | 'filterDepth' | 'inDepth' | 'outDepth'>): boolean {
  const windowTaps = g.filterH * g.filterW * g.filterDepth;
  const maxTaps = g.filterH * g.filterW > 1 && g.filterW * g.filterDepth >= 8 ? PACKED_MAX_WINDOW_TAPS : PACKED_MAX_TAPS;
  return g.filterDepth === g.inDepth && windowTaps <= maxTaps && g.outDepth % 8 === 0;
}

/** Whether a CONV_2D takes Winograd weights (SIMD builds; 4 x the accumulator must not wrap in int32). */
export function winogradFits(g: Pick<KernelGeometry, 'filterH' | 'filterW' | 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'filterDepth' | 'inDepth' | 'outDepth'>): boolean {
  return g.filterH === 3 && g.filterW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1 &&
    g.filterDepth === g.inDepth && g.outDepth % 8 === 0 && g.inDepth % 8 === 0 && g.inDepth <= 2048;
}

function winogradBytes(outW: number, depth: number): number {
  const tiles = up(Math.ceil(outW / 2), WINOGRAD_TB);
  return up(4 * (2 * tiles + 2) * depth, 16) + tiles * 32 * depth + WINOGRAD_TB * 512;
}

/**
 * The wasm kernels over a filter decoded whole into their workspace at each invoke (codegen/wasm/abi/lut.ts: a
 * decode_lut_s8 call first): the decoded filter (16-byte aligned), then the plain kernel's own workspace, which
 * `plain` gives for plain int8 weights (never `packed` or Winograd ones: those would be copies of the filter).
 */
function wasmDecodedWhole(g: KernelGeometry, filterBytes: number, plain: WorkspaceFormula): number {
  return up(filterBytes, 16) + plain({ ...g, lutBits: 0, packed: false, winograd: false });
}

/** Whether a wasm call reads LUT weights itself (not a copy the module decoded at load). */
const wasmReadsLut = (g: KernelGeometry) => g.lutBits > 0 && !g.lutAtLoad;

/** Whether a CONV_2D is pointwise: 1x1, stride 1, no pads, one group, the output the input's size (a matrix product over the pixels). */
function pointwiseConv(g: KernelGeometry): boolean {
  return g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 &&
    g.filterDepth === g.inDepth && g.outH === g.inH && g.outW === g.inW;
}

/**
 * Channels of a wasm conv2d_lut_s8 block (assembly/conv-lut.ts): conv_lut.c's convLutChannels for a pointwise conv
 * with qparams in the default order; 0 where it decodes each weight in its dot loop.
 */
export function wasmConvLutBlock(g: KernelGeometry): number {
  if (g.lutOnTheFly || g.variant !== 'default' || !g.qparams || !pointwiseConv(g)) return 0;
  return convLutChannels(g.outDepth, g.filterDepth);
}

function wasmConvBytes(g: KernelGeometry): number {
  if (wasmReadsLut(g)) {
    // the same choice as conv_lut.c: the whole filter when convLutWhole holds, else blocks of a pointwise conv's
    // channels, else conv-lut.ts decodes each weight in its dot loop
    if (!g.lutOnTheFly && g.lutWhole) return wasmDecodedWhole(g, g.outDepth * g.filterH * g.filterW * g.filterDepth, wasmConvBytes);
    return up(wasmConvLutBlock(g) * g.filterDepth, 16);
  }
  if (!g.qparams || g.filterDepth !== g.inDepth) return 0;
  if (g.winograd) {
    // assembly/winograd.ts (SIMD; stream-pixel and the scalar build take the other paths, sized without it)
    const wino = g.variant === 'stream-pixel' ? 0 : winogradBytes(g.outW, g.inDepth);
    return Math.max(wino, wasmConvBytes({ ...g, winograd: false }));
  }
  const depth = g.inDepth, outW = g.outW;
  const pointwise = g.filterH === 1 && g.filterW === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && outW === g.inW;
  if (pointwise) {
    if (g.variant === 'default') return 0;
    return (g.variant === 'stream-row' ? outW : PIXEL_GROUP) * depth;
  }
  const fh = g.filterH, span = g.filterW * depth;
  // im2col rows of K taps padded to K8 (and the weights repacked to K8 when K8 != K)
  const im2col = (K: number) => {
    const K8 = up(K, 8);
    return (K8 !== K ? up(g.outDepth * K8, 16) : 0) + outW * K8;
  };
  const plain = im2col(fh * span); // the scalar build never uses packed weights
  if (!g.packed) return plain;
  const rowLen = span + (span & 1);
  if (g.dilationW !== 1 || fh * g.filterW === 1 || rowLen < 8) return Math.max(plain, im2col(fh * rowLen));
  // convDirect: DIRECT_PIXELS padded windows, then the stream-row row / stream-pixel block of outputs
  const outBuf = g.variant === 'stream-row' ? outW * g.outDepth : g.variant === 'stream-pixel' ? DIRECT_PIXELS * g.outDepth : 0;
  return Math.max(plain, up(DIRECT_PIXELS * fh * rowLen, 16) + outBuf);
}

function wasmDepthwiseBytes(g: KernelGeometry): number {
  // as dw_lut.c: the whole filter when convLutWhole holds, else dw-lut.ts decodes each weight where the window reads it
  if (wasmReadsLut(g)) return !g.lutOnTheFly && g.lutWhole ? wasmDecodedWhole(g, g.filterH * g.filterW * g.outDepth, wasmDepthwiseBytes) : 0;
  if (!g.qparams) return 0;
  // assembly/depthwise.ts depthwiseQ: a ring of padded input rows (16-aligned), then one int32 tap offset per tap
  const depth = g.outDepth, outH = g.outH, strideH = g.strideH;
  const span = (g.filterH - 1) * g.dilationH + 1;
  const wp = (g.outW - 1) * g.strideW + (g.filterW - 1) * g.dilationW + 1;
  let rows = span;
  if (g.variant === 'inplace-channel') {
    // ringRows: at delta 0 output row oy also needs the input rows it covers in the ring before it is written
    const hp = (outH - 1) * strideH + span, inRow = g.inW * g.inDepth, outRow = g.outW * depth;
    for (let oy = 0; oy < outH; oy++) {
      const last = Math.min(Math.min(Math.floor(((oy + 1) * outRow - 1) / inRow), g.inH - 1) + g.padTop, hp - 1);
      rows = Math.max(rows, last - oy * strideH + 1);
    }
  }
  return up(rows * wp * depth, 16) + g.filterH * g.filterW * 4;
}

function wasmFullyConnectedBytes(g: KernelGeometry): number {
  if (wasmReadsLut(g)) return up(FC_LUT_ROWS * g.depth, 16);
  return g.qparams && g.variant === 'stream-row' ? g.depth : 0;
}

export const CONV_WORKSPACE: KernelWorkspace = { c: (g) => (g.lutBits > 0 ? cConvLutBytes(g) : cConvBytes(g)), wasm: wasmConvBytes };
/**
 * dw_lut.c: the whole decoded filter (16-byte aligned) then depthwise.c's own workspace (its kernels run on it),
 * when the filter is small (convLutWhole); else none: each weight decoded where the window reads it.
 */
function cDepthwiseLutBytes(g: KernelGeometry): number {
  if (g.lutOnTheFly || !g.lutWhole) return 0;
  // dw_lut.c runs dwconv2d_s8_inplace_channel, never the ring path's symbol: its dw4 planes
  return up(g.filterH * g.filterW * g.outDepth, 16) + cDepthwiseBytes(g, false);
}

export const DEPTHWISE_WORKSPACE: KernelWorkspace = { c: (g) => (g.lutBits > 0 ? cDepthwiseLutBytes(g) : cDepthwiseBytes(g)), wasm: wasmDepthwiseBytes };
export const FULLY_CONNECTED_WORKSPACE: KernelWorkspace = { c: cFullyConnectedBytes, wasm: wasmFullyConnectedBytes };

/** lstm.c / assembly/lstm.ts (TFLM's four gate scratch buffers, one batch row): each gate's int16 output per unit. */
function lstmGateBytes(g: KernelGeometry): number {
  return 4 * 2 * g.units;
}
export const LSTM_WORKSPACE: KernelWorkspace = { c: lstmGateBytes, wasm: lstmGateBytes, int16: true };

/**
 * The geometry of an op of `graph` as the lowering will see it (shapes from its tensors), with the wasm
 * lowering's choices predicted from the shapes: qparams when the filter is a constant, packed and Winograd
 * weights wherever they fit. Where a prediction is wrong the formula only over-counts (each branch is a max).
 */
export function opGeometry(graph: Graph, op: AnyOp, variant: KernelVariant): KernelGeometry {
  const shape = (t: number | undefined) => (t === undefined || t < 0 ? [] : graph.tensors[t]!.shape);
  const x = shape(op.inputs[0]), w = shape(op.inputs[1]), y = shape(op.outputs[0]);
  const filter = op.inputs[1] === undefined || op.inputs[1] < 0 ? null : graph.tensors[op.inputs[1]]!;
  const g: KernelGeometry = {
    variant, batches: x[0] ?? 1, inH: x[1] ?? 1, inW: x[2] ?? 1, inDepth: x[3] ?? 1, outH: y[1] ?? 1, outW: y[2] ?? 1, outDepth: y[3] ?? 1,
    filterH: 1, filterW: 1, filterDepth: 1, depthMultiplier: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
    depth: 0, units: 0, lutBits: filter?.lut?.bitWidth ?? 0, lutOnTheFly: filter?.lut?.onTheFly ?? false, lutAtLoad: filter?.lut?.atLoad ?? false, lutWhole: filter?.lut !== undefined && convLutWhole(graph, filter.data!.length), qparams: filter !== null && filter.data !== undefined && filter.data !== null && filter.dtype === 'int8', packed: false, winograd: false,
  };
  if (op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D') {
    const { stride, dilation, pad } = op.attrs;
    Object.assign(g, {
      filterH: w[1]!, filterW: w[2]!, filterDepth: op.kind === 'CONV_2D' ? w[3]! : 1,
      depthMultiplier: op.kind === 'DEPTHWISE_CONV_2D' ? op.attrs.depthMultiplier : 1,
      strideH: stride[0], strideW: stride[1], dilationH: dilation[0], dilationW: dilation[1], padTop: pad.top, padLeft: pad.left,
    });
    if (op.kind === 'CONV_2D' && g.qparams) {
      // LUT-stored weights are never packed (codegen/wasm/abi/lower.ts: it would ship them decoded)
      g.packed = filter!.lut === undefined && packedWindowFits(g);
      g.winograd = winogradFits(g);
    }
  } else if (op.kind === 'FULLY_CONNECTED') {
    g.depth = w[1] ?? 0;
  } else if (op.kind === 'UNIDIRECTIONAL_SEQUENCE_LSTM') {
    g.units = y[2] ?? 0; // output [batch, time, units] (or time-major)
  }
  return g;
}
