// The op table: every property of an op kind that a later stage relies on, in one typed place. The
// planner (overlap rules, patch regions), the reference variants, the profiler and both code generators
// ask it instead of keeping their own lists of kinds. `OP_TABLE` is a mapped type over OpKind: a new
// kind without an entry does not compile (DEVELOPERS.md lists what else adding an op touches).
import { elementCount } from './shapes.js';
import type { OpKind } from './ops.js';
import { CONV_WORKSPACE, DEPTHWISE_WORKSPACE, FULLY_CONNECTED_WORKSPACE, LSTM_WORKSPACE, type KernelWorkspace } from './workspace.js';

/**
 * Kernel variants: the access order a kernel realizes. The planner overlaps an op's output with an input
 * relying on it (src/plan/overlap.ts), so every implementation (reference, wasm, C) of a variant may read
 * earlier and write later than the reference variant (src/reference/variants.ts), never the other way round.
 */
export const KERNEL_VARIANTS = ['default', 'inplace-channel', 'stream-row', 'stream-pixel', 'stream-element'] as const;
export type KernelVariant = (typeof KERNEL_VARIANTS)[number];
/** The variants that let the output overlap an input ('default' never does). */
export type OverlapVariant = Exclude<KernelVariant, 'default'>;

export function isKernelVariant(name: string): name is KernelVariant {
  return (KERNEL_VARIANTS as readonly string[]).includes(name);
}

/** Each overlapping variant's access order and the scratch its unit needs (what the planner relies on). */
export const VARIANT_TRAITS: { readonly [V in OverlapVariant]: { unit: string; order: string; scratch: string } } = {
  'inplace-channel': {
    unit: 'one (batch, channel)',
    order: 'the channel plane is computed from that input channel alone into scratch, then written; only delta 0',
    scratch: 'one output channel plane (outH * outW elements)',
  },
  'stream-row': {
    unit: 'one output row (window ops: (n, oy); FULLY_CONNECTED: one batch row)',
    order: 'forward stream: the unit reads its input rows, computes into scratch, then writes',
    scratch: 'one output row',
  },
  'stream-pixel': {
    unit: 'one output pixel (pointwise CONV_2D)',
    order: 'forward stream: the pixel reads its input pixel, computes into scratch, then writes',
    scratch: 'one output pixel (outDepth elements)',
  },
  'stream-element': {
    unit: 'one output element',
    order: 'forward stream: each output element is written right after reading what it depends on',
    scratch: 'none',
  },
};

/**
 * How an op maps input positions to output positions:
 *   elementwise-unary   output element i from input element i (activations, QUANTIZE, DEQUANTIZE)
 *   elementwise-binary  output element i from element i of each (possibly broadcast) operand
 *   normalization       element-wise, after reading its whole row first (SOFTMAX)
 *   window              NHWC sliding window: conv, depthwise, pools
 *   matmul              each output row from one input row and all the weights (FULLY_CONNECTED)
 *   reduction           output elements from many input elements along axes (MEAN)
 *   alias               same bytes, new shape (RESHAPE, SQUEEZE)
 *   movement            elements moved, not computed: pad, gather, concatenation, resize
 */
export type ShapeClass = 'elementwise-unary' | 'elementwise-binary' | 'normalization' | 'window' | 'matmul' | 'reduction' | 'alias' | 'movement';

/**
 * How patch-based inference (src/plan/patch/regions.ts) runs the op on a spatial tile:
 *   window    the tile's receptive field, with tile pads
 *   pointwise the same box of every input (no broadcast constants)
 *   channels  CONCATENATION along channels: the same box of every input
 *   pad       PAD/PADV2 over H and W only: the box shifted by the pads
 *   none      not tileable
 */
export type TileRule = 'window' | 'pointwise' | 'channels' | 'pad' | 'none';

/**
 * The profiler's base kernel kind of an op (src/cost/devices.ts prices each; the kernel ABI's fast-path
 * and in-place symbols refine it there).
 */
export const OP_COST_KINDS = ['conv2d', 'dwconv2d', 'fully_connected', 'pool', 'elementwise', 'clamp', 'nonlinear', 'softmax', 'mean', 'quantize', 'copy'] as const;
export type OpCostKind = (typeof OP_COST_KINDS)[number];

/** Kernel source files: wasm under assembly/, C under firmware-templates/kernels/. */
export interface KernelSources {
  wasm: string;
  c: string;
}

