// A float32 model through the CLI: inspect, plan, run --engine reference, and compile's refusal.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { compile, loadModel } from '../../../src/index.js';
import { readTflite } from '../../../src/import/tflite/index.js';
import { xorshiftInputs } from '../../../src/reference/inputs.js';
import { runReference } from '../../../src/reference/interpreter.js';
import { MODELS_DIR, haveShared } from '../../helpers/shared.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe.runIf(haveShared())('a float32 model through the CLI (pretrainedResnet)', () => {
  const model = join(MODELS_DIR, 'mlperf-tiny-float', 'pretrainedResnet.tflite');
  const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-float-'));

  it('inspect lists its float32 ops', async () => {
    const r = await cli('inspect', model, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/CONV_2D/);
    expect(r.stdout).toMatch(/float32/);
  });

  it('plan places 4-byte elements: the arena holds at least the float32 input and output', async () => {
    const r = await cli('plan', model, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { peakBytes: number; buffers: Array<{ kind: string; bytes: number }> };
    const input = report.buffers.find((b) => b.kind === 'input')!;
    expect(input.bytes).toBe(32 * 32 * 3 * 4);
    expect(report.peakBytes).toBeGreaterThanOrEqual(input.bytes);
  });

  it('run --engine reference writes the interpreter\'s float32 output', async () => {
    const graph = readTflite(new Uint8Array(readFileSync(model)));
    const [input] = xorshiftInputs(graph, 1, [{ scale: 1, zeroPoint: -128 }]);
    writeFileSync(join(tmp, 'in.bin'), input!);
    const r = await cli('run', model, '--engine', 'reference', '--input', join(tmp, 'in.bin'), '--output', join(tmp, 'out.bin'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = new Uint8Array(readFileSync(join(tmp, 'out.bin')));
    expect(out).toEqual(runReference(graph, [input!]).outputs[0]);
    const probs = new Float32Array(out.buffer, out.byteOffset, 10);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  });

  it('run --patch 2@1 (the first two convolutions tile by tile, float32 windows copied) gives the same bytes', async () => {
    const graph = readTflite(new Uint8Array(readFileSync(model)));
    const [input] = xorshiftInputs(graph, 2, [{ scale: 1, zeroPoint: -128 }]);
    writeFileSync(join(tmp, 'in2.bin'), input!);
    const r = await cli('run', model, '--engine', 'reference', '--patch', '2@1', '--input', join(tmp, 'in2.bin'), '--output', join(tmp, 'out2.bin'));
    expect(r.code).toBe(0);
    expect(new Uint8Array(readFileSync(join(tmp, 'out2.bin')))).toEqual(runReference(graph, [input!]).outputs[0]);
  });

  it('compile refuses it with E_UNSUPPORTED: quantize it first', async () => {
    for (const target of ['wasm', 'c']) {
      const r = await cli('compile', model, '--target', target, '--out', join(tmp, target));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^tinyforge: E_UNSUPPORTED: CONV_2D \(op 0\) computes in float32, and the wasm and C kernels are integer-quantized only; quantize it first: tinyforge quantize/);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('the library compile() refuses it before planning, naming the float ops', async () => {
    const loaded = loadModel(new Uint8Array(readFileSync(model)), 'pretrainedResnet');
    await expect(compile(loaded, { target: 'c' })).rejects.toThrow(
      /^pretrainedResnet has float32 ops \(CONV_2D at node 0, CONV_2D at node 1, CONV_2D at node 2, … \(16 in all\)\), and the C backend emits integer-quantized kernels only; quantize it first/,
    );
  });
});
