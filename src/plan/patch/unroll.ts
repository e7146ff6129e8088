// The unrolled graph of a patch stage: pre-stage ops, then for every tile the stage ops on that tile's
// tensors (tile shapes, tile pads), then the post-stage ops. Window copies (gather a tile of a full
// tensor, crop a smaller window out of a tile, scatter a tile into a full tensor) run just before or
// just after a step; they are listed beside the graph, since no graph op expresses them.
//
// The unrolled graph keeps every tensor of the source graph under its id (constants are shared, so the
// weights are not duplicated) and appends one tensor per (tile, slot).
import type { AnyOp, Graph, Tensor } from '../../ir/graph.js';
import { deriveParams } from '../../ir/params/index.js';
import type { OpKind } from '../../ir/ops.js';
import { boxHeight, boxWidth, tileAttrs } from './regions.js';
import { tileCount, type Stage } from './stage.js';

/** A window copy attached to a step of the unrolled graph. */
export interface PatchCopy {
  /** Index of the unrolled op (= plan step) the copy belongs to. */
  step: number;
  /** Gathers and crops run before the step's kernel, scatters after it. */
  when: 'before' | 'after';
  direction: 'to-tile' | 'from-tile';
  /** The larger NHWC tensor (a full tensor, or the computed tile a crop is cut from). */
  full: number;
  /** The compact tile tensor. */
  tile: number;
  y0: number;
  x0: number;
}

export interface Unrolled {
  graph: Graph;
  /** Source-graph op index of each unrolled op. */
  origin: number[];
  /** Tile index of each unrolled op (-1 outside the stage). */
  tileOf: number[];
  copies: PatchCopy[];
  /** Slot id of each tile tensor (unrolled tensor id -> slot). */
  slotOfTensor: Map<number, number>;
  /** Unrolled step range of the stage: [stageStart, stageStart + tiles * stepsPerTile). */
  stageStart: number;
  stepsPerTile: number;
}

/**
 * Builds the unrolled graph. With `derive`, every tile op's params are derived again from its tile
 * tensors (validating tile shapes and pads); otherwise they are copied (they never depend on the
 * spatial size), which is what the auto search does for speed.
 */
export function unrollStage(graph: Graph, stage: Stage, derive: boolean): Unrolled {
  const tensors: Tensor[] = graph.tensors.slice();
  const ops: AnyOp[] = [];
  const origin: number[] = [];
  const tileOf: number[] = [];
  const copies: PatchCopy[] = [];
  const slotOfTensor = new Map<number, number>();
  const exported = new Set(stage.exported);

  const push = (op: AnyOp, from: number, tile: number) => {
    ops.push(op);
    origin.push(from);
    tileOf.push(tile);
  };
  for (const o of stage.pre) push(graph.ops[o]!, o, -1);
  const stageStart = ops.length;

  const count = tileCount(stage.setting);
  for (let k = 0; k < count; k++) {
    const tensorOfSlot = new Map<number, number>();
    const tileTensor = (slot: number): number => {
      let id = tensorOfSlot.get(slot);
      if (id === undefined) {
        const s = stage.slots[slot]!;
        const src = graph.tensors[s.tensor]!;
        const box = s.boxes[k]!;
        id = tensors.length;
        tensors.push({
          ...src,
          id,
          name: `${src.name}@tile${k}${s.role === 'computed' ? '' : `:${s.role}${slot}`}`,
          shape: [1, boxHeight(box), boxWidth(box), src.shape[3]!],
          shapeSignature: null,
          data: null,
          isVariable: false,
        });
        tensorOfSlot.set(slot, id);
        slotOfTensor.set(id, slot);
      }
      return id;
    };
    for (const o of stage.ops) {
      const op = graph.ops[o]!;
      const step = ops.length;
      const reads = stage.readSlot.get(o)!;
      const inputs = op.inputs.map((t, pos) => {
        const slot = reads[pos];
        if (slot === null || slot === undefined) return t;
        const s = stage.slots[slot]!;
        const fresh = !tensorOfSlot.has(slot);
        const id = tileTensor(slot);
        if (fresh && s.role !== 'computed') {
          // First reader of a window in this tile: copy it in just before the kernel.
          const box = s.boxes[k]!;
          const from = s.role === 'gather' ? s.tensor : tensorOfSlot.get(s.source!)!;
          const origin = s.role === 'gather' ? { y0: 0, x0: 0 } : { y0: stage.slots[s.source!]!.boxes[k]!.y0, x0: stage.slots[s.source!]!.boxes[k]!.x0 };
          copies.push({ step, when: 'before', direction: 'to-tile', full: from, tile: id, y0: box.y0 - origin.y0, x0: box.x0 - origin.x0 });
        }
        return id;
      });
      const writeSlot = stage.writeSlot.get(o)!;
      const out = tileTensor(writeSlot);
      const outBox = stage.slots[writeSlot]!.boxes[k]!;
      const bare = { ...op, inputs, outputs: [out], attrs: tileAttrs(graph, op, outBox) } as AnyOp;
      const tileOp = derive
        ? ({ ...bare, params: deriveParams({ op: bare, index: step, tensors } as Parameters<typeof deriveParams<OpKind>>[0]) } as AnyOp)
        : bare;
      push(tileOp, o, k);
      if (exported.has(op.outputs[0]!)) {
        copies.push({ step, when: 'after', direction: 'from-tile', full: op.outputs[0]!, tile: out, y0: outBox.y0, x0: outBox.x0 });
      }
    }
  }
  for (const o of stage.post) push(graph.ops[o]!, o, -1);
  return {
    graph: { ...graph, tensors, ops },
    origin,
    tileOf,
    copies,
    slotOfTensor,
    stageStart,
    stepsPerTile: stage.ops.length,
  };
}

/**
 * The unrolled graph with each copy's other tensor added to its step's op inputs: the bytes a step's
 * copies touch must be live at that step. Liveness and verification read this graph; kernels never do.
 */
export function withCopyOperands(u: Pick<Unrolled, 'graph' | 'copies'>): Graph {
  const extra = new Map<number, number[]>();
  for (const c of u.copies) extra.set(c.step, [...(extra.get(c.step) ?? []), c.full, c.tile]);
  if (extra.size === 0) return u.graph;
  return { ...u.graph, ops: u.graph.ops.map((op, i) => (extra.has(i) ? ({ ...op, inputs: [...op.inputs, ...extra.get(i)!] } as AnyOp) : op)) };
}
