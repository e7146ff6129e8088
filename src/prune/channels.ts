// Channel pruning: removes whole output channels of CONV_2D and FULLY_CONNECTED layers and shrinks every
// tensor and weight that reads them, so the result is a smaller dense model.
//
// Every channel of every activation is an "atom"; a layer's output channels are new atoms, ops that keep
// channels (activations, pools, PAD, MEAN over H/W, depthwise with multiplier 1, flattening RESHAPEs) pass
// them on, ADD-like ops unify the atoms of their two inputs (an ADD group is pruned jointly) and a channel
// CONCATENATION lays its inputs' atoms side by side. A tensor's element e has the atom of its last-dim index
// modulo its atom count (NHWC, so flattening keeps that). Atoms that reach the model output, a graph input
// or an op that cannot be resized are frozen; a group with a frozen atom is left out with a notice.
import { UnsupportedError, UsageError } from '../errors.js';
import type { AnyOp, Graph, Tensor } from '../ir/graph.js';
import { elementCount } from '../ir/shapes.js';
import { opLabel } from '../ir/validate.js';
import { readTflite, writeTflite } from '../import/tflite/index.js';
import { prunableLayers, realWeights, type PrunableKind } from './layers.js';
import { sliceAxis, squaredNormsAlong } from './tensors.js';

/** How output channels are ranked (the smallest go): their filters' L2 norm, or the L2 norm of the weights that read them downstream (the pruning lab's input-channel importance). */
export const CHANNEL_CRITERIA = ['l2', 'next'] as const;
export type ChannelCriterion = (typeof CHANNEL_CRITERIA)[number];

/** Ops whose output keeps each input channel where it was (element-wise on one tensor, or per-channel windows). */
const KEEPS_CHANNELS: ReadonlySet<string> = new Set([
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'LOGISTIC', 'TANH', 'LEAKY_RELU', 'HARD_SWISH', 'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'QUANTIZE', 'DEQUANTIZE',
]);
/** Element-wise ops of two operands: equal-shaped activations share their channels. */
const BINARY: ReadonlySet<string> = new Set(['ADD', 'SUB', 'MUL', 'MAXIMUM', 'MINIMUM']);

