// Structural checks of a Graph, run by every path into the pipeline (the importer and the builder).
// A graph that passes: every tensor id is in range, every shape has int32 counts and strides, every
// activation holds at least one element, each tensor has at most one writer and that writer is neither
// a model input nor a constant, every read has a writer earlier in the stored order (or is a model
// input, a constant or a variable), the ops form no cycle, and every model output is produced.
import { ModelFormatError, UnsupportedError } from '../errors.js';
import type { Graph, Tensor } from './graph.js';
import type { OpKind } from './ops.js';
import { dtypeBytes, elementCount, shapeOverflow } from './shapes.js';

/** What validation reads of an op: its kind and tensor ids (lowered or raw ops both fit). */
export interface OpStructure {
  kind: OpKind;
  inputs: readonly number[];
  outputs: readonly number[];
}

export interface GraphStructure {
  tensors: readonly Tensor[];
  ops: readonly OpStructure[];
  inputs: readonly number[];
  outputs: readonly number[];
}

/** `tensor 3 ("conv1/out")`, the name JSON-quoted and cut at 80 characters. */
export function tensorLabel(t: Pick<Tensor, 'id' | 'name'>): string {
  return `tensor ${t.id} (${JSON.stringify(t.name.length > 80 ? `${t.name.slice(0, 80)}…` : t.name)})`;
}

/** `CONV_2D at node 4`, as the importer names ops. */
export function opLabel(op: OpStructure, index: number): string {
  return `${op.kind} at node ${index}`;
}

/**
 * Throws ModelFormatError (UnsupportedError for zero-size activations and constant model outputs)
 * naming the op and the tensor; `source` opens the message ("malformed TFLite file", a builder's name).
 */
export function validateGraph(graph: GraphStructure | Graph, source = 'invalid graph'): void {
  const { tensors, ops } = graph;
  const malformed = (message: string, details: Record<string, unknown>) => new ModelFormatError(`${source}: ${message}`, details);
  const tensorAt = (id: number, where: string): Tensor => {
    const t = Number.isInteger(id) ? tensors[id] : undefined;
    if (t === undefined) throw malformed(`${where} is tensor ${id}, outside 0..${tensors.length - 1}`, { tensor: id, tensorCount: tensors.length });
    return t;
  };

  for (const t of tensors) {
    const problem = shapeOverflow(t.shape);
    if (problem !== null) throw malformed(`${tensorLabel(t)} has shape [${t.shape}]: ${problem}`, { tensor: t.id, name: t.name, shape: t.shape });
  }

  const isModelInput = new Set<number>();
  for (const [i, id] of graph.inputs.entries()) isModelInput.add(tensorAt(id, `model input ${i}`).id);

  // writer[t] = index of the op writing tensor t, or -1
  const writer = new Int32Array(tensors.length).fill(-1);
  ops.forEach((op, index) => {
    for (const [k, id] of op.outputs.entries()) {
      const t = tensorAt(id, `${opLabel(op, index)} output ${k}`);
      const details = { op: op.kind, nodeIndex: index, tensor: t.id, name: t.name };
      if (t.data !== null) throw malformed(`${opLabel(op, index)} writes ${tensorLabel(t)}, a constant`, details);
      if (isModelInput.has(t.id)) throw malformed(`${opLabel(op, index)} writes ${tensorLabel(t)}, a model input`, details);
      const other = writer[t.id]!;
      if (other >= 0) {
        throw malformed(`${opLabel(op, index)} writes ${tensorLabel(t)}, which ${opLabel(ops[other]!, other)} also writes`, { ...details, otherNodeIndex: other });
      }
      writer[t.id] = index;
    }
    for (const [k, id] of op.inputs.entries()) if (id !== -1) tensorAt(id, `${opLabel(op, index)} input ${k}`);
  });

  // Every activation the graph touches must hold data: kernels and shapes assume at least one element.
  const checkNotEmpty = (t: Tensor, role: string) => {
    if (t.data === null && elementCount(t.shape) === 0) {
      throw new UnsupportedError(`${source}: ${role} ${tensorLabel(t)} has shape [${t.shape}] with no elements; zero-size activations are not supported`, {
        tensor: t.id,
        name: t.name,
        shape: t.shape,
      });
    }
  };
  for (const id of graph.inputs) checkNotEmpty(tensors[id]!, 'model input');
  ops.forEach((op, index) => {
    for (const id of op.outputs) checkNotEmpty(tensors[id]!, `${opLabel(op, index)} output`);
    for (const id of op.inputs) if (id !== -1) checkNotEmpty(tensors[id]!, `${opLabel(op, index)} input`);
  });

  const cycle = findCycle(ops, writer);
  if (cycle !== null) {
    const { index, tensor } = cycle;
    const t = tensors[tensor]!;
    throw malformed(`${opLabel(ops[index]!, index)} is on a cycle: it reads ${tensorLabel(t)}, which depends on its own output`, {
      op: ops[index]!.kind,
      nodeIndex: index,
      tensor,
      name: t.name,
    });
  }

  ops.forEach((op, index) => {
    for (const id of op.inputs) {
      if (id === -1) continue;
      const t = tensors[id]!;
      if (t.data !== null || t.isVariable || isModelInput.has(id)) continue;
      const w = writer[id]!;
      const details = { op: op.kind, nodeIndex: index, tensor: id, name: t.name };
      if (w < 0) throw malformed(`${opLabel(op, index)} reads ${tensorLabel(t)}, which no op writes and which is not a model input, constant or variable`, details);
      if (w > index) throw malformed(`${opLabel(op, index)} reads ${tensorLabel(t)} before ${opLabel(ops[w]!, w)} writes it (ops stored out of order)`, { ...details, writerNodeIndex: w });
    }
  });

  for (const [i, id] of graph.outputs.entries()) {
    const t = tensorAt(id, `model output ${i}`);
    const details = { output: i, tensor: t.id, name: t.name };
    // The backends return outputs from the arena; a constant lives in flash, and copying it there is not built.
    if (t.data !== null) throw new UnsupportedError(`${source}: model output ${i} is ${tensorLabel(t)}, a constant; constant model outputs are not supported`, details);
    if (writer[t.id]! < 0 && !isModelInput.has(t.id)) throw malformed(`model output ${i} is ${tensorLabel(t)}, which no op writes and which is not a model input`, details);
    checkNotEmpty(t, `model output ${i}`);
  }
}

