// The CLI's edges as a user meets them (issue #17 item 6): one error format for every error, commander's
// included, and --json errors as data; plan --fail-if-not-fits; run printing its outputs; messages that say what to do.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { goldenInputs, goldenOutputs, goldenModels, haveShared, MODELS_DIR } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-polish-'));

describe('one error format', () => {
  it.each([
    [['frobnicate'], /^tinyforge: E_USAGE: unknown command 'frobnicate' \(run with --help for usage\)\n$/],
    [['inspect', 'm.tflite', '--frob'], /^tinyforge: E_USAGE: unknown option '--frob' \(run with --help for usage\)\n$/],
    [['inspect'], /^tinyforge: E_USAGE: missing required argument 'model' \(run with --help for usage\)\n$/],
    [['run', 'm.tflite', '--engine', 'gpu'], /^tinyforge: E_USAGE: option .*--engine.* argument 'gpu' is invalid.*\(run with --help for usage\)\n$/],
  ])('commander error %j: one tinyforge line on stderr, exit 2, nothing on stdout', async (argv, line) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(line);
    expect(r.stdout).toBe('');
  });

  it('a missing file says "no such file" with its path, E_INPUT_DATA, exit 1', async () => {
    const path = join(tmp, 'nope.tflite');
    const r = await cli('plan', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tinyforge: E_INPUT_DATA: no such file: ${path} (model file)\n`);
  });
});

describe('--json errors', () => {
  it('a TinyforgeError is {"error": {code, message, details}} on stdout, nothing on stderr, same exit code', async () => {
    const path = join(tmp, 'nope.tflite');
    const r = await cli('inspect', path, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'E_INPUT_DATA', message: `no such file: ${path} (model file)`, details: { path, what: 'model file', reason: 'ENOENT' } } });
  });

  it('a commander error with --json is JSON too (E_USAGE, commander code in details), exit 2', async () => {
    const r = await cli('plan', 'm.tflite', '--json', '--frob');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'E_USAGE', message: "unknown option '--frob' (run with --help for usage)", details: { commander: 'commander.unknownOption' } } });
  });

  it('--json after -- is an argument, not the flag: the error stays a stderr line', async () => {
    const r = await cli('frobnicate', '--', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^tinyforge: E_USAGE: /);
  });
});

describe.skipIf(!haveShared())('plan --fail-if-not-fits', () => {
  const kws = () => goldenModels().find((m) => m.name === 'kws_ref_model')!.modelPath;

  it('exits 3 when the plan does not fit, after printing the report; 0 when it fits', async () => {
    const over = await cli('plan', kws(), '--sram', '1K', '--fail-if-not-fits');
    expect(over.code).toBe(3);
    expect(over.stdout).toMatch(/DOES NOT FIT/);
    expect(over.stderr).toBe('');
    const json = await cli('plan', kws(), '--sram', '1K', '--fail-if-not-fits', '--json');
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).fits).toBe(false);
    const fits = await cli('plan', kws(), '--sram', '1M', '--flash', '1M', '--fail-if-not-fits');
    expect(fits.code).toBe(0);
    expect(fits.stdout).toMatch(/ FITS/);
  });

  it('without the flag a plan that does not fit still exits 0; the flag without a budget is a usage error', async () => {
    expect((await cli('plan', kws(), '--sram', '1K')).code).toBe(0);
    const r = await cli('plan', kws(), '--fail-if-not-fits');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tinyforge: E_USAGE: --fail-if-not-fits needs a budget to check: give --sram and/or --flash\n');
  });

  it('--help documents exit 3', async () => {
    const r = await cli('plan', '--help');
    expect(r.stdout).toMatch(/--fail-if-not-fits +exit 3 when the plan does not fit/);
  });
});

describe.skipIf(!haveShared())('run without --output prints the outputs', () => {
  // Expected values from TFLM's golden output and the manifest's scale and zero point, not from our code.
  const g = () => goldenModels().find((m) => m.name === 'kws_ref_model')!;
  function expected() {
    const out = (g().manifest.outputs[0] as unknown as { scale: number; zero_point: number });
    const values = Array.from(new Int8Array(goldenOutputs(g(), 2)[0]!.slice().buffer), (q) => (q - out.zero_point) * out.scale);
    const top = values.map((value, i) => ({ class: i, value })).sort((a, b) => b.value - a.value || a.class - b.class).slice(0, 5);
    return { values, top };
  }
  function input(): string {
    const dir = mkdtempSync(join(tmp, 'run-'));
    writeFileSync(join(dir, 'in.bin'), goldenInputs(g(), 2)[0]!);
    return join(dir, 'in.bin');
  }

  it('--json: dequantized values of the [1, 12] output and its top 5 classes, equal to TFLM\'s; no file written', async () => {
    const inPath = input();
    const r = await cli('run', g().modelPath, '--input', inPath, '--json');
    expect(r.code, r.stderr).toBe(0);
    const [o] = JSON.parse(r.stdout).outputs;
    const { values, top } = expected();
    expect(o).toMatchObject({ index: 0, name: 'Identity', dtype: 'int8', shape: [1, 12], dequantized: true });
    expect(o.values).toEqual(values);
    expect(o.top).toEqual(top);
    expect(readdirSync(join(inPath, '..'))).toEqual(['in.bin']);
  });

  it('text: the values and the top 5 line, led by the largest class', async () => {
    const r = await cli('run', g().modelPath, '--input', input());
    expect(r.code, r.stderr).toBe(0);
    const { values, top } = expected();
    const num = (v: number) => String(Number(v.toPrecision(6)));
    expect(r.stdout).toMatch(/^output 0 Identity int8\[1,12\] \(dequantized\):\n/);
    expect(r.stdout).toContain(`  ${values.map(num).join(' ')}\n`);
    expect(r.stdout).toContain(`  top 5: ${top.map((t) => `class ${t.class} ${num(t.value)}`).join(', ')}\n`);
  });
});

describe('messages that say what to do', () => {
  it.skipIf(!haveShared())('run of a float32 model on an int8 engine names the model and points at quantize and --engine reference', async () => {
    const model = join(MODELS_DIR, 'mlperf-tiny-float/ad01_fp32.tflite');
    for (const engine of ['wasm', 'c']) {
      const r = await cli('run', model, '--input', join(tmp, 'never-read.bin'), '--engine', engine);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tinyforge: E_UNSUPPORTED: .*ad01_fp32\\.tflite has float32 ops \\(FULLY_CONNECTED at node 0, .*the ${engine} engine runs integer-quantized kernels only \\(--engine reference runs float32\\); quantize it first: tinyforge quantize `));
    }
  });

  it('help texts are written for users: no ../shared (a path of this repository\'s test data)', async () => {
    for (const command of ['inspect', 'run', 'plan', 'profile', 'compile', 'demo', 'eval']) {
      const r = await cli(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout, command).toMatch(/^Usage: tinyforge /);
      expect(r.stdout, command).not.toContain('shared');
    }
  });
});
