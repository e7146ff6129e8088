// Small float32 graphs the quantizer tests check by hand.
import { FLOAT32_MAX } from '../../src/ir/float.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';

export const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

export function floatTensor(id: number, name: string, shape: number[], data: Uint8Array | null = null): Tensor {
  return { id, name, shape, shapeSignature: null, dtype: 'float32', quant: null, data, isVariable: false };
}

/** x[1,2] -> FULLY_CONNECTED(W = [[1, -0.5], [0.25, 2]], b = [0.5, -1]) -> y[1,2], all float32. */
export function floatFc(clamp: [number, number] = [-FLOAT32_MAX, FLOAT32_MAX]): Graph {
  const fc: AnyOp = { kind: 'FULLY_CONNECTED', version: 1, inputs: [0, 1, 2], outputs: [3], attrs: { clamp, keepNumDims: false }, params: null };
  return {
    name: 'fc',
    description: '',
    tensors: [floatTensor(0, 'x', [1, 2]), floatTensor(1, 'w', [2, 2], f32([1, -0.5, 0.25, 2])), floatTensor(2, 'b', [2], f32([0.5, -1])), floatTensor(3, 'y', [1, 2])],
    ops: [fc],
    inputs: [0],
    outputs: [3],
    metadata: [],
    signatureDefs: [],
  };
}
