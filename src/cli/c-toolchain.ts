// Building and running generated C (Node-only): locating the firmware templates, checking for the
// compilers and QEMU, compiling the kernel library once per configuration into a cached archive, and
// running tools with a timeout. Used by the c / qemu engines and the C compile target.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allKernelSources, KERNEL_HEADERS } from '../../codegen/c/emit.js';
import { cAbiHeader } from '../../codegen/c/abi-header.js';
import { ToolchainError } from '../errors.js';
import type { Cpu } from '../cost/cpus.js';
import { discardEntry, ENTRY_HASHES, privateCacheRoot, sha256, verifiedEntry } from './private-cache.js';
import { packageFileUrl } from '../package-asset.js';

/** The repository (or installed package) folder holding firmware-templates/. */
export function templatesDir(): string {
  const dir = fileURLToPath(packageFileUrl('firmware-templates'));
  if (existsSync(join(dir, 'kernels', 'tf_kernels.h'))) return dir;
  throw new ToolchainError(`firmware-templates/ not found in the tinyforge package (${dir})`, { path: dir });
}

export const kernelsDir = () => join(templatesDir(), 'kernels');

/** Debian package providing each external tool, named in ToolchainError messages. */
const PACKAGES: Record<string, string> = {
  gcc: 'gcc',
  ar: 'binutils',
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi (and libnewlib-arm-none-eabi)',
  'arm-none-eabi-ar': 'binutils-arm-none-eabi',
  'arm-none-eabi-size': 'binutils-arm-none-eabi',
  'qemu-system-arm': 'qemu-system-arm',
};

const found = new Map<string, boolean>();

export function haveTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    ok = !r.error;
    found.set(tool, ok);
  }
  return ok;
}

