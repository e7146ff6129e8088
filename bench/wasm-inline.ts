// `node dist/bench/wasm-inline.js [--models a,b] [--rounds N] [--processes N]`: what the linker's inlining
// buys, against binaryen's per-model -O3 (what compile --target wasm ran before link.ts). Per MLPerf Tiny
// model, three modules from one schedule: linked without inlining, linked (inlining, the default), and the
// first one through binaryen -O3 (shrink 1, the old emitter's settings). Each is warmed up, checked to give
// the same output, then timed in interleaved rounds (the order alternates), as process CPU time per invoke
// (wall time on the shared machine swings by tens of percent). Several processes per model; prints one JSON
// line per process and the medians over them. Measurement only: binaryen is not a dependency any more, so
// it needs `npm install --no-save binaryen@132.0.0` (or a node_modules that has it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkModule, type LinkInput } from '../codegen/wasm/link.js';
import type { EmittedWasm } from '../codegen/wasm/index.js';
import { readTflite } from '../src/import/tflite/index.js';
import { compileModel } from '../src/pipeline.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MODELS = join(process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared'), 'models/mlperf-tiny');
const VARIANTS = ['plain', 'inlined', 'o3'] as const;
type Variant = (typeof VARIANTS)[number];

interface Binaryen {
  readBinary(bytes: Uint8Array): { setFeatures(f: number): void; optimize(): void; emitBinary(): Uint8Array; dispose(): void };
  setOptimizeLevel(n: number): void;
  setShrinkLevel(n: number): void;
  Features: Record<string, number>;
}

async function binaryenO3(wasm: Uint8Array): Promise<Uint8Array> {
  const specifier = 'binaryen';
  let binaryen: Binaryen;
  try {
    binaryen = (await import(specifier)).default as Binaryen;
  } catch {
    throw new Error('bench/wasm-inline needs binaryen for its -O3 baseline: npm install --no-save binaryen@132.0.0');
  }
  const m = binaryen.readBinary(wasm);
  const F = binaryen.Features;
  m.setFeatures(F.MVP! | F.MutableGlobals! | F.SignExt! | F.NontrappingFPToInt! | F.BulkMemory! | F.BulkMemoryOpt! | F.SIMD128!);
  binaryen.setOptimizeLevel(3);
  binaryen.setShrinkLevel(1);
  m.optimize();
  const out = m.emitBinary();
  m.dispose();
  return out;
}

function linkInput(emitted: EmittedWasm, library: Uint8Array): LinkInput {
  const { layout, lowered } = emitted;
  return {
    library,
    bases: { ARENA_BASE: layout.arenaBase, CONST_BASE: layout.constBase },
    prepare: lowered.prepare.map((p) => ({ symbol: p.symbol, record: layout.constBase + p.record })),
    calls: lowered.calls.map((c) => ({ symbol: c.symbol, record: layout.constBase + c.record })),
    pages: layout.pages,
    data: lowered.constants,
    dataOffset: layout.constBase,
  };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;

/** One process's measurement of one model: ms of CPU per invoke per variant, and the code bytes. */
async function measure(model: string, rounds: number) {
  const library = new Uint8Array(readFileSync(join(repo, 'build/kernels.simd.wasm')));
  const { wasm: { emitted } } = await compileModel(readTflite(new Uint8Array(readFileSync(join(MODELS, model)))), { target: 'wasm', simd: true });
  const plain = linkModule({ ...linkInput(emitted, library), inline: false });
  const modules: Record<Variant, Uint8Array> = { plain, inlined: emitted.wasm, o3: await binaryenO3(plain) };
  const { layout, lowered } = emitted;
  const [input, output] = [lowered.inputs[0]!, lowered.outputs[0]!];
  const size = (r: { shape: number[] }) => r.shape.reduce((a, b) => a * b, 1);
  const runs = {} as Record<Variant, { invoke: () => void; output: () => string }>;
  for (const v of VARIANTS) {
    const { instance } = await WebAssembly.instantiate(modules[v] as BufferSource, {});
    const memory = instance.exports.memory as WebAssembly.Memory;
    const view = new Uint8Array(memory.buffer, layout.arenaBase + input.offset, size(input));
    for (let i = 0; i < view.length; i++) view[i] = (i * 37) & 0xff;
    runs[v] = { invoke: instance.exports.invoke as () => void, output: () => Buffer.from(new Uint8Array(memory.buffer, layout.arenaBase + output.offset, size(output))).toString('hex') };
  }
  for (let w = 0; w < 30; w++) for (const v of VARIANTS) runs[v].invoke();
  if (new Set(VARIANTS.map((v) => runs[v].output())).size !== 1) throw new Error(`${model}: the three modules disagree`);
  // invokes per sample: about 20 ms of them
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 50) { runs.plain.invoke(); n++; }
  const reps = Math.max(1, Math.ceil(n / 2.5));
  const ms: Record<Variant, number[]> = { plain: [], inlined: [], o3: [] };
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) runs[v].invoke();
      const c = process.cpuUsage(c0);
      ms[v].push((c.user + c.system) / 1000 / reps);
    }
  }
  const code = (w: Uint8Array) => w.length - emitted.dataSectionBytes;
  return { model, msPerInvoke: Object.fromEntries(VARIANTS.map((v) => [v, median(ms[v])])) as Record<Variant, number>, codeBytes: Object.fromEntries(VARIANTS.map((v) => [v, code(modules[v])])) };
}

async function main() {
  const argv = process.argv.slice(2);
  const flag = (name: string) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
  const rounds = Number(flag('--rounds') ?? 41);
  const one = flag('--one');
  if (one !== undefined) {
    console.log(JSON.stringify(await measure(one, rounds)));
    return;
  }
  const models = flag('--models')?.split(',') ?? ['ad01_int8.tflite', 'kws_ref_model.tflite', 'pretrainedResnet_quant.tflite', 'vww_96_int8.tflite'];
  const processes = Number(flag('--processes') ?? 3);
  const vsO3: Record<string, Record<Variant, number[]>> = {};
  for (let p = 0; p < processes; p++) {
    for (const model of models) {
      const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', model, '--rounds', String(rounds)], { encoding: 'utf8' });
      console.log(line.trim());
      const r = JSON.parse(line) as Awaited<ReturnType<typeof measure>>;
      vsO3[model] ??= { plain: [], inlined: [], o3: [] };
      for (const v of VARIANTS) vsO3[model]![v].push(100 * (r.msPerInvoke[v] / r.msPerInvoke.o3 - 1));
    }
  }
  for (const [model, d] of Object.entries(vsO3)) {
    const show = (a: number[]) => `${median(a).toFixed(2)}% (${Math.min(...a).toFixed(2)} to ${Math.max(...a).toFixed(2)})`;
    console.log(`${model}: vs -O3, CPU per invoke: without inlining ${show(d.plain)}, inlined ${show(d.inlined)}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
