// Kernel variants whose input and output may overlap in one arena, each with exactly the access order
// its overlap rule (src/plan/overlap.ts) assumes. The arithmetic is the default kernels' own per-unit
// functions, so a variant computes the same integers; only the order of reads and writes differs.
import type { AnyOp, Op, QuantizedOp } from '../ir/graph.js';
import { opSupportsVariant, type OverlapVariant } from '../ir/op-table.js';
import { UnsupportedError } from '../errors.js';
import { isFloatCall, runDefaultKernel } from './dispatch.js';
import {
  floatAveragePoolPixel,
  floatConvContext,
  floatConvPixel,
  floatDepthwisePixel,
  floatDepthwiseValue,
  floatFullyConnectedContext,
  floatFullyConnectedRow,
  floatMaxPoolPixel,
  type FloatConvContext,
} from './float/conv.js';
import { convContext, convPixel, type ConvContext } from './ops/conv.js';
import { depthwiseContext, depthwisePixel, depthwiseValue, type DepthwiseContext } from './ops/depthwise.js';
import { fullyConnectedContext, fullyConnectedRow } from './ops/fully-connected.js';
import { padForward } from './ops/pad.js';
import { averagePoolPixel, maxPoolPixel, poolContext } from './ops/pool.js';
import type { TensorView } from './types.js';

export type VariantKernel = (op: AnyOp, inputs: Array<TensorView | null>, outputs: TensorView[], scratch: TensorView | null) => void;


function unsupported(variant: string, op: AnyOp): never {
  throw new UnsupportedError(`kernel variant ${variant} does not implement ${op.kind}`, { variant, op: op.kind });
}

/** The scratch bytes as `count` elements of the output's type (int8, or float32 for a float op), checked to fit. */
function scratchUnits(variant: string, op: AnyOp, scratch: TensorView | null, count: number, float: boolean): Unit {
  const d = scratch?.data;
  const bytes = count * (float ? 4 : 1);
  if (!(d instanceof Int8Array) || d.byteLength < bytes || (float && d.byteOffset % 4 !== 0)) {
    throw new UnsupportedError(`kernel variant ${variant} of ${op.kind} needs ${bytes} scratch bytes${float ? ' at a 4-byte aligned offset' : ''}, got ${d ? d.byteLength : 0}`, {
      variant, op: op.kind, scratchBytes: bytes, got: d ? d.byteLength : 0,
    });
  }
  return float ? new Float32Array(d.buffer, d.byteOffset, count) : d;
}

/** One computed unit's element type: int8 on the int8 path, float32 on the float path. */
type Unit = Int8Array | Float32Array;

/** Copy a computed unit from the scratch buffer to its place in the output. */
function writeUnit(dest: Unit, destBase: number, src: Unit, length: number): void {
  for (let i = 0; i < length; i++) dest[destBase + i] = src[i]!;
}

type PixelFn<C, D extends Unit> = (k: C, n: number, oy: number, ox: number, dest: D, destBase: number) => void;

/** Rows (n, oy) in increasing order: every pixel of the row into the row buffer, then the row to the output. */
function streamRows<C, D extends Unit>(k: C, pixel: PixelFn<C, D>, batches: number, outH: number, outW: number, depth: number, y: D, row: D): void {
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
 * elements) from the input rows its windows cover, then written. FULLY_CONNECTED: batch rows (units elements).
 * Float32 ops run the float kernels' pixel/row functions in the same order.
 */
