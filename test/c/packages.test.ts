// compile --target c --package cmake|arduino|zephyr|platformio, each built with the real toolchain: the
// CMake project cross-compiled with its per---cpu toolchain file and natively (its example bit-exact with
// TFLite Micro); the Arduino library's sources with arm-none-eabi-gcc and its sketch as C++ (g++ against the
// C objects: the extern "C" linkage) printing the reference interpreter's outputs; the Zephyr module as a
// plain CMake project with Zephyr's library functions stood in; the PlatformIO library with its manifest's
// folders and flags. A hostile model name yields safe names and paths in every package.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { cTarget } from '../../src/cli/targets/c.js';
import { armCpuFlags } from '../../src/cli/c-toolchain.js';
import { safeName } from '../../src/escape.js';
import { GOLDEN_DIR, goldenModels, haveShared } from '../helpers/shared.js';
import { cli } from '../helpers/cli.js';
import { haveTools } from './toolchain.js';

const shared = haveShared();
const ok = shared && haveTools('C packages', ['gcc', 'g++', 'arm-none-eabi-gcc', 'arm-none-eabi-g++', 'arm-none-eabi-readelf', 'cmake', 'make']);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const kws = () => goldenModels().find((m) => m.name === 'kws_ref_model')!;
const golden = (file: string) => join(GOLDEN_DIR, 'kws_ref_model', file);

function temp(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `tinyforge-pkg-${tag}-`));
  dirs.push(d);
  return d;
}

/** `tinyforge compile <kws> --target c --package <kind> --out <dir>`. */
async function compilePackage(kind: string, extra: string[] = []): Promise<string> {
  const out = join(temp(kind), 'pkg');
  const r = await cli('compile', kws().modelPath, '--target', 'c', '--package', kind, '--out', out, ...extra);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`package ${kind}: library kws_ref_model`);
  return out;
}

