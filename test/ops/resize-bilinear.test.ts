// RESIZE_BILINEAR from TFLM's resize_bilinear_test.cc (its int8 and float vectors) and hand-worked cases of
// TFLM's integer arithmetic (reference_ops::ResizeBilinearInteger: 10-bit positions, a 20-bit weighted sum
// rounded half away from zero, half_pixel_centers' negative first position, align_corners' scale). Single-op
// .tflite files written and read back; int8 on the reference, wasm SIMD/scalar and host C, float32 on the reference.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Spec {
  inShape: number[];
  size: [number, number];
  alignCorners?: boolean;
  halfPixelCenters?: boolean;
  dtype?: DType;
  outShape?: number[];
  version?: number;
}

/** The one-op model: input (a model input), the constant int32 size, output [batch, size, depth]; int8 at scale 1, zero point 0. */
function model(s: Spec): Uint8Array {
  const dtype = s.dtype ?? 'int8';
  const quant = dtype === 'float32' ? null : { scales: [1], zeroPoints: [0], axis: 0 };
  const outShape = s.outShape ?? [s.inShape[0]!, s.size[0], s.size[1], s.inShape[3]!];
  const t = (id: number, name: string, shape: number[]): Tensor => ({ id, name, shape, shapeSignature: null, dtype, quant, data: null, isVariable: false });
  const graph: Graph = {
    name: 'resize_bilinear', description: 'TFLM resize_bilinear_test vectors',
    tensors: [
      t(0, 'input', s.inShape),
      { id: 1, name: 'size', shape: [2], shapeSignature: null, dtype: 'int32', quant: null, data: new Uint8Array(Int32Array.from(s.size).buffer), isVariable: false },
      t(2, 'output', outShape),
    ],
    ops: [{ kind: 'RESIZE_BILINEAR', version: s.version ?? 3, inputs: [0, 1], outputs: [2], attrs: { alignCorners: s.alignCorners ?? false, halfPixelCenters: s.halfPixelCenters ?? false }, params: null }],
    inputs: [0], outputs: [2], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('RESIZE_BILINEAR on host C');

/** The int8 output of every engine (at least reference, wasm SIMD and scalar); all must be equal, and that is returned. */
async function int8Everywhere(s: Spec, input: number[]): Promise<number[]> {
  const runs = await runOnEveryEngine(readTflite(model(s)), [new Uint8Array(Int8Array.from(input).buffer)], hostC);
  expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
  const all = Object.entries(runs).map(([engine, outs]) => [engine, Array.from(new Int8Array(outs[0]!.buffer, outs[0]!.byteOffset, outs[0]!.length))] as const);
  for (const [engine, out] of all) expect([engine, out]).toEqual([engine, all[0]![1]]);
  return all[0]![1];
}

function floatReference(s: Spec, input: number[]): number[] {
  const out = runReference(readTflite(model({ ...s, dtype: 'float32' })), [new Uint8Array(Float32Array.from(input).buffer)]).outputs[0]!;
  return Array.from(new Float32Array(out.buffer, out.byteOffset, out.length / 4));
}

describe('RESIZE_BILINEAR int8 (TFLM resize_bilinear_test.cc)', () => {
  it('HorizontalResizeInt8: [3, 6] to width 3', async () => {
    expect(await int8Everywhere({ inShape: [1, 1, 2, 1], size: [1, 3] }, [3, 6])).toEqual([3, 5, 6]);
  });

  it('VerticalResizeInt8: [3, 9] to height 3', async () => {
    expect(await int8Everywhere({ inShape: [1, 2, 1, 1], size: [3, 1] }, [3, 9])).toEqual([3, 7, 9]);
  });

  it('TwoDimensionalResizeInt8: 2x2 to 3x3', async () => {
    expect(await int8Everywhere({ inShape: [1, 2, 2, 1], size: [3, 3] }, [3, 6, 9, 12])).toEqual([3, 5, 6, 7, 9, 10, 9, 11, 12]);
  });

  it('TwoDimensionalResizeWithTwoBatchesInt8: within TFLM\'s tolerance of 1, and exactly the integer formula (scale 683/1024)', async () => {
    const out = await int8Everywhere({ inShape: [2, 2, 2, 1], size: [3, 3] }, [3, 6, 9, 12, 4, 10, 12, 16]);
    const golden = [3, 5, 6, 7, 9, 10, 9, 11, 12, 4, 8, 10, 9, 12, 13, 12, 14, 16];
    out.forEach((v, i) => expect(Math.abs(v - golden[i]!), `element ${i}`).toBeLessThanOrEqual(1));
    // worked by hand, e.g. row 1 col 2 of batch 1: (10 * (341 * 682 + 341 * 342) + 16 * (683 * 682 + 683 * 342) + 2^19) / 2^20 = 14.5 -> 14
    expect(out).toEqual([3, 5, 6, 7, 9, 10, 9, 11, 12, 4, 8, 10, 9, 12, 14, 12, 15, 16]);
  });

  it('ThreeDimensionalResizeInt8: two channels, within TFLM\'s tolerance of 1', async () => {
    const out = await int8Everywhere({ inShape: [1, 2, 2, 2], size: [3, 3] }, [3, 4, 6, 10, 10, 12, 14, 16]);
    const golden = [3, 4, 5, 8, 6, 10, 7, 9, 10, 12, 11, 13, 10, 12, 12, 14, 14, 16];
    out.forEach((v, i) => expect(Math.abs(v - golden[i]!), `element ${i}`).toBeLessThanOrEqual(1));
  });

  it('half_pixel_centers: the first position is -256/1024 (one source pixel), sums of exactly -0.5 round away from zero', async () => {
    // scale 2048/4 = 512: positions -256, 256, 768, 1280 -> sources (0,0), (0,1) 1/4, (0,1) 3/4, (1,1)
    expect(await int8Everywhere({ inShape: [1, 1, 2, 1], size: [1, 4], halfPixelCenters: true }, [-100, 100])).toEqual([-100, -50, 50, 100]);
    // -2 * 256 * 1024 = -2^19: (-2^19 - 2^19) / 2^20 = -1 (a floor shift would give 0)
    expect(await int8Everywhere({ inShape: [1, 1, 2, 1], size: [1, 4], halfPixelCenters: true }, [-2, 0])).toEqual([-2, -2, -1, 0]);
  });

  it('align_corners: scale (1024 + 1) / 3 = 341, the last column at 1023/1024', async () => {
    expect(await int8Everywhere({ inShape: [1, 1, 2, 1], size: [1, 4], alignCorners: true }, [0, 90])).toEqual([0, 30, 60, 90]);
  });

  it('a downscale with several channels and batches agrees on every engine', async () => {
    const input = Array.from({ length: 2 * 5 * 7 * 3 }, (_, i) => ((i * 73) % 256) - 128);
    const out = await int8Everywhere({ inShape: [2, 5, 7, 3], size: [3, 4], halfPixelCenters: true }, input);
    expect(out.length).toBe(2 * 3 * 4 * 3);
  });
});

describe('RESIZE_BILINEAR float32 (TFLM resize_bilinear_test.cc float vectors, reference)', () => {
  /** Within TFLM's tolerance of 1e-5, element by element. */
  const near = (got: number[], want: number[]) => {
    expect(got.length).toBe(want.length);
    want.forEach((v, i) => expect(Math.abs(got[i]! - v), `element ${i}`).toBeLessThanOrEqual(1e-5));
  };

  it('HorizontalResize, VerticalResize, TwoDimensionalResize', () => {
    near(floatReference({ inShape: [1, 1, 2, 1], size: [1, 3] }, [3, 6]), [3, 5, 6]);
    near(floatReference({ inShape: [1, 2, 1, 1], size: [3, 1] }, [3, 9]), [3, 7, 9]);
    near(floatReference({ inShape: [1, 2, 2, 1], size: [3, 3] }, [3, 6, 9, 12]), [3, 5, 6, 7, 9, 10, 9, 11, 12]);
  });

  it('TwoDimensionalResizeWithTwoBatches and ThreeDimensionalResize within 1e-5', () => {
    near(floatReference({ inShape: [2, 2, 2, 1], size: [3, 3] }, [3, 6, 9, 12, 4, 10, 10, 16]), [3, 5, 6, 7, 9, 10, 9, 11, 12, 4, 8, 10, 8, 12, 14, 10, 14, 16]);
    near(floatReference({ inShape: [1, 2, 2, 2], size: [3, 3] }, [3, 4, 6, 10, 9, 10, 12, 16]), [3, 4, 5, 8, 6, 10, 7, 8, 9, 12, 10, 14, 9, 10, 11, 14, 12, 16]);
  });
});

describe('RESIZE_BILINEAR refusals (TFLM resize_bilinear.cc Prepare / Eval)', () => {
  it('half_pixel_centers with align_corners', () => {
    const e = refusal(() => readTflite(model({ inShape: [1, 1, 2, 1], size: [1, 4], alignCorners: true, halfPixelCenters: true })));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/^RESIZE_BILINEAR \(node 0\).*half_pixel_centers.*align_corners/);
  });

  it('int16 (TFLM\'s Eval takes float32 and int8 only)', () => {
    const e = refusal(() => readTflite(model({ inShape: [1, 1, 2, 1], size: [1, 4], dtype: 'int16', version: 4 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/RESIZE_BILINEAR.*int16/);
  });

  it('an output shape other than [batch, size, depth]', () => {
    const e = refusal(() => readTflite(model({ inShape: [1, 1, 2, 1], size: [1, 4], outShape: [1, 1, 3, 1] })));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/RESIZE_BILINEAR.*\[1,1,4,1\]/);
  });

  it('an upscale so large that TFLM\'s lower source index passes the input (it would read outside it)', () => {
    // width 2 -> 3000: scale (2048 + 1500) / 3000 = 1, the last position 2999 / 1024 -> source column 2 of 2
    const e = refusal(() => readTflite(model({ inShape: [1, 1, 2, 1], size: [1, 3000] })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/RESIZE_BILINEAR.*source column 2.*width 2/);
  });
});
