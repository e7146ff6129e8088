// Learning-rate decay over a training run: the rate each optimizer step uses, from the base rate and how
// far the run is. Cosine decay (Loshchilov & Hutter's SGDR without restarts) takes the rate from the base
// at the first step to 0 after the last, so a continued model settles instead of hopping around a minimum.
import type * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';

export const LR_DECAYS = ['none', 'cosine'] as const;
export type LrDecay = (typeof LR_DECAYS)[number];

export function isLrDecay(name: string): name is LrDecay {
  return (LR_DECAYS as readonly string[]).includes(name);
}

/** The rate of step `step` (0-based) of `totalSteps`: the base throughout ('none'), or base·(1 + cos(π·step/totalSteps))/2 ('cosine'). */
export function learningRateAt(base: number, decay: LrDecay, step: number, totalSteps: number): number {
  if (!(Number.isSafeInteger(totalSteps) && totalSteps >= 1 && Number.isSafeInteger(step) && step >= 0 && step < totalSteps)) {
    throw new UsageError(`learning-rate step ${step} is outside the run's ${totalSteps} steps`, { step, totalSteps });
  }
  return decay === 'none' ? base : (base * (1 + Math.cos((Math.PI * step) / totalSteps))) / 2;
}

/** The optimizer's configured rate (what a schedule decays from). */
export function baseLearningRate(optimizer: tf.Optimizer): number {
  const lr = optimizer.getConfig()['learningRate'];
  if (typeof lr !== 'number') throw new UsageError(`optimizer ${optimizer.getClassName()} has no numeric learning rate to decay`, { optimizer: optimizer.getClassName() });
  return lr;
}

/** Sets the rate the optimizer's next step uses (tfjs's SGD keeps it as a tensor behind setLearningRate; Adam and the others read the field each step). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
