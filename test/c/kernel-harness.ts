// Runs many single-kernel jobs through the generated C in ONE program per platform: every job is a
// one-call Schedule (tensors at chosen arena offsets, input and output overlapping for the variants)
// emitted with its own prefix, a generated main runs each on a garbage-filled caller arena, reading and
// writing tensors as files (stdio on the host, semihosting on QEMU), and the outputs come back per job.
import type { KernelVariant } from '../../src/ir/op-table.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitC } from '../../codegen/c/emit.js';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { byteSize } from '../../src/ir/shapes.js';
import {
  armToolchain, buildDir, compile, hostToolchain, kernelArchive, removeDir, runTool, templatesDir, writeFiles,
} from '../../src/cli/c-toolchain.js';
import type { ArenaRef, KernelCall, Operand, Schedule, ScheduleCall } from '../../src/schedule/types.js';
import { withWorkspace, type Placement } from '../wasm/kernel-harness.js';

export interface Job {
  schedule: Schedule;
  /** Bytes of each schedule input, in order. */
  inputs: Uint8Array[];
  garbage: number;
  fastPaths: boolean;
  /** false: no compile-time tables (pointwise records, ADD's input table), the kernels' other paths */
  tables?: boolean;
  label: string;
}

function ref(t: Tensor, offset: number): ArenaRef {
  return { offset, shape: t.shape, dtype: t.dtype };
}

/** The graph's single op as placed, with the variant: a one-call Schedule and its input bytes. */
export function kernelJob(graph: Graph, placement: Placement, inputs: Map<number, Uint8Array>, variant: KernelVariant, label: string, garbage: number, fastPaths = true): Job {
  const op = graph.ops[0]!;
  const operands: Operand[] = op.inputs.map((id, slot) => {
    if (id < 0) return null;
    const t = graph.tensors[id]!;
    return t.data ? { constant: id } : { arena: ref(t, placement.inputs.get(slot)!) };
  });
  const outT = graph.tensors[op.outputs[0]!]!;
  // the kernel's workspace as a C plan places it: its own bytes after everything else
  const { workspace, arenaBytes } = withWorkspace(graph, variant, 'c', placement.arenaBytes);
  const call: KernelCall = {
    type: 'kernel', op, opIndex: 0, variant, inputs: operands, outputs: [ref(outT, placement.output)],
    scratch: placement.scratch ? { offset: placement.scratch.offset, shape: [placement.scratch.bytes], dtype: 'int8' } : null,
    workspace,
  };
  const slots = [...placement.inputs.keys()].sort((a, b) => a - b);
  const schedule: Schedule = {
    graph,
    arenaBytes,
    state: [],
    inputs: slots.map((s) => ref(graph.tensors[op.inputs[s]!]!, placement.inputs.get(s)!)),
    outputs: [ref(outT, placement.output)],
    calls: [call],
  };
  return { schedule, inputs: slots.map((s) => inputs.get(s)!), garbage, fastPaths, label };
}

/** A copy-window call between a full tensor and a tile (both schedule inputs; the output is `tile` or `full`). */
export function windowJob(graph: Graph, call: ScheduleCall & { type: 'copy-window' }, arenaBytes: number, full: Uint8Array, tile: Uint8Array, garbage: number, label: string): Job {
  const out = call.direction === 'to-tile' ? call.tile : call.full;
  return { schedule: { graph, arenaBytes, state: [], inputs: [call.full, call.tile], outputs: [out], calls: [call] }, inputs: [full, tile], garbage, fastPaths: true, label };
}

export interface JobResult {
  output: Uint8Array;
  symbol: string;
}

/**
 * Jobs per compiled unit: every job's C in one file grew past 300,000 lines, which gcc compiled for longer
 * than compile()'s 300 s limit on the loaded 2-core machine.
 */
const JOBS_PER_UNIT = 500;

