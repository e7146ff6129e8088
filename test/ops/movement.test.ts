// DEPTH_TO_SPACE, SPACE_TO_DEPTH, EXPAND_DIMS, PACK, SPLIT, SPLIT_V and UNPACK from TFLM's kernel tests
// (depth_to_space_test.cc, pack_test.cc, split_test.cc, split_v_test.cc, unpack_test.cc; the float
// vectors hold small integers, stored here as int8 values): single-op .tflite files written and read
// back, run on the reference kernels, the wasm module (SIMD and scalar) and the host C build, every
// output bit-exact with TFLM's expected values. SPLIT / SPLIT_V / UNPACK have several outputs. And
// BROADCAST_TO (broadcast_to_test.cc), ZEROS_LIKE and SHAPE.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import type { AnyOp } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { cli } from '../helpers/cli.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Data {
  shape: number[];
  values: number[];
  /** A constant's dtype (int32 unless said), or an input's when it is not the outputs'. */
  dtype?: DType;
  /** A constant (stored in the file) rather than a model input. */
  constant?: boolean;
}

const ARRAYS = { int8: Int8Array, int16: Int16Array, int32: Int32Array, float32: Float32Array } as const;
type Dt = keyof typeof ARRAYS;
const bytesOf = (values: number[], dtype: Dt) => new Uint8Array(ARRAYS[dtype].from(values).buffer);
const valuesOf = (b: Uint8Array, dtype: Dt) => Array.from(new ARRAYS[dtype](b.slice().buffer));

/** One op over `inputs` (data tensors take `dtype`, constants int32 unless said) with outputs of the given shapes. */
function model(kind: AnyOp['kind'], attrs: Record<string, unknown>, inputs: Data[], outShapes: number[][], dtype: Dt = 'int8', version = 1): Graph {
  const quant = (dt: DType) => (dt === 'int8' || dt === 'int16' ? { scales: [0.5], zeroPoints: [0], axis: 0 } : null);
  const tensor = (id: number, shape: number[], dt: DType, data: Uint8Array | null): Tensor => ({
    id, name: `t${id}`, shape, shapeSignature: null, dtype: dt, quant: data ? null : quant(dt), data, isVariable: false,
  });
  const tensors = [
    ...inputs.map((d, i) => tensor(i, d.shape, d.constant ? (d.dtype ?? 'int32') : (d.dtype ?? dtype), d.constant ? bytesOf(d.values, (d.dtype ?? 'int32') as Dt) : null)),
    ...outShapes.map((s, k) => tensor(inputs.length + k, s, dtype, null)),
  ];
  const op = { kind, version, inputs: inputs.map((_, i) => i), outputs: outShapes.map((_, k) => inputs.length + k), attrs, params: null } as AnyOp;
  const graph: Graph = {
    name: kind.toLowerCase(), description: `TFLM ${kind.toLowerCase()} test vectors`, tensors, ops: [op],
    inputs: inputs.flatMap((d, i) => (d.constant ? [] : [i])), outputs: op.outputs, metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph)); // through the writer and the reader: options and versions round trip
}

const hostC = hostCFor('movement ops on host C');

/** Runs on every engine and expects each output's values on each. */
async function expectEverywhere(graph: Graph, inputs: Data[], expected: number[][], dtype: Dt = 'int8'): Promise<void> {
  const runs = await runOnEveryEngine(graph, inputs.filter((d) => !d.constant).map((d) => bytesOf(d.values, (d.dtype ?? dtype) as Dt)), hostC);
  expect(Object.keys(runs)).toContain('wasm');
  for (const [engine, outs] of Object.entries(runs)) {
    expect([engine, outs.map((b) => valuesOf(b, dtype))]).toEqual([engine, expected]);
  }
}

const iota = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
const axisT = (a: number): Data => ({ shape: [1], values: [a], constant: true });

