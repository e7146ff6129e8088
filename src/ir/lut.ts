// TFLite Micro's LUT-compressed constants (tflite-micro tensorflow/lite/micro/compression/): a DECODE op
// expands packed table indices (index_bitwidth bits each, high-order bits first, no padding) into an int8
// tensor, looking each index up in its channel's value table. The ancillary tensor is a 16-byte DECODE
// common-metadata header (decode type, DCM version, LUT version, bit width, table stride) then the tables.
import { ModelFormatError, UnsupportedError } from '../errors.js';
import type { AnyOp, Graph, Quantization, Tensor } from './graph.js';
import { elementCount } from './shapes.js';
import { convLutWhole } from './workspace.js';

export const DCM_BYTES = 16;
export const DCM_TYPE_LUT = 0;
export const DCM_VERSION = 1;
export const LUT_VERSION = 1;
/** TFLM's DecodeStateLut limits: 1..7-bit indices, at most 128 table entries per channel. */
export const LUT_MAX_BITS = 7;
export const LUT_MAX_STRIDE = 128;
/** The custom operator code TFLM registers DECODE under. */
export const DECODE_CUSTOM_CODE = 'TFLM_DECODE';

/** The DECODE op's attrs: what the ancillary header and the output tensor say about the tables. */
export interface LutLayout {
  bitWidth: number;
  /** Table entries per channel (may be fewer than 2^bitWidth). */
  valueStride: number;
  channels: number;
  /** Channel = element index % channels (quantized along the last axis: depthwise filters), else contiguous blocks. */
  channelAxisLast: boolean;
}

/** Channels of a LUT tensor as TFLM's DecodeStateLut::Setup resolves them from the output's quantization. */
export function lutChannels(shape: readonly number[], quant: Quantization | null, where: string): { channels: number; channelAxisLast: boolean } {
  const channels = quant === null ? 1 : quant.scales.length;
  const count = elementCount(shape);
  if (channels > 1 && quant!.axis === shape.length - 1) {
    if (shape[shape.length - 1] !== channels) {
      throw new ModelFormatError(`${where}: ${channels} channels along the last axis of shape [${shape}]`, { shape, channels });
    }
    return { channels, channelAxisLast: true };
  }
  if (channels > 1 && quant!.axis !== 0) {
    throw new UnsupportedError(`${where}: LUT channels along axis ${quant!.axis} of [${shape}] (TFLM decodes axis 0 or the last)`, { shape, axis: quant!.axis });
  }
  if (channels > 1 && (shape.length === 0 || shape[0] !== channels || count % channels !== 0)) {
    throw new ModelFormatError(`${where}: ${channels} channels along axis 0 of shape [${shape}]`, { shape, channels });
  }
  return { channels, channelAxisLast: false };
}

/** Bytes of `count` packed indices of `bitWidth` bits. */
export function packedBytes(count: number, bitWidth: number): number {
  return Math.ceil((count * bitWidth) / 8);
}

/** The layout an ancillary tensor declares for an output of this shape and quantization; refuses what TFLM would misread. */
export function lutLayoutOf(ancillary: Uint8Array, shape: readonly number[], quant: Quantization | null, where: string): LutLayout {
  if (ancillary.length < DCM_BYTES) {
    throw new ModelFormatError(`${where}: ancillary data of ${ancillary.length} bytes is shorter than the ${DCM_BYTES}-byte DECODE header`, { bytes: ancillary.length });
  }
  const [type, dcmVersion, , , lutVersion, params, stride] = ancillary as unknown as number[];
  if (type !== DCM_TYPE_LUT) {
    throw new UnsupportedError(`${where}: decode type ${type} (only LUT, type ${DCM_TYPE_LUT}, is supported)`, { decodeType: type });
  }
  if (dcmVersion !== DCM_VERSION || lutVersion !== LUT_VERSION) {
    throw new ModelFormatError(`${where}: DECODE header version ${dcmVersion} / LUT version ${lutVersion}, expected ${DCM_VERSION} / ${LUT_VERSION}`, {
      dcmVersion,
      lutVersion,
    });
  }
  const bitWidth = params!;
  if (!(bitWidth >= 1 && bitWidth <= LUT_MAX_BITS)) {
    throw new ModelFormatError(`${where}: index bit width ${bitWidth} is outside 1..${LUT_MAX_BITS}`, { bitWidth });
  }
  if (!(stride! >= 1 && stride! <= LUT_MAX_STRIDE)) {
    throw new ModelFormatError(`${where}: value table stride ${stride} is outside 1..${LUT_MAX_STRIDE}`, { valueStride: stride });
  }
  const { channels, channelAxisLast } = lutChannels(shape, quant, where);
  const tableBytes = DCM_BYTES + channels * stride!;
  if (ancillary.length < tableBytes) {
    throw new ModelFormatError(`${where}: ${channels} value tables of ${stride} entries need ${tableBytes} ancillary bytes, found ${ancillary.length}`, {
      bytes: ancillary.length,
      expected: tableBytes,
    });
  }
  return { bitWidth, valueStride: stride!, channels, channelAxisLast };
}

