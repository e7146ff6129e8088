// The emitted loader: `tinyforge compile --target wasm` writes model.wasm, model.js and model.d.ts; the
// test imports model.js like an application would (default source next to it, bytes, embedded copy)
// and runs a golden input through the typed-array views.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileGraphToWasm } from '../../codegen/wasm/index.js';
import { main } from '../../src/cli/main.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, REPO_ROOT } from '../helpers/shared.js';

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

describe.skipIf(models.length === 0)('emitted loader (model.js)', () => {
  it('tinyforge compile writes a module whose model.js runs a golden input (file next to it, bytes, embedded)', async () => {
    const g = models.find((m) => m.name === 'kws_ref_model')!;
    const out = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-'));
    const io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
    expect(await main(['compile', g.modelPath, '--target', 'wasm', '--out', out, '--wat'], io)).toBe(0);
    for (const f of ['model.wasm', 'model.js', 'model.d.ts', 'model.wat']) expect(readFileSync(join(out, f)).length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'model.d.ts'), 'utf8')).toContain('inputs: [Int8Array]');

    const mod = (await import(pathToFileURL(join(out, 'model.js')).href)) as LoadedModule;
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

    // --embed: model.js alone (copied away from model.wasm) carries the module.
    const single = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-embed-'));
    expect(await main(['compile', g.modelPath, '--out', single, '--embed'], io)).toBe(0);
    const alone = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-alone-'));
    writeFileSync(join(alone, 'model.js'), readFileSync(join(single, 'model.js')));
    const embedded = (await import(pathToFileURL(join(alone, 'model.js')).href)) as LoadedModule;
    const model = await embedded.createModel();
    setBytes(model.inputs[0]!, goldenInputs(g, 0)[0]!);
    model.invoke();
    expect(Buffer.compare(bytesOf(model.outputs[0]!), goldenOutputs(g, 0)[0]!)).toBe(0);
  });

  it('float32 I/O (mcunet_vww): Float32Array views, bit-exact', async () => {
    const g = models.find((m) => m.name === 'mcunet_vww')!;
    const { files } = await compileGraphToWasm(readTflite(new Uint8Array(readFileSync(g.modelPath))), {
      library: new Uint8Array(readFileSync(join(REPO_ROOT, 'build/kernels.simd.wasm'))), simd: true, embed: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-wasm-f32-'));
    for (const f of files) writeFileSync(join(dir, f.path), f.contents);
    const mod = (await import(pathToFileURL(join(dir, 'model.js')).href)) as LoadedModule;
    const model = await mod.createModel();
    expect(model.inputs[0]).toBeInstanceOf(Float32Array);
    setBytes(model.inputs[0]!, goldenInputs(g, 1)[0]!);
    model.invoke();
    expect(Buffer.compare(bytesOf(model.outputs[0]!), goldenOutputs(g, 1)[0]!)).toBe(0);
  });
});
