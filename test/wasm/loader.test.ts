// The emitted loader: `tinyforge compile --target wasm` writes model.wasm, model.mjs and model.d.mts; the
// test imports model.mjs like an application would (default source next to it, bytes, embedded copy)
// and runs a golden input through the typed-array views.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/pipeline.js';
import { main } from '../../src/cli/main.js';
import { readTflite } from '../../src/import/tflite/index.js';
import ts from 'typescript';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, REPO_ROOT } from '../helpers/shared.js';
import { HOSTILE_NAMES, sineWithNames } from '../helpers/hostile.js';

const models = haveShared() ? goldenModels() : [];

interface LoadedModule {
  createModel(source?: unknown): Promise<{
    inputs: Array<Int8Array | Float32Array>;
    outputs: Array<Int8Array | Float32Array>;
    invoke(): void;
    meta: { inputs: Array<{ name: string; shape: number[]; dtype: string; scale: number | null; zeroPoint: number | null }> };
    quantize(values: ArrayLike<number>, t: unknown): Int8Array;
    dequantize(values: ArrayLike<number>, t: unknown): Float32Array;
  }>;
}

function setBytes(view: ArrayBufferView, bytes: Uint8Array): void {
  new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(bytes);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

describe.skipIf(models.length === 0)('emitted loader (model.mjs)', () => {
  it('tinyforge compile writes a module whose model.mjs runs a golden input (file next to it, bytes, embedded)', async () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const out = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-'));
    const io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
    expect(await main(['compile', g.modelPath, '--target', 'wasm', '--out', out, '--wat'], io)).toBe(0);
    for (const f of ['model.wasm', 'model.mjs', 'model.d.mts', 'model.wat']) expect(readFileSync(join(out, f)).length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'model.d.mts'), 'utf8')).toContain('inputs: [Int8Array]');

    const mod = (await import(pathToFileURL(join(out, 'model.mjs')).href)) as LoadedModule;
    for (const source of [undefined, new Uint8Array(readFileSync(join(out, 'model.wasm')))]) {
      const model = await mod.createModel(source);
      expect(model.meta.inputs[0]!.shape).toEqual([1, 49, 10, 1]);
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        setBytes(model.inputs[0]!, goldenInputs(g, k)[0]!);
        model.invoke();
        expect(Buffer.compare(bytesOf(model.outputs[0]!), goldenOutputs(g, k)[0]!)).toBe(0);
      }
      const q = model.quantize([0, 1.5, -1000], model.meta.inputs[0]);
      expect(Array.from(model.dequantize(q, model.meta.inputs[0])).every(Number.isFinite)).toBe(true);
    }

    // --embed: model.mjs alone (copied away from model.wasm) carries the module.
    const single = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-embed-'));
    expect(await main(['compile', g.modelPath, '--out', single, '--embed'], io)).toBe(0);
    const alone = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-alone-'));
    writeFileSync(join(alone, 'model.mjs'), readFileSync(join(single, 'model.mjs')));
    const embedded = (await import(pathToFileURL(join(alone, 'model.mjs')).href)) as LoadedModule;
    const model = await embedded.createModel();
    setBytes(model.inputs[0]!, goldenInputs(g, 0)[0]!);
    model.invoke();
    expect(Buffer.compare(bytesOf(model.outputs[0]!), goldenOutputs(g, 0)[0]!)).toBe(0);
  });

  it('a "type": "commonjs" project imports model.mjs; run() copies inputs in and outputs out, invoke() consumes its inputs', () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-cjs-'));
    const io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
    return main(['compile', g.modelPath, '--target', 'wasm', '--out', dir], io).then((code) => {
      expect(code).toBe(0);
      writeFileSync(join(dir, 'package.json'), '{"type": "commonjs"}\n');
      writeFileSync(join(dir, 'input.bin'), goldenInputs(g, 0)[0]!);
      // app.js is CommonJS (require, no top-level await), as in npm's default project
      writeFileSync(join(dir, 'app.js'), `const fs = require('node:fs');
import('./model.mjs').then(async ({ createModel }) => {
  const model = await createModel();
  const file = fs.readFileSync(__dirname + '/input.bin');
  const input = new Int8Array(file.buffer, file.byteOffset, file.length).slice();
  const first = model.run([input]);
  const second = model.run([input]);
  model.inputs[0].set(input);
  model.invoke();
  const inputKept = Buffer.compare(Buffer.from(model.inputs[0].buffer, model.inputs[0].byteOffset, model.inputs[0].byteLength), Buffer.from(input.buffer, input.byteOffset, input.byteLength)) === 0;
  let error = '';
  try { model.run([input.subarray(1)]); } catch (e) { error = e.constructor.name + ': ' + e.message; }
  process.stdout.write(JSON.stringify({ first: Array.from(first[0]), second: Array.from(second[0]), copy: first[0] !== model.outputs[0], inputKept, error }));
});
`);
      const r = spawnSync(process.execPath, [join(dir, 'app.js')], { encoding: 'utf8', cwd: dir });
      expect(r.stderr).toBe('');
      const got = JSON.parse(r.stdout) as { first: number[]; second: number[]; copy: boolean; inputKept: boolean; error: string };
      const out = goldenOutputs(g, 0)[0]!;
      const golden = Array.from(new Int8Array(out.buffer, out.byteOffset, out.length));
      expect(got.first).toEqual(golden);
      expect(got.second).toEqual(golden);
      expect(got.copy).toBe(true);
      // the plan reuses kws's input bytes: the reason invoke() is documented as consuming them
      expect(got.inputKept).toBe(false);
      expect(got.error).toBe('TypeError: run(): input 0 (input_1) takes 490 values, got 489');
      expect(readFileSync(join(dir, 'model.d.mts'), 'utf8')).toMatch(/invoke\(\) consumes|It consumes them/);
    });
  }, 60_000);

  it('float32 I/O (mcunet_vww): Float32Array views, bit-exact', async () => {
    const g = models.find((m) => m.name === 'mcunet_vww')!;
    const { files } = await compileModel(readTflite(new Uint8Array(readFileSync(g.modelPath))), {
      target: 'wasm', kernels: new Uint8Array(readFileSync(join(REPO_ROOT, 'build/kernels.simd.wasm'))), simd: true, embed: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-f32-'));
    for (const f of files) writeFileSync(join(dir, f.path), f.contents);
    const mod = (await import(pathToFileURL(join(dir, 'model.mjs')).href)) as LoadedModule;
    const model = await mod.createModel();
    expect(model.inputs[0]).toBeInstanceOf(Float32Array);
    setBytes(model.inputs[0]!, goldenInputs(g, 1)[0]!);
    model.invoke();
    expect(Buffer.compare(bytesOf(model.outputs[0]!), goldenOutputs(g, 1)[0]!)).toBe(0);
  });
});

