// The patch stage: the ops that run tile by tile up to and including the split op, and the region of
// every stage tensor each tile computes, found backwards from the split op's output grid.
//
// Any DAG inside the stage is handled: a tensor read by several stage ops (a residual block's input,
// read by the expansion conv with a halo and by the ADD without one) is computed on the union of what its
// readers need; a reader that needs less gets its exact window through a crop copy. A stage tensor that
// is also read after the stage (a skip connection crossing the split) is computed on at least its own
// grid tile and scattered into a full tensor like the split op's output.
import type { Graph } from '../../ir/graph.js';
import { UnsupportedError, UsageError } from '../../errors.js';
import { activationInputs, boxEmpty, boxEquals, boxKey, boxUnion, gridBox, inputBoxes, notTileable, type Box } from './regions.js';

export interface PatchSetting {
  /** The split op's output is computed as a tiles x tiles grid. */
  tiles: number;
  /** Index in graph.ops of the last op of the stage. */
  splitOp: number;
}

/** Where a stage op reads one input from, per tile. */
export type SlotRole =
  /** Computed by a stage op on `boxes` (the union of its readers' needs). */
  | 'computed'
  /** Copied out of a full tensor (a graph input or a pre-stage output) before its first reader. */
  | 'gather'
  /** Copied out of a computed slot whose boxes are larger than this reader needs. */
  | 'crop';

export interface Slot {
  id: number;
  /** The tensor of the source graph whose pixels the slot holds. */
  tensor: number;
  role: SlotRole;
  /** Region of `tensor` the slot holds, per tile. */
  boxes: Box[];
  /** For a crop: the computed slot it is cut from. */
  source: number | null;
}

export interface Stage {
  setting: PatchSetting;
  /** Ops before the stage (ancestors of the stage that cannot be tiled), in graph order. */
  pre: number[];
  /** Stage ops in graph order; the last one is the split op. */
  ops: number[];
  /** Ops after the stage, in graph order. */
  post: number[];
  /** Tensors the stage reads in full (graph inputs and pre-stage outputs). */
  external: number[];
  /** Stage tensors read after the stage (always the split op's output): scattered into full tensors. */
  exported: number[];
  slots: Slot[];
  /** Slot each stage op reads at each input position (null for constants and absent inputs). */
  readSlot: Map<number, Array<number | null>>;
  /** Slot each stage op writes. */
  writeSlot: Map<number, number>;
}

export function tileCount(setting: PatchSetting): number {
  return setting.tiles * setting.tiles;
}

function producers(graph: Graph): Map<number, number> {
  const p = new Map<number, number>();
  graph.ops.forEach((op, i) => op.outputs.forEach((t) => p.set(t, i)));
  return p;
}

/** Ops whose outputs `op` transitively reads, `op` included. */
function ancestors(graph: Graph, op: number, producer: Map<number, number>): Set<number> {
  const seen = new Set<number>();
  const stack = [op];
  while (stack.length > 0) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const t of graph.ops[o]!.inputs) {
      const p = t >= 0 ? producer.get(t) : undefined;
      if (p !== undefined) stack.push(p);
    }
  }
  return seen;
}