export function requireTool(tool: string): void {
  if (!haveTool(tool)) {
    const pkg = PACKAGES[tool] ?? tool;
    throw new ToolchainError(`${tool} not found: install the Debian package ${pkg} (apt-get install ${pkg.split(' ')[0]})`, { tool, package: pkg });
  }
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a tool; throws ToolchainError when it cannot start. */
export function runTool(tool: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): ToolResult {
  requireTool(tool);
  const r: SpawnSyncReturns<string> = spawnSync(tool, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM';
  if (r.error && !timedOut) throw new ToolchainError(`${tool} failed to run: ${r.error.message}`, { tool });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
}

/** Runs a compiler step; a non-zero exit is a ToolchainError carrying the first lines of its output. */
export function compile(tool: string, args: string[], cwd?: string): ToolResult {
  const r = runTool(tool, args, cwd === undefined ? {} : { cwd });
  if (r.status !== 0) {
    const text = (r.stderr || r.stdout).trim().split('\n').slice(0, 12).join('\n');
    throw new ToolchainError(`${tool} failed (exit ${r.status}):\n${text}`, { tool, status: r.status, output: r.stderr || r.stdout });
  }
  return r;
}

/** A compiler configuration: the C compiler, its archiver and the flags every C file gets. */
export interface CToolchain {
  cc: string;
  ar: string;
  cflags: string[];
}

export function hostToolchain(sanitize: boolean): CToolchain {
  const cflags = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Wvla', '-Werror'];
  // -fno-sanitize-recover=all: the first finding ends the program with a non-zero exit (runSanitized).
  if (sanitize) cflags.push('-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer');
  return { cc: 'gcc', ar: 'ar', cflags };
}

/** The cores --cpu names (src/cost/cpus.ts). */
export type ArmCpu = Cpu;

/** Cortex-M code generation flags (hard float where the core has an FPU). */
export function armCpuFlags(cpu: ArmCpu): string[] {
  switch (cpu) {
    case 'cortex-m4':
      return ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'];
    case 'cortex-m7':
      return ['-mcpu=cortex-m7', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-d16'];
    case 'cortex-m33':
      return ['-mcpu=cortex-m33', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-sp-d16'];
    case 'cortex-m55':
      return ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard']; // its FPU and MVE come with -mcpu (-mfpu=auto)
    case 'generic':
      return ['-mcpu=cortex-m0plus', '-mthumb', '-mfloat-abi=soft'];
  }
}

export function armToolchain(cpu: ArmCpu): CToolchain {
  return {
    cc: 'arm-none-eabi-gcc',
    ar: 'arm-none-eabi-ar',
    cflags: ['-std=c99', '-O2', ...armCpuFlags(cpu), '-ffunction-sections', '-fdata-sections', '-Wall', '-Wextra', '-Wvla', '-Werror'],
  };
}

/** The kernel library source files, with the ABI header generated now (what a build compiles). */
export function kernelLibraryFiles(): Record<string, string> {
  const dir = kernelsDir();
  const files: Record<string, string> = {};
  for (const f of [...KERNEL_HEADERS.filter((h) => h !== 'tf_kernel_abi.h'), ...allKernelSources()]) files[f] = readFileSync(join(dir, f), 'utf8');
  files['tf_kernel_abi.h'] = cAbiHeader();
  return files;
}

/**
 * The whole kernel library compiled once per (toolchain, flags, sources) into an archive: the linker takes
 * only the objects a model references. Cached in a per-user private folder (private-cache.ts), each entry
 * holding only the headers and the archive with their hashes, verified before use; an entry that fails
 * is rebuilt, and without a private folder the library is built uncached. Concurrent builders race
 * harmlessly (each builds in its own folder and renames it into place).
 */
export function kernelArchive(tc: CToolchain): { archive: string; includeDir: string } {
  requireTool(tc.cc);
  requireTool(tc.ar);
  const files = kernelLibraryFiles();
  const hash = createHash('sha256').update(JSON.stringify([tc, files])).digest('hex').slice(0, 16);
  const root = privateCacheRoot('tinyforge-kernels');
  if (root === null) {
    // No private cache: a fresh 0700 folder, removed when the process ends.
    const dir = buildKernelLibrary(tc, files, mkdtempSync(join(tmpdir(), 'tinyforge-kernels-uncached-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return { archive: join(dir, 'libtfkernels.a'), includeDir: dir };
  }
  const dir = join(root, hash);
  if (!verifiedEntry(dir)) {
    discardEntry(dir);
    const work = mkdtempSync(join(root, `${hash}-build-`));
    try {
      buildKernelLibrary(tc, files, work);
      try {
        renameSync(work, dir);
      } catch {
        // Another process put the same library in place first.
      }
    } finally {
      if (existsSync(work)) rmSync(work, { recursive: true, force: true });
    }
    if (!verifiedEntry(dir)) throw new ToolchainError(`kernel library build in ${root} did not verify (another process changing it?)`, { dir });
  }
  return { archive: join(dir, 'libtfkernels.a'), includeDir: dir };
}

/** Compiles the library in `work`, then leaves only the headers, the archive and their hash list. */
function buildKernelLibrary(tc: CToolchain, files: Record<string, string>, work: string): string {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(work, f), text, { mode: 0o600 });
  const sources = Object.keys(files).filter((f) => f.endsWith('.c'));
  for (const src of sources) compile(tc.cc, [...tc.cflags, '-c', src, '-o', src.replace(/\.c$/, '.o')], work);
  compile(tc.ar, ['rcs', 'libtfkernels.a', ...sources.map((s) => s.replace(/\.c$/, '.o'))], work);
  for (const f of readdirSync(work)) {
    if (f.endsWith('.c') || f.endsWith('.o')) rmSync(join(work, f));
    else chmodSync(join(work, f), 0o600); // whatever the umask gave ar's output
  }
  const hashes = Object.fromEntries(readdirSync(work).sort().map((f) => [f, sha256(readFileSync(join(work, f)))]));
  writeFileSync(join(work, ENTRY_HASHES), JSON.stringify(hashes), { mode: 0o600 });
  return work;
}

/** A fresh temporary folder for one model build (removed by the caller with removeDir). */
export function buildDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `tinyforge-${tag}-`));
}

export function removeDir(dir: string): void {
  if (process.env.TINYFORGE_KEEP_BUILD) return;
  rmSync(dir, { recursive: true, force: true });
}

export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir);
}
