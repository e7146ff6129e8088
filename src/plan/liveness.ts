// Which bytes must exist when: one buffer per non-constant tensor, live from the step that writes it
// to the last step that reads it. Graph inputs are live from step 0, outputs to the last step. A
// variable tensor (state carried from one invoke to the next) is live at every step and never
// overwritable: no other buffer ever shares its bytes.
import type { Graph } from '../ir/graph.js';
import { OP_TABLE } from '../ir/op-table.js';
import type { OpKind } from '../ir/ops.js';
import { tensorBytes } from '../ir/macs.js';
import type { BufferKind, PlannedBuffer } from './types.js';

export interface Liveness {
  buffers: PlannedBuffer[];
  /** Buffer id of each non-constant tensor the ordered ops touch. */
  bufferOf: Map<number, number>;
  /** Root buffers the model returns (a model output, or aliased by one): their bytes must survive the last step. */
  keptToEnd: Set<number>;
}

/**
 * Whether a step may overwrite root buffer `root` (an in-place or streaming kernel over its input): only
 * when nothing reads it after that step and the model does not return its bytes. A plain model input may
 * be consumed (the C README documents it); an input that is also an output may not.
 */
export function overwritableAt(liveness: Liveness, root: number, step: number): boolean {
  return liveness.buffers[root]!.last === step && !liveness.keptToEnd.has(root);
}

/** RESHAPE and SQUEEZE only reinterpret their input's bytes: the output is the same memory. */
export function isAliasOp(kind: OpKind): boolean {
  return OP_TABLE[kind].shape === 'alias';
}

export function computeLiveness(graph: Graph, order: readonly number[]): Liveness {
  const buffers: PlannedBuffer[] = [];
  const bufferOf = new Map<number, number>();
  const lastStep = Math.max(0, order.length - 1);
  const inputs = new Set(graph.inputs);
  const outputs = new Set(graph.outputs);
  const kindOf = (id: number): BufferKind =>
    graph.tensors[id]!.isVariable ? 'variable' : inputs.has(id) ? 'input' : outputs.has(id) ? 'output' : 'activation';

  const touch = (tensor: number, step: number): number => {
    let id = bufferOf.get(tensor);
    if (id === undefined) {
      const t = graph.tensors[tensor]!;
      id = buffers.length;
      buffers.push({ id, tensor, name: t.name, kind: kindOf(tensor), bytes: tensorBytes(graph, tensor), offset: 0, first: step, last: step, aliasOf: null });
      bufferOf.set(tensor, id);
    }
    const b = buffers[id]!;
    b.first = Math.min(b.first, step);
    b.last = Math.max(b.last, step);
    return id;
  };

  for (const tensor of graph.inputs) touch(tensor, 0);
  order.forEach((opIndex, step) => {
    const op = graph.ops[opIndex]!;
    for (const tensor of op.inputs) if (tensor >= 0 && !graph.tensors[tensor]!.data) touch(tensor, step);
    for (const tensor of op.outputs) touch(tensor, step);
    if (isAliasOp(op.kind)) buffers[bufferOf.get(op.outputs[0]!)!]!.aliasOf = bufferOf.get(op.inputs[0]!)!;
  });
  for (const tensor of graph.outputs) touch(tensor, lastStep);
  for (const b of buffers) {
    if (b.kind !== 'variable') continue;
    b.first = 0;
    b.last = lastStep;
  }

  // An alias keeps its root's bytes alive: the root lives as long as any alias of it.
  const rootOf = (id: number): number => {
    let r = id;
    while (buffers[r]!.aliasOf !== null) r = buffers[r]!.aliasOf!;
    return r;
  };
  for (const b of buffers) {
    if (b.aliasOf === null) continue;
    const root = buffers[rootOf(b.id)]!;
    b.aliasOf = root.id;
    root.first = Math.min(root.first, b.first);
    root.last = Math.max(root.last, b.last);
  }
  for (const b of buffers) {
    if (b.aliasOf === null) continue;
    const root = buffers[b.aliasOf]!;
    b.first = root.first;
    b.last = root.last;
  }
  const keptToEnd = new Set<number>(buffers.filter((b) => b.kind === 'variable').map((b) => b.aliasOf ?? b.id));
  for (const tensor of graph.outputs) {
    const id = bufferOf.get(tensor);
    if (id !== undefined) keptToEnd.add(buffers[id]!.aliasOf ?? id);
  }
  return { buffers, bufferOf, keptToEnd };
}
