// Measured (member, accuracy) pairs read back from `nas accuracy --json` reports: the CLI's --add-pairs and
// bench/nas-predictor.ts read them with this one reader, so both refuse labels measured another way.
import { UsageError } from '../errors.js';
import type { MeasuredMember } from './accuracy.js';
import { archFromKey, type SearchSpace } from './space.js';

/** How a member's accuracy was measured: pairs measured otherwise are not the same labels. */
export interface Measurement {
  weightsSha256: string;
  evalImages: number;
  calibrationImages: number;
}

export interface PairsReport {
  /** What the user named it by, for errors (e.g. "--add-pairs a1.json"). */
  label: string;
  /** The parsed JSON of the report. */
  json: unknown;
}

const FIELDS = ['weightsSha256', 'evalImages', 'calibrationImages'] as const;

/**
 * The pairs of the reports, first occurrence of each member kept, every report checked to be measured as `want`
 * (the first report's own record when not given; `wantBy` names where `want` came from in errors). Returns that
 * measurement with the pairs.
 */
export function readMeasuredPairs(reports: readonly PairsReport[], space: SearchSpace, want?: Measurement, wantBy = 'this run'): { measurement: Measurement; pairs: MeasuredMember[] } {
  const out: MeasuredMember[] = [];
  const seen = new Set<string>();
  let wanted = want;
  for (const { label, json } of reports) {
    const r = json as { measurement?: Partial<Measurement>; pairs?: unknown };
    const got = typeof r === 'object' && r !== null ? r.measurement : undefined;
    if (typeof got !== 'object' || got === null) throw new UsageError(`${label}: not a nas accuracy --json report of this version (no measurement record: re-measure its members)`, { report: label });
    if (wanted === undefined) {
      if (typeof got.weightsSha256 !== 'string' || !Number.isInteger(got.evalImages) || !Number.isInteger(got.calibrationImages)) throw new UsageError(`${label}: its measurement record is not {weightsSha256, evalImages, calibrationImages}`, { report: label });
      wanted = got as Measurement;
    }
    for (const k of FIELDS) {
      if (got[k] !== wanted[k]) throw new UsageError(`${label}: measured with ${k} ${JSON.stringify(got[k])}, ${want === undefined ? 'the first report' : wantBy} ${JSON.stringify(wanted[k])}${k === 'weightsSha256' ? ' (another supernet or checkpoint)' : ''}`, { report: label, field: k, got: got[k], want: wanted[k] });
    }
    if (!Array.isArray(r.pairs)) throw new UsageError(`${label}: no pairs array`, { report: label });
    for (const p of r.pairs as Array<{ arch?: unknown; accuracy?: unknown }>) {
      const accuracy = p?.accuracy;
      if (typeof p?.arch !== 'string' || typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) throw new UsageError(`${label}: a pair is not {arch: key, accuracy: fraction}: ${JSON.stringify(p).slice(0, 80)}`, { report: label });
      if (seen.has(p.arch)) continue;
      seen.add(p.arch);
      out.push({ arch: archFromKey(p.arch, space), accuracy, images: wanted.evalImages });
    }
  }
  if (wanted === undefined) throw new UsageError('no nas accuracy report given', {});
  return { measurement: wanted, pairs: out };
}
