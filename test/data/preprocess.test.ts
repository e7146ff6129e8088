// Splits, batches and preprocessing with expected values computed by hand.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/types.js';
import { batches, shuffledOrder, splitTrainValidation, take } from '../../src/data/split.js';
import { adaptChannels, checkFits, imageToInputBytes, quantizeValues, resizeBilinear } from '../../src/data/preprocess.js';
import { argmaxBytes, classesForOutput, evaluatePredictions } from '../../src/data/evaluate.js';
import { TinyforgeError } from '../../src/errors.js';

/** N one-pixel images whose pixel is the image index, label index % 3. */
function counting(n: number): Dataset {
  return {
    name: 'counting',
    images: Uint8Array.from({ length: n }, (_, i) => i),
    shape: [n, 1, 1, 1],
    labels: Int32Array.from({ length: n }, (_, i) => i % 3),
    classes: ['a', 'b', 'c'],
  };
}

describe('splits and batches', () => {
  it('splits train/validation deterministically, disjointly and in the original order', () => {
    const d = counting(100);
    const a = splitTrainValidation(d, { fraction: 0.1, seed: 7 });
    const b = splitTrainValidation(d, { fraction: 0.1, seed: 7 });
    const c = splitTrainValidation(d, { fraction: 0.1, seed: 8 });
    expect(a.validation.shape[0]).toBe(10);
    expect(a.train.shape[0]).toBe(90);
    expect([...a.validation.images]).toEqual([...b.validation.images]);
    expect([...a.validation.images]).not.toEqual([...c.validation.images]);
    const all = [...a.train.images, ...a.validation.images].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...a.validation.images]).toEqual([...a.validation.images].sort((x, y) => x - y));
    // labels travel with their images
    for (let i = 0; i < 10; i++) expect(a.validation.labels[i]).toBe(a.validation.images[i]! % 3);
  });

  it('refuses a fraction outside [0, 1)', () => {
    expect(() => splitTrainValidation(counting(4), { fraction: 1, seed: 0 })).toThrow(TinyforgeError);
  });

  it('shuffles with a seed into a permutation, and batches cover every image once', () => {
    const order = shuffledOrder(50, 3);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...order]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const batch of batches(counting(10), 4, { seed: 1 })) {
      sizes.push(batch.shape[0]);
      seen.push(...batch.images);
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect([...take(counting(10), 3).labels]).toEqual([0, 1, 2]);
  });
});

