// TFLM's older LUT format (tflite-micro compression/metadata.fbs): a Model.metadata entry
// COMPRESSION_METADATA lists, per subgraph, tensors whose buffer holds packed indices and a value buffer
// holding their tables. It imports as the current format does: a DECODE op before the first consumer
// expands a packed uint8 constant and an ancillary header+tables constant into the original tensor.
import { ModelFormatError, UnsupportedError } from '../../errors.js';
import { Builder } from 'flatbuffers';
import type { AnyOp, Graph, MetadataEntry, Tensor } from '../../ir/graph.js';
import { ancillaryBytes, DCM_BYTES, LUT_MAX_BITS, LUT_MAX_STRIDE, lutChannels, packedBytes, type LutLayout } from '../../ir/lut.js';
import { elementCount } from '../../ir/shapes.js';
import { tensorLabel } from '../../ir/validate.js';
import { FlatReader, Table } from './flat-reader.js';
import type { RawOperator } from './parse.js';

export const COMPRESSION_METADATA = 'COMPRESSION_METADATA';
/** The metadata.fbs schema_version this reader is built for; older ones are accepted, newer refused. */
export const COMPRESSION_SCHEMA_VERSION = 1;

const MetadataField = { schemaVersion: 0, subgraphs: 1 } as const;
const SubgraphField = { lutTensors: 0 } as const;
const LutTensorField = { tensor: 0, valueBuffer: 1, indexBitwidth: 2 } as const;

/** One LutTensor entry: the tensor whose buffer holds the packed indices, where its tables are, the index width. */
export interface LutEntry {
  tensor: number;
  valueBuffer: number;
  bitWidth: number;
}

function malformed(message: string, details: Record<string, unknown> = {}): ModelFormatError {
  return new ModelFormatError(`malformed COMPRESSION_METADATA: ${message}`, details);
}

/** The LUT entries of subgraph 0, checked against the tensor count; [] when the model has no COMPRESSION_METADATA. */
export function parseLutEntries(metadata: readonly MetadataEntry[], tensorCount: number, bufferCount: number): LutEntry[] {
  const entries = metadata.filter((m) => m.name === COMPRESSION_METADATA);
  if (entries.length === 0) return [];
  if (entries.length > 1) throw malformed(`the model has ${entries.length} ${COMPRESSION_METADATA} entries`, { entries: entries.length });
  const bytes = entries[0]!.data;
  if (bytes.length < 8) throw malformed(`${bytes.length} bytes is too short for a flatbuffer`, { bytes: bytes.length });
  const reader = new FlatReader(bytes, 8 * bytes.length + 1024);
  const root = new Table(reader, reader.indirect(0, 'compression metadata root'), 'compression metadata');
  const version = root.scalar(MetadataField.schemaVersion, 'u32', COMPRESSION_SCHEMA_VERSION);
  if (version > COMPRESSION_SCHEMA_VERSION) {
    throw malformed(`schema_version ${version} is newer than the ${COMPRESSION_SCHEMA_VERSION} this reader knows`, { schemaVersion: version });
  }
  const subgraphs = root.tables(MetadataField.subgraphs, 'compression subgraph') ?? [];
  if (subgraphs.length > 1) throw new UnsupportedError(`${COMPRESSION_METADATA} describes ${subgraphs.length} subgraphs (only one is supported)`, { subgraphs: subgraphs.length });
  const seen = new Set<number>();
  return (subgraphs[0]?.tables(SubgraphField.lutTensors, 'lut tensor') ?? []).map((t, i) => {
    const tensor = t.scalar(LutTensorField.tensor, 'i32', 0);
    const valueBuffer = t.scalar(LutTensorField.valueBuffer, 'u32', 0);
    const bitWidth = t.scalar(LutTensorField.indexBitwidth, 'u8', 0);
    if (!(tensor >= 0 && tensor < tensorCount)) throw malformed(`lut tensor ${i} names tensor ${tensor}, outside 0..${tensorCount - 1}`, { entry: i, tensor });
    if (seen.has(tensor)) throw malformed(`tensor ${tensor} is listed twice`, { entry: i, tensor });
    seen.add(tensor);
    if (!(valueBuffer >= 1 && valueBuffer < bufferCount)) throw malformed(`lut tensor ${i} value buffer ${valueBuffer} is outside 1..${bufferCount - 1}`, { entry: i, valueBuffer });
    if (!(bitWidth >= 1 && bitWidth <= LUT_MAX_BITS)) throw malformed(`tensor ${tensor} index_bitwidth ${bitWidth} is outside 1..${LUT_MAX_BITS}`, { tensor, bitWidth });
    return { tensor, valueBuffer, bitWidth };
  });
}

