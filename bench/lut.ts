// LUT-compressed weights on Cortex-M4 (QEMU): TFLM's compressed models (both formats) and their snapped
// int8 twins, and `tinyforge cluster` of the original MLPerf Tiny models at 4 and 2 bits, each compiled to
// C and run on qemu-m4 (golden input set 0): instructions per inference, flash (.text + .rodata), arena.
// `npm run bench:lut [-- --write]`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareQemu, QEMU_BOARDS } from '../src/cli/engines/qemu.js';
import { readTflite, writeTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import { applyClusters, clusterWeights } from '../src/quantize/cluster.js';
import { writeSection } from './sections.js';

interface Row {
  model: string;
  variant: string;
  instructions: number;
  flashBytes: number;
  arenaBytes: number;
  weightFlashSaved: number | null;
}

function measure(graph: Graph, input: Uint8Array): { instructions: number; flashBytes: number; arenaBytes: number } {
  const prepared = prepareQemu(scheduleOf(planModel(graph).plan), QEMU_BOARDS['qemu-m4']);
  try {
    const d = prepared.run([input]).details;
    return { instructions: d.instructionsPerInference as number, flashBytes: d.flashBytes as number, arenaBytes: d.arenaBytes as number };
  } finally {
    prepared.dispose();
  }
}

function lutBench(shared: string, log: (l: string) => void): Row[] {
  const rows: Row[] = [];
  const golden = join(shared, 'golden-compressed');
  for (const [dir, base, bits] of [['kws_ref_model_lut4', 'kws_ref_model', 4], ['kws_ref_model_lut2', 'kws_ref_model', 2], ['vww_96_int8_lut4', 'vww_96_int8', 4]] as const) {
    const input = new Uint8Array(readFileSync(join(golden, dir, 'input_0.bin')));
    for (const [variant, file] of [
      ['TFLM snapped (int8)', `${base}.snapped_lut${bits}.tflite`],
      ['TFLM COMPRESSION_METADATA', `${base}.lut${bits}.tflite`],
      ['TFLM DECODE ops', `decode_op_format/${base}.lut${bits}.decode_op.tflite`],
    ] as const) {
      log(`${dir} ${variant}`);
      rows.push({ model: dir, variant, ...measure(readTflite(new Uint8Array(readFileSync(join(golden, dir, file)))), input), weightFlashSaved: null });
    }
  }
  for (const [model, inputDir] of [['kws_ref_model', 'kws_ref_model_lut4'], ['vww_96_int8', 'vww_96_int8_lut4']] as const) {
    const input = new Uint8Array(readFileSync(join(golden, inputDir, 'input_0.bin')));
    const original = readTflite(new Uint8Array(readFileSync(join(shared, 'models', 'mlperf-tiny', `${model}.tflite`))));
    log(`${model} int8`);
    rows.push({ model, variant: 'int8 (original)', ...measure(original, input), weightFlashSaved: null });
    for (const bits of [4, 2]) {
      log(`${model} cluster --bits ${bits}`);
      const { graph, report } = applyClusters(original, clusterWeights(original, { bits, seed: 1 }), bits);
      const saved = report.reduce((n, t) => n + t.savedBytes, 0);
      rows.push({ model, variant: `tinyforge cluster --bits ${bits}`, ...measure(readTflite(writeTflite(graph)), input), weightFlashSaved: saved });
    }
  }
  return rows;
}

function markdown(rows: Row[]): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const lines = ['| model | weights | instructions / inference | vs int8 | flash B | vs int8 | arena B | weight flash saved B |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  let base: Row | undefined;
  for (const r of rows) {
    if (r.variant.startsWith('TFLM snapped') || r.variant.startsWith('int8')) base = r;
    const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`;
    lines.push(
      `| ${r.model} | ${r.variant} | ${fmt(r.instructions)} | ${r === base ? '' : pct(r.instructions, base!.instructions)} | ${fmt(r.flashBytes)} | ${r === base ? '' : pct(r.flashBytes, base!.flashBytes)} | ${fmt(r.arenaBytes)} | ${r.weightFlashSaved === null ? '' : fmt(r.weightFlashSaved)} |`,
    );
  }
  return lines.join('\n');
}

const INTRO = [
  'Command: `npm run bench:lut` (table below: `npm run bench:lut -- --write`). TFLM\'s LUT-compressed models',
  '(`../shared/golden-compressed`, both formats) against their snapped int8 twins, and `tinyforge cluster` of the',
  'MLPerf Tiny int8 models (seed 1, per output channel; a tensor is stored compressed only where that saves',
  'flash) against the original: compiled to C with the default plan, run on qemu-m4 (golden input set 0),',
  'figures as in the Cortex-M4 section. A DECODE op expands each compressed conv/depthwise tensor into the arena',
  'right before its consumer (those kernels run unchanged; FULLY_CONNECTED reads its LUT weights itself since',
  'issue #12: `bench:lut-fused`), so the arena grows by the largest decoded weight tensor live next to its',
  'layer\'s activations, and every inference',
  'pays the decode (`decode_lut_s8`: 4- and 2-bit indices a byte at a time where a channel starts on a byte, else',
  'a bit-serial walk; the byte path took vww 4-bit from +17.1% to +5.5% instructions over int8, for 256 B of code).',
].join('\n');

function main(): void {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
  if (!existsSync(join(shared, 'golden-compressed'))) {
    console.error(`bench:lut: ${shared}/golden-compressed not found`);
    process.exit(1);
  }
  const table = markdown(lutBench(shared, (l) => console.error(`bench:lut: ${l}`)));
  console.log(table);
  if (process.argv.includes('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'lut', table, 'LUT-compressed weights (k-means, TFLM DECODE) on Cortex-M4 (QEMU)', INTRO);
    console.error(`bench:lut: wrote the table to ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
