// One table from op kind to its parameter deriver; the importer, the builder and the passes all use it.
import type { OpKind, OpParams } from '../ops.js';
import { linearDerivers } from './linear.js';
import { nonlinearDerivers } from './nonlinear.js';
import type { DeriveContext, ParamDeriver } from './types.js';

const DERIVERS: { [K in OpKind]: ParamDeriver<K> } = { ...linearDerivers, ...nonlinearDerivers };

/** The op's params: derived for an int8-path op; null for a float32 op once its shapes and dtypes are checked. */
export function deriveParams<K extends OpKind>(ctx: DeriveContext<K>): OpParams[K] | null {
  const derive = DERIVERS[ctx.op.kind] as ParamDeriver<K>;
  return derive(ctx);
}

export type { DeriveContext, ParamDeriver } from './types.js';
