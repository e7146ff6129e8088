// `npm run bench:calibrate [-- --models kws,vww] [-- --ops | --ops-only] [-- --no-write] [-- --help]`: fits the
// Cortex-M4 instruction model of the profiler (src/cost/devices.ts) to instructions measured with the qemu-m4
// engine, writes the fitted constants to src/cost/calibration/cortex-m4.json and the per-model error to BENCHMARKS.md.
// `--ops` adds the calibration points of bench/calibrate-ops.ts (the kernel suites' single-op families, for
// kernels no shared model calls) and writes their per-kernel instructions per output element / per MAC;
// `--ops-only` measures those alone: the kinds a shared model uses keep their stored fit (their points are
// only checked), the others are fitted from the points, and the stored per-model figures are kept.
//
// Method. Every shared model that builds for the engine is planned layer by layer (as `tinyforge profile`
// plans it by default; mcunet_vww with --int8-io, as firmware runs it) and its Schedule run twice ways on
// QEMU mps2-an386 with -icount shift=0 (1 FPGAIO tick = 40 instructions):
//   - per call: the engine's per-call profile of one invoke (profileCalls) where the engine has it; else a
//     Schedule with that one call (same arena, same constants) measures the call alone, minus the
//     harness's fixed invoke overhead (an empty Schedule's count);
//   - whole: the full Schedule, on golden input set 0 where there is one.
// The per-call counts give a least-squares fit per kernel kind of
//   instructions = sum over the kind's features (src/cost/devices.ts) of coefficient x feature
// (each call's residual relative to its model's measured total, at least 1e7 instructions; a weak pull
// toward the first-guess constants decides what no layer exercises; coefficients stay non-negative).
// The whole-model counts are what the estimate is checked against: the error per model is printed and
// written, and also the error with that model's own layers left out of the fit (how well it predicts a
// model it has not seen).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { prepareQemu, QEMU_BOARDS } from '../src/cli/engines/qemu.js';
import { FEATURES, featureValue, KERNEL_KINDS, KIND_FEATURES, type Calibration, type KernelKind, type KindCoefficients } from '../src/cost/devices.js';
import { scheduleCalls, type CostedCall } from '../src/cost/profile.js';
import { readTflite } from '../src/import/tflite/index.js';
import { byteSize } from '../src/ir/shapes.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import type { Schedule } from '../src/schedule/types.js';
import { benchModels } from './plan.js';
import { CALIBRATION_FAMILIES, familyGraphs, mergeGraphs } from './calibrate-ops.js';
import { writeSection } from './sections.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
const calibrationFile = join(repo, 'src/cost/calibration/cortex-m4.json');

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = option('--models')?.split(',');
const opsOnly = flag('--ops-only');
const withOps = opsOnly || flag('--ops');
/** Graphs per calibration family (each family's graphs merged into one firmware run). */
const OP_SEEDS = Number(option('--op-seeds') ?? 6);

const HELP = `npm run bench:calibrate [-- options]
  --models a,b    only the shared models whose name contains one of these
  --ops           also the single-op calibration points (bench/calibrate-ops.ts), ${OP_SEEDS} graphs per family (--op-seeds N)
  --ops-only      the calibration points alone: kinds the shared models use keep their stored fit; the rest are fitted
  --dump FILE     every sample and run as JSON
  --no-write      print only (no cortex-m4.json, no BENCHMARKS.md)`;
const MLPERF = new Set(['vww_96_int8', 'kws_ref_model', 'pretrainedResnet_quant', 'ad01_int8']);

const log = (text: string) => process.stderr.write(text);

/**
 * A call's residual counts as a fraction of max(its model's measured total, this): every model's error
 * weighs alike, and the few thousand instructions of a tiny model (hello_world) cannot outweigh the rest.
 */
const NORM_FLOOR = 1e7;

/** Golden input set 0 of a model, or deterministic bytes when the golden data has none. */
function inputsFor(name: string, schedule: Schedule): Uint8Array[] {
  const manifestFile = join(shared, 'golden', name, 'manifest.json');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { inputs: Array<{ file_pattern: string; bytes: number }> };
    const files = manifest.inputs.map((t) => join(shared, 'golden', name, t.file_pattern.replace('{k}', '0')));
    const bytes = files.map((f) => (existsSync(f) ? new Uint8Array(readFileSync(f)) : null));
    if (bytes.every((b, i) => b && b.byteLength === byteSize(schedule.inputs[i]!.shape, schedule.inputs[i]!.dtype))) return bytes as Uint8Array[];
  }
  let x = 12345;
  return schedule.inputs.map((r) => {
    const out = new Uint8Array(byteSize(r.shape, r.dtype));
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  });
}

