// Patch-based inference: patched plans are verified, lowered and run in one arena of exactly the planned
// size, and give TFLite Micro's bytes on every input set; verification catches a corrupted plan.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { applyPasses } from '../../src/passes/index.js';
import { buildStage, patchSummary, planPatchAuto, planPatched, verifyPatchedPlan, type PatchedPlan } from '../../src/plan/patch/index.js';
import { lowerPatchedPlan } from '../../src/schedule/lower-patched.js';
import { runReference } from '../../src/reference/interpreter.js';
import { runSchedule } from '../../src/reference/execute.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, type GoldenModel } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];
const golden = (name: string) => models.find((m) => m.name === name)!;
const load = (g: GoldenModel) => readTflite(new Uint8Array(readFileSync(g.modelPath)));

/** mcunet_vww as firmware runs it: int8 in and out, zero-point PADs folded into the convs. */
function mcunet() {
  const g = golden('mcunet_vww');
  const source = load(g);
  const graph = applyPasses(source, { int8Io: true });
  const quantize = { ...source, ops: [source.ops[0]!], outputs: [source.ops[0]!.outputs[0]!] };
  const last = source.ops[source.ops.length - 1]!;
  const dequantize = { ...source, ops: [last], inputs: [last.inputs[0]!] };
  return {
    g,
    graph,
    /** Golden float input -> int8 input; int8 output -> float output as TFLM's DEQUANTIZE gives it. */
    inputs: (k: number) => runReference(quantize, goldenInputs(g, k)).outputs,
    toFloat: (out: Uint8Array[]) => runReference(dequantize, out).outputs,
  };
}

function runAllSets(plan: PatchedPlan, g: GoldenModel, inputs: (k: number) => Uint8Array[], post: (o: Uint8Array[]) => Uint8Array[] = (o) => o) {
  expect(verifyPatchedPlan(plan)).toEqual([]);
  expect(plan.arenaBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
  const schedule = lowerPatchedPlan(plan);
  expect(schedule.arenaBytes).toBe(plan.arenaBytes);
  expect(schedule.calls.some((c) => c.type === 'copy-window')).toBe(true);
  for (let k = 0; k < g.manifest.num_input_sets; k++) {
    const got = post(runSchedule(schedule, inputs(k)).outputs);
    const want = goldenOutputs(g, k);
    got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `${g.name} ${JSON.stringify(plan.patch.setting)} set ${k} output ${i}`).toBe(0));
  }
}

const opIndex = (graph: Graph, pred: (i: number) => boolean) => graph.ops.findIndex((_, i) => pred(i));

