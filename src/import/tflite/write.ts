// Serializes a Graph to a .tflite flatbuffer that TFLite Micro loads: TFL3, schema 3, one subgraph,
// buffer 0 empty, one (deduplicated) buffer per constant, builtin options rebuilt from normalized attrs.
import { Builder } from 'flatbuffers';
import { UnsupportedError } from '../../errors.js';
import type { AnyOp, Graph, Tensor } from '../../ir/graph.js';
import type { OpKind } from '../../ir/ops.js';
import { BufferDeduper } from './buffers.js';
import { COMPRESSION_METADATA, compressionMetadataBytes, toCompressionMetadata } from './compression.js';
import { OPTIONS, type OptionField, type OptionValues } from './options.js';
import { optionValuesFor } from './options-from-attrs.js';
import { DECODE_CUSTOM_CODE } from '../../ir/lut.js';
import {
  BufferField,
  builtinCode,
  CUSTOM_CODE,
  FILE_IDENTIFIER,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  QuantizationField,
  SCHEMA_VERSION,
  SignatureDefField,
  SubGraphField,
  TensorField,
  tensorTypeCode,
  TensorMapField,
} from './schema.js';

type Offset = number;

export interface WriteOptions {
  /** LUT-compressed weights as TFLM's older COMPRESSION_METADATA (DECODE ops folded away) instead of DECODE operators. */
  lutFormat?: 'decode' | 'metadata';
}

