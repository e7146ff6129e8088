// fuseDecode: a DECODE (TFLM's LUT-compressed weights, src/ir/lut.ts) whose output is only the weights of
// one op a C kernel reads LUT-compressed (LUT_CONSUMERS: FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D) becomes that op's
// constant filter, stored LUT-compressed (`Tensor.lut`): the kernel decodes the filter, or a block of output channels at a
// time, into its planned workspace, so the int8 weights never take arena bytes. `data` holds the decoded (snapped) values, so the
// reference and the params see exactly the snapped int8 model. Other consumers keep the DECODE op and its
// arena tensor. For the wasm backend ('any' readers) every DECODE that is not a model output folds: with
// `atLoad` (planModel's default there) its module decodes each LUT constant once, at the first invoke, outside
// the arena (codegen/wasm/abi/prepare.ts), else its kernels decode the weights into their planned workspace at
// each invoke (codegen/wasm/abi/lut.ts).
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { decodeLut } from '../ir/lut.js';
import { elementCount } from '../ir/shapes.js';
import { consumersOf, rederive } from './util.js';

/** The op kinds whose weights a C kernel reads LUT-compressed, and the input index of their weights. */
export const LUT_CONSUMERS: ReadonlyMap<string, number> = new Map([['FULLY_CONNECTED', 1], ['CONV_2D', 1], ['DEPTHWISE_CONV_2D', 1]]);

/** Which DECODEs fold: 'weights' (the C kernels': LUT_CONSUMERS' weights) or 'any' (every reader: wasm). */
export type LutReaders = 'weights' | 'any';

/** The ops that may read the DECODE's output as a LUT constant, or null when it must stay a DECODE. */
function fusableReaders(graph: Graph, op: AnyOp, consumers: Map<number, number[]>, readers: LutReaders): number[] | null {
  if (op.kind !== 'DECODE') return null;
  const out = op.outputs[0]!;
  if (graph.outputs.includes(out)) return null;
  const users = consumers.get(out) ?? [];
  if (users.length === 0) return null;
  if (readers === 'any') return users;
  if (users.length !== 1) return null;
  const c = graph.ops[users[0]!]!;
  const slot = LUT_CONSUMERS.get(c.kind);
  if (slot === undefined || c.params === null) return null;
  // the kernels' table order: a depthwise filter's channel is its last axis (or one table), the others' axis 0
  if (op.attrs.channelAxisLast !== (c.kind === 'DEPTHWISE_CONV_2D' && op.attrs.channels > 1)) return null;
  // only the weights input, and only on the int8 path (the 16x8 kernels read plain int8 filters)
  if (c.inputs.findIndex((t) => t === out) !== slot || c.inputs.lastIndexOf(out) !== slot) return null;
  const x = graph.tensors[c.inputs[0]!]!;
  return x.dtype === 'int8' ? users : null;
}

/**
 * Folds the DECODEs `readers` allows. `onTheFly`: the kernels decode each weight in their dot loop (no block
 * of decoded channels in workspace: conv_lut.c's variant (b), kept for measuring it). `atLoad` (wasm, 'any'
 * readers): the module decodes each folded constant once, at its first invoke, outside the arena.
 */
export function fuseDecode(graph: Graph, readers: LutReaders = 'weights', onTheFly = false, atLoad = false): Graph {
  const consumers = consumersOf(graph);
  const dropped = new Set<number>();
  const tensors = graph.tensors.slice();
  const ops = graph.ops.slice();
  graph.ops.forEach((op, i) => {
    if (op.kind !== 'DECODE') return;
    const users = fusableReaders(graph, op, consumers, readers);
    if (users === null) return;
    const packed = graph.tensors[op.inputs[0]!]!.data!, ancillary = graph.tensors[op.inputs[1]!]!.data!;
    const outT = graph.tensors[op.outputs[0]!]!;
    const values = new Int8Array(elementCount(outT.shape));
    decodeLut(packed, ancillary, op.attrs, values);
    const filter: Tensor = { ...outT, data: new Uint8Array(values.buffer), lut: { packed, ancillary, ...op.attrs, ...(onTheFly ? { onTheFly } : {}), ...(atLoad && readers === 'any' ? { atLoad } : {}) } };
    tensors[outT.id] = filter;
    dropped.add(i);
    const fused = { ...graph, tensors };
    for (const c of users) ops[c] = rederive(fused, ops[c]!, c);
  });
  if (dropped.size === 0) return graph;
  return { ...graph, tensors, ops: ops.filter((_, i) => !dropped.has(i)) };
}
