// tinyforge quantize: writes a re-readable int8 model with float I/O, reports SQNR/agreement with --json,
// and refuses bad flags and int8 models with typed errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { isFloatOp } from '../../src/ir/float.js';
import { cli } from '../helpers/cli.js';
import { haveShared, MODELS_DIR } from '../helpers/shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-quantize-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!haveShared())('tinyforge quantize', () => {
  const ad01 = join(MODELS_DIR, 'mlperf-tiny-float', 'ad01_fp32.tflite');

  it('quantizes ad01_fp32 on random:16 and reports per-layer SQNR and top-1 agreement', async () => {
    const out = join(tmp, 'ad01_int8.tflite');
    const r = await cli('quantize', ad01, '--calib', 'random:16', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const float = readTflite(new Uint8Array(readFileSync(ad01)));
    expect(report).toMatchObject({ model: 'ad01_fp32.tflite', calibration: 16, heldOut: 16 });
    expect(report.layers).toHaveLength(float.ops.length);
    expect(report.top1Agreement).toBeGreaterThanOrEqual(0);
    expect(report.top1Agreement).toBeLessThanOrEqual(1);
    const int8 = readTflite(new Uint8Array(readFileSync(out)));
    expect(int8.ops.filter((op) => isFloatOp(op, int8.tensors))).toEqual([]);
    expect([int8.ops[0]!.kind, int8.ops.at(-1)!.kind]).toEqual(['QUANTIZE', 'DEQUANTIZE']);
  }, 60_000);

  it('--calib-method auto --bias-correction --per-tensor: says per tensor which method won, which biases moved', async () => {
    const out = join(tmp, 'ad01_auto.tflite');
    const r = await cli('quantize', ad01, '--calib', 'random:8', '--calib-method', 'auto', '--bias-correction', '--per-tensor', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ calibMethod: 'auto', percentile: 99.99, perTensor: true });
    const float = readTflite(new Uint8Array(readFileSync(ad01)));
    // the input and the ten FULLY_CONNECTED outputs have their own ranges
    expect(report.tensors).toHaveLength(1 + float.ops.length);
    for (const t of report.tensors) {
      expect(['minmax', 'percentile', 'mse']).toContain(t.method);
      expect(t.mse[t.method]).toBe(Math.min(t.mse.minmax, t.mse.percentile, t.mse.mse));
    }
    expect(report.biasCorrections.map((c: { op: string }) => c.op)).toEqual(float.ops.map(() => 'FULLY_CONNECTED'));
    const int8 = readTflite(new Uint8Array(readFileSync(out)));
    expect(int8.ops.filter((op) => op.kind === 'FULLY_CONNECTED').map((op) => int8.tensors[op.inputs[1]!]!.quant!.scales.length)).toEqual(float.ops.map(() => 1));
    const text = await cli('quantize', ad01, '--calib', 'random:4', '--calib-method', 'auto', '--out', join(tmp, 'ad01_text.tflite'));
    expect(text.stdout).toMatch(/^ad01_fp32\.tflite: quantized to int8 on 4 calibration samples \(random:4; auto: minmax \d+, percentile \d+, mse \d+ of 11 tensors\) -> /);
  }, 120_000);

  it('--int16-activations --per-tensor: a 16x8 model (int16 activations, int64 biases, one weight scale each), said in the report', async () => {
    const out = join(tmp, 'ad01_16x8.tflite');
    const r = await cli('quantize', ad01, '--calib', 'random:8', '--int16-activations', '--per-tensor', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ activations: 'int16', perTensor: true, calibration: 8 });
    const q = readTflite(new Uint8Array(readFileSync(out)));
    const fcs = q.ops.filter((op) => op.kind === 'FULLY_CONNECTED');
    expect(fcs.length).toBeGreaterThan(0);
    for (const op of fcs) {
      const [x, w, b] = op.inputs.map((id) => q.tensors[id]!);
      expect([x!.dtype, x!.quant!.zeroPoints, w!.dtype, w!.quant!.scales.length, b!.dtype]).toEqual(['int16', [0], 'int8', 1, 'int64']);
    }
    const text = await cli('quantize', ad01, '--calib', 'random:2', '--int16-activations', '--out', join(tmp, 'ad01_16x8_text.tflite'));
    expect(text.stdout).toMatch(/^ad01_fp32\.tflite: quantized to 16x8 on 2 calibration samples \(random:2; minmax; int16 activations \(16x8\)\) -> /);
  }, 120_000);

  it('refuses a bad --calib, an int8 model, and writing over the model', async () => {
    const out = join(tmp, 'x.tflite');
    const zero = await cli('quantize', ad01, '--calib', 'random:0', '--out', out);
    expect(zero.stderr).toBe('tinyforge: E_USAGE: --calib random:N must be an integer >= 1, got "0"\n');
    const percentile = await cli('quantize', ad01, '--calib', 'random:2', '--calib-method', 'percentile', '--percentile', '40', '--out', out);
    expect(percentile.stderr).toBe('tinyforge: E_USAGE: --percentile must be in (50, 100], got "40"\n');
    const method = await cli('quantize', ad01, '--calib', 'random:2', '--calib-method', 'kl', '--out', out);
    expect(method.code).toBe(2);
    expect(method.stderr).toMatch(/--calib-method.*kl.*minmax, percentile, mse, auto/);
    const int8 = await cli('quantize', join(MODELS_DIR, 'mlperf-tiny', 'ad01_int8.tflite'), '--calib', 'random:2', '--out', out);
    expect(int8.stderr).toMatch(/^tinyforge: E_USAGE: ad01_int8\.tflite is not a float32 model: .* already quantized\n$/);
    expect(existsSync(out)).toBe(false);
    const self = await cli('quantize', ad01, '--calib', 'random:2', '--out', ad01);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/E_USAGE: output model .* is the same file as model/);
  });
});