function generate(jobs: Job[]): { files: Record<string, string | Uint8Array>; units: string[]; symbols: string[]; arena: number } {
  const files: Record<string, string | Uint8Array> = {};
  const symbols: string[] = [];
  let arena = 16;
  const unit: string[] = [];
  const runs: string[] = [];
  jobs.forEach((job, j) => {
    const prefix = `k${j}`;
    const m = emitC(job.schedule, { prefix, fastPaths: job.fastPaths, compileTimeTables: job.tables ?? true });
    symbols.push(m.lowered.calls[0]!.symbol);
    arena = Math.max(arena, m.arenaBytes);
    files[`${prefix}.h`] = m.files[`${prefix}.h`]!;
    files['tf_kernel_abi.h'] = m.files['tf_kernel_abi.h']!;
    unit.push(m.files[`${prefix}.c`]!);
    job.inputs.forEach((bytes, i) => (files[`${prefix}_in${i}.bin`] = bytes));
    runs.push(`  RUN(${prefix}, ${job.inputs.length}, ${job.garbage});`);
  });
  const units: string[] = [];
  for (let u = 0; u * JOBS_PER_UNIT < unit.length; u++) {
    units.push(`jobs${u}.c`);
    files[`jobs${u}.c`] = unit.slice(u * JOBS_PER_UNIT, (u + 1) * JOBS_PER_UNIT).join('\n');
  }
  files['jobs_main.c'] = [
    '#include <stdint.h>',
    '#include <string.h>',
    ...jobs.map((_, j) => `#include "k${j}.h"`),
    'int job_io(const char *name, void *buf, size_t n, int write); /* 0 on success */',
    `static uint8_t arena[${arena}] __attribute__((aligned(16)));`,
    'static char *num(char *p, int v) { char t[12]; int n = 0; do { t[n++] = (char)(\'0\' + v % 10); v /= 10; } while (v); while (n) *p++ = t[--n]; return p; }',
    'static int run(const char *prefix, int nin, int garbage, int (*init)(uint8_t *), void *(*in)(int), size_t (*inb)(int), int (*invoke)(void), void *(*out)(int), size_t (*outb)(int)) {',
    '  char name[32];',
    '  memset(arena, garbage, sizeof arena);',
    '  if (init(arena) != 0) return 1;',
    '  for (int i = 0; i < nin; i++) {',
    '    char *p = name; size_t l = strlen(prefix); memcpy(p, prefix, l); p += l; memcpy(p, "_in", 3); p = num(p + 3, i); memcpy(p, ".bin", 5);',
    '    if (job_io(name, in(i), inb(i), 0) != 0) return 2;',
    '  }',
    '  int status = invoke();',
    '  { char *p = name; size_t l = strlen(prefix); memcpy(p, prefix, l); p += l; memcpy(p, "_out.bin", 9); }',
    '  if (job_io(name, out(0), outb(0), 1) != 0) return 3;',
    '  return status == 0 ? 0 : 4;',
    '}',
    '#define RUN(p, nin, g) if ((rc = run(#p, nin, g, p##_init, p##_input, p##_input_bytes, p##_invoke, p##_output, p##_output_bytes)) != 0) return 10 + rc',
    'int main(void) {',
    '  int rc;',
    ...runs,
    '  return 0;',
    '}',
    '',
  ].join('\n');
  return { files, units, symbols, arena };
}

const HOST_IO = `#include <stdio.h>
int job_io(const char *name, void *buf, size_t n, int write) {
  FILE *f = fopen(name, write ? "wb" : "rb");
  if (!f) return -1;
  size_t done = write ? fwrite(buf, 1, n, f) : fread(buf, 1, n, f);
  fclose(f);
  return done == n ? 0 : -1;
}
`;

const SEMIHOST_IO = `#include <stddef.h>
#include "semihost.h"
int job_io(const char *name, void *buf, size_t n, int write) {
  int fd = tf_sh_open(name, write);
  if (fd < 0) return -1;
  int r = write ? tf_sh_write(fd, buf, n) : tf_sh_read(fd, buf, n);
  tf_sh_close(fd);
  return r;
}
`;

