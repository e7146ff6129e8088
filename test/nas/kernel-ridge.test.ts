// Kernel ridge (RBF) as the accuracy predictor: its predictions on cases small enough to solve by hand, the
// predictor file it writes (everything prediction needs, read back field by field), and the files refused.
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import { crossValidate, encodeArch, parsePredictor, trainAccuracyPredictor, type KernelRidgePredictorJson } from '../../src/nas/accuracy.js';
import { fitKernelRidge, predictKernelRidge } from '../../src/nas/kernel-ridge.js';
import { sampleArch } from '../../src/nas/search.js';
import { parseSpace, type Arch } from '../../src/nas/space.js';
import { TinyforgeError } from '../../src/errors.js';
import { TINY_SPACE } from './fixtures.js';

const space = parseSpace(TINY_SPACE);
const rbf = (d2: number, l: number) => Math.exp(-d2 / (2 * l * l));

describe('kernel ridge on hand-solvable cases', () => {
  it('two points: the symmetric 2x2 system solved in closed form', () => {
    // x = 0 -> 0.6, x = 1 -> 0.8: offset 0.7, centred inputs -0.5 and 0.5 (distance 1); l = 1, lambda = 0.1.
    // (K + lambda I) alpha = (-0.1, 0.1) with K = [[1, e], [e, 1]], e = exp(-1/2): alpha = (-a, a), a = 0.1 / (1 + lambda - e).
    const m = fitKernelRidge([Float64Array.of(0), Float64Array.of(1)], [0.6, 0.8], { lengthScale: 1, lambda: 0.1, standardize: false });
    const e = Math.exp(-0.5);
    const a = 0.1 / (1.1 - e);
    expect([...m.alpha].map((v) => +v.toFixed(12))).toEqual([-a, a].map((v) => +v.toFixed(12)));
    expect(m.offset).toBeCloseTo(0.7, 14);
    // at a training point: 0.7 + a (1 - e) = 0.7 + 0.2026466 x 0.3934693 = 0.779735...; midway: the two terms cancel; at x = 2 (centred 1.5): distances^2 4 and 1
    expect(predictKernelRidge(m, Float64Array.of(1))).toBeCloseTo(0.7 + a * (1 - e), 12);
    expect(predictKernelRidge(m, Float64Array.of(1))).toBeCloseTo(0.779735, 6);
    expect(predictKernelRidge(m, Float64Array.of(0.5))).toBeCloseTo(0.7, 12);
    expect(predictKernelRidge(m, Float64Array.of(2))).toBeCloseTo(0.7 - a * Math.exp(-2) + a * e, 12);
    // far from every training point the kernel part vanishes: the training mean
    expect(predictKernelRidge(m, Float64Array.of(100))).toBeCloseTo(0.7, 12);
  });

  it('three points in two dimensions: the 3x3 system solved by Cramer\'s rule, standardized inputs', () => {
    // (0,0) -> 0.5, (2,0) -> 0.7, (0,4) -> 0.9; standardized: each input minus its mean over the 3, over its std
    const xs = [Float64Array.of(0, 0), Float64Array.of(2, 0), Float64Array.of(0, 4)];
    const ys = [0.5, 0.7, 0.9];
    const l = 1.5;
    const lambda = 0.05;
    const m = fitKernelRidge(xs, ys, { lengthScale: l, lambda, standardize: true });
    const mean = [2 / 3, 4 / 3];
    const sd = [Math.sqrt((2 * (2 / 3) ** 2 + (4 / 3) ** 2) / 3), Math.sqrt((2 * (4 / 3) ** 2 + (8 / 3) ** 2) / 3)];
    const z = xs.map((x) => [(x[0]! - mean[0]!) / sd[0]!, (x[1]! - mean[1]!) / sd[1]!]);
    const d2 = (p: number[], q: number[]) => (p[0]! - q[0]!) ** 2 + (p[1]! - q[1]!) ** 2;
    const k = z.map((p, i) => z.map((q, j) => rbf(d2(p, q), l) + (i === j ? lambda : 0)));
    const det = (a: number[][]) => a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
    const b = ys.map((y) => y - 0.7);
    const alpha = [0, 1, 2].map((c) => det(k.map((row, r) => row.map((v, j) => (j === c ? b[r]! : v)))) / det(k));
    alpha.forEach((v, i) => expect(m.alpha[i]).toBeCloseTo(v, 12));
    const x = [1, 1];
    const zx = [(x[0]! - mean[0]!) / sd[0]!, (x[1]! - mean[1]!) / sd[1]!];
    expect(predictKernelRidge(m, Float64Array.from(x))).toBeCloseTo(0.7 + alpha.reduce((s, a, i) => s + a * rbf(d2(zx, z[i]!), l), 0), 12);
  });
});