export interface OpTraits {
  shape: ShapeClass;
  /** Kernel variants implemented for it in every backend, 'default' first. */
  variants: readonly KernelVariant[];
  tile: TileRule;
  cost: OpCostKind;
  /**
   * Its kernels' workspace per backend (src/ir/workspace.ts), beyond the variant scratch: the planner
   * places it in the arena for the op's step; null when no kernel of the op needs any.
   */
  workspace: KernelWorkspace | null;
  kernels: KernelSources;
}

const ELEMENTWISE_SOURCES: KernelSources = { wasm: 'elementwise.ts', c: 'elementwise.c' };
const ACTIVATION_SOURCES: KernelSources = { wasm: 'elementwise.ts', c: 'activations.c' };
const QUANTIZE_SOURCES: KernelSources = { wasm: 'elementwise.ts', c: 'quantize.c' };
const LAYOUT_SOURCES: KernelSources = { wasm: 'layout.ts', c: 'layout.c' };
const UNARY_MATH_SOURCES: KernelSources = { wasm: 'unary-math.ts', c: 'unary_math.c' };
const POOL_SOURCES: KernelSources = { wasm: 'pool.ts', c: 'pool.c' };
const LOOKUP_SOURCES: KernelSources = { wasm: 'lookup-table.ts', c: 'lookup_table.c' };

const NO_WORKSPACE = null;
const STREAM_ELEMENT = ['default', 'stream-element'] as const;
const WINDOW_ROW = ['default', 'stream-row'] as const;

const unary = (cost: OpCostKind, kernels: KernelSources): OpTraits => ({
  shape: 'elementwise-unary', variants: STREAM_ELEMENT, tile: 'pointwise', cost, workspace: NO_WORKSPACE, kernels,
});
const binary = (): OpTraits => ({
  shape: 'elementwise-binary', variants: STREAM_ELEMENT, tile: 'pointwise', cost: 'elementwise', workspace: NO_WORKSPACE, kernels: ELEMENTWISE_SOURCES,
});
const pool = (): OpTraits => ({ shape: 'window', variants: WINDOW_ROW, tile: 'window', cost: 'pool', workspace: NO_WORKSPACE, kernels: POOL_SOURCES });
const pad = (): OpTraits => ({ shape: 'movement', variants: STREAM_ELEMENT, tile: 'pad', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES });
const movement = (): OpTraits => ({ shape: 'movement', variants: ['default'], tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES });
const alias = (): OpTraits => ({ shape: 'alias', variants: ['default'], tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES });

/** MEAN, SUM and REDUCE_MAX: one reduction loop over the kept and reduced dims (mean.c, softmax-mean.ts). */
const REDUCTION: OpTraits = { shape: 'reduction', variants: ['default'], tile: 'none', cost: 'mean', workspace: NO_WORKSPACE, kernels: { wasm: 'softmax-mean.ts', c: 'mean.c' } };

