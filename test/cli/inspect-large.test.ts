// Model-sized arrays never go into a call as spread arguments (issue 18 item 13): `inspect` on a model
// with 200k tensors and on an FC with 200k per-channel scales used to die with
// "Maximum call stack size exceeded" (Math.min(...scales)).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { maxOf, minOf } from '../../src/ir/extremes.js';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const N = 200_000;
const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-inspect-large-'));

function tensor(id: number, shape: number[], extra: Partial<Tensor> = {}): Tensor {
  return { id, name: `t${id}`, shape, shapeSignature: null, dtype: 'int8', quant: { scales: [0.5], zeroPoints: [0], axis: 0 }, data: null, isVariable: false, ...extra };
}

/** x [1, 1] -> FULLY_CONNECTED with N output units, per-channel filter scales 1/(1+c) -> y [1, N]. */
function wideFc(): Graph {
  const scales = Array.from({ length: N }, (_, c) => Math.fround(1 / (1 + c)));
  const tensors = [
    tensor(0, [1, 1]),
    tensor(1, [N, 1], { data: new Uint8Array(N).fill(1), quant: { scales, zeroPoints: new Array<number>(N).fill(0), axis: 0 } }),
    tensor(2, [1, N], { quant: { scales: [1], zeroPoints: [0], axis: 0 } }),
  ];
  const op = { kind: 'FULLY_CONNECTED', version: 5, inputs: [0, 1, -1], outputs: [2], attrs: { clamp: [-128, 127], keepNumDims: false }, params: null };
  return { name: '', description: '', tensors, ops: [op as unknown as AnyOp], inputs: [0], outputs: [2], metadata: [], signatureDefs: [] };
}

/** One RELU and N - 2 unused tensors. */
function manyTensors(): Graph {
  const tensors = Array.from({ length: N }, (_, id) => tensor(id, [1, 4]));
  const op = { kind: 'RELU', version: 1, inputs: [0], outputs: [1], attrs: {}, params: null };
  return { name: '', description: '', tensors, ops: [op as unknown as AnyOp], inputs: [0], outputs: [1], metadata: [], signatureDefs: [] };
}

describe('inspect on model-sized arrays', () => {
  it('an FC with 200k per-channel scales: min and max scale reported', async () => {
    const file = join(tmp, 'fc.tflite');
    writeFileSync(file, writeTflite(wideFc()));
    const r = await cli('inspect', file, '--json');
    expect(r.stderr).toBe('');
    const filter = JSON.parse(r.stdout).tensors[1];
    expect(filter.scale).toEqual({ count: N, min: Math.fround(1 / N), max: 1 });
    expect((await cli('inspect', file)).stdout).toMatch(/per-channel|FULLY_CONNECTED/);
  });

  it('a model with 200k tensors', async () => {
    const file = join(tmp, 'many.tflite');
    writeFileSync(file, writeTflite(manyTensors()));
    const r = await cli('inspect', file, '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).totals).toMatchObject({ ops: 1, tensors: N, largestActivationBytes: 4 });
    expect((await cli('inspect', file)).stdout).toMatch(/1 ops, 200000 tensors/);
  });

  it('maxOf / minOf keep Math.max / Math.min semantics without spreading', () => {
    const big = Array.from({ length: 500_000 }, (_, i) => i - 7);
    expect([maxOf(big), minOf(big)]).toEqual([499_992, -7]);
    expect([maxOf([], 0), minOf([]), maxOf([1, NaN])]).toEqual([0, Infinity, NaN]);
  });
});
