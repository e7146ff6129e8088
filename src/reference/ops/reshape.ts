// RESHAPE, SQUEEZE and EXPAND_DIMS: the elements in the same row-major order under a new shape.
import type { Op } from '../../ir/graph.js';
import type { TensorView } from '../types.js';
import { copyElements } from './util.js';

export function reshape(_op: Op<'RESHAPE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  copyElements(inputs[0]!.data, outputs[0]!.data);
}

export function squeeze(_op: Op<'SQUEEZE'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  copyElements(inputs[0]!.data, outputs[0]!.data);
}

export function expandDims(_op: Op<'EXPAND_DIMS'>, inputs: Array<TensorView | null>, outputs: TensorView[]): void {
  copyElements(inputs[0]!.data, outputs[0]!.data);
}
