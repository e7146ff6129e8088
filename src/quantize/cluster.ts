// K-means weight sharing (issue #12 part 2): the int8 weights of CONV_2D / DEPTHWISE_CONV_2D /
// FULLY_CONNECTED clustered per output channel (or per tensor) into at most 2^bits shared values, stored
// the way TFLite Micro stores LUT-compressed weights: a DECODE op expands packed indices and per-channel
// tables into the weight tensor (src/ir/lut.ts). A tensor is compressed only where that saves flash; else
// its snapped values are stored as plain int8 (a 16-entry table per channel costs more than it saves on
// a 3x3 depthwise channel of 9 weights).
import { UsageError } from '../errors.js';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { ancillaryBytes, DCM_BYTES, LUT_MAX_BITS, lutChannelOf, lutChannels, packedBytes, packIndices, type LutLayout } from '../ir/lut.js';
import type { OpKind } from '../ir/ops.js';
import { deriveParams } from '../ir/params/index.js';
import { tensorLabel, validateGraph } from '../ir/validate.js';
import { mixSeed } from '../builder/random.js';
import { WEIGHT_AXIS } from './graph.js';
import { quantizeModel } from './index.js';
import { kmeansInt8 } from './kmeans.js';
import { symmetricPerChannel, symmetricPerTensor } from './schemes.js';
import { floatValues } from './values.js';

export interface ClusterOptions {
  /** Index bits: at most 2^bits shared values per channel (1..7, TFLM's LUT range). */
  bits: number;
  /** One set of shared values for the whole tensor instead of one per output channel. */
  perTensor?: boolean;
  seed?: number;
}

/** One clustered weight tensor: its channel layout, the shared values per channel, each element's index. */
export interface TensorClusters {
  tensor: number;
  channels: number;
  channelAxisLast: boolean;
  /** Per channel, its shared int8 values (the table); a per-tensor clustering repeats one table. */
  centroids: number[][];
  /** Per element (row-major), the index into its channel's centroids. */
  assignments: Uint8Array;
}

export interface ClusteredTensorReport {
  tensor: number;
  name: string;
  op: OpKind;
  channels: number;
  bits: number;
  /** Most shared values in a channel (the table stride). */
  tableEntries: number;
  /** Most distinct values a channel had before clustering (≤ 2^bits: clustering changed nothing). */
  distinctBefore: number;
  changedWeights: number;
  compressed: boolean;
  originalBytes: number;
  /** Packed indices + DECODE header + tables when compressed, else the int8 bytes. */
  storedBytes: number;
  savedBytes: number;
}

const CLUSTERED_KINDS: ReadonlySet<OpKind> = new Set<OpKind>(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

/** Checks --bits: an integer in 1..7 (TFLM's DECODE reads 1- to 7-bit indices). */
export function checkClusterBits(bits: number): void {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= LUT_MAX_BITS)) {
    throw new UsageError(`--bits ${bits} is outside 1..${LUT_MAX_BITS} (TFLM's LUT indices are 1 to 7 bits wide)`, { bits });
  }
}

/** The weight tensors to cluster: constant int8 filters of the clustered kinds, each once. */
export function clusterableWeights(graph: Graph): Array<{ tensor: Tensor; op: OpKind }> {
  const seen = new Set<number>();
  const out: Array<{ tensor: Tensor; op: OpKind }> = [];
  for (const op of graph.ops) {
    if (!CLUSTERED_KINDS.has(op.kind)) continue;
    const t = graph.tensors[op.inputs[1]!];
    if (!t || t.dtype !== 'int8' || t.data === null || seen.has(t.id)) continue;
    seen.add(t.id);
    out.push({ tensor: t, op: op.kind });
  }
  return out;
}

/** K-means (k-means++ seeded, deterministic per seed) of every clusterable weight tensor. */
export function clusterWeights(graph: Graph, options: ClusterOptions): TensorClusters[] {
  checkClusterBits(options.bits);
  const k = 1 << options.bits;
  const seed = options.seed ?? 1;
  return clusterableWeights(graph).map(({ tensor: t }) => clusterTensor(t, k, seed, options.perTensor ?? false));
}