/** An op on a cycle of the op graph and the tensor it reads along it, or null when the ops form a DAG. */
function findCycle(ops: readonly OpStructure[], writer: Int32Array): { index: number; tensor: number } | null {
  // Kahn's algorithm: what is left once every op whose producers are done has been taken holds a cycle.
  const pending = new Int32Array(ops.length);
  const readers: number[][] = ops.map(() => []);
  ops.forEach((op, index) => {
    for (const id of op.inputs) {
      const w = id === -1 ? -1 : writer[id]!;
      if (w < 0) continue;
      pending[index]!++;
      readers[w]!.push(index);
    }
  });
  const ready: number[] = [];
  for (let i = 0; i < ops.length; i++) if (pending[i] === 0) ready.push(i);
  let done = 0;
  while (ready.length > 0) {
    const i = ready.pop()!;
    done++;
    for (const r of readers[i]!) if (--pending[r]! === 0) ready.push(r);
  }
  if (done === ops.length) return null;
  // Walk back through unfinished producers from an unfinished op until an op repeats: that op is on a cycle.
  const seen = new Map<number, number>();
  let at = pending.findIndex((p) => p > 0);
  for (;;) {
    const tensor = ops[at]!.inputs.find((id) => id !== -1 && writer[id]! >= 0 && pending[writer[id]!]! > 0)!;
    if (seen.has(at)) return { index: at, tensor: seen.get(at)! };
    seen.set(at, tensor);
    at = writer[tensor]!;
  }
}

/**
 * Refuses, before anything proportional to them is allocated, an activation (model I/O, op input or
 * output that is not a constant) whose declared bytes exceed `limit`, naming the tensor, shape and bytes.
 */
export function checkActivationBytes(graph: Graph, limit: number): void {
  const used = new Set<number>([...graph.inputs, ...graph.outputs]);
  for (const op of graph.ops) for (const list of [op.inputs, op.outputs]) for (const id of list) if (id !== -1) used.add(id);
  for (const id of used) {
    const t = graph.tensors[id]!;
    const size = dtypeBytes(t.dtype);
    if (t.data !== null || size === undefined) continue;
    const bytes = elementCount(t.shape) * size;
    if (bytes > limit) {
      throw new UnsupportedError(`${tensorLabel(t)} ${t.dtype}[${t.shape}] takes ${bytes} bytes, over the arena limit of ${limit} bytes (--max-arena, maxArenaBytes)`, {
        tensor: t.id,
        name: t.name,
        shape: t.shape,
        bytes,
        limit,
      });
    }
  }
}