export const OP_TABLE: { readonly [K in OpKind]: OpTraits } = {
  ADD: binary(),
  SUB: binary(),
  MUL: binary(),
  AVERAGE_POOL_2D: pool(),
  MAX_POOL_2D: pool(),
  CONV_2D: {
    shape: 'window', variants: ['default', 'stream-row', 'stream-pixel'], tile: 'window', cost: 'conv2d',
    workspace: CONV_WORKSPACE, kernels: { wasm: 'conv.ts', c: 'conv.c' },
  },
  DEPTHWISE_CONV_2D: {
    shape: 'window', variants: ['default', 'inplace-channel', 'stream-row'], tile: 'window', cost: 'dwconv2d',
    workspace: DEPTHWISE_WORKSPACE, kernels: { wasm: 'depthwise.ts', c: 'depthwise.c' },
  },
  FULLY_CONNECTED: {
    shape: 'matmul', variants: WINDOW_ROW, tile: 'none', cost: 'fully_connected',
    workspace: FULLY_CONNECTED_WORKSPACE, kernels: { wasm: 'fully-connected.ts', c: 'fc.c' },
  },
  CONCATENATION: { shape: 'movement', variants: ['default'], tile: 'channels', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES },
  QUANTIZE: unary('quantize', QUANTIZE_SOURCES),
  DEQUANTIZE: unary('quantize', QUANTIZE_SOURCES),
  HARD_SWISH: unary('nonlinear', ACTIVATION_SOURCES),
  LEAKY_RELU: unary('nonlinear', ACTIVATION_SOURCES),
  LOGISTIC: unary('nonlinear', ACTIVATION_SOURCES),
  TANH: unary('nonlinear', ACTIVATION_SOURCES),
  RELU: unary('clamp', ACTIVATION_SOURCES),
  RELU6: unary('clamp', ACTIVATION_SOURCES),
  RELU_N1_TO_1: unary('clamp', ACTIVATION_SOURCES),
  MEAN: REDUCTION,
  PAD: pad(),
  PADV2: pad(),
  RESHAPE: alias(),
  SQUEEZE: alias(),
  RESIZE_NEAREST_NEIGHBOR: { shape: 'movement', variants: ['default'], tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES },
  // Softmax normalizes along channels: not tiled (a tile would need no halo, but it has never been measured).
  SOFTMAX: { shape: 'normalization', variants: STREAM_ELEMENT, tile: 'none', cost: 'softmax', workspace: NO_WORKSPACE, kernels: { wasm: 'softmax-mean.ts', c: 'softmax.c' } },
  STRIDED_SLICE: { shape: 'movement', variants: STREAM_ELEMENT, tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES },
  TRANSPOSE: { shape: 'movement', variants: STREAM_ELEMENT, tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: LAYOUT_SOURCES },
  MAXIMUM: binary(),
  MINIMUM: binary(),
  // A gather per output pixel in both backends (no scratch); 'default' only, not tiled.
  TRANSPOSE_CONV: {
    shape: 'window', variants: ['default'], tile: 'none', cost: 'conv2d', workspace: NO_WORKSPACE, kernels: { wasm: 'transpose-conv.ts', c: 'transpose_conv.c' },
  },
  // TFLM's DECODE: packed LUT indices -> int8 tensor in the arena (src/ir/lut.ts).
  DECODE: { shape: 'movement', variants: ['default'], tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: { wasm: 'decode.ts', c: 'decode.c' } },
  // TFLM's SVDF: a feature matmul into its variable state, then a per-filter time dot product. Our kernels
  // sum each unit's rank dot products directly (TFLM's two int32 scratch arrays, same sums): no workspace.
  SVDF: { shape: 'matmul', variants: ['default'], tile: 'none', cost: 'fully_connected', workspace: NO_WORKSPACE, kernels: { wasm: 'svdf.ts', c: 'svdf.c' } },
  ABS: unary('clamp', UNARY_MATH_SOURCES),
  RSQRT: unary('nonlinear', UNARY_MATH_SOURCES),
  SQUARED_DIFFERENCE: binary(),
  // TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM: four gates of two fully connected layers each over every time
  // step, its hidden and cell state variable tensors; the gates' int16 outputs in workspace (TFLM's scratch).
  UNIDIRECTIONAL_SEQUENCE_LSTM: { shape: 'matmul', variants: ['default'], tile: 'none', cost: 'fully_connected', workspace: LSTM_WORKSPACE, kernels: { wasm: 'lstm.ts', c: 'lstm.c' } },
  // Block moves as a strided copy (the TRANSPOSE kernel); PACK as a CONCATENATION; the splits one split kernel.
  DEPTH_TO_SPACE: movement(),
  SPACE_TO_DEPTH: movement(),
  EXPAND_DIMS: alias(),
  PACK: movement(),
  SPLIT: movement(),
  SPLIT_V: movement(),
  UNPACK: movement(),
  // BROADCAST_TO a strided copy with steps of 0, ZEROS_LIKE a pad of nothing, SHAPE a copy of a constant.
  BROADCAST_TO: movement(),
  ZEROS_LIKE: movement(),
  SHAPE: movement(),
  GATHER: movement(),
  // CAST converts each stored value to the output's type (no quantization): a movement of elements whose size may change.
  PRELU: binary(),
  CAST: { shape: 'movement', variants: ['default'], tile: 'none', cost: 'copy', workspace: NO_WORKSPACE, kernels: { wasm: 'cast.ts', c: 'cast.c' } },
  // ELU int8: one table load per element (TFLM's Prepare-built table), priced as the clamp kernels.
  ELU: unary('clamp', LOOKUP_SOURCES),
  // EXP: float32 only in TFLM (exp.cc), so the reference runs it and the int8 backends never see it.
  EXP: unary('nonlinear', LOOKUP_SOURCES),
  // NEG: float32 only in TFLM (neg.cc), reference-only as EXP.
  NEG: unary('clamp', LOOKUP_SOURCES),
  // DIV int8: a reciprocal (Newton-Raphson) per element; broadcasting as ADD.
  DIV: { ...binary(), cost: 'nonlinear', kernels: { wasm: 'div.ts', c: 'div.c' } },
  // LOG_SOFTMAX int8: SOFTMAX's row passes (max, sum of exps, then each output after its input is read).
  LOG_SOFTMAX: { shape: 'normalization', variants: STREAM_ELEMENT, tile: 'none', cost: 'softmax', workspace: NO_WORKSPACE, kernels: { wasm: 'log-softmax.ts', c: 'log_softmax.c' } },
  // TFLM's BATCH_MATMUL: every output element a dot product over K of an LHS row and an RHS column (batch dims broadcast).
  BATCH_MATMUL: { shape: 'matmul', variants: ['default'], tile: 'none', cost: 'fully_connected', workspace: NO_WORKSPACE, kernels: { wasm: 'batch-matmul.ts', c: 'batch_matmul.c' } },
  SUM: REDUCTION,
  REDUCE_MAX: REDUCTION,
  // L2_NORMALIZATION normalizes each innermost row (a sum of squares, then a second pass): 'default' only.
  L2_NORMALIZATION: { shape: 'normalization', variants: ['default'], tile: 'none', cost: 'softmax', workspace: NO_WORKSPACE, kernels: { wasm: 'l2norm.ts', c: 'l2norm.c' } },
  // RESIZE_BILINEAR weighs four input pixels per output element: priced as an element-wise op.
  RESIZE_BILINEAR: { shape: 'movement', variants: ['default'], tile: 'none', cost: 'elementwise', workspace: NO_WORKSPACE, kernels: { wasm: 'resize-bilinear.ts', c: 'resize_bilinear.c' } },
};