describe('DEPTH_TO_SPACE / SPACE_TO_DEPTH (TFLM depth_to_space_test.cc)', () => {
  // [input shape, output shape, input, expected]: TFLM's 1114, 1124, 1214, 1224 (block 2) and 1111 (block 1).
  const cases: Array<[number[], number[], number[], number[], number]> = [
    [[1, 1, 1, 4], [1, 2, 2, 1], [-57, -11, 35, 81], [-57, -11, 35, 81], 2], // 1.4, 2.3, 3.2, 4.1 quantized on [0, 5]
    [[1, 1, 2, 4], [1, 2, 4, 1], iota(8), [1, 2, 5, 6, 3, 4, 7, 8], 2],
    [[1, 2, 1, 4], [1, 4, 2, 1], iota(8), iota(8), 2],
    [[1, 2, 2, 4], [1, 4, 4, 1], iota(16), [1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], 2],
    [[1, 1, 1, 1], [1, 1, 1, 1], [4], [4], 1],
  ];
  for (const [inShape, outShape, x, y, b] of cases) {
    it(`DEPTH_TO_SPACE ${inShape.join('')}_${b} and SPACE_TO_DEPTH back`, async () => {
      await expectEverywhere(model('DEPTH_TO_SPACE', { blockSize: b }, [{ shape: inShape, values: x }], [outShape], 'int8', 2), [{ shape: inShape, values: x }], [y]);
      await expectEverywhere(model('SPACE_TO_DEPTH', { blockSize: b }, [{ shape: outShape, values: y }], [inShape], 'int8', 2), [{ shape: outShape, values: y }], [x]);
    });
  }

  it('batches, several channels per block (2 x 4 x 6 x 3, block 2) round trip; float32 on the reference', async () => {
    const x = Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => ((i * 7) % 251) - 125);
    const s2d = model('SPACE_TO_DEPTH', { blockSize: 2 }, [{ shape: [2, 4, 6, 3], values: x }], [[2, 2, 3, 12]]);
    const runs = await runOnEveryEngine(s2d, [bytesOf(x, 'int8')], hostC);
    const packed = runs.reference![0]!;
    for (const outs of Object.values(runs)) expect(Array.from(outs[0]!)).toEqual(Array.from(packed));
    // element (n=1, y=3, x=4, c=2) lands at (1, 1, 2, (1*2 + 0)*3 + 2)
    expect(valuesOf(packed, 'int8')[((1 * 2 + 1) * 3 + 2) * 12 + 8]).toBe(x[((1 * 4 + 3) * 6 + 4) * 3 + 2]);
    await expectEverywhere(model('DEPTH_TO_SPACE', { blockSize: 2 }, [{ shape: [2, 2, 3, 12], values: [] }], [[2, 4, 6, 3]]), [{ shape: [], values: valuesOf(packed, 'int8') }], [x]);
  });

  it('refuses an int16 input (TFLM: float32 and int8 only) and a depth that is no multiple of the block squared', () => {
    expect(refusal(() => model('DEPTH_TO_SPACE', { blockSize: 2 }, [{ shape: [1, 1, 1, 4], values: [] }], [[1, 2, 2, 1]], 'int16')).code).toBe('E_UNSUPPORTED');
    const e = refusal(() => model('DEPTH_TO_SPACE', { blockSize: 2 }, [{ shape: [1, 1, 1, 6], values: [] }], [[1, 2, 2, 1]]));
    expect(e.message).toMatch(/^DEPTH_TO_SPACE \(node 0\).*input depth 6 is not a multiple of block size 2 squared/);
  });
});

describe('EXPAND_DIMS', () => {
  it('adds a dim of 1 and costs no kernel call (an alias of its input)', async () => {
    const g = model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: iota(6) }, axisT(1)], [[2, 1, 3]]);
    expect(scheduleOf(planModel(g).plan).calls).toEqual([]);
    await expectEverywhere(g, [{ shape: [2, 3], values: iota(6) }, axisT(1)], [iota(6)]);
  });

  it('refuses an output that is not the input with one dim of 1 more', () => {
    expect(refusal(() => model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: [] }, axisT(0)], [[3, 2]])).code).toBe('E_MODEL_FORMAT');
  });

  it('refuses a non-constant axis as TFLM\'s Prepare does (IsConstantTensor), naming node and tensor', () => {
    const e = refusal(() => model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: [] }, { shape: [1], values: [], dtype: 'int32' }], [[2, 1, 3]]));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^EXPAND_DIMS \(node 0\).*'t1'.*the axis must be a constant tensor/);
  });

  it('reads the axis as TFLM\'s VerifyTensorDim: the 1 must sit at it (negative counts from the end), an int64 axis is refused', async () => {
    expect(refusal(() => model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: [] }, axisT(0)], [[2, 1, 3]])).message).toMatch(/output shape \[2,1,3\] is not the input \[2,3\] with a dim of 1 inserted at axis 0/);
    expect(refusal(() => model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: [] }, axisT(3)], [[2, 3, 1]])).code).toBe('E_MODEL_FORMAT');
    expect(refusal(() => model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: [] }, { shape: [1, 1], values: [1], dtype: 'int32', constant: true }], [[2, 1, 3]])).code).toBe('E_MODEL_FORMAT');
    const g = model('EXPAND_DIMS', {}, [{ shape: [2, 3], values: iota(6) }, axisT(-1)], [[2, 3, 1]]);
    await expectEverywhere(g, [{ shape: [2, 3], values: iota(6) }, axisT(-1)], [iota(6)]);
  });
});

