// A trainable float graph built from the IR: the weights and biases of CONV_2D, DEPTHWISE_CONV_2D and
// FULLY_CONNECTED become tfjs variables, the forward pass runs the graph op by op with tfjs ops (whose
// gradients tfjs's autodiff chains), and `exportGraph` writes the variables back into a float Graph.
// Batch norm is a training-time construct here: attached to conv ops, folded into their weights at export.
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError } from '../errors.js';
import { FLOAT32_MAX, isFloatOp } from '../ir/float.js';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import type { Clamp, OpKind, Padding } from '../ir/ops.js';
import { convOutSize, paddingFor } from '../ir/shapes.js';
import { registerGraphGradients } from './graph-gradients.js';
import { registerTrainGradients } from './gradients.js';
import { BATCH_NORM, BATCH_NORM_GRAD } from './elementwise.js';

/** Op kinds the trainer differentiates. */
export const TRAINABLE_KINDS: ReadonlySet<OpKind> = new Set<OpKind>([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'AVERAGE_POOL_2D', 'MAX_POOL_2D', 'ADD', 'SUB', 'MUL',
  'RESHAPE', 'SQUEEZE', 'SOFTMAX', 'MEAN', 'PAD', 'PADV2', 'CONCATENATION',
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'LEAKY_RELU', 'HARD_SWISH',
]);

export type WeightedKind = 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';
const isWeighted = (op: AnyOp): op is Extract<AnyOp, { kind: WeightedKind }> =>
  op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED';

/** Batch-norm state of one conv op: scale/shift trained, mean/variance tracked over the batches. */
export interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

export interface TrainableGraph {
  readonly graph: Graph;
  /** Every trained variable (weights, biases, batch-norm scale and shift), in a fixed order. */
  readonly variables: tf.Variable[];
  /** Per op index: its weight and bias variables in tfjs layout (conv [H,W,I,O], depthwise [H,W,C,M], dense [O,I]). */
  readonly weights: Map<number, { weight: tf.Variable; bias: tf.Variable }>;
  readonly batchNorms: Map<number, BatchNorm>;
  /** The tensor whose values are the logits: the graph output, or the input of a final SOFTMAX. */
  readonly logits: number;
  /** The graph input's shape without the batch dim. */
  readonly inputShape: number[];
  /** Logits [batch, classes] for inputs [batch, ...inputShape]; `training` uses batch statistics in batch norms. */
  forward(x: tf.Tensor, options?: { training?: boolean }): tf.Tensor2D;
  dispose(): void;
}

export interface TrainableOptions {
  /** Op indices of CONV_2D / DEPTHWISE_CONV_2D ops followed by a batch norm (before their activation). */
  batchNorm?: Iterable<number>;
  /** Rewrites inside the forward pass (fake quantization for QAT, src/train/fake-quant.ts). */
  hooks?: ForwardHooks;
}

export interface ForwardHooks {
  /** Each weight (tfjs layout) as the op uses it; node is the op index. */
  weight?(node: number, kind: WeightedKind, w: tf.Tensor): tf.Tensor;
  /** Each activation (the graph input, every op output) as later ops read it. */
  activation?(tensor: number, x: tf.Tensor, training: boolean): tf.Tensor;
}

function floats(t: Tensor): Float32Array {
  const d = t.data!;
  return new Float32Array(d.slice().buffer);
}

/** The ops the trainer cannot run or differentiate, as "KIND at node i". */
function untrainable(graph: Graph): string[] {
  const bad: string[] = [];
  graph.ops.forEach((op, i) => {
    const why = untrainableReason(graph, op);
    if (why) bad.push(`${op.kind} at node ${i}${why === 'kind' ? '' : ` (${why})`}`);
  });
  return bad;
}

