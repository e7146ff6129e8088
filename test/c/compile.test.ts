// tinyforge compile --target c: the written folder (model, kernels used, README) compiles warning-free
// with -Wall -Wextra -Werror on the host gcc and on arm-none-eabi-gcc for every --cpu, only the kernels
// the model uses are written, the QEMU Makefile template builds and runs it, and C++ callers link.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import type { PlanModelOptions } from '../../src/pipeline.js';
import { cTarget } from '../../src/cli/targets/c.js';
import { loadModel, plan } from '../../src/index.js';
import { armCpuFlags, haveTool, templatesDir } from '../../src/cli/c-toolchain.js';
import { goldenModels, haveShared, MODELS_DIR, GOLDEN_DIR } from '../helpers/shared.js';
import { haveTools } from './toolchain.js';
import { HOSTILE_NAMES, sineWithNames } from '../helpers/hostile.js';
import { writeTflite } from '../../src/import/tflite/index.js';

const shared = haveShared();
const hostOk = shared && haveTools('C compile target (host)', ['gcc']);
const armOk = shared && haveTools('C compile target (arm)', ['arm-none-eabi-gcc', 'qemu-system-arm']);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What `tinyforge compile MODEL --target c --out DIR` writes (the target, as the compile command runs it). */
async function compileModel(model: string, plan: PlanModelOptions, options: Record<string, unknown>): Promise<{ dir: string; json: Record<string, unknown> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-ctarget-'));
  dirs.push(dir);
  const graph = readTflite(new Uint8Array(readFileSync(model)));
  const { files, summary } = await cTarget.emit({ graph, plan, modelName: 'model', options });
  for (const f of files) writeFileSync(join(dir, f.path), f.contents);
  return { dir, json: summary };
}