describe('PACK (TFLM pack_test.cc)', () => {
  const a = { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] };
  const b = { shape: [2, 3], values: [7, 8, 9, 10, 11, 12] };
  for (const dtype of ['int8', 'int16', 'int32'] as const) {
    it(`Pack${dtype === 'int8' ? 'Int8' : dtype === 'int16' ? 'Int16' : 'Int32'}MultiDimensions: axis 1`, async () => {
      await expectEverywhere(model('PACK', { axis: 1 }, [a, b], [[2, 2, 3]], dtype, dtype === 'int16' ? 3 : 2), [a, b], [[1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12]], dtype);
    });
  }

  it('PackFloatThreeInputs (axis 0) and DifferentAxis (axis 1) as int8', async () => {
    const xs = [{ shape: [2], values: [1, 4] }, { shape: [2], values: [2, 5] }, { shape: [2], values: [3, 6] }];
    await expectEverywhere(model('PACK', { axis: 0 }, xs, [[3, 2]]), xs, [[1, 4, 2, 5, 3, 6]]);
    await expectEverywhere(model('PACK', { axis: 1 }, xs, [[2, 3]]), xs, [[1, 2, 3, 4, 5, 6]]);
  });
});

const x16 = { shape: [2, 2, 2, 2], values: iota(16) };

