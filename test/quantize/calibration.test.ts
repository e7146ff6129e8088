// Calibration methods (min/max, percentile, MSE, auto), per-tensor weights and bias correction, each
// checked by the error it is meant to reduce, measured here independently of the code under test.
import { describe, expect, it } from 'vitest';
import { mixSeed, syntheticInputBytes, Xorshift32 } from '../../src/builder/random.js';
import type { Graph } from '../../src/ir/graph.js';
import { runReference } from '../../src/reference/interpreter.js';
import {
  asymmetricInt8,
  calibrateWith,
  HistogramObserver,
  quantizeModel,
  quantizeWithReport,
  ValueHistogram,
} from '../../src/quantize/index.js';
import { FloatGraphBuilder } from '../../src/train/arch/float-graph.js';
import { refusal } from '../helpers/refusal.js';

/** The mean squared error of quantizing `values` to int8 with TFLite's params from [lo, hi], value by value. */
function int8Mse(values: ArrayLike<number>, [lo, hi]: [number, number]): number {
  const { scale, zeroPoint } = asymmetricInt8(lo, hi);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const q = Math.max(-128, Math.min(127, Math.round(values[i]! / scale) + zeroPoint));
    sum += (values[i]! - (q - zeroPoint) * scale) ** 2;
  }
  return sum / values.length;
}

/** 100,000 values ~ N(0, 1) (Box-Muller over a seeded generator) and one outlier at 40. */
function gaussianWithOutlier(): Float32Array {
  const rng = new Xorshift32(7);
  const v = new Float32Array(100_001);
  for (let i = 0; i < 100_000; i++) v[i] = Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  v[100_000] = 40;
  return v;
}

describe('the value histogram', () => {
  it('keeps every count when its range doubles, and finds quantiles', () => {
    const h = new ValueHistogram();
    h.observe(Float32Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000)); // uniform in (0, 1)
    h.observe([0, 0, 0]);
    h.observe([-3.5]); // doubles the limit twice: 1 -> 4
    expect(h.total).toBe(1004);
    expect([h.min, h.max, h.zeros]).toEqual([-3.5, Math.fround(0.9995), 3]);
    // 1004 values, 4 at or below 0: the median of the uniform part is at 0.5, within one bin (8/4096)
    expect(Math.abs(h.quantile(0.5 + 2 / 1004) - 0.5)).toBeLessThan(8 / 4096);
    expect(h.quantile(0)).toBe(-3.5);
    expect(h.quantile(1)).toBe(Math.fround(0.9995));
  });
});

describe('calibration methods on a tensor with an outlier', () => {
  const values = gaussianWithOutlier();
  const observer = (method: 'minmax' | 'percentile' | 'mse' | 'auto') => {
    const o = new HistogramObserver(method);
    o.observe(values.subarray(0, 50_000));
    o.observe(values.subarray(50_000));
    return o;
  };

  it('min/max spends its levels on the outlier; percentile 99.99 clips it and resolves the other values 10x better', () => {
    const minmax = observer('minmax').range()!;
    const percentile = observer('percentile').range()!;
    expect(minmax[1]).toBe(40);
    expect(percentile[1]).toBeLessThan(5);
    const ordinary = values.subarray(0, 100_000);
    expect(int8Mse(ordinary, percentile)).toBeLessThan(int8Mse(ordinary, minmax) / 10);
  });

  it('mse finds a clipping range with less error than min/max and than percentile', () => {
    const mse = observer('mse').range()!;
    expect(int8Mse(values, mse)).toBeLessThan(int8Mse(values, observer('minmax').range()!));
    expect(int8Mse(values, mse)).toBeLessThanOrEqual(int8Mse(values, observer('percentile').range()!) * 1.01);
  });

  it('auto takes the method of least error and reports each one', () => {
    const c = observer('auto').choice()!;
    const actual = { minmax: int8Mse(values, observer('minmax').range()!), percentile: int8Mse(values, observer('percentile').range()!), mse: int8Mse(values, observer('mse').range()!) };
    const best = (Object.keys(actual) as Array<keyof typeof actual>).reduce((a, b) => (actual[b] < actual[a] ? b : a));
    expect(c.method).toBe(best);
    expect(c.method).not.toBe('minmax');
    // the histogram's estimates are within 5% of the exact errors
    for (const m of ['minmax', 'percentile', 'mse'] as const) expect(Math.abs(c.mse[m] - actual[m]) / actual[m]).toBeLessThan(0.05);
  });

  it('keeps min/max where no value is rare: uniform values', () => {
    const o = new HistogramObserver('auto');
    const uniform = Float32Array.from({ length: 10_000 }, (_, i) => i / 9999);
    o.observe(uniform);
    const c = o.choice()!;
    expect(int8Mse(uniform, c.range)).toBeLessThanOrEqual(int8Mse(uniform, [0, 1]) * 1.0001);
  });

  it('refuses a percentile outside (50, 100]', () => {
    expect(refusal(() => new HistogramObserver('percentile', 101)).message).toBe('--percentile must be in (50, 100], got 101');
  });
});

/** image 8x8x3 -> conv 3x3 8 RELU -> depthwise 3x3 -> conv 1x1 8 RELU -> global average pool -> dense 4 (the logits). */
function builderNet(seed = 3): Graph {
  const b = new FloatGraphBuilder(seed);
  let x = b.conv('conv', b.image(8, 8, 3), 8, 3, 1, 'RELU');
  x = b.depthwise('dw', x, 3, 1, 'NONE');
  x = b.conv('pw', x, 8, 1, 1, 'RELU');
  return b.finish('net', b.dense('logits', b.globalAveragePool('pool', x), 4, 'NONE')).graph;
}

