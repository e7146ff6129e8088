// tinyforge's library API: the pipeline the CLI runs, as functions over bytes and plain data.
// It runs in Node and in browsers (no file or process access here; the CLI layer does that).
import { requireQuantizedGraph } from './ir/float.js';
import { estimateFlash } from './cost/flash.js';
import { scheduleStack } from './cost/stack.js';
import type { Graph } from './ir/graph.js';
import { readTflite } from './import/tflite/index.js';
import { compileModel, planModel, scheduleOf, type CompiledFile, type CompileModelOptions, type ModelPlan, type PlanModelOptions } from './pipeline.js';
import { runSchedule } from './reference/execute.js';
import { planReport, type PlanReport } from './report/plan.js';
import type { Plan } from './plan/types.js';
import { DEVICES, type CoreId } from './cost/devices.js';
import { profileSchedule } from './cost/profile.js';
import { profileReport, type ProfileReport } from './report/profile.js';

export interface LoadedModel {
  graph: Graph;
  /** The name reports use (a file name, or "model"). */
  name: string;
}

/** Reads an int8 .tflite model; throws ModelFormatError / UnsupportedError naming the problem. */
export function loadModel(bytes: Uint8Array | ArrayBuffer, name = 'model'): LoadedModel {
  return { graph: readTflite(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)), name };
}

export interface PlanRequest extends PlanModelOptions {
  /** Budgets in bytes; `report.fits` says whether the plan meets them. */
  sramBytes?: number;
  flashBytes?: number;
  /** The core the generated C's stack is computed for (default 'cortex-m4'). */
  cpu?: string;
  /** The application's own RAM, counted against sramBytes (default 0). */
  reserveBytes?: number;
}

export interface PlanResult {
  /** The `tinyforge plan --json` report: peakBytes, lowerBoundBytes, flashBytes, fits, steps, ... */
  report: PlanReport;
  plan: Plan;
  /** The graph after passes, which the plan is for. */
  graph: Graph;
}

/** Plans every byte of the model's SRAM and gives the budget verdict. */
export function plan(model: LoadedModel, request: PlanRequest = {}): PlanResult {
  return planResult(model, request, planModel(model.graph, request));
}

function planResult(model: LoadedModel, request: PlanRequest, result: ModelPlan): PlanResult {
  const patch = result.patch && { ...result.patch, splitTensor: result.graph.tensors[result.graph.ops[result.patch.splitOp]!.outputs[0]!]!.name };
  const report = planReport(
    model.name,
    result.plan,
    estimateFlash(scheduleOf(result.plan), request.cpu ?? 'cortex-m4'),
    {
      sramBytes: request.sramBytes ?? null,
      flashBytes: request.flashBytes ?? null,
      reserveBytes: request.reserveBytes ?? 0,
      stack: scheduleStack(scheduleOf(result.plan), request.cpu ?? 'cortex-m4'),
    },
    { patch, layerByLayerBytes: result.layerByLayerBytes, suggestions: [] },
  );
  return { report, plan: result.plan, graph: result.graph };
}

/** Runs the model with the reference kernels inside its planned arena; inputs and outputs are raw tensor bytes. */
export function runReferencePlanned(model: LoadedModel, inputs: Uint8Array[], request: PlanModelOptions = {}): Uint8Array[] {
  return runSchedule(scheduleOf(planModel(model.graph, request).plan), inputs).outputs;
}

export interface CompileRequest extends PlanModelOptions, Omit<CompileModelOptions, 'name'> {
  /** Budgets in bytes for the plan report's verdict. */
  sramBytes?: number;
  flashBytes?: number;
}

export interface CompileResult {
  /** wasm: model.wasm, model.mjs, model.d.mts. c: <prefix>.h, <prefix>.c, tf_kernel_abi.h. */
  files: CompiledFile[];
  /** c: the kernel library sources (in the package's firmware-templates/kernels/) the model needs. */
  kernelFiles: string[];
  /** wasm: the module's size split and memory (null for c). */
  wasm: { moduleBytes: number; dataSectionBytes: number; codeBytes: number; pages: number; arenaBytes: number } | null;
  plan: PlanReport;
}

/** Plans, schedules and emits the model for a target (the driver in pipeline.ts); returns the files to write. */
export async function compile(model: LoadedModel, request: CompileRequest): Promise<CompileResult> {
  requireQuantizedGraph(model.graph, model.name, `the ${request.target === 'c' ? 'C' : 'wasm'} backend emits integer-quantized kernels only`);
  const compiled = await compileModel(model.graph, { ...request, name: model.name });
  return {
    files: compiled.files,
    kernelFiles: compiled.target === 'c' ? compiled.c.kernelFiles : [],
    wasm:
      compiled.target === 'wasm'
        ? (({ wasm, dataSectionBytes, codeBytes, layout }) => ({ moduleBytes: wasm.length, dataSectionBytes, codeBytes, pages: layout.pages, arenaBytes: layout.arenaBytes }))(compiled.wasm.emitted)
        : null,
    plan: planResult(model, request, compiled.planned).report,
  };
}

export interface ProfileRequest extends PlanModelOptions {
  /** Core whose device model estimates the cost (default cortex-m4, the one calibrated on QEMU). */
  cpu?: CoreId;
  /** Clock in MHz (default: the core's typical clock). */
  mhz?: number;
}

/** Per-layer cost on a Cortex-M core: MACs, bytes, arithmetic intensity, bound, cycles, ms, share. */
export function profile(model: LoadedModel, request: ProfileRequest = {}): ProfileReport {
  const planned = planModel(model.graph, request);
  const device = DEVICES[request.cpu ?? 'cortex-m4'];
  const result = profileSchedule(scheduleOf(planned.plan), request.mhz === undefined ? { device } : { device, mhz: request.mhz });
  return profileReport(model.name, result, { arenaBytes: planned.plan.arenaBytes, patch: planned.patch, measured: null });
}

export { readTflite, writeTflite } from './import/tflite/index.js';
export { planHtml, type PlanHtmlOptions } from './report/plan-html.js';
export { ModelBuilder } from './builder/index.js';
export { xorshiftInputs } from './reference/inputs.js';
export { runReference } from './reference/interpreter.js';
export { verifyPlan } from './plan/verify.js';
export { scheduleOf, DEFAULT_MAX_ARENA_BYTES, type CompiledFile, type PlanModelOptions, type PatchChoice } from './pipeline.js';
export { loadKernelLibrary } from './package-asset.js';
export * as data from './data/index.js';
export {
  TinyforgeError,
  ModelFormatError,
  UnsupportedError,
  InputDataError,
  BudgetError,
  ToolchainError,
  UsageError,
  type ErrorCode,
} from './errors.js';
export type { Graph, Tensor, AnyOp, Quantization, DType } from './ir/graph.js';
export type { OpKind } from './ir/ops.js';
export type { Plan, PlannedBuffer, PlanStep, OverlapRule } from './plan/types.js';
export type { Schedule, ScheduleCall, KernelCall, ArenaRef } from './schedule/types.js';
export type { PlanReport } from './report/plan.js';
export type { ProfileReport } from './report/profile.js';
export type { CoreId } from './cost/devices.js';
