// The Graph contract: plain data, no behaviour. Importers produce it, passes rewrite it,
// the planner and the writer read it.
import type { OpAttrs, OpKind, OpParams } from './ops.js';

export type DType =
  | 'float32'
  | 'float16'
  | 'float64'
  | 'int4'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'complex128'
  | 'resource'
  | 'variant';

/** Affine quantization: real = scale * (q - zeroPoint). One entry per channel of `axis`, or one for the tensor. */
export interface Quantization {
  /** float32 values exactly as stored in the model (already rounded to float32). */
  scales: number[];
  zeroPoints: number[];
  /** TFLite's quantized_dimension as written; only meaningful when scales.length > 1, and may not index a bias's shape (TFLM ignores it there). */
  axis: number;
}

export interface Tensor {
  /** Index in Graph.tensors; equals the TFLite tensor index for imported graphs. */
  id: number;
  name: string;
  shape: number[];
  /** TFLite shape_signature (-1 for dynamic dims) when the file had one; kept for round trips. */
  shapeSignature: number[] | null;
  dtype: DType;
  quant: Quantization | null;
  /** Constant contents as raw little-endian bytes; null for activations and variables. */
  data: Uint8Array | null;
  isVariable: boolean;
  /**
   * Set by the fuseDecode pass on a DECODE output it folded into its consumer: the bytes the backends
   * store (packed indices + the DECODE ancillary tables, src/ir/lut.ts); `data` then holds the decoded values.
   */
  lut?: LutStorage;
}

/** A constant stored LUT-compressed (TFLM's DECODE format): what the kernels read instead of `data`. */
export interface LutStorage {
  packed: Uint8Array;
  /** The 16-byte DECODE header, then `channels` tables of `valueStride` int8 values. */
  ancillary: Uint8Array;
  bitWidth: number;
  valueStride: number;
  channels: number;
  channelAxisLast: boolean;
  /** The kernel decodes each weight in its dot loop instead of a block of channels into workspace (a measured option: bench/lut-fused.ts). */
  onTheFly?: boolean;
  /** wasm: the module decodes it once, at its first invoke, into memory outside the arena (a measured option: bench/lut-fused.ts). */
  atLoad?: boolean;
}

export interface Op<K extends OpKind = OpKind> {
  kind: K;
  /** Builtin operator version as recorded in the model's operator code. */
  version: number;
  /** Tensor ids in TFLite order, constant parameter tensors included; -1 = optional input absent. */
  inputs: number[];
  outputs: number[];
  /** Semantic attributes, normalized (explicit pads, clamp ranges in the quantized domain, resolved axes). */
  attrs: OpAttrs[K];
  /**
   * Quantization parameters derived once from the tensors' scales (multipliers, shifts, offsets);
   * null for a float32 op (its data tensors are float32: `isFloatOp`), which has only its attrs.
   */
  params: OpParams[K] | null;
}

/** An op of the int8 path: its params are derived (the backends and the int8 kernels take these). */
export type QuantizedOp<K extends OpKind = OpKind> = Op<K> & { params: OpParams[K] };

export type AnyQuantizedOp = { [K in OpKind]: QuantizedOp<K> }[OpKind];

/** A discriminated union over every op kind, so `switch (op.kind)` narrows attrs and params. */
export type AnyOp = { [K in OpKind]: Op<K> }[OpKind];

export interface MetadataEntry {
  name: string;
  data: Uint8Array;
}

export interface SignatureTensor {
  name: string;
  tensorId: number;
}

export interface SignatureDef {
  key: string;
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
}

export interface Graph {
  /** Subgraph name (often empty). */
  name: string;
  /** The model's description string (e.g. "MLIR Converted."). */
  description: string;
  tensors: Tensor[];
  /** Operators in execution order as stored. */
  ops: AnyOp[];
  inputs: number[];
  outputs: number[];
  /** Model metadata entries with their buffer bytes (e.g. min_runtime_version, OfflineMemoryAllocation). */
  metadata: MetadataEntry[];
  signatureDefs: SignatureDef[];
}