const streamRow: VariantKernel = (op, inputs, outputs, scratch) => {
  const output = outputs[0]!;
  const float = isFloatCall(inputs, outputs);
  const rowOf = (count: number) => scratchUnits('stream-row', op, scratch, count, float);
  const batches = inputs[0]!.shape[0]!;
  switch (op.kind) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      if (float) {
        const k = floatConvContext(op, inputs, output);
        const pixel = op.kind === 'CONV_2D' ? floatConvPixel : floatDepthwisePixel;
        streamRows(k, pixel, batches, k.outH, k.outW, k.outDepth, output.data as Float32Array, rowOf(k.outW * k.outDepth) as Float32Array);
      } else if (op.kind === 'CONV_2D') {
        const k = convContext(op as QuantizedOp<'CONV_2D'>, inputs, output);
        streamRows(k, convPixel, batches, k.outH, k.outW, k.outDepth, output.data as Int8Array, rowOf(k.outW * k.outDepth) as Int8Array);
      } else {
        const k = depthwiseContext(op as QuantizedOp<'DEPTHWISE_CONV_2D'>, inputs, output);
        streamRows(k, depthwisePixel, batches, k.outH, k.outW, k.outDepth, output.data as Int8Array, rowOf(k.outW * k.outDepth) as Int8Array);
      }
      return;
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const average = op.kind === 'AVERAGE_POOL_2D';
      if (float) {
        const k = poolContext(op, inputs, output);
        const pixel = average ? floatAveragePoolPixel : floatMaxPoolPixel;
        streamRows(k, pixel, batches, k.outH, k.outW, k.depth, output.data as Float32Array, rowOf(k.outW * k.depth) as Float32Array);
      } else {
        const k = poolContext(op, inputs, output);
        const pixel = average ? averagePoolPixel : maxPoolPixel;
        streamRows(k, pixel, batches, k.outH, k.outW, k.depth, output.data as Int8Array, rowOf(k.outW * k.depth) as Int8Array);
      }
      return;
    }
    case 'FULLY_CONNECTED': {
      if (float) {
        const k = floatFullyConnectedContext(op, inputs, output);
        const row = rowOf(k.units) as Float32Array;
        for (let n = 0; n < k.batches; n++) {
          floatFullyConnectedRow(k, n, row, 0);
          writeUnit(output.data as Float32Array, n * k.units, row, k.units);
        }
      } else {
        const k = fullyConnectedContext(op as QuantizedOp<'FULLY_CONNECTED'>, inputs, output);
        const row = rowOf(k.units) as Int8Array;
        for (let n = 0; n < k.batches; n++) {
          fullyConnectedRow(k, n, row, 0);
          writeUnit(output.data as Int8Array, n * k.units, row, k.units);
        }
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
  const float = isFloatCall(inputs, outputs);
  const k = float ? floatConvContext(op, inputs, output) : convContext(op as QuantizedOp<'CONV_2D'>, inputs, output);
  const computePixel = (n: number, oy: number, ox: number, dest: Unit) =>
    float ? floatConvPixel(k as FloatConvContext, n, oy, ox, dest as Float32Array, 0) : convPixel(k as ConvContext, n, oy, ox, dest as Int8Array, 0);
  const y = output.data as Unit;
  const pixel = scratchUnits('stream-pixel', op, scratch, k.outDepth, float);
  const batches = inputs[0]!.shape[0]!;
  for (let n = 0; n < batches; n++) {
    for (let oy = 0; oy < k.outH; oy++) {
      for (let ox = 0; ox < k.outW; ox++) {
        computePixel(n, oy, ox, pixel);
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
  const float = isFloatCall(inputs, outputs);
  const k = float ? floatConvContext(op, inputs, output) : depthwiseContext(op as QuantizedOp<'DEPTHWISE_CONV_2D'>, inputs, output);
  const value = (n: number, oy: number, ox: number, c: number) =>
    float ? floatDepthwiseValue(k as FloatConvContext, n, oy, ox, c, 0) : depthwiseValue(k as DepthwiseContext, n, oy, ox, c, 0);
  const y = output.data as Unit;
  const planeSize = k.outH * k.outW;
  const plane = scratchUnits('inplace-channel', op, scratch, planeSize, float);
  const batches = inputs[0]!.shape[0]!;
  for (let n = 0; n < batches; n++) {
    for (let c = 0; c < k.inDepth; c++) {
      for (let oy = 0; oy < k.outH; oy++) {
        for (let ox = 0; ox < k.outW; ox++) plane[oy * k.outW + ox] = value(n, oy, ox, c);
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
  runDefaultKernel(op, inputs, outputs);
};

/** Variant kernels by name (PlanStep.variant / KernelCall.variant); 'default' runs REFERENCE_KERNELS. */
export const VARIANT_KERNELS: { readonly [V in OverlapVariant]: VariantKernel } = {
  'inplace-channel': inplaceChannel,
  'stream-pixel': streamPixel,
  'stream-row': streamRow,
  'stream-element': streamElement,
};
