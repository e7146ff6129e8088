// Numeric command-line flags, checked once: a usage error names the flag, the range and what was given.
import { UsageError } from '../errors.js';

/** An integer flag >= min. */
export function integerFlag(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${text}"`, { flag, value: text });
  return v;
}

/** A finite number flag accepted by `ok`; `range` says which in the message ("a positive number"). */
export function numberFlag(text: string, flag: string, ok: (v: number) => boolean, range: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`${flag} must be ${range}, got "${text}"`, { flag, value: text });
  return v;
}