describe('kernel ridge predictor file', () => {
  const rng = new Xorshift32(11);
  // an interaction ridge cannot express: stage 1's depth worth 3 points at width 0.5, nothing at 0.35
  const truth = (a: Arch) => 0.6 + (a.width === 0.5 ? 0.015 * a.stages[1]!.length : 0) + 0.01 * (a.resolution === 20 ? 1 : 0);
  const pairs = Array.from({ length: 40 }, () => sampleArch(space, rng)).map((arch) => ({ arch, accuracy: truth(arch), images: 6000 }));
  const json = trainAccuracyPredictor(space, pairs, { model: 'krr', folds: 5 }) as KernelRidgePredictorJson;

  it('holds what prediction needs: the prediction computed from its fields alone matches the parsed predictor', () => {
    expect([json.format, json.version, json.model, json.kernel.type, json.trainPairs]).toEqual(['tinyforge-accuracy-predictor', 4, 'krr', 'rbf', 40]);
    expect(json.kernel.points).toHaveLength(40);
    expect(json.kernel.alpha).toHaveLength(40);
    expect(json.lambda).toBe(json.kernel.lambda);
    const p = parsePredictor(JSON.parse(JSON.stringify(json)), space, 'krr.json');
    expect(p.label).toMatch(/^accuracy \(fraction\) predicted by kernel ridge regression \(RBF\) trained on 40 supernet-measured members, 5-fold held-out RMSE \d+\.\d\d points/);
    const { mean, scale, points, alpha, lengthScale } = json.kernel;
    for (let t = 0; t < 8; t++) {
      const arch = sampleArch(space, rng);
      const z = [...encodeArch(space, arch)].map((v, i) => (v - mean[i]!) * scale[i]!);
      const byHand = json.offset + alpha.reduce((s, a, i) => s + a * rbf(z.reduce((d, v, j) => d + (v - points[i]![j]!) ** 2, 0), lengthScale), 0);
      expect(p.predict(arch)).toBeCloseTo(byHand, 12);
      // and the model learned the interaction (truths 0.60 to 0.64)
      expect(Math.abs(p.predict(arch) - truth(arch))).toBeLessThan(0.006);
    }
  });

  it('fits the interaction better than ridge, every pair held out once', () => {
    const xs = pairs.map((p) => encodeArch(space, p.arch));
    const ys = pairs.map((p) => p.accuracy);
    const krr = crossValidate(xs, ys, { model: 'krr', folds: 5 });
    const ridge = crossValidate(xs, ys, { model: 'ridge', folds: 5 });
    expect(krr.rmsePoints).toBeLessThan(ridge.rmsePoints);
    expect(json.heldOutRmsePoints).toBeCloseTo(krr.rmsePoints, 12);
  });

  it('is refused with E_MODEL_FORMAT when its arrays do not fit, its version predates it, or its space encodes otherwise', () => {
    const refused = (j: unknown, pattern: RegExp) => {
      expect(() => parsePredictor(j, space, 'k.json')).toThrow(pattern);
      expect(() => parsePredictor(j, space, 'k.json')).toThrow(TinyforgeError);
      try {
        parsePredictor(j, space, 'k.json');
      } catch (e) {
        expect((e as TinyforgeError).code).toBe('E_MODEL_FORMAT');
      }
    };
    refused({ ...json, version: 3 }, /k\.json: model "krr" is not one a version 3 accuracy predictor holds \(ridge, mlp\)/);
    refused({ ...json, kernel: { ...json.kernel, alpha: json.kernel.alpha.slice(1) } }, /k\.json: kernel ridge predictor of \d+ inputs: 39 dual coefficients but not as many training points/);
    refused({ ...json, kernel: { ...json.kernel, lengthScale: 0 } }, /length scale 0 and lambda .*not positive numbers/);
    refused({ ...json, kernel: { ...json.kernel, mean: json.kernel.mean.slice(1) } }, /mean and scale are not \d+ finite numbers each/);
    refused({ ...json, kernel: { ...json.kernel, points: json.kernel.points.map((p, i) => (i === 3 ? p.map(() => null) : p)) } }, /not as many training points of \d+ finite inputs/);
    // a space whose members encode in another number of inputs (a third resolution)
    const other = parseSpace({ ...TINY_SPACE, resolutions: [16, 20, 24] });
    expect(() => parsePredictor(json, other, 'k.json')).toThrow(/accuracy predictor takes \d+ inputs, space tiny encodes a member in \d+/);
  });
});
