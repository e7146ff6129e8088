// Knowledge distillation: the loss against numbers worked out by hand, its gradient (the T² scale, none into the
// teacher), the teacher checks, and a fine-tuning with only the soft term moving the student towards the teacher.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { finetune } from '../../src/prune/index.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { distillationLoss } from '../../src/train/distill.js';
import { checkDistillSettings, checkTeacher } from '../../src/train/distill-settings.js';
import { lenetLike, noise, outputBytes, randomInput, residual } from '../prune/models.js';

const value = (x: tf.Tensor) => x.dataSync()[0]!;

describe('distillationLoss', () => {
  // student logits [0, 0]: p_s = [1/2, 1/2]; label 0: CE = ln 2 = 0.693147...
  const labels = () => tf.tensor2d([[1, 0]]);
  const student = () => tf.tensor2d([[0, 0]]);

  it('T = 1: teacher [ln 3, 0] gives p_t = [3/4, 1/4], KL = 3/4·ln(3/2) + 1/4·ln(1/2) = 0.130812', async () => {
    await useTrainBackend();
    const teacher = tf.tensor2d([[Math.log(3), 0]]);
    expect(value(distillationLoss(labels(), student(), teacher, 1, 0))).toBeCloseTo(0.693147, 5);
    expect(value(distillationLoss(labels(), student(), teacher, 1, 1))).toBeCloseTo(0.130812, 5);
    expect(value(distillationLoss(labels(), student(), teacher, 1, 0.5))).toBeCloseTo(0.411980, 5); // (0.693147 + 0.130812) / 2
  });

  it('T = 2: p_t = softmax([ln 3 / 2, 0]) = [0.633975, 0.366025], KL = 0.036341, the soft term scaled by T² = 4', async () => {
    await useTrainBackend();
    const teacher = tf.tensor2d([[Math.log(3), 0]]);
    expect(value(distillationLoss(labels(), student(), teacher, 2, 1))).toBeCloseTo(4 * 0.036341, 5);
    expect(value(distillationLoss(labels(), student(), teacher, 2, 0.5))).toBeCloseTo(0.419255, 5); // 0.693147 / 2 + 4 · 0.036341 / 2
  });

  it('the batch mean: a row whose student equals its teacher adds no soft loss', async () => {
    await useTrainBackend();
    const teacher = tf.tensor2d([[Math.log(3), 0], [5, -1]]);
    const s = tf.tensor2d([[0, 0], [5, -1]]);
    expect(value(distillationLoss(tf.tensor2d([[1, 0], [1, 0]]), s, teacher, 1, 1))).toBeCloseTo(0.130812 / 2, 5);
  });

  it('the gradient: α·T²·(1/T)·(p_s − p_t) into the student ([∓0.267949] at T 2, α 1), none into the teacher', async () => {
    await useTrainBackend();
    const teacher = tf.tensor2d([[Math.log(3), 0]]);
    const [ds, dt] = tf.grads((s: tf.Tensor, t: tf.Tensor) => distillationLoss(labels(), s, t, 2, 1))([student(), teacher]);
    // T · (1/2 − 0.633975) = −0.267949, T · (1/2 − 0.366025) = +0.267949
    expect(Array.from(ds!.dataSync()).map((v) => +v.toFixed(5))).toEqual([-0.26795, 0.26795]);
    expect(Array.from(dt!.dataSync())).toEqual([0, 0]);
  });
});

describe('distillation settings and teacher', () => {
  it('refuses a temperature <= 0 and an alpha outside [0, 1] with E_USAGE', () => {
    expect(() => checkDistillSettings(0, 0.5)).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--distill-temperature must be a number > 0, got 0') }));
    expect(() => checkDistillSettings(4, 1.5)).toThrow(expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('--distill-alpha must be in [0, 1], got 1.5') }));
    expect(() => checkDistillSettings(4, 1)).not.toThrow();
  });

  it('refuses a teacher with another input or output shape, naming both shapes (E_INPUT_DATA)', () => {
    expect(() => checkTeacher(lenetLike(), residual(), { student: 's.tflite', teacher: 't.tflite' })).toThrow(
      expect.objectContaining({ code: 'E_INPUT_DATA', message: "teacher t.tflite input [1, 6, 6, 3] differs from s.tflite's [1, 8, 8, 1]: distillation needs the same input and classes" }),
    );
    expect(() => checkTeacher(lenetLike(3), lenetLike(7))).not.toThrow();
  });

  it('finetune refuses a teacher of another shape before training', async () => {
    await useTrainBackend();
    const optimizer = tf.train.adam(1e-2);
    const run = () => finetune(lenetLike(), noise(16), { epochs: 1, batchSize: 16, seed: 1, optimizer, keepZeros: false, distill: { teacher: residual(), temperature: 4, alpha: 0.5 } });
    expect(run).toThrow(expect.objectContaining({ code: 'E_INPUT_DATA', message: expect.stringContaining('[1, 6, 6, 3]') }));
    optimizer.dispose();
  });
});

describe('fine-tuning with distillation', () => {
  /** Mean over inputs of the L1 distance between the two models' class probabilities (the float reference's softmax outputs). */
  const gap = (a: ReturnType<typeof lenetLike>, b: ReturnType<typeof lenetLike>) => {
    let sum = 0;
    for (let k = 0; k < 16; k++) {
      const x = randomInput(a, 100 + k);
      const pa = new Float32Array(outputBytes(a, x).slice().buffer);
      const pb = new Float32Array(outputBytes(b, x).slice().buffer);
      sum += pa.reduce((s, v, i) => s + Math.abs(v - pb[i]!), 0);
    }
    return sum / 16;
  };

  it('with α = 1 (the labels unused) a tiny fine-tuning moves the student\'s outputs towards the teacher\'s; without distillation it does not', async () => {
    await useTrainBackend();
    const student = lenetLike(3);
    const teacher = lenetLike(7);
    const tune = (distill: boolean) => {
      const optimizer = tf.train.adam(1e-2);
      const tuned = finetune(student, noise(128), { epochs: 3, batchSize: 16, seed: 1, optimizer, keepZeros: false, distill: distill ? { teacher, temperature: 2, alpha: 1 } : undefined }).graph;
      optimizer.dispose();
      return tuned;
    };
    const before = gap(student, teacher);
    const distilled = gap(tune(true), teacher);
    const labelsOnly = gap(tune(false), teacher);
    expect(before).toBeGreaterThan(0.1);
    expect(distilled).toBeLessThan(0.5 * before);
    expect(distilled).toBeLessThan(0.5 * labelsOnly);
  }, 120_000);
});
