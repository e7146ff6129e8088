// WebAssembly latency: tinyforge's per-model module side by side with @tensorflow/tfjs-tflite
// (TFLite + XNNPACK, single thread, SIMD) in the same Node process, on the shared models and the golden
// input set 0. `npm run bench:wasm [-- --json] [-- --write] [-- --models a,b] [-- --runs N]`.
//
// Both engines are timed the same way: input set 0 written into the engine's input buffer once, then
// invoke() only (no copies), warm-up first, then the same number of timed runs for both, interleaved in
// rounds (peer, ours, peer, ours, ...) so that machine noise falls on both; the figure is the median.
// Invokes under 50 µs are timed in equal batches (the sample is the batch's mean), so the clock's own
// cost does not swamp models like hello_world and ad01.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchModels } from './plan.js';
import { loadTfliteNodeModel, loadTfliteRuntime, type TfliteRuntimeInfo } from './tfjs-tflite-node.js';
import { compileTinyforge, type TinyforgeCompiled } from './wasm-tinyforge.js';
import { writeSection } from './sections.js';

/** What both engines offer the timing loop. */
export interface BenchEngineModel {
  setInput(i: number, bytes: Uint8Array): void;
  invoke(): void;
  readOutputs(): Uint8Array[];
}

export interface WasmBenchRow {
  model: string;
  /** Path under shared/models without .tflite. */
  path: string;
  /** The I/O interface both engines run (mcunet_vww: the float32 interface of the .tflite, as tfjs-tflite runs it). */
  io: string;
  /** Timed invokes per engine (after warm-up); very short invokes are timed in batches. */
  runs: number;
  /** Median ms per invoke after warm-up. */
  tinyforgeMs: number | null;
  tfjsTfliteMs: number;
  /**
   * Process CPU ms per invoke (median over the rounds of each round's mean): unlike the wall-clock
   * median it does not grow when other processes preempt a long invoke on a busy machine; it includes
   * V8's background threads.
   */
  tinyforgeCpuMs: number | null;
  tfjsTfliteCpuMs: number;
  /** Our module's bytes without the weight data (kernels + schedule + argument records), and in total. */
  wasmBytes: number | null;
  wasmTotalBytes: number | null;
  /** The weight data left out of wasmBytes (weights, biases, per-channel multipliers/shifts, tables). */
  weightBytes: number | null;
  /**
   * ms from the loader's createModel(bytes) (WebAssembly instantiation) to the first output, compile
   * not included; median of 5 fresh Node processes with Node's lazily loaded `Response` touched first
   * (a browser has it built in). `firstInferenceNodeMs`: the same without that (fresh Node as is).
   */
  firstInferenceMs: number | null;
  firstInferenceNodeMs: number | null;
  /** tfjs-tflite: its runtime load (once per page: import, feature probe, 3.7 MB wasm) + model creation + first output. */
  tfjsTfliteFirstInferenceMs: number;
  /** Output of golden input set 0 equals TFLM's, byte for byte. */
  tinyforgeExact: boolean | null;
  tfjsTfliteExact: boolean;
  /** Golden input sets whose output is byte-exact, e.g. "3/4". */
  tinyforgeExactSets: string | null;
  tfjsTfliteExactSets: string;
  /** Largest |difference| from TFLM over all sets, in output units (int8 steps, or float). */
  tfjsTfliteMaxDiff: number;
  /** Why our columns are empty, when they are. */
  tinyforgeNote?: string;
}

interface GoldenTensor {
  dtype: string;
  file_pattern: string;
}
interface Golden {
  dir: string;
  sets: number;
  inputs: GoldenTensor[];
  outputs: GoldenTensor[];
}

function golden(sharedDir: string, name: string): Golden | null {
  const dir = join(sharedDir, 'golden', name);
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { num_input_sets: number; inputs: GoldenTensor[]; outputs: GoldenTensor[] };
  return { dir, sets: m.num_input_sets, inputs: m.inputs, outputs: m.outputs };
}

const setFiles = (g: Golden, ts: GoldenTensor[], k: number) =>
  ts.map((t) => new Uint8Array(readFileSync(join(g.dir, t.file_pattern.replace('{k}', String(k))))));