export function writeTflite(source: Graph, options: WriteOptions = {}): Uint8Array {
  const { graph, luts } = options.lutFormat === 'metadata' ? toCompressionMetadata(source) : { graph: source, luts: [] };
  const dataBytes = graph.tensors.reduce((n, t) => n + (t.data?.length ?? 0), 0) + graph.metadata.reduce((n, m) => n + m.data.length, 0) + luts.reduce((n, l) => n + l.values.length + 64, 0);
  const b = new Builder(dataBytes + 64 * 1024);
  const buffers = new BufferDeduper();
  const tensorBuffers = graph.tensors.map((t) => (t.data === null ? 0 : buffers.indexOf(t.data)));
  // Value tables get buffers of their own (never shared), named by the COMPRESSION_METADATA entry.
  const valueBuffers = luts.map((l) => buffers.append(l.values));
  const metadataEntries = luts.length === 0 ? graph.metadata : [...graph.metadata, { name: COMPRESSION_METADATA, data: compressionMetadataBytes(luts, valueBuffers) }];
  const metadataBuffers = metadataEntries.map((m) => buffers.indexOf(m.data));

  const bufferOffsets = buffers.contents.map((data) => writeBuffer(b, data));
  const tensors = graph.tensors.map((t, i) => writeTensor(b, t, tensorBuffers[i]!));
  const { codes, codeIndex } = collectOperatorCodes(graph.ops);
  const operators = graph.ops.map((op, index) => writeOperator(b, graph, op, index, codeIndex));
  const operatorCodes = codes.map(([kind, version]) => writeOperatorCode(b, kind, version));

  const subgraphName = b.createString(graph.name);
  const subgraphFields = [
    offsetVector(b, tensors),
    int32Vector(b, graph.inputs),
    int32Vector(b, graph.outputs),
    offsetVector(b, operators),
  ];
  b.startObject(5);
  b.addFieldOffset(SubGraphField.tensors, subgraphFields[0]!, 0);
  b.addFieldOffset(SubGraphField.inputs, subgraphFields[1]!, 0);
  b.addFieldOffset(SubGraphField.outputs, subgraphFields[2]!, 0);
  b.addFieldOffset(SubGraphField.operators, subgraphFields[3]!, 0);
  b.addFieldOffset(SubGraphField.name, subgraphName, 0);
  const subgraph = b.endObject();

  const metadata = metadataEntries.map((m, i) => {
    const name = b.createString(m.name);
    b.startObject(2);
    b.addFieldOffset(MetadataField.name, name, 0);
    b.addFieldInt32(MetadataField.buffer, metadataBuffers[i]!, 0);
    return b.endObject();
  });
  const signatureDefs = graph.signatureDefs.map((s) => {
    const maps = (list: typeof s.inputs) =>
      offsetVector(
        b,
        list.map((m) => {
          const name = b.createString(m.name);
          b.startObject(2);
          b.addFieldOffset(TensorMapField.name, name, 0);
          b.addFieldInt32(TensorMapField.tensorIndex, m.tensorId, 0);
          return b.endObject();
        }),
      );
    const inputs = maps(s.inputs);
    const outputs = maps(s.outputs);
    const key = b.createString(s.key);
    b.startObject(5);
    b.addFieldOffset(SignatureDefField.inputs, inputs, 0);
    b.addFieldOffset(SignatureDefField.outputs, outputs, 0);
    b.addFieldOffset(SignatureDefField.signatureKey, key, 0);
    b.addFieldInt32(SignatureDefField.subgraphIndex, 0, 0);
    return b.endObject();
  });

  const modelFields = {
    operatorCodes: offsetVector(b, operatorCodes),
    subgraphs: offsetVector(b, [subgraph]),
    description: b.createString(graph.description),
    buffers: offsetVector(b, bufferOffsets),
    metadata: offsetVector(b, metadata),
    signatureDefs: offsetVector(b, signatureDefs),
  };
  b.startObject(8);
  b.addFieldInt32(ModelField.version, SCHEMA_VERSION, 0);
  b.addFieldOffset(ModelField.operatorCodes, modelFields.operatorCodes, 0);
  b.addFieldOffset(ModelField.subgraphs, modelFields.subgraphs, 0);
  b.addFieldOffset(ModelField.description, modelFields.description, 0);
  b.addFieldOffset(ModelField.buffers, modelFields.buffers, 0);
  if (metadata.length > 0) b.addFieldOffset(ModelField.metadata, modelFields.metadata, 0);
  if (signatureDefs.length > 0) b.addFieldOffset(ModelField.signatureDefs, modelFields.signatureDefs, 0);
  const model = b.endObject();
  b.finish(model, FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

function writeBuffer(b: Builder, data: Uint8Array | null): Offset {
  let vector = 0;
  if (data !== null && data.length > 0) {
    b.prep(16, data.length); // Buffer.data is force_align: 16, so kernels may read it in place
    vector = b.createByteVector(data);
  }
  b.startObject(3);
  if (vector !== 0) b.addFieldOffset(BufferField.data, vector, 0);
  return b.endObject();
}

function writeTensor(b: Builder, t: Tensor, buffer: number): Offset {
  const shape = int32Vector(b, t.shape);
  const shapeSignature = t.shapeSignature === null ? 0 : int32Vector(b, t.shapeSignature);
  const name = b.createString(t.name);
  let quant = 0;
  if (t.quant !== null) {
    const scales = float32Vector(b, t.quant.scales);
    const zeroPoints = int64Vector(b, t.quant.zeroPoints);
    b.startObject(7);
    b.addFieldOffset(QuantizationField.scale, scales, 0);
    b.addFieldOffset(QuantizationField.zeroPoint, zeroPoints, 0);
    b.addFieldInt32(QuantizationField.quantizedDimension, t.quant.axis, 0);
    quant = b.endObject();
  }
  const type = tensorTypeCode(t.dtype);
  if (type < 0) throw new UnsupportedError(`tensor ${t.id} (${JSON.stringify(t.name)}) has dtype ${t.dtype}, which TFLite cannot store`, { tensor: t.id });
  b.startObject(10);
  b.addFieldOffset(TensorField.shape, shape, 0);
  b.addFieldInt8(TensorField.type, type, 0);
  b.addFieldInt32(TensorField.buffer, buffer, 0);
  b.addFieldOffset(TensorField.name, name, 0);
  if (quant !== 0) b.addFieldOffset(TensorField.quantization, quant, 0);
  b.addFieldInt8(TensorField.isVariable, t.isVariable ? 1 : 0, 0);
  if (shapeSignature !== 0) b.addFieldOffset(TensorField.shapeSignature, shapeSignature, 0);
  return b.endObject();
}

function collectOperatorCodes(ops: readonly AnyOp[]): { codes: Array<[OpKind, number]>; codeIndex: Map<string, number> } {
  const codes: Array<[OpKind, number]> = [];
  const codeIndex = new Map<string, number>();
  for (const op of ops) {
    const key = `${op.kind}/${op.version}`;
    if (!codeIndex.has(key)) {
      codeIndex.set(key, codes.length);
      codes.push([op.kind, op.version]);
    }
  }
  return { codes, codeIndex };
}

function writeOperatorCode(b: Builder, kind: OpKind, version: number): Offset {
  // DECODE is TFLM's custom operator TFLM_DECODE (src/ir/lut.ts).
  const custom = kind === 'DECODE' ? b.createString(DECODE_CUSTOM_CODE) : 0;
  const code = kind === 'DECODE' ? CUSTOM_CODE : builtinCode(kind);
  b.startObject(4);
  if (custom !== 0) b.addFieldOffset(OperatorCodeField.customCode, custom, 0);
  b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
  b.addFieldInt32(OperatorCodeField.version, version, 1);
  b.addFieldInt32(OperatorCodeField.builtinCode, code, 0);
  return b.endObject();
}

function writeOperator(b: Builder, graph: Graph, op: AnyOp, index: number, codeIndex: Map<string, number>): Offset {
  const inputs = int32Vector(b, op.inputs);
  const outputs = int32Vector(b, op.outputs);
  const spec = OPTIONS[op.kind];
  const options = spec === null ? 0 : writeOptions(b, spec.fields, optionValuesFor(op, index, graph.tensors));
  b.startObject(9);
  b.addFieldInt32(OperatorField.opcodeIndex, codeIndex.get(`${op.kind}/${op.version}`)!, 0);
  b.addFieldOffset(OperatorField.inputs, inputs, 0);
  b.addFieldOffset(OperatorField.outputs, outputs, 0);
  if (spec !== null) {
    b.addFieldInt8(OperatorField.builtinOptionsType, spec.unionType, 0);
    b.addFieldOffset(OperatorField.builtinOptions, options, 0);
  }
  return b.endObject();
}

function writeOptions(b: Builder, fields: readonly OptionField[], values: OptionValues): Offset {
  const vectors = fields.map((f) => (f.kind === 'i32[]' ? int32Vector(b, values[f.name] as number[]) : 0));
  b.startObject(fields.reduce((n, f) => Math.max(n, f.id + 1), 0));
  fields.forEach((f, i) => {
    const v = values[f.name] ?? f.default;
    switch (f.kind) {
      case 'i32[]':
        b.addFieldOffset(f.id, vectors[i]!, 0);
        break;
      case 'bool':
        b.addFieldInt8(f.id, v ? 1 : 0, f.default ? 1 : 0);
        break;
      case 'i8':
      case 'u8':
        b.addFieldInt8(f.id, v as number, f.default as number);
        break;
      case 'i32':
        b.addFieldInt32(f.id, v as number, f.default as number);
        break;
      case 'f32':
        b.addFieldFloat32(f.id, v as number, f.default as number);
        break;
    }
  });
  return b.endObject();
}

// Vectors are written back to front: the builder grows downwards.
function int32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function float32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function int64Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly Offset[]): Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}
