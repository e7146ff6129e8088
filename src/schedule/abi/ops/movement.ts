// Lowering of the ops that move elements without arithmetic (any dtype: the kernels take elem_bytes):
// PAD, TRANSPOSE, STRIDED_SLICE, DEPTH_TO_SPACE, SPACE_TO_DEPTH, CONCATENATION, PACK, SPLIT, SPLIT_V,
// UNPACK, RESIZE_NEAREST_NEIGHBOR, and RESHAPE / SQUEEZE / EXPAND_DIMS the plan did not alias; and DECODE, which looks weights up in their channel's table.
import type { QuantizedOp } from '../../../ir/graph.js';
import { sliceCount } from '../../../ir/params/linear.js';
import { elementCount, rowMajorStrides } from '../../../ir/shapes.js';
import { UnsupportedError } from '../../../errors.js';
import { arrayRef, elemBytes, operand, operandType, padShape, type LowerContext, type OpLowering } from '../context.js';
import { MAX_RANK } from '../records.js';
import type { KernelCall } from '../../types.js';

function pad(): OpLowering<'PAD' | 'PADV2'> {
  return {
    symbol: () => 'pad',
    record(ctx, { call, op, where }) {
      const x = operand(ctx, call.inputs[0], `${where} input`);
      const out = call.outputs[0]!;
      const eb = elemBytes(out.dtype, where);
      const pattern = new DataView(new ArrayBuffer(8));
      const v = op.params.padValue;
      switch (out.dtype) {
        case 'float32': pattern.setFloat32(0, v, true); break;
        case 'int64': pattern.setBigInt64(0, BigInt(v), true); break;
        default: pattern.setInt32(0, v, true); // truncated to elem_bytes by the kernel (little-endian)
      }
      return {
        record: 'pad',
        fields: {
          input: x.ref, output: out.offset, elem_bytes: eb, in_shape: padShape(x.shape, where),
          before: padShape(op.attrs.paddings.map((q) => q[0]), where).map((d, i) => (i < MAX_RANK - x.shape.length ? 0 : d)),
          out_shape: padShape(out.shape, where), pad_lo: pattern.getInt32(0, true), pad_hi: pattern.getInt32(4, true),
        },
      };
    },
  };
}

export const PAD = pad();
export const PADV2 = pad();

/** Output elements in order from input element start + sum(index[d] * steps[d]). */
function stridedCopy<K extends 'TRANSPOSE' | 'STRIDED_SLICE' | 'DEPTH_TO_SPACE' | 'SPACE_TO_DEPTH' | 'BROADCAST_TO'>(
  walk: (shape: number[], inStrides: number[], op: QuantizedOp<K>, outShape: number[]) => { start: number; counts: number[]; steps: number[] },
): OpLowering<K> {
  return {
    symbol: () => 'strided_copy',
    record(ctx, { call, op, where }) {
      const x = operand(ctx, call.inputs[0], `${where} input`);
      const out = call.outputs[0]!;
      const { start, counts, steps } = walk(x.shape, rowMajorStrides(x.shape), op, out.shape);
      const lead = MAX_RANK - counts.length;
      if (lead < 0) padShape(counts, where);
      return {
        record: 'strided_copy',
        fields: {
          input: x.ref, output: out.offset, elem_bytes: elemBytes(out.dtype, where), start,
          counts: [...new Array<number>(lead).fill(1), ...counts], steps: [...new Array<number>(lead).fill(0), ...steps],
        },
      };
    },
  };
}

export const TRANSPOSE = stridedCopy<'TRANSPOSE'>((shape, inStrides, op) => ({
  start: 0,
  counts: op.attrs.perm.map((p) => shape[p]!),
  steps: op.attrs.perm.map((p) => inStrides[p]!),
}));

export const STRIDED_SLICE = stridedCopy<'STRIDED_SLICE'>((_shape, inStrides, op) => {
  const { begin, end, strides } = op.attrs;
  let start = 0;
  begin.forEach((b, d) => (start += b * inStrides[d]!));
  return { start, counts: begin.map((b, d) => sliceCount(b, end[d]!, strides[d]!)), steps: strides.map((s, d) => s * inStrides[d]!) };
});

// The block moves as 4-D strided copies: (batch, row) merge into one dim, and so do a block column and the channels.
export const DEPTH_TO_SPACE = stridedCopy<'DEPTH_TO_SPACE'>((shape, _inStrides, op) => {
  const [n, h, w, c] = shape as [number, number, number, number];
  const b = op.attrs.blockSize;
  const outC = c / (b * b);
  return { start: 0, counts: [n * h, b, w, b * outC], steps: [w * c, b * outC, c, 1] };
});

