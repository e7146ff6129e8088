// Empirical bias correction (Nagel et al. 2019, "Data-Free Quantization", §4.2, measured on data): rounding
// a conv/FC's weights shifts the mean of its outputs per channel, E[(W - W_q) x]; that shift, measured
// before the activation on the inputs the int8 model gives the layer, is added to each int32 (16x8: int64) bias.
import type { AnyOp, Graph, Op, Tensor } from '../ir/graph.js';
import { FLOAT32_MAX } from '../ir/float.js';
import { INT32_MAX, INT32_MIN, roundHalfAway } from '../ir/quant.js';
import { FLOAT_KERNELS } from '../reference/float/kernels.js';
import { runReference } from '../reference/interpreter.js';
import type { TensorView } from '../reference/types.js';
import { dequantized, floatValues } from './values.js';

type Weighted = 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED';
const WEIGHTED: ReadonlySet<string> = new Set<Weighted>(['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']);

export interface BiasCorrection {
  /** Node index in the float graph. */
  node: number;
  op: string;
  bias: string;
  /** Mean over channels of |correction| in real units, and the largest. */
  meanAbsShift: number;
  maxAbsShift: number;
}

/** Every activation of one run as real float32 values, by tensor id (int8 ones dequantized). */
function activations(graph: Graph, sample: readonly Uint8Array[]): Map<number, Float32Array> {
  const values = new Map<number, Float32Array>();
  const keep = (id: number, data: ArrayLike<number>) => {
    const t = graph.tensors[id]!;
    values.set(id, data instanceof Float32Array ? data.slice() : dequantized(data, t.shape, t.quant!));
  };
  graph.inputs.forEach((id, i) => {
    if (graph.tensors[id]!.dtype === 'float32') keep(id, new Float32Array(sample[i]!.slice().buffer));
  });
  runReference(graph, sample, { onOpDone: (_i, op, views) => op.outputs.forEach((id, k) => keep(id, views[k]!.data as ArrayLike<number>)) });
  return values;
}

/** An int32 or int64 (16x8) bias's values as numbers (an int64 bias from a float one fits 2^53). */
function biasValues(b: Tensor): number[] {
  const bytes = b.data!.slice().buffer;
  return b.dtype === 'int64' ? Array.from(new BigInt64Array(bytes), Number) : Array.from(new Int32Array(bytes));
}

/** The op's output before its fused activation, in float32 (TFLite's float reference kernel), for the given operands. */
function preActivation(op: AnyOp, input: Tensor, out: Tensor, x: Float32Array, w: TensorView, bias: Float32Array): Float32Array {
  const unclamped = { ...op, attrs: { ...op.attrs, clamp: [-FLOAT32_MAX, FLOAT32_MAX] }, params: null } as Op<Weighted>;
  const y: TensorView = { shape: out.shape, data: new Float32Array(out.shape.reduce((a, b) => a * b, 1)) };
  const inputs: TensorView[] = [{ shape: input.shape, data: x }, w, { shape: [bias.length], data: bias }];
  (FLOAT_KERNELS[op.kind as Weighted] as (o: Op<Weighted>, i: Array<TensorView | null>, outs: TensorView[]) => void)(unclamped, inputs, [y]);
  return y.data as Float32Array;
}

/**
 * Adds to each conv/FC int32 bias of `int8` (quantized from `float` by quantizeGraph: same tensor ids,
 * ops after the graph inputs' QUANTIZEs) the mean per channel over the samples of its pre-activation
 * output with float weights and bias minus with the int8 ones, both on the int8 model's input to it.
 * Each layer corrects only its own weights' shift: a shift measured end to end would be corrected again
 * by every layer downstream of it.
 */
export function correctBiases(float: Graph, int8: Graph, samples: Iterable<readonly Uint8Array[]>): { graph: Graph; corrections: BiasCorrection[] } {
  const offset = float.inputs.length;
  const targets = float.ops.flatMap((op, node) => {
    const q = int8.ops[node + offset]!;
    const biasId = q.inputs[2] ?? -1;
    // a bias absent, or shared with another op (a correction would move both), is left as it is
    if (!WEIGHTED.has(op.kind) || q.kind !== op.kind || biasId < 0 || int8.ops.filter((o) => o.inputs.includes(biasId)).length > 1) return [];
    const w = int8.tensors[q.inputs[1]!]!;
    const b = int8.tensors[biasId]!;
    const channels = b.shape[0]!;
    return [{
      node,
      op,
      q,
      biasId,
      floatWeight: { shape: float.tensors[op.inputs[1]!]!.shape, data: floatValues(float.tensors[op.inputs[1]!]!) } as TensorView,
      floatBias: floatValues(float.tensors[op.inputs[2]!]!),
      int8Weight: { shape: w.shape, data: dequantized(new Int8Array(w.data!.slice().buffer), w.shape, w.quant!) } as TensorView,
      int8Bias: dequantized(biasValues(b), [channels], { ...b.quant!, axis: 0 }),
      sum: new Float64Array(channels),
      count: 0,
    }];
  });
  for (const sample of samples) {
    const q = activations(int8, sample);
    for (const t of targets) {
      const input = float.tensors[t.op.inputs[0]!]!;
      const out = float.tensors[t.op.outputs[0]!]!;
      const x = q.get(t.q.inputs[0]!)!;
      const yf = preActivation(t.op, input, out, x, t.floatWeight, t.floatBias);
      const yq = preActivation(t.q, input, out, x, t.int8Weight, t.int8Bias);
      const channels = t.sum.length;
      for (let i = 0; i < yf.length; i++) t.sum[i % channels] += yf[i]! - yq[i]!;
      t.count += yf.length / channels;
    }
  }
  const tensors = int8.tensors.slice();
  const corrections: BiasCorrection[] = [];
  for (const t of targets) {
    if (t.count === 0) continue;
    const b = tensors[t.biasId]!;
    const scales = b.quant!.scales;
    const shifts = Array.from(t.sum, (s) => s / t.count);
    const corrected = biasValues(b).map((v, c) => v + roundHalfAway(shifts[c]! / scales[scales.length === 1 ? 0 : c]!));
    // int32 biases saturate as TFLite's quantizer does; an int64 (16x8) bias cannot reach its limits here
    const data = b.dtype === 'int64' ? new BigInt64Array(corrected.map((v) => BigInt(v))) : Int32Array.from(corrected, (v) => Math.max(INT32_MIN, Math.min(INT32_MAX, v)));
    tensors[t.biasId] = { ...b, data: new Uint8Array(data.buffer) };
    const abs = shifts.map(Math.abs);
    corrections.push({ node: t.node, op: t.op.kind, bias: b.name, meanAbsShift: abs.reduce((a, c) => a + c, 0) / abs.length, maxAbsShift: Math.max(...abs) });
  }
  return { graph: { ...int8, tensors }, corrections };
}
