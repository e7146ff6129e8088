// The stack tables of `npm run bench:stack` (bench/stack.ts has the method); test/c/stack.test.ts checks
// the checked-in ones against the compiler.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { armToolchain, compile, kernelLibraryFiles, runTool, templatesDir, type ArmCpu } from '../src/cli/c-toolchain.js';
import { readTflite } from '../src/import/tflite/index.js';
import { compileModel } from '../src/pipeline.js';
import { LIBRARY_CALL_BYTES, type StackTable } from '../src/cost/stack.js';
import { CPUS as ALL_CPUS } from '../src/cost/cpus.js';

/** model.c's static arena alignment. */
const ARENA_ALIGN = 16;
export const CPUS: ArmCpu[] = [...ALL_CPUS];

interface Fn { bytes: number | null; dynamic: boolean; file: string; calls: string[] }

/** Merges the nodes and edges of gcc's VCG call-graph files (.ci). */
function readCallGraph(dir: string): Map<string, Fn> {
  const fns = new Map<string, Fn>();
  const get = (title: string, file: string) => {
    let f = fns.get(title);
    if (!f) fns.set(title, (f = { bytes: null, dynamic: false, file, calls: [] }));
    return f;
  };
  for (const ci of readdirSync(dir).filter((f) => f.endsWith('.ci'))) {
    const file = ci.replace(/\.ci$/, '.c');
    for (const line of readFileSync(join(dir, ci), 'utf8').split('\n')) {
      const node = /^node: \{ title: "([^"]+)" label: "[^"]*?(?:\\n(\d+) bytes \((\w+)[^)]*\))?"/.exec(line);
      if (node) {
        const f = get(node[1]!, file);
        if (node[2] !== undefined) Object.assign(f, { bytes: Number(node[2]), dynamic: node[3] !== 'static', file });
        continue;
      }
      const edge = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/.exec(line);
      if (edge) get(edge[1]!, file).calls.push(edge[2]!);
    }
  }
  return fns;
}

class Recursion extends Error {}

/** Worst static stack of a function and everything it calls (frames summed along the deepest path). */
function worstPath(fns: Map<string, Fn>): (title: string) => { bytes: number; dynamic: boolean } {
  const memo = new Map<string, { bytes: number; dynamic: boolean }>();
  const byFile = (file: string) => [...fns.entries()].filter(([t, f]) => f.file === file && f.bytes !== null && t !== '__indirect_call').map(([t]) => t);
  const visit = (title: string, from: string, path: Set<string>): { bytes: number; dynamic: boolean } => {
    const done = memo.get(title);
    if (done) return done;
    if (title === '__indirect_call') {
      let most = { bytes: 0, dynamic: false };
      for (const t of byFile(from)) {
        if (path.has(t)) continue;
        try {
          const w = visit(t, from, path);
          if (w.bytes > most.bytes) most = w;
        } catch (e) {
          if (!(e instanceof Recursion)) throw e; // a function that calls back into the caller is not the pointer's target
        }
      }
      return most;
    }
    const f = fns.get(title);
    if (!f || f.bytes === null) return { bytes: LIBRARY_CALL_BYTES, dynamic: false };
    if (path.has(title)) throw new Recursion(`recursion through ${title}: no static stack bound`);
    path.add(title);
    let deepest = 0;
    let dynamic = f.dynamic;
    try {
      for (const c of f.calls) {
        const w = visit(c, f.file, path);
        deepest = Math.max(deepest, w.bytes);
        dynamic ||= w.dynamic;
      }
    } finally {
      path.delete(title);
    }
    const out = { bytes: f.bytes + deepest, dynamic };
    memo.set(title, out);
    return out;
  };
  return (title) => visit(title, fns.get(title)?.file ?? '', new Set());
}

/** arm-none-eabi-size -A totals of .data + .bss. */
function dataBss(tool: string, file: string, cwd: string): number {
  let total = 0;
  for (const line of runTool(tool, ['-A', file], { cwd }).stdout.split('\n')) {
    const m = /^\.(data|bss)\S*\s+(\d+)/.exec(line.trim());
    if (m) total += Number(m[2]);
  }
  return total;
}

/**
 * The largest model_invoke frame over the golden models' generated model.c: gcc keeps 0 to 2 of the
 * constant record addresses in callee-saved registers depending on the model, so one model's frame is
 * no bound for another's (kws_ref_model 8 B, hello_world_int8 16 B on cortex-m4).
 */
