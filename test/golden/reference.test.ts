// The bar: every output byte of every golden model equals TFLite Micro's, on every input set.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { describeMismatch, firstMismatch } from '../helpers/golden-diff.js';
import { goldenInputs, goldenIntermediates, goldenModels, goldenOutputs, haveShared } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];

describe.skipIf(models.length === 0)('reference interpreter vs TFLite Micro golden outputs', () => {
  it('covers all eight golden models', () => {
    expect(models.length).toBe(8);
  });

  for (const g of models) {
    it(`${g.name}: all ${g.manifest.num_input_sets} input sets bit-exact`, () => {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      const failures: string[] = [];
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        const inputs = goldenInputs(g, k);
        const got = runReference(graph, inputs).outputs;
        const want = goldenOutputs(g, k);
        const same = got.length === want.length && got.every((o, i) => Buffer.compare(o, want[i]!) === 0);
        if (!same) failures.push(`input set ${k}`);
      }
      if (failures.length > 0) {
        const m = firstMismatch(graph, goldenInputs(g, 0), goldenIntermediates(g));
        const where = m ? describeMismatch(m) : 'every intermediate of input set 0 matches';
        expect.fail(`${g.name}: outputs differ on ${failures.join(', ')}; ${where}`);
      }
    });
  }
});