/** Index `i` of a packed stream (high-order bits first). */
export function packedIndex(packed: Uint8Array, i: number, bitWidth: number): number {
  let bit = i * bitWidth;
  let v = 0;
  for (let k = 0; k < bitWidth; k++, bit++) v = (v << 1) | ((packed[bit >> 3]! >> (7 - (bit & 7))) & 1);
  return v;
}

/** Checks the packed indices of an output of `count` elements: enough bytes, every index inside its table. */
export function checkPackedIndices(packed: Uint8Array, count: number, layout: LutLayout, where: string): void {
  const need = packedBytes(count, layout.bitWidth);
  if (packed.length < need) {
    throw new ModelFormatError(`${where}: ${count} indices of ${layout.bitWidth} bits need ${need} bytes, found ${packed.length}`, { bytes: packed.length, expected: need });
  }
  if (layout.valueStride >= 1 << layout.bitWidth) return; // every index fits its table
  for (let i = 0; i < count; i++) {
    const index = packedIndex(packed, i, layout.bitWidth);
    if (index >= layout.valueStride) {
      throw new ModelFormatError(`${where}: index ${index} at element ${i} is beyond the ${layout.valueStride}-entry value table`, { element: i, index });
    }
  }
}

/** The channel whose table element `i` of `count` uses. */
export function lutChannelOf(i: number, count: number, layout: Pick<LutLayout, 'channels' | 'channelAxisLast'>): number {
  return layout.channelAxisLast ? i % layout.channels : Math.floor(i / (count / layout.channels));
}

/** Expands packed indices into int8 values (the reference DECODE). */
export function decodeLut(packed: Uint8Array, ancillary: Uint8Array, layout: LutLayout, out: Int8Array): void {
  const count = out.length;
  for (let i = 0; i < count; i++) {
    const index = packedIndex(packed, i, layout.bitWidth);
    const value = ancillary[DCM_BYTES + lutChannelOf(i, count, layout) * layout.valueStride + index]!;
    out[i] = (value << 24) >> 24;
  }
}

/** Packs indices of `bitWidth` bits, high-order bits first (the inverse of packedIndex). */
export function packIndices(indices: ArrayLike<number>, bitWidth: number): Uint8Array {
  const out = new Uint8Array(packedBytes(indices.length, bitWidth));
  let bit = 0;
  for (let i = 0; i < indices.length; i++) {
    for (let k = bitWidth - 1; k >= 0; k--, bit++) if ((indices[i]! >> k) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  return out;
}

/** An ancillary tensor: the DECODE header for `layout`, then the per-channel tables (int8 values, `valueStride` each). */
export function ancillaryBytes(layout: LutLayout, tables: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(DCM_BYTES + layout.channels * layout.valueStride);
  out[0] = DCM_TYPE_LUT;
  out[1] = DCM_VERSION;
  out[4] = LUT_VERSION;
  out[5] = layout.bitWidth;
  out[6] = layout.valueStride;
  for (let i = 0; i < layout.channels * layout.valueStride; i++) out[DCM_BYTES + i] = tables[i]! & 0xff;
  return out;
}

/** Whether an op reads LUT-compressed weights itself (src/passes/fuse-decode.ts). */
export function readsLutWeights(graph: Graph, op: AnyOp): boolean {
  return op.inputs.some((t) => t >= 0 && graph.tensors[t]!.lut !== undefined);
}

/**
 * Whether a CONV_2D's LUT-stored filter is decoded whole into its workspace before conv.c's / conv.ts's plain
 * kernels run on it (conv_lut.c, and the wasm lowering: codegen/wasm/abi/lut.ts): when it is at most the model's
 * largest activation or C_CONV_LUT_BYTES (convLutWhole) and not decoded on the fly or once at load.
 */
export function convLutDecodesWhole(graph: Graph, filter: Tensor): boolean {
  return filter.lut !== undefined && !filter.lut.onTheFly && !filter.lut.atLoad && convLutWhole(graph, elementCount(filter.shape));
}

/**
 * Whether the kernels of an op that reads LUT weights run in the default order only: FULLY_CONNECTED's decode
 * a block of units for every batch row; CONV_2D's a block of channels for every pixel unless it decodes the
 * whole filter (convLutDecodesWhole: then conv.c's kernels run) or each weight on the fly, pixel by pixel.
 * The wasm backend's DEPTHWISE_CONV_2D decodes its whole filter, and weights decoded at load are plain
 * constants to the kernels: any order.
 */
export function lutDefaultOnly(graph: Graph, op: AnyOp): boolean {
  if (!readsLutWeights(graph, op)) return false;
  if (op.kind === 'DEPTHWISE_CONV_2D') return false; // dw_lut.c: the whole filter, or on the fly, in every variant
  const w = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? graph.tensors[op.inputs[1]]! : null;
  if (w?.lut?.atLoad) return false;
  if (op.kind !== 'CONV_2D') return true;
  return !w!.lut?.onTheFly && !convLutDecodesWhole(graph, w!);
}