/** K-means of one int8 tensor's values, per channel of its quantization (or for the whole tensor). */
function clusterTensor(t: Tensor, k: number, seed: number, perTensor: boolean): TensorClusters {
  const values = new Int8Array(t.data!.buffer, t.data!.byteOffset, t.data!.byteLength);
  const { channels, channelAxisLast } = lutChannels(t.shape, t.quant, tensorLabel(t));
  const layout = { channels, channelAxisLast };
  const count = values.length;
  const assignments = new Uint8Array(count);
  if (perTensor) {
    const c = kmeansInt8(values, k, mixSeed(seed, t.id));
    assignments.set(c.assignments);
    return { tensor: t.id, ...layout, centroids: Array.from({ length: channels }, () => c.centroids), assignments };
  }
  const members = Array.from({ length: channels }, () => [] as number[]);
  for (let i = 0; i < count; i++) members[lutChannelOf(i, count, layout)]!.push(i);
  const centroids = members.map((idx, ch) => {
    const c = kmeansInt8(idx.map((i) => values[i]!), k, mixSeed(seed, t.id, ch));
    idx.forEach((i, j) => (assignments[i] = c.assignments[j]!));
    return c.centroids;
  });
  return { tensor: t.id, ...layout, centroids, assignments };
}

/** A float weight tensor's clustering in real values: what `finetuneCentroids` (src/train/centroids.ts) takes. */
export interface FloatClusters {
  /** The first op (CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED) reading the weights as input 1. */
  node: number;
  tensor: number;
  /** Per weight (TFLite layout order): its cluster in [0, clusters). */
  indices: Uint8Array;
  /** Table length: 2^bits (a channel with fewer values repeats its last one, never assigned). */
  clusters: number;
  /** Real centroids, [tables x clusters]: one table per output channel, or one for the tensor. */
  centroids: Float32Array;
}

/**
 * K-means of the float weights of every clusterable op, on the 255-level symmetric grid the quantizer
 * gives each channel (or the tensor with `perTensor`): the same clusters as clustering the PTQ int8
 * weights, in real values. Quantizing weights set to these centroids (per channel; per tensor with
 * `perTensor`) keeps at most 2^bits values per table, so the int8 clustering that follows is exact.
 */
export function clusterFloatWeights(graph: Graph, options: ClusterOptions): FloatClusters[] {
  checkClusterBits(options.bits);
  const k = 1 << options.bits;
  const seen = new Set<number>();
  const out: FloatClusters[] = [];
  graph.ops.forEach((op, node) => {
    const axis = WEIGHT_AXIS[op.kind];
    const t = graph.tensors[op.inputs[1]!];
    if (!CLUSTERED_KINDS.has(op.kind) || axis === undefined || !t || t.dtype !== 'float32' || t.data === null || seen.has(t.id)) return;
    seen.add(t.id);
    const { q, scales } = options.perTensor ? symmetricPerTensor(floatValues(t)) : symmetricPerChannel(floatValues(t), t.shape, axis);
    const grid: Tensor = { ...t, dtype: 'int8', data: new Uint8Array(q.buffer), quant: { scales, zeroPoints: scales.map(() => 0), axis: options.perTensor ? 0 : axis } };
    const c = clusterTensor(grid, k, options.seed ?? 1, options.perTensor ?? false);
    const tables = options.perTensor ? [c.centroids[0]!] : c.centroids;
    const centroids = new Float32Array(tables.length * k);
    tables.forEach((table, ch) => {
      for (let j = 0; j < k; j++) centroids[ch * k + j] = table[Math.min(j, table.length - 1)]! * scales[ch]!;
    });
    out.push({ node, tensor: t.id, indices: c.assignments, clusters: k, centroids });
  });
  return out;
}

/** The float graph with every clustered weight set to its centroid (what quantizing then keeps shared). */
export function snappedFloatGraph(graph: Graph, clusters: readonly FloatClusters[]): Graph {
  const tensors = graph.tensors.map((t) => ({ ...t }));
  for (const c of clusters) {
    const t = graph.tensors[c.tensor]!;
    const tables = c.centroids.length / c.clusters;
    const axis = WEIGHT_AXIS[graph.ops[c.node]!.kind]!;
    const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = t.shape[axis]!;
    const values = Float32Array.from(c.indices, (j, i) => c.centroids[(tables === 1 ? 0 : Math.floor(i / inner) % channels) * c.clusters + j]!);
    tensors[c.tensor] = { ...t, data: new Uint8Array(values.buffer) };
  }
  return { ...graph, tensors };
}

/** The snapped int8 values of a clustering: each weight replaced by its shared value. */
export function snappedValues(c: TensorClusters): Int8Array {
  const count = c.assignments.length;
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) out[i] = c.centroids[lutChannelOf(i, count, c)]![c.assignments[i]!]!;
  return out;
}

/** Bytes the tensor takes compressed at `bits`: packed indices, the DECODE header and one table per channel. */
function compressedBytes(c: TensorClusters, bits: number): number {
  const stride = Math.max(...c.centroids.map((t) => t.length));
  return packedBytes(c.assignments.length, bits) + DCM_BYTES + c.channels * stride;
}

/**
 * The hook that writes a clustering into the model (fine-tuning updates centroids and calls it again):
 * each tensor that saves flash becomes a DECODE of packed indices and tables, inserted before its first
 * consumer; the others keep their snapped values as plain int8. Also returns what each tensor became.
 */