describe('SPLIT (TFLM split_test.cc): several outputs', () => {
  const cases: Array<[number, number[], number[], number[]]> = [
    [0, [1, 2, 2, 2], iota(8), iota(8, 9)],
    [1, [2, 1, 2, 2], [1, 2, 3, 4, 9, 10, 11, 12], [5, 6, 7, 8, 13, 14, 15, 16]],
    [2, [2, 2, 1, 2], [1, 2, 5, 6, 9, 10, 13, 14], [3, 4, 7, 8, 11, 12, 15, 16]],
    [3, [2, 2, 2, 1], [1, 3, 5, 7, 9, 11, 13, 15], [2, 4, 6, 8, 10, 12, 14, 16]],
    [-4, [1, 2, 2, 2], iota(8), iota(8, 9)],
  ];
  for (const [axis, shape, y1, y2] of cases) {
    it(`TwoSplitFourDimensional axis ${axis}`, async () => {
      await expectEverywhere(model('SPLIT', { axis: axis < 0 ? axis + 4 : axis }, [axisT(axis), x16], [shape, shape], 'int8', 2), [x16], [y1, y2]);
    });
  }

  it('FourSplit (1-D) and TwoSplitFourDimensionalQuantized32 (int32)', async () => {
    const x = { shape: [4], values: [1, 2, 3, 4] };
    await expectEverywhere(model('SPLIT', { axis: 0 }, [axisT(0), x], [[1], [1], [1], [1]], 'int8', 2), [x], [[1], [2], [3], [4]]);
    await expectEverywhere(model('SPLIT', { axis: 1 }, [axisT(1), x16], [[2, 1, 2, 2], [2, 1, 2, 2]], 'int32', 4), [x16], [[1, 2, 3, 4, 9, 10, 11, 12], [5, 6, 7, 8, 13, 14, 15, 16]], 'int32');
  });

  it('refuses outputs that do not cover the input along the axis', () => {
    const e = refusal(() => model('SPLIT', { axis: 0 }, [axisT(0), x16], [[1, 2, 2, 2]], 'int8', 2));
    expect(e.message).toMatch(/^SPLIT \(node 0\).*the outputs take 1 of the input's 2 along axis 0/);
  });
});

describe('SPLIT_V (TFLM split_v_test.cc)', () => {
  it('SPLIT_V_ThreeOutputs: sizes 1, 1, 2 along axis 0', async () => {
    const x = { shape: [4, 3], values: iota(12) };
    const g = model('SPLIT_V', { axis: 0 }, [x, { shape: [3], values: [1, 1, 2], constant: true }, axisT(0)], [[1, 3], [1, 3], [2, 3]], 'int8', 2);
    await expectEverywhere(g, [x], [[1, 2, 3], [4, 5, 6], iota(6, 7)]);
  });

  it('FourDimensional axis 3, OneDimensionalFloatAxis0 (8 outputs); OneDimensionalFloatTest2 (an empty output) is refused typed', async () => {
    const g = model('SPLIT_V', { axis: 3 }, [x16, { shape: [2], values: [1, 1], constant: true }, axisT(3)], [[2, 2, 2, 1], [2, 2, 2, 1]], 'int8', 2);
    await expectEverywhere(g, [x16], [[1, 3, 5, 7, 9, 11, 13, 15], [2, 4, 6, 8, 10, 12, 14, 16]]);
    const x = { shape: [8], values: iota(8) };
    const shapes = [[1], [1], [1], [1], [1], [1], [2], [0]];
    const e = refusal(() => model('SPLIT_V', { axis: 0 }, [x, { shape: [8], values: [1, 1, 1, 1, 1, 1, 2, -1], constant: true }, axisT(0)], shapes, 'int8', 2));
    expect([e.code, e.message]).toEqual(['E_UNSUPPORTED', 'malformed TFLite file: SPLIT_V at node 0 output tensor 10 ("t10") has shape [0] with no elements; zero-size activations are not supported']);
    const eight = model('SPLIT_V', { axis: 0 }, [x, { shape: [8], values: new Array<number>(8).fill(1), constant: true }, axisT(0)], shapes.map(() => [1]), 'int8', 2);
    await expectEverywhere(eight, [x], iota(8).map((v) => [v]));
  });
});

describe('UNPACK (TFLM unpack_test.cc)', () => {
  const x = { shape: [3, 2], values: iota(6) };
  it('UnpackFloatThreeOutputs as int8 (axis 0 and -2) and UnpackQuantized32ThreeOutputs', async () => {
    await expectEverywhere(model('UNPACK', { axis: 0 }, [x], [[2], [2], [2]], 'int8', 2), [x], [[1, 2], [3, 4], [5, 6]]);
    await expectEverywhere(model('UNPACK', { axis: 0 }, [x], [[2], [2], [2]], 'int32', 1), [x], [[1, 2], [3, 4], [5, 6]], 'int32');
  });

  it('along the last axis, and UnpackFloatOneOutput', async () => {
    await expectEverywhere(model('UNPACK', { axis: 1 }, [x], [[3], [3]], 'int8', 2), [x], [[1, 3, 5], [2, 4, 6]]);
    const one = { shape: [1, 6], values: iota(6) };
    await expectEverywhere(model('UNPACK', { axis: 0 }, [one], [[6]], 'int8', 2), [one], [iota(6)]);
  });
});

describe('run --output with several outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-multi-output-'));
  const path = join(dir, 'unpack.tflite');
  writeFileSync(path, writeTflite(model('UNPACK', { axis: 0 }, [{ shape: [3, 2], values: [] }], [[2], [2], [2]], 'int8', 2)));
  writeFileSync(join(dir, 'in.bin'), bytesOf([-1, 2, -3, 4, -5, 6], 'int8'));

  for (const engine of ['reference', 'wasm', ...(hostC ? ['c'] : [])]) {
    it(`writes one file per output (${engine})`, async () => {
      const outs = [0, 1, 2].map((k) => join(dir, `${engine}-out${k}.bin`));
      const r = await cli('run', path, '--engine', engine, '--input', join(dir, 'in.bin'), '--output', ...outs);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(outs.map((o) => valuesOf(new Uint8Array(readFileSync(o)), 'int8'))).toEqual([[-1, 2], [-3, 4], [-5, 6]]);
    });
  }

  it('refuses a count of files other than the outputs', async () => {
    const r = await cli('run', path, '--input', join(dir, 'in.bin'), '--output', join(dir, 'only-one.bin'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/model has 3 output\(s\), got 1 --output file\(s\)/);
  });
});

