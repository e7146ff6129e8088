// The CLI as a user meets it: exit codes, one-line errors, files in and out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, MODELS_DIR } from '../helpers/shared.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-cli-'));
const shared = haveShared();

describe('tinyforge CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const argv of [['--help'], ['inspect', '--help'], ['run', '--help'], ['demo', '--help']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: tinyforge/);
    }
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('run')).code).toBe(2);
    const r = await cli('run', 'm.tflite', '--input', 'a', '--output', 'b', '--engine', 'gpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gpu/);
  });

  it('names a missing model file in one line and exits 1', async () => {
    const r = await cli('inspect', join(tmp, 'nope.tflite'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_INPUT_DATA: no such file: .*nope\.tflite \(model file\)\n$/);
  });

  it('refuses a garbage model with a typed error, no stack trace', async () => {
    const bad = join(tmp, 'garbage.tflite');
    writeFileSync(bad, Buffer.from('definitely not a flatbuffer, just text'));
    const r = await cli('inspect', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tinyforge: E_MODEL_FORMAT: /);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  describe.skipIf(!shared)('on the shared models', () => {
    it('inspect --json reports ops, MACs and weight bytes', async () => {
      const r = await cli('inspect', join(MODELS_DIR, 'mlperf-tiny/kws_ref_model.tflite'), '--json');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.totals.ops).toBe(13);
      expect(report.totals.weightBytes).toBe(24376); // INVENTORY.md
      expect(report.totals.opKinds).toMatchObject({ CONV_2D: 5, DEPTHWISE_CONV_2D: 4, SOFTMAX: 1 });
      // First conv: 10x4 kernel, 1 input channel, output [1,25,5,64] -> 8000 * 40 MACs.
      expect(report.ops[0].macs).toBe(8000 * 40);
    });

    it('inspect prints a readable table', async () => {
      const r = await cli('inspect', join(MODELS_DIR, 'tflm/hello_world_int8.tflite'));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/FULLY_CONNECTED v4/);
      expect(r.stdout).toMatch(/3 ops/);
    });

    it('run writes golden-format outputs equal to TFLM', async () => {
      const g = goldenModels().find((m) => m.name === 'kws_ref_model')!;
      const input = join(tmp, 'kws_in.bin');
      const output = join(tmp, 'kws_out.bin');
      writeFileSync(input, goldenInputs(g, 2)[0]!);
      const r = await cli('run', g.modelPath, '--input', input, '--output', output, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).outputs[0].bytes).toBe(12);
      expect(Buffer.compare(readFileSync(output), goldenOutputs(g, 2)[0]!)).toBe(0);
    });

    it('run names the tensor and the sizes when an input file is the wrong size', async () => {
      const g = goldenModels().find((m) => m.name === 'kws_ref_model')!;
      const input = join(tmp, 'short.bin');
      writeFileSync(input, Buffer.alloc(100));
      const r = await cli('run', g.modelPath, '--input', input, '--output', join(tmp, 'o.bin'));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/E_INPUT_DATA: input 0 \(input_1, int8\[1,49,10,1\]\) needs 490 bytes, got 100/);
    });
  });
});
