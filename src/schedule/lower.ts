// Plan -> Schedule: every op becomes a call with constant arena offsets; aliases become nothing.
import { OP_TABLE } from '../ir/op-table.js';
import type { Plan } from '../plan/types.js';
import type { ArenaRef, KernelCall, Operand, Schedule, StateRef } from './types.js';
import type { Graph } from '../ir/graph.js';
import { resetByte } from '../ir/variables.js';
import type { PlannedBuffer } from '../plan/types.js';

/** The plan's variable tensors with TFLM's reset value: an int8 tensor's zero point byte, else 0. */
export function stateRefs(graph: Graph, buffers: readonly PlannedBuffer[]): StateRef[] {
  return buffers
    .filter((b) => b.kind === 'variable' && b.tensor !== null && b.aliasOf === null)
    .map((b) => ({ offset: b.offset, bytes: b.bytes, fill: resetByte(graph.tensors[b.tensor!]!) }));
}

export function lowerPlan(plan: Plan): Schedule {
  const { graph, buffers } = plan;
  const bufferOfTensor = new Map<number, number>();
  for (const b of buffers) if (b.tensor !== null) bufferOfTensor.set(b.tensor, b.id);
  const tensorRef = (tensor: number): ArenaRef => {
    const t = graph.tensors[tensor]!;
    return { offset: buffers[bufferOfTensor.get(tensor)!]!.offset, shape: t.shape, dtype: t.dtype };
  };

  const calls: KernelCall[] = [];
  for (const step of plan.steps) {
    const op = graph.ops[step.op]!;
    // A RESHAPE/SQUEEZE whose output shares its input's bytes has nothing to do.
    if (OP_TABLE[op.kind].shape === 'alias' && buffers[step.outputs[0]!]!.aliasOf !== null) continue;
    const inputs: Operand[] = op.inputs.map((t) => (t < 0 ? null : graph.tensors[t]!.data ? { constant: t } : { arena: tensorRef(t) }));
    const bytesRef = (id: number | null): ArenaRef | null => (id === null ? null : { offset: buffers[id]!.offset, shape: [buffers[id]!.bytes], dtype: 'int8' });
    const scratch = bytesRef(step.scratch), workspace = bytesRef(step.workspace);
    calls.push({ type: 'kernel', op, opIndex: step.op, variant: step.variant, inputs, outputs: op.outputs.map(tensorRef), scratch, workspace });
  }
  return {
    graph,
    arenaBytes: plan.arenaBytes,
    state: stateRefs(graph, buffers),
    inputs: graph.inputs.map(tensorRef),
    outputs: graph.outputs.map(tensorRef),
    calls,
  };
}