/** Largest element difference between two raw tensors of dtype. */
function maxDiff(a: Uint8Array, b: Uint8Array, dtype: string): number {
  if (a.length !== b.length) return Infinity;
  const view = (x: Uint8Array) => {
    const buf = x.slice().buffer;
    if (dtype === 'FLOAT32') return new Float32Array(buf);
    if (dtype === 'INT16') return new Int16Array(buf);
    if (dtype === 'INT32') return new Int32Array(buf);
    if (dtype === 'UINT8') return new Uint8Array(buf);
    return new Int8Array(buf);
  };
  const va = view(a);
  const vb = view(b);
  let d = 0;
  for (let i = 0; i < va.length; i++) d = Math.max(d, Math.abs(va[i]! - vb[i]!));
  return d;
}

const sameBytes = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((x, i) => Buffer.from(x).equals(Buffer.from(b[i]!)));

/** Runs every golden input set: exactness of set 0, count of exact sets, largest difference. */
function checkGolden(m: BenchEngineModel, g: Golden): { exact0: boolean; exactSets: string; maxDiff: number } {
  let exact = 0;
  let exact0 = false;
  let diff = 0;
  for (let k = 0; k < g.sets; k++) {
    setFiles(g, g.inputs, k).forEach((bytes, i) => m.setInput(i, bytes));
    m.invoke();
    const out = m.readOutputs();
    const want = setFiles(g, g.outputs, k);
    const ok = sameBytes(out, want);
    if (ok) exact++;
    if (k === 0) exact0 = ok;
    want.forEach((w, i) => (diff = Math.max(diff, maxDiff(out[i] ?? new Uint8Array(), w, g.outputs[i]!.dtype))));
  }
  return { exact0, exactSets: `${exact}/${g.sets}`, maxDiff: diff };
}

/**
 * Warm-up: at least 10 invokes and 500 ms, then on until two consecutive 100 ms windows agree within 3%
 * (at most 3 s): V8 swaps optimized wasm code in from background threads, sometimes late on 2 cores.
 * Returns the median ms per invoke of the last window.
 */
function warmUp(m: BenchEngineModel): number {
  const start = performance.now();
  const window = (): number => {
    const samples: number[] = [];
    const t0 = performance.now();
    while (samples.length < 10 || performance.now() - t0 < 100) {
      const t = performance.now();
      m.invoke();
      samples.push(performance.now() - t);
    }
    return median(samples);
  };
  let last = window();
  while (performance.now() - start < 500) last = window();
  for (;;) {
    const next = window();
    if (Math.abs(next - last) <= 0.03 * last || performance.now() - start > 3000) return next;
    last = next;
  }
}

/**
 * n samples, each the mean of a batch of `batch` back-to-back invokes (so the clock's cost stays small);
 * returns the process CPU ms per invoke over the whole call.
 */
