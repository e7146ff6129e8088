// Defining int8 models in code: the demo models and the tests build their graphs with this.
//
//   const b = new ModelBuilder({ name: 'tiny', seed: 1 });
//   const x = b.input('x', [1, 32, 32, 3], { scale: 1 / 128, zeroPoint: 0 });
//   let h = b.conv2d(x, { filters: 8, kernel: 3, stride: 2, activation: 'relu6' });
//   h = b.depthwiseConv2d(h, { kernel: 3, activation: 'relu6' });
//   h = b.mean(h); // global average pool -> [1, 8]
//   b.output(b.softmax(b.fullyConnected(h, { units: 2 })));
//   const graph = b.build(); // exactly what readTflite(writeTflite(graph)) gives back
export {
  ModelBuilder,
  quantForRange,
  type Activation,
  type ConcatenationOptions,
  type Conv2DOptions,
  type DepthwiseConv2DOptions,
  type FullyConnectedOptions,
  type MeanOptions,
  type ModelBuilderOptions,
  type PaddingMode,
  type Pair,
  type Pool2DOptions,
  type QuantizeOptions,
  type QuantSpec,
  type SoftmaxOptions,
  type TensorHandle,
} from './model-builder.js';
export { makeDivisible } from './channels.js';
export { mixSeed, syntheticInputBytes, syntheticInputs, syntheticSample, Xorshift32 } from './random.js';