class UnionFind {
  readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(x: number): number {
    while (this.parent[x] !== x) x = this.parent[x] = this.parent[this.parent[x]!]!;
    return x;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** A read of channels by a layer's weights (where the 'next' criterion looks, and what is sliced). */
interface ChannelRead {
  node: number;
  tensor: number;
}

interface Analysis {
  /** Per activation tensor id: the atom of each channel (last-dim index modulo the count). */
  atoms: Map<number, number[]>;
  atomsUf: UnionFind;
  /** Per atom: the layer whose output channel it is (-1: a graph input or an op that is not a layer). */
  producer: number[];
  /** Per atom: its channel index in that producer's output. */
  channel: number[];
  /** Layers whose output channels are atoms (CONV_2D, FULLY_CONNECTED), in graph order. */
  producers: number[];
  /** Depthwise layers with multiplier 1 whose channels are their input's. */
  carried: number[];
  reads: ChannelRead[];
  /** Atoms that must stay, and why. */
  frozen: Map<number, string>;
}

function lastDim(t: Tensor): number {
  return t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1]!;
}

/** Constant tensors read by more than one op (slicing one use would change the other). */
function sharedConstants(graph: Graph): Set<number> {
  const uses = new Map<number, number>();
  for (const op of graph.ops) for (const id of new Set(op.inputs)) if (id >= 0 && graph.tensors[id]!.data) uses.set(id, (uses.get(id) ?? 0) + 1);
  return new Set([...uses].filter(([, n]) => n > 1).map(([id]) => id));
}

function analyse(graph: Graph, model: string): Analysis {
  const a: Analysis = { atoms: new Map(), atomsUf: new UnionFind(), producer: [], channel: [], producers: [], carried: [], reads: [], frozen: new Map() };
  const layerNodes = new Set(prunableLayers(graph, model).map((l) => l.node));
  const shared = sharedConstants(graph);
  const fresh = (count: number, producer: number): number[] =>
    Array.from({ length: count }, (_, c) => {
      a.producer.push(producer);
      a.channel.push(c);
      return a.atomsUf.add();
    });
  const freeze = (atoms: readonly number[], why: string) => atoms.forEach((x) => a.frozen.has(x) || a.frozen.set(x, why));
  const isActivation = (id: number) => id >= 0 && graph.tensors[id]!.data === null;
  for (const id of graph.inputs) {
    const atoms = fresh(lastDim(graph.tensors[id]!), -1);
    freeze(atoms, 'the model input');
    a.atoms.set(id, atoms);
  }

  graph.ops.forEach((op, node) => {
    const where = opLabel(op, node);
    const out = graph.tensors[op.outputs[0]!]!;
    const inAtoms = (k: number) => a.atoms.get(op.inputs[k]!);
    const x = inAtoms(0);
    const opaque = (why: string) => {
      for (const id of op.inputs) if (a.atoms.has(id)) freeze(a.atoms.get(id)!, why);
      for (const id of op.outputs) {
        const atoms = fresh(lastDim(graph.tensors[id]!), -1);
        freeze(atoms, why);
        a.atoms.set(id, atoms);
      }
    };
    const pass = (atoms: number[] | undefined, why: string) => {
      if (!atoms || lastDim(out) % atoms.length !== 0 || op.outputs.length !== 1) return opaque(why);
      a.atoms.set(out.id, atoms);
    };
    const ownsConstants = op.inputs.slice(1).every((id) => id < 0 || !shared.has(id));

    if ((op.kind === 'CONV_2D' || op.kind === 'FULLY_CONNECTED') && layerNodes.has(node) && x && ownsConstants) {
      const w = graph.tensors[op.inputs[1]!]!;
      const reads = op.kind === 'CONV_2D' ? w.shape[3] === x.length : w.shape[1]! % x.length === 0;
      if (!reads) return opaque(`${where}, which reads its input in a way pruning cannot resize`);
      a.reads.push({ node, tensor: op.inputs[0]! });
      a.producers.push(node);
      a.atoms.set(out.id, fresh(lastDim(out), node));
      return;
    }
    if (op.kind === 'DEPTHWISE_CONV_2D' && layerNodes.has(node) && x && ownsConstants) {
      const w = graph.tensors[op.inputs[1]!]!;
      if (op.attrs.depthMultiplier !== 1 || w.shape[3] !== x.length || lastDim(out) !== x.length) return opaque(`${where}, which has depth multiplier ${op.attrs.depthMultiplier}`);
      a.reads.push({ node, tensor: op.inputs[0]! });
      a.carried.push(node);
      a.atoms.set(out.id, x);
      return;
    }
    if (KEEPS_CHANNELS.has(op.kind)) return pass(x, `${where}, which changes the channel count`);
    switch (op.kind) {
      case 'RESHAPE':
      case 'SQUEEZE':
        return pass(x, `${where}, which reshapes to [${out.shape.join(', ')}] and so does not keep channels last (a fixed-size shape contract)`);
      case 'PAD':
      case 'PADV2': {
        const last = op.attrs.paddings[op.attrs.paddings.length - 1];
        if (last && (last[0] !== 0 || last[1] !== 0)) return opaque(`${where}, which pads the channel dim`);
        return pass(x, `${where}, which changes the channel count`);
      }
      case 'MEAN': {
        const rank = graph.tensors[op.inputs[0]!]!.shape.length;
        if (op.attrs.axes.includes(rank - 1)) return opaque(`${where}, which reduces over channels`);
        return pass(x, `${where}, which changes the channel count`);
      }
      case 'CONCATENATION': {
        const ins = op.inputs.map((id) => a.atoms.get(id));
        if (ins.some((v) => !v)) return opaque(`${where}, which concatenates a constant`);
        const rank = out.shape.length;
        if (op.attrs.axis === rank - 1) {
          if (op.inputs.some((id, k) => lastDim(graph.tensors[id]!) !== ins[k]!.length)) return opaque(`${where}, which concatenates flattened tensors`);
          a.atoms.set(out.id, ins.flatMap((v) => v!));
          return;
        }
        if (ins.some((v) => v!.length !== ins[0]!.length)) return opaque(`${where}, which concatenates tensors of different channel counts`);
        ins.forEach((v) => v!.forEach((atom, c) => a.atomsUf.union(atom, ins[0]![c]!)));
        return pass(ins[0], `${where}, which changes the channel count`);
      }
      default:
        if (BINARY.has(op.kind)) {
          const [l, r] = [op.inputs[0]!, op.inputs[1]!];
          if (isActivation(l) && isActivation(r)) {
            const [lt, rt] = [graph.tensors[l]!, graph.tensors[r]!];
            if (lt.shape.join() !== rt.shape.join() || a.atoms.get(l)!.length !== a.atoms.get(r)!.length) return opaque(`${where}, which broadcasts`);
            a.atoms.get(r)!.forEach((atom, c) => a.atomsUf.union(atom, a.atoms.get(l)![c]!));
            return pass(a.atoms.get(l), `${where}, which changes the channel count`);
          }
          const constant = isActivation(l) ? r : l;
          if (elementCount(graph.tensors[constant]!.shape) !== 1) return opaque(`${where}, which has a per-channel constant operand`);
          return pass(a.atoms.get(isActivation(l) ? l : r), `${where}, which changes the channel count`);
        }
        return opaque(`${where}, which pruning cannot resize`);
    }
  });
  for (const id of graph.outputs) freeze(a.atoms.get(id) ?? [], 'the model output');
  return a;
}

export interface ChannelLayer {
  node: number;
  kind: PrunableKind;
  name: string;
  /** Output channels before and after. */
  channels: number;
  kept: number;
  /** The removed output channels, as indices of the original layer. */
  removed: number[];
}

export interface ChannelResult {
  graph: Graph;
  /** Every layer whose output channels changed (producers and the depthwise layers carrying them). */
  layers: ChannelLayer[];
  /** Layers left out, each with the reason. */
  notices: string[];
}

export interface ChannelOptions {
  criterion?: ChannelCriterion;
}

/** Per atom root, its score under the criterion (squared norms summed over the atoms of the class). */
function scores(graph: Graph, a: Analysis, criterion: ChannelCriterion): Map<number, number> {
  const score = new Map<number, number>();
  const add = (atom: number, v: number) => {
    const root = a.atomsUf.find(atom);
    score.set(root, (score.get(root) ?? 0) + v);
  };
  if (criterion === 'l2') {
    for (const node of a.producers) {
      const w = graph.tensors[graph.ops[node]!.inputs[1]!]!;
      const norms = squaredNormsAlong(realWeights(w), w.shape, 0);
      a.atoms.get(graph.ops[node]!.outputs[0]!)!.forEach((atom, c) => add(atom, norms[c]!));
    }
    // a depthwise layer's filter is part of the channel it carries
    for (const node of a.carried) {
      const w = graph.tensors[graph.ops[node]!.inputs[1]!]!;
      const norms = squaredNormsAlong(realWeights(w), w.shape, 3);
      a.atoms.get(graph.ops[node]!.inputs[0]!)!.forEach((atom, c) => add(atom, norms[c]!));
    }
    return score;
  }
  for (const { node, tensor } of a.reads) {
    const op = graph.ops[node]!;
    const w = graph.tensors[op.inputs[1]!]!;
    const atoms = a.atoms.get(tensor)!;
    const axis = op.kind === 'FULLY_CONNECTED' ? 1 : 3;
    const norms = squaredNormsAlong(realWeights(w), w.shape, axis);
    norms.forEach((v, k) => add(atoms[k % atoms.length]!, v));
  }
  return score;
}

const checkShare = (share: number, what: string) => {
  if (!(Number.isFinite(share) && share >= 0 && share < 1)) throw new UsageError(`${what}: the share of channels to remove must be in [0, 1), got ${share}`, { what, share });
};

/**
 * Removes a share of the output channels (rounded, at least one kept) of every prunable group: a layer, or
 * the layers an ADD-like op ties together, whose channels are chosen jointly. `shares` is one share for
 * every layer, or a share per layer (op index -> share; layers not named stay whole). With one share, layers
 * whose channels reach the model output or an op that cannot be resized are left out with a notice (none
 * left is an error); a layer named in the map that cannot be pruned is refused, naming it and why.
 */
export function pruneChannels(graph: Graph, shares: number | ReadonlyMap<number, number>, model: string, options: ChannelOptions = {}): ChannelResult {
  if (typeof shares === 'number') checkShare(shares, '--channels');
  const criterion = options.criterion ?? 'l2';
  const a = analyse(graph, model);
  const uf = a.atomsUf;
  const label = (node: number) => `${opLabel(graph.ops[node]!, node)} (${JSON.stringify(graph.tensors[graph.ops[node]!.outputs[0]!]!.name)})`;
  if (typeof shares !== 'number') {
    for (const [node, share] of shares) {
      if (!a.producers.includes(node)) {
        const channelLayers = a.producers.map((n) => JSON.stringify(graph.tensors[graph.ops[n]!.outputs[0]!]!.name)).join(', ') || 'none';
        const what = graph.ops[node] ? label(node) : `node ${node}`;
        throw new UsageError(`${model}: ${what} has no output channels pruning can choose (layers with their own: ${channelLayers}; a depthwise layer follows the layer feeding it)`, { model, node });
      }
      checkShare(share, `--channels ${label(node)}`);
    }
  }
  const shareOf = (node: number) => (typeof shares === 'number' ? shares : shares.get(node));

  // groups: producers whose channels were unified
  const groupOf = new Map<number, number>();
  const groupUf = new UnionFind();
  for (const node of a.producers) groupOf.set(node, groupUf.add());
  const producerAtoms = (node: number) => a.atoms.get(graph.ops[node]!.outputs[0]!)!;
  const firstProducerOfRoot = new Map<number, number>();
  for (const node of a.producers) {
    for (const atom of producerAtoms(node)) {
      const root = uf.find(atom);
      const seen = firstProducerOfRoot.get(root);
      if (seen === undefined) firstProducerOfRoot.set(root, node);
      else groupUf.union(groupOf.get(seen)!, groupOf.get(node)!);
    }
  }
  const frozenRoots = new Map<number, string>();
  for (const [atom, why] of a.frozen) if (!frozenRoots.has(uf.find(atom))) frozenRoots.set(uf.find(atom), why);

  const groups = new Map<number, number[]>();
  for (const node of a.producers) {
    const g = groupUf.find(groupOf.get(node)!);
    groups.set(g, [...(groups.get(g) ?? []), node]);
  }
  const score = scores(graph, a, criterion);
  const removedRoots = new Set<number>();
  const notices: string[] = [];
  let chosenGroups = 0;
  for (const nodes of groups.values()) {
    const named = nodes.filter((n) => shareOf(n) !== undefined);
    if (named.length === 0) continue;
    const ratio = shareOf(named[0]!)!;
    const other = named.find((n) => shareOf(n) !== ratio);
    if (other !== undefined) {
      throw new UsageError(`${model}: ${label(named[0]!)} and ${label(other)} share their output channels (an ADD or CONCATENATION group) and are pruned together: give them one share, not ${ratio} and ${shareOf(other)}`, { model, nodes: named });
    }
    chosenGroups++;
    const roots = [...new Set(nodes.flatMap((n) => producerAtoms(n).map((x) => uf.find(x))))].sort((p, q) => p - q);
    const why = roots.map((r) => frozenRoots.get(r)).find((w) => w !== undefined);
    if (why !== undefined) {
      const notice = `${nodes.map(label).join(' + ')} left out: ${nodes.length > 1 ? 'their' : 'its'} output channels reach ${why}`;
      if (typeof shares !== 'number' && ratio > 0) throw new UnsupportedError(`${model}: --channels cannot prune ${notice.replace(' left out: ', ': ')}`, { model, nodes, reason: why });
      notices.push(notice);
      continue;
    }
    const count = Math.min(Math.round(ratio * roots.length), roots.length - 1);
    const ranked = roots.slice().sort((p, q) => score.get(p)! - score.get(q)! || p - q);
    for (const r of ranked.slice(0, count)) removedRoots.add(r);
  }
  if (a.producers.length === 0 || notices.length === chosenGroups) {
    throw new UnsupportedError(`${model}: no layer's output channels can be pruned${notices.length ? `: ${notices.join('; ')}` : ''}`, { model, notices });
  }

  const keptOf = (atoms: readonly number[]) => atoms.flatMap((atom, i) => (removedRoots.has(uf.find(atom)) ? [] : [i]));
  const tensors = graph.tensors.slice();
  // activations: the last dim shrinks by the removed channels of every repetition of the atoms
  for (const [id, atoms] of a.atoms) {
    const kept = keptOf(atoms).length;
    if (kept === atoms.length) continue;
    const t = tensors[id]!;
    const shape = t.shape.slice();
    shape[shape.length - 1] = (shape[shape.length - 1]! / atoms.length) * kept;
    const signature = t.shapeSignature?.slice() ?? null;
    if (signature && signature[signature.length - 1] !== -1) signature[signature.length - 1] = shape[shape.length - 1]!;
    tensors[id] = { ...t, shape, shapeSignature: signature };
  }
  const slice = (id: number | undefined, axis: number, keep: number[]) => {
    if (id === undefined || id < 0) return;
    if (keep.length !== tensors[id]!.shape[axis]) tensors[id] = sliceAxis(tensors[id]!, axis, keep);
  };
  for (const node of a.producers) {
    const op = graph.ops[node]!;
    const keep = keptOf(producerAtoms(node));
    slice(op.inputs[1], 0, keep);
    slice(op.inputs[2], 0, keep);
  }
  for (const node of a.carried) {
    const op = graph.ops[node]!;
    const keep = keptOf(a.atoms.get(op.inputs[0]!)!);
    slice(op.inputs[1], 3, keep);
    slice(op.inputs[2], 0, keep);
  }
  for (const { node, tensor } of a.reads) {
    const op = graph.ops[node]!;
    if (op.kind === 'DEPTHWISE_CONV_2D') continue;
    const atoms = a.atoms.get(tensor)!;
    if (op.kind === 'CONV_2D') slice(op.inputs[1], 3, keptOf(atoms));
    else {
      const kept = new Set(keptOf(atoms));
      const columns = Array.from({ length: tensors[op.inputs[1]!]!.shape[1]! }, (_, k) => k).filter((k) => kept.has(k % atoms.length));
      slice(op.inputs[1], 1, columns);
    }
  }
  // RESHAPE's shape operand follows its output (a -1 stays -1)
  graph.ops.forEach((op: AnyOp) => {
    if (op.kind !== 'RESHAPE' || op.inputs[1] === undefined || op.inputs[1] < 0) return;
    const shapeTensor = tensors[op.inputs[1]]!;
    const out = tensors[op.outputs[0]!]!;
    if (shapeTensor.data === null || shapeTensor.dtype !== 'int32' || elementCount(shapeTensor.shape) !== out.shape.length) return;
    const old = new Int32Array(shapeTensor.data.slice().buffer);
    const next = Int32Array.from(out.shape, (d, i) => (old[i] === -1 ? -1 : d));
    tensors[shapeTensor.id] = { ...shapeTensor, data: new Uint8Array(next.buffer) };
  });

  const layers: ChannelLayer[] = [...a.producers, ...a.carried].sort((p, q) => p - q).flatMap((node) => {
    const op = graph.ops[node]!;
    const atoms = a.atoms.get(op.outputs[0]!)!;
    const kept = keptOf(atoms);
    if (kept.length === atoms.length) return [];
    const removed = atoms.flatMap((atom, c) => (removedRoots.has(uf.find(atom)) ? [c] : []));
    return [{ node, kind: op.kind as PrunableKind, name: graph.tensors[op.outputs[0]!]!.name, channels: atoms.length, kept: kept.length, removed }];
  });
  // written and read back: the importer checks the shapes and derives the int8 params of the new sizes
  const pruned = readTflite(writeTflite({ ...graph, tensors }));
  return { graph: pruned, layers, notices };
}