async function goldenInvokeFrames(cc: string, cflags: string[], shared: string, dir: string): Promise<number> {
  let most = 0;
  const golden = join(shared, 'golden');
  for (const name of readdirSync(golden).filter((n) => existsSync(join(golden, n, 'manifest.json'))).sort()) {
    const manifest = JSON.parse(readFileSync(join(golden, name, 'manifest.json'), 'utf8')) as { model: string };
    const graph = readTflite(new Uint8Array(readFileSync(join(shared, 'models', manifest.model))));
    const { files } = (await compileModel(graph, { target: 'c', prefix: 'frame' })).c;
    writeFileSync(join(dir, 'frame.c'), files['frame.c']!);
    writeFileSync(join(dir, 'frame.h'), files['frame.h']!);
    compile(cc, [...cflags, '-fstack-usage', '-I', '.', '-c', 'frame.c', '-o', 'frame.o'], dir);
    const su = /frame_invoke\t(\d+)/.exec(readFileSync(join(dir, 'frame.su'), 'utf8'));
    if (!su) throw new Error(`${name}: no frame_invoke in frame.su`);
    most = Math.max(most, Number(su[1]));
  }
  return most;
}

/** The stack table of `cpu` as the installed compiler gives it; `shared` holds models/mlperf-tiny/kws_ref_model.tflite and golden/. */
export async function stackTableFor(cpu: ArmCpu, shared: string): Promise<StackTable> {
  const tc = armToolchain(cpu);
  const dir = mkdtempSync(join(tmpdir(), `tinyforge-stack-${cpu}-`));
  try {
    const files = kernelLibraryFiles();
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    const graph = readTflite(new Uint8Array(readFileSync(join(shared, 'models', 'mlperf-tiny', 'kws_ref_model.tflite'))));
    const model = (await compileModel(graph, { target: 'c' })).c;
    for (const [f, text] of Object.entries(model.files)) writeFileSync(join(dir, f), text);
    const t = templatesDir();
    for (const [sub, f] of [['startup', 'startup.c'], ['startup', 'semihost.c'], ['startup', 'startup.h'], ['startup', 'semihost.h'], ['harness', 'qemu_main.c'], ['harness', 'tf_counter.h']] as const) {
      writeFileSync(join(dir, f), readFileSync(join(t, sub, f)));
    }
    const library = Object.keys(files).filter((f) => f.endsWith('.c'));
    const harness = ['startup.c', 'semihost.c', 'qemu_main.c'];
    const flags = [...tc.cflags, '-fstack-usage', '-fcallgraph-info=su', '-I', '.'];
    for (const f of [...library, 'model.c', ...harness]) compile(tc.cc, [...flags, '-c', f, '-o', f.replace(/\.c$/, '.o')], dir);
    const fns = readCallGraph(dir);
    const worst = worstPath(fns);
    const kernels: StackTable['kernels'] = {};
    for (const [title, f] of fns) {
      if (f.bytes === null || title.includes(':') || !library.includes(f.file) || f.file === 'runtime.c') continue;
      kernels[title] = worst(title);
    }
    // The harness: reset -> tf_reset_c -> main, and main's deepest callee besides model_invoke (added, not max'd).
    const main = fns.get('main')!;
    const others = main.calls.filter((c) => c !== 'model_invoke').map((c) => worst(c).bytes);
    const resetC = fns.get('startup.c:tf_reset_c')!;
    const harnessStack = (resetC.bytes ?? 0) + (main.bytes ?? 0) + Math.max(0, ...others);
    // .data + .bss: the library's besides the arena (runtime.c's bases, model.c's arena pointer), then the harness's.
    // The linker may pad .bss up to ARENA_ALIGN - 1 bytes before the 16-aligned arena: counted as the library's.
    const libraryStatic = [...library, 'model.c'].reduce((a, f) => a + dataBss('arm-none-eabi-size', f.replace(/\.c$/, '.o'), dir), 0) - model.arenaBytes + ARENA_ALIGN - 1;
    compile(tc.cc, [...tc.cflags, '-I', '.', ...[...library, 'model.c', ...harness].map((f) => f.replace(/\.c$/, '.o')),
      '-nostartfiles', '--specs=nano.specs', '-T', join(t, 'linker', 'cortex-m.ld'), '-Wl,--gc-sections', '-Wl,--defsym=__ram_size__=4194304', '-o', 'model.elf'], dir);
    const firmwareStatic = dataBss('arm-none-eabi-size', 'model.elf', dir) - model.arenaBytes + ARENA_ALIGN - 1;
    const version = runTool(tc.cc, ['-dumpversion']).stdout.trim();
    return {
      cpu,
      compiler: `${tc.cc} ${version}`,
      flags: tc.cflags,
      invokeFrameBytes: Math.max(fns.get('model_invoke')!.bytes!, await goldenInvokeFrames(tc.cc, tc.cflags, shared, dir)),
      staticBytes: libraryStatic,
      harness: { stackBytes: harnessStack, staticBytes: firmwareStatic - libraryStatic },
      kernels: Object.fromEntries(Object.entries(kernels).sort(([a], [b]) => a.localeCompare(b))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

