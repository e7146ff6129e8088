// Gradient functions for the kernels the training nets use. tfjs-core's Node bundle (tf-core.node.js, the
// CJS entry both tfjs-core and tfjs-backend-cpu load) ships the autodiff engine but registers no
// gradients (the union @tensorflow/tfjs package does that); these are ports of tfjs-core 4.9.0's
// src/gradients/*_grad.ts (Apache-2.0), registered only where none is registered yet.
import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD } from './elementwise.js';

type Saved = tf.Tensor[];
type Attrs = Record<string, unknown>;

/** dy summed over the axes `shape` was broadcast along, back to `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

/** dy expanded over the reduced `axis` of x. */
function unreduce(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.mul(tf.reshape(dy, shape), tf.ones(x.shape, 'float32'));
}

function binary(gradA: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor, gradB: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  return (dy: tf.Tensor, [a, b]: Saved) => {
    const out = tf.broadcast_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return { a: () => unbroadcast(gradA(dy, a!, b!), a!.shape, out), b: () => unbroadcast(gradB(dy, a!, b!), b!.shape, out) };
  };
}

function noDilation(attrs: Attrs, op: string): void {
  const d = (attrs.dilations ?? 1) as number | number[];
  if (!(Array.isArray(d) ? d : [d]).every((v) => v === 1)) throw new Error(`gradient of ${op}: dilation ${String(d)} is not supported (tfjs has none)`);
}

type Grad = (dy: tf.Tensor, saved: Saved, attrs: Attrs) => Record<string, () => tf.Tensor>;
/** tfjs passes one dy for single-output kernels, which all of these are. */
const one = (f: Grad): tf.GradFunc => (dy, saved, attrs) => f(dy as tf.Tensor, saved, attrs as Attrs);

const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Attrs): tf.Tensor =>
  tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;

const GRADIENTS: tf.GradConfig[] = [
  { kernelName: 'Add', inputsToSave: ['a', 'b'], gradFunc: one(binary((dy) => dy, (dy) => dy)) },
  { kernelName: 'Sub', inputsToSave: ['a', 'b'], gradFunc: one(binary((dy) => dy, (dy) => tf.neg(dy))) },
  { kernelName: 'Multiply', inputsToSave: ['a', 'b'], gradFunc: one(binary((dy, _a, b) => tf.mul(dy, tf.cast(b, 'float32')), (dy, a) => tf.mul(dy, tf.cast(a, 'float32')))) },
  { kernelName: 'RealDiv', inputsToSave: ['a', 'b'], gradFunc: one(binary((dy, _a, b) => tf.div(dy, tf.cast(b, 'float32')),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, tf.cast(a, 'float32')), tf.cast(tf.square(b), 'float32'))))) },
  { kernelName: 'Neg', gradFunc: one((dy: tf.Tensor) => ({ x: () => tf.neg(dy) })) },
  { kernelName: 'Exp', outputsToSave: [true], gradFunc: one((dy: tf.Tensor, [y]: Saved) => ({ x: () => tf.mul(dy, y!) })) },
  { kernelName: 'Cast', gradFunc: one((dy: tf.Tensor) => ({ x: () => tf.clone(dy) })) },
  { kernelName: 'Identity', gradFunc: one((dy: tf.Tensor) => ({ x: () => tf.cast(dy, 'float32') })) },
  {
    kernelName: 'Relu', inputsToSave: ['x'], gradFunc: one((dy: tf.Tensor, [x]: Saved) => ({
      // One pass where the fused kernel is registered ('tinyforge'); tfjs's own three ops elsewhere.
      x: () => (tf.getKernel(RELU_GRAD, tf.getBackend()) ? run(RELU_GRAD, { dy, x: x! }, {}) : tf.mul(dy, tf.cast(tf.step(x!), 'float32'))),
    })),
  },
  { kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: one((dy: tf.Tensor, [x]: Saved) => ({ x: () => tf.reshape(dy, x!.shape) })) },
  { kernelName: 'Sum', inputsToSave: ['x'], gradFunc: one((dy: tf.Tensor, [x]: Saved, attrs: Attrs) => ({ x: () => unreduce(dy, x!, attrs.axis) })) },
  {
    kernelName: 'Mean', inputsToSave: ['x'], gradFunc: one((dy: tf.Tensor, [x]: Saved, attrs: Attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
      const count = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x!.shape, axes)[1]);
      return { x: () => tf.div(unreduce(dy, x!, attrs.axis), count) };
    }),
  },
  {
    kernelName: 'BatchMatMul', inputsToSave: ['a', 'b'], gradFunc: one((dy: tf.Tensor, [a, b]: Saved, attrs: Attrs) => {
      const tA = attrs.transposeA as boolean;
      const tB = attrs.transposeB as boolean;
      if (!tA && !tB) return { a: () => tf.matMul(dy, b!, false, true), b: () => tf.matMul(a!, dy, true, false) };
      if (!tA && tB) return { a: () => tf.matMul(dy, b!, false, false), b: () => tf.matMul(dy, a!, true, false) };
      if (tA && !tB) return { a: () => tf.matMul(b!, dy, false, true), b: () => tf.matMul(a!, dy, false, false) };
      return { a: () => tf.matMul(b!, dy, true, true), b: () => tf.matMul(dy, a!, true, true) };
    }),
  },
  {
    kernelName: 'Conv2D', inputsToSave: ['x', 'filter'], gradFunc: one((dy: tf.Tensor, [x, filter]: Saved, attrs: Attrs) => {
      noDilation(attrs, 'Conv2D');
      const { strides, pad, dataFormat, dimRoundingMode } = attrs;
      return {
        x: () => run('Conv2DBackpropInput', { dy, filter: filter! }, { strides, pad, dataFormat, dimRoundingMode, inputShape: x!.shape }),
        filter: () => run('Conv2DBackpropFilter', { x: x!, dy }, { strides, pad, dataFormat, dimRoundingMode, filterShape: filter!.shape }),
      };
    }),
  },
  {
    kernelName: 'DepthwiseConv2dNative', inputsToSave: ['x', 'filter'], gradFunc: one((dy: tf.Tensor, [x, filter]: Saved, attrs: Attrs) => {
      noDilation(attrs, 'DepthwiseConv2dNative');
      const { strides, pad, dimRoundingMode } = attrs;
      const dilations = [1, 1];
      return {
        x: () => run('DepthwiseConv2dNativeBackpropInput', { dy, filter: filter! }, { strides, pad, dilations, dimRoundingMode, inputShape: x!.shape }),
        filter: () => run('DepthwiseConv2dNativeBackpropFilter', { x: x!, dy }, { strides, pad, dilations, dimRoundingMode, filterShape: filter!.shape }),
      };
    }),
  },
  {
    kernelName: 'MaxPool', inputsToSave: ['x'], outputsToSave: [true], gradFunc: one((dy: tf.Tensor, [x, y]: Saved, attrs: Attrs) => {
      const { filterSize, strides, pad, dimRoundingMode } = attrs;
      return { x: () => run('MaxPoolGrad', { dy, input: x!, output: y! }, { filterSize, strides, pad, dimRoundingMode }) };
    }),
  },
];

/** Registers the gradients above that tfjs does not have yet (idempotent). */
export function registerTrainGradients(): void {
  for (const g of GRADIENTS) if (tf.getGradient(g.kernelName) === undefined) tf.registerGradient(g);
}