function cc(tool: string, flags: string[], dir: string) {
  const sources = readdirSync(dir).filter((f) => f.endsWith('.c'));
  const r = spawnSync(tool, ['-std=c99', '-O2', '-Wall', '-Wextra', '-Wvla', '-Werror', '-pedantic', ...flags, '-c', ...sources], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe.skipIf(!hostOk)('compile --target c', () => {
  it('mcunet_vww --int8-io --patch auto --prefix vww: sources, only the kernels used, README; warning-free on gcc and arm-none-eabi-gcc (every --cpu)', async () => {
    const { dir, json } = await compileModel(join(MODELS_DIR, 'mcunet/mcunet_vww.tflite'), { int8Io: true, patch: 'auto' }, { prefix: 'vww', cpu: 'cortex-m7' });
    const files = readdirSync(dir).sort();
    expect(files).toContain('vww.h');
    expect(files).toContain('vww.c');
    expect(files).toContain('README.md');
    expect(files).toContain('conv.c');
    expect(files).not.toContain('softmax.c'); // mcunet_vww has no SOFTMAX
    expect(files).not.toContain('activations.c');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('-mcpu=cortex-m7');
    // the README's RAM figures are plan's for the same model, options and --cpu
    const planned = plan(loadModel(readFileSync(join(MODELS_DIR, 'mcunet/mcunet_vww.tflite'))), { int8Io: true, patch: 'auto', cpu: 'cortex-m7' }).report;
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`${planned.staticBytes} bytes of other .data/.bss; and ${planned.stackBytes} bytes of stack under \`vww_invoke()\``);
    expect(readFileSync(join(dir, 'vww.h'), 'utf8')).toMatch(/#define VWW_ARENA_BYTES \d+/);
    expect(json.kernels).toEqual(expect.arrayContaining(['copy_window', 'dwconv2d_s8_inplace_channel']));
    cc('gcc', [], dir);
    if (armOk) for (const cpu of ['cortex-m4', 'cortex-m7', 'cortex-m33', 'generic'] as const) cc('arm-none-eabi-gcc', armCpuFlags(cpu), dir);
  }, 120_000);

  it.skipIf(!armOk || !haveTool('make'))('the QEMU Makefile template builds and runs a compiled model (mps2-an386 and mps2-an500)', async () => {
    const g = goldenModels().find((m) => m.name === 'kws_ref_model')!;
    const { dir } = await compileModel(g.modelPath, {}, {});
    for (const board of ['mps2-an386', 'mps2-an500']) {
      const r = spawnSync('make', ['-s', '-f', join(templatesDir(), 'qemu', 'Makefile'), `MODEL_DIR=${dir}`, `BOARD=${board}`, 'run', `INPUT=${join(GOLDEN_DIR, 'kws_ref_model', 'input_2.bin')}`], { encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/TINYFORGE status=0 ticks=\d+/);
      const out = join(dir, `build-${board}`, 'out0.bin');
      expect(existsSync(out)).toBe(true);
      expect(Buffer.compare(readFileSync(out), readFileSync(join(GOLDEN_DIR, 'kws_ref_model', 'output_2.bin')))).toBe(0);
    }
  }, 120_000);
});

describe.skipIf(!shared || !haveTools('C compile target (C++ caller)', ['gcc', 'g++']))('model.h from C++', () => {
  it('a C++ translation unit including model.h links against the C objects and runs kws_ref_model bit-exact', async () => {
    const g = goldenModels().find((m) => m.name === 'kws_ref_model')!;
    const { dir } = await compileModel(g.modelPath, {}, {});
    cc('gcc', [], dir);
    // Calls through the header only; without C linkage g++ looks for mangled names and the link fails.
    writeFileSync(join(dir, 'main.cpp'), [
      '#include <cstdio>',
      '#include <cstring>',
      '#include "model.h"',
      'int main(int argc, char **argv) {',
      '  if (argc != 3 || model_init(NULL) != MODEL_OK) return 10;',
      '  FILE *in = std::fopen(argv[1], "rb");',
      '  if (!in || std::fread(model_input(0), 1, model_input_bytes(0), in) != model_input_bytes(0)) return 11;',
      '  std::fclose(in);',
      '  if (model_invoke() != MODEL_OK) return 12;',
      '  FILE *out = std::fopen(argv[2], "wb");',
      '  if (!out || std::fwrite(model_output(0), 1, model_output_bytes(0), out) != model_output_bytes(0)) return 13;',
      '  return std::fclose(out);',
      '}',
      '',
    ].join('\n'));
    const objects = readdirSync(dir).filter((f) => f.endsWith('.o'));
    const link = spawnSync('g++', ['-std=c++11', '-Wall', '-Wextra', '-Werror', 'main.cpp', ...objects, '-o', 'main-cpp'], { cwd: dir, encoding: 'utf8' });
    expect(link.status, link.stderr).toBe(0);
    const run = spawnSync(join(dir, 'main-cpp'), [join(GOLDEN_DIR, 'kws_ref_model', 'input_2.bin'), join(dir, 'out.bin')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'out.bin')), readFileSync(join(GOLDEN_DIR, 'kws_ref_model', 'output_2.bin')))).toBe(0);
  }, 60_000);
});

describe.skipIf(!haveTools('C compile target (hostile names)', ['gcc', 'nm']))('model strings in the generated C', () => {
  it('a hostile model name stays inside its comments: -Wall -Wextra -Werror clean, no injected symbol, README heading intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-ctarget-hostile-'));
    dirs.push(dir);
    const graph = readTflite(writeTflite(sineWithNames(HOSTILE_NAMES.c, HOSTILE_NAMES.js)));
    const modelName = `${HOSTILE_NAMES.c} ${HOSTILE_NAMES.terminal}`;
    const { files } = await cTarget.emit({ graph, plan: {}, modelName, options: {} });
    for (const f of files) writeFileSync(join(dir, f.path), f.contents);
    const r = spawnSync('gcc', ['-std=c99', '-O0', '-Wall', '-Wextra', '-Werror', '-pedantic', '-c', 'model.c', '-o', 'model.o'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const symbols = spawnSync('nm', ['model.o'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(symbols).toMatch(/ T model_invoke\n/);
    expect(symbols).not.toMatch(/injected/);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8').split('\n');
    expect(readme[0]).toMatch(/^# a \\\*\/ int injected\\_symbol .* as C \(tinyforge --target c, cortex-m4\)$/);
    expect(readme.filter((l) => /^#+ /.test(l))).toEqual([readme[0], '## Build', '## Use', '## Files']);
  }, 60_000);
});
