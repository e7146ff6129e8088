// FULLY_CONNECTED, int8 and 16x8 (TFLM reference_integer_ops::FullyConnected / FullyConnectedPerChannel, both overloads).
import type { QuantizedOp } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { requantOf, requantize, requantize16, type Requant } from './conv-common.js';

/** Everything one batch row's computation needs, gathered once per call. */
export interface FullyConnectedContext {
  x: Int8Array | Int16Array;
  w: Int8Array;
  q: Requant;
  /** int16 activations: 64-bit accumulation with an int64 bias (TFLM's 16x8 kernel). */
  wide: boolean;
  units: number;
  depth: number;
  batches: number;
}

export function fullyConnectedContext(op: QuantizedOp<'FULLY_CONNECTED'>, inputs: Array<TensorView | null>, output: TensorView): FullyConnectedContext {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const bias = inputs[2] ?? null;
  const [units, depth] = filter.shape as [number, number];
  return {
    x: input.data as Int8Array | Int16Array,
    w: filter.data as Int8Array,
    q: requantOf(op, bias),
    wide: input.data instanceof Int16Array,
    units, depth,
    batches: output.data.length / units,
  };
}

/** Batch row n: reads input elements [n*depth, (n+1)*depth) only; its `units` values go to dest[destBase ..]. */
export function fullyConnectedRow(k: FullyConnectedContext, n: number, dest: Int8Array | Int16Array, destBase: number): void {
  const { x, w, units, depth } = k;
  const inBase = n * depth;
  const inputOffset = k.q.inputOffset;
  for (let u = 0; u < units; u++) {
    const wBase = u * depth;
    let acc = 0;
    for (let d = 0; d < depth; d++) acc += (w[wBase + d]!) * ((x[inBase + d]!) + inputOffset);
    dest[destBase + u] = k.wide ? requantize16(k.q, acc, u) : requantize(k.q, acc, u);
  }
}

/**
 * Weights [units, depth]; the input is read as `batches` rows of `depth` elements, whatever its shape:
 * out[b,u] = clamp(zpOut + requant(bias[u] + sum over d of w[u,d] * (in[b*depth + d] - zpIn)))
 * (the weights' zero point is 0 — checked when the params are derived).
 * Writes straight into the output: input and output must not overlap (see ../variants.ts).
 */
export function fullyConnected(op: QuantizedOp<'FULLY_CONNECTED'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const output = outputs[0]!;
  const k = fullyConnectedContext(op, inputs, output);
  const y = output.data as Int8Array | Int16Array;
  for (let n = 0; n < k.batches; n++) fullyConnectedRow(k, n, y, n * k.units);
}
