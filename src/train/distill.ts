// Knowledge distillation (Hinton et al. 2015): a student trained on the labels and on a teacher's class
// probabilities softened by a temperature, the standard recovery step after pruning. The teacher's logits are
// a target: no gradient flows back through them (stopGradient, also the supernet's in-place distillation's).
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableGraph } from './graph.js';

/** The identity, with no gradient flowing back through it (a distillation target). */
export const stopGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({ value: tf.clone(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as (x: tf.Tensor) => tf.Tensor;

/** What fit distils from: the teacher's forward (inference mode) on each batch, its temperature and the soft target's weight. */
export interface Distillation {
  teacher: TrainableGraph;
  temperature: number;
  /** Weight of the soft (teacher) term; 1 − alpha weighs the labels' cross-entropy. */
  alpha: number;
  /** How errors name the two models (default "student", "teacher"). */
  names?: { student: string; teacher: string };
}

/**
 * (1 − α)·CE(labels, softmax(student)) + α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)), each the batch mean;
 * T² keeps the soft term's gradients at the hard term's scale as T grows (Hinton et al.).
 */
export function distillationLoss(oneHotLabels: tf.Tensor, student: tf.Tensor, teacher: tf.Tensor, temperature: number, alpha: number): tf.Scalar {
  const hard = tf.losses.softmaxCrossEntropy(oneHotLabels, student);
  const logTeacher = tf.logSoftmax(tf.div(stopGradient(teacher), temperature));
  const logStudent = tf.logSoftmax(tf.div(student, temperature));
  const kl = tf.mean(tf.sum(tf.mul(tf.exp(logTeacher), tf.sub(logTeacher, logStudent)), 1));
  return tf.add(tf.mul(hard, 1 - alpha), tf.mul(kl, alpha * temperature * temperature)) as tf.Scalar;
}
