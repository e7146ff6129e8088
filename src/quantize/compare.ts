// How close the int8 model is to the float one on the same inputs: per-layer SQNR (float activation vs
// the dequantized int8 one, tensor ids shared by both graphs) and top-1 agreement of the first output.
import type { Graph, Tensor } from '../ir/graph.js';
import { runReference } from '../reference/interpreter.js';
import type { TensorView } from '../reference/types.js';
import { dequantized } from './values.js';

export interface LayerSqnr {
  tensor: number;
  name: string;
  op: string;
  /** 10·log10(Σ float² / Σ (float − dequantized)²); Infinity when they are equal. */
  sqnrDb: number;
}

export interface Agreement {
  n: number;
  /** Fraction of samples whose first output's argmax is the same in both models. */
  top1Agreement: number;
  layers: LayerSqnr[];
}

function realValues(view: TensorView, t: Tensor): Float64Array {
  return Float64Array.from(view.data instanceof Float32Array ? view.data : dequantized(view.data as ArrayLike<number>, t.shape, t.quant!));
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Real values of each op output of `graph` on one sample, by tensor id. */
function activations(graph: Graph, sample: readonly Uint8Array[]): { values: Map<number, Float64Array>; kinds: Map<number, string>; outputs: Uint8Array[] } {
  const values = new Map<number, Float64Array>();
  const kinds = new Map<number, string>();
  const { outputs } = runReference(graph, sample, {
    onOpDone: (_i, op, views) =>
      op.outputs.forEach((id, k) => {
        values.set(id, realValues(views[k]!, graph.tensors[id]!));
        kinds.set(id, op.kind);
      }),
  });
  return { values, kinds, outputs };
}

/** Compares a float graph and its quantized form (same float inputs) over the samples. */
export function compareQuantized(floatGraph: Graph, int8Graph: Graph, samples: Iterable<readonly Uint8Array[]>): Agreement {
  const signal = new Map<number, number>();
  const noise = new Map<number, number>();
  const kindOf = new Map<number, string>();
  let n = 0;
  let agree = 0;
  for (const sample of samples) {
    const a = activations(floatGraph, sample);
    const b = activations(int8Graph, sample);
    for (const [id, fv] of a.values) {
      const qv = b.values.get(id);
      if (!qv || qv.length !== fv.length) continue;
      let s = 0;
      let e = 0;
      for (let i = 0; i < fv.length; i++) {
        s += fv[i]! * fv[i]!;
        e += (fv[i]! - qv[i]!) ** 2;
      }
      signal.set(id, (signal.get(id) ?? 0) + s);
      noise.set(id, (noise.get(id) ?? 0) + e);
      kindOf.set(id, a.kinds.get(id)!);
    }
    const fo = new Float32Array(a.outputs[0]!.slice().buffer);
    const qo = new Float32Array(b.outputs[0]!.slice().buffer);
    n++;
    if (argmax(fo) === argmax(qo)) agree++;
  }
  const layers = [...signal.keys()].map((id) => ({
    tensor: id,
    name: floatGraph.tensors[id]!.name,
    op: kindOf.get(id)!,
    sqnrDb: noise.get(id)! === 0 ? Infinity : 10 * Math.log10(signal.get(id)! / noise.get(id)!),
  }));
  return { n, top1Agreement: n === 0 ? 0 : agree / n, layers };
}
