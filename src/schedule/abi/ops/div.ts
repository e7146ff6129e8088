// Lowering of DIV: int8 (div_s8) and unquantized int32 (div_s32), both on the mul record (MUL's offsets,
// one output multiplier, broadcast strides; div_s32 reads only the shape fields and the clamp).
import type { OpLowering } from '../context.js';
import { mulRecord } from './elementwise.js';

export const DIV: OpLowering<'DIV'> = {
  symbol: ({ call }) => (call.outputs[0]!.dtype === 'int32' ? 'div_s32' : 'div_s8'),
  record: mulRecord,
};
