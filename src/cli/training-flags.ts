// The flags every training command (train, qat, cluster --finetune) shares, parsed and checked once.
import { integerFlag, numberFlag } from './flags.js';

/** The flags as commander gives them. */
export interface TrainingFlagText {
  epochs: string;
  batch: string;
  lr: string;
  seed: string;
  limit?: string;
}

export interface TrainingFlags {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** The first N images of each split, when given. */
  limit: number | undefined;
}

/** --epochs, --batch, --lr, --seed and --limit, each a usage error naming the flag when out of range. */
export function trainingFlags(opts: TrainingFlagText): TrainingFlags {
  return {
    epochs: integerFlag(opts.epochs, '--epochs', 1),
    batchSize: integerFlag(opts.batch, '--batch', 1),
    seed: integerFlag(opts.seed, '--seed', 0),
    limit: opts.limit === undefined ? undefined : integerFlag(opts.limit, '--limit', 1),
    lr: numberFlag(opts.lr, '--lr', (v) => v > 0, 'a positive number'),
  };
}