function untrainableReason(graph: Graph, op: AnyOp): string | null {
  if (!TRAINABLE_KINDS.has(op.kind)) return 'kind';
  if (!isFloatOp(op, graph.tensors)) return 'not float32';
  for (const id of op.inputs) if (id >= 0 && graph.tensors[id]!.dtype !== 'float32' && !isShapeOperand(op, op.inputs.indexOf(id))) return `${graph.tensors[id]!.dtype} operand`;
  if ((op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D') && (op.attrs.dilation[0] !== 1 || op.attrs.dilation[1] !== 1)) return 'dilation';
  if (isWeighted(op) && graph.tensors[op.inputs[1]!]!.data === null) return 'weights are not constant';
  if (op.kind === 'MEAN' && op.attrs.axes.includes(0)) return 'reduces the batch dim';
  if (op.kind === 'CONCATENATION' && op.attrs.axis === 0) return 'concatenates along the batch dim';
  if ((op.kind === 'PAD' || op.kind === 'PADV2') && (op.attrs.paddings[0]![0] !== 0 || op.attrs.paddings[0]![1] !== 0)) return 'pads the batch dim';
  return null;
}

/** Operands that hold shapes, axes or paddings (int32), not data. */
function isShapeOperand(op: AnyOp, index: number): boolean {
  return (op.kind === 'RESHAPE' || op.kind === 'SQUEEZE' || op.kind === 'MEAN' || op.kind === 'PAD' || op.kind === 'PADV2') && index === 1;
}

/** The shape with its leading dim multiplied by the batch (graph activations have batch 1). */
const batched = (shape: readonly number[], batch: number): number[] => [shape[0]! * batch, ...shape.slice(1)];

/** tfjs's padding argument for TFLite's explicit pads: 'valid', 'same', or the pads themselves. */
function tfPad(pad: Padding, input: Tensor, output: Tensor, filter: readonly number[], stride: readonly number[], allowExplicit: boolean, where: string) {
  if (pad.top === 0 && pad.bottom === 0 && pad.left === 0 && pad.right === 0) return 'valid' as const;
  const same = [0, 1].every((a) => {
    const out = convOutSize('SAME', input.shape[1 + a]!, filter[a]!, stride[a]!);
    const [b, e] = paddingFor(input.shape[1 + a]!, filter[a]!, stride[a]!, 1, out);
    return out === output.shape[1 + a] && b === (a === 0 ? pad.top : pad.left) && e === (a === 0 ? pad.bottom : pad.right);
  });
  if (same) return 'same' as const;
  if (!allowExplicit) throw new UnsupportedError(`${where}: padding ${JSON.stringify(pad)} is neither SAME nor VALID, which the trainer's pools need`, { pad });
  return [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]] as tf.backend_util.ExplicitPadding;
}

function applyClamp(x: tf.Tensor, clamp: Clamp): tf.Tensor {
  const [lo, hi] = clamp;
  if (lo <= -FLOAT32_MAX && hi >= FLOAT32_MAX) return x;
  if (lo === 0 && hi >= FLOAT32_MAX) return tf.relu(x);
  if (lo === 0 && hi === 6) return tf.relu6(x);
  return tf.clipByValue(x, lo, hi);
}

/** The weight in tfjs layout from TFLite's: conv [O,H,W,I] -> [H,W,I,O]; depthwise [1,H,W,C*M] -> [H,W,C,M]; dense [O,I] as is. */
export function toTfjsLayout(op: AnyOp, w: Tensor, graph: Graph): tf.Tensor {
  const t = tf.tensor(floats(w), w.shape, 'float32');
  if (op.kind === 'CONV_2D') return tf.transpose(t, [1, 2, 3, 0]);
  if (op.kind === 'DEPTHWISE_CONV_2D') {
    const channels = graph.tensors[op.inputs[0]!]!.shape[3]!;
    return tf.reshape(t, [w.shape[1]!, w.shape[2]!, channels, w.shape[3]! / channels]);
  }
  return t;
}

/** The inverse of toTfjsLayout, as float32 values in TFLite's layout. */
export function toTfliteLayout(kind: WeightedKind, w: tf.Tensor): Float32Array {
  return tf.tidy(() => {
    if (kind === 'CONV_2D') return tf.transpose(w, [3, 0, 1, 2]).dataSync() as Float32Array;
    return w.dataSync() as Float32Array;
  }).slice();
}

/** Builds the trainable graph; refuses (E_UNSUPPORTED) a graph with ops it cannot differentiate, naming them. */
export function trainableGraph(graph: Graph, options: TrainableOptions = {}): TrainableGraph {
  registerTrainGradients();
  registerGraphGradients();
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw new UnsupportedError(`the trainer needs a classifier with one input and one output; the graph has ${graph.inputs.length} and ${graph.outputs.length}`, {
      inputs: graph.inputs.length,
      outputs: graph.outputs.length,
    });
  }
  const floatOps = graph.ops.filter((op) => isFloatOp(op, graph.tensors)).length;
  if (floatOps === 0) {
    throw new UnsupportedError(`the trainer trains float32 graphs; this one has no float32 op (${graph.ops.length} ops, input ${graph.tensors[graph.inputs[0]!]?.dtype}): train its float model`, { ops: graph.ops.length });
  }
  const bad = untrainable(graph);
  if (bad.length > 0) {
    const more = bad.length > 5 ? `, … (${bad.length} in all)` : '';
    throw new UnsupportedError(`the trainer cannot differentiate ${bad.slice(0, 5).join(', ')}${more}`, { ops: bad });
  }
  const input = graph.tensors[graph.inputs[0]!]!;
  if (input.shape[0] !== 1) throw new UnsupportedError(`input ${input.name} [${input.shape.join(', ')}] has no batch dim of 1 to train in batches`, { shape: input.shape });
  const last = graph.ops.find((op) => op.outputs[0] === graph.outputs[0]);
  const logits = last?.kind === 'SOFTMAX' ? last.inputs[0]! : graph.outputs[0]!;
  if (graph.tensors[logits]!.shape.length !== 2) {
    throw new UnsupportedError(`the logits ${graph.tensors[logits]!.name} [${graph.tensors[logits]!.shape.join(', ')}] are not [1, classes]`, { shape: graph.tensors[logits]!.shape });
  }

  const variables: tf.Variable[] = [];
  const weights = new Map<number, { weight: tf.Variable; bias: tf.Variable }>();
  const byTensor = new Map<number, tf.Variable>();
  const variable = (id: number, make: () => tf.Tensor): tf.Variable => {
    const seen = byTensor.get(id);
    if (seen) return seen;
    // unnamed: tfjs names variables uniquely per process, and two graphs may train side by side
    const v = tf.tidy(() => tf.variable(make(), true));
    variables.push(v);
    if (id >= 0) byTensor.set(id, v);
    return v;
  };
  graph.ops.forEach((op, i) => {
    if (!isWeighted(op)) return;
    const w = graph.tensors[op.inputs[1]!]!;
    const outChannels = op.kind === 'FULLY_CONNECTED' ? w.shape[0]! : w.shape[op.kind === 'CONV_2D' ? 0 : 3]!;
    const biasId = op.inputs[2] ?? -1;
    weights.set(i, {
      weight: variable(w.id, () => toTfjsLayout(op, w, graph)),
      bias: variable(biasId, () => (biasId >= 0 ? tf.tensor1d(floats(graph.tensors[biasId]!)) : tf.zeros([outChannels]))),
    });
  });
  const batchNorms = new Map<number, BatchNorm>();
  for (const i of options.batchNorm ?? []) {
    const op = graph.ops[i];
    if (!op || (op.kind !== 'CONV_2D' && op.kind !== 'DEPTHWISE_CONV_2D')) throw new UnsupportedError(`batch norm after node ${i}: only CONV_2D and DEPTHWISE_CONV_2D take one`, { node: i });
    // folding rewrites the op's weights and bias: another op reading them would change too
    const sharer = graph.ops.findIndex((o, j) => j !== i && o.inputs.some((id) => id >= 0 && (id === op.inputs[1] || id === op.inputs[2])));
    if (sharer >= 0) throw new UnsupportedError(`batch norm after ${op.kind} at node ${i}: its weights or bias are shared with ${graph.ops[sharer]!.kind} at node ${sharer}, so it cannot be folded`, { node: i, sharer });
    const channels = graph.tensors[op.outputs[0]!]!.shape[3]!;
    const gamma = tf.variable(tf.ones([channels]), true);
    const beta = tf.variable(tf.zeros([channels]), true);
    variables.push(gamma, beta);
    batchNorms.set(i, { gamma, beta, movingMean: tf.variable(tf.zeros([channels]), false), movingVariance: tf.variable(tf.ones([channels]), false) });
  }

  const constants = new Map<number, tf.Tensor>();
  const constant = (id: number): tf.Tensor => {
    let c = constants.get(id);
    if (!c) {
      const t = graph.tensors[id]!;
      c = tf.keep(tf.tensor(floats(t), t.shape, 'float32'));
      constants.set(id, c);
    }
    return c;
  };

  const hookWeight = options.hooks?.weight ?? ((_n: number, _k: WeightedKind, w: tf.Tensor) => w);
  const hookActivation = options.hooks?.activation ?? ((_id: number, y: tf.Tensor) => y);

  function forward(x: tf.Tensor, { training = false } = {}): tf.Tensor2D {
    const batch = x.shape[0]!;
    const values = new Map<number, tf.Tensor>([[input.id, hookActivation(input.id, x, training)]]);
    const get = (id: number): tf.Tensor => values.get(id) ?? (byTensor.get(id) as tf.Tensor | undefined) ?? constant(id);
    for (let i = 0; i < graph.ops.length; i++) {
      const op = graph.ops[i]!;
      if (op.kind === 'SOFTMAX' && op.inputs[0] === logits) break; // trained on the logits
      const out = graph.tensors[op.outputs[0]!]!;
      const where = `${op.kind} at node ${i}`;
      const a = get(op.inputs[0]!);
      let y: tf.Tensor;
      switch (op.kind) {
        case 'CONV_2D':
        case 'DEPTHWISE_CONV_2D': {
          const { bias } = weights.get(i)!;
          const weight = hookWeight(i, op.kind, weights.get(i)!.weight);
          const inT = graph.tensors[op.inputs[0]!]!;
          const pad = tfPad(op.attrs.pad, inT, out, [weight.shape[0]!, weight.shape[1]!], op.attrs.stride, true, where);
          const conv = op.kind === 'CONV_2D'
            ? tf.conv2d(a as tf.Tensor4D, weight as tf.Tensor4D, op.attrs.stride, pad)
            : tf.depthwiseConv2d(a as tf.Tensor4D, weight as tf.Tensor4D, op.attrs.stride, pad);
          const bn = batchNorms.get(i);
          y = applyClamp(bn ? batchNorm(tf.add(conv, bias), bn, training) : tf.add(conv, bias), op.attrs.clamp);
          break;
        }
        case 'FULLY_CONNECTED': {
          const { bias } = weights.get(i)!;
          const weight = hookWeight(i, op.kind, weights.get(i)!.weight);
          const rows = tf.reshape(a, [-1, weight.shape[1]!]);
          const dense = tf.add(tf.matMul(rows, weight as tf.Tensor2D, false, true), bias);
          y = tf.reshape(applyClamp(dense, op.attrs.clamp), batched(out.shape, batch));
          break;
        }
        case 'AVERAGE_POOL_2D':
        case 'MAX_POOL_2D': {
          const pad = tfPad(op.attrs.pad, graph.tensors[op.inputs[0]!]!, out, op.attrs.filter, op.attrs.stride, false, where) as 'same' | 'valid';
          const pool = op.kind === 'MAX_POOL_2D' ? tf.maxPool : tf.avgPool;
          y = applyClamp(pool(a as tf.Tensor4D, op.attrs.filter, op.attrs.stride, pad), op.attrs.clamp);
          break;
        }
        case 'ADD':
          y = applyClamp(tf.add(a, get(op.inputs[1]!)), op.attrs.clamp);
          break;
        case 'SUB':
          y = applyClamp(tf.sub(a, get(op.inputs[1]!)), op.attrs.clamp);
          break;
        case 'MUL':
          y = applyClamp(tf.mul(a, get(op.inputs[1]!)), op.attrs.clamp);
          break;
        case 'RESHAPE':
        case 'SQUEEZE':
          y = tf.reshape(a, batched(out.shape, batch));
          break;
        case 'SOFTMAX':
          y = tf.softmax(op.attrs.beta === 1 ? a : tf.mul(a, op.attrs.beta));
          break;
        case 'MEAN':
          y = tf.reshape(tf.mean(a, op.attrs.axes), batched(out.shape, batch));
          break;
        case 'PAD':
        case 'PADV2': {
          const value = op.kind === 'PADV2' && op.inputs[2] !== undefined && op.inputs[2] >= 0 ? floats(graph.tensors[op.inputs[2]]!)[0]! : 0;
          y = tf.pad(a, op.attrs.paddings, value);
          break;
        }
        case 'CONCATENATION':
          y = applyClamp(tf.concat(op.inputs.map(get), op.attrs.axis), op.attrs.clamp);
          break;
        case 'RELU':
          y = tf.relu(a);
          break;
        case 'RELU6':
          y = tf.relu6(a);
          break;
        case 'RELU_N1_TO_1':
          y = tf.clipByValue(a, -1, 1);
          break;
        case 'LOGISTIC':
          y = tf.sigmoid(a);
          break;
        case 'TANH':
          y = tf.tanh(a);
          break;
        case 'LEAKY_RELU':
          y = tf.leakyRelu(a, op.attrs.alpha);
          break;
        case 'HARD_SWISH':
          y = tf.div(tf.mul(a, tf.relu6(tf.add(a, 3))), 6);
          break;
        default:
          throw new UnsupportedError(`the trainer cannot differentiate ${where}`, { op: op.kind, node: i });
      }
      values.set(op.outputs[0]!, hookActivation(op.outputs[0]!, y, training));
    }
    return tf.reshape(values.get(logits)!, [batch, -1]) as tf.Tensor2D;
  }

  const inputShape = input.shape.slice(1);
  return {
    graph,
    variables,
    weights,
    batchNorms,
    logits,
    inputShape,
    forward,
    dispose() {
      for (const v of variables) v.dispose();
      for (const bn of batchNorms.values()) [bn.movingMean, bn.movingVariance].forEach((v) => v.dispose());
      for (const c of constants.values()) c.dispose();
    },
  };
}

