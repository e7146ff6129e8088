// run --engine c --sanitize: the model built with AddressSanitizer and UBSan gives the reference's bytes,
// and a sanitizer finding fails the run with one error line naming it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { compile, hostToolchain } from '../../src/cli/c-toolchain.js';
import { runCompiled } from '../../src/cli/engines/c.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { TinyforgeError } from '../../src/errors.js';
import { haveTools } from './toolchain.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-sanitize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveTools('run --engine c --sanitize', ['gcc']))('run --engine c --sanitize', () => {
  it('a demo model under ASan/UBSan gives the reference engine\'s bytes', async () => {
    const model = join(dir, 'kws.tflite');
    writeFileSync(model, writeTflite(DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!.build()));
    const input = join(dir, 'in.bin');
    writeFileSync(input, Buffer.from(Array.from({ length: 490 }, (_, i) => (i * 37) & 0xff)));
    const r = await cli('run', model, '--engine', 'c', '--sanitize', '--input', input, '--output', join(dir, 'c.bin'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ engine: 'c', sanitize: true });
    expect((await cli('run', model, '--engine', 'reference', '--input', input, '--output', join(dir, 'ref.bin'))).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'c.bin')), readFileSync(join(dir, 'ref.bin')))).toBe(0);
  }, 180_000);

  it('is refused with another engine', async () => {
    const r = await cli('run', 'm.tflite', '--engine', 'wasm', '--sanitize', '--input', 'a', '--output', 'b');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tinyforge: E_USAGE: --sanitize needs --engine c (the host build), got --engine wasm\n');
  });

  it('a finding (heap overflow, signed overflow) fails the run with one line naming it', async () => {
    const programs = {
      heap: ['#include <stdlib.h>', 'int main(int argc, char **argv) { (void)argv; char *p = malloc(4); int v = p[argc + 3]; free(p); return v & 1 ? 0 : 0; }'],
      ub: ['#include <limits.h>', 'int main(int argc, char **argv) { (void)argv; int x = INT_MAX - 1 + argc; x += argc; return x == 0; }'],
    };
    const tc = hostToolchain(true);
    const expected = { heap: /the compiled model failed a sanitizer check: (SUMMARY: AddressSanitizer: heap-buffer-overflow |heap\.c:2:\d+: runtime error: load of address 0x[0-9a-f]+ with insufficient space)/, ub: /the compiled model failed a sanitizer check: .*runtime error: signed integer overflow/ };
    for (const [name, lines] of Object.entries(programs) as Array<[keyof typeof programs, string[]]>) {
      writeFileSync(join(dir, `${name}.c`), lines.join('\n') + '\n');
      compile(tc.cc, [...tc.cflags.filter((f) => !f.startsWith('-W')), `${name}.c`, '-o', name], dir);
      let error: unknown = null;
      try {
        runCompiled(join(dir, name), [], dir, 60_000);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TinyforgeError);
      expect((error as TinyforgeError).code).toBe('E_TOOLCHAIN');
      expect((error as TinyforgeError).message).toMatch(expected[name]);
      expect((error as TinyforgeError).message).not.toMatch(/\n/);
    }
  }, 120_000);
});
