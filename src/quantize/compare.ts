// How close the int8 model is to the float one on the same inputs: per-layer SQNR (float activation vs
// the dequantized int8 one, tensor ids shared by both graphs) and top-1 agreement of the first output.
import type { Graph, Tensor } from '../ir/graph.js';
import { runReference } from '../reference/interpreter.js';
import { roundHalfAway } from '../ir/quant.js';
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

/** The float model's inputs quantized to an int8-input model's input, as TFLite's QUANTIZE does (half away from zero). */
function quantizedInput(real: Float32Array, t: Tensor): Uint8Array {
  const q = t.quant!;
  return new Uint8Array(Int8Array.from(real, (v) => Math.max(-128, Math.min(127, roundHalfAway(Math.fround(v / q.scales[0]!)) + q.zeroPoints[0]!))).buffer);
}

/**
 * How close an existing int8 model with int8 I/O (e.g. an official twin) is to the float model on the same
 * real inputs: top-1 agreement and SQNR of its dequantized first output.
 */
export function compareInt8Io(floatGraph: Graph, int8Graph: Graph, samples: Iterable<readonly Uint8Array[]>): { n: number; top1Agreement: number; outputSqnrDb: number } {
  const inT = int8Graph.tensors[int8Graph.inputs[0]!]!;
  const outT = int8Graph.tensors[int8Graph.outputs[0]!]!;
  let n = 0;
  let agree = 0;
  let signal = 0;
  let noise = 0;
  for (const sample of samples) {
    const real = new Float32Array(sample[0]!.slice().buffer);
    const q = runReference(int8Graph, [quantizedInput(real, inT)]).outputs[0]!;
    const qv = realValues({ shape: outT.shape, data: new Int8Array(q.buffer) }, outT);
    const fv = new Float32Array(runReference(floatGraph, sample).outputs[0]!.buffer);
    n++;
    if (argmax(fv) === argmax(qv)) agree++;
    fv.forEach((v, i) => {
      signal += v * v;
      noise += (v - qv[i]!) ** 2;
    });
  }
  return { n, top1Agreement: n === 0 ? 0 : agree / n, outputSqnrDb: noise === 0 ? Infinity : 10 * Math.log10(signal / noise) };
}
