// Reads a .tflite flatbuffer into plain data: tensors as IR tensors, operators with their raw options.
// Refuses unsupported operators and versions before anything else is decoded.
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import type { DType, MetadataEntry, Quantization, SignatureDef, SignatureTensor, Tensor } from '../../ir/graph.js';
import { isOpKind, type OpKind } from '../../ir/ops.js';
import { dtypeBytes } from '../../ir/shapes.js';
import { tensorLabel } from '../../ir/validate.js';
import { FlatReader, type Table } from './flat-reader.js';
import { defaultOptions, OPTIONS, type OptionValues } from './options.js';
import {
  BufferField,
  FILE_IDENTIFIER,
  MetadataField,
  ModelField,
  OperatorField,
  QuantizationField,
  SCHEMA_VERSION,
  SignatureDefField,
  SubGraphField,
  TENSOR_TYPES,
  TensorField,
  TensorMapField,
} from './schema.js';
import { MAX_OP_VERSION } from './versions.js';
import { COMPRESSION_METADATA, expandLutEntries, parseLutEntries } from './compression.js';
import { multipleSubgraphsError, operatorCode } from './operators.js';

/** One operator as stored: kind, version, tensor indices and its options table's fields. */
export interface RawOperator {
  kind: OpKind;
  version: number;
  inputs: number[];
  outputs: number[];
  options: OptionValues;
}

export interface TfliteModel {
  description: string;
  subgraphName: string;
  tensors: Tensor[];
  operators: RawOperator[];
  inputs: number[];
  outputs: number[];
  metadata: MetadataEntry[];
  signatureDefs: SignatureDef[];
}

/** Largest tensor we describe: TFLite sizes are int32 (and no MCU holds 2 GB). */
const MAX_TENSOR_BYTES = 0x7fffffff;

export function parseTflite(bytes: Uint8Array): TfliteModel {
  // Legit files decode each vector about once; the slack covers shared buffers.
  const reader = new FlatReader(bytes, 8 * bytes.length + (1 << 20));
  const model = reader.root(FILE_IDENTIFIER);

  const version = model.scalar(ModelField.version, 'u32', 0);
  if (version !== SCHEMA_VERSION) {
    throw new UnsupportedError(`unsupported TFLite schema version ${version} (expected ${SCHEMA_VERSION})`, { version });
  }
  const subgraphs = model.tables(ModelField.subgraphs, 'subgraph') ?? [];
  if (subgraphs.length !== 1) {
    if (subgraphs.length === 0) throw new ModelFormatError('malformed TFLite file: the model has no subgraph');
    throw multipleSubgraphsError(model, subgraphs);
  }
  const subgraph = subgraphs[0]!;
  const tensorTables = subgraph.tables(SubGraphField.tensors, 'tensor') ?? [];
  const tensorCount = tensorTables.length;

  const operators = parseOperators(model, subgraph, tensorCount);
  const buffers = model.tables(ModelField.buffers, 'buffer') ?? [];
  // Each buffer is decoded once however many tensors share it.
  const decoded = new Map<number, Uint8Array | null>();
  const bufferData = (index: number, what: string) => {
    if (!decoded.has(index)) decoded.set(index, readBuffer(reader, buffers, index, what));
    return decoded.get(index)!;
  };

  const metadata = parseMetadata(model, bufferData);
  // TFLM's older LUT format: listed tensors hold packed indices, not shape-sized data (./compression.ts).
  const luts = parseLutEntries(metadata, tensorCount, buffers.length);
  const packed = new Set(luts.map((e) => e.tensor));
  const tensors = tensorTables.map((t, id) => parseTensor(reader, t, id, bufferData, packed.has(id)));
  const expanded = expandLutEntries(luts, tensors, operators, bufferData);
  return {
    description: model.string(ModelField.description, 'model description') ?? '',
    subgraphName: subgraph.string(SubGraphField.name, 'subgraph name') ?? '',
    tensors: expanded.tensors,
    operators: expanded.operators,
    inputs: tensorIndices(subgraph.scalars(SubGraphField.inputs, 'i32', 'subgraph inputs'), tensorCount, 'subgraph input'),
    outputs: tensorIndices(subgraph.scalars(SubGraphField.outputs, 'i32', 'subgraph outputs'), tensorCount, 'subgraph output'),
    metadata: metadata.filter((m) => m.name !== COMPRESSION_METADATA),
    signatureDefs: parseSignatureDefs(model, tensorCount),
  };
}

