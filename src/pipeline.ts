// The compiler's stages in order, for the CLI and the library API: passes -> plan (layer by layer or
// patch-based) -> schedule -> emit. Each stage stays ignorant of the others; only this file strings them together.
import type { Graph } from './ir/graph.js';
import { UnsupportedError, UsageError } from './errors.js';
import { checkActivationBytes } from './ir/validate.js';
import { applyPasses } from './passes/index.js';
import { planCandidates, planGraph, type PlanCandidates } from './plan/planner.js';
import { lowerPatchedPlan } from './schedule/lower-patched.js';
import { isPatchedPlan, patchSummary, planPatchAuto, planPatched, type PatchCandidate, type PatchSummary } from './plan/patch/index.js';
import type { Plan, PlanOptions } from './plan/types.js';
import { lowerPlan } from './schedule/lower.js';
import type { Schedule } from './schedule/types.js';
import { loadKernelLibrary } from './package-asset.js';
import { loadWasmBackend } from '../codegen/wasm/backend.js';
import type { WasmFiles } from '../codegen/wasm/index.js';
import type { CModel } from '../codegen/c/emit.js';

export type PatchChoice = 'none' | 'auto' | { tiles: number; layer: number | string };

/** Default cap on any activation's bytes and on the arena: far above any MCU, far below what hurts the host. */
export const DEFAULT_MAX_ARENA_BYTES = 64 * 1024 * 1024;

export interface PlanModelOptions extends Partial<PlanOptions> {
  /** Refuse a model whose activations or planned arena exceed this many bytes (default DEFAULT_MAX_ARENA_BYTES). */
  maxArenaBytes?: number;
  /** Drop a leading QUANTIZE / trailing DEQUANTIZE so the interface is int8 (MCU firmware). */
  int8Io?: boolean;
  /** Let kernels read DECODE'd weights LUT-compressed (src/passes/fuse-decode.ts; default true; false: decoded into the arena). */
  fuseDecode?: boolean;
  /** LUT weights decoded in the C kernels' dot loops, no block in workspace (conv_lut.c variant (b); default false: blocks). */
  lutOnTheFly?: boolean;
  /**
   * wasm: the module decodes each LUT constant once, at its first invoke, into memory outside the arena (default
   * true: faster); false: the kernels decode into their planned workspace at each invoke, no decoded copy (less
   * memory; measured in bench/lut-fused.ts).
   */
  lutAtLoad?: boolean;
  patch?: PatchChoice;
  /** Cap on extra MACs for `patch: 'auto'`, as a fraction of the model's MACs (default 0.25). */
  maxRecompute?: number;
  /** With `patch: 'auto'`: progress of the search (settings considered of all), e.g. for a progress line. */
  onProgress?: (done: number, total: number) => void;
}

export interface ModelPlan {
  /** The graph after passes (what the plan is for, before any patch unrolling). */
  graph: Graph;
  plan: Plan;
  patch: PatchSummary | null;
  /** With patch 'auto': the layer-by-layer peak and every setting tried. */
  layerByLayerBytes: number | null;
  candidates: PatchCandidate[];
}

/** "3@12": 3x3 tiles up to op 12 of the model as stored, or up to the op writing a named tensor. */
export function parsePatch(text: string): PatchChoice {
  if (text === 'auto' || text === 'none') return text;
  const m = /^(\d+)@(.+)$/.exec(text);
  if (!m) throw new UsageError(`--patch takes auto, none or N@LAYER (e.g. 4@12), got "${text}"`);
  return { tiles: Number(m[1]), layer: /^\d+$/.test(m[2]!) ? Number(m[2]) : m[2]! };
}

/** The op index, in the graph after passes, of a layer named by the user against the stored model. */
function resolveLayer(original: Graph, graph: Graph, layer: number | string): number {
  let tensor: number | undefined;
  if (typeof layer === 'number') {
    const op = original.ops[layer];
    if (!op) throw new UsageError(`--patch layer ${layer} is not an op index (the model has ${original.ops.length} ops)`);
    tensor = op.outputs[0];
  } else {
    tensor = original.tensors.find((t) => t.name === layer)?.id;
    if (tensor === undefined) throw new UsageError(`--patch layer "${layer}" names no tensor of the model`);
  }
  const index = graph.ops.findIndex((op) => op.outputs.includes(tensor!));
  if (index < 0) throw new UsageError(`--patch layer ${layer} was folded away by a pass (e.g. a PAD merged into its convolution); name the op after it`);
  return index;
}

/** The arena limit of the options, checked against every declared activation size (cheap: no allocation). */
export function checkArenaLimit(graph: Graph, options: Pick<PlanModelOptions, 'maxArenaBytes'>): number {
  const limit = options.maxArenaBytes ?? DEFAULT_MAX_ARENA_BYTES;
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new UsageError(`maxArenaBytes must be a positive integer, got ${limit}`, { maxArenaBytes: limit });
  checkActivationBytes(graph, limit);
  return limit;
}

export function planModel(original: Graph, options: PlanModelOptions = {}): ModelPlan {
  const limit = checkArenaLimit(original, options);
  const planned = planWithinLimit(original, options);
  if (planned.plan.arenaBytes > limit) {
    throw new UnsupportedError(`the planned arena takes ${planned.plan.arenaBytes} bytes, over the arena limit of ${limit} bytes (--max-arena, maxArenaBytes)`, {
      arenaBytes: planned.plan.arenaBytes,
      limit,
    });
  }
  return planned;
}

