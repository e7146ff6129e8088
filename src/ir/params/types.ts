import type { Op, Tensor } from '../graph.js';
import type { OpKind, OpParams } from '../ops.js';

/** What a deriver sees: the op (attrs already normalized), its node index, and the graph's tensors. */
export interface DeriveContext<K extends OpKind> {
  op: Omit<Op<K>, 'params'>;
  /** Node index in execution order, for error messages. */
  index: number;
  tensors: readonly Tensor[];
}

/**
 * Computes an op's quantization parameters once (null for a float32 op: it has none), and refuses (UnsupportedError naming op, node index
 * and tensor) any dtype or quantization the kernels do not implement.
 */
export type ParamDeriver<K extends OpKind> = (ctx: DeriveContext<K>) => OpParams[K] | null;

export type ParamDerivers<K extends OpKind> = { [P in K]: ParamDeriver<P> };
