// The brute-force oracle for src/plan/overlap.ts: the overlap rules computed by walking every unit of
// each access order (one array entry per unit), as the planner did before its closed forms. Only for
// small shapes in tests: test/plan/overlap-closed-form.test.ts checks the planner gives the same rules.
import type { AnyOp, Graph, Op } from '../../src/ir/graph.js';
import { dtypeBytes, elementCount } from '../../src/ir/shapes.js';
import { sliceCount } from '../../src/ir/params/linear.js';
import { rowMajorStrides } from '../../src/reference/ops/util.js';
import { maxSharedBytes } from '../../src/plan/placement.js';
import type { OverlapRule } from '../../src/plan/types.js';
import type { OverlapVariant } from '../../src/ir/op-table.js';

/** A rule before its delta range is clipped to placements that actually overlap. */
interface RawRule {
  variant: OverlapVariant;
  input: number;
  /** Lowest safe delta (-Infinity: anything down to disjoint). */
  minDelta: number;
  /** Highest safe delta (Infinity: anything up to disjoint). */
  maxDelta: number;
  scratchBytes: number;
}

/**
 * The rules the op's kernels allow, most memory saved first (bytes of input/output overlap at the best
 * delta in range, minus the scratch the variant needs; ties: less scratch first). [] when none applies:
 * RESHAPE/SQUEEZE (aliases, the planner's business), FULLY_CONNECTED with one batch row, TRANSPOSE, ...
 */
export function bruteOverlapRules(graph: Graph, opIndex: number): OverlapRule[] {
  const op = graph.ops[opIndex];
  if (!op || op.outputs.length !== 1) return [];
  const outT = graph.tensors[op.outputs[0]!]!;
  const outBytes = tensorByteCount(outT.shape, outT.dtype);
  if (outBytes === null || outBytes === 0) return [];
  const rules: Array<OverlapRule & { net: number }> = [];
  for (const raw of rawRules(graph, op)) {
    const inId = op.inputs[raw.input];
    if (inId === undefined || inId < 0) continue;
    const inT = graph.tensors[inId]!;
    if (inT.data) continue; // a constant lives in flash; it never shares the arena
    const inBytes = tensorByteCount(inT.shape, inT.dtype);
    if (inBytes === null || inBytes === 0) continue;
    // Only placements that overlap need a rule: delta in [1 - outBytes, inBytes - 1].
    const minDelta = Math.max(raw.minDelta, 1 - outBytes);
    const maxDelta = Math.min(raw.maxDelta, inBytes - 1);
    if (minDelta > maxDelta) continue;
    const rule: OverlapRule = { variant: raw.variant, input: raw.input, minDelta, maxDelta, scratchBytes: raw.scratchBytes };
    rules.push({ ...rule, net: maxSharedBytes(inBytes, outBytes, rule) - raw.scratchBytes });
  }
  rules.sort((a, b) => b.net - a.net || a.scratchBytes - b.scratchBytes);
  return rules.map(({ net: _net, ...rule }) => rule);
}

function tensorByteCount(shape: readonly number[], dtype: Parameters<typeof dtypeBytes>[0]): number | null {
  const size = dtypeBytes(dtype);
  return size === undefined ? null : elementCount(shape) * size;
}

// ---- The forward-stream bound ----

/**
 * maxDelta of a forward stream: units in order, unit u reads input bytes from firstRead[u] on (Infinity:
 * reads nothing) and then writes output bytes ending at writeEnd[u]. Infinity when no unit has a later reader.
 */
function forwardStreamMaxDelta(firstRead: ArrayLike<number>, writeEnd: ArrayLike<number>): number {
  let needed = Infinity; // first input byte read by any unit after u
  let bound = Infinity;
  for (let u = firstRead.length - 1; u >= 0; u--) {
    if (needed !== Infinity) bound = Math.min(bound, needed - writeEnd[u]!);
    needed = Math.min(needed, firstRead[u]!);
  }
  return bound;
}

