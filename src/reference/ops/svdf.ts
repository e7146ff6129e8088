// SVDF (TFLM svdf_common.cc EvalIntegerSvdfReference): the variable state [batch, filters * memory] holds
// each filter's last `memory` activations. Per invoke: the state shifts left by one element, the feature
// matmul writes each filter's newest activation (rescaled to the state, plus its zero point, clamped to
// the state's type) into the filter's last slot, then each unit sums bias + the time dot products of its
// `rank` filters, rescaled to the int8 output. The state input is written: it persists across invokes.
import type { QuantizedOp } from '../../ir/graph.js';
import { multiplyByQuantizedMultiplier } from '../../ir/quant.js';
import type { TensorView } from '../types.js';

export function svdf(op: QuantizedOp<'SVDF'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const [x, feature, time, bias, state] = inputs as [TensorView, TensorView, TensorView, TensorView | null, TensorView];
  const out = outputs[0]!;
  const p = op.params;
  const rank = op.attrs.rank;
  const [batches, inputSize] = x.shape as [number, number];
  const [filters, memory] = time.shape as [number, number];
  const units = filters / rank;
  const s = state.data;
  const [lo, hi] = s instanceof Int16Array ? [-32768, 32767] : [-128, 127];

  // Shift the whole state left by one element (TFLM's loop: the first filter's oldest value drops out;
  // every filter's last slot is then overwritten below).
  s.copyWithin(0, 1);

  for (let b = 0; b < batches; b++) {
    for (let f = 0; f < filters; f++) {
      let acc = 0;
      for (let c = 0; c < inputSize; c++) acc += Number(feature.data[f * inputSize + c]!) * (Number(x.data[b * inputSize + c]!) - p.inputZeroPoint);
      // The state's zero point is added before the clamp (TFLM: so the int8 state cannot wrap).
      const v = multiplyByQuantizedMultiplier(acc | 0, p.multiplier1, p.shift1) + p.stateZeroPoint;
      s[(b * filters + f) * memory + memory - 1] = Math.min(Math.max(v, lo), hi);
    }
  }

  for (let b = 0; b < batches; b++) {
    for (let u = 0; u < units; u++) {
      let acc = bias ? Number(bias.data[u]!) : 0;
      for (let r = 0; r < rank; r++) {
        const f = u * rank + r;
        let dot = 0;
        for (let m = 0; m < memory; m++) dot += Number(time.data[f * memory + m]!) * (Number(s[(b * filters + f) * memory + m]!) - p.stateZeroPoint);
        acc = (acc + dot) | 0;
      }
      const v = multiplyByQuantizedMultiplier(acc, p.multiplier2, p.shift2) + p.outputZeroPoint;
      out.data[b * units + u] = Math.min(Math.max(v, -128), 127);
    }
  }
}
