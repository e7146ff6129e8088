// Lowering of int8 DIV: the mul record (MUL's offsets, one output multiplier, broadcast strides).
import type { OpLowering } from '../context.js';
import { mulRecord } from './elementwise.js';

export const DIV: OpLowering<'DIV'> = { symbol: () => 'div_s8', record: mulRecord };
