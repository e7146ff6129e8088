// Kernel variants whose input and output may overlap in one arena, each with exactly the access order
// its overlap rule (src/plan/overlap.ts) assumes. The arithmetic is the default kernels' own per-unit
// functions, so a variant computes the same integers; only the order of reads and writes differs.
import type { AnyOp, Op } from '../ir/graph.js';
import type { OpKind } from '../ir/ops.js';
import { opSupportsVariant, type OverlapVariant } from '../ir/op-table.js';
import { UnsupportedError } from '../errors.js';
import { REFERENCE_KERNELS } from './kernels.js';
import { convContext, convPixel } from './ops/conv.js';
import { depthwiseContext, depthwisePixel, depthwiseValue } from './ops/depthwise.js';
import { fullyConnectedContext, fullyConnectedRow } from './ops/fully-connected.js';
import { padForward } from './ops/pad.js';
import { averagePoolPixel, maxPoolPixel, poolContext } from './ops/pool.js';
import type { RefKernel, TensorView } from './types.js';

export type VariantKernel = (op: AnyOp, inputs: Array<TensorView | null>, outputs: TensorView[], scratch: TensorView | null) => void;


function unsupported(variant: string, op: AnyOp): never {
  throw new UnsupportedError(`kernel variant ${variant} does not implement ${op.kind}`, { variant, op: op.kind });
}

/** The scratch view as int8, checked to hold `bytes`. */
function scratchBytes(variant: string, op: AnyOp, scratch: TensorView | null, bytes: number): Int8Array {
  const d = scratch?.data;
  if (!(d instanceof Int8Array) || d.length < bytes) {
    throw new UnsupportedError(`kernel variant ${variant} of ${op.kind} needs ${bytes} scratch bytes, got ${d ? d.byteLength : 0}`, {
      variant, op: op.kind, scratchBytes: bytes, got: d ? d.byteLength : 0,
    });
  }
  return d;
}

/** Copy a computed unit from the scratch buffer to its place in the output. */
function writeUnit(dest: Int8Array, destBase: number, src: Int8Array, length: number): void {
  for (let i = 0; i < length; i++) dest[destBase + i] = src[i]!;
}

type PixelFn<C> = (k: C, n: number, oy: number, ox: number, dest: Int8Array, destBase: number) => void;

/** Rows (n, oy) in increasing order: every pixel of the row into the row buffer, then the row to the output. */
function streamRows<C>(k: C, pixel: PixelFn<C>, batches: number, outH: number, outW: number, depth: number, y: Int8Array, row: Int8Array): void {
  const rowBytes = outW * depth;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) pixel(k, n, oy, ox, row, ox * depth);
      writeUnit(y, (n * outH + oy) * rowBytes, row, rowBytes);
    }
  }
}

/**
 * 'stream-row': output rows (n, oy) in increasing order; each is computed into `scratch` (outW * outDepth
 * bytes) from the input rows its windows cover, then written. FULLY_CONNECTED: batch rows (units bytes).
 */
const streamRow: VariantKernel = (op, inputs, outputs, scratch) => {
  const output = outputs[0]!;
  const y = output.data as Int8Array;
  const batches = inputs[0]!.shape[0]!;
  switch (op.kind) {
    case 'CONV_2D': {
      const k = convContext(op, inputs, output);
      streamRows(k, convPixel, batches, k.outH, k.outW, k.outDepth, y, scratchBytes('stream-row', op, scratch, k.outW * k.outDepth));
      return;
    }
    case 'DEPTHWISE_CONV_2D': {
      const k = depthwiseContext(op, inputs, output);
      streamRows(k, depthwisePixel, batches, k.outH, k.outW, k.outDepth, y, scratchBytes('stream-row', op, scratch, k.outW * k.outDepth));
      return;
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const k = poolContext(op, inputs, output);
      const pixel = op.kind === 'AVERAGE_POOL_2D' ? averagePoolPixel : maxPoolPixel;
      streamRows(k, pixel, batches, k.outH, k.outW, k.depth, y, scratchBytes('stream-row', op, scratch, k.outW * k.depth));
      return;
    }
    case 'FULLY_CONNECTED': {
      const k = fullyConnectedContext(op, inputs, output);
      const row = scratchBytes('stream-row', op, scratch, k.units);
      for (let n = 0; n < k.batches; n++) {
        fullyConnectedRow(k, n, row, 0);
        writeUnit(y, n * k.units, row, k.units);
      }
      return;
    }
    default:
      unsupported('stream-row', op);
  }
};

