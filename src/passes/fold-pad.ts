// foldPad: a PAD that only feeds a convolution becomes the convolution's explicit padding.
//
// TFLM's int8 CONV_2D and DEPTHWISE_CONV_2D skip out-of-image pixels, which is the same as reading the
// input zero point there (x + inputOffset = 0). So PAD(x, zp) -> conv is exactly conv(x) with the PAD's
// spatial pads added to the conv's own (asymmetric and larger pads included: the deriver and the
// kernels use pad.top/pad.left and the output shape). The PAD output tensor stays in the table unused.
import type { AnyOp, Graph } from '../ir/graph.js';
import { consumersOf, rederive } from './util.js';

function sameQuant(graph: Graph, a: number, b: number): boolean {
  const qa = graph.tensors[a]!.quant, qb = graph.tensors[b]!.quant;
  if (!qa || !qb || qa.scales.length !== 1 || qb.scales.length !== 1) return false;
  return qa.scales[0] === qb.scales[0] && qa.zeroPoints[0] === qb.zeroPoints[0];
}

/** The PAD's [top, bottom, left, right] when it may fold into its consumer, else null. */
function foldablePad(graph: Graph, op: AnyOp, consumers: Map<number, number[]>): [number, number, number, number] | null {
  if (op.kind !== 'PAD' && op.kind !== 'PADV2') return null;
  const input = op.inputs[0]!, output = op.outputs[0]!;
  const inT = graph.tensors[input]!;
  if (inT.dtype !== 'int8' || inT.shape.length !== 4 || !sameQuant(graph, input, output)) return null;
  if (op.params?.padValue !== inT.quant!.zeroPoints[0]) return null;
  const p = op.attrs.paddings;
  if (p[0]![0] !== 0 || p[0]![1] !== 0 || p[3]![0] !== 0 || p[3]![1] !== 0) return null;
  if (graph.outputs.includes(output)) return null;
  const readers = consumers.get(output) ?? [];
  if (readers.length !== 1) return null;
  const conv = graph.ops[readers[0]!]!;
  if (conv.kind !== 'CONV_2D' && conv.kind !== 'DEPTHWISE_CONV_2D') return null;
  if (conv.inputs[0] !== output || conv.inputs.slice(1).includes(output)) return null;
  return [p[1]![0], p[1]![1], p[2]![0], p[2]![1]];
}

export function foldPad(graph: Graph): Graph {
  const consumers = consumersOf(graph);
  const dropped = new Set<number>();
  const ops = graph.ops.slice();
  graph.ops.forEach((op, i) => {
    const pads = foldablePad(graph, op, consumers);
    if (!pads) return;
    const c = consumers.get(op.outputs[0]!)![0]!;
    const conv = ops[c]!;
    if (conv.kind !== 'CONV_2D' && conv.kind !== 'DEPTHWISE_CONV_2D') return;
    const [top, bottom, left, right] = pads;
    const pad = conv.attrs.pad;
    const attrs = { ...conv.attrs, pad: { top: pad.top + top, bottom: pad.bottom + bottom, left: pad.left + left, right: pad.right + right } };
    ops[c] = rederive(graph, { ...conv, inputs: [op.inputs[0]!, ...conv.inputs.slice(1)], attrs } as AnyOp, c);
    dropped.add(i);
  });
  if (dropped.size === 0) return graph;
  return { ...graph, ops: ops.filter((_, i) => !dropped.has(i)) };
}
