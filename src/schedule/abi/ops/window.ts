// Lowering of the ops that read windows or rows of weights: CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED, TRANSPOSE_CONV, AVERAGE_POOL_2D, MAX_POOL_2D.
import type { Graph, LutStorage } from '../../../ir/graph.js';
import { elementCount } from '../../../ir/shapes.js';
import { cConvPath, cDepthwiseRing, cDepthwiseStreamRing, dwLargeWindow } from '../../../ir/workspace.js';
import type { Operand } from '../../types.js';
import { CONST_ALIGN, constRef } from '../records.js';
import { KERNELS } from '../kernels.js';
import { arrayRef, biasRef, code, expand, operand, operandType, variantSuffix, workspaceFields, type LowerContext, type OpCall, type OpLowering, type RecordLowering, type SymbolChoice } from '../context.js';
import { convLutDecodesWhole } from '../../../ir/lut.js';
import { pointwiseRecords, pointwiseRecordsFit, type PwLayer } from './pointwise-table.js';
import { conv3Records, conv3RecordsFit, type Conv3Layer } from './conv3-table.js';

/** The constant filter's LUT storage (src/passes/fuse-decode.ts) when the kernel reads it packed, or null (a copy decoded at load is plain). */
function lutFilter(graph: Graph, o: Operand | undefined): LutStorage | null {
  const lut = o && 'constant' in o ? graph.tensors[o.constant]!.lut : undefined;
  return lut && !lut.atLoad ? lut : null;
}

/**
 * A CONV_2D's / DEPTHWISE_CONV_2D's LUT filter read packed by its LUT kernel, or null: also when the backend decodes
 * a whole filter into the call's workspace itself before the plain kernel runs (SymbolChoice.lutWholeInWorkspace: wasm).
 */
function convLutFilter(graph: Graph, o: Operand | undefined, choice: SymbolChoice): LutStorage | null {
  const lut = choice.lutKernels ? lutFilter(graph, o) : null;
  if (!lut || !choice.lutWholeInWorkspace) return lut;
  return convLutDecodesWhole(graph, graph.tensors[(o as { constant: number }).constant]!) ? null : lut;
}

/** A LUT-stored filter operand: the packed indices, never the decoded values. */
function lutOperand(ctx: LowerContext, lut: LutStorage, o: Operand | undefined, where: string): { ref: number; shape: number[] } {
  return { ref: constRef(ctx.consts.add(lut.packed, CONST_ALIGN)), shape: operandType(ctx.graph, o, where).shape };
}

/** The record fields of a LUT-stored filter's tables (the DECODE header first). */
function lutFields(ctx: LowerContext, lut: LutStorage) {
  return { ancillary: constRef(ctx.consts.add(lut.ancillary, CONST_ALIGN)), bit_width: lut.bitWidth, stride: lut.valueStride, channels: lut.channels };
}

/** The fields CONV_2D and DEPTHWISE_CONV_2D records share; adds filter, bias and requantization arrays. */
function convFields(ctx: LowerContext, { call, op, where }: OpCall<'CONV_2D' | 'DEPTHWISE_CONV_2D'>, lut: LutStorage | null = null) {
  const x = operand(ctx, call.inputs[0], `${where} input`);
  const w = lut ? lutOperand(ctx, lut, call.inputs[1], where) : operand(ctx, call.inputs[1], `${where} filter`);
  const out = call.outputs[0]!;
  const outDepth = out.shape[3]!;
  // int32 per channel, or int64 on the 16x8 path (int16 activations)
  const bias = biasRef(ctx, call.inputs[2], x.dtype, outDepth, where);
  const p = op.params;
  const { stride, dilation, pad, clamp } = op.attrs;
  const [, kh, kw] = w.shape as [number, number, number, number];
  return {
    input: x.ref, output: out.offset, filter: w.ref, bias,
    multiplier: arrayRef(ctx, expand(p.multiplier, outDepth)), shift: arrayRef(ctx, expand(p.shift, outDepth)), scratch: call.scratch ? call.scratch.offset : 0,
    ...workspaceFields(call),
    batches: x.shape[0]!, in_h: x.shape[1]!, in_w: x.shape[2]!, in_depth: x.shape[3]!,
    out_h: out.shape[1]!, out_w: out.shape[2]!, out_depth: outDepth, filter_h: kh, filter_w: kw,
    stride_h: stride[0], stride_w: stride[1], dilation_h: dilation[0], dilation_w: dilation[1], pad_top: pad.top, pad_left: pad.left,
    input_offset: p.inputOffset, output_offset: p.outputOffset, act_min: clamp[0], act_max: clamp[1],
  };
}