function parseOperators(model: Table, subgraph: Table, tensorCount: number): RawOperator[] {
  const codes = model.tables(ModelField.operatorCodes, 'operator code') ?? [];
  const ops = subgraph.tables(SubGraphField.operators, 'operator') ?? [];
  return ops.flatMap((op, nodeIndex) => {
    const codeIndex = op.scalar(OperatorField.opcodeIndex, 'u32', 0);
    const code = codes[codeIndex];
    if (code === undefined) {
      throw new ModelFormatError(`malformed TFLite file: operator ${nodeIndex} uses operator code ${codeIndex} of ${codes.length}`, {
        nodeIndex,
        opcodeIndex: codeIndex,
      });
    }
    const { kind, version } = acceptedKind(code, nodeIndex);
    const inputs = op.scalars(OperatorField.inputs, 'i32', `operator ${nodeIndex} inputs`) ?? [];
    const outputs = op.scalars(OperatorField.outputs, 'i32', `operator ${nodeIndex} outputs`) ?? [];
    checkIndices(inputs, tensorCount, `${kind} at node ${nodeIndex} input`, -1);
    checkIndices(outputs, tensorCount, `${kind} at node ${nodeIndex} output`, 0);
    if (kind === 'DECODE') return splitDecode(inputs, outputs, version, nodeIndex);
    return [{ kind, version, inputs, outputs, options: parseOptions(op, kind, nodeIndex) }];
  });
}

/** TFLM's DECODE takes (encoded, ancillary) input pairs, one per output: one IR op per pair. */
function splitDecode(inputs: number[], outputs: number[], version: number, nodeIndex: number): RawOperator[] {
  if (outputs.length === 0 || inputs.length !== 2 * outputs.length) {
    throw new ModelFormatError(`malformed TFLite file: DECODE at node ${nodeIndex} has ${inputs.length} inputs for ${outputs.length} outputs (expected 2 per output)`, {
      nodeIndex,
      inputs: inputs.length,
      outputs: outputs.length,
    });
  }
  return outputs.map((out, k) => ({ kind: 'DECODE' as const, version, inputs: [inputs[2 * k]!, inputs[2 * k + 1]!], outputs: [out], options: {} }));
}

/** The op kind of an operator code, or UnsupportedError for custom ops, other builtins and later versions. */
function acceptedKind(table: Table, nodeIndex: number): { kind: OpKind; version: number } {
  const code = operatorCode(table);
  if (code.supported) return { kind: code.kind, version: code.version };
  const { name, version } = code;
  if (code.custom) throw new UnsupportedError(`unsupported custom operator ${JSON.stringify(name)} (v${version}) at node ${nodeIndex}`, { op: name, custom: true, nodeIndex, version });
  const max = isOpKind(name) ? `; supported up to v${MAX_OP_VERSION[name]}` : '';
  throw new UnsupportedError(`unsupported operator ${name} (v${version}) at node ${nodeIndex}${max}`, { op: name, nodeIndex, version });
}

function parseOptions(op: Table, kind: OpKind, nodeIndex: number): OptionValues {
  const spec = OPTIONS[kind];
  const values = defaultOptions(spec);
  const type = op.scalar(OperatorField.builtinOptionsType, 'u8', 0);
  if (spec === null || type === 0) return values;
  if (type !== spec.unionType) {
    throw new ModelFormatError(`malformed TFLite file: ${kind} at node ${nodeIndex} has builtin options of type ${type}, expected ${spec.unionType}`, {
      op: kind,
      nodeIndex,
      optionsType: type,
    });
  }
  const table = op.table(OperatorField.builtinOptions, `${kind} options at node ${nodeIndex}`);
  if (table === null) return values;
  for (const field of spec.fields) {
    const what = `${kind} option ${field.name} at node ${nodeIndex}`;
    if (field.kind === 'i32[]') {
      values[field.name] = table.scalars(field.id, 'i32', what) ?? [];
    } else if (field.kind === 'bool') {
      values[field.name] = table.bool(field.id, field.default as boolean);
    } else {
      values[field.name] = table.scalar(field.id, field.kind, field.default as number);
    }
  }
  return values;
}

