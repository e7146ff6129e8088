// The golden harness must point at the right op when one breaks: corrupt one weight and see it named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { firstMismatch } from '../helpers/golden-diff.js';
import { goldenInputs, goldenIntermediates, goldenModels, haveShared } from '../helpers/shared.js';

const kws = haveShared() ? goldenModels().find((m) => m.name === 'kws_ref_model') : undefined;

describe.skipIf(!kws)('golden mismatch diagnosis', () => {
  it('names the first op whose output differs', () => {
    const graph = readTflite(new Uint8Array(readFileSync(kws!.modelPath)));
    const target = graph.ops.findIndex((op, i) => i > 2 && op.kind === 'CONV_2D');
    const filter = graph.tensors[graph.ops[target]!.inputs[1]!]!;
    filter.data = filter.data!.map((b) => b ^ 0x11); // flip bits in every weight of that conv
    const m = firstMismatch(graph, goldenInputs(kws!, 0), goldenIntermediates(kws!));
    expect(m).not.toBeNull();
    expect(m!.opIndex).toBe(target);
    expect(m!.op).toBe('CONV_2D');
    expect(m!.differingBytes).toBeGreaterThan(0);
  });
});
