// Variable tensors (TFLite's is_variable: state an op reads and writes, carried from one invoke to the next).
import type { Graph, Tensor } from './graph.js';

/** The byte TFLM's ResetVariableTensors sets every byte of a variable tensor to: an int8 tensor's zero point, else 0. */
export function resetByte(t: Tensor): number {
  return t.dtype === 'int8' ? (t.quant?.zeroPoints[0] ?? 0) & 0xff : 0;
}

/** Ids of the graph's variable tensors (never constants: their file contents are not their value). */
export function variableTensors(graph: Graph): number[] {
  return graph.tensors.filter((t) => t.isVariable && t.data === null).map((t) => t.id);
}
