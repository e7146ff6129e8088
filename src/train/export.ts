// The trained variables written back into a float Graph (batch norms folded into their conv's weights
// and bias: the exported graph has none), and that graph as float .tflite bytes.
import * as tf from '@tensorflow/tfjs-core';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { writeTflite } from '../import/tflite/write.js';
import { BN_EPSILON, toTfliteLayout, type BatchNorm, type TrainableGraph } from './graph.js';

const bytes = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();

/** Weight and bias with the batch norm folded in: w * s and b * s + (beta - mean * s), s = gamma / sqrt(var + eps) per output channel (exactly w and b for identityBatchNorms' s = 1, beta = mean). */
function fold(kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D', weight: tf.Tensor, bias: tf.Tensor, bn: BatchNorm): { weight: tf.Tensor; bias: tf.Tensor } {
  return tf.tidy(() => {
    const s = tf.div(bn.gamma, tf.sqrt(tf.add(bn.movingVariance, BN_EPSILON)));
    // conv [H,W,I,O]: O is the last dim; depthwise [H,W,C,M]: output channel c*M + m
    const perWeight = kind === 'CONV_2D' ? s : tf.reshape(s, [weight.shape[2]!, weight.shape[3]!]);
    return { weight: tf.keep(tf.mul(weight, perWeight)), bias: tf.keep(tf.add(tf.mul(bias, s), tf.sub(bn.beta, tf.mul(bn.movingMean, s)))) };
  });
}

/** A copy of the trainable graph's source graph holding the trained weights (float32, TFLite layout). */
export function exportGraph(t: TrainableGraph): Graph {
  const tensors: Tensor[] = t.graph.tensors.map((x) => ({ ...x }));
  const ops: AnyOp[] = t.graph.ops.map((op) => ({ ...op, inputs: op.inputs.slice() }) as AnyOp);
  for (const [i, { weight, bias }] of t.weights) {
    const op = ops[i]!;
    const kind = op.kind as 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';
    const bn = t.batchNorms.get(i);
    const folded = bn && kind !== 'FULLY_CONNECTED' ? fold(kind, weight, bias, bn) : null;
    const w = folded?.weight ?? weight;
    const b = folded?.bias ?? bias;
    tensors[op.inputs[1]!] = { ...tensors[op.inputs[1]!]!, data: bytes(toTfliteLayout(kind, w)) };
    const biasValues = (b.dataSync() as Float32Array).slice();
    const biasId = op.inputs[2] ?? -1;
    if (biasId >= 0) {
      tensors[biasId] = { ...tensors[biasId]!, data: bytes(biasValues) };
    } else {
      const id = tensors.length;
      tensors.push({ id, name: `${tensors[op.outputs[0]!]!.name}/bias`, shape: [biasValues.length], shapeSignature: null, dtype: 'float32', quant: null, data: bytes(biasValues), isVariable: false });
      op.inputs[2] = id;
    }
    folded?.weight.dispose();
    folded?.bias.dispose();
  }
  return { ...t.graph, tensors, ops };
}

/** The trained graph as float .tflite bytes. */
export function exportTflite(t: TrainableGraph): Uint8Array {
  return writeTflite(exportGraph(t));
}