export function applyClusters(graph: Graph, clusters: readonly TensorClusters[], bits: number): { graph: Graph; report: ClusteredTensorReport[] } {
  checkClusterBits(bits);
  const tensors = graph.tensors.map((t) => ({ ...t }));
  const decodes = new Map<number, AnyOp[]>();
  const report: ClusteredTensorReport[] = [];
  for (const c of clusters) {
    const t = graph.tensors[c.tensor]!;
    const original = new Int8Array(t.data!.buffer, t.data!.byteOffset, t.data!.byteLength);
    const snapped = snappedValues(c);
    const stride = Math.max(...c.centroids.map((table) => table.length));
    if (stride > 1 << bits) throw new UsageError(`${tensorLabel(t)}: a table of ${stride} values does not fit ${bits}-bit indices`, { tensor: t.id, stride, bits });
    const stored = compressedBytes(c, bits);
    const compressed = stored < original.length;
    const firstUse = graph.ops.findIndex((op) => op.inputs.includes(t.id));
    report.push({
      tensor: t.id,
      name: t.name,
      op: graph.ops[firstUse]?.kind ?? 'CONV_2D',
      channels: c.channels,
      bits,
      tableEntries: stride,
      distinctBefore: Math.max(...distinctPerChannel(original, c)),
      changedWeights: original.reduce((n, v, i) => n + (v !== snapped[i] ? 1 : 0), 0),
      compressed,
      originalBytes: original.length,
      storedBytes: compressed ? stored : original.length,
      savedBytes: compressed ? original.length - stored : 0,
    });
    if (!compressed) {
      tensors[t.id] = { ...t, data: new Uint8Array(snapped.buffer) };
      continue;
    }
    const layout: LutLayout = { bitWidth: bits, valueStride: stride, channels: c.channels, channelAxisLast: c.channelAxisLast };
    // Shorter tables are padded with their last value (never read: no index reaches past a table's values).
    const tables = c.centroids.flatMap((table) => [...table, ...new Array<number>(stride - table.length).fill(table[table.length - 1]!)]);
    const packed = packIndices(c.assignments, bits);
    const packedT: Tensor = { id: tensors.length, name: `${t.name}_indices`, shape: [packed.length], shapeSignature: null, dtype: 'uint8', quant: null, data: packed, isVariable: false };
    tensors.push(packedT);
    const ancillary = ancillaryBytes(layout, tables);
    const ancillaryT: Tensor = { id: tensors.length, name: `${t.name}_ancillary`, shape: [ancillary.length], shapeSignature: null, dtype: 'uint8', quant: null, data: ancillary, isVariable: false };
    tensors.push(ancillaryT);
    tensors[t.id] = { ...t, data: null };
    const at = Math.max(0, firstUse);
    const op = { kind: 'DECODE' as const, version: 1, inputs: [packedT.id, ancillaryT.id], outputs: [t.id], attrs: layout };
    const decode = { ...op, params: deriveParams({ op, index: at, tensors }) } as AnyOp;
    decodes.set(at, [...(decodes.get(at) ?? []), decode]);
  }
  const out: Graph = { ...graph, tensors, ops: graph.ops.flatMap((op, i) => [...(decodes.get(i) ?? []), op]) };
  validateGraph(out, 'clustered graph');
  return { graph: out, report };
}

/** The same clustering stored as plain int8 (the snapped twin a clustered model must match bit for bit). */
export function snappedGraph(graph: Graph, clusters: readonly TensorClusters[]): Graph {
  const tensors = graph.tensors.map((t) => ({ ...t }));
  for (const c of clusters) tensors[c.tensor] = { ...tensors[c.tensor]!, data: new Uint8Array(snappedValues(c).buffer) };
  return { ...graph, tensors };
}

function distinctPerChannel(values: Int8Array, c: TensorClusters): number[] {
  const sets = Array.from({ length: c.channels }, () => new Set<number>());
  values.forEach((v, i) => sets[lutChannelOf(i, values.length, c)]!.add(v));
  return sets.map((s) => s.size);
}

/**
 * A float graph whose clustered weights hold their centroids (snappedFloatGraph, or fine-tuned), quantized
 * on the calibration samples (weights per channel, or per tensor with `perTensor`) and stored as DECODE:
 * each channel keeps at most 2^bits int8 values, so the int8 clustering changes no weight.
 */
export function quantizeShared(shared: Graph, calibration: ReadonlyArray<readonly Uint8Array[]>, options: ClusterOptions & { model?: string }): { graph: Graph; report: ClusteredTensorReport[] } {
  const int8 = quantizeModel(shared, calibration, options.model, { perTensor: options.perTensor });
  return applyClusters(int8, clusterWeights(int8, options), options.bits);
}