export const SPACE_TO_DEPTH = stridedCopy<'SPACE_TO_DEPTH'>((shape, _inStrides, op) => {
  const [n, h, w, c] = shape as [number, number, number, number];
  const b = op.attrs.blockSize;
  return { start: 0, counts: [(n * h) / b, w / b, b, b * c], steps: [b * w * c, b * c, w * c, 1] };
});

/** BROADCAST_TO: the output's dims in order, a step of 0 where the input (aligned at the last dim) repeats. */
export const BROADCAST_TO = stridedCopy<'BROADCAST_TO'>((shape, inStrides, _op, outShape) => {
  const lead = outShape.length - shape.length;
  return { start: 0, counts: outShape, steps: outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : inStrides[d - lead]!)) };
});

/** ZEROS_LIKE: a pad of an empty input (every row is padding) with the value 0. */
export const ZEROS_LIKE: OpLowering<'ZEROS_LIKE'> = {
  symbol: () => 'pad',
  record(_ctx, { call, where }) {
    const out = call.outputs[0]!;
    const none = new Array<number>(MAX_RANK).fill(0);
    return {
      record: 'pad',
      fields: { input: out.offset, output: out.offset, elem_bytes: elemBytes(out.dtype, where), in_shape: none, before: none, out_shape: padShape(out.shape, where), pad_lo: 0, pad_hi: 0 },
    };
  },
};

/** SHAPE: a copy of the input's dims, a constant int32 array. */
export const SHAPE: OpLowering<'SHAPE'> = {
  symbol: () => 'copy',
  record(ctx, { call, where }) {
    const dims = operandType(ctx.graph, call.inputs[0], `${where} input`).shape;
    return { record: 'copy', fields: { input: arrayRef(ctx, dims), output: call.outputs[0]!.offset, bytes: 4 * dims.length } };
  },
};

/** GATHER: blocks picked by the int32 positions (an arena tensor or a constant). */
export const GATHER: OpLowering<'GATHER'> = {
  symbol: () => 'gather',
  record(ctx, { call, op, where }) {
    const x = operand(ctx, call.inputs[0], `${where} input`);
    const positions = operand(ctx, call.inputs[1], `${where} positions`);
    const { axis, batchDims } = op.attrs;
    return {
      record: 'gather',
      fields: {
        input: x.ref, output: call.outputs[0]!.offset, positions: positions.ref, elem_bytes: elemBytes(x.dtype, where),
        batches: elementCount(x.shape.slice(0, batchDims)), outer: elementCount(x.shape.slice(batchDims, axis)), axis_size: x.shape[axis]!,
        inner: elementCount(x.shape.slice(axis + 1)), coords: elementCount(positions.shape.slice(batchDims)),
      },
    };
  },
};

/** Elements of a shape's dims before `axis` and after it. */
function aroundAxis(shape: readonly number[], axis: number): { outer: number; inner: number } {
  return { outer: elementCount(shape.slice(0, axis)), inner: elementCount(shape.slice(axis + 1)) };
}

/** PACK: a concatenation whose inputs each fill one `inner`-element block of every outer row. */
export const PACK: OpLowering<'PACK'> = {
  symbol: () => 'concatenation',
  record(ctx, { call, op, where }) {
    const out = call.outputs[0]!;
    const { outer, inner } = aroundAxis(out.shape, op.attrs.axis);
    const table = call.inputs.flatMap((o, i) => [operand(ctx, o, `${where} input ${i}`).ref, inner]);
    return {
      record: 'concatenation',
      fields: { output: out.offset, elem_bytes: elemBytes(out.dtype, where), outer, out_row: call.inputs.length * inner, count: call.inputs.length, inputs: arrayRef(ctx, table, `${where} input table entry`) },
    };
  },
};

/** SPLIT / SPLIT_V / UNPACK: each output one column block of every outer row of the input (split kernel). */
function split<K extends 'SPLIT' | 'SPLIT_V' | 'UNPACK'>(): OpLowering<K> {
  return {
    symbol: () => 'split',
    record(ctx, { call, op, where }) {
      const x = operand(ctx, call.inputs[op.kind === 'SPLIT' ? 1 : 0], `${where} input`);
      const { axis } = op.attrs;
      const { outer, inner } = aroundAxis(x.shape, axis);
      const table = call.outputs.flatMap((out) => [out.offset, (op.kind === 'UNPACK' ? 1 : out.shape[axis]!) * inner]);
      return {
        record: 'split',
        fields: { input: x.ref, elem_bytes: elemBytes(x.dtype, where), outer, in_row: x.shape[axis]! * inner, count: call.outputs.length, outputs: arrayRef(ctx, table, `${where} output table entry`) },
      };
    },
  };
}

