// MAXIMUM and MINIMUM (TFLM maximum_minimum.cc, reference_ops::MaximumMinimumBroadcastSlow): the larger
// or smaller stored value of each (broadcast) pair, any dtype, with no requantization: TFLM's Prepare
// checks nothing and its Eval compares raw values, so int8 inputs are compared as stored.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { broadcastIndexMap } from './util.js';

function maxMin(pick: (a: number, b: number) => number) {
  return (_op: Op<'MAXIMUM' | 'MINIMUM'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void => {
    const a = inputs[0]!, b = inputs[1]!, out = outputs[0]!;
    const x1 = a.data, x2 = b.data, y = out.data;
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    const map1 = same ? null : broadcastIndexMap(a.shape, out.shape);
    const map2 = same ? null : broadcastIndexMap(b.shape, out.shape);
    for (let i = 0; i < y.length; i++) y[i] = pick(Number(x1[map1 ? map1[i]! : i]!), Number(x2[map2 ? map2[i]! : i]!));
  };
}

/** TFLM MaximumOp: el1 > el2 ? el1 : el2. */
export const maximum = maxMin((a, b) => (a > b ? a : b));
/** TFLM MinimumOp: el1 < el2 ? el1 : el2. */
export const minimum = maxMin((a, b) => (a < b ? a : b));
