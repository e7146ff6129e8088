// Calibration points for kernels no shared model calls: the kernel suites' single-op families
// (test/plan/overlap-cases.ts, the generators test/c/kernels.test.ts runs), a few seeds each, so every
// kernel family has calls the profiler's fit (bench/calibrate.ts --ops) can use.
import type { Graph } from '../src/ir/graph.js';
import {
  batchMatMulCase, binary16Case, lstmCase, binaryCase, blockMoveCase, castCase, dw16Case, fc16Case, gatherCase, packCase, poolCase, preluCase,
  sigmoidTanh16Case, softmax16Case, splitCase, svdfCase, unaryCase, fullyConnectedLutCase, l2normCase, maxMin16Case, reduceCase,
  resizeBilinearCase, squaredDifference32Case, typedUnary,
} from '../test/plan/overlap-cases.js';
import { rng, singleOpGraph, type Rng } from '../test/plan/overlap-harness.js';

/** One family: a name and a generator of single-op graphs (a seeded Rng gives each seed its shapes). */
export interface CalibrationFamily {
  name: string;
  make: (r: Rng) => Graph;
}

/** ZEROS_LIKE of a random int8 tensor (a pad of nothing: the pad kernel). */
function zerosLikeCase(r: Rng): Graph {
  const shape = Array.from({ length: r.int(1, 4) }, () => r.int(1, 6));
  return singleOpGraph('ZEROS_LIKE', {}, [{ shape, scale: 0.1, zp: 0 }], { shape, scale: 0.1, zp: 0 });
}

/** BROADCAST_TO of a [.., 1, C]-like int8 tensor to a random larger shape (strided_copy with steps of 0). */
function broadcastToCase(r: Rng): Graph {
  const out = Array.from({ length: r.int(2, 4) }, () => r.int(1, 6));
  const shape = out.map((d, i) => (i === out.length - 1 ? d : 1));
  return singleOpGraph('BROADCAST_TO', {}, [{ shape, scale: 0.1, zp: 0 }, { shape: [out.length], dtype: 'int32', values: out }], { shape: out, scale: 0.1, zp: 0 });
}

