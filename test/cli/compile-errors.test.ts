// compile's output folder: a path that cannot be a folder is a one-line typed error, never a hang.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-compile-'));
const model = join(dir, 'sine.tflite');
writeFileSync(model, writeTflite(DEMO_MODELS.find((m) => m.name === 'sine-mlp')!.build()));

describe('tinyforge compile output folder', () => {
  it('refuses a folder under a file', async () => {
    const r = await cli('compile', model, '--target', 'c', '--out', join(model, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_INPUT_DATA: cannot create output folder .*sine\.tflite is not a folder\n$/);
  });

  it.skipIf(process.platform !== 'linux')('refuses a folder under /proc instead of spinning in a recursive mkdir', async () => {
    const r = await cli('compile', model, '--target', 'c', '--out', '/proc/tinyforge-no-such/out');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_INPUT_DATA: cannot create output folder \/proc\/tinyforge-no-such\/out: /);
  }, 20_000);

  it('creates missing parents', async () => {
    const out = join(dir, 'a', 'b', 'c');
    const r = await cli('compile', model, '--target', 'c', '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['model.c', 'model.h']));
  });
});