/**
 * Rewrites the compressed tensors into DECODE ops: tensor `id` keeps its id, name, shape and quantization
 * but becomes the DECODE output (no data); two constants are appended (packed indices, ancillary data).
 */
export function expandLutEntries(
  entries: readonly LutEntry[],
  tensors: Tensor[],
  operators: RawOperator[],
  bufferData: (index: number, what: string) => Uint8Array | null,
): { tensors: Tensor[]; operators: RawOperator[] } {
  if (entries.length === 0) return { tensors, operators };
  const out = [...tensors];
  const decodes = new Map<number, RawOperator[]>(); // DECODE ops to run before operator index
  for (const e of entries) {
    const t = tensors[e.tensor]!;
    const label = tensorLabel(t);
    if (t.dtype !== 'int8') throw new UnsupportedError(`${label} is LUT-compressed as ${t.dtype} (only int8 is supported)`, { tensor: t.id, dtype: t.dtype });
    if (t.data === null) throw malformed(`${label} is listed as compressed but holds no data`, { tensor: t.id });
    const count = elementCount(t.shape);
    const need = packedBytes(count, e.bitWidth);
    if (t.data.length !== need) {
      throw malformed(`${label} holds ${t.data.length} bytes, ${count} indices of ${e.bitWidth} bits need ${need}`, { tensor: t.id, bytes: t.data.length, expected: need });
    }
    const { channels, channelAxisLast } = lutChannels(t.shape, t.quant, label);
    const values = bufferData(e.valueBuffer, `${label} value buffer`) ?? new Uint8Array(0);
    const valueStride = values.length / channels;
    if (!(Number.isInteger(valueStride) && valueStride >= 1 && valueStride <= LUT_MAX_STRIDE)) {
      throw malformed(`${label} value buffer ${e.valueBuffer} holds ${values.length} values for ${channels} channels (1..${LUT_MAX_STRIDE} each)`, {
        tensor: t.id,
        values: values.length,
        channels,
      });
    }
    const layout: LutLayout = { bitWidth: e.bitWidth, valueStride, channels, channelAxisLast };
    const packed: Tensor = { id: out.length, name: t.name, shape: [need], shapeSignature: null, dtype: 'uint8', quant: null, data: t.data, isVariable: false };
    out.push(packed);
    const ancillary: Tensor = {
      id: out.length,
      name: `${t.name}_ancillary`,
      shape: [0],
      shapeSignature: null,
      dtype: 'uint8',
      quant: null,
      data: ancillaryBytes(layout, values),
      isVariable: false,
    };
    ancillary.shape = [ancillary.data!.length];
    out.push(ancillary);
    out[t.id] = { ...t, data: null };
    const first = operators.findIndex((op) => op.inputs.includes(t.id));
    const at = first < 0 ? 0 : first;
    const op: RawOperator = { kind: 'DECODE', version: 1, inputs: [packed.id, ancillary.id], outputs: [t.id], options: {} };
    decodes.set(at, [...(decodes.get(at) ?? []), op]);
  }
  return { tensors: out, operators: operators.flatMap((op, i) => [...(decodes.get(i) ?? []), op]) };
}

/** A LUT tensor to write in the COMPRESSION_METADATA format: packed indices in its own buffer, tables in another. */
export interface LutMetadataTensor {
  tensor: number;
  packed: Uint8Array;
  values: Uint8Array;
  bitWidth: number;
}

