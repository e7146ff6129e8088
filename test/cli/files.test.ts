// Files in and out of the CLI: an output never overwrites an input (same path, symlink, hard link), every
// output is written through a temporary file renamed into place, and only bounded regular files are read.
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { MAX_READ_BYTES, readBytes, writeBytes } from '../../src/cli/io.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-files-'));
const modelBytes = writeTflite(DEMO_MODELS.find((m) => m.name === 'sine-mlp')!.build());
const model = join(dir, 'm.tflite');
writeFileSync(model, modelBytes);
const input = join(dir, 'in.bin');
writeFileSync(input, Buffer.alloc(1)); // sine-mlp: one int8[1,1] input

const unchanged = (path: string) => expect(Buffer.compare(readFileSync(path), modelBytes)).toBe(0);

describe('an output path equal to an input is refused (exit 2, both paths named)', () => {
  it('run --output the model, the input, or the same file twice', async () => {
    let r = await cli('run', model, '--input', input, '--output', model);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tinyforge: E_USAGE: output 0 .*m\.tflite is the same file as model .*m\.tflite: refusing to overwrite it\n$/);
    unchanged(model);
    r = await cli('run', model, '--input', input, '--output', input);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/same file as input 0 /);
  });

  it('through a symlink, a hard link and a relative spelling', async () => {
    const link = join(dir, 'link.tflite');
    const hard = join(dir, 'hard.tflite');
    symlinkSync(model, link);
    linkSync(model, hard);
    for (const out of [link, hard, join(dir, '.', 'sub', '..', 'm.tflite')]) {
      if (out.includes('sub')) mkdirSync(join(dir, 'sub'), { recursive: true });
      const r = await cli('run', model, '--input', input, '--output', out);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(/E_USAGE: .*same file as model/);
    }
    unchanged(model);
  });

  it('plan --report / --emit-tflm-plan and profile --report over the model', async () => {
    for (const argv of [['plan', model, '--report', model], ['plan', model, '--emit-tflm-plan', model], ['profile', model, '--report', model]]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^tinyforge: E_USAGE: --(report|emit-tflm-plan) .* is the same file as model /);
    }
    unchanged(model);
  });

  it('compile --out over the folder holding a model named like an output file', async () => {
    const out = join(dir, 'web');
    mkdirSync(out);
    const inside = join(out, 'model.wasm');
    writeFileSync(inside, modelBytes);
    const r = await cli('compile', inside, '--target', 'wasm', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_USAGE: output file .*model\.wasm is the same file as model /);
    unchanged(inside);
  });
});

describe('writes go through a temporary file renamed into place', () => {
  it('replaces the file (a new inode), leaves no temporary file, keeps the mode, writes through a symlink', () => {
    const sub = mkdtempSync(join(dir, 'w-'));
    const target = join(sub, 'out.bin');
    writeFileSync(target, 'old', { mode: 0o640 });
    const before = statSync(target).ino;
    writeBytes(target, new Uint8Array([1, 2, 3]), 'output');
    expect(Array.from(readFileSync(target))).toEqual([1, 2, 3]);
    expect(statSync(target).ino).not.toBe(before);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    const link = join(sub, 'link.bin');
    symlinkSync(target, link);
    writeBytes(link, 'new', 'output');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(sub).sort()).toEqual(['link.bin', 'out.bin']);
  });

  it.skipIf(process.platform !== 'linux')('a device is written directly (no temporary file beside /dev/null)', () => {
    expect(() => writeBytes('/dev/null', 'data', 'output')).not.toThrow();
  });

  it.skipIf(process.platform !== 'linux')('two outputs to one device are allowed (a stream, not a file to overwrite)', async () => {
    const r = await cli('plan', model, '--report', '/dev/null', '--emit-tflm-plan', '/dev/null');
    expect(r.code, r.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a failed write leaves what was there and no temporary file', () => {
    const sub = mkdtempSync(join(dir, 'w-'));
    const target = join(sub, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => writeBytes(target, 'data', 'output')).toThrow(/^cannot write output .*taken: E/);
    expect(readdirSync(sub)).toEqual(['taken']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('x');
  });
});

describe('only bounded regular files are read', () => {
  it.skipIf(process.platform !== 'linux')('/dev/zero as a model or an input: E_INPUT_DATA naming it, at once', async () => {
    let r = await cli('inspect', '/dev/zero');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('tinyforge: E_INPUT_DATA: cannot read model file /dev/zero: a device, not a regular file\n');
    r = await cli('run', model, '--input', '/dev/zero', '--output', join(dir, 'o.bin'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('tinyforge: E_INPUT_DATA: cannot read input 0 /dev/zero: a device, not a regular file\n');
  }, 10_000);

  it('a FIFO with no writer and a folder are refused without blocking', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    let r = await cli('run', model, '--input', fifo, '--output', join(dir, 'o.bin'));
    expect(r.stderr).toMatch(/E_INPUT_DATA: cannot read input 0 .*fifo: a FIFO, not a regular file\n$/);
    r = await cli('inspect', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_INPUT_DATA: cannot read model file .*: a folder, not a regular file\n$/);
  }, 10_000);

  it('a file over the size limit is refused before reading (sparse, so the test allocates nothing)', () => {
    const big = join(dir, 'big.tflite');
    writeFileSync(big, '');
    truncateSync(big, MAX_READ_BYTES + 1);
    expect(() => readBytes(big, 'model file')).toThrow(`cannot read model file ${big}: ${MAX_READ_BYTES + 1} bytes, over the ${MAX_READ_BYTES}-byte limit`);
    expect(existsSync(big)).toBe(true);
  });
});

describe('a wrong number of tensor files is a usage error', () => {
  it('--input and --output counts both exit 2 with E_USAGE', async () => {
    let r = await cli('run', model, '--input', input, input, '--output', join(dir, 'o.bin'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tinyforge: E_USAGE: model has 1 input(s), got 2 --input file(s)\n');
    r = await cli('run', model, '--input', input, '--output', join(dir, 'o1.bin'), join(dir, 'o2.bin'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tinyforge: E_USAGE: model has 1 output(s), got 2 --output file(s)\n');
  });
});
