// `npm run bench:startup [-- --before DIR] [-- --runs N] [-- --json] [-- --write]`: what a user pays before any
// work: process CPU time (user + sys, whole process from Node's start) of `tinyforge --version`, `plan`
// and `compile --target wasm|c` per MLPerf Tiny model, and the package's tarball and installed size.
// --before DIR: another built package folder (e.g. `git archive main` with its dist/ and build/) measured
// the same way, as the "before" columns. --json: one JSON object on stdout (per command the median CPU
// seconds per package, and the package sizes), nothing else. --write refreshes the "Start-up and install"
// section of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './sections.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
const MODELS = join(shared, 'models/mlperf-tiny');

// Loaded with --import into the measured process: its whole CPU time, written when it exits.
const PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(process.env.TINYFORGE_CPU_OUT, JSON.stringify(u)); });
`;

interface Measured {
  command: string;
  /** Median CPU seconds (user + sys) per package folder, in the order given. */
  seconds: number[];
}

/** Median process CPU seconds of `tinyforge ...args` from the package in `pkg`. */
function cpuSeconds(pkg: string, args: string[], runs: number, work: string): number {
  const preload = join(work, 'cpu-preload.mjs');
  const out = join(work, 'cpu.json');
  writeFileSync(preload, PRELOAD);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(out, { force: true });
    const r = spawnSync(process.execPath, ['--import', preload, join(pkg, 'bin/tinyforge.js'), ...args], {
      env: { ...process.env, TINYFORGE_CPU_OUT: out },
      encoding: 'utf8',
      cwd: work,
    });
    if (r.status !== 0) throw new Error(`bench:startup: tinyforge ${args.join(' ')} in ${pkg} exited ${r.status}: ${r.stderr}`);
    const { user, system } = JSON.parse(readFileSync(out, 'utf8')) as { user: number; system: number };
    samples.push((user + system) / 1e6);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
}

/** Bytes of every file below `path` (links not followed). */
function treeBytes(path: string): number {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + treeBytes(join(path, name)), 0);
}

interface PackageSize {
  tarballBytes: number;
  unpackedBytes: number;
  files: number;
  /** The package plus its dependencies' folders; `withoutOptional`: optionalDependencies left out. */
  installedBytes: number;
  installedWithoutOptionalBytes: number;
}

/** The folder `name` resolves to from a package folder (its own node_modules, then upwards). */
function resolvePackage(from: string, name: string, modules: string): string | null {
  for (let dir = from; dir.startsWith(modules); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  const top = join(modules, name);
  return existsSync(join(top, 'package.json')) ? top : null;
}

/** Bytes of the production dependency closure as npm would install it, read from the local node_modules. */
function dependencyBytes(pkgJson: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }, modules: string, optional: boolean): number {
  const seen = new Set<string>();
  const visit = (from: string, deps: Record<string, string>) => {
    for (const name of Object.keys(deps)) {
      const dir = resolvePackage(from, name, modules);
      if (dir === null || seen.has(dir)) continue;
      seen.add(dir);
      const own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
      visit(dir, { ...own.dependencies, ...own.optionalDependencies });
    }
  };
  visit(modules, { ...pkgJson.dependencies, ...(optional ? pkgJson.optionalDependencies : {}) });
  // A nested node_modules is counted with the package that holds it only once.
  const dirs = [...seen].filter((d) => ![...seen].some((o) => o !== d && d.startsWith(o + '/')));
  return dirs.reduce((sum, d) => sum + treeBytes(d), 0);
}

function packageSize(pkg: string): PackageSize {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench:startup: npm pack in ${pkg} failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as { size: number; unpackedSize: number; entryCount: number }[];
  const pkgJson = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const modules = resolve(repo, 'node_modules');
  return {
    tarballBytes: info!.size,
    unpackedBytes: info!.unpackedSize,
    files: info!.entryCount,
    installedBytes: info!.unpackedSize + dependencyBytes(pkgJson, modules, true),
    installedWithoutOptionalBytes: info!.unpackedSize + dependencyBytes(pkgJson, modules, false),
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${Math.round(bytes / 1e3).toLocaleString('en-US')} KB`;

