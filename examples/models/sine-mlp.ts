// A 1-16-16-1 MLP computing sin(x) on [0, 2pi], like TFLite Micro's hello_world, with weights constructed
// analytically instead of trained. The 16 first-layer units are the segments of the piecewise-linear
// interpolant of sin through 17 knots k_i = i*2pi/16: u_i = relu6((x - k_i) * 6/d) is 0 left of the
// segment, 6 right of it, and ramps across it (d = 2pi/16). The second layer passes them through, and the
// output sums them with each segment's slope times d/6. Int8 output tracks sin(x) to a few hundredths.
import { ModelBuilder } from '../../src/builder/index.js';
import type { Graph } from '../../src/ir/graph.js';

const HIDDEN = 16;
const TWO_PI = 2 * Math.PI;

export function buildSineMlp(seed = 3): Graph {
  const b = new ModelBuilder({
    name: 'sine-mlp',
    seed,
    description: 'sin(x) on [0, 2pi]: 1-16-16-1 ReLU6 MLP with analytic piecewise-linear weights (tinyforge builder)',
    calibrationSamples: 64,
  });
  const d = TWO_PI / HIDDEN;
  const knots = Array.from({ length: HIDDEN + 1 }, (_, i) => i * d);
  // x in [0, 2pi], zero point -128, like hello_world's input.
  const x = b.input('x', [1, 1], { scale: TWO_PI / 255, zeroPoint: -128 });
  const segments = b.fullyConnected(x, {
    name: 'dense',
    units: HIDDEN,
    activation: 'relu6',
    weights: new Array<number>(HIDDEN).fill(6 / d),
    bias: knots.slice(0, HIDDEN).map((k) => (-k * 6) / d),
  });
  const identity = Array.from({ length: HIDDEN * HIDDEN }, (_, i) => (Math.floor(i / HIDDEN) === i % HIDDEN ? 1 : 0));
  const h = b.fullyConnected(segments, {
    name: 'dense_1',
    units: HIDDEN,
    activation: 'relu6',
    weights: identity,
    bias: new Array<number>(HIDDEN).fill(0),
  });
  const slopes = knots.slice(0, HIDDEN).map((k, i) => (Math.sin(knots[i + 1]!) - Math.sin(k)) / d);
  const y = b.fullyConnected(h, { name: 'dense_2', units: 1, weights: slopes.map((s) => (s * d) / 6), bias: [0] });
  b.output(y);
  return b.build();
}
