// The bundled demo models: built in code from fixed seeds, so a fresh clone needs no model files.
import type { Graph } from '../../src/ir/graph.js';
import { buildDsCnnKws } from './ds-cnn-kws.js';
import { buildMobileNetV2 } from './mobilenetv2.js';
import { buildSineMlp } from './sine-mlp.js';

export interface DemoModel {
  name: string;
  description: string;
  build(): Graph;
}

export const DEMO_MODELS: DemoModel[] = [
  {
    name: 'mobilenetv2-035-144',
    description: 'MobileNetV2 width 0.35, 144x144x3 int8 image, inverted residuals with ADD skips, ReLU6, global average pool, 2-class softmax (VWW-like)',
    build: () => buildMobileNetV2({ alpha: 0.35, resolution: 144, classes: 2, seed: 1 }),
  },
  {
    name: 'ds-cnn-kws',
    description: 'DS-CNN keyword spotting (MLPerf Tiny KWS shape): 49x10x1 MFCC, 10x4/2 conv, 4 depthwise-separable blocks of 64, average pool, 12-class softmax',
    build: () => buildDsCnnKws({ seed: 2 }),
  },
  {
    name: 'sine-mlp',
    description: 'sin(x) on [0, 2pi]: 1-16-16-1 ReLU6 MLP with analytic weights (hello_world-like sanity check)',
    build: () => buildSineMlp(3),
  },
];

export { buildDsCnnKws, buildMobileNetV2, buildSineMlp };
