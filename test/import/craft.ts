// Hand-built .tflite flatbuffers for error cases the writer would never produce (unknown ops, bad indices).
import { Builder } from 'flatbuffers';
import type { TfliteModel } from '../../src/import/tflite/parse.js';
import { OPTIONS } from '../../src/import/tflite/options.js';
import {
  BufferField,
  builtinCode,
  CUSTOM_CODE,
  MetadataField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
  QuantizationField,
  TensorField,
  tensorTypeCode,
} from '../../src/import/tflite/schema.js';
import type { OpKind } from '../../src/ir/ops.js';
import { DECODE_CUSTOM_CODE } from '../../src/ir/lut.js';

export interface CraftTensor {
  shape?: number[];
  type?: number;
  buffer?: number;
  name?: string;
  /** Per-tensor quantization; int8 tensors get scale 0.1, zero point 0 unless null. */
  quant?: { scale: number; zeroPoint: number } | null;
}

export interface CraftModel {
  identifier?: string;
  version?: number;
  subgraphs?: number;
  codes?: Array<{ builtin: number; deprecated?: number; version?: number; custom?: string }>;
  tensors?: CraftTensor[];
  buffers?: Array<Uint8Array | { offset: number; size: number } | null>;
  operators?: Array<{ opcode: number; inputs: number[]; outputs: number[] }>;
  inputs?: number[];
  outputs?: number[];
  /** Appended after the flatbuffer (for the large-model buffer form). */
  trailer?: Uint8Array;
}

function ints(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function offsets(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]!);
  return b.endVector();
}

export function craftTflite(m: CraftModel): Uint8Array {
  const b = new Builder(1024);
  const buffers = (m.buffers ?? [null]).map((buf) => {
    if (buf instanceof Uint8Array) {
      const data = b.createByteVector(buf);
      b.startObject(3);
      b.addFieldOffset(0, data, 0);
      return b.endObject();
    }
    b.startObject(3);
    if (buf) {
      b.addFieldInt64(1, BigInt(buf.offset), 0n);
      b.addFieldInt64(2, BigInt(buf.size), 0n);
    }
    return b.endObject();
  });
  const codes = (m.codes ?? []).map((c) => {
    const custom = c.custom === undefined ? 0 : b.createString(c.custom);
    b.startObject(4);
    b.addFieldInt8(0, c.deprecated ?? Math.min(c.builtin, 127), 0);
    if (custom) b.addFieldOffset(1, custom, 0);
    b.addFieldInt32(2, c.version ?? 1, 1);
    b.addFieldInt32(3, c.builtin, 0);
    return b.endObject();
  });
  const subgraphs: number[] = [];
  for (let s = 0; s < (m.subgraphs ?? 1); s++) {
    const tensors = (m.tensors ?? []).map((t, i) => {
      const shape = ints(b, t.shape ?? [1]);
      const name = b.createString(t.name ?? `t${i}`);
      const q = t.quant === undefined ? ((t.type ?? 9) === 9 ? { scale: 0.1, zeroPoint: 0 } : null) : t.quant;
      let quant = 0;
      if (q) {
        b.startVector(4, 1, 4);
        b.addFloat32(q.scale);
        const scales = b.endVector();
        b.startVector(8, 1, 8);
        b.addInt64(BigInt(q.zeroPoint));
        const zeroPoints = b.endVector();
        b.startObject(7);
        b.addFieldOffset(2, scales, 0);
        b.addFieldOffset(3, zeroPoints, 0);
        quant = b.endObject();
      }
      b.startObject(10);
      b.addFieldOffset(0, shape, 0);
      b.addFieldInt8(1, t.type ?? 9, 0);
      b.addFieldInt32(2, t.buffer ?? 0, 0);
      b.addFieldOffset(3, name, 0);
      if (quant) b.addFieldOffset(4, quant, 0);
      return b.endObject();
    });
    const ops = (m.operators ?? []).map((o) => {
      const inputs = ints(b, o.inputs);
      const outputs = ints(b, o.outputs);
      b.startObject(9);
      b.addFieldInt32(0, o.opcode, 0);
      b.addFieldOffset(1, inputs, 0);
      b.addFieldOffset(2, outputs, 0);
      return b.endObject();
    });
    const fields = [offsets(b, tensors), ints(b, m.inputs ?? []), ints(b, m.outputs ?? []), offsets(b, ops)];
    b.startObject(5);
    fields.forEach((f, i) => b.addFieldOffset(i, f, 0));
    subgraphs.push(b.endObject());
  }
  const fields = [offsets(b, codes), offsets(b, subgraphs), offsets(b, buffers)];
  b.startObject(8);
  b.addFieldInt32(0, m.version ?? 3, 0);
  b.addFieldOffset(1, fields[0]!, 0);
  b.addFieldOffset(2, fields[1]!, 0);
  b.addFieldOffset(4, fields[2]!, 0);
  b.finish(b.endObject(), m.identifier ?? 'TFL3');
  const body = b.asUint8Array();
  if (!m.trailer) return body.slice();
  const out = new Uint8Array(body.length + m.trailer.length);
  out.set(body);
  out.set(m.trailer, body.length);
  return out;
}

// ---------------------------------------------------------------- parsed models back to bytes

/**
 * A parsed model (parseTflite's plain data, possibly mutated into something the writer would refuse)
 * back to a flatbuffer: one buffer per constant, operator codes per (kind, version), options fields as
 * given. Structure-level fuzzing edits the parsed form and reads these bytes back.
 */