describe('preprocessing', () => {
  it('quantizes a known pixel with the input scale and zero point, halves away from zero, clamped', () => {
    // 0.625 / 0.25 = 2.5 exactly -> 3 (half away from zero) + (-128) = -125
    expect([...quantizeValues(new Float32Array([0.625]), 0.25, -128, 'int8')]).toEqual([-125]);
    // float32 division as TFLite does it: 0.5 / float32(1/255) = 127.4999924 in float32, not 127.5 -> 127 - 128 = -1
    expect([...quantizeValues(new Float32Array([0.5]), 1 / 255, -128, 'int8')]).toEqual([-1]);
    // 1 / 0.00390625 = 256 -> 256 - 128 = 128, clamped to 127; 0 -> -128
    expect([...quantizeValues(new Float32Array([1, 0]), 0.00390625, -128, 'int8')]).toEqual([127, -128]);
    // -0.25 / float32(0.1) = -2.49999996 in float64 but -2.5 in float32 -> -3 (away from zero) + 1 = -2
    expect([...quantizeValues(new Float32Array([-0.25]), 0.1, 1, 'int8')]).toEqual([-2]);
    // int16: 0.75 / (1/32768) = 24576
    expect([...quantizeValues(new Float32Array([0.75]), 1 / 32768, 0, 'int16')]).toEqual([24576]);
  });

  it('turns pixel 128 into the int8 input byte for scale 1/255, zero point -128', () => {
    const d: Dataset = { name: 'one', images: new Uint8Array([128]), shape: [1, 1, 1, 1], labels: new Int32Array([0]), classes: ['x'] };
    const input = { name: 'in', shape: [1, 1, 1, 1], dtype: 'int8' as const, quant: { scales: [Math.fround(1 / 255)], zeroPoints: [-128], axis: 0 } };
    // 128/255 / (1/255) = 128.0000... in float32 -> 128 - 128 = 0
    expect([...new Int8Array(imageToInputBytes(d, 0, input).buffer)]).toEqual([0]);
  });

  it('resizes bilinearly with half-pixel centers', () => {
    // 2x2 -> 4x4: output x=0 samples input x=-0.25 (clamped to 0), x=1 samples 0.25, x=2 0.75, x=3 1.25 -> 1
    const img = new Float32Array([0, 1, 2, 3]);
    const out = resizeBilinear(img, [2, 2, 1], 4, 4);
    expect([...out.subarray(0, 4)]).toEqual([0, 0.25, 0.75, 1]);
    expect([...out.subarray(12, 16)]).toEqual([2, 2.25, 2.75, 3]);
    // 4x1 -> 2x1 averages neighbour pairs: sample points 0.5 and 2.5
    expect([...resizeBilinear(new Float32Array([0, 4, 8, 12]), [4, 1, 1], 2, 1)]).toEqual([2, 10]);
  });

  it('adapts gray to RGB and RGB to BT.601 luma', () => {
    expect([...adaptChannels(new Float32Array([0.5]), 1, 3)]).toEqual([0.5, 0.5, 0.5]);
    expect(adaptChannels(new Float32Array([1, 0, 0, 0, 0, 1]), 3, 1)).toEqual(new Float32Array([0.299, 0.114]));
  });

  it('says both shapes when images cannot feed the input', () => {
    const d: Dataset = { name: 'rgba', images: new Uint8Array(2 * 2 * 4), shape: [1, 2, 2, 4], labels: new Int32Array([0]), classes: ['x'] };
    expect(() => checkFits(d, { name: 'image', shape: [1, 8, 8, 1], dtype: 'int8', quant: null })).toThrow(
      'dataset rgba images [2, 2, 4] cannot feed model input image [1, 8, 8, 1]: channels 4 -> 1 (only 1 <-> 3 convert)',
    );
    expect(() => checkFits(d, { name: 'flat', shape: [1, 17], dtype: 'int8', quant: null })).toThrow(/images \[2, 2, 4\] cannot feed model input flat \[1, 17\]/);
    expect(() => checkFits(d, { name: 'flat', shape: [1, 16], dtype: 'int8', quant: null })).not.toThrow();
  });
});

describe('metrics', () => {
  it('argmax over raw int8 and float32 bytes, first index on ties', () => {
    expect(argmaxBytes(new Uint8Array(new Int8Array([-5, 3, 3, -128]).buffer), 'int8')).toBe(1);
    expect(argmaxBytes(new Uint8Array(new Float32Array([0.1, 0.7, 0.2]).buffer), 'float32')).toBe(1);
  });
  it('accuracy, confusion and per-class accuracy', () => {
    const e = evaluatePredictions([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ['a', 'b', 'c']);
    expect(e.accuracy).toBe(3 / 5);
    expect(e.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(e.perClass.map((c) => c.accuracy)).toEqual([0.5, 1, 0]);
  });
});

describe('classes against a classifier output', () => {
  const output = { name: 'scores', shape: [1, 4] };
  const withLabels = (labels: number[], classes: string[]): Dataset => ({ name: 'd', images: new Uint8Array(labels.length), shape: [labels.length, 1, 1, 1], labels: Int32Array.from(labels), classes });
  it('widens unnamed classes to the output when every label fits', () => {
    expect(classesForOutput(withLabels([0, 2], ['0', '1', '2']), output, 4)).toEqual(['0', '1', '2', '3']);
  });
  it('names the label, its index and the range when a label is past the output', () => {
    expect(() => classesForOutput(withLabels([1, 5, 0], ['0', '1', '2', '3', '4', '5']), output, 4)).toThrow('dataset d on output scores [1, 4]: label 5 at index 1 is outside [0, 4)');
  });
  it('names both sizes when named classes differ from the output', () => {
    expect(() => classesForOutput(withLabels([0, 1], ['cat', 'dog', 'emu']), output, 4)).toThrow('output scores [1, 4] has 4 class scores, dataset d has 3 classes');
  });
});