/** The layer as pointwise-table.ts reads it. */
function pwLayer(graph: Graph, { call, op }: OpCall<'CONV_2D'>): PwLayer {
  const x = operandType(graph, call.inputs[0], 'CONV_2D input');
  const w = operandType(graph, call.inputs[1], 'CONV_2D filter');
  const { stride, pad, clamp } = op.attrs;
  return {
    inDepth: x.shape[3]!, filterH: w.shape[1]!, filterW: w.shape[2]!, stride, padTop: pad.top, padLeft: pad.left, inputOffset: op.params.inputOffset,
    outputOffset: op.params.outputOffset, clamp, multiplier: op.params.multiplier, shift: op.params.shift,
  };
}

/** The layer as conv3-table.ts reads it. */
function conv3Layer(graph: Graph, { call, op }: OpCall<'CONV_2D'>): Conv3Layer {
  const w = operandType(graph, call.inputs[1], 'CONV_2D filter');
  const { dilation, clamp } = op.attrs;
  return {
    inDepth: w.shape[3]!, filterH: w.shape[1]!, filterW: w.shape[2]!, dilation, inputOffset: op.params.inputOffset,
    outputOffset: op.params.outputOffset, clamp, multiplier: op.params.multiplier, shift: op.params.shift,
  };
}

/** CONV_2D's kernel symbol from the call and the layer (never its constant data). */
function conv2dSymbol(c: OpCall<'CONV_2D'>, graph: Graph, choice: SymbolChoice): string {
  const { call, op, where } = c;
  const x = operandType(graph, call.inputs[0], `${where} input`);
  if (x.dtype === 'int16') return `conv2d_s16${variantSuffix(call)}`;
  if (convLutFilter(graph, call.inputs[1], choice)) return `conv2d_lut_s8${variantSuffix(call)}`;
  const w = operandType(graph, call.inputs[1], `${where} filter`);
  const [, kh, kw, fd] = w.shape as [number, number, number, number];
  const { stride, pad, dilation } = op.attrs;
  // conv.c's path as a symbol of its own (the call's shapes and planned workspace): a model links only the paths its layers run
  const [, inH, inW, inDepth] = x.shape as [number, number, number, number];
  const [, outH, outW, outDepth] = call.outputs[0]!.shape as [number, number, number, number];
  const path = choice.fastPaths ? cConvPath({
    inH, inW, inDepth, outH, outW, outDepth, filterH: kh, filterW: kw, filterDepth: fd, strideH: stride[0], strideW: stride[1],
    dilationH: dilation[0], dilationW: dilation[1], padTop: pad.top, padLeft: pad.left,
  }, op.params.inputOffset, call.workspace ? elementCount(call.workspace.shape) : 0) : null;
  // the pointwise path with the lowering's channel records (its own symbol: models without such a layer do not link their loops)
  const rec = choice.compileTimeTables && ((path === 'pw' && pointwiseRecordsFit(pwLayer(graph, c), outDepth)) || (path === '3x3c3' && conv3RecordsFit(conv3Layer(graph, c), outDepth))) ? '_rec' : '';
  // a path in a variant the planner never gives it (src/plan/overlap.ts convRules) has no symbol: the generic one
  if (path && `conv2d_s8_${path}${rec}${variantSuffix(call)}` in KERNELS) return `conv2d_s8_${path}${rec}${variantSuffix(call)}`;
  const pointwise = kh === 1 && kw === 1 && stride[0] === 1 && stride[1] === 1 && pad.top === 0 && pad.left === 0 && fd === inDepth;
  return choice.fastPaths && call.variant === 'default' && pointwise ? 'conv2d_s8_1x1' : `conv2d_s8${variantSuffix(call)}`;
}

