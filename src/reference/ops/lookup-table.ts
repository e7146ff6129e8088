// ELU on int8 as TFLM's elu.cc EvalUsingLookupTable: each output is the Prepare-built table's entry at the
// input's byte. EXP and NEG have no integer kernel (TFLM's exp.cc, neg.cc: float32 only).
import { UnsupportedError } from '../../errors.js';
import type { RefKernel } from '../types.js';
import { checkSameLength, intData } from './nonlinear-common.js';

export const elu: RefKernel<'ELU'> = (op, inputs, outputs) => {
  const x = intData('ELU', inputs[0], 'input');
  const y = intData('ELU', outputs[0], 'output');
  const size = checkSameLength('ELU', x, y);
  const table = op.params.table;
  for (let i = 0; i < size; i++) y[i] = table[x[i]! & 0xff]!;
};

/** Unreachable past the params check (float32 EXP / NEG run the float kernels): kept as typed refusals. */
function floatOnly<K extends 'EXP' | 'NEG'>(kind: K, source: string): RefKernel<K> {
  return () => {
    throw new UnsupportedError(`${kind}: only float32 is supported (TFLM ${source})`, { op: kind });
  };
}
export const exp = floatOnly('EXP', 'exp.cc');
export const neg = floatOnly('NEG', 'neg.cc');
