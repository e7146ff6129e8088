// ELU on int8 as TFLM's elu.cc EvalUsingLookupTable: each output is the Prepare-built table's entry at the
// input's byte. EXP has no integer kernel (TFLM's exp.cc is float32 only; its params refuse the rest).
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

/** Unreachable past the params check (float32 EXP runs the float kernel): kept as a typed refusal. */
export const exp: RefKernel<'EXP'> = () => {
  throw new UnsupportedError('EXP: only float32 is supported (TFLM exp.cc)', { op: 'EXP' });
};