function measure(schedule: Schedule, inputs: Uint8Array[], ramBytes: number): number {
  return runOnQemu(schedule, inputs, { ramBytes }).instructions;
}

/**
 * One qemu-m4 run. With `profileCalls` the engine (when it offers it) also counts each call's
 * instructions in the same invoke; engines without it ignore the option and report no per-call counts.
 */
function runOnQemu(schedule: Schedule, inputs: Uint8Array[], options: { ramBytes: number; profileCalls?: boolean }): { instructions: number; callInstructions: number[] | null } {
  const fw = prepareQemu(schedule, QEMU_BOARDS['qemu-m4'], options);
  try {
    const details = fw.run(inputs).details;
    const perCall = details.callInstructions;
    return {
      instructions: details.instructionsPerInference as number,
      callInstructions: Array.isArray(perCall) && perCall.length === schedule.calls.length ? (perCall as number[]) : null,
    };
  } finally {
    fw.dispose();
  }
}

interface Sample {
  model: string;
  kind: KernelKind;
  features: CostedCall['features'];
  measured: number;
}

interface ModelRun {
  model: string;
  options: string;
  calls: CostedCall[];
  measured: number;
}

/** Solves A x = b (small, symmetric positive definite) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const d = M[c]![c]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / d;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

/**
 * Least squares of one kind's samples over the kind's features (KIND_FEATURES; the others are 0), each
 * call's residual taken as a fraction of its model's measured total (at least NORM_FLOOR), with a vanishing pull toward the prior that only decides what the data leaves undetermined;
 * coefficients stay non-negative (a negative one is fixed at 0 and the rest refitted). A kind with no
 * more calls than coefficients keeps the prior's shape, scaled to fit.
 */
function fitKind(kind: KernelKind, samples: Sample[], prior: KindCoefficients, totals: Map<string, number>): KindCoefficients {
  const out = Object.fromEntries(FEATURES.map((k) => [k, 0])) as KindCoefficients;
  const active = KIND_FEATURES[kind];
  if (samples.length === 0) {
    for (const k of active) out[k] = prior[k];
    return out;
  }
  if (samples.length <= active.length) {
    // Fewer calls than coefficients: keep the first guess's shape and fit its level only.
    let num = 0, den = 0;
    for (const s of samples) {
      const w = 1 / Math.max(totals.get(s.model)!, NORM_FLOOR) ** 2;
      const p = active.reduce((t, k) => t + prior[k] * featureValue(s.features, k), 0);
      num += w * p * s.measured;
      den += w * p * p;
    }
    const scale = den > 0 ? num / den : 1;
    for (const k of active) out[k] = Number((prior[k] * scale).toPrecision(5));
    return out;
  }
  let free = [...active];
  for (let round = 0; round <= active.length && free.length > 0; round++) {
    const n = free.length;
    // Columns scaled to their largest value, so the pull is alike for every coefficient.
    const scale = free.map((k) => Math.max(1e-12, ...samples.map((s) => Math.abs(featureValue(s.features, k)))));
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const b = new Array<number>(n).fill(0);
    for (const s of samples) {
      const w = 1 / Math.max(totals.get(s.model)!, NORM_FLOOR) ** 2;
      const x = free.map((k, i) => featureValue(s.features, k) / scale[i]!);
      for (let i = 0; i < n; i++) {
        b[i]! += w * x[i]! * s.measured;
        for (let j = 0; j < n; j++) A[i]![j]! += w * x[i]! * x[j]!;
      }
    }
    const lambda = (1e-6 * A.reduce((t, row, i) => t + row[i]!, 0)) / n;
    free.forEach((k, i) => {
      A[i]![i]! += lambda;
      b[i]! += lambda * prior[k] * scale[i]!;
    });
    const x = solve(A, b);
    free.forEach((k, i) => (out[k] = x[i]! / scale[i]!));
    const negative = free.filter((k) => out[k] < 0);
    if (negative.length === 0) break;
    for (const k of negative) out[k] = 0;
    free = free.filter((k) => !negative.includes(k));
  }
  for (const k of FEATURES) out[k] = Number(out[k].toPrecision(5));
  return out;
}