/** Batch norm over N, H, W: batch statistics while training (and the moving averages updated), moving ones after. */
function batchNorm(x: tf.Tensor, bn: BatchNorm, training: boolean): tf.Tensor {
  if (observing !== null) {
    // identityBatchNorms: the input's statistics recorded, the value passed on as the folded model computes it
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    accumulate(observing, bn, x, mean, variance);
    return x;
  }
  if (training) return batchNormTraining(x, bn);
  const scale = tf.div(bn.gamma, tf.sqrt(tf.add(bn.movingVariance, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, bn.movingMean), scale), bn.beta);
}

/** Per batch norm, the pixel-weighted sums of its batches' means and mean squares. */
type Recording = Map<BatchNorm, { mean: Float64Array; square: Float64Array; pixels: number }>;

/** While `recalibrateBatchNorms` runs: the statistics of the batch norms' inputs in training mode. */
let recording: Recording | null = null;
/** While `identityBatchNorms` runs: the statistics of the batch norms' inputs with every batch norm passing its input on unchanged. */
let observing: Recording | null = null;

/** Adds one batch's per-channel mean and variance of `x` (the input of `bn`) to `r`. */
function accumulate(r: Recording, bn: BatchNorm, x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): void {
  const pixels = x.size / x.shape[x.shape.length - 1]!;
  const [mv, vv] = [mean.dataSync(), variance.dataSync()];
  let sums = r.get(bn);
  if (!sums) r.set(bn, (sums = { mean: new Float64Array(mv.length), square: new Float64Array(mv.length), pixels: 0 }));
  for (let c = 0; c < mv.length; c++) (sums.mean[c]! += mv[c]! * pixels), (sums.square[c]! += (vv[c]! + mv[c]! * mv[c]!) * pixels);
  sums.pixels += pixels;
}

