// Overlap rules: where an op's output may sit relative to one of its inputs, derived from the access
// order of the kernel variant that realizes it (src/reference/variants.ts implements each order).
//
// Every rule here except 'inplace-channel' is a FORWARD STREAM: the variant runs units u = 0, 1, ...
// (an element, an output pixel, an output row); unit u first reads all its input bytes, then writes its
// output bytes [ws_u, we_u) (computed into `scratch` first when a unit reads several input positions).
// With delta = output offset - input offset, unit u's write lands at [delta + ws_u, delta + we_u) of the
// input's coordinates, and it is harmless iff it reaches no input byte a LATER unit reads. All those bytes
// lie at or after firstNeeded(u) = min over v > u of (first input byte unit v reads), so
//
//     delta <= maxDelta = min over u (with a later reader) of  firstNeeded(u) - we_u
//
// is safe, and lowering delta only moves every write further back, so every delta down to the first
// overlapping one (1 - outBytes) is safe too. The bound is tight up to the first byte a later unit reads
// (test/plan/overlap*.test.ts shows maxDelta + 1 corrupts the result). Each access order's minimum is
// taken in closed form (per dimension or per output row, in time independent of the element count and
// memory independent of the tensor size); test/plan/overlap-brute.ts walks every unit as the oracle.
import type { AnyOp, Graph, Op } from '../ir/graph.js';
import { dtypeBytes, elementCount, rowMajorStrides } from '../ir/shapes.js';
import { sliceCount } from '../ir/params/linear.js';
import { lutDefaultOnly } from '../ir/lut.js';
import { OP_TABLE, opSupportsVariantFor, variantScratchElements, type OverlapVariant } from '../ir/op-table.js';
import { maxSharedBytes } from './placement.js';
import type { OverlapRule } from './types.js';

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
export function overlapRules(graph: Graph, opIndex: number): OverlapRule[] {
  const op = graph.ops[opIndex];
  if (!op || op.outputs.length !== 1) return [];
  const outT = graph.tensors[op.outputs[0]!]!;
  const outBytes = tensorByteCount(outT.shape, outT.dtype);
  if (outBytes === null || outBytes === 0) return [];
  const rules: Array<OverlapRule & { net: number }> = [];
  for (const raw of rawRules(graph, op)) {
    const inId = op.inputs[raw.input];
    // The op table lists the variants every backend implements: a rule for another one could not run.
    if (!opSupportsVariantFor(op.kind, raw.variant, outT.dtype)) continue;
    if (lutDefaultOnly(graph, op)) continue; // LUT kernels that decode a block of units or channels for every row or pixel
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
 * maxDelta of a forward stream of `count` equal units: unit u reads input bytes from u * readBytes on,
 * then writes output bytes ending at (u + 1) * writeBytes. The later units' first byte is (u + 1) *
 * readBytes, so the terms are (u + 1) * (readBytes - writeBytes) for u < count - 1: the smallest is the
 * first (u = 0) when the difference is >= 0, else the last. Infinity when no unit has a later reader.
 */
function linearStreamMaxDelta(count: number, readBytes: number, writeBytes: number): number {
  if (count <= 1) return Infinity;
  const diff = readBytes - writeBytes;
  return diff >= 0 ? diff : (count - 1) * diff;
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
  const ixMin = firstInBounds(0, g.outW, g.kernel[1], g.stride[1], g.padLeft, g.dilation[1], g.inW);
  if (ixMin === Infinity || g.batches === 0 || g.outH === 0) return Infinity;
  const inRowBytes = g.inW * g.inDepth * g.inSize;
  const outRowBytes = g.outW * g.outDepth * g.outSize;
  // Unit (n, oy) first reads n*B + a(oy), a(oy) = (iyMin(oy)*inW + ixMin)*inDepth*inSize (Infinity: no
  // row in bounds), and its write ends at n*O + w(oy), w(oy) = (oy+1)*outRowBytes; B, O: a batch's
  // input and output bytes. Later units: (n, oy' > oy), whose least first read is n*B + suffix(oy+1),
  // and batch n+1's rows (later batches read no earlier), n*B + B + min(a). So the term of (n, oy) is
  // n*(B - O) + t(oy) with t(oy) = min(suffix(oy+1), B + min a) - w(oy), the B + min a only when a
  // later batch exists. One backward pass over the rows gives min t with and without it.
  const B = g.inH * inRowBytes;
  const O = g.outH * outRowBytes;
  const a = (oy: number) => {
    const iy = firstInBounds(oy, oy + 1, g.kernel[0], g.stride[0], g.padTop, g.dilation[0], g.inH);
    return iy === Infinity ? Infinity : iy * inRowBytes + ixMin * g.inDepth * g.inSize;
  };
  let minA = Infinity;
  for (let oy = 0; oy < g.outH; oy++) minA = Math.min(minA, a(oy));
  if (minA === Infinity) return Infinity;
  let suffix = Infinity; // least a(oy') over oy' > oy
  let tLast = Infinity; // min t(oy), no later batch
  let tMid = Infinity; // min t(oy), a later batch
  for (let oy = g.outH - 1; oy >= 0; oy--) {
    const w = (oy + 1) * outRowBytes;
    tLast = Math.min(tLast, suffix - w);
    tMid = Math.min(tMid, Math.min(suffix, B + minA) - w);
    suffix = Math.min(suffix, a(oy));
  }
  // n*(B - O) + tMid over n = 0 .. batches-2 is least at an end; the last batch adds (batches-1)*(B - O) + tLast.
  let bound = (g.batches - 1) * (B - O) + tLast;
  if (g.batches >= 2) bound = Math.min(bound, tMid + (B - O >= 0 ? 0 : (g.batches - 2) * (B - O)));
  return bound;
}

/**
 * The least in-bounds input coordinate o*stride - pad + dilation*k over outputs o in [oFrom, oTo) and
 * kernel taps k (Infinity: none): per tap the coordinate grows with o, so its first output >= 0 gives it.
 */
function firstInBounds(oFrom: number, oTo: number, kernel: number, stride: number, pad: number, dilation: number, inSize: number): number {
  let least = Infinity;
  for (let k = 0; k < kernel; k++) {
    const o = Math.max(oFrom, Math.ceil((pad - dilation * k) / stride));
    if (o >= oTo) continue;
    const i = o * stride - pad + dilation * k;
    if (i < inSize) least = Math.min(least, i);
  }
  return least;
}

// ---- Per op ----

function sizeOf(graph: Graph, id: number): number {
  return dtypeBytes(graph.tensors[id]!.dtype) ?? 0;
}

function shapeOf(graph: Graph, id: number): number[] {
  return graph.tensors[id]!.shape;
}

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

  const shapeClass = OP_TABLE[op.kind].shape;
  if (shapeClass === 'elementwise-unary' || shapeClass === 'normalization') {
    // Output element i depends on input element i only; the kernel reads x[i] then writes y[i]. SOFTMAX
    // reads its row twice (max, sum) before writing any of it, then reads x[i] and writes y[i]: the row's
    // later elements and all later rows are still to be read, exactly as in the element stream.
    const count = elementCount(outShape);
    if (elementCount(shapeOf(graph, in0)) !== count) return [];
    return [stream('stream-element', 0, linearStreamMaxDelta(count, inSize, outSize))];
  }

  if (shapeClass === 'elementwise-binary') {
    // The output may overlap an input that is not broadcast (same element count as the output: its
    // index map is the identity); the other input is read at its own index, from its own buffer.
    const count = elementCount(outShape);
    const rules: RawRule[] = [];
    op.inputs.forEach((id, slot) => {
      if (id < 0 || slot > 1 || elementCount(shapeOf(graph, id)) !== count) return;
      rules.push(stream('stream-element', slot, linearStreamMaxDelta(count, sizeOf(graph, id), outSize)));
    });
    return rules;
  }

  switch (op.kind) {
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
      return [stream('stream-row', 0, bound, variantScratchElements(op.kind, 'stream-row', outShape) * outSize)];
    }
    case 'FULLY_CONNECTED': {
      // Batch row n reads input row n only; the row is computed into a buffer, then written. With one
      // row every output reads every input: nothing to stream.
      const filterId = op.inputs[1]!;
      const [units, depth] = shapeOf(graph, filterId) as [number, number];
      const batches = units === 0 ? 0 : elementCount(outShape) / units;
      if (batches < 2 || !Number.isInteger(batches)) return [];
      return [stream('stream-row', 0, linearStreamMaxDelta(batches, depth * inSize, units * outSize), variantScratchElements(op.kind, 'stream-row', outShape) * outSize)];
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
    const maxDelta = linearStreamMaxDelta(batches * inH * inW, inDepth * inSize, outDepth * outSize);
    return [{ variant: 'stream-pixel', input: 0, minDelta: -Infinity, maxDelta, scratchBytes: variantScratchElements(op.kind, 'stream-pixel', shapeOf(graph, op.outputs[0]!)) * outSize }];
  }
  const bound = rowStreamMaxDelta({
    batches, inH, inW, inDepth, outH, outW, outDepth, kernel: [kh, kw], stride, dilation,
    padTop: pad.top, padLeft: pad.left, inSize, outSize,
  });
  return [{ variant: 'stream-row', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: variantScratchElements(op.kind, 'stream-row', shapeOf(graph, op.outputs[0]!)) * outSize }];
}

function depthwiseRules(graph: Graph, op: Op<'DEPTHWISE_CONV_2D'>, inSize: number, outSize: number): RawRule[] {
  const [batches, inH, inW, inDepth] = shapeOf(graph, op.inputs[0]!) as [number, number, number, number];
  const [, kh, kw] = shapeOf(graph, op.inputs[1]!) as [number, number, number, number];
  const [, outH, outW, outDepth] = shapeOf(graph, op.outputs[0]!) as [number, number, number, number];
  const { stride, dilation, pad } = op.attrs;
  const rules: RawRule[] = [];
  if (op.attrs.depthMultiplier === 1 && outDepth === inDepth && inplaceChannelSafe(batches, inH * inW, outH * outW, inDepth, inSize, outSize)) {
    rules.push({ variant: 'inplace-channel', input: 0, minDelta: 0, maxDelta: 0, scratchBytes: variantScratchElements(op.kind, 'inplace-channel', shapeOf(graph, op.outputs[0]!)) * outSize });
  }
  const bound = rowStreamMaxDelta({
    batches, inH, inW, inDepth, outH, outW, outDepth, kernel: [kh, kw], stride, dilation,
    padTop: pad.top, padLeft: pad.left, inSize, outSize,
  });
  rules.push({ variant: 'stream-row', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: variantScratchElements(op.kind, 'stream-row', shapeOf(graph, op.outputs[0]!)) * outSize });
  return rules;
}

/**
 * 'inplace-channel' (TinyEngine's in-place depthwise) at delta = 0: units (n, c) in order; unit (n, c)
 * reads channel c of batch n's input (only that channel), computes the channel's outH*outW plane into
 * the scratch plane, then writes output (n, p, c) for every pixel p. Checked byte by byte: a written
 * byte must not be an input byte whose last reader comes later. Input byte (m, q, c') is last read by
 * unit (m, c'); output (n, p, c) sits at input byte ((n*outPixels + p)*C + c), i.e. channel slot c of
 * input pixel n*outPixels + p, whose batch m <= n when outPixels <= inPixels. (Any other delta lands
 * writes in a slot c' != c, which for c' > c is still to be read: only delta = 0 is offered.) With
 * outPixels > inPixels, batch 0's pixel inPixels lands in batch 1, still to be read, if there is one.
 */
function inplaceChannelSafe(batches: number, inPixels: number, outPixels: number, depth: number, inSize: number, outSize: number): boolean {
  if (inSize !== 1 || outSize !== 1) return false;
  return outPixels <= inPixels || batches <= 1 || inPixels * depth === 0;
}

/**
 * PAD/PADV2 'stream-element': output elements in increasing order, each written right after reading
 * the input element it copies (pad elements read nothing; nothing is pre-filled). Unit = output element.
 * The binding units are the ones just before each copy of input element k (output position e(k)):
 *   maxDelta = min over k of (k - e(k)) * size = -(the largest shift e(k) - k) * size
 * (the shift grows with k, so it is the last element's): the output ends no earlier than where the last
 * input element's copy lines up with it, and the footprint is exactly the output's. k - e(k) is linear
 * in each input index, so its minimum takes each index at an end of its range.
 */
function padRules(graph: Graph, op: Op<'PAD' | 'PADV2'>, inSize: number, outSize: number): RawRule[] {
  const inShape = shapeOf(graph, op.inputs[0]!);
  const outShape = shapeOf(graph, op.outputs[0]!);
  const rank = inShape.length;
  if (rank === 0 || inSize !== outSize) return [];
  const count = elementCount(inShape);
  if (count === 0) return [];
  const { paddings } = op.attrs;
  const inStrides = rowMajorStrides(inShape);
  const outStrides = rowMajorStrides(outShape);
  // k - e(k) = sum over d of index_d * (inStride_d - outStride_d) - (the output position of element 0).
  let shift = 0;
  for (let d = 0; d < rank; d++) {
    shift -= paddings[d]![0] * outStrides[d]!;
    const slope = inStrides[d]! - outStrides[d]!;
    if (slope < 0) shift += (inShape[d]! - 1) * slope;
  }
  return [{ variant: 'stream-element', input: 0, minDelta: -Infinity, maxDelta: shift * inSize, scratchBytes: 0 }];
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
 *
 * maxDelta = min over i < total-1 of (min over j > i of src(j)) * inSize - (i+1) * outSize. The j > i are,
 * for each dim d with i_d < counts_d - 1, those agreeing with i before d, larger at d, free after it; so
 * the bound is the least, over d, of a sum of terms each linear in one index of i (the indices after d
 * only lengthen i, so they sit at their ends), each least at an end of its range.
 */
function gatherStreamRules(counts: readonly number[], steps: readonly number[], start: number, inSize: number, outSize: number): RawRule[] {
  const total = counts.reduce((p, c) => p * c, 1);
  if (total === 0) return [];
  const rank = counts.length;
  const outStrides = rowMajorStrides(counts);
  const least = (a: number, b: number) => Math.min(a, b);
  let bound = Infinity;
  for (let d = 0; d < rank; d++) {
    const n = counts[d]!;
    if (n < 2) continue;
    // Constant part: src(j) starts at `start`; -(i+1)*outSize contributes -outSize.
    let term = start * inSize - outSize;
    // Dims before d: index e shared by i and j, in [0, counts_e - 1].
    for (let e = 0; e < d; e++) term += least(0, (counts[e]! - 1) * (steps[e]! * inSize - outStrides[e]! * outSize));
    // Dim d: i_d in [0, n - 2]; j_d > i_d at its least source, (i_d + 1) * step or (n - 1) * step.
    const at = (i: number) => (steps[d]! >= 0 ? (i + 1) * steps[d]! : (n - 1) * steps[d]!) * inSize - i * outStrides[d]! * outSize;
    term += least(at(0), at(n - 2));
    // Dims after d: j's index free (least source), i's index last (latest write).
    for (let e = d + 1; e < rank; e++) term += (counts[e]! - 1) * (least(0, steps[e]!) * inSize - outStrides[e]! * outSize);
    bound = least(bound, term);
  }
  return [{ variant: 'stream-element', input: 0, minDelta: -Infinity, maxDelta: bound, scratchBytes: 0 }];
}
