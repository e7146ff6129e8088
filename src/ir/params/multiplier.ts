// QuantizeMultiplier as TFLM's Prepare functions call it, with the range checks TFLM applies (or needs:
// what it leaves undefined we refuse), shared by every deriver so the rule lives in one place.
import { UnsupportedError } from '../../errors.js';
import type { Tensor } from '../graph.js';
import type { OpKind } from '../ops.js';
import { quantizeMultiplier } from '../quant.js';
import type { DeriveContext } from './types.js';

/**
 * The largest left shift MultiplyByQuantizedMultiplier applies: it computes x * (1 << shift) in int32,
 * undefined in C++ from 31 on, and TFLM's single-rounding build DCHECKs shift in [-31, 30].
 */
export const MAX_LEFT_SHIFT = 30;

/** Where a multiplier is used, for the error: the op, the tensor whose scale makes it, what it is. */
export interface MultiplierSite {
  ctx: DeriveContext<OpKind>;
  tensor: Tensor;
  /** e.g. 'output', 'input 1', 'alpha', 'channel 3 output'. */
  what: string;
}

function refuse(site: MultiplierSite, message: string, facts: Record<string, unknown>): UnsupportedError {
  const { ctx, tensor } = site;
  return new UnsupportedError(`${ctx.op.kind} (node ${ctx.index}), tensor '${tensor.name}' (#${tensor.id}): ${message}`, {
    op: ctx.op.kind, node: ctx.index, tensor: tensor.name, tensorId: tensor.id, ...facts,
  });
}

/** Refuses a (multiplier, shift) whose shift is above maxShift. */
export function checkShift(site: MultiplierSite, real: number, q: { multiplier: number; shift: number }, maxShift = MAX_LEFT_SHIFT): void {
  if (q.shift <= maxShift) return;
  const limit = maxShift === MAX_LEFT_SHIFT ? `TFLM's MultiplyByQuantizedMultiplier shifts left by at most ${MAX_LEFT_SHIFT}` : `TFLM requires a shift of at most ${maxShift}`;
  throw refuse(site, `${site.what} multiplier ${real} needs a shift of ${q.shift} (${limit})`, {
    realMultiplier: real, multiplier: q.multiplier, shift: q.shift, maxShift,
  });
}

/**
 * TFLM QuantizeMultiplier of `real` for use by MultiplyByQuantizedMultiplier: refuses a non-finite
 * multiplier (TFLM's TFLITE_CHECK on the rounded significand aborts) and a shift above maxShift.
 * Multipliers below 2^-32 become (0, 0), as in TFLM: the result is the zero point.
 */
export function requantMultiplier(site: MultiplierSite, real: number, maxShift = MAX_LEFT_SHIFT): { multiplier: number; shift: number } {
  if (!Number.isFinite(real)) throw refuse(site, `${site.what} multiplier ${real} is not finite`, { realMultiplier: String(real) });
  const q = quantizeMultiplier(real);
  checkShift(site, real, q, maxShift);
  return q;
}