export function buildStage(graph: Graph, setting: PatchSetting): Stage {
  const { tiles: n, splitOp } = setting;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`patch tiles must be a positive integer, got ${n}`, { tiles: n });
  const split = graph.ops[splitOp];
  if (!Number.isInteger(splitOp) || !split) throw new UsageError(`split op ${splitOp} does not exist (the graph has ${graph.ops.length} ops)`, { splitOp });
  const why = notTileable(graph, split);
  if (why) throw new UnsupportedError(`split op ${splitOp} (${split.kind}) cannot run tile by tile: ${why}`, { splitOp, op: split.kind });

  const producer = producers(graph);
  const candidates = ancestors(graph, splitOp, producer);
  // An op that cannot be tiled, and everything it depends on, runs before the stage.
  const pre = new Set<number>();
  for (const o of candidates) {
    if (o !== splitOp && notTileable(graph, graph.ops[o]!) !== null) for (const a of ancestors(graph, o, producer)) pre.add(a);
  }
  const stageOps = [...candidates].filter((o) => !pre.has(o)).sort((a, b) => a - b);
  const inStage = new Set(stageOps);
  const preOps = [...pre].sort((a, b) => a - b);
  const post = graph.ops.map((_, i) => i).filter((i) => !inStage.has(i) && !pre.has(i));

  const produced = new Set(stageOps.flatMap((o) => graph.ops[o]!.outputs));
  const external = [...new Set(stageOps.flatMap((o) => activationInputs(graph, graph.ops[o]!).map((p) => graph.ops[o]!.inputs[p]!)))]
    .filter((t) => !produced.has(t));
  const readAfter = new Set([...post.flatMap((o) => graph.ops[o]!.inputs), ...graph.outputs]);
  const exported = [...produced].filter((t) => readAfter.has(t));

  const [, sh, sw] = graph.tensors[split.outputs[0]!]!.shape as [number, number, number, number];
  if (n > sh || n > sw) throw new UnsupportedError(`a ${n}x${n} grid does not fit the split op's ${sh}x${sw} output`, { tiles: n, splitOp });
  const count = n * n;

  // Backwards over the stage: each tensor's region per tile, and what each reader needs of it.
  const region = new Map<number, Box[]>();
  const needs = new Map<number, Array<{ op: number; pos: number; boxes: Box[] }>>();
  const exportedSet = new Set(exported);
  for (let i = stageOps.length - 1; i >= 0; i--) {
    const o = stageOps[i]!;
    const op = graph.ops[o]!;
    const out = op.outputs[0]!;
    const [, h, w] = graph.tensors[out]!.shape as [number, number, number, number];
    const boxes: Box[] = [];
    for (let k = 0; k < count; k++) {
      let box: Box | null = o === splitOp || exportedSet.has(out) ? gridBox(h, w, n, k) : null;
      for (const need of needs.get(out) ?? []) box = box ? boxUnion(box, need.boxes[k]!) : need.boxes[k]!;
      if (!box || boxEmpty(box)) {
        throw new UnsupportedError(`tile ${k} of a ${n}x${n} grid at op ${splitOp} needs no pixels of '${graph.tensors[out]!.name}'`, { tiles: n, splitOp, tensor: out });
      }
      boxes.push(box);
    }
    region.set(out, boxes);
    const perTile = boxes.map((b) => inputBoxes(graph, op, b));
    for (const pos of activationInputs(graph, op)) {
      const t = op.inputs[pos]!;
      const nb = perTile.map((ib) => ib[pos]!);
      if (nb.some(boxEmpty)) {
        throw new UnsupportedError(`a ${n}x${n} grid at op ${splitOp} leaves a tile of '${graph.tensors[t]!.name}' without pixels`, { tiles: n, splitOp, tensor: t });
      }
      needs.set(t, [...(needs.get(t) ?? []), { op: o, pos, boxes: nb }]);
    }
  }

  // Slots: one computed slot per stage tensor, one gather/crop slot per distinct window a reader needs.
  const slots: Slot[] = [];
  const readSlot = new Map<number, Array<number | null>>(stageOps.map((o) => [o, graph.ops[o]!.inputs.map(() => null)]));
  const writeSlot = new Map<number, number>();
  const sameBoxes = (a: Box[], b: Box[]) => a.every((x, k) => boxEquals(x, b[k]!));
  for (const o of stageOps) {
    const out = graph.ops[o]!.outputs[0]!;
    writeSlot.set(o, slots.length);
    slots.push({ id: slots.length, tensor: out, role: 'computed', boxes: region.get(out)!, source: null });
  }
  const computedOf = new Map(slots.map((s) => [s.tensor, s.id]));
  const windowSlots = new Map<string, number>();
  for (const [t, list] of needs) {
    for (const need of list) {
      const computed = computedOf.get(t);
      let slot: number;
      if (computed !== undefined && sameBoxes(slots[computed]!.boxes, need.boxes)) {
        slot = computed;
      } else {
        const key = `${t}:${need.boxes.map(boxKey).join(';')}`;
        let s = windowSlots.get(key);
        if (s === undefined) {
          s = slots.length;
          slots.push({ id: s, tensor: t, role: computed === undefined ? 'gather' : 'crop', boxes: need.boxes, source: computed ?? null });
          windowSlots.set(key, s);
        }
        slot = s;
      }
      readSlot.get(need.op)![need.pos] = slot;
    }
  }
  return { setting, pre: preOps, ops: stageOps, post, external, exported, slots, readSlot, writeSlot };
}
