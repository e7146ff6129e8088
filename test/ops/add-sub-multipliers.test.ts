// int8 ADD / SUB requantization multipliers as TFLM 90b983c derives them, end to end on every engine.
// add_common.cc computes twice_max and the three real multipliers in double; sub_common.cc computes them
// in float32 (twice_max = 2 * max(float scales), each ratio a float division) and widens only the result
// for QuantizeMultiplierSmallerThanOneExp. The scales below are picked so the two forms give multipliers
// that differ in their low bits and outputs that differ by one LSB for some inputs; the expected values
// were worked out by hand from TFLM's formulas (Python, numpy float32 for the float steps), not from
// our code:
//   s1 = 0.06572228670120239, s2 = 0.013659496791660786, s_out = 0.04110097140073776 (float32 values),
//   zero points -3, 6, -1; left_shift 20.
//   float32 form (SUB): input1 (2^30, 0), input2 (1785302784, -3), output (1716961024, -18)
//   double form  (ADD): input1 (2^30, 0), input2 (1785302823, -3), output (1716961074, -18)
// Each value: MultiplyByQuantizedMultiplierSmallerThanOneExp((x1 - zp1) << 20, m1) -/+ (same for x2),
// requantized with the output multiplier, plus the output zero point, clamped to int8.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';

const S1 = 0.06572228670120239, S2 = 0.013659496791660786, SO = 0.04110097140073776;
const ZP1 = -3, ZP2 = 6, ZPO = -1;

type Kind = 'ADD' | 'SUB';

function model(kind: Kind, n: number): Uint8Array {
  const tensor = (id: number, name: string, scale: number, zeroPoint: number): Tensor => ({
    id, name, shape: [1, n], shapeSignature: null, dtype: 'int8', quant: { scales: [scale], zeroPoints: [zeroPoint], axis: 0 }, data: null, isVariable: false,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'int8 multiplier rounding',
    tensors: [tensor(0, 'a', S1, ZP1), tensor(1, 'b', S2, ZP2), tensor(2, 'out', SO, ZPO)],
    ops: [{ kind, version: 2, inputs: [0, 1], outputs: [2], attrs: { clamp: [-128, 127] }, params: null }],
    inputs: [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const bytes = (values: number[]) => new Uint8Array(Int8Array.from(values).buffer);
const hostC = hostCFor('ADD/SUB multipliers on host C');

/** Output values on the reference, wasm (SIMD, scalar) and host C (ASan+UBSan) engines. */
async function runAll(kind: Kind, a: number[], b: number[]): Promise<Record<string, number[]>> {
  const runs = await runOnEveryEngine(readTflite(model(kind, a.length)), [bytes(a), bytes(b)], hostC);
  return Object.fromEntries(Object.entries(runs).map(([k, [v]]) => [k, Array.from(new Int8Array(v!.buffer, v!.byteOffset, v!.length))]));
}

async function expectEverywhere(kind: Kind, a: number[], b: number[], expected: number[]): Promise<void> {
  for (const [engine, out] of Object.entries(await runAll(kind, a, b))) expect([engine, out]).toEqual([engine, expected]);
}

/** The case repeated to 4096 elements: the size at which the wasm lowering switches to a lookup table. */
const tiled = (v: number[]) => Array.from({ length: 4096 }, (_, i) => v[i % v.length]!);

describe('int8 ADD / SUB multipliers (TFLM add_common.cc double, sub_common.cc float32)', () => {
  // (-64, 48) and (58, -36) are where the float32 and double forms part: double gives -113 and 111.
  const subA = [-64, 58, 0, 127, -128, 10, -3, 40];
  const subB = [48, -36, 0, -128, 127, 20, 6, -100];
  const subWant = [-112, 110, 6, 127, -128, 15, -1, 103];
  // (-64, -36) and (58, 48) are where they part for ADD: the float32 form gives -112 and 110.
  const addA = [-64, 58, 0, 10, 127, -128];
  const addB = [-36, 48, 0, 20, 127, -128];
  const addWant = [-113, 111, 2, 24, 127, -128];

  it('SUB uses the float32 form: the outputs where it and double differ are the float32 ones', async () => {
    await expectEverywhere('SUB', subA, subB, subWant);
  });

  it('ADD uses the double form', async () => {
    await expectEverywhere('ADD', addA, addB, addWant);
  });

  it('the wasm lookup-table path (4096 elements) gives the same values', async () => {
    await expectEverywhere('SUB', tiled(subA), tiled(subB), tiled(subWant));
    await expectEverywhere('ADD', tiled(addA), tiled(addB), tiled(addWant));
  });
});