describe('BROADCAST_TO (TFLM broadcast_to_test.cc, int8 as version 3)', () => {
  const dims = (d: number[]): Data => ({ shape: [d.length], values: d, constant: true });
  const cases: Array<[string, number[], number[], number[], number[]]> = [
    ['Broadcast1DConstTest', [1], [3], [4], [3, 3, 3, 3]],
    ['Broadcast4DConstTest', [2, 2], [2, 3, 4, 5], [2, 2, 2, 2], [2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5]],
    ['ComplexBroadcast4DConstTest', [1, 3, 1, 2], iota(6), [3, 3, 2, 2], [1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6]],
    ['NoBroadcastingConstTest', [3, 1, 2], iota(6), [3, 1, 2], iota(6)],
    ['BroadcastInt64ShpaeTest', [1, 1, 1, 2], [3, 4], [1, 1, 2, 2], [3, 4, 3, 4]],
  ];
  for (const [name, inShape, x, outShape, y] of cases) {
    it(name, async () => {
      const xs: Data[] = [{ shape: inShape, values: x }, dims(outShape)];
      await expectEverywhere(model('BROADCAST_TO', {}, xs, [outShape], 'int8', 3), xs, [y]);
    });
  }

  it('int16 and int32 elements; TooManyDimension and MismatchDimension are refused typed', async () => {
    for (const dtype of ['int16', 'int32'] as const) {
      const xs: Data[] = [{ shape: [1, 3, 1, 2], values: [-1000, 2, 300, -4, 5, 6000] }, dims([3, 3, 2, 2])];
      const want = [-1000, 2, -1000, 2, 300, -4, 300, -4, 5, 6000, 5, 6000];
      await expectEverywhere(model('BROADCAST_TO', {}, xs, [[3, 3, 2, 2]], dtype, 3), xs, [[...want, ...want, ...want]], dtype);
    }
    expect(refusal(() => model('BROADCAST_TO', {}, [{ shape: [2, 2], values: [] }, dims([2, 2, 2, 2, 2, 2])], [[2, 2, 2, 2, 2, 2]], 'int8', 3)).message).toMatch(/output rank 6 exceeds TFLM's 5/);
    expect(refusal(() => model('BROADCAST_TO', {}, [{ shape: [4, 1, 3], values: [] }, dims([2, 4, 1, 2])], [[2, 4, 1, 2]], 'int8', 3)).message).toMatch(/input \[4,1,3\] does not broadcast to \[2,4,1,2\]/);
  });
});

describe('ZEROS_LIKE and SHAPE', () => {
  it('ZEROS_LIKE writes stored zeros (not the zero point) for int8 and int32; int16 is refused as TFLM does', async () => {
    const x: Data = { shape: [1, 2, 2, 1], values: [-3, 5, 7, -9] };
    await expectEverywhere(model('ZEROS_LIKE', {}, [x], [[1, 2, 2, 1]]), [x], [[0, 0, 0, 0]]);
    const big: Data = { shape: [3, 5, 7], values: Array.from({ length: 105 }, (_, i) => 1000 * i - 7) };
    await expectEverywhere(model('ZEROS_LIKE', {}, [big], [[3, 5, 7]], 'int32'), [big], [new Array<number>(105).fill(0)], 'int32');
    expect(refusal(() => model('ZEROS_LIKE', {}, [x], [[1, 2, 2, 1]], 'int16')).code).toBe('E_UNSUPPORTED');
  });

  it('SHAPE gives the input dims as int32; an int64 output is refused (TFLM: int32 only)', async () => {
    const x: Data = { shape: [1, 3, 4, 2], values: new Array<number>(24).fill(1), dtype: 'int8' };
    await expectEverywhere(model('SHAPE', {}, [x], [[4]], 'int32'), [x], [[1, 3, 4, 2]], 'int32');
    const e = refusal(() => model('SHAPE', {}, [{ shape: [2, 5], values: [], dtype: 'int8' }], [[2]], 'int64' as Dt));
    expect(e.code).toBe('E_UNSUPPORTED');
  });
});

describe('GATHER (TFLM gather_test.cc): int8 with int32 positions, runtime or constant', () => {
  const pos = (shape: number[], values: number[], constant = false): Data => ({ shape, values, dtype: 'int32', constant });
  const v60 = Array.from({ length: 60 }, (_, i) => i);
  const cases: Array<[string, Data, Data, number, number, number[], number[]]> = [
    ['GatherOp_Int8Int32', { shape: [2, 2], values: [-13, -120, 14, 15] }, pos([2], [1, 0]), 0, 0, [2, 2], [14, 15, -13, -120]],
    ['GatherOp_Duplicate', { shape: [1, 2, 2], values: [-20, 2, 7, 8] }, pos([2], [0, 0]), 0, 0, [2, 2, 2], [-20, 2, 7, 8, -20, 2, 7, 8]],
    ['GatherOp_Axis1', { shape: [1, 2, 3], values: iota(6) }, pos([2], [1, 0]), 1, 0, [1, 2, 3], [4, 5, 6, 1, 2, 3]],
    ['GatherOp_Axis1Slice', { shape: [1, 4, 2], values: iota(8) }, pos([2], [3, 1]), 1, 0, [1, 2, 2], [7, 8, 3, 4]],
    ['GatherOp_LastAxis', { shape: [1, 2, 3], values: iota(6) }, pos([2], [2, 0]), 2, 0, [1, 2, 2], [3, 1, 6, 4]],
    ['GatherOp_Test2DIndexWith2DResult', { shape: [3], values: [1, 2, 3] }, pos([1, 2], [1, 0]), 0, 0, [1, 2], [2, 1]],
    ['GatherOp_BatchDims2', { shape: [2, 2, 3, 5], values: v60 }, pos([2, 2, 2], [1, 0, 0, 1, 1, 0, 0, 1]), 2, 2, [2, 2, 2, 5],
      [5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 35, 36, 37, 38, 39, 30, 31, 32, 33, 34, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54]],
    ['GatherOp_BatchDims1', { shape: [2, 2, 3, 5], values: v60 }, pos([2, 2, 2], [1, 0, 0, 1, 1, 0, 0, 1]), 2, 1, [2, 2, 2, 2, 5], [
      5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 15, 16, 17, 18, 19, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
      35, 36, 37, 38, 39, 30, 31, 32, 33, 34, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 50, 51, 52, 53, 54, 45, 46, 47, 48, 49, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54]],
  ];
  for (const [name, x, p, axis, batchDims, outShape, y] of cases) {
    it(`${name}: positions as an input and as a constant`, async () => {
      await expectEverywhere(model('GATHER', { axis, batchDims }, [x, p], [outShape], 'int8', 5), [x, p], [y]);
      const c = { ...p, constant: true };
      await expectEverywhere(model('GATHER', { axis, batchDims }, [x, c], [outShape], 'int8', 5), [x, c], [y]);
    });
  }

  it('a constant position outside the axis is refused at load; at run time the reference refuses it, the kernels write zeros', async () => {
    const x: Data = { shape: [3, 2], values: iota(6) };
    expect(refusal(() => model('GATHER', { axis: 0, batchDims: 0 }, [x, pos([2], [1, 3], true)], [[2, 2]], 'int8', 5)).message).toMatch(/^GATHER \(node 0\).*position 1 is 3, outside the axis of 3/);
    const g = model('GATHER', { axis: 0, batchDims: 0 }, [x, pos([2], [])], [[2, 2]], 'int8', 5);
    const runs = await runOnEveryEngine(g, [bytesOf(x.values, 'int8'), bytesOf([2, 0], 'int32')], hostC);
    for (const outs of Object.values(runs)) expect(valuesOf(outs[0]!, 'int8')).toEqual([5, 6, 1, 2]);
    const bad = [bytesOf(x.values, 'int8'), bytesOf([1, -1], 'int32')];
    expect(refusal(() => runReference(g, bad)).code).toBe('E_INPUT_DATA');
    const kernels = await runOnEveryEngine(g, bad, hostC, false);
    expect(Object.keys(kernels)).toEqual(['wasm', 'scalar', ...(hostC ? ['c'] : [])]);
    for (const outs of Object.values(kernels)) expect(valuesOf(outs[0]!, 'int8')).toEqual([3, 4, 0, 0]);
  });

  it('int16 input is refused (TFLM: float32 and int8)', () => {
    expect(refusal(() => model('GATHER', { axis: 0, batchDims: 0 }, [{ shape: [3], values: [] }, pos([1], [0], true)], [[1]], 'int16', 5)).code).toBe('E_UNSUPPORTED');
  });
});
