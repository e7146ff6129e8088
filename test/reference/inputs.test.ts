import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { xorshiftInputs } from '../../src/reference/inputs.js';
import { goldenInputs, goldenModels, haveShared } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];

describe.skipIf(models.length === 0)('xorshift input sets', () => {
  it('reproduce every golden input file byte for byte (float32 mcunet input included)', () => {
    for (const g of models) {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        const got = xorshiftInputs(graph, k);
        const want = goldenInputs(g, k);
        expect(got.length, g.name).toBe(want.length);
        got.forEach((bytes, i) => expect(Buffer.compare(bytes, want[i]!), `${g.name} set ${k}`).toBe(0));
      }
    }
  });

  it('starts with the documented first values 33, 1, -59 for set 0', () => {
    const graph = readTflite(new Uint8Array(readFileSync(models.find((m) => m.name === 'kws_ref_model')!.modelPath)));
    expect(Array.from(new Int8Array(xorshiftInputs(graph, 0)[0]!.buffer).slice(0, 3))).toEqual([33, 1, -59]);
  });
});
