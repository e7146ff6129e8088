// Runs single kernel calls of the wasm kernel library (build/kernels.{simd,scalar}.wasm) directly: the
// call is lowered with the wasm kernel ABI (codegen/wasm/abi/lower.ts), its constant data written at address 0,
// the arena after it with every tensor at a chosen offset (input and output may overlap), the two base
// globals set, and the kernel called with its record's address.
import type { KernelVariant } from '../../src/ir/op-table.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { elementCount, dtypeBytes } from '../../src/ir/shapes.js';
import { lowerWasmSchedule } from '../../codegen/wasm/abi/lower.js';
import { checkPlannedWorkspace } from '../../codegen/wasm/workspace.js';
import { stepWorkspaceBytes } from '../../src/plan/workspace.js';
import type { PlanBackend } from '../../src/ir/workspace.js';
import type { ArenaRef, KernelCall, Operand, Schedule } from '../../src/schedule/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

export interface Library {
  target: 'simd' | 'scalar';
  memory: WebAssembly.Memory;
  exports: Record<string, unknown>;
}

export async function loadLibrary(target: 'simd' | 'scalar'): Promise<Library> {
  const bytes = readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`));
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return { target, memory: instance.exports.memory as WebAssembly.Memory, exports: instance.exports as Record<string, unknown> };
}

const align = (n: number, a = 16) => Math.ceil(n / a) * a;

export interface Placement {
  /** Arena offset of each activation input, by op input slot. */
  inputs: Map<number, number>;
  output: number;
  scratch: { offset: number; bytes: number } | null;
  arenaBytes: number;
}

export function tensorBytes(graph: Graph, id: number): number {
  const t = graph.tensors[id]!;
  return elementCount(t.shape) * dtypeBytes(t.dtype)!;
}

/** Everything disjoint: activation inputs, then the output, then the scratch. */
export function disjointPlacement(graph: Graph, scratchBytes = 0): Placement {
  const op = graph.ops[0]!;
  const inputs = new Map<number, number>();
  let at = 32;
  op.inputs.forEach((id, slot) => {
    if (id < 0 || graph.tensors[id]!.data) return;
    inputs.set(slot, at);
    at = align(at + tensorBytes(graph, id)) + 16;
  });
  const output = at;
  at = align(at + tensorBytes(graph, op.outputs[0]!)) + 16;
  const scratch = scratchBytes > 0 ? { offset: at, bytes: scratchBytes } : null;
  if (scratch) at = align(at + scratchBytes) + 16;
  return { inputs, output, scratch, arenaBytes: at + 32 };
}

/** Input `slot` at A, the output at A + delta, the other inputs and the scratch after both (as test/plan/overlap-harness.ts). */
export function overlappedPlacement(graph: Graph, slot: number, delta: number, scratchBytes: number): Placement {
  const op = graph.ops[0]!;
  const inBytes = tensorBytes(graph, op.inputs[slot]!), outBytes = tensorBytes(graph, op.outputs[0]!);
  const A = align(64 + Math.max(0, -delta));
  let end = align(Math.max(A + inBytes, A + delta + outBytes)) + 16;
  const inputs = new Map<number, number>([[slot, A]]);
  op.inputs.forEach((id, s) => {
    if (s === slot || id < 0 || graph.tensors[id]!.data) return;
    inputs.set(s, end);
    end = align(end + tensorBytes(graph, id)) + 16;
  });
  const scratch = scratchBytes > 0 ? { offset: end, bytes: scratchBytes } : null;
  if (scratch) end = align(end + scratchBytes) + 64;
  return { inputs, output: A + delta, scratch, arenaBytes: end + 32 };
}

/** The single op's workspace on `backend` placed after `arenaBytes` (as a plan would), and the arena's new size. */
export function withWorkspace(graph: Graph, variant: KernelVariant, backend: PlanBackend, arenaBytes: number): { workspace: ArenaRef | null; arenaBytes: number } {
  const bytes = stepWorkspaceBytes(graph, 0, variant, backend);
  if (bytes === 0) return { workspace: null, arenaBytes };
  const offset = align(arenaBytes);
  return { workspace: { offset, shape: [bytes], dtype: 'int8' }, arenaBytes: offset + bytes + 16 };
}

function ref(t: Tensor, offset: number): ArenaRef {
  return { offset, shape: t.shape, dtype: t.dtype };
}

/** Lowers the graph's single op as placed and runs it on the library; returns the output bytes and the kernel symbol. */
export function runKernel(
  lib: Library, graph: Graph, placement: Placement, inputs: Map<number, Uint8Array>, variant: KernelVariant = 'default', options: { fastPaths?: boolean; garbage?: number; qparams?: boolean; wide?: boolean; lutAtLoad?: boolean } = {},
): { output: Uint8Array; symbol: string } {
  // LUT weights decoded once at load (prepare.ts) instead of read by the kernels at each invoke (lut.ts)
  if (options.lutAtLoad) graph = { ...graph, tensors: graph.tensors.map((t) => (t.lut ? { ...t, lut: { ...t.lut, atLoad: true } } : t)) };
  const op = graph.ops[0]!;
  const operands: Operand[] = op.inputs.map((id, slot) => {
    if (id < 0) return null;
    const t = graph.tensors[id]!;
    return t.data ? { constant: id } : { arena: ref(t, placement.inputs.get(slot)!) };
  });
  const outT = graph.tensors[op.outputs[0]!]!;
  // the kernel's workspace as a wasm plan places it: its own bytes after everything else
  const { workspace, arenaBytes } = withWorkspace(graph, variant, 'wasm', placement.arenaBytes);
  const call: KernelCall = {
    type: 'kernel', op, opIndex: 0, variant, inputs: operands, outputs: [ref(outT, placement.output)],
    scratch: placement.scratch ? { offset: placement.scratch.offset, shape: [placement.scratch.bytes], dtype: 'int8' } : null,
    workspace,
  };
  const schedule: Schedule = { graph, arenaBytes, state: [], inputs: [], outputs: [], calls: [call] };
  // with the tables, also the int16 filter copies the SIMD module makes at its first invoke
  const qparams = options.qparams ?? false;
  const lowered = lowerWasmSchedule(schedule, { fastPaths: options.fastPaths ?? true, qparams, wideWeights: options.wide ?? (qparams && lib.target === 'simd'), lookupTables: qparams, winograd: qparams && lib.target === 'simd' });
  // the op's kernel call last: a LUT filter decoded into its workspace first (lut.ts, 'decode_lut_s8+conv2d_s8')
  const symbol = lowered.calls.map((c) => c.symbol).join('+');
  checkPlannedWorkspace(lowered);
  const arenaBase = align(lowered.constants.length);
  const need = arenaBase + arenaBytes;
  const have = lib.memory.buffer.byteLength;
  if (need > have) lib.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(lib.memory.buffer);
  mem.set(lowered.constants, 0);
  mem.fill(options.garbage ?? 0x5a, arenaBase, arenaBase + arenaBytes);
  for (const [slot, bytes] of inputs) mem.set(bytes, arenaBase + placement.inputs.get(slot)!);
  (lib.exports.ARENA_BASE as WebAssembly.Global).value = arenaBase;
  (lib.exports.CONST_BASE as WebAssembly.Global).value = 0;
  // what the module's first invoke does first: int16 filter copies, lookup tables, decoded LUT weights
  for (const step of lowered.prepare) (lib.exports[step.symbol] as (args: number) => void)(step.record);
  for (const c of lowered.calls) (lib.exports[c.symbol] as (args: number) => void)(c.record);
  const outBytes = tensorBytes(graph, op.outputs[0]!);
  return { output: mem.slice(arenaBase + placement.output, arenaBase + placement.output + outBytes), symbol };
}