function parseTensor(reader: FlatReader, t: Table, id: number, bufferData: (index: number, what: string) => Uint8Array | null, packed: boolean): Tensor {
  const name = t.string(TensorField.name, `tensor ${id} name`) ?? '';
  const label = tensorLabel({ id, name });
  const typeCode = t.scalar(TensorField.type, 'i8', 0);
  const dtype = TENSOR_TYPES[typeCode];
  if (dtype === undefined) {
    throw new UnsupportedError(`${label} has unknown TensorType ${typeCode}`, { tensor: id, name, tensorType: typeCode });
  }
  if (t.has(TensorField.sparsity)) throw new UnsupportedError(`${label} is sparse; sparse tensors are not supported`, { tensor: id, name });

  const shape = t.scalars(TensorField.shape, 'i32', `${label} shape`) ?? [];
  if (shape.some((d) => d < 0)) throw new ModelFormatError(`malformed TFLite file: ${label} has a negative dimension in [${shape}]`, { tensor: id, shape });
  const shapeSignature = t.scalars(TensorField.shapeSignature, 'i32', `${label} shape_signature`);
  if (shapeSignature !== null && (shapeSignature.length !== shape.length || shapeSignature.some((d) => d < -1))) {
    throw new ModelFormatError(`malformed TFLite file: ${label} shape_signature [${shapeSignature}] does not fit shape [${shape}]`, {
      tensor: id,
      shape,
      shapeSignature,
    });
  }
  const storedBytes = storageBytes(shape, dtype);
  if (storedBytes !== undefined && storedBytes > MAX_TENSOR_BYTES) {
    throw new ModelFormatError(`malformed TFLite file: ${label} shape [${shape}] needs ${storedBytes} bytes`, { tensor: id, shape });
  }

  const isVariable = t.bool(TensorField.isVariable);
  const bufferIndex = t.scalar(TensorField.buffer, 'u32', 0);
  const contents = bufferData(bufferIndex, `${label} buffer`);
  let data: Uint8Array | null = null;
  // Variables live in the arena; an initial value in the file is not constant data (Tensor.data contract).
  if (contents !== null && !isVariable) {
    if (storedBytes === undefined) throw new UnsupportedError(`${label} is a constant of dtype ${dtype}, which has no fixed size`, { tensor: id, dtype });
    if (contents.length !== storedBytes && !packed) {
      throw new ModelFormatError(`malformed TFLite file: ${label} has ${contents.length} data bytes, shape [${shape}] ${dtype} needs ${storedBytes}`, {
        tensor: id,
        bytes: contents.length,
        expected: storedBytes,
      });
    }
    reader.spend(contents.length, `${label} data`);
    data = new Uint8Array(contents); // a fresh, aligned copy: callers may view it as Int32Array
  }

  return { id, name, shape, shapeSignature, dtype, quant: parseQuantization(t, label, id), data, isVariable };
}

/** Bytes a tensor of this shape occupies, or undefined for dtypes without a fixed size. */
function storageBytes(shape: readonly number[], dtype: DType): number | undefined {
  let count = 1;
  for (const d of shape) count *= d;
  if (dtype === 'int4') return Math.ceil(count / 2);
  const size = dtypeBytes(dtype);
  return size === undefined ? undefined : count * size;
}

