// One float32 op as a Graph (params derived by the production table), run by the reference interpreter.
import type { AnyOp, DType, Graph, Tensor } from '../../../src/ir/graph.js';
import type { OpAttrs, OpKind } from '../../../src/ir/ops.js';
import { deriveParams, type DeriveContext } from '../../../src/ir/params/index.js';
import { runReference } from '../../../src/reference/interpreter.js';

export interface FloatSpec {
  shape: number[];
  /** Constant contents (weights, bias, axes, sizes); absent for the op's activations. */
  values?: number[];
  dtype?: DType; // float32 unless given
  quant?: { scale: number; zeroPoint: number };
}

const f32 = Math.fround;

function bytesOf(dtype: DType, values: number[]): Uint8Array {
  const array = dtype === 'int32' ? Int32Array.from(values) : dtype === 'int8' ? Int8Array.from(values) : Float32Array.from(values);
  return new Uint8Array(array.buffer);
}

/** A graph of one op: activations (specs without values) are the graph inputs, in order. */
export function floatOpGraph<K extends OpKind>(kind: K, attrs: OpAttrs[K], inputs: Array<FloatSpec | null>, output: FloatSpec): Graph {
  const tensors: Tensor[] = [];
  const add = (s: FloatSpec): number => {
    const dtype = s.dtype ?? 'float32';
    const id = tensors.length;
    tensors.push({
      id, name: `t${id}`, shape: s.shape, shapeSignature: null, dtype,
      quant: s.quant ? { scales: [f32(s.quant.scale)], zeroPoints: [s.quant.zeroPoint], axis: 0 } : null,
      data: s.values ? bytesOf(dtype, s.values) : null, isVariable: false,
    });
    return id;
  };
  const ids = inputs.map((s) => (s ? add(s) : -1));
  const out = add(output);
  const bare = { kind, version: 1, inputs: ids, outputs: [out], attrs };
  const params = deriveParams({ op: bare, index: 0, tensors } as DeriveContext<K>);
  return {
    name: '', description: '', tensors, ops: [{ ...bare, params } as AnyOp],
    inputs: ids.filter((id) => id >= 0 && tensors[id]!.data === null), outputs: [out], metadata: [], signatureDefs: [],
  };
}

/** Runs the graph on float32 activations (one array per graph input) and returns the output's elements. */
export function runFloat(graph: Graph, ...activations: number[][]): number[] {
  const inputs = graph.inputs.map((id, i) => bytesOf(graph.tensors[id]!.dtype, activations[i]!));
  const [out] = runReference(graph, inputs).outputs;
  const dtype = graph.tensors[graph.outputs[0]!]!.dtype;
  const view = dtype === 'int8' ? new Int8Array(out!.buffer) : new Float32Array(out!.buffer);
  return Array.from(view);
}