function timeInvokes(m: BenchEngineModel, n: number, batch: number, into: number[]): number {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    for (let j = 0; j < batch; j++) m.invoke();
    into.push((performance.now() - t) / batch);
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / (n * batch);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

const ROUNDS = 20;

export interface WasmBenchOptions {
  models?: string[];
  /** Timed samples per engine; default: about 1.5 s of the slower engine, 50..1000. */
  runs?: number;
  log?: (line: string) => void;
}

export interface WasmBenchResult {
  rows: WasmBenchRow[];
  peer: TfliteRuntimeInfo;
  machine: { node: string; cpu: string; cores: number; loadAverage: number };
}

export async function wasmBench(sharedDir: string, options: WasmBenchOptions = {}): Promise<WasmBenchResult> {
  const log = options.log ?? (() => {});
  const machine = { node: process.version, cpu: cpuModel(), cores: cpus().length, loadAverage: loadavg()[0]! };
  const { info: peer } = await loadTfliteRuntime();
  log(`tfjs-tflite ${peer.version}: ${peer.build} loaded in ${peer.loadMs.toFixed(0)} ms`);
  const rows: WasmBenchRow[] = [];
  for (const { path, name } of benchModels(sharedDir)) {
    if (options.models && !options.models.includes(name)) continue;
    const g = golden(sharedDir, name);
    if (!g) continue;
    const modelBytes = new Uint8Array(readFileSync(join(sharedDir, 'models', `${path}.tflite`)));
    const input0 = setFiles(g, g.inputs, 0);

    // Peer: creation + first output (plus its runtime load), golden check, warm-up.
    let t = performance.now();
    const theirs = await loadTfliteNodeModel(modelBytes);
    input0.forEach((b, i) => theirs.setInput(i, b));
    theirs.invoke();
    theirs.readOutputs();
    const tfjsTfliteFirstInferenceMs = peer.loadMs + (performance.now() - t);
    const theirCheck = checkGolden(theirs, g);

    // Ours: compileModel (src/pipeline.ts) with the default plan (the model's own I/O types), then the emitted
    // loader's createModel(bytes).
    let ours: BenchEngineModel | null = null;
    let compiled: TinyforgeCompiled | null = null;
    let firstInferenceMs: number | null = null;
    let firstInferenceNodeMs: number | null = null;
    let ourCheck: ReturnType<typeof checkGolden> | null = null;
    let tinyforgeNote: string | undefined;
    try {
      compiled = await compileTinyforge(modelBytes);
      const m = await compiled.instantiate();
      ourCheck = checkGolden(m, g);
      const first = compiled.firstInference(input0);
      input0.forEach((b, i) => m.setInput(i, b));
      m.invoke();
      if (!sameBytes([first.output], [m.readOutputs()[0]!])) throw new Error('the fresh-process first output differs from the in-process one');
      firstInferenceMs = first.ms;
      firstInferenceNodeMs = first.nodeMs;
      ours = m;
    } catch (e) {
      tinyforgeNote = `tinyforge: ${(e as Error).message.split('\n')[0]}`;
    }

    // Timing: same input, warm-up, then the same number of runs for both, interleaved.
    const engines = ours ? [theirs, ours] : [theirs];
    for (const e of engines) input0.forEach((b, i) => e.setInput(i, b));
    const estimates = engines.map(warmUp);
    // Invokes shorter than 50 µs are timed in batches of at least 50 µs, the batch sized for the faster engine.
    const batch = Math.max(1, Math.ceil(0.05 / Math.max(Math.min(...estimates), 1e-4)));
    const samplesWanted = options.runs ?? Math.min(1000, Math.max(50, Math.round(1500 / Math.max(...estimates, 1e-4) / batch)));
    const perRound = Math.ceil(samplesWanted / ROUNDS);
    const samples = engines.map(() => [] as number[]);
    const cpu = engines.map(() => [] as number[]);
    for (let r = 0; r < ROUNDS; r++) engines.forEach((e, i) => cpu[i]!.push(timeInvokes(e, perRound, batch, samples[i]!)));
    theirs.dispose();
    compiled?.dispose();

    const row: WasmBenchRow = {
      model: name,
      path,
      io: g.inputs.map((t) => t.dtype.toLowerCase()).join('+') + ' → ' + g.outputs.map((t) => t.dtype.toLowerCase()).join('+'),
      runs: perRound * ROUNDS * batch,
      tinyforgeMs: ours ? median(samples[1]!) : null,
      tfjsTfliteMs: median(samples[0]!),
      tinyforgeCpuMs: ours ? median(cpu[1]!) : null,
      tfjsTfliteCpuMs: median(cpu[0]!),
      wasmBytes: compiled ? compiled.wasmBytes : null,
      wasmTotalBytes: compiled ? compiled.wasmTotalBytes : null,
      weightBytes: compiled ? compiled.weightBytes : null,
      firstInferenceMs,
      firstInferenceNodeMs,
      tfjsTfliteFirstInferenceMs,
      tinyforgeExact: ourCheck ? ourCheck.exact0 : null,
      tfjsTfliteExact: theirCheck.exact0,
      tinyforgeExactSets: ourCheck ? ourCheck.exactSets : null,
      tfjsTfliteExactSets: theirCheck.exactSets,
      tfjsTfliteMaxDiff: theirCheck.maxDiff,
      ...(tinyforgeNote ? { tinyforgeNote } : {}),
    };
    rows.push(row);
    log(`${name}: tinyforge ${fmtMs(row.tinyforgeMs)} ms, tfjs-tflite ${fmtMs(row.tfjsTfliteMs)} ms (${row.runs} runs)`);
  }
  return { rows, peer, machine };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

const KIB64 = 64 * 1024;
const fmtMs = (ms: number | null) => (ms === null ? '–' : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms >= 0.1 ? ms.toFixed(3) : ms.toFixed(4));
const fmtBytes = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));
const yesNo = (b: boolean | null) => (b === null ? '–' : b ? 'yes' : 'no');