/**
 * Op kinds the reference interpreter runs but no wasm or C kernel implements, their lowering refusing them
 * by name (E_UNSUPPORTED): EXP and NEG are float32 only in TFLM, which the int8 backends refuse before lowering.
 */
export const REFERENCE_ONLY_KINDS: ReadonlySet<OpKind> = new Set<OpKind>(['EXP', 'NEG']);

/** The patch stage's window copy: the one kernel that computes no op. */
export const COPY_WINDOW_SOURCES: KernelSources = LAYOUT_SOURCES;

export function opSupportsVariant(kind: OpKind, variant: KernelVariant): boolean {
  return OP_TABLE[kind].variants.includes(variant);
}

/** Kinds whose 16x8 kernels (int16 activations) are 'default' only: their overlapping variants are int8 code. */
const INT16_DEFAULT_ONLY: ReadonlySet<OpKind> = new Set<OpKind>(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D']);

/** opSupportsVariant for an op whose output has the given dtype. */
export function opSupportsVariantFor(kind: OpKind, variant: KernelVariant, outputDtype: string): boolean {
  if (outputDtype === 'int16' && variant !== 'default' && INT16_DEFAULT_ONLY.has(kind)) return false;
  return opSupportsVariant(kind, variant);
}

/** The op kinds that implement a variant (derived from OP_TABLE). */
export function kindsWithVariant(variant: KernelVariant): OpKind[] {
  return (Object.keys(OP_TABLE) as OpKind[]).filter((k) => opSupportsVariant(k, variant));
}

/**
 * Elements of one unit of an overlapping variant, i.e. its scratch (VARIANT_TRAITS): a window op's output
 * row is [n, oy] -> outW * outDepth, FULLY_CONNECTED's batch row the last dim, a pixel outDepth, a
 * channel plane outH * outW. Multiply by the output's element size for bytes.
 */
export function variantScratchElements(kind: OpKind, variant: OverlapVariant, outShape: readonly number[]): number {
  const shape = OP_TABLE[kind].shape;
  switch (variant) {
    case 'stream-element':
      return 0;
    case 'stream-pixel':
      return outShape[outShape.length - 1]!;
    case 'inplace-channel':
      return outShape[1]! * outShape[2]!;
    case 'stream-row':
      return shape === 'window' ? elementCount(outShape.slice(2)) : outShape[outShape.length - 1]!;
  }
}
