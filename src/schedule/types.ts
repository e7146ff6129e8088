// The Schedule contract: a Plan lowered to a flat list of calls with everything constant.
// Every executor (reference, wasm, C) consumes it; none re-plans or re-derives quantization.
import type { AnyOp, DType, Graph } from '../ir/graph.js';
import type { KernelVariant } from '../ir/op-table.js';

/** A tensor at a fixed arena offset, row-major in `shape`. */
export interface ArenaRef {
  offset: number;
  shape: number[];
  dtype: DType;
}

/** An op input: in the arena, a constant of the graph (weights live in flash), or absent. */
export type Operand = { arena: ArenaRef } | { constant: number } | null;

export interface KernelCall {
  type: 'kernel';
  /** The op as this call runs it (a patch tile's call carries the tile's pads and shapes). */
  op: AnyOp;
  /** Index of the op in Schedule.graph.ops this call computes (all or a tile of). */
  opIndex: number;
  /** Kernel variant: 'default' or the access order the plan's overlap relies on. */
  variant: KernelVariant;
  inputs: Operand[];
  outputs: ArenaRef[];
  scratch: ArenaRef | null;
  /** The kernel's workspace for this call, planned in the arena (src/ir/workspace.ts); null: none planned. */
  workspace: ArenaRef | null;
}

/**
 * Copies a spatial window between a full NHWC tensor and a compact tile tensor: rows y0.., columns
 * x0.. of `full`, as many as `tile` has. Patch-based inference gathers inputs and scatters outputs with it.
 */
export interface CopyWindowCall {
  type: 'copy-window';
  direction: 'to-tile' | 'from-tile';
  full: ArenaRef;
  tile: ArenaRef;
  y0: number;
  x0: number;
}

export type ScheduleCall = KernelCall | CopyWindowCall;

/**
 * A variable tensor's bytes in the arena (state kept across invokes). Initialization and reset fill them
 * with `fill` as TFLM's ResetVariableTensors does: an int8 tensor's zero point, 0 for any other type.
 */
export interface StateRef {
  offset: number;
  bytes: number;
  /** The byte value (0..255) every byte of the tensor is set to. */
  fill: number;
}

export interface Schedule {
  graph: Graph;
  arenaBytes: number;
  /** The variable tensors: set to their fill when the model is created and by reset(); invokes keep them. */
  state: StateRef[];
  /** Where the caller writes each graph input and reads each graph output. */
  inputs: ArenaRef[];
  outputs: ArenaRef[];
  calls: ScheduleCall[];
}