function markdown(labels: string[], rows: Measured[], sizes: PackageSize[], runs: number): string {
  const head = `| command | ${labels.map((l) => `CPU s (${l})`).join(' | ')} |`;
  const lines = [
    `Process CPU time (user + sys, from Node's start to exit; median of ${runs} run${runs > 1 ? 's' : ''}) of the CLI on the MLPerf Tiny`,
    `models (\`../shared/models/mlperf-tiny\`), Node ${process.versions.node}. Targets: \`plan\` under 0.3 s, \`compile\` under 1.5 s.`,
    `Refresh with \`npm run bench:startup -- --before DIR --write\` (DIR: the previous package, built).`,
    '',
    head,
    `|---|${labels.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| \`${r.command}\` | ${r.seconds.map((s) => s.toFixed(2)).join(' | ')} |`),
    '',
    `| package | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---:').join('|')}|`,
    `| tarball (\`npm pack\`) | ${sizes.map((s) => kb(s.tarballBytes)).join(' | ')} |`,
    `| unpacked package | ${sizes.map((s) => `${kb(s.unpackedBytes)} (${s.files} files)`).join(' | ')} |`,
    `| installed, with every dependency | ${sizes.map((s) => mb(s.installedBytes)).join(' | ')} |`,
    `| installed, without optional dependencies | ${sizes.map((s) => mb(s.installedWithoutOptionalBytes)).join(' | ')} |`,
    '',
    'Installed size: the unpacked package plus the folders of its production dependency closure as they are',
    'in this repository\'s node_modules (what `npm install --omit=dev` puts there).',
  ];
  return lines.join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? null : argv[i + 1] ?? null;
  };
  const runs = Number(flag('--runs') ?? 3);
  const before = flag('--before');
  const packages = before === null ? [repo] : [resolve(before), repo];
  const labels = before === null ? ['now'] : ['before', 'after'];
  if (!existsSync(MODELS)) throw new Error(`bench:startup: ${MODELS} not found`);
  const models = readdirSync(MODELS).filter((f) => f.endsWith('.tflite')).sort();
  const work = mkdtempSync(join(tmpdir(), 'tinyforge-startup-'));
  try {
    const commands: { command: string; args: string[] }[] = [{ command: 'tinyforge --version', args: ['--version'] }];
    for (const m of models) {
      const path = join(MODELS, m);
      commands.push({ command: `plan ${m}`, args: ['plan', path] });
      commands.push({ command: `compile ${m} --target c`, args: ['compile', path, '--target', 'c', '--out', join(work, 'c')] });
      commands.push({ command: `compile ${m} --target wasm`, args: ['compile', path, '--target', 'wasm', '--out', join(work, 'wasm')] });
    }
    const rows: Measured[] = commands.map(({ command, args }) => {
      const seconds = packages.map((p) => cpuSeconds(p, args, runs, work));
      console.error(`${command}: ${seconds.map((s) => s.toFixed(2)).join(' -> ')} s`);
      return { command, seconds };
    });
    const sizes = packages.map((p) => packageSize(p));
    if (argv.includes('--json')) {
      const byLabel = <T>(values: T[]) => Object.fromEntries(labels.map((l, i) => [l, values[i]]));
      console.log(JSON.stringify({ node: process.versions.node, runs, commands: rows.map((r) => ({ command: r.command, cpuSeconds: byLabel(r.seconds) })), packages: byLabel(sizes) }, null, 2));
      return;
    }
    const section = markdown(labels, rows, sizes, runs);
    console.log(section);
    if (argv.includes('--write')) {
      writeSection(join(repo, 'BENCHMARKS.md'), 'startup', section, 'Start-up and install');
      console.error('bench:startup: wrote the "Start-up and install" section of BENCHMARKS.md');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
