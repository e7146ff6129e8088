// The flash tables of `npm run bench:flash` (bench/flash.ts has the method); test/c/flash.test.ts checks
// the checked-in ones against the compiler and the predictions against linked images.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { emitC, type CModel } from '../codegen/c/emit.js';
import { armToolchain, compile, kernelArchive, kernelsDir, runTool, templatesDir, type ArmCpu } from '../src/cli/c-toolchain.js';
import { KERNELS } from '../src/schedule/abi/kernels.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import { FLASH_SECTION_KINDS, type FlashSectionKind, type FlashTable } from '../src/cost/flash.js';
import { buildDsCnnKws, buildSineMlp } from '../examples/models/index.js';
import type { Graph } from '../src/ir/graph.js';
import { sectionSizes } from '../src/cli/engines/qemu.js';
import { CPUS as ALL_CPUS } from '../src/cost/cpus.js';

export const CPUS: ArmCpu[] = [...ALL_CPUS];

/** One input section a link kept: "<object>:<section>" (archive members as "<archive>(<member>)"), its output section's kind and bytes. */
export interface MapSection {
  key: string;
  kind: FlashSectionKind;
  bytes: number;
}

/** The input sections of a GNU ld map file that went into .text, .rodata, .data and .bss. */
export function readLinkMap(map: string): MapSection[] {
  const start = map.indexOf('Linker script and memory map');
  const lines = map.slice(start).split('\n');
  const out: MapSection[] = [];
  let kind: FlashSectionKind | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const output = /^(\.\S+)/.exec(line);
    if (output) {
      const name = output[1]!;
      kind = (FLASH_SECTION_KINDS as readonly string[]).includes(name.slice(1)) ? (name.slice(1) as FlashSectionKind) : null;
      continue;
    }
    if (!kind) continue;
    // " .text.name  0xADDR  0xSIZE object" or the name alone with the rest on the next line
    let m = /^ (\.\S+|COMMON)\s+0x[0-9a-f]+\s+0x([0-9a-f]+) (.+)$/.exec(line);
    if (!m && /^ (\.\S+|COMMON)$/.test(line)) {
      const next = /^\s+0x[0-9a-f]+\s+0x([0-9a-f]+) (.+)$/.exec(lines[i + 1] ?? '');
      if (next) {
        m = [line, line.trim(), next[1]!, next[2]!] as unknown as RegExpExecArray;
        i++;
      }
    }
    if (!m) continue;
    const bytes = parseInt(m[2]!, 16);
    if (bytes === 0 || m[3] === 'linker stubs') continue;
    out.push({ key: `${objectName(m[3]!.trim())}:${m[1]}`, kind, bytes });
  }
  return out;
}

/** "/usr/lib/.../libc_nano.a(lib_a-memset.o)" -> "libc_nano.a(lib_a-memset.o)"; "/tmp/x/model.o" -> "model.o"; the kernel archive's members by their own name. */
function objectName(path: string): string {
  const member = /^(.*\.a)\((.+)\)$/.exec(path);
  if (!member) return basename(path);
  return basename(member[1]!) === 'libtfkernels.a' ? member[2]! : `${basename(member[1]!)}(${member[2]})`;
}

/** The link of a model alone: its API as the roots, no startup, no harness (what the model adds to an application). */
export function modelLinkArgs(prefix: string): string[] {
  const api = ['init', 'input', 'output', 'input_bytes', 'output_bytes', 'invoke'].map((f) => `${prefix}_${f}`);
  return [
    '-nostartfiles', '--specs=nano.specs', '-T', join(templatesDir(), 'linker', 'cortex-m.ld'), '-Wl,--gc-sections',
    `-Wl,-e,${prefix}_invoke`, ...api.map((s) => `-Wl,-u,${s}`), '-Wl,--defsym=__ram_size__=0x10000000', '-Wl,--defsym=__stack_size__=0',
  ];
}