function run(tool: string, args: string[], cwd: string): string {
  const r = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  expect(r.status, `${tool} ${args.join(' ')}\n${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

const cFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.c'));

/** The int8 outputs the reference interpreter gives kws on all-zero inputs (what the packaged examples run). */
function referenceOnZeros(): number[] {
  const graph = readTflite(new Uint8Array(readFileSync(kws().modelPath)));
  const inputs = graph.inputs.map((id) => new Uint8Array(graph.tensors[id]!.shape.reduce((a, b) => a * b, 1)));
  return Array.from(new Int8Array(runReference(graph, inputs).outputs[0]!.buffer));
}

describe.skipIf(!ok)('compile --target c --package', () => {
  it('cmake: the toolchain file carries --cpu\'s flags (cortex-m7 objects), the native build\'s example is bit-exact with TFLite Micro', async () => {
    const out = await compilePackage('cmake', ['--cpu', 'cortex-m7']);
    const arm = join(out, 'build-arm');
    run('cmake', ['-S', out, '-B', arm, '-DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m7.cmake', '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON'], out);
    run('cmake', ['--build', arm], out);
    const commands = JSON.parse(readFileSync(join(arm, 'compile_commands.json'), 'utf8')) as Array<{ command: string; file: string }>;
    expect(commands.map((c) => c.file.replace(/.*\/(src|example)\//, '$1/')).sort()).toEqual([...readdirSync(join(out, 'src')).filter((f) => f.endsWith('.c')).map((f) => `src/${f}`), 'example/main.c'].sort());
    for (const c of commands) expect(c.command).toContain(armCpuFlags('cortex-m7').join(' '));
    const attributes = run('arm-none-eabi-readelf', ['-A', join(arm, 'libkws_ref_model.a')], out);
    expect(attributes).toContain('Tag_CPU_name: "7E-M"');
    expect(attributes).toMatch(/Tag_FP_arch: FPv5/);
    const host = join(out, 'build-host');
    run('cmake', ['-S', out, '-B', host], out);
    run('cmake', ['--build', host], out);
    run(join(host, 'kws_ref_model_example'), [golden('input_1.bin'), join(out, 'out.bin')], out);
    expect(Buffer.compare(readFileSync(join(out, 'out.bin')), readFileSync(golden('output_1.bin')))).toBe(0);
  }, 300_000);

  it('arduino: library.properties, src/ builds with arm-none-eabi-gcc, the sketch compiles as C++ and links against the C objects', async () => {
    const out = await compilePackage('arduino');
    const properties = Object.fromEntries(readFileSync(join(out, 'library.properties'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
    expect(properties).toMatchObject({ name: 'kws_ref_model', version: '0.1.0', architectures: '*', includes: 'model.h' });
    const sketch = join(out, 'examples', 'kws_ref_model', 'kws_ref_model.ino');
    const src = join(out, 'src');
    // the library as an Arduino core for a Cortex-M4 board compiles it, and the sketch for the same core
    const stub = temp('arduino-core');
    writeFileSync(join(stub, 'Arduino.h'), [
      '#include <stdio.h>',
      '#include <stdlib.h>',
      'struct SerialStub {',
      '  void begin(long) {}',
      '  void print(const char *s) { fputs(s, stdout); }',
      '  void print(int v) { printf("%d", v); }',
      '  void print(long v) { printf("%ld", v); }',
      '  void print(char c) { putchar(c); }',
      '  void print(double v, int digits) { printf("%.*f", digits, v); }',
      '  void println() { putchar(\'\\n\'); }',
      '  void println(const char *s) { puts(s); }',
      '  void println(unsigned long v) { printf("%lu\\n", v); }',
      '};',
      'extern SerialStub Serial;',
      'inline unsigned long micros() { return 0; }',
      'inline void delay(unsigned long) { exit(0); } /* one loop() is enough */',
      'void setup();',
      'void loop();',
      '',
    ].join('\n'));
    writeFileSync(join(stub, 'main.cpp'), '#include "Arduino.h"\nSerialStub Serial;\nint main() { setup(); for (;;) loop(); }\n');
    const cpu = armCpuFlags('cortex-m4');
    for (const f of cFiles(src)) run('arm-none-eabi-gcc', ['-std=gnu11', '-Os', ...cpu, '-Wall', '-Werror', '-c', join(src, f), '-o', join(stub, `arm-${f}.o`)], out);
    run('arm-none-eabi-g++', ['-x', 'c++', '-std=gnu++11', '-Os', ...cpu, '-fno-exceptions', '-Wall', '-Werror', '-I', stub, '-I', src, '-c', sketch, '-o', join(stub, 'arm-sketch.o')], out);
    // on the host: g++ finds the C symbols only through the header's extern "C"
    for (const f of cFiles(src)) run('gcc', ['-std=c99', '-O2', '-Wall', '-Werror', '-c', join(src, f), '-o', join(stub, `host-${f}.o`)], out);
    run('g++', ['-x', 'c++', '-std=c++11', '-Wall', '-Werror', '-I', stub, '-I', src, sketch, '-x', 'none', join(stub, 'main.cpp'), ...cFiles(src).map((f) => join(stub, `host-${f}.o`)), '-o', join(stub, 'sketch')], out);
    const printed = run(join(stub, 'sketch'), [], out).split('\n');
    expect(printed[0]).toBe('status 0, us 0');
    expect(printed[1]!.trim().split(' ').map(Number)).toEqual(referenceOnZeros());
  }, 300_000);

  it('zephyr: module.yml and Kconfig, and the module\'s CMakeLists builds as plain CMake with Zephyr\'s library functions (on when its Kconfig symbol is)', async () => {
    const out = await compilePackage('zephyr');
    expect(readFileSync(join(out, 'zephyr', 'module.yml'), 'utf8')).toMatch(/^name: kws_ref_model\nbuild:\n {2}cmake: \.\n {2}kconfig: Kconfig\n$/m);
    expect(readFileSync(join(out, 'Kconfig'), 'utf8')).toMatch(/^config TINYFORGE_KWS_REF_MODEL\n\tbool "kws_ref_model: /m);
    const app = temp('zephyr-app');
    const wrapper = (enabled: boolean) => [
      'cmake_minimum_required(VERSION 3.13)',
      'project(zephyr_stand_in C)',
      enabled ? 'set(CONFIG_TINYFORGE_KWS_REF_MODEL y)' : '',
      'macro(zephyr_library_named name)',
      '  set(ZEPHYR_CURRENT_LIBRARY ${name})',
      '  add_library(${name} STATIC)',
      'endmacro()',
      'function(zephyr_library_sources)',
      '  target_sources(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})',
      'endfunction()',
      'function(zephyr_include_directories)',
      '  target_include_directories(${ZEPHYR_CURRENT_LIBRARY} PUBLIC ${ARGN})',
      'endfunction()',
      `add_subdirectory(${out} module)`,
      '',
    ].join('\n');
    for (const enabled of [true, false]) {
      writeFileSync(join(app, 'CMakeLists.txt'), wrapper(enabled));
      const build = join(app, enabled ? 'on' : 'off');
      writeFileSync(join(app, 'toolchain.cmake'), readFileSync(join(await compilePackage('cmake'), 'cmake', 'arm-none-eabi-cortex-m4.cmake')));
      run('cmake', ['-S', app, '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${join(app, 'toolchain.cmake')}`], app);
      run('cmake', ['--build', build], app);
      const built = readdirSync(join(build, 'module'));
      if (enabled) {
        expect(built).toContain('libkws_ref_model.a');
        expect(run('arm-none-eabi-readelf', ['-A', join(build, 'module', 'libkws_ref_model.a')], app)).toContain('Tag_CPU_name: "7E-M"');
      } else {
        expect(built).not.toContain('libkws_ref_model.a');
      }
    }
  }, 300_000);

  it('platformio: library.json names src/ as its folders; they build with its flags, and its example is bit-exact with TFLite Micro', async () => {
    const out = await compilePackage('platformio');
    const manifest = JSON.parse(readFileSync(join(out, 'library.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'kws_ref_model', version: '0.1.0', frameworks: '*', platforms: '*', build: { srcDir: 'src', includeDir: 'src' } });
    const src = join(out, manifest.build.srcDir);
    const objects = temp('pio');
    for (const f of cFiles(src)) run('arm-none-eabi-gcc', [...manifest.build.flags, ...armCpuFlags('cortex-m4'), '-Wall', '-Werror', '-I', join(out, manifest.build.includeDir), '-c', join(src, f), '-o', join(objects, `${f}.o`)], out);
    const example = join(out, 'examples', 'kws_ref_model', 'main.c');
    run('gcc', ['-std=c99', '-O2', '-Wall', '-Werror', '-I', src, example, ...cFiles(src).map((f) => join(src, f)), '-o', join(objects, 'example')], out);
    run(join(objects, 'example'), [golden('input_3.bin'), join(objects, 'out.bin')], out);
    expect(Buffer.compare(readFileSync(join(objects, 'out.bin')), readFileSync(golden('output_3.bin')))).toBe(0);
  }, 300_000);
});

describe.skipIf(!shared)('recompiling a package into its folder', () => {
  it('removes the previous compile\'s files under src/ it no longer writes (the manifest records sub-folders), keeps the user\'s', async () => {
    const out = join(temp('recompile'), 'pkg');
    expect((await cli('compile', kws().modelPath, '--target', 'c', '--package', 'cmake', '--out', out)).code).toBe(0);
    expect(readdirSync(join(out, 'src'))).toContain('conv.c');
    writeFileSync(join(out, 'src', 'mine.c'), '/* the user\'s */\n');
    const hello = goldenModels().find((m) => m.name === 'hello_world_int8')!;
    const r = await cli('compile', hello.modelPath, '--target', 'c', '--package', 'cmake', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).removed).toEqual(expect.arrayContaining(['src/conv.c', 'src/depthwise.c']));
    expect(readdirSync(join(out, 'src'))).not.toContain('conv.c');
    expect(readdirSync(join(out, 'src'))).toContain('mine.c');
    expect(readdirSync(join(out, 'src'))).toContain('fc.c');
  });
});