/** 'stream-pixel' (CONV_2D): pixels in increasing order; each pixel's outDepth values into `scratch`, then written. */
const streamPixel: VariantKernel = (op, inputs, outputs, scratch) => {
  if (op.kind !== 'CONV_2D') unsupported('stream-pixel', op);
  const output = outputs[0]!;
  const k = convContext(op, inputs, output);
  const y = output.data as Int8Array;
  const pixel = scratchBytes('stream-pixel', op, scratch, k.outDepth);
  const batches = inputs[0]!.shape[0]!;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) {
        convPixel(k, n, oy, ox, pixel, 0);
        writeUnit(y, ((n * k.outH + oy) * k.outW + ox) * k.outDepth, pixel, k.outDepth);
      }
    }
  }
};

/**
 * 'inplace-channel' (DEPTHWISE_CONV_2D, depth multiplier 1; TinyEngine's in-place depthwise): for each
 * batch n and channel c in order, the channel's outH*outW output plane is computed into `scratch` from
 * input channel c alone, then written into channel c's slots of the output.
 */
const inplaceChannel: VariantKernel = (op, inputs, outputs, scratch) => {
  if (op.kind !== 'DEPTHWISE_CONV_2D' || op.attrs.depthMultiplier !== 1) unsupported('inplace-channel', op);
  const output = outputs[0]!;
  const k = depthwiseContext(op, inputs, output);
  const y = output.data as Int8Array;
  const planeSize = k.outH * k.outW;
  const plane = scratchBytes('inplace-channel', op, scratch, planeSize);
  const batches = inputs[0]!.shape[0]!;
  for (let n = 0; n < batches; n++) {
    for (let c = 0; c < k.inDepth; c++) {
      for (let oy = 0; oy < k.outH; oy++) {
        for (let ox = 0; ox < k.outW; ox++) plane[oy * k.outW + ox] = depthwiseValue(k, n, oy, ox, c, 0);
      }
      const base = n * planeSize * k.outDepth + c;
      for (let p = 0; p < planeSize; p++) y[base + p * k.outDepth] = plane[p]!;
    }
  }
};

/**
 * 'stream-element': output elements in increasing order, each written right after reading what it
 * depends on. The default kernels of the elementwise ops already run that way — one pass that reads
 * x[i] (and the other operand) and then writes y[i]; SOFTMAX reads each row twice (max, sum) before
 * that pass; STRIDED_SLICE reads x[src(i)] then writes y[i] — so they run as they are. PAD/PADV2 fill the
 * output before copying by default, so they run padForward instead.
 */
const streamElement: VariantKernel = (op, inputs, outputs) => {
  if (!opSupportsVariant(op.kind, 'stream-element')) unsupported('stream-element', op);
  if (op.kind === 'PAD' || op.kind === 'PADV2') {
    padForward(op as Op<'PAD' | 'PADV2'>, inputs, outputs);
    return;
  }
  (REFERENCE_KERNELS[op.kind] as RefKernel<OpKind>)(op, inputs, outputs);
};

/** Variant kernels by name (PlanStep.variant / KernelCall.variant); 'default' runs REFERENCE_KERNELS. */
export const VARIANT_KERNELS: { readonly [V in OverlapVariant]: VariantKernel } = {
  'inplace-channel': inplaceChannel,
  'stream-pixel': streamPixel,
  'stream-row': streamRow,
  'stream-element': streamElement,
};
