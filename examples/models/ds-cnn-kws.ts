// DS-CNN keyword spotting (Zhang et al. 2017, "Hello Edge"), the MLPerf Tiny KWS reference: 49x10 MFCC
// frames, a 10x4 stride-2 conv, four depthwise-separable blocks of 64 channels, average pooling, a
// 12-way classifier. Random weights from the seed.
import { ModelBuilder } from '../../src/builder/index.js';
import type { Graph } from '../../src/ir/graph.js';

export interface DsCnnOptions {
  filters?: number;
  blocks?: number;
  classes?: number;
  seed?: number;
}

export function buildDsCnnKws(options: DsCnnOptions = {}): Graph {
  const { filters = 64, blocks = 4, classes = 12, seed = 2 } = options;
  const b = new ModelBuilder({
    name: 'ds-cnn-kws',
    seed,
    description: `DS-CNN keyword spotting, 49x10x1 MFCC int8, ${blocks}x${filters} DS blocks, ${classes} classes (tinyforge builder, seed ${seed})`,
  });
  // MFCC features span roughly [-122, 27]: the MLPerf model's input quantization.
  const mfcc = b.input('input_1', [1, 49, 10, 1], { scale: 0.58470291, zeroPoint: 83 });
  let x = b.conv2d(mfcc, { name: 'conv2d', filters, kernel: [10, 4], stride: 2, activation: 'relu' });
  for (let i = 0; i < blocks; i++) {
    x = b.depthwiseConv2d(x, { name: `depthwise_conv2d_${i}`, kernel: 3, activation: 'relu' });
    x = b.conv2d(x, { name: `conv2d_${i + 1}`, filters, kernel: 1, activation: 'relu' });
  }
  x = b.averagePool2d(x, { name: 'average_pooling2d', pool: [x.shape[1]!, x.shape[2]!] });
  x = b.reshape(x, [-1, filters], { name: 'flatten' });
  x = b.fullyConnected(x, { name: 'dense', units: classes, zeroMeanWeights: true, weightGain: 0.1 });
  b.output(b.softmax(x, { name: 'softmax' }));
  return b.build();
}
