// int8Io: the interface MCU firmware uses. A leading QUANTIZE (float32 graph input -> int8) and a
// trailing DEQUANTIZE (int8 -> float32 graph output) are dropped; the graph then takes and returns the
// int8 tensors directly. Tensor ids are unchanged; the float tensors stay in the table unused.
import type { Graph } from '../ir/graph.js';
import { consumersOf } from './util.js';

export function int8Io(graph: Graph): Graph {
  const consumers = consumersOf(graph);
  const producer = new Map<number, number>();
  graph.ops.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
  const dropped = new Set<number>();
  const rename = new Map<number, number>();

  for (const input of graph.inputs) {
    const readers = consumers.get(input) ?? [];
    if (readers.length !== 1 || graph.tensors[input]!.dtype !== 'float32') continue;
    const op = graph.ops[readers[0]!]!;
    if (op.kind !== 'QUANTIZE' || graph.tensors[op.outputs[0]!]!.dtype !== 'int8') continue;
    if (graph.outputs.includes(input) || graph.inputs.includes(op.outputs[0]!)) continue;
    dropped.add(readers[0]!);
    rename.set(input, op.outputs[0]!);
  }
  for (const output of graph.outputs) {
    const p = producer.get(output);
    if (p === undefined || graph.tensors[output]!.dtype !== 'float32') continue;
    const op = graph.ops[p]!;
    if (op.kind !== 'DEQUANTIZE' || graph.tensors[op.inputs[0]!]!.dtype !== 'int8') continue;
    if ((consumers.get(output) ?? []).length > 0 || graph.inputs.includes(op.inputs[0]!)) continue;
    dropped.add(p);
    rename.set(output, op.inputs[0]!);
  }
  if (dropped.size === 0) return graph;
  const r = (t: number) => rename.get(t) ?? t;
  return {
    ...graph,
    ops: graph.ops.filter((_, i) => !dropped.has(i)),
    inputs: graph.inputs.map(r),
    outputs: graph.outputs.map(r),
    signatureDefs: graph.signatureDefs.map((s) => ({
      ...s,
      inputs: s.inputs.map((t) => ({ ...t, tensorId: r(t.tensorId) })),
      outputs: s.outputs.map((t) => ({ ...t, tensorId: r(t.tensorId) })),
    })),
  };
}
