// Fine-grained magnitude pruning: in each chosen layer the round(s·n) weights of smallest real magnitude
// become zero (ties: the lower index first, so a model prunes the same way everywhere). The graph keeps
// its shapes: the result is a normal dense model with zeros in it.
import { UsageError } from '../errors.js';
import type { Graph, Tensor } from '../ir/graph.js';
import { channelOfElement, layerLabel, prunableLayers, realWeights, type PrunableLayer } from './layers.js';

/** Refuses a sparsity outside [0, 1) with E_USAGE (`what`: the flag or layer it came from). */
export function checkSparsity(s: number, what: string): number {
  if (!(Number.isFinite(s) && s >= 0 && s < 1)) throw new UsageError(`${what}: sparsity must be in [0, 1), got ${s}`, { what, sparsity: s });
  return s;
}

/** Weights zeroed at sparsity s of n weights. */
export const prunedCount = (n: number, s: number): number => Math.round(s * n);

/** Indices of the `count` smallest |values| (ties: lower index first). */
export function smallestMagnitudes(values: ArrayLike<number>, count: number): Uint32Array {
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  const mag = Float64Array.from(values, Math.abs);
  order.sort((a, b) => mag[a]! - mag[b]! || a - b);
  return order.slice(0, count);
}

/** A copy of the weight tensor with the elements at `indices` set to real zero (int8: its channel's zero point). */
export function zeroElements(t: Tensor, indices: ArrayLike<number>): Tensor {
  const data = t.data!.slice();
  if (t.dtype === 'float32') {
    const f = new Float32Array(data.buffer);
    for (let k = 0; k < indices.length; k++) f[indices[k]!] = 0;
  } else {
    const q = new Int8Array(data.buffer);
    const channel = channelOfElement(t);
    const zeroPoints = t.quant?.zeroPoints ?? [0];
    for (let k = 0; k < indices.length; k++) q[indices[k]!] = zeroPoints[channel(indices[k]!)]!;
  }
  return { ...t, data };
}

export interface PrunedLayer extends PrunableLayer {
  sparsity: number;
  /** Weights set to zero by this pruning. */
  zeroed: number;
  /** Weights in the layer. */
  weights: number;
}

export interface MagnitudeResult {
  graph: Graph;
  layers: PrunedLayer[];
}

/**
 * Magnitude-prunes each layer named in `sparsities` (op index -> sparsity in [0, 1)); other layers stay as
 * they are. A key that is not a prunable layer is a usage error.
 */
export function pruneMagnitude(graph: Graph, sparsities: ReadonlyMap<number, number>, model: string): MagnitudeResult {
  const layers = prunableLayers(graph, model);
  const byNode = new Map(layers.map((l) => [l.node, l]));
  for (const node of sparsities.keys()) {
    if (!byNode.has(node)) throw new UsageError(`${model}: node ${node} is not a prunable layer (prunable: ${layers.map((l) => l.node).join(', ')})`, { node });
  }
  const tensors = graph.tensors.slice();
  const pruned: PrunedLayer[] = [];
  for (const [node, s] of sparsities) {
    const layer = byNode.get(node)!;
    checkSparsity(s, layerLabel(layer));
    const values = realWeights(tensors[layer.weight]!);
    const count = prunedCount(values.length, s);
    tensors[layer.weight] = zeroElements(tensors[layer.weight]!, smallestMagnitudes(values, count));
    pruned.push({ ...layer, sparsity: s, zeroed: count, weights: values.length });
  }
  return { graph: { ...graph, tensors }, layers: pruned };
}

/** Every prunable layer at one sparsity. */
export function uniformSparsity(graph: Graph, s: number, model: string): Map<number, number> {
  checkSparsity(s, '--sparsity');
  return new Map(prunableLayers(graph, model).map((l) => [l.node, s]));
}

/** Share of zero weights over the given layers' weight tensors (what a model holds, whoever zeroed them). */
export function zeroShare(graph: Graph, layers: readonly PrunableLayer[]): number {
  let zeros = 0;
  let total = 0;
  for (const l of layers) {
    const values = realWeights(graph.tensors[l.weight]!);
    total += values.length;
    for (const v of values) if (v === 0) zeros++;
  }
  return total === 0 ? 0 : zeros / total;
}
