// The kernel workspace a plan step needs on the plan's backend: OP_TABLE's formula over the op's geometry.
import type { Graph } from '../ir/graph.js';
import { OP_TABLE, type KernelVariant } from '../ir/op-table.js';
import { opGeometry, type PlanBackend } from '../ir/workspace.js';

/** Workspace bytes of op `opIndex` run as `variant` by the `backend` kernels: the int8 kernels, and the 16x8 ones whose formula says so (float ops run in the reference). */
export function stepWorkspaceBytes(graph: Graph, opIndex: number, variant: KernelVariant, backend: PlanBackend): number {
  const op = graph.ops[opIndex]!;
  const formula = OP_TABLE[op.kind].workspace;
  const types = formula?.int16 ? ['int8', 'int16'] : ['int8'];
  if (!formula || backend === 'tflm' || op.outputs.some((t) => !types.includes(graph.tensors[t]!.dtype))) return 0;
  return formula[backend](opGeometry(graph, op, variant));
}
