// CAST as TFLM's cast.cc: each stored value static_cast to the output's element type, quantization not read.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { floatToInt32 } from '../../ir/quant.js';
import { elements } from './util.js';

/** Integer views wrap to their width on store (C's conversion); a Float32Array rounds to nearest even. */
export function cast(_op: Op<'CAST'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const x = elements(inputs[0]!.data);
  const out = outputs[0]!.data;
  const y = elements(out);
  const fromFloat = inputs[0]!.data instanceof Float32Array, toFloat = out instanceof Float32Array;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number; // CAST_DTYPES: no 64-bit views
    y[i] = fromFloat && !toFloat ? floatToInt32(v) : v;
  }
}
