import type { OpKind } from '../ir/ops.js';
import { linearKernels } from './ops/linear.js';
import { nonlinearKernels } from './ops/nonlinear.js';
import type { RefKernel } from './types.js';

/** Every op kind's reference kernel: the readable spec the wasm and C kernels are checked against. */
export const REFERENCE_KERNELS: { [K in OpKind]: RefKernel<K> } = { ...linearKernels, ...nonlinearKernels };
