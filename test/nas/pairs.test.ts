// Reading measured pairs back from `nas accuracy --json` reports: one reader for the CLI and the predictor bench.
import { describe, expect, it } from 'vitest';
import type { TinyforgeError } from '../../src/errors.js';
import { readMeasuredPairs, type Measurement } from '../../src/nas/pairs.js';
import { parseSpace } from '../../src/nas/space.js';
import { refusal } from '../helpers/refusal.js';
import { TINY_SPACE } from './fixtures.js';

const space = parseSpace(TINY_SPACE);
const M: Measurement = { weightsSha256: 'ab'.repeat(32), evalImages: 600, calibrationImages: 64 };
const report = (measurement: unknown, pairs: Array<{ arch: string; accuracy: number }>) => ({ measurement, evalImages: 600, pairs });

/** The shared refusal helper, each refusal a usage error. */
function usage(f: () => unknown): TinyforgeError {
  const e = refusal(f);
  expect(e.code).toBe('E_USAGE');
  return e;
}

describe('readMeasuredPairs', () => {
  it('merges reports in order, keeps the first measurement of a member, and labels each with its images', () => {
    const a = report(M, [{ arch: '16/0.5/33-36', accuracy: 0.7 }, { arch: '20/0.35/53-56.36', accuracy: 0.6 }]);
    const b = report(M, [{ arch: '16/0.5/33-36', accuracy: 0.9 }, { arch: '20/0.5/36-33', accuracy: 0.8 }]);
    const { measurement, pairs } = readMeasuredPairs([{ label: 'a.json', json: a }, { label: 'b.json', json: b }], space);
    expect(measurement).toEqual(M);
    expect(pairs.map((p) => [p.arch.resolution, p.arch.width, p.accuracy, p.images])).toEqual([[16, 0.5, 0.7, 600], [20, 0.35, 0.6, 600], [20, 0.5, 0.8, 600]]);
    expect(pairs[1]!.arch.stages[1]).toEqual([{ kernel: 5, expand: 6 }, { kernel: 3, expand: 6 }]);
  });

  it('without a wanted measurement, a report measured unlike the first is refused naming the field and both values', () => {
    const a = report(M, [{ arch: '16/0.5/33-36', accuracy: 0.7 }]);
    const b = report({ ...M, calibrationImages: 1024 }, [{ arch: '20/0.5/36-33', accuracy: 0.8 }]);
    const e = usage(() => readMeasuredPairs([{ label: 'a.json', json: a }, { label: 'b.json', json: b }], space));
    expect(e.message).toBe('b.json: measured with calibrationImages 1024, the first report 64');
    expect(e.details).toMatchObject({ field: 'calibrationImages', got: 1024, want: 64 });
  });

  it('with a wanted measurement (the CLI: this run), another supernet is named as such', () => {
    const a = report({ ...M, weightsSha256: 'cd'.repeat(32) }, [{ arch: '16/0.5/33-36', accuracy: 0.7 }]);
    expect(usage(() => readMeasuredPairs([{ label: '--add-pairs a.json', json: a }], space, M)).message).toMatch(/^--add-pairs a\.json: measured with weightsSha256 "cdcd.*", this run "abab.*" \(another supernet or checkpoint\)$/);
  });

  it('refuses reports without a measurement record, malformed records and pairs, and members outside the space', () => {
    const ok = [{ arch: '16/0.5/33-36', accuracy: 0.7 }];
    expect(usage(() => readMeasuredPairs([{ label: 'old.json', json: { evalImages: 600, pairs: ok } }], space)).message).toMatch(/old\.json: .*no measurement record/);
    expect(usage(() => readMeasuredPairs([{ label: 'x.json', json: report({ weightsSha256: 'ab', evalImages: '600' }, ok) }], space)).message).toMatch(/x\.json: its measurement record is not/);
    expect(usage(() => readMeasuredPairs([{ label: 'p.json', json: report(M, [{ arch: '16/0.5/33-36', accuracy: 70 }]) }], space)).message).toMatch(/p\.json: a pair is not \{arch: key, accuracy: fraction\}/);
    expect(usage(() => readMeasuredPairs([{ label: 'n.json', json: { measurement: M } }], space)).message).toBe('n.json: no pairs array');
    // kernel 7 is not in the tiny space
    usage(() => readMeasuredPairs([{ label: 's.json', json: report(M, [{ arch: '16/0.5/73-36', accuracy: 0.5 }]) }], space));
    expect(usage(() => readMeasuredPairs([], space)).message).toMatch(/no nas accuracy report/);
  });
});
