// TFLM's 16x8 integration tests (../shared/golden-int16: SEANet layers with int16 activations and int8
// weights): every output byte of the reference interpreter equals TFLM's golden.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { goldenInt16Models, int16Inputs, int16Outputs } from '../helpers/shared.js';

const models = goldenInt16Models();

describe.skipIf(models.length === 0)('reference interpreter vs TFLM 16x8 goldens', () => {
  it('covers all 119 models and the eight op kinds', () => {
    expect(models.length).toBe(119);
    const kinds = new Set(models.map((g) => readTflite(new Uint8Array(readFileSync(g.modelPath))).ops[0]!.kind));
    expect([...kinds].sort()).toEqual(['ADD', 'CONV_2D', 'LEAKY_RELU', 'PAD', 'QUANTIZE', 'STRIDED_SLICE', 'SUB', 'TRANSPOSE_CONV']);
  });

  it('every model bit-exact', () => {
    const failures: string[] = [];
    for (const g of models) {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      const got = runReference(graph, int16Inputs(g)).outputs;
      const want = int16Outputs(g);
      if (got.length !== want.length || got.some((o, i) => Buffer.compare(o, want[i]!) !== 0)) failures.push(g.name);
    }
    expect(failures).toEqual([]);
  });
});