export const CONV_2D: OpLowering<'CONV_2D'> = {
  symbol: conv2dSymbol,
  record(ctx, c): RecordLowering {
    const int16 = operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype === 'int16';
    const lut = int16 ? null : convLutFilter(ctx.graph, c.call.inputs[1], ctx);
    const base = convFields(ctx, c, lut);
    // only the symbols that read them get records (conv2d_s8_pw_rec, conv2d_s8_3x3c3_rec: also 0 there when a bias or the weights do not allow them)
    const symbol = int16 || lut ? '' : conv2dSymbol(c, ctx.graph, ctx);
    const records = symbol.startsWith('conv2d_s8_pw_rec') ? pointwiseRecords(ctx.graph, pwLayer(ctx.graph, c), c.call.inputs[1], c.call.inputs[2], base.out_depth)
      : symbol.startsWith('conv2d_s8_3x3c3_rec') ? conv3Records(ctx.graph, conv3Layer(ctx.graph, c), c.call.inputs[1], c.call.inputs[2], base.out_depth) : null;
    const fields = { ...base, filter_depth: operandType(ctx.graph, c.call.inputs[1], `${c.where} filter`).shape[3]!, channel_records: records ? arrayRef(ctx, records) : 0 };
    if (!lut) return { record: 'conv2d', fields };
    return { record: 'conv2d_lut', fields: { ...fields, ...lutFields(ctx, lut) } };
  },
};

export const DEPTHWISE_CONV_2D: OpLowering<'DEPTHWISE_CONV_2D'> = {
  symbol({ call, op, where }, graph, choice) {
    if (operandType(graph, call.inputs[0], `${where} input`).dtype === 'int16') return `dwconv2d_s16${variantSuffix(call)}`;
    if (convLutFilter(graph, call.inputs[1], choice)) return `dwconv2d_lut_s8${variantSuffix(call)}`;
    const w = operandType(graph, call.inputs[1], `${where} filter`);
    const [, kh, kw] = w.shape as [number, number, number, number];
    const { dilation, depthMultiplier } = op.attrs;
    const is3x3 = kh === 3 && kw === 3 && dilation[0] === 1 && dilation[1] === 1 && depthMultiplier === 1;
    if (choice.fastPaths && call.variant === 'default' && is3x3) return 'dwconv2d_s8_3x3';
    // inplace-channel 5x5 / 7x7: depthwise.c's large-window path (faster than the ring at 5x5 stride 1), linked only by the models that call it
    if (choice.fastPaths && call.variant === 'inplace-channel' && depthMultiplier === 1 && dwLargeWindow({ filterH: kh, filterW: kw, dilationH: dilation[0], dilationW: dilation[1], strideW: op.attrs.stride[1] })) {
      return 'dwconv2d_s8_kxk_inplace_channel';
    }
    // the ring path is a symbol of its own: a model links it only when a layer takes it (the call's shapes: a patch tile's own)
    const [, inH, inW, inDepth] = operandType(graph, call.inputs[0], `${where} input`).shape as [number, number, number, number];
    const [, outH, outW] = call.outputs[0]!.shape as [number, number, number, number];
    const { stride, pad } = op.attrs;
    const geometry = {
      variant: call.variant, depthMultiplier, inDepth, inH, inW, outH, outW, filterH: kh, filterW: kw,
      strideH: stride[0], strideW: stride[1], dilationH: dilation[0], dilationW: dilation[1], padTop: pad.top, padLeft: pad.left,
    };
    if (cDepthwiseStreamRing(geometry)) return 'dwconv2d_s8_stream_row_ring';
    return cDepthwiseRing(geometry) ? 'dwconv2d_s8_inplace_channel_ring' : `dwconv2d_s8${variantSuffix(call)}`;
  },
  record(ctx, c): RecordLowering {
    const lut = operandType(ctx.graph, c.call.inputs[0], `${c.where} input`).dtype === 'int16' ? null : convLutFilter(ctx.graph, c.call.inputs[1], ctx);
    const fields = { ...convFields(ctx, c, lut), depth_multiplier: c.op.attrs.depthMultiplier, channel_records: 0 };
    if (!lut) return { record: 'dwconv2d', fields };
    return { record: 'dwconv2d_lut', fields: { ...fields, ...lutFields(ctx, lut) } };
  },
};

