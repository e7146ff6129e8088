// The named training architectures as float IR graphs (sized for MCUs), built from a seed.
import { UsageError } from '../../errors.js';
import { FloatGraphBuilder, type FloatArch } from './float-graph.js';

export interface ArchOptions {
  /** The input image [H, W, C]. */
  input: [number, number, number];
  classes: number;
  seed: number;
  /** mobilenetv2: channel multiplier. */
  width?: number;
}

/** LeNet-like (h8's benchmark sizes): conv 3x3 32 -> max pool 2 -> conv 3x3 64 -> max pool 2 -> dense 128 -> dense classes -> softmax. */
export function lenetGraph({ input: [h, w, c], classes, seed }: ArchOptions): FloatArch {
  const b = new FloatGraphBuilder(seed);
  let x = b.image(h, w, c);
  x = b.maxPool('pool1', b.conv('conv1', x, 32, 3, 1, 'RELU'), 2);
  x = b.maxPool('pool2', b.conv('conv2', x, 64, 3, 1, 'RELU'), 2);
  x = b.dense('dense1', b.flatten('flatten', x), 128, 'RELU');
  return b.finish('lenet', b.softmax('softmax', b.dense('logits', x, classes, 'NONE')));
}

/** DS-CNN (MLPerf Tiny KWS's shape): conv 3x3/2 64, four depthwise-separable blocks, global average pool, dense; batch norm after every conv. */
export function dsCnnGraph({ input: [h, w, c], classes, seed }: ArchOptions, width = 64, blocks = 4): FloatArch {
  const b = new FloatGraphBuilder(seed);
  let x = b.conv('conv0', b.image(h, w, c), width, 3, 2, 'RELU', { batchNorm: true });
  for (let i = 0; i < blocks; i++) {
    x = b.depthwise(`block${i}/dw`, x, 3, 1, 'RELU', { batchNorm: true });
    x = b.conv(`block${i}/pw`, x, width, 1, 1, 'RELU', { batchNorm: true });
  }
  x = b.globalAveragePool('pool', x);
  return b.finish('ds-cnn', b.softmax('softmax', b.dense('logits', x, classes, 'NONE')));
}

/** Channels rounded to a multiple of 8, never more than 10% below the exact value (MobileNet's _make_divisible). */
export function divisible(v: number, by = 8): number {
  const r = Math.max(by, Math.floor((v + by / 2) / by) * by);
  return r < 0.9 * v ? r + by : r;
}

/** MobileNetV2's (expansion, channels, repeats, stride) stages. */
const MOBILENETV2_STAGES: Array<[number, number, number, number]> = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/** MobileNetV2 at a width multiplier: inverted residual blocks (expand 1x1, depthwise 3x3, linear project 1x1, ADD when shapes agree), batch norm after every conv. */
export function mobilenetV2Graph({ input: [h, w, c], classes, seed, width = 1 }: ArchOptions): FloatArch {
  if (!(width > 0 && width <= 4)) throw new UsageError(`--width must be in (0, 4], got ${width}`, { width });
  const b = new FloatGraphBuilder(seed);
  let channels = divisible(32 * width);
  let x = b.conv('conv0', b.image(h, w, c), channels, 3, 2, 'RELU6', { batchNorm: true });
  let block = 0;
  for (const [expansion, base, repeats, firstStride] of MOBILENETV2_STAGES) {
    const out = divisible(base * width);
    for (let r = 0; r < repeats; r++, block++) {
      const stride = r === 0 ? firstStride : 1;
      const name = `block${block}`;
      let y = expansion === 1 ? x : b.conv(`${name}/expand`, x, channels * expansion, 1, 1, 'RELU6', { batchNorm: true });
      y = b.depthwise(`${name}/dw`, y, 3, stride, 'RELU6', { batchNorm: true });
      y = b.conv(`${name}/project`, y, out, 1, 1, 'NONE', { batchNorm: true });
      x = stride === 1 && channels === out ? b.add(`${name}/add`, x, y) : y;
      channels = out;
    }
  }
  x = b.conv('conv_last', x, width > 1 ? divisible(1280 * width) : 1280, 1, 1, 'RELU6', { batchNorm: true });
  x = b.globalAveragePool('pool', x);
  return b.finish('mobilenetv2', b.softmax('softmax', b.dense('logits', x, classes, 'NONE')));
}

export const ARCH_NAMES = ['lenet', 'ds-cnn', 'mobilenetv2'] as const;
export type ArchName = (typeof ARCH_NAMES)[number];

export function isArchName(name: string): name is ArchName {
  return (ARCH_NAMES as readonly string[]).includes(name);
}

export function buildArch(name: ArchName, options: ArchOptions): FloatArch {
  switch (name) {
    case 'lenet':
      return lenetGraph(options);
    case 'ds-cnn':
      return dsCnnGraph(options);
    case 'mobilenetv2':
      return mobilenetV2Graph(options);
  }
}