/** Scales the depthwise filter's channels 0..3 by 1/20: a per-tensor scale then rounds them to a few levels. */
function withSmallChannels(g: Graph): Graph {
  const dw = g.ops.find((op) => op.kind === 'DEPTHWISE_CONV_2D')!;
  const t = g.tensors[dw.inputs[1]!]!;
  const w = new Float32Array(t.data!.slice().buffer);
  const channels = t.shape[3]!;
  w.forEach((v, i) => {
    if (i % channels < 4) w[i] = v / 20;
  });
  const tensors = g.tensors.slice();
  tensors[t.id] = { ...t, data: new Uint8Array(w.buffer) };
  return { ...g, tensors };
}

const samples = (g: Graph, seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(g.tensors[g.inputs[0]!]!, mixSeed(seed, k), [0, 1])]);

/** Mean over output channels of |mean over samples of (float - int8 output)|: the systematic error. */
function meanOutputError(float: Graph, int8: Graph, held: Uint8Array[][]): number {
  const sums = new Float64Array(4);
  for (const s of held) {
    const f = new Float32Array(runReference(float, s).outputs[0]!.buffer);
    const q = new Float32Array(runReference(int8, s).outputs[0]!.buffer);
    f.forEach((v, c) => (sums[c] += v - q[c]!));
  }
  return sums.reduce((a, v) => a + Math.abs(v / held.length), 0) / sums.length;
}

describe('per-tensor weights and bias correction on a builder model', () => {
  const float = withSmallChannels(builderNet());
  const calibration = samples(float, 1, 64);
  const held = samples(float, 2, 128);

  it('--per-tensor writes one scale per weight tensor and one per bias; the small channels lose resolution', () => {
    const perTensor = quantizeModel(float, calibration, 'net', { perTensor: true });
    const perChannel = quantizeModel(float, calibration, 'net');
    for (const op of perTensor.ops.filter((o) => o.kind === 'CONV_2D' || o.kind === 'DEPTHWISE_CONV_2D' || o.kind === 'FULLY_CONNECTED')) {
      expect(perTensor.tensors[op.inputs[1]!]!.quant!.scales).toHaveLength(1);
      expect(perTensor.tensors[op.inputs[2]!]!.quant!.scales).toHaveLength(1);
    }
    // the depthwise filter's channels 0..3 (1/20 of the others): mean |w - dequantized w| of each scheme
    const dwError = (g: Graph) => {
      const w = g.tensors[g.ops.find((o) => o.kind === 'DEPTHWISE_CONV_2D')!.inputs[1]!]!;
      const exact = new Float32Array(float.tensors[w.id]!.data!.slice().buffer);
      const q = new Int8Array(w.data!.slice().buffer);
      const scales = w.quant!.scales;
      let sum = 0;
      q.forEach((v, i) => {
        if (i % 8 < 4) sum += Math.abs(exact[i]! - v * scales[scales.length === 1 ? 0 : i % 8]!);
      });
      return sum;
    };
    expect(dwError(perTensor)).toBeGreaterThan(5 * dwError(perChannel));
  });

  it('bias correction reduces the mean output error', () => {
    const plain = quantizeModel(float, calibration, 'net');
    const corrected = quantizeWithReport(float, calibration, 'net', { biasCorrection: true });
    expect(corrected.corrections.map((c) => c.op)).toEqual(['CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'FULLY_CONNECTED']);
    const before = meanOutputError(float, plain, held);
    const after = meanOutputError(float, corrected.graph, held);
    console.log(`mean output error on held-out samples: ${before.toExponential(3)} -> ${after.toExponential(3)} with bias correction`);
    expect(after).toBeLessThan(before / 3);
  });

  it('auto reports per calibrated tensor the method that won and each method\'s error', () => {
    const r = quantizeWithReport(float, calibration, 'net', { method: 'auto' });
    // the graph input and each op output with its own range (the global average pool is a MEAN)
    expect(r.tensors.map((t) => t.name)).toEqual(['input', 'conv', 'dw', 'pw', 'pool', 'logits']);
    for (const t of r.tensors) expect(t.mse[t.method]).toBe(Math.min(t.mse.minmax, t.mse.percentile, t.mse.mse));
    expect(calibrateWith(float, calibration).choices).toBeNull();
  });
});

describe('calibration samples that do not fit the model', () => {
  it('are refused with E_INPUT_DATA naming the sample, the input and both sizes, before their bytes are read as float32', () => {
    const b = new FloatGraphBuilder(1);
    const g = b.finish('fc', b.dense('logits', b.flatten('flat', b.image(2, 2, 1)), 3, 'NONE')).graph;
    const input = g.tensors[g.inputs[0]!]!;
    const good = [syntheticInputBytes(input, 1, [0, 1])];
    for (const method of ['minmax', 'mse'] as const) {
      const e = refusal(() => calibrateWith(g, [good, [new Uint8Array(7)]], { method }));
      expect(e.code).toBe('E_INPUT_DATA');
      expect(e.message).toBe(`calibration sample 1: input 0 (${input.name}, float32[${input.shape.join(',')}]) needs 16 bytes, got 7`);
      expect(e.details).toMatchObject({ sample: 1, expectedBytes: 16, gotBytes: 7 });
    }
    expect(refusal(() => quantizeModel(g, [[]])).message).toBe('calibration sample 0: model has 1 input(s), got 0');
  });
});