export const SPLIT = split<'SPLIT'>();
export const SPLIT_V = split<'SPLIT_V'>();
export const UNPACK = split<'UNPACK'>();

export const CONCATENATION: OpLowering<'CONCATENATION'> = {
  symbol({ op, where }) {
    if (op.params.inputs.some((q) => q !== null)) throw new UnsupportedError(`${where}: requantizing concatenation has no kernel`, { op: op.kind });
    return 'concatenation';
  },
  record(ctx, { call, op, where }) {
    const out = call.outputs[0]!;
    const axis = op.attrs.axis;
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= out.shape[d]!;
    let inner = 1;
    for (let d = axis + 1; d < out.shape.length; d++) inner *= out.shape[d]!;
    const table: number[] = [];
    call.inputs.forEach((o, i) => {
      const x = operand(ctx, o, `${where} input ${i}`);
      table.push(x.ref, x.shape[axis]! * inner);
    });
    return {
      record: 'concatenation',
      fields: {
        output: out.offset, elem_bytes: elemBytes(out.dtype, where), outer, out_row: out.shape[axis]! * inner,
        count: call.inputs.length, inputs: arrayRef(ctx, table, `${where} input table entry`),
      },
    };
  },
};

/** TFLM GetNearestNeighbor in float32 (the same arithmetic as src/reference/ops/resize.ts). */
function nearestSource(i: number, inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const f = Math.fround;
  const scale = alignCorners && outSize > 1 ? f((inSize - 1) / (outSize - 1)) : f(inSize / outSize);
  const offset = halfPixelCenters ? 0.5 : 0;
  const pos = f(f(i + offset) * scale);
  let src = Math.min(alignCorners ? (pos < 0 ? -Math.round(-pos) : Math.round(pos)) : Math.floor(pos), inSize - 1);
  if (halfPixelCenters) src = Math.max(0, src);
  return src;
}

/** A resize call's NHWC geometry record fields (RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR). */
export function resizeFields(ctx: LowerContext, call: KernelCall, where: string) {
  const x = operand(ctx, call.inputs[0], `${where} input`);
  const out = call.outputs[0]!;
  const [batches, inH, inW, depth] = x.shape as [number, number, number, number];
  const [, outH, outW] = out.shape as [number, number, number, number];
  return { input: x.ref, output: out.offset, batches, in_h: inH, in_w: inW, depth, out_h: outH, out_w: outW };
}

export const RESIZE_NEAREST_NEIGHBOR: OpLowering<'RESIZE_NEAREST_NEIGHBOR'> = {
  symbol: () => 'resize_nearest',
  record(ctx, { call, op, where }) {
    const g = resizeFields(ctx, call, where);
    const { alignCorners, halfPixelCenters } = op.attrs;
    return {
      record: 'resize_nearest',
      fields: {
        ...g, elem_bytes: elemBytes(call.outputs[0]!.dtype, where),
        src_y: arrayRef(ctx, Array.from({ length: g.out_h }, (_, i) => nearestSource(i, g.in_h, g.out_h, alignCorners, halfPixelCenters))),
        src_x: arrayRef(ctx, Array.from({ length: g.out_w }, (_, i) => nearestSource(i, g.in_w, g.out_w, alignCorners, halfPixelCenters))),
      },
    };
  },
};

/** A byte copy (memmove): RESHAPE / SQUEEZE the plan did not alias. */
function copy(): OpLowering<'RESHAPE' | 'SQUEEZE' | 'EXPAND_DIMS'> {
  return {
    symbol: () => 'copy',
    record(ctx, { call, where }) {
      const x = operand(ctx, call.inputs[0], `${where} input`);
      const out = call.outputs[0]!;
      return { record: 'copy', fields: { input: x.ref, output: out.offset, bytes: elementCount(out.shape) * elemBytes(out.dtype, where) } };
    },
  };
}

export const RESHAPE = copy();
export const SQUEEZE = copy();
export const EXPAND_DIMS = copy();

/** DECODE (TFLM LUT-compressed weights): packed indices -> int8 values of their channel's table (src/ir/lut.ts). */
export const DECODE: OpLowering<'DECODE'> = {
  symbol: () => 'decode_lut_s8',
  record(ctx, { call, op, where }) {
    const x = operand(ctx, call.inputs[0], `${where} packed indices`);
    const a = operand(ctx, call.inputs[1], `${where} ancillary data`);
    const out = call.outputs[0]!;
    const { bitWidth, valueStride, channels, channelAxisLast } = op.attrs;
    return {
      record: 'decode_lut',
      fields: {
        input: x.ref, ancillary: a.ref, output: out.offset, count: elementCount(out.shape), bit_width: bitWidth, stride: valueStride, channels,
        channel_axis_last: channelAxisLast ? 1 : 0,
      },
    };
  },
};
