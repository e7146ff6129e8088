import type { Graph } from '../../ir/graph.js';
import type { PlanModelOptions } from '../../pipeline.js';

export interface EngineRequest {
  /** The model as read; the engine applies the passes and plans with `plan`. */
  graph: Graph;
  inputs: Uint8Array[];
  plan: PlanModelOptions;
}

export interface EngineRun {
  /** Raw bytes of each output of the planned graph, in order. */
  outputs: Uint8Array[];
  /** What the engine measured (time, sizes, instruction counts), for --json. */
  details: Record<string, unknown>;
}

/** An executor of planned models: the reference executor, the wasm module, C on the host or on QEMU. */
export interface Engine {
  name: string;
  summary: string;
  run(request: EngineRequest): Promise<EngineRun>;
}
