// DECODE (TFLM's LUT decompression): each packed index looked up in its channel's value table.
import type { Op } from '../../ir/graph.js';
import { decodeLut } from '../../ir/lut.js';
import type { TensorView } from '../types.js';

export function decode(op: Op<'DECODE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  decodeLut(inputs[0]!.data as Uint8Array, inputs[1]!.data as Uint8Array, op.attrs, outputs[0]!.data as Int8Array);
}
