// Small float models for the pruning tests, built with the trainer's graph builder (random He weights).
import { Xorshift32 } from '../../src/builder/random.js';
import type { Dataset } from '../../src/data/index.js';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { runReference } from '../../src/reference/interpreter.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';

/** conv 3x3 4 -> max pool 2 -> flatten -> dense 6 -> dense 3 -> softmax, on 8x8x1. */
export function lenetLike(seed = 3): Graph {
  const b = new FloatGraphBuilder(seed);
  let x = b.maxPool('pool', b.conv('conv', b.image(8, 8, 1), 4, 3, 1, 'RELU'), 2);
  x = b.dense('dense', b.flatten('flatten', x), 6, 'RELU');
  return b.finish('lenet-like', b.softmax('softmax', b.dense('logits', x, 3, 'NONE'))).graph;
}

/** conv a 8 -> conv b 8 -> ADD(a, b) -> depthwise 3x3 -> conv c 4 -> global mean -> dense 3, on 6x6x3: one residual group {a, b}, a depthwise carrying it. */
export function residual(seed = 5): Graph {
  const b = new FloatGraphBuilder(seed);
  const a = b.conv('a', b.image(6, 6, 3), 8, 3, 1, 'RELU');
  const sum = b.add('sum', a, b.conv('b', a, 8, 3, 1, 'RELU'));
  const c = b.conv('c', b.depthwise('dw', sum, 3, 1, 'RELU'), 4, 1, 1, 'RELU');
  return b.finish('residual', b.dense('logits', b.globalAveragePool('pool', c), 3, 'NONE')).graph;
}

export function floatsOf(t: Tensor): Float32Array {
  return new Float32Array(t.data!.slice().buffer);
}

/** The graph with one constant replaced by `values`. */
export function withValues(g: Graph, id: number, values: Float32Array): Graph {
  const tensors = g.tensors.slice();
  tensors[id] = { ...tensors[id]!, data: new Uint8Array(values.slice().buffer) };
  return { ...g, tensors };
}

/** The graph with, for each (tensor, axis, channels), those channels of that constant set to zero. */
export function zeroChannels(g: Graph, cuts: Array<{ tensor: number; axis: number; channels: readonly number[] }>): Graph {
  let out = g;
  for (const { tensor, axis, channels } of cuts) {
    const t = out.tensors[tensor]!;
    const v = floatsOf(t);
    const size = t.shape[axis]!;
    const inner = t.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    for (let i = 0; i < v.length; i++) if (channels.includes(Math.floor(i / inner) % size)) v[i] = 0;
    out = withValues(out, tensor, v);
  }
  return out;
}

/** Random float inputs in [0, 1) for the graph's single input. */
export function randomInput(g: Graph, seed: number): Uint8Array {
  const t = g.tensors[g.inputs[0]!]!;
  const rng = new Xorshift32(seed);
  const v = Float32Array.from({ length: t.shape.reduce((p, q) => p * q, 1) }, () => rng.uniform());
  return new Uint8Array(v.buffer);
}

/** The float reference's first output bytes. */
export function outputBytes(g: Graph, input: Uint8Array): Uint8Array {
  return runReference(g, [input]).outputs[0]!;
}

/** conv a 4 and conv b 3 on one 5x5x2 input, CONCATENATION on channels (7), conv c 1x1 5, global mean, dense 3. */
export function concatenated(seed = 6): Graph {
  const b = new FloatGraphBuilder(seed);
  const x = b.image(5, 5, 2);
  const a = b.conv('a', x, 4, 3, 1, 'RELU');
  const c = b.conv('b', x, 3, 3, 1, 'RELU');
  // c's graph is built on a 7-channel stand-in, then rewired to read the concatenation
  const standIn = b.conv('standin', x, 7, 1, 1, 'NONE');
  const next = b.conv('c', standIn, 5, 1, 1, 'RELU');
  const g = b.finish('concatenated', b.dense('logits', b.globalAveragePool('pool', next), 3, 'NONE')).graph;
  const tensors = g.tensors.slice();
  const ops = g.ops.slice();
  const standInOp = ops.findIndex((o) => o.outputs[0] === standIn);
  ops[standInOp] = { kind: 'CONCATENATION', version: 1, inputs: [a, c], outputs: [standIn], attrs: { axis: 3, clamp: [-3.4028234663852886e38, 3.4028234663852886e38] }, params: null };
  tensors[standIn] = { ...tensors[standIn]!, name: 'concat' };
  return { ...g, tensors, ops };
}

/** n random 8x8x1 images, labels 0, 1, 2 in turn: training data for lenetLike. */
export function noise(n: number, seed = 9): Dataset {
  const rng = new Xorshift32(seed);
  return {
    name: 'noise',
    images: Uint8Array.from({ length: n * 64 }, () => Math.floor(rng.uniform() * 256)),
    shape: [n, 8, 8, 1],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    classes: ['0', '1', '2'],
  };
}
