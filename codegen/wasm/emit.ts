// The per-model WebAssembly module: the kernel library (build/kernels.{simd,scalar}.wasm, from
// assembly/) linked with the model's constant data (weights, tables, argument records) as one data
// segment and a generated `invoke` — the schedule's kernel calls in order, each with the constant
// address of its argument record (the kernel ABI, src/schedule/abi.ts). binaryen reads the library,
// fixes the arena and constant bases as immutable globals, drops every kernel the model does not call,
// and optimizes (-O3).
//
// Memory layout (one memory, initial = maximum = exactly the pages needed, no growth):
//   [0, constBytes)                 constant data (data segment)
//   [arenaBase, arenaBase + arena)  the planned arena (zero-initialized), arenaBase 16-aligned
//   [workBase, workBase + work)     the kernels' private workspace (codegen/wasm/workspace.ts: padded and
//                                   gathered copies of a unit's input, repacked weights), 16-aligned
// The kernels use no stack and no heap (locals only), so nothing else is reserved.
// The first invoke also runs the preparation steps (LoweredSchedule.prepare: int16 filter copies, ADD/SUB
// lookup tables), filling constant data the lowering only reserved.
// Exports: memory, invoke.
import binaryen from 'binaryen';
import { lowerSchedule, type LoweredSchedule, type LowerOptions } from '../../src/schedule/abi.js';
import type { Schedule } from '../../src/schedule/types.js';
import { TinyforgeError } from '../../src/errors.js';
import { workspaceBytes } from './workspace.js';

export const WASM_PAGE = 65536;

export interface WasmEmitOptions extends LowerOptions {
  /** The kernel library's bytes (build/kernels.simd.wasm or build/kernels.scalar.wasm). */
  library: Uint8Array;
  /** Whether the library is the SIMD build (enables the SIMD feature). */
  simd: boolean;
  /** binaryen -O3 (default true). */
  optimize?: boolean;
}

export interface WasmLayout {
  constBase: number;
  constBytes: number;
  arenaBase: number;
  arenaBytes: number;
  /** The kernels' workspace after the arena (0 bytes when no call needs one). */
  workBase: number;
  workBytes: number;
  /** Bytes the module needs (the end of the workspace) and the pages it declares. */
  memoryBytes: number;
  pages: number;
}

export interface EmittedWasm {
  wasm: Uint8Array;
  /** Bytes of the module's data section (the constant data, zero runs dropped) and of everything else. */
  dataSectionBytes: number;
  codeBytes: number;
  layout: WasmLayout;
  lowered: LoweredSchedule;
  /** Kernel symbols linked. */
  symbols: string[];
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

function features(simd: boolean): number {
  const F = binaryen.Features;
  let f = F.MVP | F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt;
  if (simd) f |= F.SIMD128;
  return f;
}

export function emitWasm(schedule: Schedule, options: WasmEmitOptions): EmittedWasm {
  // Constant bytes are cheap in a wasm module: take the precomputed requantization tables.
  // ...and ADD/SUB tables, made at the first invoke. Int16 filter copies (wideWeights) stay opt-in: they
  // double the weights' memory, and on a shared L2 the larger footprint made some whole runs 15% slower.
  const lowered = lowerSchedule(schedule, { ...options, qparams: true, wideWeights: options.wideWeights ?? false, lookupTables: options.lookupTables ?? true, winograd: options.simd });
  const constBytes = lowered.constants.length;
  const arenaBase = align(constBytes, 16);
  const workBase = align(arenaBase + schedule.arenaBytes, 16);
  const workBytes = workspaceBytes(lowered);
  const memoryBytes = workBytes > 0 ? workBase + workBytes : arenaBase + schedule.arenaBytes;
  const pages = Math.max(1, Math.ceil(memoryBytes / WASM_PAGE));
  const layout: WasmLayout = { constBase: 0, constBytes, arenaBase, arenaBytes: schedule.arenaBytes, workBase, workBytes, memoryBytes, pages };

  const module = binaryen.readBinary(options.library);
  try {
    module.setFeatures(features(options.simd));
    // Kernel exports -> internal function names; then the library exports nothing of its own.
    const internal = new Map<string, string>();
    const globals = new Map<string, string>();
    const exportNames: string[] = [];
    for (let i = 0; i < module.getNumExports(); i++) {
      const info = binaryen.getExportInfo(module.getExportByIndex(i));
      exportNames.push(info.name);
      if (info.kind === binaryen.ExternalFunction) internal.set(info.name, info.value);
      if (info.kind === binaryen.ExternalGlobal) globals.set(info.name, info.value);
    }
    for (const name of exportNames) module.removeExport(name);

    // The three bases (exported by the library as ARENA_BASE / CONST_BASE / WORK_BASE) become constants.
    for (const [exported, base] of [['ARENA_BASE', arenaBase], ['CONST_BASE', layout.constBase], ['WORK_BASE', workBase]] as const) {
      const name = globals.get(exported);
      if (!name) throw new TinyforgeError('E_TOOLCHAIN', `the wasm kernel library does not export ${exported}`, {});
      module.removeGlobal(name);
      module.addGlobal(name, binaryen.i32, false, module.i32.const(base));
    }

    const calls = lowered.calls.map((c) => {
      const fn = internal.get(c.symbol);
      if (!fn) throw new TinyforgeError('E_UNSUPPORTED', `the wasm kernel library has no kernel ${c.symbol}`, { symbol: c.symbol });
      return module.call(fn, [module.i32.const(layout.constBase + c.record)], binaryen.none);
    });
    if (lowered.prepare.length > 0) {
      // the preparation steps (int16 filter copies, lookup tables) run once, at the start of the first invoke
      const steps = lowered.prepare.map((p) => {
        const fn = internal.get(p.symbol);
        if (!fn) throw new TinyforgeError('E_TOOLCHAIN', `the wasm kernel library has no ${p.symbol}`, { symbol: p.symbol });
        return module.call(fn, [module.i32.const(layout.constBase + p.record)], binaryen.none);
      });
      module.addGlobal('prepared', binaryen.i32, true, module.i32.const(0));
      calls.unshift(module.if(module.i32.eqz(module.global.get('prepared', binaryen.i32)),
        module.block(null, [...steps, module.global.set('prepared', module.i32.const(1))], binaryen.none)));
    }
    module.addFunction('invoke', binaryen.none, binaryen.none, [], module.block(null, calls, binaryen.none));
    module.addFunctionExport('invoke', 'invoke');
    module.setMemory(pages, pages, 'memory', constBytes > 0 ? [{ offset: module.i32.const(layout.constBase), data: lowered.constants, passive: false }] : [], false, false, '0');

    if (options.optimize ?? true) {
      binaryen.setOptimizeLevel(3);
      binaryen.setShrinkLevel(1);
      module.optimize();
    }
    if (!module.validate()) throw new TinyforgeError('E_TOOLCHAIN', 'binaryen rejected the linked module', {});
    const wasm = module.emitBinary();
    const dataSectionBytes = sectionBytes(wasm, 11);
    return { wasm, dataSectionBytes, codeBytes: wasm.length - dataSectionBytes, layout, lowered, symbols: lowered.symbols };
  } finally {
    module.dispose();
  }
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
