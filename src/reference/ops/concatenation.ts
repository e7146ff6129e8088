// CONCATENATION (TFLM reference_ops::Concatenation): inputs laid side by side along `axis`.
import type { Op } from '../../ir/graph.js';
import { clampTo, multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';
import { elements } from './util.js';

/**
 * For each index over the dims before `axis`, copy each input's contiguous block (its axis extent times
 * the size of the dims after `axis`) in input order. TFLM copies int8 bytes unchanged (the derived
 * params hold null for every input); an input with requantization params instead goes through
 * out = zpOut + requant(q - zpIn, m, shift), clamped to int8.
 */
export function concatenation(op: Op<'CONCATENATION'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const output = outputs[0]!;
  const axis = op.attrs.axis;
  const shape = output.shape;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const y = elements(output.data);
  const outRow = shape[axis]! * inner;

  let columnOffset = 0;
  inputs.forEach((view, k) => {
    const input = view!;
    const block = input.shape[axis]! * inner;
    const requant = op.params?.inputs[k] ?? null; // float32 (params null): a plain copy
    if (requant) {
      const x = input.data as Int8Array;
      const { inputZeroPoint, multiplier, shift } = requant;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < block; i++) {
          const v = op.params!.outputZeroPoint + multiplyByQuantizedMultiplier(x[o * block + i]! - inputZeroPoint, multiplier, shift);
          y[o * outRow + columnOffset + i] = clampTo(v, [-128, 127]);
        }
      }
    } else {
      const x = elements(input.data);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < block; i++) y[o * outRow + columnOffset + i] = x[o * block + i]!;
      }
    }
    columnOffset += block;
  });
}