/** Compiles and links a generated model (its files and the kernel sources it names) for `cpu` alone; the kept sections and arm-none-eabi-size -A's totals (".text" -> bytes). */
export function linkModelImage(model: CModel, cpu: ArmCpu, prefix = 'model'): { sections: MapSection[]; sizes: Record<string, number> } {
  const tc = armToolchain(cpu);
  const dir = mkdtempSync(join(tmpdir(), `tinyforge-flash-${cpu}-`));
  try {
    for (const [f, text] of Object.entries(model.files)) writeFileSync(join(dir, f), text);
    for (const f of model.kernelFiles) writeFileSync(join(dir, f), readFileSync(join(kernelsDir(), f)));
    const sources = [`${prefix}.c`, ...model.kernelFiles.filter((f) => f.endsWith('.c'))];
    // one object per source, named as the library's members are (the map keys of the table)
    for (const f of sources) compile(tc.cc, [...tc.cflags, '-I', '.', '-c', f, '-o', f.replace(/\.c$/, '.o')], dir);
    compile(tc.cc, [...tc.cflags, ...sources.map((f) => f.replace(/\.c$/, '.o')), ...modelLinkArgs(prefix), '-Wl,-Map,image.map', '-o', 'image.elf'], dir);
    const sizes = sectionSizes(runTool('arm-none-eabi-size', ['-A', 'image.elf'], { cwd: dir }).stdout);
    return { sections: readLinkMap(readFileSync(join(dir, 'image.map'), 'utf8')), sizes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** model.c's code: the two demo models' invoke differ only in their number of calls. */
function modelCode(cpu: ArmCpu): { code: FlashTable['model']; runtime: MapSection[] } {
  const runtime: MapSection[] = [];
  const points = [buildSineMlp(3), buildDsCnnKws({ seed: 2 })].map((g: Graph) => {
    const model = emitC(scheduleOf(planModel(g, {}).plan));
    const { sections } = linkModelImage(model, cpu);
    runtime.push(...sections.filter((s) => s.key.startsWith('runtime.o:')));
    const text = sections.filter((s) => s.key.startsWith('model.o:') && s.kind === 'text');
    const invoke = text.find((s) => s.key === 'model.o:.text.model_invoke')!.bytes;
    return { calls: model.lowered.calls.length, invoke, rest: text.reduce((a, s) => a + s.bytes, 0) - invoke };
  });
  const [a, b] = points as [(typeof points)[0], (typeof points)[0]];
  const perCall = (b.invoke - a.invoke) / (b.calls - a.calls);
  return { code: { textBytes: a.rest + Math.round(a.invoke - perCall * a.calls), perCallTextBytes: Math.round(perCall * 100) / 100 }, runtime };
}

/** The flash table of `cpu` as the installed compiler gives it. */
export function flashTableFor(cpu: ArmCpu): FlashTable {
  const tc = armToolchain(cpu);
  const lib = kernelArchive(tc);
  const dir = mkdtempSync(join(tmpdir(), `tinyforge-flash-${cpu}-`));
  try {
    const sections: FlashTable['sections'] = {};
    const kernels: FlashTable['kernels'] = {};
    // each kernel symbol linked alone: the sections it keeps are its own, its callees', newlib's and libgcc's
    for (const symbol of Object.keys(KERNELS).sort()) {
      compile(tc.cc, [...tc.cflags, lib.archive, '-nostartfiles', '--specs=nano.specs', '-T', join(templatesDir(), 'linker', 'cortex-m.ld'),
        '-Wl,--gc-sections', `-Wl,-u,${symbol}`, `-Wl,-e,${symbol}`, '-Wl,-Map,k.map', '-o', 'k.elf'], dir);
      const kept = readLinkMap(readFileSync(join(dir, 'k.map'), 'utf8'));
      for (const s of kept) sections[s.key] = { kind: s.kind, bytes: s.bytes };
      kernels[symbol] = kept.map((s) => s.key).filter((k) => !k.startsWith('runtime.o:')).sort();
    }
    // runtime.c's bases (tf_arena, tf_consts, tf_status): every model links them
    const model = modelCode(cpu);
    for (const s of model.runtime) sections[s.key] = { kind: s.kind, bytes: s.bytes };
    const runtime = Object.keys(sections).filter((k) => k.startsWith('runtime.o:')).sort();
    const version = runTool(tc.cc, ['-dumpversion']).stdout.trim();
    return {
      cpu,
      compiler: `${tc.cc} ${version}`,
      flags: tc.cflags,
      model: model.code,
      runtime,
      sections: Object.fromEntries(Object.entries(sections).sort(([a], [b]) => a.localeCompare(b))),
      kernels,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