describe.skipIf(!shared)('package names from hostile model names', () => {
  const HOSTILE = 'a"b\'c\n../../etc/evil $(rm -rf /) ${HOME} `x`; \\ <t>';

  it('safeName: lowercase [a-z0-9_] starting with a letter; a fallback when nothing is left', () => {
    expect(safeName(HOSTILE)).toBe('a_b_c_etc_evil_rm_rf_home_x_t');
    expect(safeName('../..')).toBe('model');
    expect(safeName('123 Net-V2')).toBe('net_v2');
    expect(safeName('x'.repeat(100))).toHaveLength(63);
  });

  for (const kind of ['cmake', 'arduino', 'zephyr', 'platformio']) {
    it(`${kind}: every path and build file carries the safe name only`, async () => {
      const graph = readTflite(new Uint8Array(readFileSync(kws().modelPath)));
      const { files, summary } = await cTarget.emit({ graph, plan: {}, modelName: HOSTILE, options: { package: kind } });
      expect(summary.library).toBe('a_b_c_etc_evil_rm_rf_home_x_t');
      for (const f of files) {
        expect(f.path).toMatch(/^[a-z0-9_][a-z0-9_.-]*(\/[a-z0-9_][a-z0-9_.-]*)*$/i);
        if (f.path === 'README.md' || f.path.startsWith('src/')) continue; // README escapes it (escapeMarkdown), sources carry it in escaped comments
        const text = String(f.contents);
        for (const bad of ['a"b', "b'c", '../', '$(', '${HOME}', '`x`', '<t>']) expect(text, `${f.path} holds ${bad}`).not.toContain(bad);
      }
    });
  }

  it.skipIf(!ok)('cmake: a package of a hostile name configures and builds; a name CMake reserves gets a suffix', async () => {
    const graph = readTflite(new Uint8Array(readFileSync(kws().modelPath)));
    for (const [name, target] of [[HOSTILE, 'a_b_c_etc_evil_rm_rf_home_x_t'], ['test', 'test_model']] as const) {
      const { files, summary } = await cTarget.emit({ graph, plan: {}, modelName: name, options: { package: 'cmake' } });
      expect(summary.library).toBe(target);
      const out = temp('cmake-name');
      for (const f of files) {
        mkdirSync(dirname(join(out, f.path)), { recursive: true });
        writeFileSync(join(out, f.path), f.contents);
      }
      run('cmake', ['-S', out, '-B', join(out, 'build')], out);
      run('cmake', ['--build', join(out, 'build'), '--target', target], out);
      expect(readdirSync(join(out, 'build'))).toContain(`lib${target}.a`);
    }
  }, 300_000);
});
