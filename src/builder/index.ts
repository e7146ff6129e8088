// Defining int8 models in code: the demo models and the tests build their graphs with this.
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
export { mixSeed, syntheticInputBytes, syntheticInputs, syntheticSample, Xorshift32 } from './random.js';