/** The population mean and (biased) variance per channel from a recording's sums. */
function population(sums: { mean: Float64Array; square: Float64Array; pixels: number }): { mean: Float32Array; variance: Float32Array } {
  const mean = Float32Array.from(sums.mean, (v) => v / sums.pixels);
  return { mean, variance: Float32Array.from(sums.square, (v, c) => Math.max(0, v / sums.pixels - mean[c]! * mean[c]!)) };
}

/** Training-mode batch norm: the batch's statistics, and the moving averages updated from them (or recorded). */
export function batchNormTraining(x: tf.Tensor, bn: BatchNorm): tf.Tensor {
  return normalizeByBatch(x, bn.gamma, bn.beta, BN_EPSILON, (mean, variance) => {
    if (recording !== null) {
      accumulate(recording, bn, x, mean, variance);
      return;
    }
    const m = BN_MOMENTUM;
    bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, m), tf.mul(mean, 1 - m)));
    bn.movingVariance.assign(tf.add(tf.mul(bn.movingVariance, m), tf.mul(variance, 1 - m)));
  });
}

/**
 * Per-channel normalization over N, H, W by the batch's own mean and (biased) variance, then γ and β, with its
 * gradient written out (dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂))): tfjs's autodiff of the same forward ran ~20
 * activation-sized kernels per layer, 7x the convs' CPU on DS-CNN. `onStats` sees the batch's statistics.
 */
