// The declared-size limit (issue 18 item 10): a 1 GiB RELU declared in a few hundred bytes is refused by
// plan, compile, run and profile before the planner allocates anything proportional to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { builtinCode } from '../../src/import/tflite/schema.js';
import { loadModel, plan } from '../../src/index.js';
import { refusal } from '../helpers/refusal.js';
import { craftTflite } from '../import/craft.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const reluModel = (shape: number[]) =>
  craftTflite({ codes: [{ builtin: builtinCode('RELU') }], tensors: [{ shape }, { shape }], operators: [{ opcode: 0, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] });

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-max-arena-'));
const GIB = [1, 1024, 1024, 1024];
const huge = join(tmp, 'relu-1g.tflite');
writeFileSync(huge, reluModel(GIB));
const small = join(tmp, 'relu-32k.tflite');
writeFileSync(small, reluModel([1, 64, 64, 8]));
const input = join(tmp, 'in.bin');
writeFileSync(input, new Uint8Array(16));
const LINE = 'tinyforge: E_UNSUPPORTED: tensor 0 ("t0") int8[1,1024,1024,1024] takes 1073741824 bytes, over the arena limit of 67108864 bytes (--max-arena, maxArenaBytes)\n';

describe('--max-arena', () => {
  it('the 1 GiB RELU file is a few hundred bytes', () => {
    expect(reluModel(GIB).length).toBeLessThan(600);
  });

  it.each([
    ['plan', huge],
    ['plan', huge, '--emit-tflm-plan', join(tmp, 'tflm.tflite')],
    ['compile', huge, '--target', 'c', '--out', join(tmp, 'c')],
    ['profile', huge],
    ['run', huge, '--engine', 'reference', '--input', input, '--output', join(tmp, 'out.bin')],
  ])('%s refuses it with the default 64 MiB limit, naming tensor, shape, bytes and limit', async (...argv) => {
    const r = await cli(...argv);
    expect(r.stderr).toBe(LINE);
    expect(r.code).toBe(1);
  });

  it('a lower limit refuses a tensor over it; the planned arena is held to it too', async () => {
    const over = await cli('plan', small, '--max-arena', '16K');
    expect(over.code).toBe(1);
    expect(over.stderr).toBe('tinyforge: E_UNSUPPORTED: tensor 0 ("t0") int8[1,64,64,8] takes 32768 bytes, over the arena limit of 16384 bytes (--max-arena, maxArenaBytes)\n');
    // each tensor fits in 40K, but without in-place the arena holds both
    const arena = await cli('plan', small, '--max-arena', '40K', '--no-inplace');
    expect(arena.stderr).toBe('tinyforge: E_UNSUPPORTED: the planned arena takes 65536 bytes, over the arena limit of 40960 bytes (--max-arena, maxArenaBytes)\n');
    const fits = await cli('plan', small, '--max-arena', '64K', '--no-inplace', '--json');
    expect(fits.code).toBe(0);
    expect(JSON.parse(fits.stdout).peakBytes).toBe(65536);
  });

  it('a malformed limit is a usage error', async () => {
    const r = await cli('plan', small, '--max-arena', 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tinyforge: E_USAGE: --max-arena must be a byte size/);
  });

  it('the library takes maxArenaBytes (default 64 MiB)', () => {
    const e = refusal(() => plan(loadModel(reluModel(GIB))));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.details).toEqual({ tensor: 0, name: 't0', shape: GIB, bytes: 2 ** 30, limit: 64 * 2 ** 20 });
    expect(refusal(() => plan(loadModel(reluModel([1, 64, 64, 8])), { maxArenaBytes: 1000 })).details).toMatchObject({ bytes: 32768, limit: 1000 });
    expect(plan(loadModel(reluModel([1, 64, 64, 8])), { maxArenaBytes: 65536, inplace: false }).report.peakBytes).toBe(65536);
  });
});
