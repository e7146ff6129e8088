// The CLI's edges as a user meets them (issue #17 item 6): one error format for every error, commander's
// included; --json errors as data on stdout; a missing file named as missing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

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
