// LUT-compressed weights read by the FULLY_CONNECTED and CONV_2D kernels themselves (src/passes/fuse-decode.ts),
// blocks of channels decoded into workspace (the default) or each weight decoded in the dot loop (lutOnTheFly),
// against DECODE into the arena and the snapped int8 model, and for wasm against decoding each LUT constant once
// at the module's first invoke (lutAtLoad): per model, peak SRAM (arena + .data + .bss + stack), flash, qemu-m4
// instructions per inference (golden input set 0); wasm ms (SIMD, median of 30 invokes), module bytes, linear
// memory in use (constants + arena), its pages and the bytes of the copy decoded at load.
// `npm run bench:lut-fused [-- --write]`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixSeed, syntheticInputBytes } from '../src/builder/random.js';
import { readTflite, writeTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import type { PlanModelOptions } from '../src/pipeline.js';
import { quantizeModel } from '../src/quantize/index.js';
import { buildArch } from '../src/train/arch/named.js';
import { wasmTimed } from './compress.js';
import { clusteredFiles, m4Figures } from './clustered.js';
import { writeSection } from './sections.js';

interface Row {
  model: string;
  variant: string;
  /** null: a wasm-only row. */
  sramBytes: number | null;
  arenaBytes: number | null;
  flashBytes: number | null;
  instructions: number | null;
  wasm: WasmFigures;
}

interface WasmFigures {
  ms: number;
  moduleBytes: number;
  /** Constant data + arena: the linear memory the module uses, and its pages of 64 KiB. */
  memoryBytes: number;
  pages: number;
  /** Bytes of the LUT weights decoded at the first invoke (in the constant data's reserved part). */
  decodedCopyBytes: number;
}

async function onWasm(graph: Graph, options: PlanModelOptions, input: Uint8Array[]): Promise<WasmFigures> {
  const { ms, emitted } = await wasmTimed(graph, input, options);
  return { ms, moduleBytes: emitted.wasm.length, memoryBytes: emitted.layout.memoryBytes, pages: emitted.layout.pages, decodedCopyBytes: emitted.lowered.decodedLutBytes };
}

/** An untrained LeNet (seeded random weights), PTQ on synthetic images, clustered per channel at `bits`. */
function lenet(bits: number): { snapped: Graph; clustered: Graph; input: Uint8Array[] } {
  const float = buildArch('lenet', { input: [28, 28, 1], classes: 10, seed: 3, width: 1 }).graph;
  const x = float.tensors[float.inputs[0]!]!;
  const int8 = readTflite(writeTflite(quantizeModel(float, Array.from({ length: 8 }, (_, k) => [syntheticInputBytes(x, mixSeed(5, k), [0, 1])]), 'lenet')));
  const { snapped, clustered } = clusteredFiles(int8, bits, 1);
  return { snapped, clustered, input: [syntheticInputBytes(int8.tensors[int8.inputs[0]!]!, mixSeed(7, 0))] };
}

async function bench(shared: string, log: (l: string) => void): Promise<Row[]> {
  const models: Array<{ model: string; snapped: Graph; compressed: Graph; input: Uint8Array[] }> = [];
  const golden = join(shared, 'golden-compressed');
  const read = (...p: string[]) => readTflite(new Uint8Array(readFileSync(join(golden, ...p))));
  for (const [dir, base, bits] of [['kws_ref_model_lut4', 'kws_ref_model', 4], ['kws_ref_model_lut2', 'kws_ref_model', 2], ['vww_96_int8_lut4', 'vww_96_int8', 4]] as const) {
    models.push({
      model: dir, snapped: read(dir, `${base}.snapped_lut${bits}.tflite`), compressed: read(dir, 'decode_op_format', `${base}.lut${bits}.decode_op.tflite`),
      input: [new Uint8Array(readFileSync(join(golden, dir, 'input_0.bin')))],
    });
  }
  for (const bits of [4, 2]) {
    const l = lenet(bits);
    models.push({ model: `LeNet cluster --bits ${bits} (untrained)`, snapped: l.snapped, compressed: l.clustered, input: l.input });
  }
  const rows: Row[] = [];
  for (const m of models) {
    const variants: Array<[string, Graph, PlanModelOptions, boolean]> = [
      ['int8 (snapped)', m.snapped, { fuseDecode: false }, true],
      ['DECODE into the arena', m.compressed, { fuseDecode: false }, true],
      // lutAtLoad false: the wasm kernels read the LUT weights too (C ignores it)
      ['(a) kernels read LUT: channel blocks in workspace', m.compressed, { lutAtLoad: false }, true],
      ['(b) kernels read LUT: decoded in the dot loop', m.compressed, { lutOnTheFly: true, lutAtLoad: false }, true],
      // wasm only, its default: each LUT constant decoded once at the first invoke, outside the arena
      ['wasm default: decoded once at the first invoke (lutAtLoad)', m.compressed, {}, false],
    ];
    for (const [variant, graph, options, c] of variants) {
      log(`${m.model}: ${variant}`);
      const m4 = c ? m4Figures(graph, m.input, options) : { sramBytes: null, arenaBytes: null, flashBytes: null, instructions: null };
      rows.push({ model: m.model, variant, ...m4, wasm: await onWasm(graph, options, m.input) });
      log(JSON.stringify(rows.at(-1)));
    }
  }
  return rows;
}

function markdown(rows: Row[]): string {
  const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
  const lines = [
    '| model | weights | peak SRAM B | arena B | flash B | qemu-m4 instructions | wasm ms | wasm module B | wasm memory B (pages) | wasm decoded copy B |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const flash = r.flashBytes === null && r.sramBytes !== null ? 'no run: RAM > 256 KiB' : fmt(r.flashBytes);
    const w = r.wasm;
    lines.push(`| ${r.model} | ${r.variant} | ${fmt(r.sramBytes)} | ${fmt(r.arenaBytes)} | ${flash} | ${fmt(r.instructions)} | ${w.ms.toFixed(3)} | ${fmt(w.moduleBytes)} | ${fmt(w.memoryBytes)} (${w.pages}) | ${fmt(w.decodedCopyBytes)} |`);
  }
  return lines.join('\n');
}

export const HEADING = 'LUT weights read by the kernel vs DECODE into the arena';

export const INTRO = [
  'Command: `npm run bench:lut-fused` (table below: `npm run bench:lut-fused -- --write`). Per model: the snapped int8',
  'model, the compressed one with every DECODE expanding into the arena (`planModel(g, { fuseDecode: false })`), and the',
  'two ways issue #12 asked to compare for kernels that read LUT weights themselves (the `fuseDecode` pass: FULLY_CONNECTED,',
  'CONV_2D and DEPTHWISE_CONV_2D): (a) decode into planned workspace, the default: `fully_connected_lut_s8`',
  'four units at a time; `conv2d_lut_s8` the whole filter when it is at most the model\'s largest activation or 4 KiB, then',
  'conv.c\'s own kernel (any variant, so in-place pointwise convs stay in place), else blocks of about 4 KiB of channels',
  'run over every pixel (a pointwise conv as a matrix product on an int16 input row); `dwconv2d_lut_s8` (`dw_lut.c`, a table per',
  'channel along the filter\'s last axis) the whole filter under the same rule, then depthwise.c\'s kernel of the plan\'s variant',
  '(stream-row and inplace-channel included); (b) `planModel(g, { lutOnTheFly: true })`:',
  'no block, each weight decoded in the dot loop (`tf_lut_dot`, 4- and 2-bit indices a byte at a time; depthwise: each tap\'s index',
  'where the window reads it). Peak SRAM: arena + .data + .bss + measured stack of the C firmware; qemu-m4 on golden input',
  'set 0. LeNet: untrained (seeded random weights, PTQ on 8 synthetic images; memory and instructions do not depend on the values).',
  '',
  'Kept as the default in C: (a). On vww it takes the arena from DECODE\'s 72,192 B back to about the int8 model\'s (38,400 vs',
  '37,328 B) at +20.1% instructions over int8 (DECODE: +11.6%; its last pointwise filter, 64 KiB, is larger than any',
  'activation and runs in channel blocks); on kws the 4 KiB pointwise filters are',
  'decoded whole next to conv.c\'s column buffer, so arena and instructions equal DECODE\'s. (b) costs 4.5-12x the',
  'instructions (every weight decoded once per output pixel) and saves RAM only where a decoded block sets the arena',
  '(kws 8,320 vs 13,184 B, LeNet 26,336 vs 34,688 B): kept behind `lutOnTheFly` as that trade-off, not as a default. Flash: the packed weights',
  'save what DECODE saves; the LUT conv kernel adds its code (about 6 KB: its block and on-the-fly paths) over DECODE.',
  '',
  'wasm: SIMD module in Node, median of 30 invokes; module bytes; memory: constant data + arena, the linear memory the module',
  'uses (pages of 64 KiB in brackets); decoded copy: the part of it a copy decoded at load takes. The wasm backend folds every',
  'DECODE (`fuseDecode(g, \'any\')`). Its default, the last row of each model (`planModel(g, { lutAtLoad: true })`): each LUT',
  'constant decoded once, at the first invoke, into module memory outside the arena, the kernels\' fast paths on that copy',
  '(wasm only: no C figures). (a) with `lutAtLoad: false`: the kernels read the LUT weights at each invoke with the C',
  'kernels\' choices (`codegen/wasm/abi/lut.ts`): a whole filter (a CONV_2D\'s or DEPTHWISE_CONV_2D\'s where conv_lut.c /',
  'dw_lut.c decode it whole) is decoded by a `decode_lut_s8` call into the start of the call\'s planned workspace, then the plain',
  'kernels run on it with their requantization tables; a larger pointwise filter goes in blocks of `convLutChannels`',
  'channels (`conv2d_lut_s8`), FULLY_CONNECTED four units at a time; 4- and 2-bit indices are decoded 16 / 32 at a time',
  '(`i8x16.swizzle`). (b) with `lutAtLoad: false`: `conv2d_lut_s8` / `dwconv2d_lut_s8` decode each weight in their scalar loops.',
  '',
  'Kept as the default in wasm: decoding at load, which wins on time and module bytes. Timed apart from this table (the',
  'two modules interleaved, 200 invokes, medians): kws 4-bit 0.162 vs (a) 0.168 ms, 2-bit 0.163 vs 0.168, vww 0.490 vs',
  '0.530, LeNet 4-bit 0.209 vs 0.295, 2-bit 0.216 vs 0.298 (its 3136 x 128 batch-1 FULLY_CONNECTED decoded at every',
  'invoke); module bytes 0.2-0.8% smaller (no requantization tables for the pointwise blocks, no decode records). (a)',
  'wins on memory by the whole decoded copy (kws 59,296 vs 77,661 B: 1 page vs 2; vww 304,304 vs 512,320 B: 5 vs 8; LeNet',
  '262,128 vs 742,944 B: 4 vs 12): kept as `lutAtLoad: false` for a host where that matters. (b) in wasm is 100-400x',
  'slower: for measuring only. The machine was shared (load about 20) while the table ran: compare its wasm ms within a',
  'model only roughly.',
].join('\n');

async function main(): Promise<void> {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
  if (!existsSync(join(shared, 'golden-compressed'))) {
    console.error(`bench:lut-fused: ${shared}/golden-compressed not found`);
    process.exit(1);
  }
  const table = markdown(await bench(shared, (l) => console.error(`bench:lut-fused: ${l}`)));
  console.log(table);
  if (process.argv.includes('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'lut-fused', table, HEADING, INTRO);
    console.error(`bench:lut-fused: wrote the table to ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
