// AVERAGE_POOL_2D / MAX_POOL_2D with int16 activations from TFLM's pooling_test.cc (its Int16 cases: the
// input values, scales, strides, fused activations and goldens as written there): single-op .tflite files
// written and read back, run on the reference kernels, the wasm module (SIMD and scalar) and the host C
// build; every engine must give TFLM's golden exactly.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';

type Kind = 'AVERAGE_POOL_2D' | 'MAX_POOL_2D';

interface Case {
  name: string;
  kind: Kind;
  input: number[];
  scale: number;
  stride: [number, number];
  /** 'same' here is TFLite's SAME for a 2x2 filter at stride 1: one row and column of padding after. */
  padding: 'valid' | 'same';
  /** The fused activation's clamp in quantized values (the writer turns it back into RELU / RELU_N1_TO_1 / RELU6). */
  clamp: [number, number];
  outputShape: number[];
  golden: number[];
}

const FULL: [number, number] = [-32768, 32767];
const A = [0, -24, 8, 16, 12, 8, -40, 28];
const B = [12, -24, 32, 16, 12, 8, 40, 28];

const CASES: Case[] = [
  { name: 'SimpleAveragePoolTestInt16PaddingValidStride2ActNone', kind: 'AVERAGE_POOL_2D', input: A, scale: 0.25, stride: [2, 2], padding: 'valid', clamp: FULL, outputShape: [1, 1, 2, 1], golden: [-1, 3] },
  { name: 'SimpleAveragePoolTestInt16PaddingValidStride1Stride2Relu', kind: 'AVERAGE_POOL_2D', input: A, scale: 0.25, stride: [2, 1], padding: 'valid', clamp: [0, 32767], outputShape: [1, 1, 3, 1], golden: [0, 0, 3] },
  { name: 'SimpleAveragePoolTestInt16PaddingValidStride2Stride1ReluN1To1', kind: 'AVERAGE_POOL_2D', input: A, scale: 0.25, stride: [1, 2], padding: 'valid', clamp: [-4, 4], outputShape: [1, 1, 2, 1], golden: [-1, 3] },
  { name: 'SimpleAveragePoolTestInt16PaddingValidStride2Relu6', kind: 'AVERAGE_POOL_2D', input: B, scale: 0.25, stride: [2, 2], padding: 'valid', clamp: [0, 24], outputShape: [1, 1, 2, 1], golden: [2, 24] },
  { name: 'SimpleAveragePoolTestInt16PaddingSameStride1ActNone', kind: 'AVERAGE_POOL_2D', input: B, scale: 0.25, stride: [1, 1], padding: 'same', clamp: FULL, outputShape: [1, 2, 4, 1], golden: [2, 14, 29, 22, 10, 24, 34, 28] },
  { name: 'SimpleMaxPoolTestInt16ActNone', kind: 'MAX_POOL_2D', input: [0, 6, 2, 4, 3, 2, 10, 7], scale: 1, stride: [2, 2], padding: 'valid', clamp: FULL, outputShape: [1, 1, 2, 1], golden: [6, 10] },
  { name: 'MaxPoolTestInt16ActRelu', kind: 'MAX_POOL_2D', input: [-3, -12, 4, 8, -6, -4, 20, 14], scale: 0.5, stride: [2, 2], padding: 'valid', clamp: [0, 32767], outputShape: [1, 1, 2, 1], golden: [0, 20] },
  { name: 'MaxPoolTestInt16ActReluN1To1', kind: 'MAX_POOL_2D', input: [-2, -6, -2, -4, -3, -2, 10, 7], scale: 1, stride: [2, 2], padding: 'valid', clamp: [-1, 1], outputShape: [1, 1, 2, 1], golden: [-1, 1] },
  { name: 'MaxPoolTestInt16ActRelu6', kind: 'MAX_POOL_2D', input: [0, -6, 12, 4, -3, -2, 10, 7], scale: 1, stride: [2, 2], padding: 'valid', clamp: [0, 6], outputShape: [1, 1, 2, 1], golden: [0, 6] },
];

function model(c: Case): Uint8Array {
  const t = (id: number, name: string, shape: number[]): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: 'int16', quant: { scales: [c.scale], zeroPoints: [0], axis: 0 }, data: null, isVariable: false,
  });
  const pad = c.padding === 'same' ? { top: 0, bottom: 1, left: 0, right: 1 } : { top: 0, bottom: 0, left: 0, right: 0 };
  const graph: Graph = {
    name: c.name, description: 'TFLM pooling_test int16 vectors', tensors: [t(0, 'input', [1, 2, 4, 1]), t(1, 'output', c.outputShape)],
    // the version TFLite's converter writes for int16 pools (op_version.cc)
    ops: [{ kind: c.kind, version: 3, inputs: [0], outputs: [1], attrs: { filter: [2, 2], stride: c.stride, pad, clamp: c.clamp }, params: null } as never],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

const hostC = hostCFor('int16 pools on host C');

describe('AVERAGE_POOL_2D / MAX_POOL_2D int16 (TFLM pooling_test.cc)', () => {
  for (const c of CASES) {
    it(`${c.name}: TFLM's golden on every engine`, async () => {
      const graph = readTflite(model(c));
      expect(graph.ops[0]!.attrs).toMatchObject({ clamp: c.clamp });
      const runs = await runOnEveryEngine(graph, [new Uint8Array(Int16Array.from(c.input).buffer)], hostC);
      expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
      for (const [engine, outs] of Object.entries(runs)) {
        const o = outs[0]!;
        expect([engine, Array.from(new Int16Array(o.buffer, o.byteOffset, o.length / 2))]).toEqual([engine, c.golden]);
      }
    });
  }
});