/** Units that are the elements: element i reads input element i, then writes output element i. */
function elementStreamMaxDelta(count: number, inSize: number, outSize: number): number {
  const firstRead = new Float64Array(count);
  const writeEnd = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    firstRead[i] = i * inSize;
    writeEnd[i] = (i + 1) * outSize;
  }
  return forwardStreamMaxDelta(firstRead, writeEnd);
}

interface Window2D {
  batches: number;
  inH: number;
  inW: number;
  inDepth: number;
  outH: number;
  outW: number;
  outDepth: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padTop: number;
  padLeft: number;
  inSize: number;
  outSize: number;
}

/**
 * 'stream-row' over an NHWC window op (conv, depthwise, pools): unit (n, oy) reads input rows
 * oy*sh - padTop + dh*ky that are in bounds (all of their in-bounds columns, all channels), computes the
 * output row into a row buffer, then writes it. Its first read byte is (n, first in-bounds row, first
 * in-bounds column over the row's windows, channel 0).
 */
function rowStreamMaxDelta(g: Window2D): number {
  let ixMin = Infinity;
  for (let ox = 0; ox < g.outW; ox++) {
    for (let kx = 0; kx < g.kernel[1]; kx++) {
      const ix = ox * g.stride[1] - g.padLeft + g.dilation[1] * kx;
      if (ix >= 0 && ix < g.inW) ixMin = Math.min(ixMin, ix);
    }
  }
  const units = g.batches * g.outH;
  const firstRead = new Float64Array(units);
  const writeEnd = new Float64Array(units);
  const outRowBytes = g.outW * g.outDepth * g.outSize;
  for (let n = 0; n < g.batches; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      let iyMin = Infinity;
      for (let ky = 0; ky < g.kernel[0]; ky++) {
        const iy = oy * g.stride[0] - g.padTop + g.dilation[0] * ky;
        if (iy >= 0 && iy < g.inH) iyMin = Math.min(iyMin, iy);
      }
      const u = n * g.outH + oy;
      firstRead[u] = iyMin === Infinity || ixMin === Infinity ? Infinity : ((n * g.inH + iyMin) * g.inW + ixMin) * g.inDepth * g.inSize;
      writeEnd[u] = (u + 1) * outRowBytes;
    }
  }
  return forwardStreamMaxDelta(firstRead, writeEnd);
}

// ---- Per op ----

function sizeOf(graph: Graph, id: number): number {
  return dtypeBytes(graph.tensors[id]!.dtype) ?? 0;
}

function shapeOf(graph: Graph, id: number): number[] {
  return graph.tensors[id]!.shape;
}

const ELEMENTWISE_UNARY = new Set<string>([
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'QUANTIZE', 'DEQUANTIZE', 'SOFTMAX', 'ABS', 'RSQRT',
  'ELU', 'LOG_SOFTMAX',
]);

