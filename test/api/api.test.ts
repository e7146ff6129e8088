// The library API as a user imports it, and the rule that keeps the core runnable in a browser.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, loadModel, profile, ModelFormatError, plan, runReference, runReferencePlanned, writeTflite, xorshiftInputs } from '../../src/index.js';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('library API', () => {
  const kws = DEMO_MODELS.find((m) => m.name === 'ds-cnn-kws')!;
  const model = loadModel(writeTflite(kws.build()), 'ds-cnn-kws.tflite');

  it('plans with a budget verdict', () => {
    const { report } = plan(model, { sramBytes: 4096 });
    expect(report.model).toBe('ds-cnn-kws.tflite');
    expect(report.fits).toBe(false);
    // the SRAM verdict counts the generated C's stack and static data and the reserve, not the arena alone
    expect(report.stackBytes).toBeGreaterThan(0);
    expect(report.sramShortfallBytes).toBe(report.peakBytes + report.stackBytes! + report.staticBytes! - 4096);
    expect(plan(model, { sramBytes: 256 * 1024 }).report.fits).toBe(true);
    const reserved = plan(model, { sramBytes: 256 * 1024, reserveBytes: 8192, cpu: 'cortex-m7' }).report;
    expect(reserved).toMatchObject({ cpu: 'cortex-m7', reserveBytes: 8192 });
    expect(reserved.ramBytes).toBe(reserved.peakBytes + reserved.stackBytes! + reserved.staticBytes! + 8192);
  });

  it('runs the planned arena with the same bytes as the graph-level reference', () => {
    const inputs = xorshiftInputs(model.graph, 1);
    expect(runReferencePlanned(model, inputs)).toEqual(runReference(model.graph, inputs).outputs);
  });

  it('compiles to a wasm module whose loader gives the reference bytes', async () => {
    const { files, plan: report } = await compile(model, { target: 'wasm' });
    expect(files.map((f) => f.path).sort()).toEqual(['model.d.mts', 'model.mjs', 'model.wasm']);
    expect(report.peakBytes).toBeGreaterThan(0);
    const wasm = files.find((f) => f.path === 'model.wasm')!.contents as Uint8Array;
    const js = files.find((f) => f.path === 'model.mjs')!.contents as string;
    const { createModel } = await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
    const m = await createModel(wasm);
    const inputs = xorshiftInputs(model.graph, 2);
    new Uint8Array(m.inputs[0].buffer, m.inputs[0].byteOffset, m.inputs[0].byteLength).set(inputs[0]!);
    m.invoke();
    const out = m.outputs[0];
    expect(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)).toEqual(runReference(model.graph, inputs).outputs[0]);
  });

  it('compiles to C sources and names the kernel files they need', async () => {
    const { files, kernelFiles } = await compile(model, { target: 'c', prefix: 'kws' });
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['kws.h', 'kws.c']));
    expect(kernelFiles).toEqual(expect.arrayContaining(['conv.c', 'depthwise.c', 'softmax.c']));
  });

  it('profiles per layer on a Cortex-M core', () => {
    const report = profile(model, { cpu: 'cortex-m7', mhz: 200 });
    expect(report.layers.length).toBe(model.graph.ops.filter((op) => op.kind !== 'RESHAPE').length);
    expect(report.totals.macs).toBe(report.layers.reduce((a, l) => a + l.macs, 0));
    expect(report.device.mhz).toBe(200);
  });

  it('throws typed errors', () => {
    expect(() => loadModel(new Uint8Array([1, 2, 3]))).toThrow(ModelFormatError);
  });
});

describe('the core runs in a browser', () => {
  it('no module outside src/cli and codegen emit tooling imports Node built-ins or uses process/Buffer', () => {
    const offenders: string[] = [];
    for (const dir of ['src', 'codegen', 'examples/models'].filter((d) => existsSync(join(REPO_ROOT, d)))) {
      for (const file of sourceFiles(join(REPO_ROOT, dir))) {
        const rel = relative(REPO_ROOT, file);
        if (rel.startsWith('src/cli/')) continue;
        // The wasm loader's source text (emitted as model.mjs) detects Node at run time and imports
        // node:fs only for file: URLs; in a browser that branch never runs.
        if (rel === 'codegen/wasm/loader.ts') continue;
        // Comments may mention anything; only code counts.
        const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        if (/from '(node:|fs|path|child_process|os)/.test(text) || /\bprocess\.|\bBuffer\./.test(text)) offenders.push(rel);
      }
    }
    expect(offenders).toEqual([]);
  });
});