describe('model strings in the emitted loader', () => {
  it('hostile tensor names: model.d.mts type-checks with exactly the declared exports, model.mjs keeps the names', async () => {
    const names = [HOSTILE_NAMES.js, `${HOSTILE_NAMES.c} ${HOSTILE_NAMES.terminal}`];
    const { files } = await compileModel(sineWithNames(names[0]!, names[1]!), {
      target: 'wasm', kernels: new Uint8Array(readFileSync(join(REPO_ROOT, 'build/kernels.simd.wasm'))), simd: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-hostile-'));
    for (const f of files) writeFileSync(join(dir, f.path), f.contents);
    // A consumer compiling against model.d.mts, as an application's tsc run would.
    writeFileSync(join(dir, 'app.ts'), "import createModel, * as m from './model.mjs';\nexport const use = [createModel, m.meta];\n");
    const program = ts.createProgram([join(dir, 'app.ts')], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], skipLibCheck: false, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(join(dir, 'model.d.mts'))!;
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).map((e) => e.getName()).sort();
    expect(exported).toEqual(['Model', 'ModelMeta', 'ModelSource', 'StateInfo', 'TensorInfo', 'createModel', 'default', 'dequantize', 'meta', 'quantize']);
    const mod = (await import(pathToFileURL(join(dir, 'model.mjs')).href)) as LoadedModule & { meta: { outputs: Array<{ name: string }> } };
    expect(mod.meta.outputs[0]!.name).toBe(names[1]);
    expect((await mod.createModel()).meta.inputs[0]!.name).toBe(names[0]);
  }, 60_000);
});
