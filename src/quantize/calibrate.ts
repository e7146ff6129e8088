// Calibration: runs the float32 reference interpreter over sample inputs and feeds every activation
// tensor (graph inputs and op outputs) to its own observer.
import type { Graph } from '../ir/graph.js';
import { runReference } from '../reference/interpreter.js';
import { MinMaxObserver, type RangeObserver } from './observer.js';

/** Real [min, max] per activation tensor id. */
export type RangeTable = Map<number, [number, number]>;

export function calibrate(graph: Graph, samples: Iterable<readonly Uint8Array[]>, makeObserver: () => RangeObserver = () => new MinMaxObserver()): RangeTable {
  const observers = new Map<number, RangeObserver>();
  const observe = (id: number, values: ArrayLike<number>) => {
    let o = observers.get(id);
    if (!o) observers.set(id, (o = makeObserver()));
    o.observe(values);
  };
  for (const sample of samples) {
    graph.inputs.forEach((id, i) => {
      if (graph.tensors[id]!.dtype === 'float32') observe(id, new Float32Array(sample[i]!.slice().buffer));
    });
    runReference(graph, sample, {
      onOpDone: (_index, op, outputs) =>
        op.outputs.forEach((id, k) => {
          if (outputs[k]!.data instanceof Float32Array) observe(id, outputs[k]!.data as Float32Array);
        }),
    });
  }
  const ranges: RangeTable = new Map();
  for (const [id, o] of observers) {
    const r = o.range();
    if (r) ranges.set(id, r);
  }
  return ranges;
}
