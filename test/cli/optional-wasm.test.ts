// The install without the optional packages (wabt, tfjs) and the picture decoders: every command but training works, wasm compile and run
// included (the backend links and validates without them); only --wat, which needs wabt's text form,
// fails with one E_TOOLCHAIN line naming the package, and so does train (tfjs). The commands tried load
// only their own modules (training's and pictures' stay unloaded; prune loads tfjs only for --finetune). Runs the built
// CLI (bin/ + dist/, `npm run build`) in a copy of the package whose node_modules lacks them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const ABSENT = new Set(['binaryen', 'wabt', '.bin', '@tensorflow', 'jpeg-js', 'pngjs']);
const built = existsSync(join(REPO, 'dist/src/cli/main.js'));

const pkg = mkdtempSync(join(tmpdir(), 'tinyforge-no-wasm-'));
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

/** The package as installed without the optional packages: links to its shipped folders and to every other dependency. */
function installWithoutWasmBackend(): void {
  for (const entry of ['bin', 'dist', 'build', 'firmware-templates', 'package.json']) symlinkSync(join(REPO, entry), join(pkg, entry));
  const modules = realpathSync(join(REPO, 'node_modules'));
  mkdirSync(join(pkg, 'node_modules'));
  for (const name of readdirSync(modules)) if (!ABSENT.has(name)) symlinkSync(join(modules, name), join(pkg, 'node_modules', name));
}

/** The CLI of that package; --preserve-symlinks makes Node resolve packages from its node_modules, not the repository's. */
function cli(...argv: string[]) {
  const r = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', join(pkg, 'bin/tinyforge.js'), ...argv], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('install without wabt and tfjs', () => {
  installWithoutWasmBackend();
  const model = join(pkg, 'sine.tflite');
  writeFileSync(model, writeTflite(DEMO_MODELS.find((m) => m.name === 'sine-mlp')!.build()));

  it('--version, plan, compile --target c and run --engine reference work', () => {
    expect(cli('--version')).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const plan = cli('plan', model, '--json');
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).peakBytes).toBeGreaterThan(0);
    const c = cli('compile', model, '--target', 'c', '--out', join(pkg, 'c'));
    expect(c.code, c.stderr).toBe(0);
    expect(readdirSync(join(pkg, 'c'))).toContain('model.c');
    writeFileSync(join(pkg, 'in.bin'), new Uint8Array(1));
    const run = cli('run', model, '--engine', 'reference', '--input', join(pkg, 'in.bin'), '--output', join(pkg, 'out.bin'));
    expect(run.code, run.stderr).toBe(0);
  });

  it('compile --target wasm and run --engine wasm work; --wat names wabt', () => {
    const wasm = cli('compile', model, '--target', 'wasm', '--out', join(pkg, 'wasm'));
    expect(wasm.code, wasm.stderr).toBe(0);
    expect(readdirSync(join(pkg, 'wasm'))).toEqual(expect.arrayContaining(['model.d.mts', 'model.mjs', 'model.wasm']));
    const run = cli('run', model, '--engine', 'wasm', '--input', join(pkg, 'in.bin'), '--output', join(pkg, 'out2.bin'));
    expect(run.code, run.stderr).toBe(0);
    const reference = cli('run', model, '--engine', 'reference', '--input', join(pkg, 'in.bin'), '--output', join(pkg, 'out3.bin'));
    expect(reference.code, reference.stderr).toBe(0);
    expect(readFileSync(join(pkg, 'out2.bin'))).toEqual(readFileSync(join(pkg, 'out3.bin')));
    const wat = cli('compile', model, '--target', 'wasm', '--wat', '--out', join(pkg, 'wat'));
    expect(wat).toMatchObject({ code: 1, stdout: '' });
    expect(wat.stderr).toBe('tinyforge: E_TOOLCHAIN: the wasm backend needs the npm package wabt, which is not installed: npm install wabt\n');
    expect(existsSync(join(pkg, 'wat'))).toBe(false);
  });

  it('train and qat name the missing tfjs package and its install line, before reading data or writing the model; prune without --finetune works', () => {
    const train = cli('train', '--arch', 'lenet', '--data', join(pkg, 'no-such-data'), '--epochs', '1', '--out', join(pkg, 'lenet.tflite'));
    expect(train).toMatchObject({ code: 1, stdout: '' });
    expect(train.stderr).toBe('tinyforge: E_TOOLCHAIN: training needs the npm package @tensorflow/tfjs-core, which is not installed: npm install @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu\n');
    expect(existsSync(join(pkg, 'lenet.tflite'))).toBe(false);
    const qat = cli('qat', model, '--data', join(pkg, 'no-such-data'), '--epochs', '1', '--out', join(pkg, 'qat.tflite'));
    expect(qat).toMatchObject({ code: 1, stdout: '' });
    expect(qat.stderr).toBe(train.stderr);
    expect(existsSync(join(pkg, 'qat.tflite'))).toBe(false);
    const prune = cli('prune', model, '--sparsity', '0.5', '--out', join(pkg, 'sine_sparse.tflite'));
    expect(prune.code, prune.stderr).toBe(0);
    expect(existsSync(join(pkg, 'sine_sparse.tflite'))).toBe(true);
  });
});