export function normalizeByBatch(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, onStats?: (mean: tf.Tensor, variance: tf.Tensor) => void): tf.Tensor {
  if (tf.getKernel(BATCH_NORM, tf.getBackend()) !== undefined) return fusedNormalizeByBatch(x, gamma, beta, epsilon, onStats);
  const axes = [0, 1, 2];
  const count = x.size / x.shape[x.shape.length - 1]!;
  const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const mean = tf.mean(input, axes);
    const centered = tf.sub(input, mean);
    const variance = tf.div(tf.sum(tf.mul(centered, centered), axes), count);
    onStats?.(mean, variance);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    save([centered, invStd, g]);
    return {
      value: tf.add(tf.mul(centered, tf.mul(g, invStd)), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [c, s, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const d = dy as tf.Tensor;
        const xHat = tf.mul(c, s);
        const dBeta = tf.sum(d, axes);
        const dGamma = tf.sum(tf.mul(d, xHat), axes);
        const centeredDy = tf.sub(d, tf.div(dBeta, count));
        const dx = tf.mul(tf.sub(centeredDy, tf.mul(xHat, tf.div(dGamma, count))), tf.mul(gs, s));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return normalize(x, gamma, beta);
}

/** normalizeByBatch on the training backend's fused kernels (src/train/elementwise.ts): 5 passes instead of 11. */
function fusedNormalizeByBatch(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, onStats?: (mean: tf.Tensor, variance: tf.Tensor) => void): tf.Tensor {
  const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number>) =>
    tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs) as tf.Tensor[];
  const normalize = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, invStd, variance] = run(BATCH_NORM, { x: input, gamma: g, beta: b }, { epsilon });
    onStats?.(mean!, variance!);
    save([input, mean!, invStd!, g]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, m, s, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return run(BATCH_NORM_GRAD, { dy: dy as tf.Tensor, x: xs, mean: m, invStd: s, gamma: gs }, {});
      },
    };
  });
  return normalize(x, gamma, beta);
}