export function wasmBenchMarkdown({ rows, peer, machine }: WasmBenchResult): string {
  const lines = [
    `Measured on Node ${machine.node}, ${machine.cpu} (${machine.cores} cores, load average ${machine.loadAverage.toFixed(2)} at start); ` +
      `peer: @tensorflow/tfjs-tflite ${peer.version}, build \`${peer.build}\` (1 thread, SIMD; ${fmtBytes(peer.runtimeBytes)} B of glue + wasm, loaded in ${peer.loadMs.toFixed(0)} ms).`,
    '',
    '| model | I/O | tinyforge ms | tfjs-tflite ms | ratio | CPU ms: tinyforge / tfjs-tflite | module bytes (no weights) | module bytes (total) | first inference ms (fresh Node) | tfjs-tflite first output ms | tinyforge exact | tfjs-tflite exact | runs | targets: ≤ peer / < 64 KiB / < 20 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|',
  ];
  for (const r of rows) {
    const ratio = r.tinyforgeMs === null ? '–' : `${(r.tinyforgeMs / r.tfjsTfliteMs).toFixed(2)}x`;
    const targets =
      r.tinyforgeMs === null
        ? '–'
        : [r.tinyforgeMs <= r.tfjsTfliteMs, r.wasmBytes !== null && r.wasmBytes < KIB64, r.firstInferenceMs !== null && r.firstInferenceMs < 20]
            .map((b) => (b ? 'yes' : 'no'))
            .join(' / ');
    const ourExact = r.tinyforgeExact === null ? '–' : `${yesNo(r.tinyforgeExact)} (${r.tinyforgeExactSets} sets)`;
    const theirExact = `${yesNo(r.tfjsTfliteExact)} (${r.tfjsTfliteExactSets} sets${r.tfjsTfliteMaxDiff ? `, max diff ${fmtDiff(r.tfjsTfliteMaxDiff)}` : ''})`;
    lines.push(
      `| ${r.path} | ${r.io} | ${fmtMs(r.tinyforgeMs)} | ${fmtMs(r.tfjsTfliteMs)} | ${ratio} | ${fmtMs(r.tinyforgeCpuMs)} / ${fmtMs(r.tfjsTfliteCpuMs)} | ${fmtBytes(r.wasmBytes)} | ${fmtBytes(r.wasmTotalBytes)} | ` +
        `${r.firstInferenceMs === null ? '–' : `${r.firstInferenceMs.toFixed(1)} (${r.firstInferenceNodeMs!.toFixed(1)})`} | ${r.tfjsTfliteFirstInferenceMs.toFixed(0)} | ${ourExact} | ${theirExact} | ${r.runs} | ${targets} |`,
    );
  }
  const notes = [...new Set(rows.map((r) => r.tinyforgeNote).filter((n): n is string => !!n))];
  if (notes.length) lines.push('', ...notes.map((n) => `tinyforge columns empty: ${n}.`));
  return lines.join('\n');
}

const fmtDiff = (d: number) => (Number.isInteger(d) ? String(d) : d.toPrecision(3));

async function main(): Promise<void> {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
  if (!existsSync(join(shared, 'golden'))) {
    console.error(`bench:wasm: ${shared} not found; the benchmark runs the shared models and golden inputs`);
    process.exit(1);
  }
  const argv = process.argv.slice(2);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = value('--runs');
  const models = value('--models');
  const result = await wasmBench(shared, {
    ...(runs ? { runs: Number(runs) } : {}),
    ...(models ? { models: models.split(',') } : {}),
    log: (l) => console.error(`bench:wasm: ${l}`),
  });
  if (argv.includes('--json')) {
    console.log(JSON.stringify(result.rows, null, 2));
    return;
  }
  const section = wasmBenchMarkdown(result);
  console.log(section);
  if (argv.includes('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'wasm', section, 'WebAssembly latency');
    console.error(`bench:wasm: wrote the wasm table to ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`bench:wasm: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