function rawRules(graph: Graph, op: AnyOp): RawRule[] {
  const out = op.outputs[0]!;
  const outShape = shapeOf(graph, out);
  const outSize = sizeOf(graph, out);
  const in0 = op.inputs[0] ?? -1;
  if (in0 < 0 || outSize === 0) return [];
  const inSize = sizeOf(graph, in0);
  if (inSize === 0) return [];
  const stream = (variant: OverlapVariant, input: number, maxDelta: number, scratchBytes = 0): RawRule => ({
    variant, input, minDelta: -Infinity, maxDelta, scratchBytes,
  });

  if (ELEMENTWISE_UNARY.has(op.kind)) {
    // Output element i depends on input element i only; the kernel reads x[i] then writes y[i]. SOFTMAX
    // reads its row twice (max, sum) before writing any of it, then reads x[i] and writes y[i]: the row's
    // later elements and all later rows are still to be read, exactly as in the element stream.
    const count = elementCount(outShape);
    if (elementCount(shapeOf(graph, in0)) !== count) return [];
    return [stream('stream-element', 0, elementStreamMaxDelta(count, inSize, outSize))];
  }

  switch (op.kind) {
    case 'ADD':
    case 'SUB':
    case 'MUL':
    case 'SQUARED_DIFFERENCE':
    case 'DIV':
    case 'PRELU': {
      // The output may overlap an input that is not broadcast (same element count as the output: its
      // index map is the identity); the other input is read at its own index, from its own buffer.
      const count = elementCount(outShape);
      const rules: RawRule[] = [];
      op.inputs.forEach((id, slot) => {
        if (id < 0 || slot > 1 || elementCount(shapeOf(graph, id)) !== count) return;
        rules.push(stream('stream-element', slot, elementStreamMaxDelta(count, sizeOf(graph, id), outSize)));
      });
      return rules;
    }
    case 'CONV_2D':
      return convRules(graph, op, inSize, outSize);
    case 'DEPTHWISE_CONV_2D':
      return depthwiseRules(graph, op, inSize, outSize);
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const [batches, inH, inW, depth] = shapeOf(graph, in0) as [number, number, number, number];
      const [, outH, outW, outDepth] = outShape as [number, number, number, number];
      const { filter, stride, pad } = op.attrs;
      const bound = rowStreamMaxDelta({
        batches, inH, inW, inDepth: depth, outH, outW, outDepth, kernel: filter, stride, dilation: [1, 1],
        padTop: pad.top, padLeft: pad.left, inSize, outSize,
      });
      return [stream('stream-row', 0, bound, outW * outDepth * outSize)];
    }
    case 'FULLY_CONNECTED': {
      // Batch row n reads input row n only; the row is computed into a buffer, then written. With one
      // row every output reads every input: nothing to stream.
      const filterId = op.inputs[1]!;
      const [units, depth] = shapeOf(graph, filterId) as [number, number];
      const batches = units === 0 ? 0 : elementCount(outShape) / units;
      if (batches < 2 || !Number.isInteger(batches)) return [];
      const firstRead = new Float64Array(batches);
      const writeEnd = new Float64Array(batches);
      for (let n = 0; n < batches; n++) {
        firstRead[n] = n * depth * inSize;
        writeEnd[n] = (n + 1) * units * outSize;
      }
      return [stream('stream-row', 0, forwardStreamMaxDelta(firstRead, writeEnd), units * outSize)];
    }
    case 'PAD':
    case 'PADV2':
      return padRules(graph, op, inSize, outSize);
    case 'STRIDED_SLICE':
      return stridedSliceRules(graph, op, inSize, outSize);
    case 'TRANSPOSE':
      return transposeRules(graph, op, inSize, outSize);
    default:
      // RESHAPE/SQUEEZE: aliases, planned as the same memory. CONCATENATION, MEAN,
      // RESIZE_NEAREST_NEIGHBOR: no overlapping variant (yet).
      return [];
  }
}

function convRules(graph: Graph, op: Op<'CONV_2D'>, inSize: number, outSize: number): RawRule[] {
  const [batches, inH, inW, inDepth] = shapeOf(graph, op.inputs[0]!) as [number, number, number, number];
  const [outDepth, kh, kw] = shapeOf(graph, op.inputs[1]!) as [number, number, number, number];
  const [, outH, outW] = shapeOf(graph, op.outputs[0]!) as [number, number, number, number];
  const { stride, dilation, pad } = op.attrs;
  const pixelwise =
    kh === 1 && kw === 1 && stride[0] === 1 && stride[1] === 1 && pad.top === 0 && pad.bottom === 0 && pad.left === 0 && pad.right === 0 &&
    outH === inH && outW === inW;
  if (pixelwise) {
    // 'stream-pixel': pixel p reads its inDepth input bytes, computes its outDepth values into a pixel
    // buffer, then writes them. maxDelta = min over p < P-1 of (p+1)*(inDepth - outDepth) (element size 1):
    //   outDepth <= inDepth: inDepth - outDepth >= 0 (p = 0), so the same base works;
    //   outDepth >  inDepth: (P-1)*(inDepth - outDepth) = inBytes - outBytes + (outDepth - inDepth).
    const pixels = batches * inH * inW;
    const firstRead = new Float64Array(pixels);
    const writeEnd = new Float64Array(pixels);
    for (let p = 0; p < pixels; p++) {
      firstRead[p] = p * inDepth * inSize;
      writeEnd[p] = (p + 1) * outDepth * outSize;
    }
    return [{ variant: 'stream-pixel', input: 0, minDelta: -Infinity, maxDelta: forwardStreamMaxDelta(firstRead, writeEnd), scratchBytes: outDepth * outSize }];
  }
  const bound = rowStreamMaxDelta({
    batches, inH, inW, inDepth, outH, outW, outDepth, kernel: [kh, kw], stride, dilation,
    padTop: pad.top, padLeft: pad.left, inSize, outSize,
  });
  return [{ variant: 'stream-row', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: outW * outDepth * outSize }];
}

