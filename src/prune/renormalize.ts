// Adaptive re-normalisation after pruning (EagleEye's adaptive batch norm, for nets whose batch norm was
// folded into the convolutions): layer by layer in graph order, each output channel of the pruned model's
// layer gets the affine correction that gives its pre-activation output the dense model's mean and std on
// a few calibration inputs, the pruned model fed by its own already-corrected earlier layers. A weight
// that is zero stays zero (the scale multiplies), so a fine-grained mask is kept. The activations come
// from the trainer's batched float forward (the float reference interpreter is ~100x slower on DS-CNN), so
// the caller has chosen a tfjs backend (useTrainBackend).
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError, UsageError } from '../errors.js';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { trainableGraph } from '../train/graph.js';
import { prunableLayers, type PrunableLayer } from './layers.js';

/** Per output channel statistics of a layer's pre-activation output. */
export interface ChannelStats {
  mean: Float64Array;
  std: Float64Array;
}

export interface RenormalizedLayer {
  node: number;
  name: string;
  /** Per kept output channel: the scale applied to the weights and the bias added after. */
  scale: Float64Array;
  shift: Float64Array;
}

export interface RenormalizeOptions {
  /** Channel pruning's removed output channels (dense indices) per layer node; a layer not listed keeps all. */
  removed?: ReadonlyMap<number, readonly number[]>;
}

/** A std below this share of the dense one (or absolute, for a dense std of 0) is a constant channel: its mean is matched, not its spread. */
const FLAT_STD = 1e-6;

/** The graph cut after `node`, whose fused activation is dropped, its output flattened to [1, n] as the only output (what the trainer's forward gives). */
function preActivationProbe(graph: Graph, node: number): Graph {
  const op = graph.ops[node]!;
  const open = { ...op, attrs: { ...op.attrs, clamp: [-Infinity, Infinity] } } as AnyOp;
  const y = graph.tensors[op.outputs[0]!]!;
  const n = y.shape.reduce((a, b) => a * b, 1);
  const shapeId = graph.tensors.length;
  const flatId = shapeId + 1;
  const tensors: Tensor[] = [
    ...graph.tensors,
    { id: shapeId, name: `${y.name}/probe_shape`, shape: [2], shapeSignature: null, dtype: 'int32', quant: null, data: new Uint8Array(Int32Array.of(1, n).buffer), isVariable: false },
    { id: flatId, name: `${y.name}/probe`, shape: [1, n], shapeSignature: null, dtype: 'float32', quant: null, data: null, isVariable: false },
  ];
  const flatten = { kind: 'RESHAPE', version: 1, inputs: [y.id, shapeId], outputs: [flatId], attrs: {}, params: null } as AnyOp;
  return { ...graph, tensors, ops: [...graph.ops.slice(0, node), open, flatten], outputs: [flatId] };
}

/** Images per forward pass of the statistics. */
const BATCH = 64;

/** Mean and std over the samples (and every position) of each output channel of `node` before its fused activation. */
export function preActivationStats(graph: Graph, node: number, samples: readonly (readonly Uint8Array[])[]): ChannelStats {
  const out = graph.tensors[graph.ops[node]!.outputs[0]!]!;
  const channels = out.shape[out.shape.length - 1]!;
  const probe = trainableGraph(preActivationProbe(graph, node));
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  let count = 0;
  try {
    const size = probe.inputShape.reduce((a, b) => a * b, 1);
    for (let at = 0; at < samples.length; at += BATCH) {
      const chunk = samples.slice(at, at + BATCH);
      const x = new Float32Array(chunk.length * size);
      chunk.forEach(([bytes], k) => x.set(new Float32Array(bytes!.slice().buffer), k * size));
      const y = tf.tidy(() => probe.forward(tf.tensor(x, [chunk.length, ...probe.inputShape])).dataSync() as Float32Array);
      for (let i = 0; i < y.length; i++) {
        sum[i % channels] += y[i]!;
        squares[i % channels] += y[i]! * y[i]!;
      }
      count += y.length / channels;
    }
  } finally {
    probe.dispose();
  }
  const mean = sum.map((v) => v / count);
  const std = squares.map((q, c) => Math.sqrt(Math.max(0, q / count - mean[c]! * mean[c]!)));
  return { mean, std };
}

/** Output-channel axis of the layer's weights: CONV_2D [O,KH,KW,I] and FULLY_CONNECTED [O,I] lead, DEPTHWISE_CONV_2D [1,KH,KW,O] trails. */
const outputAxis = (layer: PrunableLayer, w: Tensor): number => (layer.kind === 'DEPTHWISE_CONV_2D' ? w.shape.length - 1 : 0);

function float32Of(t: Tensor): Float32Array {
  return new Float32Array(t.data!.slice().buffer);
}

