// Memory planner benchmark: peak SRAM per shared model, layer by layer and patch-based, side by side
// with TinyEngine's plans and TFLite Micro's Cortex-M4 arenas. `npm run bench` writes BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { opMacs } from '../src/ir/macs.js';
import { readTflite } from '../src/import/tflite/index.js';
import { planModel } from '../src/pipeline.js';
import { tflmM4Peers, tinyEnginePeers } from './peers.js';

export interface PlanBenchRow {
  model: string;
  macs: number;
  layerByLayerBytes: number;
  lowerBoundBytes: number;
  noInplaceBytes: number;
  patchBytes: number;
  patchLowerBoundBytes: number;
  patchSetting: string;
  patchExtraMacs: number;
  tinyEngineBytes: number | null;
  tinyEnginePatchBytes: number | null;
  tflmM4ArenaBytes: number | null;
  fits256K: boolean;
}

/** The models of ../shared/golden, by path under models/; mcunet_vww is planned with int8 I/O as firmware runs it. */
export function benchModels(sharedDir: string): Array<{ path: string; name: string; int8Io: boolean }> {
  const inventory = JSON.parse(readFileSync(join(sharedDir, 'models', 'inventory.json'), 'utf8')) as { models: Record<string, unknown> };
  return Object.keys(inventory.models).map((file) => {
    const path = file.replace(/\.tflite$/, '');
    return { path, name: path.split('/')[1]!, int8Io: path === 'mcunet/mcunet_vww' };
  });
}

export function planBench(sharedDir: string): PlanBenchRow[] {
  const tinyEngine = tinyEnginePeers(sharedDir);
  const tflm = tflmM4Peers(sharedDir);
  return benchModels(sharedDir).map(({ path, int8Io }) => {
    const graph = readTflite(new Uint8Array(readFileSync(join(sharedDir, 'models', `${path}.tflite`))));
    const layer = planModel(graph, { int8Io });
    const noInplace = planModel(graph, { int8Io, inplace: false });
    const auto = planModel(graph, { int8Io, patch: 'auto' });
    const te = tinyEngine.get(path);
    return {
      model: path,
      macs: layer.graph.ops.reduce((a, op) => a + opMacs(layer.graph, op), 0),
      layerByLayerBytes: layer.plan.arenaBytes,
      lowerBoundBytes: layer.plan.lowerBoundBytes,
      noInplaceBytes: noInplace.plan.arenaBytes,
      patchBytes: auto.plan.arenaBytes,
      patchLowerBoundBytes: auto.plan.lowerBoundBytes,
      patchSetting: auto.patch ? `${auto.patch.tiles}x${auto.patch.tiles} up to op ${auto.patch.splitOp} (${auto.patch.splitKind})` : 'none beats layer-by-layer',
      patchExtraMacs: auto.patch?.extraMacs ?? 0,
      tinyEngineBytes: te?.inplaceBytes ?? null,
      tinyEnginePatchBytes: te?.patchWithInputBytes ?? null,
      tflmM4ArenaBytes: tflm.get(path)?.minArenaBytes ?? null,
      fits256K: Math.min(layer.plan.arenaBytes, auto.plan.arenaBytes) <= 256 * 1024,
    };
  });
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratio = (a: number, b: number | null) => (b ? `${(a / b).toFixed(2)}x` : '–');

export function planBenchMarkdown(rows: PlanBenchRow[]): string {
  const out: string[] = [];
  out.push('| model | MACs | layer-by-layer peak | lower bound | --no-inplace | vs TinyEngine (in-place) | vs TFLM M4 arena | --patch auto peak | patch setting | extra MACs | vs TinyEngine patch+input | fits 256 KiB |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|');
  for (const r of rows) {
    out.push(
      `| ${r.model} | ${fmt(r.macs)} | ${fmt(r.layerByLayerBytes)} | ${fmt(r.lowerBoundBytes)} | ${fmt(r.noInplaceBytes)} | ` +
        `${r.tinyEngineBytes ? `${fmt(r.tinyEngineBytes)} → ${ratio(r.layerByLayerBytes, r.tinyEngineBytes)}` : '–'} | ` +
        `${r.tflmM4ArenaBytes ? `${fmt(r.tflmM4ArenaBytes)} → ${ratio(r.layerByLayerBytes, r.tflmM4ArenaBytes)}` : '–'} | ` +
        `${fmt(r.patchBytes)} | ${r.patchSetting} | ${r.patchExtraMacs ? `${fmt(r.patchExtraMacs)} (+${((r.patchExtraMacs / r.macs) * 100).toFixed(1)}%)` : '0'} | ` +
        `${r.tinyEnginePatchBytes ? `${fmt(r.tinyEnginePatchBytes)} → ${ratio(r.patchBytes, r.tinyEnginePatchBytes)}` : '–'} | ${r.fits256K ? 'yes' : 'no'} |`,
    );
  }
  return out.join('\n');
}
