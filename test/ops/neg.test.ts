// NEG as TFLM micro runs it (neg.cc: float32 only) from TFLM's neg_test.cc vectors: single-op .tflite files
// written and read back and run on the float reference; int8 NEG (the converter's v2) is refused naming its dtype.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { compileModel } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { refusal } from '../helpers/refusal.js';

interface Q { scale: number; zeroPoint: number }

function model(dtype: DType, shape: number[], q: Q | null, version: number): Graph {
  const tensor = (id: number, name: string): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q ? { scales: [Math.fround(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 } : null, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: 'neg', description: 'TFLM kernel test vectors',
    tensors: [tensor(0, 'x'), tensor(1, 'y')],
    ops: [{ kind: 'NEG', version, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

function run(shape: number[], input: number[]): number[] {
  const out = runReference(model('float32', shape, null, 1), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!;
  return Array.from(new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)));
}

describe('NEG float32 (TFLM neg_test.cc) on the float reference', () => {
  it('NegOpSingleFloat: [8.5, 0] -> [-8.5, -0]', () => {
    const out = run([2], [8.5, 0.0]);
    expect(out).toEqual([-8.5, -0]);
    expect(Object.is(out[1], -0)).toBe(true);
  });

  it('NegOpFloat: [2, 3] of [-2 .. 3] -> [2, 1, -0, -1, -2, -3]', () => {
    const out = run([2, 3], [-2, -1, 0, 1, 2, 3]);
    expect(out).toEqual([2, 1, -0, -1, -2, -3]);
    expect(Object.is(out[2], -0)).toBe(true);
  });

  it('int8 NEG (v2) is refused naming its dtype: TFLM\'s Eval takes float32 only', () => {
    const e = refusal(() => model('int8', [4], { scale: 0.05, zeroPoint: 0 }, 2));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^NEG \(node 0\).*input dtype int8 is not supported \(supported: float32\)/);
  });

  it('a float32 NEG model is refused by the int8 backends naming the op, not crashed on', async () => {
    const e = await compileModel(model('float32', [4], null, 1), { target: 'c' }).then(() => null, (err: unknown) => err);
    expect(e).toMatchObject({ code: 'E_UNSUPPORTED' });
    expect(String((e as Error).message)).toMatch(/NEG/);
  });
});