export function encodeParsed(m: TfliteModel): Uint8Array {
  const b = new Builder(64 * 1024 + m.tensors.reduce((n, t) => n + (t.data?.length ?? 0), 0));
  b.forceDefaults(true); // every option is stored as given, even one equal to the schema default
  const blobs: Uint8Array[] = [];
  const bufferOf = (data: Uint8Array) => blobs.push(data); // blob k is buffer k + 1: buffer 0 stays empty
  const tensorBuffer = m.tensors.map((t) => (t.data === null ? 0 : bufferOf(t.data)));
  const metadataBuffer = m.metadata.map((e) => bufferOf(e.data));
  const buffers = [null, ...blobs].map((data) => {
    const vector = data && data.length > 0 ? (b.prep(16, data.length), b.createByteVector(data)) : 0;
    b.startObject(3);
    if (vector) b.addFieldOffset(BufferField.data, vector, 0);
    return b.endObject();
  });
  const floats = (values: readonly number[]) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
    return b.endVector();
  };
  const int64s = (values: readonly number[]) => {
    b.startVector(8, values.length, 8);
    for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(Math.trunc(values[i]!)));
    return b.endVector();
  };
  const tensors = m.tensors.map((t, i) => {
    const shape = ints(b, t.shape);
    const signature = t.shapeSignature === null ? 0 : ints(b, t.shapeSignature);
    const name = b.createString(t.name);
    let quant = 0;
    if (t.quant) {
      const scales = floats(t.quant.scales);
      const zeroPoints = int64s(t.quant.zeroPoints);
      b.startObject(7);
      b.addFieldOffset(QuantizationField.scale, scales, 0);
      b.addFieldOffset(QuantizationField.zeroPoint, zeroPoints, 0);
      b.addFieldInt32(QuantizationField.quantizedDimension, t.quant.axis, 0);
      quant = b.endObject();
    }
    b.startObject(10);
    b.addFieldOffset(TensorField.shape, shape, 0);
    b.addFieldInt8(TensorField.type, tensorTypeCode(t.dtype), 0);
    b.addFieldInt32(TensorField.buffer, tensorBuffer[i]!, 0);
    b.addFieldOffset(TensorField.name, name, 0);
    if (quant) b.addFieldOffset(TensorField.quantization, quant, 0);
    b.addFieldInt8(TensorField.isVariable, t.isVariable ? 1 : 0, 0);
    if (signature) b.addFieldOffset(TensorField.shapeSignature, signature, 0);
    return b.endObject();
  });
  const codeKeys = [...new Set(m.operators.map((o) => `${o.kind}/${o.version}`))];
  const codes = codeKeys.map((key) => {
    const [kind, version] = key.split('/') as [OpKind, string];
    const code = kind === 'DECODE' ? CUSTOM_CODE : builtinCode(kind);
    const custom = kind === 'DECODE' ? b.createString(DECODE_CUSTOM_CODE) : 0;
    b.startObject(4);
    if (custom) b.addFieldOffset(OperatorCodeField.customCode, custom, 0);
    b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
    b.addFieldInt32(OperatorCodeField.version, Number(version), 1);
    b.addFieldInt32(OperatorCodeField.builtinCode, code, 0);
    return b.endObject();
  });
  const ops = m.operators.map((o) => {
    const spec = OPTIONS[o.kind];
    let options = 0;
    if (spec) {
      const vectors = spec.fields.map((f) => (f.kind === 'i32[]' ? ints(b, (o.options[f.name] as number[] | undefined) ?? []) : 0));
      b.startObject(spec.fields.reduce((n, f) => Math.max(n, f.id + 1), 0));
      spec.fields.forEach((f, i) => {
        const v = o.options[f.name] ?? f.default;
        if (f.kind === 'i32[]') b.addFieldOffset(f.id, vectors[i]!, 0);
        else if (f.kind === 'f32') b.addFieldFloat32(f.id, v as number, 0);
        else if (f.kind === 'i32') b.addFieldInt32(f.id, v as number, 0);
        else b.addFieldInt8(f.id, typeof v === 'boolean' ? Number(v) : (v as number), 0);
      });
      options = b.endObject();
    }
    const inputs = ints(b, o.inputs);
    const outputs = ints(b, o.outputs);
    b.startObject(9);
    b.addFieldInt32(OperatorField.opcodeIndex, codeKeys.indexOf(`${o.kind}/${o.version}`), 0);
    b.addFieldOffset(OperatorField.inputs, inputs, 0);
    b.addFieldOffset(OperatorField.outputs, outputs, 0);
    if (spec) {
      b.addFieldInt8(OperatorField.builtinOptionsType, spec.unionType, 0);
      b.addFieldOffset(OperatorField.builtinOptions, options, 0);
    }
    return b.endObject();
  });
  const metadata = m.metadata.map((e, i) => {
    const name = b.createString(e.name);
    b.startObject(2);
    b.addFieldOffset(MetadataField.name, name, 0);
    b.addFieldInt32(MetadataField.buffer, metadataBuffer[i]!, 0);
    return b.endObject();
  });
  const subgraphFields = [offsets(b, tensors), ints(b, m.inputs), ints(b, m.outputs), offsets(b, ops)];
  b.startObject(5);
  subgraphFields.forEach((f, i) => b.addFieldOffset(i, f, 0));
  const subgraph = b.endObject();
  const modelFields = [offsets(b, codes), offsets(b, [subgraph]), b.createString(m.description), offsets(b, buffers), offsets(b, metadata)];
  b.startObject(8);
  b.addFieldInt32(ModelField.version, 3, 0);
  b.addFieldOffset(ModelField.operatorCodes, modelFields[0]!, 0);
  b.addFieldOffset(ModelField.subgraphs, modelFields[1]!, 0);
  b.addFieldOffset(ModelField.description, modelFields[2]!, 0);
  b.addFieldOffset(ModelField.buffers, modelFields[3]!, 0);
  if (metadata.length > 0) b.addFieldOffset(ModelField.metadata, modelFields[4]!, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}
