// Lowering of ELU (int8: TFLM's Prepare-built 256-entry table, carried as constant data) and the refusal
// of EXP, which TFLM runs in float32 only (its params refuse every integer EXP).
import { UnsupportedError } from '../../../errors.js';
import type { OpLowering } from '../context.js';
import { constRef } from '../records.js';
import { unary } from './elementwise.js';

export const ELU: OpLowering<'ELU'> = {
  symbol: () => 'lut_s8',
  record(ctx, { call, op, where }) {
    const { io, size } = unary(ctx, call, where);
    const t = op.params.table;
    return { record: 'lut_s8', fields: { ...io, size, table: constRef(ctx.consts.add(new Uint8Array(t.buffer, t.byteOffset, t.byteLength))) } };
  },
};

/** float32 only: never an int8 call once the params are derived; kept as a typed refusal. */
function noIntegerExp({ where }: { where: string }): never {
  throw new UnsupportedError(`${where}: EXP runs in float32 only (TFLM exp.cc); no integer kernel`, { op: 'EXP' });
}

export const EXP: OpLowering<'EXP'> = {
  symbol: (c) => noIntegerExp(c),
  record: (_ctx, c) => noIntegerExp(c),
};
