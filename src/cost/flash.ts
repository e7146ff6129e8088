// Flash a compiled model needs: weights, the precomputed requantization parameters, and kernel code.
import type { Graph } from '../ir/graph.js';
import { graphWeightBytes } from '../ir/macs.js';

/**
 * Estimated Thumb-2 code bytes per kernel kind (portable C at -Os, with DSP paths), plus a fixed
 * runtime. An estimate until the C backend measures its own; it is reported as such.
 */
const CODE_BYTES: Record<string, number> = {
  CONV_2D: 1600,
  DEPTHWISE_CONV_2D: 1200,
  FULLY_CONNECTED: 600,
  AVERAGE_POOL_2D: 400,
  MAX_POOL_2D: 350,
  ADD: 400,
  SUB: 400,
  MUL: 350,
  SOFTMAX: 700,
  MEAN: 400,
  PAD: 250,
  PADV2: 250,
  TRANSPOSE: 300,
  CONCATENATION: 200,
};
const DEFAULT_CODE_BYTES = 250;
const RUNTIME_CODE_BYTES = 1024;

export interface FlashEstimate {
  weightBytes: number;
  /** Per-channel multipliers and shifts (int32 each) and per-op constants of the generated code. */
  paramBytes: number;
  codeBytes: number;
  totalBytes: number;
}

export function estimateFlash(graph: Graph): FlashEstimate {
  const weightBytes = graphWeightBytes(graph);
  let paramBytes = 0;
  const kinds = new Set<string>();
  for (const op of graph.ops) {
    kinds.add(op.kind);
    paramBytes += 32; // the call's constant arguments
    if (op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED') paramBytes += 8 * (op.params?.multiplier.length ?? 0); // float32 ops carry no multipliers
  }
  const codeBytes = RUNTIME_CODE_BYTES + [...kinds].reduce((a, k) => a + (CODE_BYTES[k] ?? DEFAULT_CODE_BYTES), 0);
  return { weightBytes, paramBytes, codeBytes, totalBytes: weightBytes + paramBytes + codeBytes };
}