function collect(dir: string, jobs: Job[], symbols: string[]): JobResult[] {
  return jobs.map((job, j) => {
    const out = job.schedule.outputs[0]!;
    const bytes = new Uint8Array(readFileSync(join(dir, `k${j}_out.bin`)));
    if (bytes.length !== byteSize(out.shape, out.dtype)) throw new Error(`job ${j} (${job.label}): output has ${bytes.length} bytes`);
    return { output: bytes, symbol: symbols[j]! };
  });
}

/** Every job in one host program built with gcc -fsanitize=address,undefined. */
export function runJobsOnHost(jobs: Job[]): JobResult[] {
  const { files, units, symbols } = generate(jobs);
  const tc = hostToolchain(true);
  const lib = kernelArchive(tc);
  const dir = buildDir('ctest');
  try {
    writeFiles(dir, { ...files, 'job_io.c': HOST_IO });
    // The job units are data and straight calls: -O0 keeps their compile fast; the kernels are the archive's.
    const flags = [...tc.cflags.filter((f) => f !== '-O2'), '-O0', '-I', lib.includeDir, '-I', dir];
    for (const u of units) compile(tc.cc, [...flags, '-c', u, '-o', u.replace(/\.c$/, '.o')], dir);
    compile(tc.cc, [...flags, ...units.map((u) => u.replace(/\.c$/, '.o')), 'jobs_main.c', 'job_io.c', lib.archive, '-o', 'jobs'], dir);
    const r = runTool(join(dir, 'jobs'), [], { cwd: dir, timeoutMs: 300_000 });
    if (r.status !== 0) throw new Error(`host jobs exited with ${r.status}: ${r.stderr.slice(0, 2000)}`);
    return collect(dir, jobs, symbols);
  } finally {
    removeDir(dir);
  }
}

/** Every job in one Cortex-M4F firmware on QEMU mps2-an386 (the ARMv7E-M DSP paths); `kernelOpt`: the kernel library's
 * optimization level (-O0: the assembly paths' C twins, `#if defined(__OPTIMIZE__)`; -Os: functions 2-byte aligned). */
export function runJobsOnQemu(jobs: Job[], kernelOpt: '-O2' | '-O0' | '-Os' = '-O2'): JobResult[] {
  const { files, units, symbols } = generate(jobs);
  const m4 = armToolchain('cortex-m4');
  const tc = { ...m4, cflags: m4.cflags.map((f) => (f === '-O2' ? kernelOpt : f)) };
  const lib = kernelArchive(tc);
  const t = templatesDir();
  const dir = buildDir('ctest-m4');
  try {
    writeFiles(dir, { ...files, 'job_io.c': SEMIHOST_IO });
    const flags = [...tc.cflags.filter((f) => f !== '-O2'), '-O1', '-I', lib.includeDir, '-I', dir, '-I', join(t, 'startup')];
    for (const u of units) compile(tc.cc, [...flags, '-c', u, '-o', u.replace(/\.c$/, '.o')], dir);
    compile(tc.cc, [
      ...flags,
      ...units.map((u) => u.replace(/\.c$/, '.o')), 'jobs_main.c', 'job_io.c', join(t, 'startup', 'startup.c'), join(t, 'startup', 'semihost.c'), lib.archive,
      '-nostartfiles', '--specs=nano.specs', '-T', join(t, 'linker', 'cortex-m.ld'), '-Wl,--gc-sections', `-Wl,--defsym=__ram_size__=${4 << 20}`, '-o', 'jobs.elf',
    ], dir);
    const r = runTool('qemu-system-arm', [
      '-machine', 'mps2-an386', '-cpu', 'cortex-m4', '-nographic', '-monitor', 'none', '-serial', 'none',
      '-semihosting-config', 'enable=on,target=native', '-kernel', 'jobs.elf',
    ], { cwd: dir, timeoutMs: 300_000 });
    if (r.status !== 0 || r.timedOut) throw new Error(`qemu jobs exited with ${r.status}${r.timedOut ? ' (timeout)' : ''}: ${(r.stdout + r.stderr).slice(0, 2000)}`);
    return collect(dir, jobs, symbols);
  } finally {
    removeDir(dir);
  }
}
