// The per-model WebAssembly module: the kernel library (build/kernels.{simd,scalar}.wasm, from
// assembly/, optimized once when it is built: asc -O3) linked with the model's constant data (weights,
// tables, argument records) and a generated `invoke` — the schedule's kernel calls in order, each with
// the constant address of its argument record (the kernel ABI: src/schedule/abi/, extended by codegen/wasm/abi/). The linker
// (link.ts) keeps only the kernels the model calls, turns the arena and constant bases into
// constants and splits the data at zero runs; no binaryen pass runs per model (binaryen's import and
// -O3 cost 1.5-3 s of CPU per compile for about 2% of latency: BENCHMARKS.md, "Start-up and install").
//
// Memory layout (one memory, initial = maximum = exactly the pages needed, no growth):
//   [0, constBytes)                 constant data (data segment)
//   [arenaBase, arenaBase + arena)  the planned arena (zero-initialized), arenaBase 16-aligned; it holds
//                                   the kernels' workspace too (planned for backend 'wasm': padded and
//                                   gathered copies of a unit's input; codegen/wasm/workspace.ts checks it)
// The kernels use no stack and no heap (locals only), so nothing else is reserved.
// The first invoke also runs the preparation steps (WasmLoweredSchedule.prepare: int16 filter copies,
// Winograd weights, ADD/SUB lookup tables), filling constant data the lowering only reserved.
// Variable tensors (state across invokes) live in the arena too: the loader fills them (reset()).
// Exports: memory, invoke.
import { lowerWasmSchedule, type WasmLoweredSchedule, type WasmLowerOptions } from './abi/lower.js';
import type { Schedule, StateRef } from '../../src/schedule/types.js';
import { linkModule } from './link.js';
import { checkPlannedWorkspace } from './workspace.js';

export const WASM_PAGE = 65536;

export interface WasmEmitOptions extends WasmLowerOptions {
  /** The kernel library's bytes (build/kernels.simd.wasm or build/kernels.scalar.wasm). */
  library: Uint8Array;
  /** Whether the library is the SIMD build (the lowering then uses the SIMD-only layouts). */
  simd: boolean;
}

export interface WasmLayout {
  constBase: number;
  constBytes: number;
  arenaBase: number;
  arenaBytes: number;
  /** Bytes the module needs (the end of the arena) and the pages it declares. */
  memoryBytes: number;
  pages: number;
}

export interface EmittedWasm {
  wasm: Uint8Array;
  /** Bytes of the module's data section (the constant data, zero runs dropped) and of everything else. */
  dataSectionBytes: number;
  codeBytes: number;
  layout: WasmLayout;
  lowered: WasmLoweredSchedule;
  /** The variable tensors (arena offsets): the loader sets them to their fill at creation and on reset(). */
  state: StateRef[];
  /** Kernel symbols linked. */
  symbols: string[];
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export function emitWasm(schedule: Schedule, options: WasmEmitOptions): EmittedWasm {
  // Constant bytes are cheap in a wasm module: take the precomputed requantization tables.
  // ...and ADD/SUB tables, made at the first invoke. Int16 filter copies (wideWeights) stay opt-in: they
  // double the weights' memory, and on a shared L2 the larger footprint made some whole runs 15% slower.
  const lowered = lowerWasmSchedule(schedule, { ...options, qparams: true, wideWeights: options.wideWeights ?? false, lookupTables: options.lookupTables ?? true, winograd: options.simd });
  checkPlannedWorkspace(lowered);
  const constBytes = lowered.constants.length;
  const arenaBase = align(constBytes, 16);
  const memoryBytes = arenaBase + schedule.arenaBytes;
  const pages = Math.max(1, Math.ceil(memoryBytes / WASM_PAGE));
  const layout: WasmLayout = { constBase: 0, constBytes, arenaBase, arenaBytes: schedule.arenaBytes, memoryBytes, pages };

  const wasm = linkModule({
    library: options.library,
    bases: { ARENA_BASE: arenaBase, CONST_BASE: layout.constBase },
    prepare: lowered.prepare.map((p) => ({ symbol: p.symbol, record: layout.constBase + p.record })),
    calls: lowered.calls.map((c) => ({ symbol: c.symbol, record: layout.constBase + c.record })),
    pages,
    data: lowered.constants,
    dataOffset: layout.constBase,
  });
  const dataSectionBytes = sectionBytes(wasm, 11);
  return { wasm, dataSectionBytes, codeBytes: wasm.length - dataSectionBytes, layout, lowered, state: schedule.state, symbols: lowered.symbols };
}

/** Bytes (header included) of the sections with id `id` in a wasm binary (11 = data). */
export function sectionBytes(wasm: Uint8Array, id: number): number {
  let at = 8;
  let total = 0;
  while (at < wasm.length) {
    const start = at;
    const sid = wasm[at++]!;
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = wasm[at++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    at += size;
    if (sid === id) total += at - start;
  }
  return total;
}
