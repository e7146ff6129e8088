// Lowering of ELU (int8: TFLM's Prepare-built 256-entry table, carried as constant data) and the refusal
// of EXP and NEG, which TFLM runs in float32 only (their params refuse every integer EXP / NEG).
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
function floatOnly<K extends 'EXP' | 'NEG'>(kind: K, source: string): OpLowering<K> {
  const refuse = ({ where }: { where: string }): never => {
    throw new UnsupportedError(`${where}: ${kind} runs in float32 only (TFLM ${source}); no integer kernel`, { op: kind });
  };
  return { symbol: (c) => refuse(c), record: (_ctx, c) => refuse(c) };
}

export const EXP = floatOnly('EXP', 'exp.cc');
export const NEG = floatOnly('NEG', 'neg.cc');
