// MobileNetV2 (Sandler et al. 2018) as Keras builds it, at width 0.35 on a 144x144x3 int8 image, with a
// 2-class (person / no person, like Visual Wake Words) head. Random weights from the seed: a workload
// with the real model's structure, sizes and quantization, not a trained classifier.
import { makeDivisible, ModelBuilder, type TensorHandle } from '../../src/builder/index.js';
import type { Graph } from '../../src/ir/graph.js';

export { makeDivisible };

export interface MobileNetV2Options {
  alpha?: number;
  resolution?: number;
  classes?: number;
  seed?: number;
}

/** (expansion t, channels c, repeats n, first stride s), the paper's Table 2. */
const BLOCKS: Array<[number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export function buildMobileNetV2(options: MobileNetV2Options = {}): Graph {
  const { alpha = 0.35, resolution = 144, classes = 2, seed = 1 } = options;
  const tag = `${Math.round(alpha * 100)
    .toString()
    .padStart(3, '0')}-${resolution}`;
  const b = new ModelBuilder({
    name: `mobilenetv2-${tag}`,
    seed,
    description: `MobileNetV2 width ${alpha}, ${resolution}x${resolution}x3 int8, ${classes} classes (tinyforge builder, seed ${seed})`,
  });
  // Keras' preprocessing maps pixels to [-1, 1].
  const image = b.input('input', [1, resolution, resolution, 3], { scale: 1 / 128, zeroPoint: 0 });
  let x = b.conv2d(image, { name: 'Conv1', filters: makeDivisible(32 * alpha), kernel: 3, stride: 2, activation: 'relu6' });
  let block = 0;
  for (const [t, c, n, s] of BLOCKS) {
    const out = makeDivisible(c * alpha);
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, t, out, i === 0 ? s : 1, block++);
  }
  // Keras keeps 1280 features at widths <= 1.
  x = b.conv2d(x, { name: 'Conv_1', filters: alpha > 1 ? makeDivisible(1280 * alpha) : 1280, kernel: 1, activation: 'relu6' });
  x = b.mean(x, { name: 'global_average_pooling2d', axes: [1, 2] });
  x = b.fullyConnected(x, { name: 'predictions', units: classes, zeroMeanWeights: true, weightGain: 0.1 });
  b.output(b.softmax(x, { name: 'softmax' }));
  return b.build();
}

function invertedResidual(b: ModelBuilder, x: TensorHandle, expansion: number, out: number, stride: number, id: number): TensorHandle {
  const inC = x.shape[3]!;
  const prefix = id === 0 ? 'expanded_conv' : `block_${id}`;
  let h = x;
  if (expansion !== 1) h = b.conv2d(h, { name: `${prefix}_expand`, filters: inC * expansion, kernel: 1, activation: 'relu6' });
  if (stride === 2) {
    // Keras: ZeroPadding2D(correct_pad) then a VALID depthwise conv, which the converter keeps as PAD.
    const pad = (size: number): [number, number] => [size % 2 === 0 ? 0 : 1, 1];
    h = b.pad(h, [[0, 0], pad(h.shape[1]!), pad(h.shape[2]!), [0, 0]], { name: `${prefix}_pad` });
    h = b.depthwiseConv2d(h, { name: `${prefix}_depthwise`, kernel: 3, stride: 2, padding: 'valid', activation: 'relu6' });
  } else {
    h = b.depthwiseConv2d(h, { name: `${prefix}_depthwise`, kernel: 3, activation: 'relu6' });
  }
  h = b.conv2d(h, { name: `${prefix}_project`, filters: out, kernel: 1 });
  if (stride === 1 && inC === out) h = b.add(x, h, { name: `${prefix}_add` });
  return h;
}