function parseQuantization(t: Table, label: string, id: number): Quantization | null {
  const q = t.table(TensorField.quantization, `${label} quantization`);
  if (q === null) return null;
  if (q.scalar(QuantizationField.detailsType, 'u8', 0) !== 0) {
    throw new UnsupportedError(`${label} uses custom quantization details`, { tensor: id });
  }
  const scales = q.scalars(QuantizationField.scale, 'f32', `${label} scales`) ?? [];
  if (scales.length === 0) return null;
  const stored = q.scalars(QuantizationField.zeroPoint, 'i64', `${label} zero points`) ?? [];
  // TFLM's allocator: a zero-point vector of another length than the scales means zero_point[0] for all.
  const zeroPoints = stored.length === scales.length ? stored : scales.map(() => stored[0] ?? 0);
  // quantized_dimension is kept as written: TFLM never checks it on load (old converters wrote 3 on
  // 1-D biases); only the kernels that read per-channel scales check it (params/linear.ts filterQuant).
  const axis = q.scalar(QuantizationField.quantizedDimension, 'i32', 0);
  return { scales, zeroPoints, axis };
}

/** Contents of buffer `index`: inline data or the large-model form (offset/size from file start); null when empty. */
function readBuffer(reader: FlatReader, buffers: readonly Table[], index: number, what: string): Uint8Array | null {
  const buffer = buffers[index];
  if (buffer === undefined) {
    if (index === 0) return null; // buffer 0 is the empty sentinel even if the file left it out
    throw new ModelFormatError(`malformed TFLite file: ${what} index ${index} is beyond the ${buffers.length} buffers`, { buffer: index });
  }
  const offset = buffer.scalar(BufferField.offset, 'u64', 0);
  if (offset > 1) {
    const size = buffer.scalar(BufferField.size, 'u64', 0);
    reader.check(offset, size, `${what} ${index} (external data)`);
    return size === 0 ? null : reader.bytes.subarray(offset, offset + size);
  }
  const data = buffer.bytes(BufferField.data, `${what} ${index}`);
  return data === null || data.length === 0 ? null : data;
}

function parseMetadata(model: Table, bufferData: (index: number, what: string) => Uint8Array | null): MetadataEntry[] {
  return (model.tables(ModelField.metadata, 'metadata') ?? []).map((m, i) => {
    const name = m.string(MetadataField.name, `metadata ${i} name`) ?? '';
    const data = bufferData(m.scalar(MetadataField.buffer, 'u32', 0), `metadata ${JSON.stringify(name)} buffer`);
    return { name, data: data === null ? new Uint8Array(0) : new Uint8Array(data) };
  });
}

function parseSignatureDefs(model: Table, tensorCount: number): SignatureDef[] {
  return (model.tables(ModelField.signatureDefs, 'signature def') ?? []).map((s, i) => {
    const subgraphIndex = s.scalar(SignatureDefField.subgraphIndex, 'u32', 0);
    if (subgraphIndex !== 0) {
      throw new ModelFormatError(`malformed TFLite file: signature def ${i} refers to subgraph ${subgraphIndex} of 1`, { signatureDef: i, subgraphIndex });
    }
    const tensorMaps = (field: number, role: string): SignatureTensor[] =>
      (s.tables(field, `signature def ${i} ${role}`) ?? []).map((m, j) => {
        const tensorId = m.scalar(TensorMapField.tensorIndex, 'u32', 0);
        checkIndices([tensorId], tensorCount, `signature def ${i} ${role} ${j}`, 0);
        return { name: m.string(TensorMapField.name, `signature def ${i} ${role} ${j} name`) ?? '', tensorId };
      });
    return {
      key: s.string(SignatureDefField.signatureKey, `signature def ${i} key`) ?? '',
      inputs: tensorMaps(SignatureDefField.inputs, 'input'),
      outputs: tensorMaps(SignatureDefField.outputs, 'output'),
    };
  });
}

function tensorIndices(values: number[] | null, tensorCount: number, what: string): number[] {
  const list = values ?? [];
  checkIndices(list, tensorCount, what, 0);
  return list;
}

function checkIndices(values: readonly number[], tensorCount: number, what: string, min: number): void {
  values.forEach((v, i) => {
    if (v < min || v >= tensorCount) {
      throw new ModelFormatError(`malformed TFLite file: ${what} ${i} is tensor ${v}, outside 0..${tensorCount - 1}`, { what, index: i, tensor: v, tensorCount });
    }
  });
}
