// SVDF on float32 (TFLM svdf_common.cc EvalFloatSvdfReference): the variable state [batch, filters * memory]
// shifts left by one element, the feature matmul writes each filter's newest activation into its last slot,
// each filter's time dot product goes to a scratch row, each unit sums its bias and its `rank` filters, then
// the fused activation. float32 at every step (products and sums rounded as TFLM's float loops).
import { floatActivationClamp } from '../../ir/float.js';
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { clampF32, f32 } from './arith.js';

export function floatSvdf(op: Op<'SVDF'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const [x, feature, time, bias, state] = inputs as [TensorView, TensorView, TensorView, TensorView | null, TensorView];
  const out = outputs[0]!.data;
  const rank = op.attrs.rank;
  const [batches, inputSize] = x.shape as [number, number];
  const [filters, memory] = time.shape as [number, number];
  const units = filters / rank;
  const s = state.data;

  s.copyWithin(0, 1); // the state persists across invokes: it is written in place
  for (let b = 0; b < batches; b++) {
    for (let f = 0; f < filters; f++) {
      let dot = 0;
      for (let c = 0; c < inputSize; c++) dot = f32(dot + f32(Number(feature.data[f * inputSize + c]!) * Number(x.data[b * inputSize + c]!)));
      s[(b * filters + f) * memory + memory - 1] = dot;
    }
  }

  const clamp = floatActivationClamp(op.attrs.activation);
  const scratch = new Float32Array(filters);
  for (let b = 0; b < batches; b++) {
    for (let f = 0; f < filters; f++) {
      let dot = 0;
      for (let m = 0; m < memory; m++) dot = f32(dot + f32(Number(time.data[f * memory + m]!) * Number(s[(b * filters + f) * memory + m]!)));
      scratch[f] = dot;
    }
    for (let u = 0; u < units; u++) {
      let acc = bias ? Number(bias.data[u]!) : 0;
      for (let r = 0; r < rank; r++) acc = f32(acc + scratch[u * rank + r]!);
      out[b * units + u] = clampF32(acc, clamp);
    }
  }
}
