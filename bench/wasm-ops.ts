// `npm run bench:wasm-ops [-- --rounds N] [-- --no-write]`: the wasm figure of each kernel family no shared
// model calls, next to its qemu-m4 instructions (BENCHMARKS.md's per-kernel table, bench:calibrate -- --ops-only).
// Each family's calibration graph (bench/calibrate-ops.ts: its 6 single-op graphs merged into one) is
// compiled as `tinyforge compile --target wasm` does (SIMD kernels), instantiated through the emitted
// loader with seeded random inputs, and invoked in rounds of at least ~20 ms of process CPU time; the
// figure is the median round's CPU ns per invoke over the family's MACs (MAC kernels) or output elements,
// fixed per-call costs included as in the C column.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scheduleCalls } from '../src/cost/profile.js';
import { compileModel, planModel, scheduleOf } from '../src/pipeline.js';
import { CALIBRATION_FAMILIES, familyGraphs, mergeGraphs } from './calibrate-ops.js';
import { writeSection } from './sections.js';
import type { LoaderModule } from './wasm-tinyforge.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf('--rounds') + 1] ?? 0) || 7;
const SEEDS = 6; // as bench:calibrate's --op-seeds default: the same graphs as the C column
const ROUND_NS = 20e6;

/** The C column: the stored qemu-m4 family figures of the last `npm run bench:calibrate -- --ops[-only]`. */
interface CFamily { family: string; kernels: string[]; per: 'MAC' | 'output'; perUnit: number; macs: number; outputs: number }
const calibration = JSON.parse(readFileSync(join(repo, 'src/cost/calibration/cortex-m4.json'), 'utf8')) as { families?: CFamily[]; date: string };

const cpuNs = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; };
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

async function measureFamily(name: string): Promise<{ kernels: string[]; macs: number; outputs: number; nsPerInvoke: number }> {
  const f = CALIBRATION_FAMILIES.find((x) => x.name === name)!;
  const graph = mergeGraphs(f.name, familyGraphs(f, SEEDS));
  const calls = scheduleCalls(scheduleOf(planModel(graph).plan));
  const macs = calls.reduce((a, c) => a + c.features.macs, 0);
  const outputs = calls.reduce((a, c) => a + c.features.outputs, 0);
  const { files, wasm: { emitted } } = await compileModel(graph, { target: 'wasm', simd: true });
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-ops-'));
  try {
    for (const file of files) writeFileSync(join(dir, file.path), file.contents);
    const loader = (await import(pathToFileURL(join(dir, 'model.mjs')).href)) as LoaderModule;
    const m = await loader.createModel(emitted.wasm);
    let seed = 12345;
    for (const v of m.inputs) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      // Seeded random bytes (float inputs: small integers' bit patterns would be denormals; use [-4, 4)).
      if (v instanceof Float32Array) for (let i = 0; i < v.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; v[i] = (seed / 2 ** 32) * 8 - 4; }
      else for (let i = 0; i < bytes.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; bytes[i] = seed >>> 24; }
    }
    m.invoke();
    // Invokes per round: enough for ROUND_NS of CPU time.
    let n = 1;
    for (;;) { const t = cpuNs(); for (let i = 0; i < n; i++) m.invoke(); if (cpuNs() - t > ROUND_NS / 4 || n > 1e7) break; n *= 4; }
    n *= 4;
    const perInvoke: number[] = [];
    for (let r = 0; r < ROUNDS; r++) { const t = cpuNs(); for (let i = 0; i < n; i++) m.invoke(); perInvoke.push((cpuNs() - t) / n); }
    return { kernels: [...new Set(calls.map((c) => c.symbol ?? '?'))], macs, outputs, nsPerInvoke: median(perInvoke) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0]!.toFixed(1);
  const cByFamily = new Map((calibration.families ?? []).map((c) => [c.family, c]));
  const rows: string[] = [];
  for (const f of CALIBRATION_FAMILIES) {
    process.stderr.write(`${f.name}: `);
    try {
      const w = await measureFamily(f.name);
      const per = w.macs > 0 ? 'MAC' : 'output';
      const units = Math.max(1, per === 'MAC' ? w.macs : w.outputs);
      const c = cByFamily.get(f.name);
      const cText = c ? `${c.perUnit} / ${c.per}` : '–';
      rows.push(`| ${f.name} | ${w.kernels.join(', ')} | ${w.macs.toLocaleString('en-US')} | ${w.outputs.toLocaleString('en-US')} | ${cText} | ${(w.nsPerInvoke / 1000).toFixed(2)} | ${(w.nsPerInvoke / units).toFixed(2)} / ${per} |`);
      process.stderr.write(`${(w.nsPerInvoke / 1000).toFixed(2)} us per invoke\n`);
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
      rows.push(`| ${f.name} | failed: ${why} | | | | | |`);
      process.stderr.write(`failed: ${why}\n`);
    }
  }
  const section = [
    `Measured ${new Date().toISOString().slice(0, 10)} with Node ${process.version} on ${cpus()[0]?.model ?? '?'} (${cpus().length} cores shared, 1-minute load ${load} at the start): each family's calibration graph (the same ${SEEDS} single-op graphs as the qemu-m4 column, merged) compiled to wasm with SIMD kernels, invoked through the emitted loader with seeded random inputs; median of ${ROUNDS} rounds of process CPU time per invoke. Per MAC (MAC kernels) or per output element, each call's fixed cost included. The qemu-m4 column is the table above (${calibration.date}).`,
    '',
    '| kernel family | kernels | MACs | output elements | qemu-m4 instructions per MAC / per output | wasm µs per invoke | wasm ns per MAC / per output |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(section);
  if (!args.includes('--no-write')) writeSection(join(repo, 'BENCHMARKS.md'), 'wasm-ops', section, 'Kernels no shared model calls: wasm ns per MAC / per output element', 'Command: `npm run bench:wasm-ops` (`-- --rounds N`, `-- --no-write`).');
}

void main();
