// The generated C builds at every optimization level a user's project may use (-O0 / -Og debug builds
// included) on every --cpu of the C target, and on the host gcc: one model's C plus every kernel file of
// the library (so every kernel is compiled), -Wall -Wextra -Werror -pedantic, compile only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDsCnnKws } from '../../examples/models/index.js';
import { emitC } from '../../codegen/c/emit.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { armCpuFlags, kernelLibraryFiles } from '../../src/cli/c-toolchain.js';
import { CPUS } from '../../src/cli/targets/c.js';
import { haveTools } from './toolchain.js';

const LEVELS = ['-O0', '-Og', '-O2', '-Os'];
const WARNINGS = ['-std=c99', '-Wall', '-Wextra', '-Wvla', '-Werror', '-pedantic']; // -Wvla: kernel scratch is planned in the arena, never a stack VLA
const hostOk = haveTools('C optimization levels (host)', ['gcc']);
const armOk = haveTools('C optimization levels (arm)', ['arm-none-eabi-gcc']);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder with the DS-CNN demo's generated C and the whole kernel library; returns it and its .c files. */
let written: { dir: string; files: string[] } | undefined;
function sources(): { dir: string; files: string[] } {
  if (written) return written;
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-optlevels-'));
  dirs.push(dir);
  const { plan } = planModel(buildDsCnnKws({ seed: 2 }));
  const model = emitC(scheduleOf(plan), { prefix: 'model', name: 'ds-cnn-kws' });
  const all = { ...kernelLibraryFiles(), ...model.files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  written = { dir, files: Object.keys(all).filter((f) => f.endsWith('.c')).sort() };
  return written;
}

/** Every .c file once at this level; the compiler's first error lines on failure. */
function compileAll(tool: string, flags: string[], level: string, src: { dir: string; files: string[] }): void {
  const r = spawnSync(tool, [...WARNINGS, level, ...flags, '-c', ...src.files], { cwd: src.dir, encoding: 'utf8' });
  expect(r.status, `${tool} ${level} ${flags.join(' ')}:\n${r.stderr.split('\n').slice(0, 12).join('\n')}`).toBe(0);
}

describe('generated C at -O0, -Og, -O2, -Os', () => {
  it.skipIf(!hostOk)('host gcc', () => {
    const src = sources();
    for (const level of LEVELS) compileAll('gcc', [], level, src);
  }, 120_000);

  // every --cpu of the C target, cortex-m55 (the Armv8.1-M DSP paths) and generic (no DSP) among them
  for (const [cpu, flags] of CPUS.map((c): [string, string[]] => [c, armCpuFlags(c)])) {
    it.skipIf(!armOk)(`arm-none-eabi-gcc ${cpu}`, () => {
      const src = sources();
      for (const level of LEVELS) compileAll('arm-none-eabi-gcc', flags, level, src);
    }, 120_000);
  }
});
