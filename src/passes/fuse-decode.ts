// fuseDecode: a DECODE (TFLM's LUT-compressed weights, src/ir/lut.ts) whose output is only the weights of
// one FULLY_CONNECTED becomes that op's constant filter, stored LUT-compressed (`Tensor.lut`): the kernel
// decodes a block of output channels at a time into its planned workspace, so the int8 weights never
// take arena bytes. `data` holds the decoded (snapped) values, so the reference and the params see
// exactly the snapped int8 model. Other consumers keep the DECODE op and its arena tensor.
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { decodeLut } from '../ir/lut.js';
import { elementCount } from '../ir/shapes.js';
import { consumersOf, rederive } from './util.js';

/** The op kinds whose weights a kernel reads LUT-compressed, and the input index of their weights. */
export const LUT_CONSUMERS: ReadonlyMap<string, number> = new Map([['FULLY_CONNECTED', 1]]);

/** The consumer index when the DECODE at `i` may fold into it, else -1. */
function fusableConsumer(graph: Graph, op: AnyOp, consumers: Map<number, number[]>): number {
  // a unit's weights are one table's contiguous run (FULLY_CONNECTED filters are quantized along axis 0)
  if (op.kind !== 'DECODE' || op.attrs.channelAxisLast) return -1;
  const out = op.outputs[0]!;
  if (graph.outputs.includes(out)) return -1;
  const readers = consumers.get(out) ?? [];
  if (readers.length !== 1) return -1;
  const c = graph.ops[readers[0]!]!;
  const slot = LUT_CONSUMERS.get(c.kind);
  if (slot === undefined || c.params === null) return -1;
  // only the weights input, and only on the int8 path (the 16x8 kernels read plain int8 filters)
  if (c.inputs.findIndex((t) => t === out) !== slot || c.inputs.lastIndexOf(out) !== slot) return -1;
  const x = graph.tensors[c.inputs[0]!]!;
  return x.dtype === 'int8' ? readers[0]! : -1;
}

export function fuseDecode(graph: Graph): Graph {
  const consumers = consumersOf(graph);
  const dropped = new Set<number>();
  const tensors = graph.tensors.slice();
  const ops = graph.ops.slice();
  graph.ops.forEach((op, i) => {
    if (op.kind !== 'DECODE') return;
    const c = fusableConsumer(graph, op, consumers);
    if (c < 0) return;
    const packed = graph.tensors[op.inputs[0]!]!.data!, ancillary = graph.tensors[op.inputs[1]!]!.data!;
    const outT = graph.tensors[op.outputs[0]!]!;
    const values = new Int8Array(elementCount(outT.shape));
    decodeLut(packed, ancillary, op.attrs, values);
    const filter: Tensor = { ...outT, data: new Uint8Array(values.buffer), lut: { packed, ancillary, ...op.attrs } };
    tensors[outT.id] = filter;
    dropped.add(i);
    const fused = { ...graph, tensors };
    ops[c] = rederive(fused, ops[c]!, c);
  });
  if (dropped.size === 0) return graph;
  return { ...graph, tensors, ops: ops.filter((_, i) => !dropped.has(i)) };
}