/** The families of the kernels added in issue 15 (and the int16 kernels), as the kernel suites name them. */
export const CALIBRATION_FAMILIES: CalibrationFamily[] = [
  { name: 'SVDF int8 state', make: (r) => svdfCase(r, 'int8') },
  { name: 'SVDF int16 state', make: (r) => svdfCase(r, 'int16') },
  { name: 'LSTM int8', make: (r) => lstmCase(r, 'int8') },
  { name: 'LSTM 16x8', make: (r) => lstmCase(r, 'int16') },
  { name: 'BATCH_MATMUL int8', make: (r) => batchMatMulCase(r, 'int8') },
  { name: 'BATCH_MATMUL int16', make: (r) => batchMatMulCase(r, 'int16') },
  { name: 'FULLY_CONNECTED 16x8', make: fc16Case },
  { name: 'DEPTHWISE_CONV_2D 16x8', make: dw16Case },
  { name: 'AVERAGE_POOL_2D int16', make: (r) => poolCase(r, 'AVERAGE_POOL_2D', 'int16') },
  { name: 'MAX_POOL_2D int16', make: (r) => poolCase(r, 'MAX_POOL_2D', 'int16') },
  { name: 'LOGISTIC int16', make: (r) => sigmoidTanh16Case(r, 'LOGISTIC', false) },
  { name: 'TANH int16', make: (r) => sigmoidTanh16Case(r, 'TANH', false) },
  { name: 'SOFTMAX int16', make: softmax16Case },
  { name: 'ABS', make: (r) => unaryCase(r, 'ABS') },
  // The int8 activations and conversions no shared model calls (their kinds were first guesses).
  ...(['RELU', 'RELU6', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'QUANTIZE int8->int16', 'QUANTIZE int16->int8', 'DEQUANTIZE int8->float32'] as const).map((u) => ({
    name: u, make: (r: Rng) => unaryCase(r, u),
  })),
  { name: 'RSQRT', make: (r) => unaryCase(r, 'RSQRT') },
  { name: 'SQUARED_DIFFERENCE', make: (r) => binaryCase(r, 'SQUARED_DIFFERENCE') },
  { name: 'SQUARED_DIFFERENCE int16', make: (r) => binary16Case(r, 'SQUARED_DIFFERENCE') },
  { name: 'PRELU int8', make: (r) => preluCase(r, 'int8') },
  { name: 'PRELU int16', make: (r) => preluCase(r, 'int16') },
  { name: 'CAST', make: castCase },
  { name: 'GATHER', make: gatherCase },
  { name: 'SPLIT_V', make: splitCase },
  { name: 'PACK', make: packCase },
  { name: 'DEPTH_TO_SPACE', make: (r) => blockMoveCase(r, 'DEPTH_TO_SPACE') },
  { name: 'SPACE_TO_DEPTH', make: (r) => blockMoveCase(r, 'SPACE_TO_DEPTH') },
  { name: 'BROADCAST_TO', make: broadcastToCase },
  { name: 'ZEROS_LIKE', make: zerosLikeCase },
  // The kernels merged in session 6 (issue 15 item 5).
  { name: 'ELU', make: (r) => unaryCase(r, 'ELU') },
  { name: 'LOG_SOFTMAX', make: (r) => unaryCase(r, 'LOG_SOFTMAX') },
  { name: 'DIV', make: (r) => binaryCase(r, 'DIV') },
  { name: 'SUM int8', make: (r) => reduceCase(r, 'int8', 'SUM') },
  { name: 'SUM int16', make: (r) => reduceCase(r, 'int16', 'SUM') },
  { name: 'REDUCE_MAX int8', make: (r) => reduceCase(r, 'int8', 'REDUCE_MAX') },
  { name: 'L2_NORMALIZATION', make: l2normCase },
  { name: 'RESIZE_BILINEAR', make: resizeBilinearCase },
  { name: 'MUL int16', make: (r) => binary16Case(r, 'MUL') },
  { name: 'MAXIMUM int16', make: (r) => maxMin16Case(r, 'MAXIMUM') },
  { name: 'MINIMUM int16', make: (r) => maxMin16Case(r, 'MINIMUM') },
  { name: 'SQUARED_DIFFERENCE int32', make: squaredDifference32Case },
  { name: 'ABS int16 unquantized', make: (r) => typedUnary(r, 'ABS int16 unquantized') },
  { name: 'FULLY_CONNECTED LUT weights', make: fullyConnectedLutCase },
];

/** `seeds` graphs of a family (seed s: the kernel suites' Rng of s, salted by the family's name). */
export function familyGraphs(f: CalibrationFamily, seeds: number): Graph[] {
  return Array.from({ length: seeds }, (_, i) => f.make(rng((i + 1) * 7919 + f.name.length * 104729)));
}

/** Independent graphs as one (tensors renumbered, inputs and outputs in order): one firmware run measures every op. */
export function mergeGraphs(name: string, graphs: Graph[]): Graph {
  const merged: Graph = { ...graphs[0]!, name, description: `calibration: ${name}`, tensors: [], ops: [], inputs: [], outputs: [], signatureDefs: [] };
  for (const g of graphs) {
    const base = merged.tensors.length;
    const id = (t: number) => (t < 0 ? t : t + base);
    merged.tensors.push(...g.tensors.map((t) => ({ ...t, id: t.id + base })));
    merged.ops.push(...g.ops.map((op) => ({ ...op, inputs: op.inputs.map(id), outputs: op.outputs.map(id) }) as typeof op));
    merged.inputs.push(...g.inputs.map(id));
    merged.outputs.push(...g.outputs.map(id));
  }
  return merged;
}
