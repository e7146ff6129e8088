// Graph passes: pure functions Graph -> Graph. Tensor ids are unchanged (TFLM's golden intermediates
// still line up); ops may be dropped or rewritten with re-derived params.
import type { Graph } from '../ir/graph.js';
import { foldPad } from './fold-pad.js';
import { int8Io } from './int8-io.js';
import { fuseDecode, type LutReaders } from './fuse-decode.js';

export { foldPad } from './fold-pad.js';
export { int8Io } from './int8-io.js';
export { fuseDecode, LUT_CONSUMERS, type LutReaders } from './fuse-decode.js';

export interface PassOptions {
  /** Drop a leading QUANTIZE and a trailing DEQUANTIZE so the interface is int8 (default false). */
  int8Io?: boolean;
  /** Fold zero-point PADs into the convolution that reads them (default true). */
  foldPad?: boolean;
  /** Let FULLY_CONNECTED read its DECODE'd weights LUT-compressed instead of decoded in the arena (default true). */
  fuseDecode?: boolean;
  /** Which DECODEs fold (fuse-decode.ts): 'weights' for the C kernels (default), 'any' for the wasm backend. */
  lutReaders?: LutReaders;
  /** LUT weights decoded in the kernels' dot loops instead of blocks in workspace (fuse-decode.ts; default false). */
  lutOnTheFly?: boolean;
  /** wasm ('any' readers): LUT weights decoded once at the module's first invoke, outside the arena (fuse-decode.ts; default false here, true in planModel). */
  lutAtLoad?: boolean;
}

export function applyPasses(graph: Graph, options: PassOptions = {}): Graph {
  let g = graph;
  if (options.int8Io ?? false) g = int8Io(g);
  if (options.foldPad ?? true) g = foldPad(g);
  if (options.fuseDecode ?? true) g = fuseDecode(g, options.lutReaders ?? 'weights', options.lutOnTheFly ?? false, options.lutAtLoad ?? false);
  return g;
}
