// The accuracy predictor's noise floor: labels measured on n images carry binomial noise p(1 - p) / n, so the
// held-out RMSE is reported beside the RMSE a perfect predictor would show against those labels.
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import { labelNoisePoints, parsePredictor, trainAccuracyPredictor } from '../../src/nas/accuracy.js';
import { sampleArch } from '../../src/nas/search.js';
import { parseSpace } from '../../src/nas/space.js';
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
    const json = trainAccuracyPredictor(space, pairs, { heldOut: 0.2, iterations: 50 });
    expect(json.heldOutPairs).toBe(4);
    // every label between 0.3 and 0.68 on 1000 images: between 100 sqrt(0.21 / 1000) = 1.449 and 100 sqrt(0.25 / 1000) = 1.581
    expect(json.labelNoisePoints).toBeGreaterThanOrEqual(1.449);
    expect(json.labelNoisePoints).toBeLessThanOrEqual(1.582);
    // predicting the training labels' mean: the 4 held-out labels are 2 points apart, so at least 2 are >= 1 point off
    expect(json.meanRmsePoints).toBeGreaterThan(0.5);
    const flat = trainAccuracyPredictor(space, pairs.map((p) => ({ ...p, accuracy: 0.5 })), { iterations: 5 });
    expect(flat.meanRmsePoints).toBe(0);
    expect(flat.labelNoisePoints).toBeCloseTo(100 * Math.sqrt(0.25 / 1000), 6);
    expect(parsePredictor(json, space, 'p.json').label).toMatch(/held-out RMSE \d+\.\d\d points \(labels' own noise 1\.[45]\d\)$/);
    expect(trainAccuracyPredictor(space, pairs.map(({ arch, accuracy }) => ({ arch, accuracy })), { iterations: 5 }).labelNoisePoints).toBeUndefined();
  });
});
