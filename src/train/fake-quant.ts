// Quantization-aware training (issue #12 part 3): the trainable graph's forward with fake quantization
// — weights per output channel symmetric int8, activations asymmetric int8 over EMA-tracked ranges —
// and the straight-through estimator as gradient; exported through src/quantize's int8 writer with those
// ranges, so the int8 model is the one the training simulated.
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { calibratedTensors, checkQuantizable, quantizeGraph, type RangeTable } from '../quantize/index.js';
import { asymmetricInt8 } from '../quantize/schemes.js';
import { exportGraph } from './export.js';
import { trainableGraph, type TrainableGraph, type WeightedKind } from './graph.js';

/** EMA decay of the activation ranges per training step. */
export const RANGE_MOMENTUM = 0.99;

type StraightThrough = (x: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor };
/** tf.customGrad over one tensor (its typing takes a rest parameter of tensors and the save function). */
const customGrad1 = (f: StraightThrough): ((x: tf.Tensor) => tf.Tensor) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** Symmetric int8 per output channel (narrow range, |max| / 127 per channel), gradient passed straight through. */
export function fakeQuantWeight(kind: WeightedKind, w: tf.Tensor): tf.Tensor {
  return customGrad1((x, save) => {
    save([]);
    const value = tf.tidy(() => {
      // tfjs layouts: conv [H,W,I,O] and depthwise [H,W,C,M] have output channels last (c*M + m); dense [O,I] first
      const channels = kind === 'FULLY_CONNECTED' ? x.shape[0]! : kind === 'CONV_2D' ? x.shape[3]! : x.shape[2]! * x.shape[3]!;
      const rows = kind === 'FULLY_CONNECTED' ? tf.transpose(x) : tf.reshape(x, [-1, channels]);
      const absMax = tf.max(tf.abs(rows), 0);
      const scale = tf.where(tf.equal(absMax, 0), tf.onesLike(absMax), tf.div(absMax, 127));
      const q = tf.mul(tf.clipByValue(tf.round(tf.div(rows, scale)), -127, 127), scale);
      return kind === 'FULLY_CONNECTED' ? tf.transpose(q) : tf.reshape(q, x.shape);
    });
    return { value, gradFunc: (dy) => dy };
  })(w);
}

/** Asymmetric int8 with TFLite's params for [lo, hi]; the gradient passes where x is inside the representable range, else 0. */
export function fakeQuantActivation(x: tf.Tensor, [lo, hi]: [number, number]): tf.Tensor {
  const { scale, zeroPoint } = asymmetricInt8(lo, hi);
  const min = (-128 - zeroPoint) * scale;
  const max = (127 - zeroPoint) * scale;
  const f = customGrad1((v, save) => {
    save([v]);
    const value = tf.tidy(() => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(v, scale)), zeroPoint), -128, 127), zeroPoint), scale));
    return {
      value,
      gradFunc: (dy, [saved]) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(saved!, min), tf.lessEqual(saved!, max)), 'float32')),
    };
  });
  return f(x);
}

export interface QatModel {
  readonly trainable: TrainableGraph;
  /** The EMA-tracked [min, max] of every activation the int8 model gives its own parameters. */
  readonly ranges: RangeTable;
  /** The int8 graph (float I/O) from the trained weights and tracked ranges. */
  exportInt8(model?: string): Graph;
  dispose(): void;
}

/**
 * A float graph prepared for quantization-aware training; it must be quantizable (src/quantize). The IR
 * has no batch-norm op: a float .tflite (as `train` writes it) has them folded into the conv weights, so
 * fake quantization sees the folded weights, as TFLite's converter will.
 */
export function qatGraph(graph: Graph, model = graph.name || 'model', momentum = RANGE_MOMENTUM): QatModel {
  checkQuantizable(graph, model);
  const tracked = new Set(calibratedTensors(graph));
  const ranges: RangeTable = new Map();
  const trainable = trainableGraph(graph, {
    hooks: {
      weight: (_node, kind, w) => fakeQuantWeight(kind, w),
      activation: (id, x, training) => {
        if (!tracked.has(id)) return x;
        const seen = ranges.get(id);
        if (training || !seen) {
          const lo = tf.min(x).dataSync()[0]!;
          const hi = tf.max(x).dataSync()[0]!;
          ranges.set(id, seen && training ? [momentum * seen[0] + (1 - momentum) * lo, momentum * seen[1] + (1 - momentum) * hi] : [lo, hi]);
        }
        return fakeQuantActivation(x, ranges.get(id)!);
      },
    },
  });
  return {
    trainable,
    ranges,
    exportInt8: (name = model) => {
      const missing = [...tracked].filter((id) => !ranges.has(id));
      if (missing.length > 0) throw new UnsupportedError(`${name}: no range tracked yet for ${missing.map((id) => `'${graph.tensors[id]!.name}'`).join(', ')}: run a forward pass first`, { tensors: missing });
      return quantizeGraph(exportGraph(trainable), ranges, name);
    },
    dispose: () => trainable.dispose(),
  };
}
