// Calibration: runs the float32 reference interpreter over sample inputs and feeds every activation
// tensor (graph inputs and op outputs) to its own observer.
import type { Graph } from '../ir/graph.js';
import { InputDataError, TinyforgeError } from '../errors.js';
import { checkInputs, runReference } from '../reference/interpreter.js';
import { checkPercentile, DEFAULT_PERCENTILE, HistogramObserver, MinMaxObserver, type CalibMethod, type RangeChoice, type RangeObserver } from './observer.js';

/** Real [min, max] per activation tensor id. */
export type RangeTable = Map<number, [number, number]>;

/** Runs the samples and returns each activation tensor's observer, by tensor id. */
function observeAll<O extends RangeObserver>(graph: Graph, samples: Iterable<readonly Uint8Array[]>, makeObserver: () => O): Map<number, O> {
  const observers = new Map<number, O>();
  const observe = (id: number, values: ArrayLike<number>) => {
    let o = observers.get(id);
    if (!o) observers.set(id, (o = makeObserver()));
    o.observe(values);
  };
  let n = 0;
  for (const sample of samples) {
    checkSample(graph, sample, n++); // before its bytes are viewed as float32
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
  return observers;
}

/** A calibration sample that does not fit the graph's inputs: InputDataError naming the sample and both sizes. */
function checkSample(graph: Graph, sample: readonly Uint8Array[], n: number): void {
  try {
    checkInputs(graph, sample);
  } catch (e) {
    if (!(e instanceof TinyforgeError)) throw e;
    throw new InputDataError(`calibration sample ${n}: ${e.message}`, { sample: n, ...e.details });
  }
}

export function calibrate(graph: Graph, samples: Iterable<readonly Uint8Array[]>, makeObserver: () => RangeObserver = () => new MinMaxObserver()): RangeTable {
  const ranges: RangeTable = new Map();
  for (const [id, o] of observeAll(graph, samples, makeObserver)) {
    const r = o.range();
    if (r) ranges.set(id, r);
  }
  return ranges;
}

export interface CalibrationOptions {
  method?: CalibMethod;
  /** For `percentile` (and as auto's candidate): the share of values kept inside the range, in percent. */
  percentile?: number;
}

export interface Calibration {
  ranges: RangeTable;
  /** Per tensor id: the method that gave its range and each method's int8 MSE (null for plain min/max). */
  choices: Map<number, RangeChoice> | null;
}

/** Calibrates with the chosen method; `minmax` keeps TFLite's running min/max without histograms. */
export function calibrateWith(graph: Graph, samples: Iterable<readonly Uint8Array[]>, options: CalibrationOptions = {}): Calibration {
  const method = options.method ?? 'minmax';
  if (method === 'minmax') return { ranges: calibrate(graph, samples), choices: null };
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  checkPercentile(percentile);
  const ranges: RangeTable = new Map();
  const choices = new Map<number, RangeChoice>();
  for (const [id, o] of observeAll(graph, samples, () => new HistogramObserver(method, percentile))) {
    const c = o.choice();
    if (!c) continue;
    ranges.set(id, c.range);
    choices.set(id, c);
  }
  return { ranges, choices };
}
