// Gradients of the tfjs kernels an IR graph's forward uses beyond the ones src/train/gradients.ts
// registers (tfjs-core's Node bundle ships none): ports of tfjs-core 4.9.0's src/gradients (Apache-2.0),
// registered only where none is registered yet.
import * as tf from '@tensorflow/tfjs-core';
import { RELU6_GRAD } from './elementwise.js';

type Attrs = Record<string, unknown>;
const one = (f: (dy: tf.Tensor, saved: tf.Tensor[], attrs: Attrs) => Record<string, () => tf.Tensor>): tf.GradFunc =>
  (dy, saved, attrs) => f(dy as tf.Tensor, saved, attrs as Attrs);
const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor =>
  tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
/** 1 where lo < x < hi (strict, as tfjs's Relu6/ClipByValue gradients), else 0. */
const inside = (x: tf.Tensor, lo: number, hi: number): tf.Tensor => tf.cast(tf.logicalAnd(tf.greater(x, lo), tf.less(x, hi)), 'float32');

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: 'Relu6', inputsToSave: ['x'], gradFunc: one((dy, [x]) => ({
      // One pass where the fused kernel is registered ('tinyforge'); five tfjs ops elsewhere.
      x: () => (tf.getKernel(RELU6_GRAD, tf.getBackend()) ? run(RELU6_GRAD, { dy, x: x! }, {}) : tf.mul(dy, inside(x!, 0, 6))),
    })),
  },
  {
    kernelName: 'ClipByValue', inputsToSave: ['x'],
    gradFunc: one((dy, [x], attrs) => ({ x: () => tf.where(tf.logicalAnd(tf.greaterEqual(x!, attrs.clipValueMin as number), tf.lessEqual(x!, attrs.clipValueMax as number)), dy, tf.zerosLike(dy)) })),
  },
  { kernelName: 'Sqrt', inputsToSave: ['x'], gradFunc: one((dy, [x]) => ({ x: () => tf.div(dy, tf.mul(tf.sqrt(tf.cast(x!, 'float32')), 2)) })) },
  { kernelName: 'Sigmoid', outputsToSave: [true], gradFunc: one((dy, [y]) => ({ x: () => tf.mul(dy, tf.mul(y!, tf.sub(1, y!))) })) },
  { kernelName: 'Tanh', outputsToSave: [true], gradFunc: one((dy, [y]) => ({ x: () => tf.mul(dy, tf.sub(1, tf.square(y!))) })) },
  {
    kernelName: 'LeakyRelu', inputsToSave: ['x'],
    gradFunc: one((dy, [x], attrs) => ({ x: () => tf.where(tf.greater(x!, 0), dy, tf.mul(dy, attrs.alpha as number)) })),
  },
  {
    kernelName: 'Softmax', outputsToSave: [true],
    gradFunc: one((dy, [y], attrs) => {
      const dim = attrs.dim as number;
      return { logits: () => tf.sub(tf.mul(dy, y!), tf.mul(tf.sum(tf.mul(dy, y!), [dim], true), y!)) };
    }),
  },
  {
    kernelName: 'AvgPool', inputsToSave: ['x'],
    gradFunc: one((dy, [x], attrs) => {
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      return { x: () => run('AvgPoolGrad', { dy, input: x! }, { filterSize, strides, pad, dimRoundingMode }) };
    }),
  },
  {
    kernelName: 'PadV2', inputsToSave: ['x'],
    gradFunc: one((dy, [x], attrs) => {
      const paddings = attrs.paddings as Array<[number, number]>;
      return { x: () => tf.slice(dy, paddings.map((p) => p[0]), x!.shape) };
    }),
  },
  {
    kernelName: 'Concat', saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const shapes = saved.map((t) => t.shape);
      const axis = tf.util.parseAxisParam((attrs as Attrs).axis as number, saved[0]!.shape)[0]!;
      const parts = tf.split(dy as tf.Tensor, shapes.map((s) => s[axis]!), axis);
      return Object.fromEntries(parts.map((p, i) => [i, () => p]));
    },
  },
];

/** Registers the gradients above that tfjs does not have yet (idempotent). */
export function registerGraphGradients(): void {
  for (const g of GRADIENTS) if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
}
