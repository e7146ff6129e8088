// The op table against the code it describes: the kernel ABI's symbols, the kernel source files of both
// backends, the reference kernels and the planner's overlap rules.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COPY_WINDOW_SOURCES, KERNEL_VARIANTS, OP_TABLE, REFERENCE_ONLY_KINDS, variantScratchElements, type OpTraits } from '../../src/ir/op-table.js';
import { OP_KINDS, type OpKind } from '../../src/ir/ops.js';
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import { REFERENCE_KERNELS } from '../../src/reference/kernels.js';
import { VARIANT_KERNELS } from '../../src/reference/variants.js';
import { KERNEL_KINDS } from '../../src/cost/devices.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

describe('op table', () => {
  it('has an entry for every op kind, and a missing one does not compile', () => {
    expect(Object.keys(OP_TABLE).sort()).toEqual([...OP_KINDS].sort());
    const { ADD: _add, ...withoutAdd } = OP_TABLE;
    // @ts-expect-error an OpKind without an entry is a type error
    const incomplete: { readonly [K in OpKind]: OpTraits } = withoutAdd;
    expect(Object.keys(incomplete)).not.toContain('ADD');
  });

  it('names the C and wasm source that defines every kernel symbol of its ops', () => {
    const sources = new Map<string, string>();
    const text = (path: string) => sources.get(path) ?? (sources.set(path, read(path)), sources.get(path)!);
    for (const [symbol, spec] of Object.entries(KERNELS)) {
      for (const op of spec.ops) {
        const files = spec.sources ?? (op === 'copy-window' ? COPY_WINDOW_SOURCES : OP_TABLE[op].kernels);
        expect(text(`firmware-templates/kernels/${files.c}`), `${symbol} (${op}) in ${files.c}`).toMatch(new RegExp(`\\bvoid ${symbol}\\(const int32_t \\*args\\)`));
        expect(text(`assembly/${files.wasm}`), `${symbol} (${op}) in ${files.wasm}`).toMatch(new RegExp(`export function ${symbol}\\(args: usize\\)`));
      }
    }
  });

  it('lists in `calls` every kernel a C kernel source calls from another file (the compiled C ships their files)', () => {
    const fileOf = (symbol: string) => KERNELS[symbol]!.sources?.c ?? (KERNELS[symbol]!.ops[0] === 'copy-window' ? COPY_WINDOW_SOURCES.c : OP_TABLE[KERNELS[symbol]!.ops[0] as OpKind].kernels.c);
    const files = new Set(Object.keys(KERNELS).map(fileOf));
    for (const file of files) {
      const text = read(`firmware-templates/kernels/${file}`).replace(/\/\*[\s\S]*?\*\//g, '');
      // typed symbols only (conv2d_s8, ...): untyped ones (pad, cast, split) are also ordinary words in C
      const called = Object.keys(KERNELS).filter((s) => /_[suf]\d/.test(s) && fileOf(s) !== file && new RegExp(`\\b${s}\\b`).test(text));
      const listed = new Set(Object.keys(KERNELS).filter((s) => fileOf(s) === file).flatMap((s) => KERNELS[s]!.calls ?? []));
      expect(called.filter((s) => !listed.has(s)), file).toEqual([]);
      for (const s of listed) expect(KERNELS[s], `${file} calls ${s}`).toBeDefined();
    }
  });

  it('lists exactly the variants the kernel ABI and the reference implement', () => {
    for (const kind of OP_KINDS) {
      const variants = OP_TABLE[kind].variants;
      expect(variants[0], kind).toBe('default');
      const symbols = Object.values(KERNELS).filter((s) => s.ops.includes(kind));
      const abiVariants = new Set(symbols.map((s) => s.variant));
      // 'stream-element' runs the default symbol (every element-wise kernel is a forward stream)
      const expected = variants.map((v) => (v === 'stream-element' ? 'default' : v));
      // a reference-only kind has no kernel symbol at all (it leaves the set when its kernels land)
      expect([...abiVariants].sort(), kind).toEqual(REFERENCE_ONLY_KINDS.has(kind) ? [] : [...new Set(expected)].sort());
      expect(REFERENCE_KERNELS[kind], kind).toBeTypeOf('function');
    }
    expect(Object.keys(VARIANT_KERNELS).sort()).toEqual(KERNEL_VARIANTS.filter((v) => v !== 'default').sort());
  });

  it('prices every op with a kernel kind the profiler has coefficients for', () => {
    for (const kind of OP_KINDS) expect(KERNEL_KINDS, kind).toContain(OP_TABLE[kind].cost);
  });

  it('sizes a variant unit as one output row, pixel or channel plane', () => {
    expect(variantScratchElements('CONV_2D', 'stream-row', [1, 7, 5, 3])).toBe(15);
    expect(variantScratchElements('FULLY_CONNECTED', 'stream-row', [4, 10])).toBe(10);
    expect(variantScratchElements('FULLY_CONNECTED', 'stream-row', [1, 4, 10])).toBe(10);
    expect(variantScratchElements('CONV_2D', 'stream-pixel', [1, 7, 5, 3])).toBe(3);
    expect(variantScratchElements('DEPTHWISE_CONV_2D', 'inplace-channel', [1, 7, 5, 3])).toBe(35);
    expect(variantScratchElements('ADD', 'stream-element', [1, 7, 5, 3])).toBe(0);
  });
});
