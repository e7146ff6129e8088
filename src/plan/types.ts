// The Plan contract: for a Graph, the operator order, every buffer's arena offset, the in-place
// decisions, the patch stage, and the peak with its lower bound. Checked independently by verify.ts.
import type { Graph } from '../ir/graph.js';
import type { KernelVariant, OverlapVariant } from '../ir/op-table.js';
import type { PlanBackend } from '../ir/workspace.js';

/**
 * How an op's output may share bytes with one of its inputs, derived from its kernel's access order.
 * With delta = output offset - input offset, the pair is safe when the two are disjoint, or when
 * minDelta <= delta <= maxDelta. The kernel variant named here must run to honour it.
 */
export interface OverlapRule {
  /** Kernel variant that realizes this access order (e.g. 'inplace-channel', 'stream-pixel'). */
  variant: OverlapVariant;
  /** Position in op.inputs of the input the output may overlap. */
  input: number;
  minDelta: number;
  maxDelta: number;
  /** Temporary bytes the variant needs during its step (a pixel, a row, a channel plane). */
  scratchBytes: number;
}

/**
 * scratch: a variant's unit (OverlapRule.scratchBytes); workspace: a kernel's own bytes for its step (src/ir/workspace.ts);
 * variable: a variable tensor (state kept across invokes, TFLM's is_variable), live for the whole program.
 */
export type BufferKind = 'input' | 'output' | 'activation' | 'scratch' | 'workspace' | 'variable';

export interface PlannedBuffer {
  /** Index in Plan.buffers. */
  id: number;
  /** Graph tensor id; null for scratch. */
  tensor: number | null;
  name: string;
  kind: BufferKind;
  /** Bytes the buffer holds (unaligned). */
  bytes: number;
  /** Arena offset, a multiple of Plan.alignment. */
  offset: number;
  /** Steps (indices into Plan.steps) during which the bytes must be kept, inclusive. */
  first: number;
  last: number;
  /** When set, this buffer is the same memory as that buffer (RESHAPE/SQUEEZE aliases). */
  aliasOf: number | null;
}

export interface PlanStep {
  /** Index into Plan.graph.ops. */
  op: number;
  /** Kernel variant to run: 'default' or an OverlapRule's variant. */
  variant: KernelVariant;
  /** The rule the placement relied on for this step, if any. */
  overlap: OverlapRule | null;
  /** Buffer ids of the op's inputs (null for constants and absent optionals), outputs and scratch. */
  inputs: Array<number | null>;
  outputs: number[];
  scratch: number | null;
  /** Buffer id of the kernel's workspace for this step (null: its kernel needs none on the plan's backend). */
  workspace: number | null;
}

export interface PlanOptions {
  /** Offset alignment in bytes (default 16). */
  alignment: number;
  /** Allow in-place kernels and input/output overlap (default true; --no-inplace turns it off). */
  inplace: boolean;
  /**
   * The kernel library whose workspace the plan places (default 'c', the MCU figure; compile for wasm
   * plans with 'wasm'): the C and wasm kernels need different amounts.
   */
  backend: PlanBackend;
}

export interface Plan {
  /** The graph the plan is for (after passes); tensor ids and op indices refer to it. */
  graph: Graph;
  options: PlanOptions;
  steps: PlanStep[];
  buffers: PlannedBuffer[];
  /** Arena size: the end of the highest buffer, aligned. Everything the model needs in RAM. */
  arenaBytes: number;
  /** Most bytes live at any step with the chosen order and overlaps: no placement can beat it. */
  lowerBoundBytes: number;
  /** Index of the step whose live set is largest. */
  peakStep: number;
  /** Which placement strategy produced this plan (several are tried, the smallest kept). */
  strategy: string;
  /** Whether the operator-order search was exhaustive, or stopped at its work bound (greedy order used) and why. */
  orderSearch?: OrderSearchSummary;
}

export interface OrderSearchSummary {
  exhaustive: boolean;
  reason: string | null;
}