function depthwiseRules(graph: Graph, op: Op<'DEPTHWISE_CONV_2D'>, inSize: number, outSize: number): RawRule[] {
  const [batches, inH, inW, inDepth] = shapeOf(graph, op.inputs[0]!) as [number, number, number, number];
  const [, kh, kw] = shapeOf(graph, op.inputs[1]!) as [number, number, number, number];
  const [, outH, outW, outDepth] = shapeOf(graph, op.outputs[0]!) as [number, number, number, number];
  const { stride, dilation, pad } = op.attrs;
  const rules: RawRule[] = [];
  if (op.attrs.depthMultiplier === 1 && outDepth === inDepth && inplaceChannelSafe(batches, inH * inW, outH * outW, inDepth, inSize, outSize)) {
    rules.push({ variant: 'inplace-channel', input: 0, minDelta: 0, maxDelta: 0, scratchBytes: outH * outW * outSize });
  }
  const bound = rowStreamMaxDelta({
    batches, inH, inW, inDepth, outH, outW, outDepth, kernel: [kh, kw], stride, dilation,
    padTop: pad.top, padLeft: pad.left, inSize, outSize,
  });
  rules.push({ variant: 'stream-row', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: outW * outDepth * outSize });
  return rules;
}

/**
 * 'inplace-channel' (TinyEngine's in-place depthwise) at delta = 0: units (n, c) in order; unit (n, c)
 * reads channel c of batch n's input (only that channel), computes the channel's outH*outW plane into
 * the scratch plane, then writes output (n, p, c) for every pixel p. Checked byte by byte: a written
 * byte must not be an input byte whose last reader comes later. Input byte (m, q, c') is last read by
 * unit (m, c'); output (n, p, c) sits at input byte ((n*outPixels + p)*C + c), i.e. channel slot c of
 * input pixel n*outPixels + p, whose batch m <= n when outPixels <= inPixels. (Any other delta lands
 * writes in a slot c' != c, which for c' > c is still to be read: only delta = 0 is offered.)
 */
function inplaceChannelSafe(batches: number, inPixels: number, outPixels: number, depth: number, inSize: number, outSize: number): boolean {
  if (inSize !== 1 || outSize !== 1) return false;
  const inBytes = batches * inPixels * depth;
  for (let n = 0; n < batches; n++) {
    for (let c = 0; c < depth; c++) {
      const unit = n * depth + c;
      for (let p = 0; p < outPixels; p++) {
        const byte = (n * outPixels + p) * depth + c;
        if (byte >= inBytes) continue;
        const lastReader = Math.floor(byte / (inPixels * depth)) * depth + (byte % depth);
        if (lastReader > unit) return false;
      }
    }
  }
  return true;
}

/**
 * PAD/PADV2 'stream-element': output elements in increasing order, each written right after reading
 * the input element it copies (pad elements read nothing; nothing is pre-filled). Unit = output element.
 * The binding units are the ones just before each copy of input element k (output position e(k)):
 *   maxDelta = min over k of (k - e(k)) * size = -(the largest shift e(k) - k) * size
 * (the shift grows with k, so it is the last element's): the output ends no earlier than where the last
 * input element's copy lines up with it, and the footprint is exactly the output's.
 */