/** The graph after the passes the options ask for: what the planner plans. */
function passedGraph(original: Graph, options: PlanModelOptions): Graph {
  // the wasm backend folds every DECODE (codegen/wasm/abi/lut.ts: decoded at load or read at each invoke); C those of LUT_CONSUMERS
  const lutReaders = options.backend === 'wasm' ? 'any' : 'weights';
  return applyPasses(original, {
    int8Io: options.int8Io ?? false, fuseDecode: options.fuseDecode ?? true, lutReaders, lutOnTheFly: options.lutOnTheFly ?? false, lutAtLoad: options.lutAtLoad ?? true,
  });
}

function planOptionsOf(options: PlanModelOptions): Partial<PlanOptions> {
  const planOptions: Partial<PlanOptions> = {};
  if (options.alignment !== undefined) planOptions.alignment = options.alignment;
  if (options.inplace !== undefined) planOptions.inplace = options.inplace;
  if (options.backend !== undefined) planOptions.backend = options.backend;
  return planOptions;
}

/**
 * Every layer-by-layer plan the planner weighs for the model (planCandidates), the patch option aside: `planModel`
 * keeps `bestCandidate` of them. For a caller that composes a larger graph's choice from its parts' (src/nas/fragments.ts).
 */
export function planModelCandidates(original: Graph, options: PlanModelOptions = {}): PlanCandidates {
  checkArenaLimit(original, options);
  return planCandidates(passedGraph(original, options), planOptionsOf(options));
}

function planWithinLimit(original: Graph, options: PlanModelOptions): ModelPlan {
  const graph = passedGraph(original, options);
  const planOptions = planOptionsOf(options);
  const patch = options.patch ?? 'none';
  if (patch === 'none') {
    return { graph, plan: planGraph(graph, planOptions), patch: null, layerByLayerBytes: null, candidates: [] };
  }
  if (patch === 'auto') {
    const auto = planPatchAuto(graph, { maxRecompute: options.maxRecompute, onProgress: options.onProgress }, planOptions);
    return {
      graph,
      plan: auto.best,
      patch: auto.patched ? patchSummary(auto.patched) : null,
      layerByLayerBytes: auto.layerByLayer.arenaBytes,
      candidates: auto.candidates,
    };
  }
  const patched = planPatched(graph, { tiles: patch.tiles, splitOp: resolveLayer(original, graph, patch.layer) }, planOptions);
  return { graph, plan: patched, patch: patchSummary(patched), layerByLayerBytes: null, candidates: [] };
}

/** The Schedule every executor consumes, for a layer-by-layer or a patched plan. */
export function scheduleOf(plan: Plan): Schedule {
  return isPatchedPlan(plan) ? lowerPatchedPlan(plan) : lowerPlan(plan);
}

export interface CompileModelOptions extends PlanModelOptions {
  target: 'wasm' | 'c';
  /** wasm: SIMD128 kernels (default true) or the scalar build for engines without SIMD. */
  simd?: boolean;
  /** wasm: the kernel library's bytes; the package's build/kernels.*.wasm when omitted. */
  kernels?: Uint8Array;
  /** wasm: embed the module in model.mjs (base64) for single-file use. */
  embed?: boolean;
  /** wasm: also produce model.wat. */
  wat?: boolean;
  /** c: identifier prefix and file name of the generated API (default "model"). */
  prefix?: string;
  /** c: the model's name for comments (default the prefix). */
  name?: string;
}

export interface CompiledFile {
  path: string;
  contents: Uint8Array | string;
}

/** What one compile produced: the plan and schedule, the files, and the backend's own result. */
export type CompiledModel = { planned: ModelPlan; schedule: Schedule; files: CompiledFile[] } & (
  | { target: 'wasm'; wasm: WasmFiles }
  | { target: 'c'; c: CModel }
);

/**
 * The one compile driver (library `compile`, `tinyforge compile`, demo, benches): passes -> plan ->
 * schedule -> emit. The backend is imported only for its target, so binaryen loads only for wasm.
 */
export async function compileModel<T extends CompileModelOptions['target']>(
  original: Graph,
  options: CompileModelOptions & { target: T },
): Promise<Extract<CompiledModel, { target: T }>> {
  return (await compileAny(original, options)) as Extract<CompiledModel, { target: T }>;
}

async function compileAny(original: Graph, options: CompileModelOptions): Promise<CompiledModel> {
  // the plan places the workspace of the kernels being emitted (they need different amounts)
  const planned = planModel(original, { ...options, backend: options.target });
  const schedule = scheduleOf(planned.plan);
  if (options.target === 'wasm') {
    const { emitWasmFiles } = await loadWasmBackend();
    const simd = options.simd ?? true;
    const library = options.kernels ?? (await loadKernelLibrary(simd));
    const wasm = await emitWasmFiles(planned.graph, schedule, { library, simd, embed: options.embed ?? false, wat: options.wat ?? false });
    return { target: 'wasm', planned, schedule, files: wasm.files, wasm };
  }
  if (options.target !== 'c') throw new UsageError(`target must be wasm or c, got "${String(options.target)}"`);
  const { emitC } = await import('../codegen/c/emit.js');
  const c = emitC(schedule, { prefix: options.prefix ?? 'model', name: options.name ?? options.prefix ?? 'model' });
  return { target: 'c', planned, schedule, files: Object.entries(c.files).map(([path, contents]) => ({ path, contents })), c };
}
