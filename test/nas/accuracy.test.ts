// The accuracy predictor's noise floor: labels measured on n images carry binomial noise p(1 - p) / n, so the
// held-out RMSE is reported beside the RMSE a perfect predictor would show against those labels.
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import { crossValidate, encodeArch, encodingLength, kFolds, labelNoisePoints, parsePredictor, trainAccuracyPredictor } from '../../src/nas/accuracy.js';
import { TinyforgeError } from '../../src/errors.js';
import { opMacs } from '../../src/ir/macs.js';
import { archCapacity, buildArch } from '../../src/nas/build.js';
import { sampleArch } from '../../src/nas/search.js';
import { extremeArch, parseSpace } from '../../src/nas/space.js';
import { TINY_SPACE } from './fixtures.js';

const space = parseSpace(TINY_SPACE);

describe('accuracy predictor label noise', () => {
  it('is the root mean binomial variance of the labels, in points', () => {
    const arch = sampleArch(space, new Xorshift32(1));
    // 50% on 400 images: variance 0.25 / 400 = 6.25e-4; 90% on 100: 0.09 / 100 = 9e-4; mean 7.625e-4 -> 2.7614 points
    expect(labelNoisePoints([{ arch, accuracy: 0.5, images: 400 }, { arch, accuracy: 0.9, images: 100 }])).toBeCloseTo(2.7614, 3);
    expect(labelNoisePoints([{ arch, accuracy: 0.5, images: 6000 }])).toBeCloseTo(0.6455, 3);
    expect(labelNoisePoints([{ arch, accuracy: 0.5 }])).toBeNull();
  });

  it("is recorded with the held-out RMSE (over the held-out pairs) and named in the predictor's label", () => {
    const rng = new Xorshift32(2);
    const pairs = Array.from({ length: 20 }, (_, i) => ({ arch: sampleArch(space, rng), accuracy: 0.3 + 0.02 * i, images: 1000 }));
    const json = trainAccuracyPredictor(space, pairs, { folds: 5, model: 'ridge' });
    expect([json.heldOutPairs, json.trainPairs, json.folds]).toEqual([20, 20, 5]);
    // every label between 0.3 and 0.68 on 1000 images: between 100 sqrt(0.21 / 1000) = 1.449 and 100 sqrt(0.25 / 1000) = 1.581
    expect(json.labelNoisePoints).toBeGreaterThanOrEqual(1.449);
    expect(json.labelNoisePoints).toBeLessThanOrEqual(1.582);
    // predicting each fold's training mean: the labels are 2 points apart, so most are >= 1 point off
    expect(json.meanRmsePoints).toBeGreaterThan(0.5);
    const flat = trainAccuracyPredictor(space, pairs.map((p) => ({ ...p, accuracy: 0.5 })));
    expect(flat.meanRmsePoints).toBe(0);
    expect(flat.labelNoisePoints).toBeCloseTo(100 * Math.sqrt(0.25 / 1000), 6);
    expect(parsePredictor(json, space, 'p.json').label).toMatch(/^accuracy \(fraction\) predicted by ridge regression trained on 20 supernet-measured members, 5-fold held-out RMSE \d+\.\d\d points \(labels' own noise 1\.[45]\d\)$/);
    expect(trainAccuracyPredictor(space, pairs.map(({ arch, accuracy }) => ({ arch, accuracy }))).labelNoisePoints).toBeUndefined();
  });
});

describe('accuracy predictor encoding and fit', () => {
  it("encodes the lab's one-hot per choice (resolution, width, each stage's depth, each block slot's kernel and expand), resolution x width, and log2 capacity over the smallest member", () => {
    // tiny: resolutions 16/20, widths 0.35/0.5, per stage depths 1/2 then 2 slots of kernel 3/5 + expand 3/6; 2 x 2 crossed; 4 numbers
    expect(encodingLength(space)).toBe(2 + 2 + 2 * (2 + 2 * 4) + 2 * 2 + 4);
    const arch = { resolution: 20, width: 0.35, stages: [[{ kernel: 5, expand: 3 }], [{ kernel: 3, expand: 6 }, { kernel: 5, expand: 6 }]] };
    // By hand (every layer 8 channels wide at 0.35, expand 3 -> 24, 6 -> 48 channels; stem 3x3/2, stage 0 stride 2):
    // MACs: stem 10*10*8*9 = 7,200; stage 0 (10x10 -> 5x5) 10*10*24*8 + 5*5*24*25 + 5*5*8*24 = 39,000;
    // stage 1 (5x5) 9,600 + 10,800 + 9,600 and 9,600 + 30,000 + 9,600; classifier 8*4 = 32: 125,432.
    // Parameters (weights + biases): 80; 216 + 624 + 200; 432 + 480 + 392 and 432 + 1,248 + 392; 36: 4,532.
    // The smallest member (16x16, 0.35, one 3x3 expand-3 block per stage): 33,056 MACs, 1,428 parameters.
    // prettier-ignore
    expect([...encodeArch(space, arch)]).toEqual([
      0, 1, 1, 0, // resolution 20, width 0.35
      1, 0, 0, 1, 1, 0, 0, 0, 0, 0, // stage 0: depth 1; slot 0 kernel 5, expand 3; slot 1 absent
      0, 1, 1, 0, 0, 1, 0, 1, 0, 1, // stage 1: depth 2; kernel 3 expand 6; kernel 5 expand 6
      0, 0, 1, 0, // resolution x width: 16/0.35, 16/0.5, 20/0.35, 20/0.5
      Math.log2(125432 / 33056), Math.log2(4532 / 1428), Math.log2(20 / 16), 0,
    ]);
  });

  it("counts a member's MACs and parameters as its built graph has them", () => {
    const rng = new Xorshift32(4);
    for (const arch of [extremeArch(space, 'smallest'), extremeArch(space, 'largest'), ...Array.from({ length: 6 }, () => sampleArch(space, rng))]) {
      const g = buildArch(space, arch);
      const weighted = g.ops.filter((op) => op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED');
      const elements = (id: number) => g.tensors[id]!.shape.reduce((a, b) => a * b, 1);
      expect(archCapacity(space, arch)).toEqual({
        macs: g.ops.reduce((n, op) => n + opMacs(g, op), 0),
        params: weighted.reduce((n, op) => n + elements(op.inputs[1]!) + elements(op.inputs[2]!), 0),
      });
    }
  });

  it('deals every pair into exactly one fold', () => {
    const folds = kFolds(23, 5, 3);
    expect(folds.map((f) => f.length)).toEqual([5, 5, 5, 4, 4]);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('ridge recovers accuracies linear in the encoding, and the file it writes predicts them', () => {
    const rng = new Xorshift32(5);
    // 60% + 3 points for width 0.5 + 2 points per block of stage 1 - 1 point per kernel 5 in stage 0
    const truth = (a: ReturnType<typeof sampleArch>) => 0.6 + (a.width === 0.5 ? 0.03 : 0) + 0.02 * a.stages[1]!.length - 0.01 * a.stages[0]!.filter((b) => b.kernel === 5).length;
    const pairs = Array.from({ length: 60 }, () => sampleArch(space, rng)).map((arch) => ({ arch, accuracy: truth(arch) }));
    const json = trainAccuracyPredictor(space, pairs, { folds: 5, model: 'ridge' });
    expect(json.model).toBe('ridge');
    expect(json.model === 'ridge' && json.layers).toHaveLength(1);
    expect(json.heldOutRmsePoints).toBeLessThan(0.1);
    expect(json.meanRmsePoints).toBeGreaterThan(1);
    const p = parsePredictor(JSON.parse(JSON.stringify(json)), space, 'p.json');
    const fresh = Array.from({ length: 10 }, () => sampleArch(space, rng));
    for (const a of fresh) expect(Math.abs(p.predict(a) - truth(a))).toBeLessThan(0.002);
  });

  it("ridge recovers accuracies linear in log2 MACs (the built graph's), which the one-hots alone cannot express", () => {
    const rng = new Xorshift32(6);
    const macs = (a: ReturnType<typeof sampleArch>) => {
      const g = buildArch(space, a);
      return g.ops.reduce((n, op) => n + opMacs(g, op), 0);
    };
    // 1.5 points per doubling of MACs: depth, kernels and expands of every slot multiply into it
    const pairs = Array.from({ length: 60 }, () => sampleArch(space, rng)).map((arch) => ({ arch, accuracy: 0.5 + 0.015 * Math.log2(macs(arch)) }));
    const json = trainAccuracyPredictor(space, pairs, { folds: 5, model: 'ridge' });
    expect(json.heldOutRmsePoints).toBeLessThan(0.05);
    expect(json.meanRmsePoints).toBeGreaterThan(0.5);
  });

  it('scores each pair by a model fitted without it: labels of pure noise are not predicted better than their mean', () => {
    const rng = new Xorshift32(9);
    // 40 pairs, 24 inputs: an MLP that saw its held-out pairs would fit their noise (RMSE far below the mean's)
    const archs = Array.from({ length: 40 }, () => sampleArch(space, rng));
    const xs = archs.map((a) => encodeArch(space, a));
    const ys = archs.map(() => 0.5 + 0.1 * (rng.uniform() - 0.5));
    for (const model of ['ridge', 'mlp'] as const) {
      const cv = crossValidate(xs, ys, { folds: 5, model, hidden: [16], iterations: 300 });
      expect(cv.rmsePoints).toBeGreaterThan(0.9 * cv.meanRmsePoints);
      expect(cv.meanRmsePoints).toBeGreaterThan(2);
    }
  });

  it('refuses a version 1 or 2 predictor file (encodings without capacity) with a typed error naming the fix; reads version 3 ridge (the same encoding)', () => {
    const rng = new Xorshift32(2);
    const pairs = Array.from({ length: 10 }, (_, i) => ({ arch: sampleArch(space, rng), accuracy: 0.3 + 0.02 * i }));
    const v4 = trainAccuracyPredictor(space, pairs, { model: 'ridge' });
    expect(v4.version).toBe(4);
    for (const version of [1, 2]) {
      const old = { ...v4, version };
      expect(() => parsePredictor(old, space, 'old.json')).toThrow(new RegExp(`old\\.json is a version ${version} accuracy predictor .*re-run tinyforge nas accuracy to write version 4`));
      expect(() => parsePredictor(old, space, 'old.json')).toThrow(TinyforgeError);
    }
    const arch = sampleArch(space, rng);
    expect(parsePredictor({ ...v4, version: 3 }, space, 'v3.json').predict(arch)).toBe(parsePredictor(v4, space, 'v4.json').predict(arch));
    expect(() => parsePredictor({ ...v4, version: 5 }, space, 'new.json')).toThrow(/new\.json is a version 5 accuracy predictor: this tinyforge reads versions 3 and 4/);
    expect(() => parsePredictor({ ...v4, model: 'forest' }, space, 'x.json')).toThrow(/x\.json: model "forest" is not one a version 4 accuracy predictor holds \(krr, ridge, mlp\)/);
  });
});
