// Which reference kernel runs an op: the float32 one when the op computes in float32 (its first input
// and its output are float32, the rule of ir/float.ts isFloatOp), else the int8 path's.
import type { AnyOp } from '../ir/graph.js';
import type { OpKind } from '../ir/ops.js';
import { UnsupportedError } from '../errors.js';
import { FLOAT_KERNELS, type FloatOpKind } from './float/kernels.js';
import { REFERENCE_KERNELS } from './kernels.js';
import type { FloatKernel, RefKernel, TensorView } from './types.js';

/** isFloatOp on the views a kernel receives. */
export function isFloatCall(inputs: ReadonlyArray<TensorView | null>, outputs: readonly TensorView[]): boolean {
  return inputs[0]?.data instanceof Float32Array && outputs[0]?.data instanceof Float32Array;
}

export function runDefaultKernel(op: AnyOp, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  if (isFloatCall(inputs, outputs)) {
    const kernel = FLOAT_KERNELS[op.kind as FloatOpKind] as FloatKernel<OpKind> | undefined;
    if (!kernel) throw new UnsupportedError(`${op.kind} has no float32 reference kernel`, { op: op.kind });
    kernel(op, inputs, outputs);
    return;
  }
  (REFERENCE_KERNELS[op.kind] as RefKernel<OpKind>)(op as Parameters<RefKernel<OpKind>>[0], inputs, outputs);
}
