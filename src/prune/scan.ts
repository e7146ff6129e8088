// Sensitivity scan (the pruning lab's curves): each prunable layer magnitude-pruned alone at sparsities
// 0.1..0.9, the model's accuracy measured by the caller's evaluator; and the per-layer sparsities a scan
// allows within an accuracy-drop budget.
import { InputDataError, UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { layerLabel, prunableLayers, type PrunableLayer } from './layers.js';
import { checkSparsity, pruneMagnitude } from './magnitude.js';

export const SCAN_SPARSITIES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface ScanPoint {
  sparsity: number;
  accuracy: number;
}

export interface ScanLayer extends PrunableLayer {
  curve: ScanPoint[];
}

export interface Scan {
  denseAccuracy: number;
  layers: ScanLayer[];
}

/** Accuracy of a graph (fraction right), measured however the caller runs models. */
export type Evaluator = (graph: Graph) => Promise<number>;

export interface ScanOptions {
  sparsities?: readonly number[];
  /** After each evaluation: done of total. */
  onProgress?: (done: number, total: number) => void;
}

export async function sensitivityScan(graph: Graph, evaluate: Evaluator, model: string, options: ScanOptions = {}): Promise<Scan> {
  const sparsities = options.sparsities ?? SCAN_SPARSITIES;
  sparsities.forEach((s) => checkSparsity(s, 'scan'));
  const layers = prunableLayers(graph, model);
  const total = 1 + layers.length * sparsities.length;
  let done = 0;
  const step = () => options.onProgress?.(++done, total);
  const denseAccuracy = await evaluate(graph);
  step();
  const scanned: ScanLayer[] = [];
  for (const layer of layers) {
    const curve: ScanPoint[] = [];
    for (const sparsity of sparsities) {
      curve.push({ sparsity, accuracy: await evaluate(pruneMagnitude(graph, new Map([[layer.node, sparsity]]), model).graph) });
      step();
    }
    scanned.push({ ...layer, curve });
  }
  return { denseAccuracy, layers: scanned };
}

/**
 * Per layer, the largest scanned sparsity whose accuracy, and that of every smaller one, is at most
 * `maxDropPoints` percentage points below the dense accuracy (0 when even the smallest drops more).
 * The scan must describe this graph's layers (same nodes, kinds, names and sizes).
 */
export function sparsitiesWithinDrop(graph: Graph, scan: Scan, maxDropPoints: number, model: string): Map<number, number> {
  if (!(Number.isFinite(maxDropPoints) && maxDropPoints >= 0)) throw new UsageError(`--max-drop must be a number of percentage points >= 0, got ${maxDropPoints}`, { maxDrop: maxDropPoints });
  const layers = prunableLayers(graph, model);
  const chosen = new Map<number, number>();
  for (const layer of layers) {
    const scanned = scan.layers.find((l) => l.node === layer.node);
    if (!scanned || scanned.kind !== layer.kind || scanned.name !== layer.name || scanned.params !== layer.params) {
      throw new InputDataError(`the scan does not describe ${model}: it has no entry matching ${layerLabel(layer)} with ${layer.params} parameters (run prune --scan on this model)`, {
        node: layer.node,
        name: layer.name,
        scanned: scanned ? { kind: scanned.kind, name: scanned.name, params: scanned.params } : null,
      });
    }
    let best = 0;
    for (const p of [...scanned.curve].sort((a, b) => a.sparsity - b.sparsity)) {
      if (100 * (scan.denseAccuracy - p.accuracy) > maxDropPoints) break;
      best = p.sparsity;
    }
    chosen.set(layer.node, best);
  }
  return chosen;
}

/** A scan read back from JSON (prune --scan --json), its shape checked. */
export function parseScan(text: string, source: string): Scan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputDataError(`${source} is not JSON: ${(e as Error).message}`, { source });
  }
  const v = value as Partial<Scan> | null;
  const ok =
    v !== null && typeof v === 'object' && typeof v.denseAccuracy === 'number' && Array.isArray(v.layers) &&
    v.layers.every((l) => l && typeof l.node === 'number' && typeof l.name === 'string' && typeof l.kind === 'string' && typeof l.params === 'number' &&
      Array.isArray(l.curve) && l.curve.every((p) => p && typeof p.sparsity === 'number' && typeof p.accuracy === 'number'));
  if (!ok) throw new InputDataError(`${source} is not a pruning scan: expected {denseAccuracy, layers: [{node, kind, name, params, curve: [{sparsity, accuracy}]}]} (prune --scan --json writes it)`, { source });
  return v as Scan;
}
