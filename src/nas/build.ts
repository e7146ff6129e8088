// A member of the search space as an int8 graph built with the builder: stem 3x3/2 conv, then per stage
// MobileNetV2 inverted residual blocks (1x1 expand, kxk depthwise, 1x1 project, residual when shapes
// match), a 1x1 head, global average pooling and a classifier. Random weights: the graph is for cost.
import { makeDivisible, ModelBuilder, type TensorHandle } from '../builder/index.js';
import type { Graph } from '../ir/graph.js';
import { archKey, type Arch, type SearchSpace } from './space.js';

export interface BuildArchOptions {
  seed?: number;
  /** The builder's calibration samples (default 0: no shadow pass; activation ranges change no cost figure). */
  calibrationSamples?: number;
}

export function buildArch(space: SearchSpace, arch: Arch, options: BuildArchOptions = {}): Graph {
  const b = new ModelBuilder({
    name: `nas-${archKey(arch)}`,
    seed: options.seed ?? 1,
    calibrationSamples: options.calibrationSamples ?? 0,
    description: `tinyforge nas member ${archKey(arch)} of space ${space.name} (random weights)`,
  });
  const image = b.input('input', [1, arch.resolution, arch.resolution, space.inputChannels], { scale: 1 / 128, zeroPoint: 0 });
  let x = b.conv2d(image, { name: 'stem', filters: makeDivisible(space.stemChannels * arch.width), kernel: 3, stride: 2, activation: 'relu6' });
  arch.stages.forEach((blocks, s) => {
    const spec = space.stages[s]!;
    const out = makeDivisible(spec.channels * arch.width);
    blocks.forEach((block, i) => {
      x = invertedResidual(b, x, block.kernel, block.expand, out, i === 0 ? spec.stride : 1, `s${s}b${i}`);
    });
  });
  if (space.headChannels > 0) x = b.conv2d(x, { name: 'head', filters: space.headChannels, kernel: 1, activation: 'relu6' });
  x = b.mean(x, { name: 'pool', axes: [1, 2] });
  x = b.fullyConnected(x, { name: 'classifier', units: space.classes, zeroMeanWeights: true, weightGain: 0.1 });
  b.output(b.softmax(x, { name: 'softmax' }));
  return b.build();
}

function invertedResidual(b: ModelBuilder, x: TensorHandle, kernel: number, expand: number, out: number, stride: number, name: string): TensorHandle {
  const inC = x.shape[3]!;
  let h = b.conv2d(x, { name: `${name}_expand`, filters: inC * expand, kernel: 1, activation: 'relu6' });
  h = b.depthwiseConv2d(h, { name: `${name}_dw`, kernel, stride, activation: 'relu6' });
  h = b.conv2d(h, { name: `${name}_project`, filters: out, kernel: 1 });
  return stride === 1 && inC === out ? b.add(x, h, { name: `${name}_add` }) : h;
}
