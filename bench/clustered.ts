// What the LUT benches (compress.ts's decode table, lut-fused.ts) share: a model clustered through the file
// format, and its qemu-m4 figures under a plan's options (fuseDecode, lutOnTheFly, ...).
import { prepareQemu, QEMU_BOARDS } from '../src/cli/engines/qemu.js';
import { TinyforgeError } from '../src/errors.js';
import { readTflite, writeTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../src/pipeline.js';
import { applyClusters, clusterWeights, snappedGraph, type ClusteredTensorReport } from '../src/quantize/cluster.js';

/** An int8 model clustered per channel at `bits`: its snapped int8 file and its LUT (DECODE) file, each read back. */
export function clusteredFiles(int8: Graph, bits: number, seed: number): { snapped: Graph; clustered: Graph; report: ClusteredTensorReport[] } {
  const clusters = clusterWeights(int8, { bits, seed });
  const { graph, report } = applyClusters(int8, clusters, bits);
  return { snapped: readTflite(writeTflite(snappedGraph(int8, clusters))), clustered: readTflite(writeTflite(graph)), report };
}

export interface M4Figures {
  flashBytes: number | null;
  arenaBytes: number | null;
  sramBytes: number | null;
  instructions: number | null;
}

/**
 * qemu-m4: instructions per inference (after a warm-up), flash, arena, .data + .bss + measured stack. A model
 * whose RAM exceeds the board's 256 KiB (E_BUDGET) gets its arena and the RAM it needs, and no run.
 */
export function m4Figures(graph: Graph, input: Uint8Array[], options: PlanModelOptions = {}): M4Figures {
  let prepared;
  try {
    prepared = prepareQemu(scheduleOf(planModel(graph, options).plan), QEMU_BOARDS['qemu-m4']);
  } catch (e) {
    if (!(e instanceof TinyforgeError && e.code === 'E_BUDGET')) throw e;
    return { flashBytes: null, arenaBytes: e.details.arenaBytes as number, sramBytes: e.details.neededBytes as number, instructions: null };
  }
  try {
    const d = prepared.run(input).details;
    return { flashBytes: d.flashBytes as number, arenaBytes: d.arenaBytes as number, sramBytes: (d.ramBytes as number) + (d.stackBytes as number), instructions: d.instructionsPerInference as number };
  } finally {
    prepared.dispose();
  }
}
