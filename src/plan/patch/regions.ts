// Spatial regions for patch-based inference: which ops can run on a tile, which input pixels a tile of
// an op's output needs (its receptive field), and the op as it runs on one tile (tile pads).
//
// A tile call sees a compact input tile that holds exactly the input pixels its output tile needs,
// clipped to the image. Its explicit pads are then the part of the window that lies outside the true
// image: non-zero only on a tile that touches the image border. Halo pixels are real data.
import type { AnyOp, Graph } from '../../ir/graph.js';
import type { Padding } from '../../ir/ops.js';
import { effectiveFilterSize } from '../../ir/shapes.js';
import { OP_TABLE } from '../../ir/op-table.js';

/** Half-open rectangle of spatial positions [y0, y1) x [x0, x1) of an NHWC tensor. */
export interface Box {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

export const boxEquals = (a: Box, b: Box): boolean => a.y0 === b.y0 && a.y1 === b.y1 && a.x0 === b.x0 && a.x1 === b.x1;
export const boxUnion = (a: Box, b: Box): Box => ({ y0: Math.min(a.y0, b.y0), y1: Math.max(a.y1, b.y1), x0: Math.min(a.x0, b.x0), x1: Math.max(a.x1, b.x1) });
export const boxEmpty = (b: Box): boolean => b.y1 <= b.y0 || b.x1 <= b.x0;
export const boxHeight = (b: Box): number => b.y1 - b.y0;
export const boxWidth = (b: Box): number => b.x1 - b.x0;
export const boxKey = (b: Box): string => `${b.y0},${b.y1},${b.x0},${b.x1}`;

const isActivation = (graph: Graph, t: number) => t >= 0 && !graph.tensors[t]!.data;

/** Activation inputs of an op: positions in op.inputs that read an arena tensor. */
export function activationInputs(graph: Graph, op: AnyOp): number[] {
  return op.inputs.flatMap((t, pos) => (isActivation(graph, t) ? [pos] : []));
}

/** Why the op cannot run tile by tile, or null when it can. */
export function notTileable(graph: Graph, op: AnyOp): string | null {
  if (op.outputs.length !== 1) return `${op.kind} has ${op.outputs.length} outputs`;
  const out = graph.tensors[op.outputs[0]!]!;
  const is4d = (shape: readonly number[]) => shape.length === 4 && shape[0] === 1;
  if (!is4d(out.shape)) return `${op.kind} output [${out.shape.join(',')}] is not a 1xHxWxC tensor`;
  const ins = activationInputs(graph, op).map((pos) => graph.tensors[op.inputs[pos]!]!);
  if (ins.length === 0) return `${op.kind} reads no activation`;
  if (ins.some((t) => !is4d(t.shape))) return `${op.kind} reads a tensor that is not 1xHxWxC`;
  const sameSpatial = ins.every((t) => t.shape[1] === out.shape[1] && t.shape[2] === out.shape[2]);
  switch (OP_TABLE[op.kind].tile) {
    case 'window':
      return null;
    case 'pointwise': {
      // Constants (broadcast operands) would need slicing per tile too: refused.
      const constants = op.inputs.some((t) => t >= 0 && graph.tensors[t]!.data);
      if (constants || !sameSpatial || ins.some((t) => t.shape[3] !== out.shape[3])) return `${op.kind} broadcasts`;
      return null;
    }
    case 'channels':
      return op.kind === 'CONCATENATION' && op.attrs.axis === 3 && sameSpatial ? null : `${op.kind} is not along channels`;
    case 'pad': {
      if (op.kind !== 'PAD' && op.kind !== 'PADV2') return `${op.kind} has no paddings`;
      const p = op.attrs.paddings;
      return p[0]![0] === 0 && p[0]![1] === 0 && p[3]![0] === 0 && p[3]![1] === 0 ? null : `${op.kind} pads outside the spatial dims`;
    }
    case 'none':
      return `${op.kind} is not a spatial op`;
  }
}

interface Window1D {
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

function windowOf(op: AnyOp, graph: Graph): [Window1D, Window1D] | null {
  switch (op.kind) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const f = graph.tensors[op.inputs[1]!]!.shape;
      const a = op.attrs;
      return [
        { kernel: f[1]!, stride: a.stride[0], dilation: a.dilation[0], padBefore: a.pad.top },
        { kernel: f[2]!, stride: a.stride[1], dilation: a.dilation[1], padBefore: a.pad.left },
      ];
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D': {
      const a = op.attrs;
      return [
        { kernel: a.filter[0], stride: a.stride[0], dilation: 1, padBefore: a.pad.top },
        { kernel: a.filter[1], stride: a.stride[1], dilation: 1, padBefore: a.pad.left },
      ];
    }
    default:
      return null;
  }
}

