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
 * The scan's entry for each of the graph's prunable layers, matched by name, kind and size (not by node
 * index: a scan of the int8 model describes its float twin, whose leading QUANTIZE is not there).
 */
function scannedLayers(graph: Graph, scan: Scan, model: string): Array<{ layer: PrunableLayer; scanned: ScanLayer }> {
  return prunableLayers(graph, model).map((layer) => {
    const named = scan.layers.filter((l) => l.name === layer.name);
    const scanned = named.length === 1 ? named[0]! : scan.layers.find((l) => l.node === layer.node && l.name === layer.name);
    if (!scanned || scanned.kind !== layer.kind || scanned.params !== layer.params) {
      throw new InputDataError(`the scan does not describe ${model}: it has no entry matching ${layerLabel(layer)} with ${layer.params} parameters (run prune --scan on this model)`, {
        node: layer.node,
        name: layer.name,
        scanned: scanned ? { kind: scanned.kind, name: scanned.name, params: scanned.params } : null,
      });
    }
    return { layer, scanned };
  });
}

/** A layer's scanned points by sparsity, each with the largest drop (points) at it or any smaller sparsity: the budget that admits it. */
function admissionDrops(scan: Scan, scanned: ScanLayer): Array<{ sparsity: number; drop: number }> {
  let worst = -Infinity;
  return [...scanned.curve].sort((a, b) => a.sparsity - b.sparsity).map((p) => {
    worst = Math.max(worst, 100 * (scan.denseAccuracy - p.accuracy));
    return { sparsity: p.sparsity, drop: worst };
  });
}

/**
 * Per layer, the largest scanned sparsity whose accuracy, and that of every smaller one, is at most
 * `maxDropPoints` percentage points below the dense accuracy (0 when even the smallest drops more).
 * The scan must describe this graph's layers (same names, kinds and sizes).
 */
export function sparsitiesWithinDrop(graph: Graph, scan: Scan, maxDropPoints: number, model: string): Map<number, number> {
  if (!(Number.isFinite(maxDropPoints) && maxDropPoints >= 0)) throw new UsageError(`--max-drop must be a number of percentage points >= 0, got ${maxDropPoints}`, { maxDrop: maxDropPoints });
  const chosen = new Map<number, number>();
  for (const { layer, scanned } of scannedLayers(graph, scan, model)) {
    chosen.set(layer.node, admissionDrops(scan, scanned).filter((p) => p.drop <= maxDropPoints).reduce((best, p) => Math.max(best, p.sparsity), 0));
  }
  return chosen;
}

/**
 * Per-layer sparsities that zero `share` of all the prunable layers' weights, the scan deciding where:
 * scanned points are admitted cheapest first (the drop budget raised until the share is reached, as
 * sparsitiesWithinDrop admits them), and the layer whose point crosses the share is cut back so the total
 * is the share (within one weight per layer). So the layers whose accuracy the scan shows robust (DS-CNN's
 * 1x1 convs) go sparse first and the fragile ones (3x3 depthwise, the logits) last.
 */
export function sparsitiesForShare(graph: Graph, scan: Scan, share: number, model: string): Map<number, number> {
  checkSparsity(share, 'the overall sparsity');
  const layers = scannedLayers(graph, scan, model);
  const weightsOf = (l: PrunableLayer) => graph.tensors[l.weight]!.shape.reduce((a, b) => a * b, 1);
  const total = layers.reduce((a, { layer }) => a + weightsOf(layer), 0);
  const target = share * total;
  const chosen = new Map(layers.map(({ layer }) => [layer.node, 0]));
  const points = layers.flatMap(({ layer, scanned }) => admissionDrops(scan, scanned).map((p) => ({ layer, ...p })));
  points.sort((a, b) => a.drop - b.drop || a.sparsity - b.sparsity);
  let zeros = 0;
  for (const p of points) {
    if (zeros >= target - 1e-9) break; // reached (a cut-back total can land a rounding error short)
    const n = weightsOf(p.layer);
    const before = chosen.get(p.layer.node)!;
    if (p.sparsity <= before) continue;
    const others = zeros - before * n;
    const s = others + p.sparsity * n > target ? (target - others) / n : p.sparsity;
    chosen.set(p.layer.node, s);
    zeros = others + s * n;
  }
  if (zeros < target - 1e-9) {
    const most = Math.max(...scan.layers.flatMap((l) => l.curve.map((p) => p.sparsity)));
    throw new UsageError(`an overall sparsity of ${share} is more than the scan reaches (every layer at its largest scanned sparsity, ${most}, zeroes ${(zeros / total).toFixed(4)} of the weights)`, { share, reached: zeros / total });
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