/** Both absent, or constants of the same shape and bytes. */
const sameBytes = (a: Tensor | undefined, b: Tensor | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.shape.join() === b.shape.join() && a.data !== null && b.data !== null && a.data.length === b.data.length && a.data.every((v, i) => v === b.data![i]);

/**
 * The pruned float model re-normalised against the dense one on `samples` (graph input bytes per sample).
 * Every prunable layer from the first whose weights or bias differ from the dense model's on is corrected
 * (its inputs have shifted even where its own weights are whole, as a batch norm after it would re-estimate);
 * the layers before it are left as they are. The two graphs must have the same ops (pruning keeps them).
 */
export function renormalize(dense: Graph, pruned: Graph, samples: readonly (readonly Uint8Array[])[], model: string, options: RenormalizeOptions = {}): { graph: Graph; layers: RenormalizedLayer[] } {
  if (samples.length === 0) throw new UsageError(`${model}: re-normalisation needs calibration inputs, got none`, { model });
  if (dense.ops.length !== pruned.ops.length || dense.ops.some((op, i) => op.kind !== pruned.ops[i]!.kind)) {
    throw new UsageError(`${model}: the pruned model's ops differ from the dense model's (${pruned.ops.length} against ${dense.ops.length}); re-normalisation matches them op by op`, { model, dense: dense.ops.length, pruned: pruned.ops.length });
  }
  const layers = prunableLayers(pruned, model);
  for (const l of layers) {
    const dtype = pruned.tensors[l.weight]!.dtype;
    if (dtype !== 'float32') throw new UnsupportedError(`${model}: re-normalisation corrects float32 layers, ${l.name} has ${dtype} weights (prune the float model, then quantize)`, { model, layer: l.name, dtype });
  }
  const biasOf = (g: Graph, node: number) => {
    const id = g.ops[node]!.inputs[2];
    return id === undefined || id < 0 ? undefined : g.tensors[id];
  };
  const first = layers.findIndex((l) => {
    const op = dense.ops[l.node]!;
    return !sameBytes(dense.tensors[op.inputs[1]!], pruned.tensors[l.weight]) || !sameBytes(biasOf(dense, l.node), biasOf(pruned, l.node));
  });
  if (first < 0) return { graph: pruned, layers: [] };

  let graph = pruned;
  const done: RenormalizedLayer[] = [];
  for (const layer of layers.slice(first)) {
    const want = preActivationStats(dense, layer.node, samples);
    const removed = new Set(options.removed?.get(layer.node) ?? []);
    const kept = Array.from(want.mean.keys()).filter((c) => !removed.has(c));
    const have = preActivationStats(graph, layer.node, samples);
    if (have.mean.length !== kept.length) {
      throw new UsageError(`${model}: ${layer.name} has ${have.mean.length} output channels, the dense layer ${want.mean.length} less ${removed.size} removed`, { model, layer: layer.name, channels: have.mean.length, dense: want.mean.length, removed: removed.size });
    }
    const scale = new Float64Array(kept.length);
    const shift = new Float64Array(kept.length);
    kept.forEach((d, c) => {
      const flat = have.std[c]! <= FLAT_STD * Math.max(want.std[d]!, 1);
      scale[c] = flat ? 1 : want.std[d]! / have.std[c]!;
      shift[c] = want.mean[d]! - scale[c]! * have.mean[c]!;
    });
    graph = applyAffine(graph, layer, scale, shift);
    done.push({ node: layer.node, name: layer.name, scale, shift });
  }
  return { graph, layers: done };
}

/** W_c <- scale_c * W_c and b_c <- scale_c * b_c + shift_c (a bias added when the layer has none). */
function applyAffine(graph: Graph, layer: PrunableLayer, scale: Float64Array, shift: Float64Array): Graph {
  const tensors = graph.tensors.slice();
  const ops = graph.ops.slice();
  const op = graph.ops[layer.node]!;
  const w = tensors[layer.weight]!;
  const axis = outputAxis(layer, w);
  const inner = w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const values = float32Of(w);
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * scale[Math.floor(i / inner) % scale.length]!;
  tensors[layer.weight] = { ...w, data: new Uint8Array(values.buffer) };
  const biasId = op.inputs[2];
  let bias: Float32Array;
  if (biasId === undefined || biasId < 0) {
    bias = new Float32Array(scale.length);
    const id = tensors.length;
    tensors.push({ id, name: `${layer.name}/renormalized_bias`, shape: [scale.length], shapeSignature: null, dtype: 'float32', quant: null, data: null, isVariable: false });
    const inputs = op.inputs.slice();
    inputs[2] = id;
    ops[layer.node] = { ...op, inputs } as AnyOp;
  } else {
    bias = float32Of(tensors[biasId]!);
  }
  const corrected = bias.map((b, c) => scale[c]! * b + shift[c]!);
  const id = ops[layer.node]!.inputs[2]!;
  tensors[id] = { ...tensors[id]!, data: new Uint8Array(corrected.buffer) };
  return { ...graph, tensors, ops };
}
