// The per-model linker (codegen/wasm/link.ts) on the real kernel libraries: what it keeps, what it folds,
// what it refuses; every kernel body of both builds goes through its instruction scan and comes out valid
// for wabt. (That linked models compute TFLM's bytes is test/wasm/golden.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRanges, linkModule, type LinkInput } from '../../codegen/wasm/link.js';
import { validateWasm } from '../../codegen/wasm/validate.js';
import { REPO_ROOT } from '../helpers/shared.js';

const library = (target: 'simd' | 'scalar') => new Uint8Array(readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`)));
const BASES = { ARENA_BASE: 70_000, CONST_BASE: 0 };

/** The library's exported functions of one argument (the kernel ABI: the record's address), from the module itself. */
function kernelSymbols(bytes: Uint8Array): string[] {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {}).exports;
  return Object.keys(exports).filter((name) => typeof exports[name] === 'function' && (exports[name] as (...a: number[]) => void).length === 1);
}

const input = (lib: Uint8Array, calls: LinkInput['calls'], over: Partial<LinkInput> = {}): LinkInput =>
  ({ library: lib, bases: BASES, prepare: [], calls, pages: 2, data: new Uint8Array(0), dataOffset: 0, ...over });

describe('linkModule', () => {
  for (const target of ['simd', 'scalar'] as const) {
    it(`${target}: every kernel of the library, linked, is a valid module exporting only memory and invoke`, async () => {
      const lib = library(target);
      const symbols = kernelSymbols(lib);
      expect(symbols.length).toBeGreaterThan(30);
      const wasm = linkModule(input(lib, symbols.map((symbol, i) => ({ symbol, record: 64 * i }))));
      await validateWasm(wasm);
      const module = new WebAssembly.Module(wasm as BufferSource);
      expect(WebAssembly.Module.exports(module).map((e) => `${e.kind} ${e.name}`).sort()).toEqual(['function invoke', 'memory memory']);
      expect(WebAssembly.Module.imports(module)).toEqual([]);
    });
  }

  it('keeps only what the called kernel reaches, and reads the bases as constants', async () => {
    const lib = library('simd');
    const one = linkModule(input(lib, [{ symbol: 'relu_s8', record: 4096 }]));
    const all = linkModule(input(lib, kernelSymbols(lib).map((symbol) => ({ symbol, record: 4096 }))));
    expect(one.length).toBeLessThan(all.length / 4);
    const text = (await validateWasm(one, { text: true }))!;
    expect(text).not.toMatch(/global\.get/); // relu reads no global but the bases
    expect(text).toMatch(/i32\.const 70000/); // ARENA_BASE, folded
    expect(text).toMatch(/\(memory \(;0;\) 2 2\)/);
  });

  it('runs the preparation steps once, at the start of the first invoke', async () => {
    const lib = library('simd');
    // each kernel called twice, so that neither is inlined
    const wasm = linkModule(input(lib, [{ symbol: 'relu_s8', record: 4096 }, { symbol: 'relu_s8', record: 4160 }], {
      prepare: [{ symbol: 'widen_s8_s16', record: 8192 }, { symbol: 'widen_s8_s16', record: 8256 }],
    }));
    const text = (await validateWasm(wasm, { text: true }))!;
    const invoke = text.slice(text.lastIndexOf('(func (;')).replace(/;;.*$/gm, '');
    // if (!prepared) { widen(8192); widen(8256); prepared = 1 } relu(4096) relu(4160)
    expect(invoke.replace(/\s+/g, ' ')).toMatch(
      /global\.get 3 i32\.eqz if i32\.const 8192 call (\d+) i32\.const 8256 call \1 i32\.const 1 global\.set 3 end i32\.const 4096 call (\d+) i32\.const 4160 call \2\)/,
    );
  });

  it('inlines a function called from one place: its arguments and locals in fresh locals, its returns branches out of a block', async () => {
    const lib = library('simd');
    const once = linkModule(input(lib, [{ symbol: 'relu_s8', record: 4096 }]));
    const twice = linkModule(input(lib, [{ symbol: 'relu_s8', record: 4096 }, { symbol: 'relu_s8', record: 4160 }]));
    const onceText = (await validateWasm(once, { text: true }))!;
    const twiceText = (await validateWasm(twice, { text: true }))!;
    const functions = (t: string) => t.match(/\(func /g)!.length;
    expect(functions(onceText)).toBe(functions(twiceText) - 1); // relu (and what only it calls) in invoke
    const invoke = (t: string) => t.slice(t.lastIndexOf('(func (;'));
    expect(invoke(twiceText)).toMatch(/\bcall\b/);
    expect(invoke(onceText)).not.toMatch(/\breturn\b/);
    expect(onceText.replace(/\s+/g, ' ')).toMatch(/i32\.const 4096 local\.set 0 block/);
  });

  it('names a kernel the library lacks (E_UNSUPPORTED) and refuses a library it cannot link (E_TOOLCHAIN)', () => {
    const lib = library('simd');
    expect(() => linkModule(input(lib, [{ symbol: 'no_such_kernel', record: 0 }]))).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED', message: 'the wasm kernel library has no kernel no_such_kernel' }));
    expect(() => linkModule(input(lib, [], { bases: { ...BASES, HEAP_BASE: 1 } }))).toThrow(expect.objectContaining({ code: 'E_TOOLCHAIN', message: 'the wasm kernel library does not export HEAP_BASE' }));
    // a start section (id 8) appended: function indices and entry points the linker does not handle
    const withStart = Uint8Array.of(...lib, 8, 1, 0);
    expect(() => linkModule(input(withStart, []))).toThrow(expect.objectContaining({ code: 'E_TOOLCHAIN', message: expect.stringContaining('section of id 8') }));
    expect(() => linkModule(input(lib.slice(0, 100), []))).toThrow(expect.objectContaining({ code: 'E_TOOLCHAIN' }));
  });
});

describe('dataRanges', () => {
  it('drops zero ends and the zero runs longer than a segment header, keeps shorter ones', () => {
    const data = new Uint8Array(200);
    data.fill(7, 5, 20); // leading zeros 0..5 dropped
    data.fill(7, 26, 40); // a 6-byte zero gap: no longer than the header it would cost (3 + 1 + 2 bytes), kept
    data.fill(7, 60, 70); // a 20-byte gap: dropped
    // 70..200 trailing zeros dropped
    expect(dataRanges(data)).toEqual([[5, 40], [60, 70]]);
    expect(dataRanges(new Uint8Array(50))).toEqual([]);
    expect(dataRanges(Uint8Array.of(1, 0, 0, 0, 0, 0, 1))).toEqual([[0, 7]]);
  });

  it('counts the offset of the next segment in its header: far offsets need longer gaps', () => {
    const data = new Uint8Array(40);
    data[0] = 1;
    data[8] = 1; // a 7-byte gap before offset 8: header 3 + 1 + 1 = 5 bytes, dropped
    expect(dataRanges(data, 0)).toEqual([[0, 1], [8, 9]]);
    expect(dataRanges(data, 1 << 20)).toEqual([[0, 9]]); // offset 2^20 + 8 takes 4 bytes: header 8, gap kept
  });
});
