// Progressive shrinking (Once-for-All): the largest member first, then elastic kernel, then depth, then
// expand ratio and width; every phase also samples the input resolution. Each step trains a few sampled
// members on the same batch (their losses summed: one gradient step). Deterministic for a seed and epoch,
// so a run resumed from an epoch's checkpoint takes the same steps as one that was never stopped.
import * as tf from '@tensorflow/tfjs-core';
import { Xorshift32 } from '../builder/random.js';
import { batches, type Dataset } from '../data/index.js';
import { InputDataError, UsageError } from '../errors.js';
import { stopGradient } from '../train/distill.js';
import type { Supernet } from './supernet.js';
import type { Arch, SearchSpace } from './space.js';

export const PHASES = ['largest', 'kernel', 'depth', 'width'] as const;
export type Phase = (typeof PHASES)[number];

/** Epochs per phase, in PHASES order. */
export type Schedule = Record<Phase, number>;

/** The default: small enough for minutes on a Fashion-MNIST slice on two shared cores. */
export const DEFAULT_SCHEDULE: Schedule = { largest: 2, kernel: 1, depth: 1, width: 2 };
/** The full schedule BENCHMARKS.md documents (the whole training split). */
export const FULL_SCHEDULE: Schedule = { largest: 10, kernel: 5, depth: 10, width: 15 };

/** "2,1,1,2": epochs of the largest, kernel, depth and width phases. */
export function parseSchedule(text: string): Schedule {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== PHASES.length || parts.some((p) => !Number.isSafeInteger(p) || p < 0) || parts.every((p) => p === 0)) {
    throw new UsageError(`--epochs takes ${PHASES.length} epoch counts (${PHASES.join(',')}), integers >= 0 not all 0, e.g. 2,1,1,2; got "${text}"`, { value: text });
  }
  return Object.fromEntries(PHASES.map((p, i) => [p, parts[i]!])) as Schedule;
}

/** The phase of global epoch `epoch` (1-based) under the schedule. */
export function phaseOf(schedule: Schedule, epoch: number): Phase {
  let end = 0;
  for (const p of PHASES) {
    end += schedule[p];
    if (epoch <= end) return p;
  }
  throw new UsageError(`epoch ${epoch} is past the schedule's ${totalEpochs(schedule)} epochs`, { epoch });
}

export const totalEpochs = (s: Schedule): number => PHASES.reduce((n, p) => n + s[p], 0);

function pick<T>(rng: Xorshift32, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng.uniform() * xs.length))]!;
}

/** A member the phase trains: the choices it has made elastic drawn at random, the rest at their largest. */
export function samplePhaseArch(space: SearchSpace, phase: Phase, rng: Xorshift32): Arch {
  const max = (xs: readonly number[]) => xs[xs.length - 1]!;
  const i = PHASES.indexOf(phase);
  const elastic = (p: Phase) => i >= PHASES.indexOf(p);
  return {
    resolution: pick(rng, space.resolutions),
    width: elastic('width') ? pick(rng, space.widths) : max(space.widths),
    stages: space.stages.map((s) =>
      Array.from({ length: elastic('depth') ? pick(rng, s.depths) : max(s.depths) }, () => ({
        kernel: elastic('kernel') ? pick(rng, space.kernels) : max(space.kernels),
        expand: elastic('width') ? pick(rng, space.expands) : max(space.expands),
      })),
    ),
  };
}

export interface SupernetEpoch {
  epoch: number;
  phase: Phase;
  /** Mean loss over the epoch's sampled members and batches. */
  loss: number;
  seconds: number;
}

export interface SupernetFitOptions {
  schedule: Schedule;
  batchSize: number;
  /** Members sampled per step (the largest phase trains the largest member alone). */
  membersPerStep: number;
  seed: number;
  optimizer: tf.Optimizer;
  /**
   * In the shrinking phases (members >= 2): the largest member is one of each step's members, trained on the
   * labels, and its logits (no gradient through them) are the other members' second target (Once-for-All's
   * knowledge distillation from the full network, in place as BigNAS does). Default false: on the small
   * schedule (bench/supernet-phases.ts, 1,1,1,2 on 1,000 images) it took the largest member from 48% to 72% but
   * the other members' mean from 33% to 30%, for 37% more CPU.
   */
  distill?: boolean;
  onStep?: (done: number, total: number) => void;
  now?: () => number;
}

export { stopGradient };

/** Trains global epoch `epoch` (1-based) of the schedule. */
export function trainSupernetEpoch(net: Supernet, train: Dataset, epoch: number, options: SupernetFitOptions): SupernetEpoch {
  const { batchSize, seed, optimizer } = options;
  const phase = phaseOf(options.schedule, epoch);
  const now = options.now ?? (() => performance.now());
  const start = now();
  // the width phase shrinks the expansion and the width: keep the most important channels first (sorted each epoch)
  if (phase === 'width') net.sortChannels(options.optimizer);
  const rng = new Xorshift32(seed * 7919 + epoch);
  const members = phase === 'largest' ? 1 : options.membersPerStep;
  const distill = (options.distill ?? false) && members >= 2;
  const classes = net.space.classes;
  let lossSum = 0;
  let count = 0;
  let step = 0;
  const steps = Math.ceil(train.shape[0] / batchSize);
  for (const b of batches(train, batchSize, { seed: seed * 1000 + epoch })) {
    step++;
    const archs = Array.from({ length: members }, (_, k) => (distill && k === 0 ? net.largestArch : samplePhaseArch(net.space, phase, rng)));
    const loss = tf.tidy(() => {
      const ys = tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes);
      const xs = archs.map((a) => net.inputsOf(a, b));
      const l = optimizer.minimize(() => {
        const logits = archs.map((a, k) => net.forward(a, xs[k]!, { kind: 'batch' }));
        const soft = distill ? tf.softmax(stopGradient(logits[0]!)) : null;
        const per = logits.map((z, k) => {
          const hard = tf.losses.softmaxCrossEntropy(ys, z);
          return soft && k > 0 ? tf.add(hard, tf.losses.softmaxCrossEntropy(soft, z)) : hard;
        });
        return tf.div(per.reduce((s, l) => tf.add(s, l)), members) as tf.Scalar;
      }, true, net.variables);
      return l!.dataSync()[0]!;
    });
    if (!Number.isFinite(loss)) {
      throw new InputDataError(`supernet training loss is ${loss} at epoch ${epoch} (${phase} phase), step ${step}: lower --lr or check the data`, { epoch, phase, step, loss: String(loss) });
    }
    lossSum += loss * b.shape[0];
    count += b.shape[0];
    options.onStep?.(step, steps);
  }
  return { epoch, phase, loss: lossSum / Math.max(1, count), seconds: (now() - start) / 1000 };
}
