// The layers pruning works on: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with constant weights,
// each with its parameter count and MACs (what a user weighs against its sensitivity).
import { UnsupportedError, UsageError } from '../errors.js';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { opMacs } from '../ir/macs.js';
import { elementCount } from '../ir/shapes.js';

export const PRUNABLE_KINDS = ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'] as const;
export type PrunableKind = (typeof PRUNABLE_KINDS)[number];
export type PrunableOp = Extract<AnyOp, { kind: PrunableKind }>;

export interface PrunableLayer {
  /** Op index in the graph. */
  node: number;
  kind: PrunableKind;
  /** The op's output tensor name (what inspect and the trainer call the layer). */
  name: string;
  /** Tensor id of the weights. */
  weight: number;
  /** Weights plus bias elements. */
  params: number;
  macs: number;
}

export const isPrunableOp = (op: AnyOp): op is PrunableOp => (PRUNABLE_KINDS as readonly string[]).includes(op.kind);

/** The weight dtypes whose magnitudes we can rank: float32, and int8 with its scales. */
const RANKABLE = new Set(['float32', 'int8']);

/** The graph's prunable layers in execution order; a graph without one is refused (E_UNSUPPORTED), naming its op kinds. */
export function prunableLayers(graph: Graph, model: string): PrunableLayer[] {
  const layers: PrunableLayer[] = [];
  graph.ops.forEach((op, node) => {
    if (!isPrunableOp(op)) return;
    const weight = graph.tensors[op.inputs[1]!]!;
    if (weight.data === null || !RANKABLE.has(weight.dtype)) return;
    const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? graph.tensors[op.inputs[2]]! : null;
    layers.push({
      node,
      kind: op.kind,
      name: graph.tensors[op.outputs[0]!]!.name,
      weight: weight.id,
      params: elementCount(weight.shape) + (bias ? elementCount(bias.shape) : 0),
      macs: opMacs(graph, op),
    });
  });
  if (layers.length === 0) {
    const kinds = [...new Set(graph.ops.map((op) => op.kind))];
    throw new UnsupportedError(`${model} has no prunable layer (CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED with constant float32 or int8 weights); its ops are ${kinds.join(', ') || 'none'}`, {
      model,
      ops: kinds,
    });
  }
  return layers;
}

/** `CONV_2D at node 3 ("conv2")`. */
export function layerLabel(layer: Pick<PrunableLayer, 'kind' | 'node' | 'name'>): string {
  return `${layer.kind} at node ${layer.node} (${JSON.stringify(layer.name)})`;
}

/** Per element of a weight tensor, the index of its quantization channel (0 for per-tensor scales). */
export function channelOfElement(t: Tensor): (i: number) => number {
  const q = t.quant;
  if (!q || q.scales.length <= 1) return () => 0;
  const inner = t.shape.slice(q.axis + 1).reduce((a, b) => a * b, 1);
  const size = t.shape[q.axis]!;
  return (i) => Math.floor(i / inner) % size;
}

/** The weight values as real numbers: float32 as stored, int8 as scale * (q - zeroPoint) of its channel. */
export function realWeights(t: Tensor): Float64Array {
  const data = t.data!;
  if (t.dtype === 'float32') return Float64Array.from(new Float32Array(data.slice().buffer));
  if (t.dtype !== 'int8') throw new UnsupportedError(`weights ${t.name} are ${t.dtype}; pruning ranks float32 and int8 weights`, { tensor: t.id, dtype: t.dtype });
  const q = new Int8Array(data.buffer, data.byteOffset, data.byteLength);
  const channel = channelOfElement(t);
  const { scales, zeroPoints } = t.quant ?? { scales: [1], zeroPoints: [0] };
  return Float64Array.from(q, (v, i) => scales[channel(i)]! * (v - zeroPoints[channel(i)]!));
}

/** A per-layer map keyed by layer name (the op's output tensor, as `inspect` shows it) as op index -> value; an unknown name is a usage error listing the layers. */
export function byLayerName(graph: Graph, values: ReadonlyMap<string, number>, model: string, flag: string): Map<number, number> {
  const layers = prunableLayers(graph, model);
  const out = new Map<number, number>();
  for (const [name, v] of values) {
    const layer = layers.find((l) => l.name === name);
    if (!layer) throw new UsageError(`${flag}: ${model} has no prunable layer named ${JSON.stringify(name)} (its layers: ${layers.map((l) => l.name).join(', ')})`, { model, layer: name, layers: layers.map((l) => l.name) });
    out.set(layer.node, v);
  }
  return out;
}