/**
 * Sets every batch norm's moving mean and variance to the population statistics of `inputs` (batches of model
 * inputs, disposed here), as Once-for-All re-calibrates a member: after a short run the momentum-0.99 averages still carry their
 * (0, 1) start and lag the weights, and the exported model folds them into its convs.
 */
export function recalibrateBatchNorms(t: TrainableGraph, inputs: Iterable<tf.Tensor>): void {
  if (t.batchNorms.size === 0) return;
  recording = new Map();
  try {
    for (const x of inputs) {
      tf.tidy(() => void t.forward(x, { training: true }));
      x.dispose();
    }
    for (const [bn, r] of recording) {
      const { mean, variance } = population(r);
      bn.movingMean.assign(tf.tensor1d(mean));
      bn.movingVariance.assign(tf.tensor1d(variance));
    }
  } finally {
    recording = null;
  }
}

/**
 * Makes every batch norm the identity at the statistics of `inputs` (batches of model inputs, disposed here), for
 * a model whose batch norms were folded away (fine-tuning a pruned .tflite): moving mean and variance those of its
 * input with all batch norms passing their input on, γ = √(variance + ε) and β = mean. Inference then computes what
 * the graph without them does, and folding them back (exportGraph) gives the same weights and bias; training mode
 * normalises each batch to those statistics.
 */
export function identityBatchNorms(t: TrainableGraph, inputs: Iterable<tf.Tensor>): void {
  if (t.batchNorms.size === 0) return;
  observing = new Map();
  try {
    for (const x of inputs) {
      tf.tidy(() => void t.forward(x));
      x.dispose();
    }
    for (const bn of t.batchNorms.values()) {
      const r = observing.get(bn);
      if (!r) continue; // not on the path to the logits: nothing reads it
      const { mean, variance } = population(r);
      bn.movingMean.assign(tf.tensor1d(mean));
      bn.movingVariance.assign(tf.tensor1d(variance));
      // the same float32 expression the fold divides by: γ / √(var + ε) is exactly 1
      tf.tidy(() => bn.gamma.assign(tf.sqrt(tf.add(bn.movingVariance, BN_EPSILON))));
      bn.beta.assign(tf.tensor1d(mean));
    }
  } finally {
    observing = null;
  }
}
