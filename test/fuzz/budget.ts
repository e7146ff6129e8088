// Runs fuzz cases in child processes under a per-case budget of time and memory: a hang or an
// out-of-memory is a failed case naming its id, not a hung or crashed test run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCase } from './structure.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const CHILD = join(here, 'case-child.mjs');

export interface Budget {
  ms: number;
  mb: number;
}
export const CASE_BUDGET: Budget = { ms: 5000, mb: 512 };

export type Outcome = 'accepted' | 'refused' | 'crash' | 'timeout' | 'memory' | 'died';

export interface CaseResult {
  id: string;
  outcome: Outcome;
  code?: string;
  message?: string;
  stage?: string;
  ms: number;
  /** Peak resident set of the child process up to the end of this case. */
  maxRssMb: number;
  /** Base64 output bytes: the planned arena run and the unplanned interpreter. */
  outputs?: string[];
  unplanned?: string[];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : entry.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** The child runs dist/: refuse to fuzz a build older than the sources (it would test other code). */
export function checkDistFresh(): void {
  const built = join(repoRoot, 'dist', 'src', 'index.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const sources = Math.max(newestMtime(join(repoRoot, 'src')), newestMtime(join(repoRoot, 'codegen')));
  if (statSync(built).mtimeMs < sources) throw new Error('dist/ is older than src/ or codegen/: run `npm run build` first (npm test does)');
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** One child over the cases not done yet; resolves when it exits (normally, or killed over budget). */
function runChild(pending: FuzzCase[], files: Map<string, string>, manifest: string, budget: Budget, results: Map<string, CaseResult>): Promise<void> {
  writeFileSync(manifest, JSON.stringify({ cases: pending.map((c) => ({ id: c.id, file: files.get(c.id) })) }));
  const child = spawn(process.execPath, [`--max-old-space-size=${budget.mb}`, CHILD, manifest], { stdio: ['ignore', 'pipe', 'pipe'] });
  let current: { id: string; t0: number } | null = null;
  let stderr = '';
  let buffered = '';
  let ready = false;
  const started = performance.now();
  const kill = (outcome: Outcome, message: string, mb: number) => {
    if (current && !results.has(current.id)) results.set(current.id, { id: current.id, outcome, message, ms: performance.now() - current.t0, maxRssMb: mb });
    child.kill('SIGKILL');
  };
  const watchdog = setInterval(() => {
    const mb = rssMb(child.pid!);
    if (current && mb > budget.mb) kill('memory', `resident set ${mb.toFixed(0)} MB over the ${budget.mb} MB budget`, mb);
    else if (current && performance.now() - current.t0 > budget.ms) kill('timeout', `still running after ${budget.ms} ms`, mb);
    else if (!ready && !current && performance.now() - started > 120_000) kill('died', 'the fuzz child did not start within 120 s', mb);
  }, 25);
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const event = JSON.parse(buffered.slice(0, nl)) as { ready?: boolean; start?: string } & Partial<CaseResult>;
      buffered = buffered.slice(nl + 1);
      if (event.ready) ready = true;
      else if (event.start !== undefined) current = { id: event.start, t0: performance.now() };
      else if (event.id !== undefined) {
        results.set(event.id, event as CaseResult);
        current = null;
      }
    }
  });
  return new Promise((done, fail) =>
    child.on('exit', (status, signal) => {
      clearInterval(watchdog);
      if (current && !results.has(current.id)) {
        const why = stderr.includes('heap out of memory') ? 'memory' : 'died';
        results.set(current.id, { id: current.id, outcome: why, message: `child exited (${signal ?? status}): ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`, ms: performance.now() - current.t0, maxRssMb: 0 });
      } else if (!ready) {
        return fail(new Error(`the fuzz child failed to start (${signal ?? status}): ${stderr.trim()}`));
      }
      done();
    }),
  );
}

/** Every case's result; children are restarted after a case is killed or grows the heap. */
export async function runBudgeted(cases: FuzzCase[], budget: Budget = CASE_BUDGET): Promise<Map<string, CaseResult>> {
  checkDistFresh();
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-fuzz-'));
  const results = new Map<string, CaseResult>();
  try {
    const files = new Map(
      cases.map((c, i) => {
        if (c.id.startsWith('@')) return [c.id, c.id] as const; // case-child.mjs's self-check cases
        const file = join(dir, `case${i}.tflite`);
        writeFileSync(file, c.bytes);
        return [c.id, file] as const;
      }),
    );
    for (;;) {
      const pending = cases.filter((c) => !results.has(c.id));
      if (pending.length === 0) break;
      const before = results.size;
      await runChild(pending, files, join(dir, 'manifest.json'), budget, results);
      if (results.size === before) throw new Error(`the fuzz child exited without finishing case ${pending[0]!.id}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** What is wrong with a case's result under the house rules, or null when it held. */
export function violation(r: CaseResult, budget: Budget = CASE_BUDGET): string | null {
  if (r.outcome === 'crash') return `not a TinyforgeError at ${r.stage}: ${r.message}`;
  if (r.outcome === 'timeout' || r.outcome === 'memory' || r.outcome === 'died') return `${r.outcome}: ${r.message}`;
  if (r.ms > budget.ms) return `took ${r.ms.toFixed(0)} ms (budget ${budget.ms})`;
  if (r.maxRssMb > budget.mb) return `peak resident set ${r.maxRssMb.toFixed(0)} MB (budget ${budget.mb})`;
  if (r.outcome === 'refused') {
    if (!r.message || r.message.includes('\n')) return `${r.code} at ${r.stage} is not a one-line message: ${JSON.stringify(r.message)}`;
    return null;
  }
  const differ = r.outputs!.findIndex((o, i) => o !== r.unplanned![i]);
  if (r.outputs!.length !== r.unplanned!.length || differ >= 0) return `planned-arena reference output ${differ} differs from the unplanned interpreter`;
  return null;
}
