// compile --target c into a folder: --prefix cannot name a kernel library file or clash with its tf_
// names, and a re-compile removes the files the previous compile wrote and no longer needs — only those.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { MANIFEST_FILE } from '../../src/cli/manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-cfolder-'));
const demo = (name: string) => {
  const path = join(dir, `${name}.tflite`);
  writeFileSync(path, writeTflite(DEMO_MODELS.find((m) => m.name === name)!.build()));
  return path;
};
const sine = demo('sine-mlp');
const kws = demo('ds-cnn-kws');

describe('compile --target c --prefix', () => {
  it('refuses kernel file names (any case), the tf_ namespace and non-identifiers, writing nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['fc', /is the name of a kernel library file/],
      ['runtime', /is the name of a kernel library file/],
      ['Conv', /is the name of a kernel library file/],
      ['tf_quant', /is the name of a kernel library file/],
      ['tf_kernel_abi', /is the name of a kernel library file/],
      ['tf', /is in the kernel library's tf_ namespace/],
      ['TF_model', /is in the kernel library's tf_ namespace/],
      ['1model', /is not a C identifier/],
      ['_model', /is not a C identifier/],
      ['a-b', /is not a C identifier/],
    ];
    for (const [prefix, message] of cases) {
      const out = join(dir, `p-${prefix}`);
      const r = await cli('compile', sine, '--target', 'c', '--prefix', prefix, '--out', out);
      expect(r.code, prefix).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^tinyforge: E_USAGE: C prefix "${prefix}" ${message.source}`));
      expect(existsSync(out), prefix).toBe(false);
    }
  });

  it('accepts an ordinary prefix', async () => {
    const out = join(dir, 'p-ok');
    expect((await cli('compile', sine, '--target', 'c', '--prefix', 'sine', '--out', out)).code).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['sine.c', 'sine.h', 'fc.c', MANIFEST_FILE]));
  });
});

describe('re-compiling into a folder', () => {
  it('removes what the previous compile wrote and this one does not, keeps everything else', async () => {
    const out = join(dir, 'recompile');
    expect((await cli('compile', kws, '--target', 'c', '--prefix', 'kws', '--out', out)).code).toBe(0);
    const first = readdirSync(out);
    expect(first).toEqual(expect.arrayContaining(['kws.c', 'kws.h', 'conv.c', 'depthwise.c', 'softmax.c']));
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'softmax.c'), '/* edited by the user */\n');
    mkdirSync(join(dir, 'outside'), { recursive: true });
    writeFileSync(join(dir, 'outside', 'keep.c'), 'x');

    const r = await cli('compile', sine, '--target', 'c', '--prefix', 'sine', '--out', out, '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    const now = readdirSync(out).sort();
    // Exactly this compile's files, the user's file and the edited one remain.
    expect(now).toEqual([...summary.files.map((f: { path: string }) => f.path.slice(out.length + 1)), MANIFEST_FILE, 'notes.txt', 'softmax.c'].sort());
    expect(now).not.toContain('kws.c');
    expect(now).not.toContain('conv.c');
    expect(summary.removed).toEqual(expect.arrayContaining(['kws.c', 'kws.h', 'conv.c', 'depthwise.c']));
    expect(summary.kept).toEqual(['softmax.c']);
    expect(readFileSync(join(out, 'softmax.c'), 'utf8')).toBe('/* edited by the user */\n');

    // A manifest naming files outside the folder (or the manifest itself) is not acted on.
    const manifest = JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8'));
    manifest.files['../outside/keep.c'] = 'any';
    manifest.files['notes.txt'] = 'not its hash';
    writeFileSync(join(out, MANIFEST_FILE), JSON.stringify(manifest));
    expect((await cli('compile', sine, '--target', 'c', '--prefix', 'sine', '--out', out)).code).toBe(0);
    expect(existsSync(join(dir, 'outside', 'keep.c'))).toBe(true);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
