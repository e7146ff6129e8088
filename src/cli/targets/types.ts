import type { Command } from 'commander';
import type { Graph } from '../../ir/graph.js';
import type { CompiledFile, CompiledModel, PlanModelOptions } from '../../pipeline.js';

/** One file a target writes, relative to --out. */
export type TargetFile = CompiledFile;

export interface TargetRequest {
  /** The model as read; the target compiles it through the driver (src/pipeline.ts compileModel). */
  graph: Graph;
  plan: PlanModelOptions;
  /** Base name of the model file, for comments and names (e.g. "kws_ref_model"). */
  modelName: string;
  /** Every parsed flag of `tinyforge compile`, the target's own included (see addOptions). */
  options: Record<string, unknown>;
}

export interface TargetResult {
  compiled: CompiledModel;
  files: TargetFile[];
  /** Facts for the summary line and --json (sizes, kernels, ...). */
  summary: Record<string, unknown>;
  /** Lines the text output prints after the summary line (e.g. the C target's predicted sections). */
  notes?: string[];
}

/** A code generator `tinyforge compile --target NAME` can use (wasm, c, ...). */
export interface Target {
  name: string;
  summary: string;
  /** Adds the target's own flags to the compile command (documented as "(--target NAME)"). */
  addOptions?(command: Command): Command;
  emit(request: TargetRequest): Promise<TargetResult>;
}
