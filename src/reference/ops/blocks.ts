// The element-moving ops added for TFLM's layout kernels, any dtype: DEPTH_TO_SPACE and SPACE_TO_DEPTH
// (TFLM reference_ops, NHWC), PACK (inputs stacked along a new axis), and SPLIT / SPLIT_V / UNPACK
// (consecutive pieces of the input along an axis, one per output), BROADCAST_TO, ZEROS_LIKE, SHAPE, GATHER. Written as index loops, to be read.
import type { Op } from '../../ir/graph.js';
import { InputDataError } from '../../errors.js';
import type { TensorView } from '../types.js';
import { broadcastIndexMap, elements, fillWith } from './util.js';

/** DEPTH_TO_SPACE: out[n, h*b + by, w*b + bx, c] = in[n, h, w, (by*b + bx)*C' + c] with C' the output depth. */
export function depthToSpace(op: Op<'DEPTH_TO_SPACE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const b = op.attrs.blockSize;
  const [batches, inH, inW, inC] = inputs[0]!.shape as [number, number, number, number];
  const outC = inC / (b * b);
  const x = elements(inputs[0]!.data);
  const y = elements(outputs[0]!.data);
  const [outH, outW] = [inH * b, inW * b];
  for (let n = 0; n < batches; n++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let c = 0; c < outC; c++) {
          const ic = ((oy % b) * b + (ox % b)) * outC + c;
          y[((n * outH + oy) * outW + ox) * outC + c] = x[((n * inH + Math.floor(oy / b)) * inW + Math.floor(ox / b)) * inC + ic]!;
        }
}

/** SPACE_TO_DEPTH: out[n, h, w, (by*b + bx)*C + c] = in[n, h*b + by, w*b + bx, c]. */
export function spaceToDepth(op: Op<'SPACE_TO_DEPTH'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const b = op.attrs.blockSize;
  const [batches, inH, inW, inC] = inputs[0]!.shape as [number, number, number, number];
  const [outH, outW, outC] = [inH / b, inW / b, inC * b * b];
  const x = elements(inputs[0]!.data);
  const y = elements(outputs[0]!.data);
  for (let n = 0; n < batches; n++)
    for (let iy = 0; iy < inH; iy++)
      for (let ix = 0; ix < inW; ix++)
        for (let c = 0; c < inC; c++) {
          const oc = ((iy % b) * b + (ix % b)) * inC + c;
          y[((n * outH + Math.floor(iy / b)) * outW + Math.floor(ix / b)) * outC + oc] = x[((n * inH + iy) * inW + ix) * inC + c]!;
        }
}

/** The product of dims before `axis` (outer) and from `from` on (inner). */
function outerInner(shape: readonly number[], axis: number, from: number): [number, number] {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  let inner = 1;
  for (let d = from; d < shape.length; d++) inner *= shape[d]!;
  return [outer, inner];
}

/** PACK: out[o, i, r] = input_i[o, r], with o over the dims before the axis and r over those after. */
export function pack(op: Op<'PACK'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const [outer, inner] = outerInner(outputs[0]!.shape, op.attrs.axis, op.attrs.axis + 1);
  const y = elements(outputs[0]!.data);
  inputs.forEach((view, i) => {
    const x = elements(view!.data);
    for (let o = 0; o < outer; o++)
      for (let r = 0; r < inner; r++) y[(o * inputs.length + i) * inner + r] = x[o * inner + r]!;
  });
}

/** SPLIT / SPLIT_V / UNPACK: output k holds input[o, first_k .. first_k + width_k, r] along the axis. */
export function split(op: Op<'SPLIT' | 'SPLIT_V' | 'UNPACK'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const input = inputs[op.kind === 'SPLIT' ? 1 : 0]!;
  const { axis } = op.attrs;
  const [outer, inner] = outerInner(input.shape, axis, axis + 1);
  const inWidth = input.shape[axis]!;
  const x = elements(input.data);
  let first = 0;
  for (const out of outputs) {
    const width = op.kind === 'UNPACK' ? 1 : out.shape[axis]!;
    const y = elements(out.data);
    for (let o = 0; o < outer; o++)
      for (let a = 0; a < width; a++)
        for (let r = 0; r < inner; r++) y[(o * width + a) * inner + r] = x[(o * inWidth + first + a) * inner + r]!;
    first += width;
  }
}

/** BROADCAST_TO: each output element from the input element that broadcasts onto it. */
export function broadcastTo(_op: Op<'BROADCAST_TO'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const map = broadcastIndexMap(inputs[0]!.shape, outputs[0]!.shape);
  const x = elements(inputs[0]!.data);
  const y = elements(outputs[0]!.data);
  for (let i = 0; i < map.length; i++) y[i] = x[map[i]!]!;
}

/** ZEROS_LIKE: stored zeros. */
export function zerosLike(_op: Op<'ZEROS_LIKE'>, _inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  fillWith(outputs[0]!.data, 0);
}

/** SHAPE: the input's dims. */
export function shape(_op: Op<'SHAPE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const y = elements(outputs[0]!.data);
  inputs[0]!.shape.forEach((d, i) => (y[i] = d));
}

/** GATHER: out[b, o, c, r] = in[b, o, positions[b, c], r]; a position outside the axis fails the run (TFLM's invoke fails). */
export function gather(op: Op<'GATHER'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  const { axis, batchDims } = op.attrs;
  const input = inputs[0]!, positions = inputs[1]!;
  const count = (shape: readonly number[], from: number, to: number) => shape.slice(from, to).reduce((a, d) => a * d, 1);
  const batches = count(input.shape, 0, batchDims), outer = count(input.shape, batchDims, axis), inner = count(input.shape, axis + 1, input.shape.length);
  const coords = count(positions.shape, batchDims, positions.shape.length), axisSize = input.shape[axis]!;
  const x = elements(input.data), y = elements(outputs[0]!.data), p = positions.data;
  for (let b = 0; b < batches; b++)
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < coords; c++) {
        const at = Number(p[b * coords + c]);
        if (at < 0 || at >= axisSize) throw new InputDataError(`GATHER: position ${at} (element ${b * coords + c}) is outside the axis of ${axisSize}`, { position: at, axisSize });
        for (let r = 0; r < inner; r++) y[((b * outer + o) * coords + c) * inner + r] = x[((b * outer + o) * axisSize + at) * inner + r]!;
      }
}