describe.skipIf(models.length === 0)('patch-based inference vs TFLite Micro golden outputs', () => {
  it('mcunet_vww --patch auto (int8 I/O, folded PADs): within 60,672 B with the input, bit-exact on all input sets', () => {
    const m = mcunet();
    const auto = planPatchAuto(m.graph);
    const p = auto.patched!;
    expect(p).not.toBeNull();
    expect(p.arenaBytes).toBeLessThanOrEqual(60_672);
    expect(p.arenaBytes).toBeLessThan(auto.layerByLayer.arenaBytes);
    expect(p.patch.extraMacs).toBeLessThanOrEqual(0.25 * p.patch.macs);
    console.log(`mcunet_vww auto: ${JSON.stringify(p.patch.setting)} peak ${p.arenaBytes} B (lower bound ${p.lowerBoundBytes}), extra MACs ${p.patch.extraMacs} (+${((100 * p.patch.extraMacs) / p.patch.macs).toFixed(1)}%), layer-by-layer ${auto.layerByLayer.arenaBytes} B`);
    runAllSets(p, m.g, m.inputs, m.toFloat);
  });

  it('mcunet_vww forced settings, splits before, inside and after residual blocks, bit-exact on all input sets', () => {
    const m = mcunet();
    const ops = m.graph.ops;
    const firstAdd = opIndex(m.graph, (i) => ops[i]!.kind === 'ADD');
    const settings = [
      { tiles: 2, splitOp: 4 }, // the stride-2 depthwise whose PAD was folded
      { tiles: 5, splitOp: 5 },
      { tiles: 3, splitOp: firstAdd - 2 }, // inside the first residual block: its input crosses the split
      { tiles: 4, splitOp: firstAdd }, // the block's ADD: its input is read with and without a halo
      { tiles: 2, splitOp: firstAdd + 4 }, // after two residual blocks
    ];
    for (const s of settings) {
      const p = planPatched(m.graph, s);
      console.log(`mcunet_vww ${s.tiles}x${s.tiles}@${s.splitOp} (${ops[s.splitOp]!.kind}): peak ${p.arenaBytes} B, lower bound ${p.lowerBoundBytes}, extra MACs ${p.patch.extraMacs}`);
      runAllSets(p, m.g, m.inputs, m.toFloat);
    }
  });

  it('mcunet_vww with its float interface: the QUANTIZE runs tile by tile on float tiles', () => {
    const g = golden('mcunet_vww');
    const graph = applyPasses(load(g));
    runAllSets(planPatched(graph, { tiles: 3, splitOp: 4 }), g, (k) => goldenInputs(g, k));
  });

  it('vww_96_int8 --patch auto: within 52,224 B; forced settings bit-exact on all input sets', () => {
    const g = golden('vww_96_int8');
    const graph = applyPasses(load(g));
    const auto = planPatchAuto(graph);
    expect(auto.best.arenaBytes).toBeLessThanOrEqual(52_224);
    // A patched plan is only returned when it beats layer-by-layer.
    if (auto.patched) expect(auto.patched.arenaBytes).toBeLessThan(auto.layerByLayer.arenaBytes);
    const best = auto.candidates[0]!;
    console.log(`vww_96_int8 auto: ${auto.patched ? 'patched' : 'layer-by-layer'} ${auto.best.arenaBytes} B; best patched within budget ${JSON.stringify(best)}`);
    for (const s of [{ tiles: 4, splitOp: 7 }, { tiles: 8, splitOp: 3 }, { tiles: 3, splitOp: 11 }]) {
      const p = planPatched(graph, s);
      console.log(`vww_96_int8 ${s.tiles}x${s.tiles}@${s.splitOp}: peak ${p.arenaBytes} B, extra MACs ${p.patch.extraMacs}`);
      runAllSets(p, g, (k) => goldenInputs(g, k));
    }
  });

  it('kws_ref_model forced settings bit-exact on all input sets', () => {
    const g = golden('kws_ref_model');
    const graph = applyPasses(load(g));
    for (const s of [{ tiles: 2, splitOp: 1 }, { tiles: 4, splitOp: 4 }, { tiles: 5, splitOp: 8 }]) runAllSets(planPatched(graph, s), g, (k) => goldenInputs(g, k));
  });

  it('pretrainedResnet_quant --patch auto and splits inside/after residual blocks, bit-exact on all input sets', () => {
    const g = golden('pretrainedResnet_quant');
    const graph = applyPasses(load(g));
    const auto = planPatchAuto(graph);
    expect(auto.patched).not.toBeNull();
    expect(auto.patched!.arenaBytes).toBeLessThan(auto.layerByLayer.arenaBytes);
    console.log(`resnet auto: ${JSON.stringify(auto.patched!.patch.setting)} peak ${auto.patched!.arenaBytes} B, extra MACs ${auto.patched!.patch.extraMacs}, layer-by-layer ${auto.layerByLayer.arenaBytes} B`);
    runAllSets(auto.patched!, g, (k) => goldenInputs(g, k));
    // 1: inside block 1 (op 0's output crosses the split to the ADD); 3: its ADD; 5: inside block 2
    // (op 3's output feeds the 1x1 shortcut after the split); 7: block 2's ADD with both branches tiled.
    for (const s of [{ tiles: 2, splitOp: 1 }, { tiles: 4, splitOp: 3 }, { tiles: 2, splitOp: 5 }, { tiles: 3, splitOp: 7 }]) {
      runAllSets(planPatched(graph, s), g, (k) => goldenInputs(g, k));
    }
  });

  it('tile calls pad only where the tile touches the image border; the grid covers the split output exactly', () => {
    const m = mcunet();
    const n = 4;
    const p = planPatched(m.graph, { tiles: n, splitOp: 5 });
    const first = m.graph.ops[0]!; // the stride-2 conv that took the input PAD
    expect(first.kind === 'CONV_2D' && first.attrs.pad.top).toBeGreaterThan(0);
    p.graph.ops.forEach((op, i) => {
      const k = p.patch.tileOf[i]!;
      if (k < 0 || (op.kind !== 'CONV_2D' && op.kind !== 'DEPTHWISE_CONV_2D')) return;
      const src = m.graph.ops[p.patch.origin[i]!]!;
      if (src.kind !== 'CONV_2D' && src.kind !== 'DEPTHWISE_CONV_2D') return;
      const r = Math.floor(k / n), c = k % n;
      expect(op.attrs.pad.top).toBe(r === 0 ? src.attrs.pad.top : 0);
      expect(op.attrs.pad.left).toBe(c === 0 ? src.attrs.pad.left : 0);
      // At the far border only the pad a window actually reaches is kept (an 82-wide PAD folded into a
      // 3x3 stride-2 conv leaves a bottom row no window reads).
      expect(op.attrs.pad.bottom).toBeLessThanOrEqual(r === n - 1 ? src.attrs.pad.bottom : 0);
      expect(op.attrs.pad.right).toBeLessThanOrEqual(c === n - 1 ? src.attrs.pad.right : 0);
    });
    const split = p.patch.stage.slots[p.patch.stage.writeSlot.get(5)!]!;
    const [, h, w] = m.graph.tensors[m.graph.ops[5]!.outputs[0]!]!.shape as number[];
    expect(split.boxes.reduce((s, b) => s + (b.y1 - b.y0) * (b.x1 - b.x0), 0)).toBe(h! * w!);
    expect(patchSummary(p)).toMatchObject({ tiles: 4, splitOp: 5, splitKind: 'CONV_2D', peakBytes: p.arenaBytes });
  });

  it('stage DAGs: a tensor crossing the split is scattered in full; one read with and without a halo gets a crop', () => {
    const graph = applyPasses(load(golden('pretrainedResnet_quant')));
    const inside = buildStage(graph, { tiles: 2, splitOp: 5 });
    expect(inside.exported).toEqual(expect.arrayContaining([graph.ops[3]!.outputs[0], graph.ops[5]!.outputs[0]]));
    const after = buildStage(graph, { tiles: 3, splitOp: 7 });
    expect(after.ops).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(after.slots.some((s) => s.role === 'crop')).toBe(true);
    expect(after.exported).toEqual([graph.ops[7]!.outputs[0]]);
  });

  it('mobilenet_v2 224 --patch auto: peak and extra MACs, bit-exact on input set 0', () => {
    const g = golden('mobilenet_v2_quantized_1x3x224x224');
    const graph = applyPasses(load(g));
    const auto = planPatchAuto(graph);
    const p = auto.patched!;
    expect(p.arenaBytes).toBeLessThan(auto.layerByLayer.arenaBytes);
    console.log(`mobilenet_v2 auto: ${JSON.stringify(p.patch.setting)} peak ${p.arenaBytes} B (lower bound ${p.lowerBoundBytes}), extra MACs ${p.patch.extraMacs} (+${((100 * p.patch.extraMacs) / p.patch.macs).toFixed(1)}%), layer-by-layer ${auto.layerByLayer.arenaBytes} B`);
    expect(verifyPatchedPlan(p)).toEqual([]);
    const got = runSchedule(lowerPatchedPlan(p), goldenInputs(g, 0)).outputs;
    expect(Buffer.compare(got[0]!, goldenOutputs(g, 0)[0]!)).toBe(0);
  }, 120_000);

  it('verification rejects a patched plan with a tile buffer moved onto a live one, and a scatter target moved into the tiles', () => {
    const m = mcunet();
    const fresh = () => planPatched(m.graph, { tiles: 4, splitOp: 5 });
    // (a) A tile buffer of the second tile moved onto another buffer live at its step.
    const a = fresh();
    const step = a.patch.tileOf.indexOf(1) + 1;
    const live = a.buffers.filter((b) => b.aliasOf === null && b.bytes > 0 && b.first <= step && step <= b.last);
    const tile = live.find((b) => b.name.includes('@tile1'))!;
    const other = live.find((b) => b !== tile && (b.offset + b.bytes <= tile.offset || tile.offset + tile.bytes <= b.offset))!;
    tile.offset = other.offset;
    const found = verifyPatchedPlan(a);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((v) => v.message.includes(tile.name) && /overlap while both are live/.test(v.message))).toBe(true);
    // (b) The split output is only written by scatter copies during the stage: moving it onto the
    // stage's tile buffers must be caught too (and the moved plan computes the wrong output).
    const b = fresh();
    const split = b.buffers.find((x) => x.tensor === m.graph.ops[5]!.outputs[0])!;
    const tiles = b.buffers.filter((x) => x.name.includes('@tile'));
    split.offset = Math.min(...tiles.map((x) => x.offset));
    expect(verifyPatchedPlan(b).some((v) => v.message.includes(split.name))).toBe(true);
    const out = m.toFloat(runSchedule(lowerPatchedPlan(b), m.inputs(0)).outputs);
    expect(Buffer.compare(out[0]!, goldenOutputs(m.g, 0)[0]!)).not.toBe(0);
  });
});
