// bench:prune --only: the rows it names, and an error naming the net's rows when it names none of them.
import { describe, expect, it } from 'vitest';
import { onlyRows } from '../../bench/prune.js';

type Settings = Parameters<typeof onlyRows>[0];
const settings: Settings = [
  { name: 'dense', method: 'dense', amount: 0, finetune: false },
  { name: 'dense', method: 'dense', amount: 0, finetune: true },
  { name: 'fine-grained 70% overall (scan-allocated), one-shot', method: 'magnitude', amount: 0.7, finetune: true, steps: 1 },
];

describe('bench:prune --only', () => {
  it('picks the named rows, a fine-tuned one by its name + " + ft"; all without --only', () => {
    expect(onlyRows(settings, ['dense + ft'], 'ds-cnn')).toEqual([settings[1]]);
    expect(onlyRows(settings, ['fine-grained 70% overall (scan-allocated), one-shot + ft', 'dense'], 'ds-cnn')).toEqual([settings[0], settings[2]]);
    expect(onlyRows(settings, undefined, 'ds-cnn')).toEqual(settings);
  });

  it('naming none of the net\'s rows is an error listing them (it used to run nothing)', () => {
    expect(() => onlyRows(settings, ['fine-grained 70% overall (scan-allocated) + ft'], 'ds-cnn')).toThrow(
      "--only: no ds-cnn row is named 'fine-grained 70% overall (scan-allocated) + ft'; its rows: 'dense', 'dense + ft', 'fine-grained 70% overall (scan-allocated), one-shot + ft'",
    );
  });
});