function padRules(graph: Graph, op: Op<'PAD' | 'PADV2'>, inSize: number, outSize: number): RawRule[] {
  const inShape = shapeOf(graph, op.inputs[0]!);
  const outShape = shapeOf(graph, op.outputs[0]!);
  const rank = inShape.length;
  if (rank === 0 || inSize !== outSize) return [];
  const count = elementCount(inShape);
  if (count === 0) return [];
  const { paddings } = op.attrs;
  const outStrides = rowMajorStrides(outShape);
  const rowLength = inShape[rank - 1]!;
  const rows = count / rowLength;
  // Walk the input rows: row r's first element k = r * rowLength goes to output position `base`.
  const index = new Array<number>(rank - 1).fill(0);
  let base = 0;
  for (let d = 0; d < rank; d++) base += paddings[d]![0] * outStrides[d]!;
  let bound = Infinity;
  for (let r = 0; r < rows; r++) {
    // Within a row the shift e(k) - k is constant: one term per row.
    bound = Math.min(bound, (r * rowLength - base) * inSize);
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      base += outStrides[d]!;
      if (index[d]! < inShape[d]!) break;
      base -= outStrides[d]! * index[d]!;
      index[d] = 0;
    }
  }
  return [{ variant: 'stream-element', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: 0 }];
}

/** STRIDED_SLICE 'stream-element': output element i reads input element src(i) then is written (the default kernel's order). */
function stridedSliceRules(graph: Graph, op: Op<'STRIDED_SLICE'>, inSize: number, outSize: number): RawRule[] {
  const inShape = shapeOf(graph, op.inputs[0]!);
  const { begin, end, strides } = op.attrs;
  if (inShape.length === 0 || begin.length !== inShape.length) return [];
  const counts = begin.map((b, d) => sliceCount(b, end[d]!, strides[d]!));
  const inStrides = rowMajorStrides(inShape);
  const start = begin.reduce((sum, b, d) => sum + b * inStrides[d]!, 0);
  return gatherStreamRules(counts, strides.map((st, d) => st * inStrides[d]!), start, inSize, outSize);
}

/**
 * TRANSPOSE 'stream-element': output element i reads input element src(i), then is written (the default
 * kernel's order). An NCHW -> NHWC transpose of C planes consumes one plane while writing C bytes per
 * pixel, so its output may start (C - 1) planes before the input: a footprint of 2C - 1 planes, not 2C.
 */
function transposeRules(graph: Graph, op: Op<'TRANSPOSE'>, inSize: number, outSize: number): RawRule[] {
  const inShape = shapeOf(graph, op.inputs[0]!);
  const outShape = shapeOf(graph, op.outputs[0]!);
  const { perm } = op.attrs;
  if (perm.length === 0 || inShape.length !== perm.length) return [];
  const inStrides = rowMajorStrides(inShape);
  return gatherStreamRules(outShape, perm.map((p) => inStrides[p]!), 0, inSize, outSize);
}

/**
 * A gather in output order: output element i (row-major over `counts`) reads input element src(i), where
 * src moves by steps[d] elements along output dim d from `start`. The default kernels of STRIDED_SLICE and
 * TRANSPOSE walk exactly so, reading then writing each element.
 */
function gatherStreamRules(counts: readonly number[], steps: readonly number[], start: number, inSize: number, outSize: number): RawRule[] {
  const total = counts.reduce((p, c) => p * c, 1);
  if (total === 0) return [];
  const rank = counts.length;
  const firstRead = new Float64Array(total);
  const writeEnd = new Float64Array(total);
  const index = new Array<number>(rank).fill(0);
  let src = start;
  for (let i = 0; i < total; i++) {
    firstRead[i] = src * inSize;
    writeEnd[i] = (i + 1) * outSize;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      src += steps[d]!;
      if (index[d]! < counts[d]!) break;
      src -= steps[d]! * index[d]!;
      index[d] = 0;
    }
  }
  return [{ variant: 'stream-element', input: 0, minDelta: -Infinity, maxDelta: forwardStreamMaxDelta(firstRead, writeEnd), scratchBytes: 0 }];
}