/** A kind no measured layer uses takes its parent's fit (the fast paths run their generic kernel's code today). */
const PARENT: Partial<Record<KernelKind, KernelKind>> = { conv2d_1x1: 'conv2d', dwconv2d_3x3: 'dwconv2d', conv2d: 'conv2d_1x1', dwconv2d: 'dwconv2d_3x3' };

function fit(samples: Sample[], prior: Calibration['coefficients'], totals: Map<string, number>): Calibration['coefficients'] {
  const fitted = Object.fromEntries(KERNEL_KINDS.map((k) => [k, fitKind(k, samples.filter((s) => s.kind === k), prior[k], totals)])) as Calibration['coefficients'];
  for (const k of KERNEL_KINDS) {
    const parent = PARENT[k];
    if (parent && !samples.some((s) => s.kind === k) && samples.some((s) => s.kind === parent)) fitted[k] = { ...fitted[parent] };
  }
  return fitted;
}

function estimate(calls: CostedCall[], coefficients: Calibration['coefficients']): number {
  let total = 0;
  for (const c of calls) {
    const k = coefficients[c.kind];
    for (const f of FEATURES) total += k[f] * featureValue(c.features, f);
  }
  return total;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function toolVersions(): string {
  const first = (cmd: string, a: string[]) => {
    try {
      return execFileSync(cmd, a, { encoding: 'utf8' }).split('\n')[0]!.trim();
    } catch {
      return `${cmd} (version unknown)`;
    }
  };
  return `${first('qemu-system-arm', ['--version'])}; ${first('arm-none-eabi-gcc', ['--version'])}`;
}

/** The kernel library the counts are for: a hash of its sources, and the commit they were last changed in. */
function kernelVersion(): { sourcesSha256: string; lastCommit: string } {
  const dir = join(repo, 'firmware-templates', 'kernels');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  let lastCommit = 'unknown';
  try {
    lastCommit = execFileSync('git', ['log', '-1', '--format=%h', '--', 'firmware-templates/kernels'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'firmware-templates/kernels'], { cwd: repo, encoding: 'utf8' }).trim();
    if (dirty) lastCommit += ' + uncommitted changes';
  } catch {
    // not a git checkout
  }
  return { sourcesSha256: hash.digest('hex').slice(0, 16), lastCommit };
}

/** One calibration family's measured calls (bench/calibrate-ops.ts), for its per-kernel row. */
interface FamilyRun {
  family: string;
  symbols: string[];
  kinds: KernelKind[];
  calls: CostedCall[];
  measured: number[];
}

/** Each calibration family's graphs merged into one Schedule, per-call counts from one profiled invoke on qemu-m4. */
function measureFamilies(samples: Sample[], totals: Map<string, number>): { runs: FamilyRun[]; failed: string[] } {
  const runs: FamilyRun[] = [];
  const failed: string[] = [];
  for (const f of CALIBRATION_FAMILIES) {
    const t0 = Date.now();
    log(`op:${f.name}: `);
    try {
      const { plan } = planModel(mergeGraphs(f.name, familyGraphs(f, OP_SEEDS)));
      const schedule = scheduleOf(plan);
      const ramBytes = Math.max(256 * 1024, Math.ceil((schedule.arenaBytes + 64 * 1024) / 65536) * 65536);
      const calls = scheduleCalls(schedule);
      const perCall = runOnQemu(schedule, inputsFor('', schedule), { ramBytes, profileCalls: true }).callInstructions;
      if (!perCall) throw new Error('the engine gave no per-call counts');
      const model = `op:${f.name}`;
      perCall.forEach((n, i) => samples.push({ model, kind: calls[i]!.kind, features: calls[i]!.features, measured: n }));
      totals.set(model, perCall.reduce((a, n) => a + n, 0));
      runs.push({
        family: f.name, calls, measured: perCall,
        symbols: [...new Set(calls.map((c) => c.symbol ?? '?'))], kinds: [...new Set(calls.map((c) => c.kind))],
      });
      log(`${calls.length} calls (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      log(`failed: ${why}\n`);
      failed.push(`${f.name} (${why})`);
    }
  }
  return { runs, failed };
}

/** Per family: instructions per MAC (MAC kernels) or per output element, measured and as the fit estimates them. */
function familyRows(runs: FamilyRun[], coefficients: Calibration['coefficients']) {
  return runs.map((r) => {
    const macs = r.calls.reduce((a, c) => a + c.features.macs, 0);
    const outputs = r.calls.reduce((a, c) => a + c.features.outputs, 0);
    const measured = r.measured.reduce((a, n) => a + n, 0);
    const estimated = estimate(r.calls, coefficients);
    const units = macs > 0 ? macs : outputs;
    return {
      family: r.family, kernels: r.symbols, kinds: r.kinds, calls: r.calls.length, macs, outputs, measured,
      per: macs > 0 ? 'MAC' : 'output', perUnit: Number((measured / Math.max(1, units)).toFixed(2)),
      error: Number((estimated / measured - 1).toFixed(4)),
    };
  });
}

function main(): void {
  if (flag('--help')) {
    console.log(HELP);
    return;
  }
  if (!existsSync(join(shared, 'models'))) {
    console.error(`bench:calibrate: ${shared} not found; calibration runs the shared models`);
    process.exit(1);
  }
  const prior = (JSON.parse(readFileSync(calibrationFile, 'utf8')) as Calibration & { prior?: Calibration['coefficients'] });
  // The first-guess constants stay the prior of every later fit (kept in the file as `prior`).
  const stored = prior.prior ?? prior.coefficients;
  // Features added since the prior was written start at 0.
  const priorCoefficients = Object.fromEntries(
    KERNEL_KINDS.map((k) => [k, Object.fromEntries(FEATURES.map((f) => [f, stored[k]?.[f] ?? 0]))]),
  ) as Calibration['coefficients'];

  /** The kernel kinds the shared models' default schedules call. */
  function sharedModelKinds(): Set<KernelKind> {
    const kinds = new Set<KernelKind>();
    for (const { path, int8Io } of benchModels(shared)) {
      const graph = readTflite(new Uint8Array(readFileSync(join(shared, 'models', `${path}.tflite`))));
      for (const call of scheduleCalls(scheduleOf(planModel(graph, { int8Io }).plan))) kinds.add(call.kind);
    }
    return kinds;
  }

  const runs: ModelRun[] = [];
  const samples: Sample[] = [];
  const skipped: string[] = [];
  const perCallSource = new Set<string>();
  for (const { path, name, int8Io } of opsOnly ? [] : benchModels(shared)) {
    if (only && !only.some((o) => name.includes(o))) continue;
    const graph = readTflite(new Uint8Array(readFileSync(join(shared, 'models', `${path}.tflite`))));
    const { plan } = planModel(graph, { int8Io });
    const schedule = scheduleOf(plan);
    const ramBytes = Math.max(256 * 1024, Math.ceil((schedule.arenaBytes + 64 * 1024) / 65536) * 65536);
    const inputs = inputsFor(name, schedule);
    const calls = scheduleCalls(schedule);
    log(`${name}: ${calls.length} calls, arena ${schedule.arenaBytes} B`);
    let whole: number;
    const t0 = Date.now();
    try {
      whole = measure(schedule, inputs, ramBytes);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      const why = /region .FLASH' overflowed by \d+ bytes/.exec(text)?.[0] ?? /region .RAM' overflowed by \d+ bytes/.exec(text)?.[0] ?? text.split('\n')[0]!;
      log(` skipped: ${why}\n`);
      skipped.push(`${name} (${why.replace(/^region .FLASH'/, "the QEMU board's 4 MiB flash").replace(/^region .RAM'/, 'RAM')})`);
      continue;
    }
    log(`, ${whole.toLocaleString('en-US')} instructions (${((Date.now() - t0) / 1000).toFixed(1)} s); per call`);
    // Per-call counts from the engine's profile of one invoke (real activations), when it has one;
    // else each call run alone in a Schedule of its own (activations zero), minus the empty invoke.
    const profiled = runOnQemu(schedule, inputs, { ramBytes, profileCalls: true }).callInstructions;
    if (profiled) {
      log(' (engine profile)');
      perCallSource.add('the engine\u2019s per-call profile of one invoke');
      profiled.forEach((n, i) => samples.push({ model: name, kind: calls[i]!.kind, features: calls[i]!.features, measured: n }));
    } else {
      perCallSource.add('each call run alone, minus the empty invoke');
      const baseline = measure({ ...schedule, calls: [] }, inputs, ramBytes);
      schedule.calls.forEach((call, i) => {
        const one = measure({ ...schedule, calls: [call] }, inputs, ramBytes);
        samples.push({ model: name, kind: calls[i]!.kind, features: calls[i]!.features, measured: Math.max(0, one - baseline) });
        if (i % 10 === 9) log('.');
      });
    }
    log(` done (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    runs.push({ model: path, options: int8Io ? '--int8-io' : '', calls, measured: whole });
  }
  if (runs.length === 0 && !opsOnly) {
    console.error('bench:calibrate: no model could be measured');
    process.exit(1);
  }

  const totals = new Map(runs.map((r) => [r.model.split('/')[1]!, r.measured]));
  const families = withOps ? measureFamilies(samples, totals) : { runs: [], failed: [] };
  const dump = option('--dump');
  if (dump) writeFileSync(dump, JSON.stringify({ samples, runs: runs.map((r) => ({ model: r.model, measured: r.measured, calls: r.calls })) }));
  const previous = prior as Calibration & { kinds?: Record<string, { calls: number; rmsError: number | null }>; skipped?: string[]; families?: unknown };
  // --ops-only: a kind some shared model uses keeps its stored fit (its points are only checked against it).
  // Which kinds those are comes from the shared models' schedules (no run needed): the stored call counts
  // also count earlier op points, which would freeze every op-only kind after its first fit.
  const modelKinds = opsOnly ? sharedModelKinds() : new Set<KernelKind>();
  const sharedKind = (k: KernelKind) => modelKinds.has(k);
  const coefficients = opsOnly
    ? (Object.fromEntries(KERNEL_KINDS.map((k) => [k, sharedKind(k) || !samples.some((s) => s.kind === k) ? { ...priorCoefficients[k], ...previous.coefficients[k] } : fitKind(k, samples.filter((s) => s.kind === k), priorCoefficients[k], totals)])) as Calibration['coefficients'])
    : fit(samples, priorCoefficients, totals);
  const models = opsOnly ? (previous.models as ReturnType<typeof modelFigures>) : modelFigures();
  function modelFigures() {
    return runs.map((r) => {
    const estimated = Math.round(estimate(r.calls, coefficients));
    const name = r.model.split('/')[1]!;
    const heldOut = fit(samples.filter((s) => s.model !== name), priorCoefficients, totals);
    const heldOutEstimate = estimate(r.calls, heldOut);
    return {
      model: r.model,
      options: r.options,
      measured: r.measured,
      estimated,
      error: Number((estimated / r.measured - 1).toFixed(4)),
      heldOutError: Number((heldOutEstimate / r.measured - 1).toFixed(4)),
      mlperfTiny: MLPERF.has(name),
    };
  });
  }
  const perKind = Object.fromEntries(
    KERNEL_KINDS.map((k) => {
      const s = samples.filter((x) => x.kind === k);
      const rel = s.filter((x) => x.measured > 0).map((x) => estimate([{ opIndex: 0, symbol: null, kind: k, features: x.features }], coefficients) / x.measured - 1);
      const rms = rel.length > 0 ? Math.sqrt(rel.reduce((a, e) => a + e * e, 0) / rel.length) : null;
      if (opsOnly && sharedKind(k)) return [k, previous.kinds![k]!];
      return [k, { calls: s.length, rmsError: rms === null ? null : Number(rms.toFixed(4)) }];
    }),
  );
  const result = {
    source: 'qemu-m4 fit',
    method:
      `per-call instruction counts on QEMU mps2-an386 -icount shift=0 of each layer-by-layer Schedule (${[...perCallSource].join('; ')}), least squares per kernel kind (each call\u2019s residual relative to its model total, at least 1e7; a weak pull toward the first guesses; non-negative); checked against whole-model counts`,
    date: new Date().toISOString().slice(0, 10),
    tools: toolVersions(),
    kernels: kernelVersion(),
    coefficients,
    prior: priorCoefficients,
    kinds: perKind,
    models,
    skipped: opsOnly ? (previous.skipped ?? []) : skipped,
    families: withOps ? familyRows(families.runs, coefficients) : (previous.families ?? []),
    familiesFailed: families.failed,
  };
  if (!flag('--no-write')) {
    writeFileSync(calibrationFile, JSON.stringify(result, null, 2) + '\n');
    log(`bench:calibrate: wrote ${calibrationFile}\n`);
  }

  const section = calibrationMarkdown(result);
  console.log(section);
  if (!flag('--no-write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'calibrate', section, 'Profiler calibration');
    log(`bench:calibrate: wrote the calibration table to ${file}\n`);
  }
  if (withOps) {
    const opsSection = familiesMarkdown(result.families as ReturnType<typeof familyRows>, families.failed, result.date);
    console.log(opsSection);
    if (!flag('--no-write')) writeSection(join(repo, 'BENCHMARKS.md'), 'calibrate-ops', opsSection, 'Profiler calibration: kernels no shared model calls');
  }
  const worst = models.filter((m) => m.mlperfTiny).reduce((w, m) => Math.max(w, Math.abs(m.error)), 0);
  log(`bench:calibrate: worst MLPerf Tiny error ${(worst * 100).toFixed(1)}% (acceptance: within 15%)\n`);
  if (worst > 0.15) process.exitCode = 3;
}

function familiesMarkdown(rows: ReturnType<typeof familyRows>, failed: string[], date: string): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `Measured ${date}: each family's ${OP_SEEDS} single-op graphs (the kernel suites' generators, small random shapes) merged into one Schedule, per-call counts of one invoke on qemu-m4. Instructions per MAC (MAC kernels) or per output element include each call's fixed cost; "fit error" is the profiler's estimate for these calls / measured − 1.`,
    '',
    '| kernel family | kernels | profiler kind | calls | MACs | output elements | measured instructions | instructions per MAC / per output | fit error |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.family} | ${r.kernels.join(', ')} | ${r.kinds.join(', ')} | ${r.calls} | ${fmt(r.macs)} | ${fmt(r.outputs)} | ${fmt(r.measured)} | ${r.perUnit} / ${r.per} | ${pct(r.error)} |`);
  }
  if (failed.length > 0) lines.push('', `Not measured: ${failed.join('; ')}.`);
  return lines.join('\n');
}

function calibrationMarkdown(r: {
  date: string;
  tools: string;
  kernels: { sourcesSha256: string; lastCommit: string };
  coefficients: Calibration['coefficients'];
  kinds: Record<string, { calls: number; rmsError: number | null }>;
  models: Array<{ model: string; options: string; measured: number; estimated: number; error: number; heldOutError: number; mlperfTiny: boolean }>;
  skipped: string[];
}): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(`Fitted ${r.date} with ${r.tools}; kernel library at ${r.kernels.lastCommit} (sources ${r.kernels.sourcesSha256}).`, '');
  lines.push('| model | measured instructions (qemu-m4) | estimated | error | error, model left out of the fit |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const m of r.models) {
    lines.push(`| ${m.model}${m.options ? ` (${m.options})` : ''}${m.mlperfTiny ? ' ★' : ''} | ${fmt(m.measured)} | ${fmt(m.estimated)} | ${pct(m.error)} | ${pct(m.heldOutError)} |`);
  }
  lines.push('', '★ MLPerf Tiny (acceptance: within 15%).', '');
  lines.push('| kernel kind | per call | per MAC | per tail MAC | per output | per input | per column value | per pixel | per window row | per border output | calls fitted | rms error per call |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const k of KERNEL_KINDS) {
    const c = r.coefficients[k];
    const s = r.kinds[k]!;
    lines.push(`| ${k} | ${c.call} | ${c.mac} | ${c.tailMac} | ${c.output} | ${c.input} | ${c.column} | ${c.pixel} | ${c.row} | ${c.border} | ${s.calls || (PARENT[k] && r.kinds[PARENT[k]!]!.calls ? `– (as ${PARENT[k]})` : '– (first guess)')} | ${s.rmsError === null ? '–' : `${(s.rmsError * 100).toFixed(1)}%`} |`);
  }
  if (r.skipped.length > 0) lines.push('', `Not measured: ${r.skipped.join('; ')}.`);
  return lines.join('\n');
}

main();