/** Input positions [start, end) the outputs [o0, o1) read, unclipped (may lie outside the image). */
function windowSpan(w: Window1D, o0: number, o1: number): [number, number] {
  return [o0 * w.stride - w.padBefore, (o1 - 1) * w.stride - w.padBefore + effectiveFilterSize(w.kernel, w.dilation)];
}

/** The input box each activation input needs for `out` (null at constant/absent positions), clipped to the image. */
export function inputBoxes(graph: Graph, op: AnyOp, out: Box): Array<Box | null> {
  const win = windowOf(op, graph);
  return op.inputs.map((t) => {
    if (!isActivation(graph, t)) return null;
    const [, h, w] = graph.tensors[t]!.shape as [number, number, number, number];
    let box: Box;
    if (win) {
      const [ya, yb] = windowSpan(win[0], out.y0, out.y1);
      const [xa, xb] = windowSpan(win[1], out.x0, out.x1);
      box = { y0: ya, y1: yb, x0: xa, x1: xb };
    } else if (op.kind === 'PAD' || op.kind === 'PADV2') {
      const p = op.attrs.paddings;
      box = { y0: out.y0 - p[1]![0], y1: out.y1 - p[1]![0], x0: out.x0 - p[2]![0], x1: out.x1 - p[2]![0] };
    } else {
      box = { ...out };
    }
    return { y0: Math.max(0, box.y0), y1: Math.min(h, box.y1), x0: Math.max(0, box.x0), x1: Math.min(w, box.x1) };
  });
}

/** The op's attrs for computing `out` from an input tile that is exactly inputBoxes(...)[0]. */
export function tileAttrs(graph: Graph, op: AnyOp, out: Box): AnyOp['attrs'] {
  const win = windowOf(op, graph);
  const inBox = inputBoxes(graph, op, out)[0]!;
  if (win && (op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'AVERAGE_POOL_2D' || op.kind === 'MAX_POOL_2D')) {
    const [ya, yb] = windowSpan(win[0], out.y0, out.y1);
    const [xa, xb] = windowSpan(win[1], out.x0, out.x1);
    // Window positions outside the clipped input tile are exactly those outside the image.
    const pad: Padding = { top: inBox.y0 - ya, bottom: yb - inBox.y1, left: inBox.x0 - xa, right: xb - inBox.x1 };
    return { ...op.attrs, pad };
  }
  if (op.kind === 'PAD' || op.kind === 'PADV2') {
    const p = op.attrs.paddings;
    const [, h, w] = graph.tensors[op.inputs[0]!]!.shape as [number, number, number, number];
    const before = (o0: number, o1: number, pb: number) => Math.max(0, Math.min(o1, pb) - o0);
    const after = (o0: number, o1: number, pb: number, size: number) => Math.max(0, o1 - Math.max(o0, size + pb));
    const paddings: Array<[number, number]> = [
      [0, 0],
      [before(out.y0, out.y1, p[1]![0]), after(out.y0, out.y1, p[1]![0], h)],
      [before(out.x0, out.x1, p[2]![0]), after(out.x0, out.x1, p[2]![0], w)],
      [0, 0],
    ];
    return { ...op.attrs, paddings };
  }
  return op.attrs;
}

/** Splits [0, size) into n near-equal parts: the part boundaries. */
export function splitPoints(size: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => Math.round((i * size) / n));
}

/** Tile k (row-major over an n x n grid) of an H x W plane. */
export function gridBox(h: number, w: number, n: number, k: number): Box {
  const ys = splitPoints(h, n), xs = splitPoints(w, n);
  const r = Math.floor(k / n), c = k % n;
  return { y0: ys[r]!, y1: ys[r + 1]!, x0: xs[c]!, x1: xs[c + 1]! };
}