/**
 * The graph to write in TFLM's older format: each DECODE of two constants used by it alone is dropped,
 * its output tensor stored as the packed indices (a file-only form: such a Graph is for writeTflite alone)
 * and its two inputs removed (tensor ids renumbered). The tables go to value buffers the writer appends.
 */
export function toCompressionMetadata(graph: Graph): { graph: Graph; luts: LutMetadataTensor[] } {
  const uses = new Map<number, number>();
  for (const op of graph.ops) for (const id of op.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  const folded = graph.ops.filter(
    (op): op is Extract<AnyOp, { kind: 'DECODE' }> =>
      op.kind === 'DECODE' && op.inputs.every((id) => graph.tensors[id]?.data != null && uses.get(id) === 1 && !graph.outputs.includes(id)),
  );
  const dropped = new Set(folded.flatMap((op) => op.inputs));
  const newId = new Map<number, number>();
  graph.tensors.forEach((t) => {
    if (!dropped.has(t.id)) newId.set(t.id, newId.size);
  });
  const remap = (id: number) => (id < 0 ? id : newId.get(id)!);
  const packedOf = new Map(folded.map((op) => [op.outputs[0]!, op]));
  const tensors = graph.tensors
    .filter((t) => !dropped.has(t.id))
    .map((t) => {
      const op = packedOf.get(t.id);
      return { ...t, id: remap(t.id), data: op ? graph.tensors[op.inputs[0]!]!.data : t.data };
    });
  const luts = folded.map((op) => {
    const ancillary = graph.tensors[op.inputs[1]!]!.data!;
    const { bitWidth, channels, valueStride } = op.attrs;
    return {
      tensor: remap(op.outputs[0]!),
      packed: graph.tensors[op.inputs[0]!]!.data!,
      values: ancillary.slice(DCM_BYTES, DCM_BYTES + channels * valueStride),
      bitWidth,
    };
  });
  const ops = graph.ops
    .filter((op) => !folded.includes(op as Extract<AnyOp, { kind: 'DECODE' }>))
    .map((op) => ({ ...op, inputs: op.inputs.map(remap), outputs: op.outputs.map(remap) }) as AnyOp);
  const signatureDefs = graph.signatureDefs.map((s) => ({
    ...s,
    inputs: s.inputs.map((m) => ({ ...m, tensorId: remap(m.tensorId) })),
    outputs: s.outputs.map((m) => ({ ...m, tensorId: remap(m.tensorId) })),
  }));
  return { graph: { ...graph, tensors, ops, inputs: graph.inputs.map(remap), outputs: graph.outputs.map(remap), signatureDefs }, luts };
}

/** The COMPRESSION_METADATA flatbuffer (metadata.fbs, schema_version 1) for LUT tensors whose tables sit in `valueBuffers`. */
export function compressionMetadataBytes(luts: readonly LutMetadataTensor[], valueBuffers: readonly number[]): Uint8Array {
  const b = new Builder(256 + 16 * luts.length);
  const entries = luts.map((l, i) => {
    b.startObject(3);
    b.addFieldInt32(LutTensorField.tensor, l.tensor, 0);
    b.addFieldInt32(LutTensorField.valueBuffer, valueBuffers[i]!, 0);
    b.addFieldInt8(LutTensorField.indexBitwidth, l.bitWidth, 0);
    return b.endObject();
  });
  const offsets = (list: number[]) => {
    b.startVector(4, list.length, 4);
    for (let i = list.length - 1; i >= 0; i--) b.addOffset(list[i]!);
    return b.endVector();
  };
  const lutVector = offsets(entries);
  b.startObject(1);
  b.addFieldOffset(SubgraphField.lutTensors, lutVector, 0);
  const subgraphs = offsets([b.endObject()]);
  b.startObject(2);
  b.addFieldInt32(MetadataField.schemaVersion, COMPRESSION_SCHEMA_VERSION, 0);
  b.addFieldOffset(MetadataField.subgraphs, subgraphs, 0);
  b.finish(b.endObject());
  return b.asUint8Array().slice();
}