/** Every value the same (a per-tensor quantization, however many entries it is stored as). */
function uniform(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

export const FULLY_CONNECTED: OpLowering<'FULLY_CONNECTED'> = {
  symbol: ({ call, where }, graph, { lutKernels }) => {
    // the 16x8 kernel reads plain int8 weights (a LUT constant's decoded copy)
    const int16 = operandType(graph, call.inputs[0], `${where} input`).dtype === 'int16';
    if (!int16 && lutKernels && lutFilter(graph, call.inputs[1])) return 'fully_connected_lut_s8';
    return `fully_connected_${int16 ? 's16' : 's8'}${variantSuffix(call)}`;
  },
  record(ctx, { call, op, where }) {
    const x = operand(ctx, call.inputs[0], `${where} input`);
    const lut = x.dtype !== 'int16' && ctx.lutKernels ? lutFilter(ctx.graph, call.inputs[1]) : null;
    // LUT weights: the packed indices and the tables, never the decoded values
    const w = lut ? lutOperand(ctx, lut, call.inputs[1], where) : operand(ctx, call.inputs[1], `${where} weights`);
    const out = call.outputs[0]!;
    const [units, depth] = w.shape as [number, number];
    // int32 per unit, or int64 on the 16x8 path; zeros when the op has none
    const bias = biasRef(ctx, call.inputs[2], x.dtype, units, where);
    const p = op.params;
    const fields = {
      input: x.ref, output: out.offset, filter: w.ref, bias,
      multiplier: arrayRef(ctx, expand(p.multiplier, units)), shift: arrayRef(ctx, expand(p.shift, units)), scratch: call.scratch ? call.scratch.offset : 0,
      ...workspaceFields(call),
      batches: elementCount(out.shape) / units, units, depth, input_offset: p.inputOffset, output_offset: p.outputOffset,
      act_min: op.attrs.clamp[0], act_max: op.attrs.clamp[1], per_tensor: uniform(p.multiplier) && uniform(p.shift) ? 1 : 0,
    };
    if (!lut) return { record: 'fully_connected', fields };
    return { record: 'fully_connected_lut', fields: { ...fields, ...lutFields(ctx, lut) } };
  },
};

function pool(name: string): OpLowering<'AVERAGE_POOL_2D' | 'MAX_POOL_2D'> {
  return {
    symbol: ({ call, where }, graph) => `${name}_${operandType(graph, call.inputs[0], `${where} input`).dtype === 'int16' ? 's16' : 's8'}${variantSuffix(call)}`,
    record(ctx, { call, op, where }) {
      const x = operand(ctx, call.inputs[0], `${where} input`);
      const out = call.outputs[0]!;
      const { filter, stride, pad, clamp } = op.attrs;
      return {
        record: 'pool2d',
        fields: {
          input: x.ref, output: out.offset, scratch: call.scratch ? call.scratch.offset : 0,
          batches: x.shape[0]!, in_h: x.shape[1]!, in_w: x.shape[2]!, depth: x.shape[3]!, out_h: out.shape[1]!, out_w: out.shape[2]!,
          filter_h: filter[0], filter_w: filter[1], stride_h: stride[0], stride_w: stride[1], pad_top: pad.top, pad_left: pad.left,
          act_min: clamp[0], act_max: clamp[1],
        },
      };
    },
  };
}

export const AVERAGE_POOL_2D = pool('avgpool2d');
export const MAX_POOL_2D = pool('maxpool2d');

export const TRANSPOSE_CONV: OpLowering<'TRANSPOSE_CONV'> = {
  symbol: ({ call, where }, graph) => `transpose_conv_${code(operandType(graph, call.inputs[2], `${where} input`).dtype, where)}`,
  record(ctx, { call, op, where }) {
    // TFLite's order: output shape, filter, input, bias
    const w = operand(ctx, call.inputs[1], `${where} filter`);
    const x = operand(ctx, call.inputs[2], `${where} input`);
    const out = call.outputs[0]!;
    const p = op.params;
    const outDepth = out.shape[3]!;
    return {
      record: 'transpose_conv',
      fields: {
        input: x.ref, output: out.offset, filter: w.ref, bias: biasRef(ctx, call.inputs[3], x.dtype, outDepth, where),
        multiplier: arrayRef(ctx, expand(p.multiplier, outDepth)), shift: arrayRef(ctx, expand(p.shift, outDepth)),
        batches: x.shape[0]!, in_h: x.shape[1]!, in_w: x.shape[2]!, in_depth: x.shape[3]!,
        out_h: out.shape[1]!, out_w: out.shape[2]!, out_depth: outDepth, filter_h: w.shape[1]!, filter_w: w.shape[2]!,
        stride_h: op.attrs.stride[0], stride_w: op.attrs.stride[1], pad_top: op.attrs.pad.top, pad_left: op.attrs.pad.left,
        input_offset: p.inputOffset, output_offset: p.outputOffset, act_min: op.attrs.clamp[0], act_max: op.attrs.clamp[1],
      },
    };
  },
};
