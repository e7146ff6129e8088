// FULLY_CONNECTED, int8 (TFLM reference_integer_ops::FullyConnected / FullyConnectedPerChannel).
import type { Op } from '../../ir/graph.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';

/**
 * Weights [units, depth]; the input is read as `batches` rows of `depth` elements, whatever its shape:
 * out[b,u] = clamp(zpOut + requant(bias[u] + sum over d of w[u,d] * (in[b*depth + d] - zpIn)))
 * (the weights' zero point is 0 — checked when the params are derived).
 */
export function fullyConnected(op: Op<'FULLY_CONNECTED'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[0]!;
  const filter = inputs[1]!;
  const bias = inputs[2] ?? null;
  const output = outputs[0]!;
  const { inputOffset, outputOffset, multiplier, shift } = op.params;
  const perChannel = multiplier.length > 1;
  const [units, depth] = filter.shape as [number, number];
  const batches = output.data.length / units;
  const x = input.data as Int8Array, w = filter.data as Int8Array, y = output.data as Int8Array;
  const b = bias ? (bias.data as Int32Array) : null;
  const [qmin, qmax] = op.attrs.clamp;

  for (let n = 0; n < batches; n++) {
    const inBase = n * depth;
    for (let u = 0; u < units; u++) {
      const wBase = u * depth;
      let acc = 0;
      for (let d = 0; d < depth; d++) acc += (w[wBase + d]) * ((x[inBase + d]) + inputOffset);
      if (b) acc += b[u];
      acc |= 0;
      const c = perChannel ? u : 0;
      let v = multiplyByQuantizedMultiplier(acc, multiplier[c]!, shift[c]!) + outputOffset;
      v = v < qmin ? qmin : v > qmax ? qmax : v;
      y[n * units + u] = v;
    }
  }
}
