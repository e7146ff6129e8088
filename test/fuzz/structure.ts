// Structure-level mutations of parsed .tflite models (ops rewired, tensors shared, shapes inflated,
// quantization perturbed, options flipped, ops reordered, dtypes changed), re-encoded with
// encodeParsed so the importer, planner and backends meet graphs the writer would never produce.
import { ModelBuilder } from '../../src/builder/index.js';
import { Xorshift32 } from '../../src/builder/random.js';
import { parseTflite, readTflite, writeTflite, type TfliteModel } from '../../src/import/tflite/index.js';
import { applyClusters, clusterWeights } from '../../src/quantize/cluster.js';
import { OPTIONS } from '../../src/import/tflite/options.js';
import type { DType } from '../../src/ir/graph.js';
import { encodeParsed } from '../import/craft.js';
import { loadSharedModels, sharedModelsAvailable } from '../import/shared-models.js';

export const MUTATION_CLASSES = ['rewire', 'share', 'io', 'inflate', 'quant', 'options', 'order', 'dtype'] as const;
export type MutationClass = (typeof MUTATION_CLASSES)[number];

export interface SeedModel {
  name: string;
  parsed: TfliteModel;
}

export interface FuzzCase {
  /** "<seed model>#<index>": the key KNOWN_OPEN and failure messages use. */
  id: string;
  seed: number;
  cls: MutationClass;
  how: string;
  bytes: Uint8Array;
}

/** A small conv net: every spatial kernel family, a RESHAPE alias, FC and SOFTMAX. */
function convNet(): Uint8Array {
  const b = new ModelBuilder({ name: 'fuzz_conv', seed: 5 });
  const x = b.input('x', [1, 8, 8, 2], { scale: 1 / 64, zeroPoint: -3 });
  let h = b.conv2d(x, { filters: 4, kernel: 3, stride: 1, activation: 'relu6' });
  h = b.depthwiseConv2d(h, { kernel: 3, stride: 2, activation: 'relu' });
  h = b.maxPool2d(h, { pool: 2 });
  h = b.reshape(h, [1, 16]);
  b.output(b.softmax(b.fullyConnected(h, { units: 3 })));
  return writeTflite(b.build());
}

/** Two outputs where one feeds an elementwise op (issue 18 item 1's shape), plus ADD, MUL, CONCATENATION, MEAN, PAD. */
function branchNet(): Uint8Array {
  const b = new ModelBuilder({ name: 'fuzz_branch', seed: 9 });
  const x = b.input('x', [1, 4, 4, 3], { scale: 1 / 32, zeroPoint: 0 });
  const a = b.conv2d(x, { filters: 3, kernel: 1, activation: 'none' });
  const s = b.add(a, x);
  const m = b.mul(s, a);
  const c = b.concatenation([m, b.pad(a, [[0, 0], [0, 0], [0, 0], [0, 0]])], { axis: 3 });
  const logits = b.fullyConnected(b.mean(c), { units: 4 });
  b.output(logits);
  b.output(b.logistic(logits));
  return writeTflite(b.build());
}

/** Shape-preserving ops only (LOGISTIC, 1x1 MAX_POOL, QUANTIZE): inflating every activation alike stays consistent. */
function elementwiseNet(): Uint8Array {
  const b = new ModelBuilder({ name: 'fuzz_elementwise', seed: 3 });
  const x = b.input('x', [1, 4, 4, 2], { scale: 1 / 16, zeroPoint: 5 });
  const y = b.maxPool2d(b.logistic(x), { pool: 1 });
  b.output(b.quantize(y, { quant: { scale: 1 / 200, zeroPoint: -100 } }));
  return writeTflite(b.build());
}

/** Issue 18 item 12's operator-order bomb: three parallel chains of `length` LOGISTIC ops. */
export function orderBomb(length: number): FuzzCase {
  const b = new ModelBuilder({ name: 'fuzz_order_bomb', seed: 12, calibrationSamples: 1 });
  const x = b.input('x', [1, 8], { scale: 1 / 16, zeroPoint: 0 });
  for (let chain = 0; chain < 3; chain++) {
    let h = x;
    for (let i = 0; i < length; i++) h = b.logistic(h);
    b.output(h);
  }
  return { id: `order_bomb#${length}`, seed: 0, cls: 'order', how: `three parallel chains of ${length} LOGISTIC ops`, bytes: writeTflite(b.build()) };
}

/** convNet's weights clustered to 2 bits and stored LUT-compressed: DECODE ops with packed indices and tables. */
function decodeNet(): Uint8Array {
  const graph = readTflite(convNet());
  return writeTflite(applyClusters(graph, clusterWeights(graph, { bits: 2, seed: 1 }), 2).graph);
}

const SHARED_SEEDS = ['hello_world_int8', 'micro_speech_quantized', 'kws_ref_model', 'ad01_int8'];

/** The builder models always; the small shared models when ../shared is present. */
export function seedModels(): SeedModel[] {
  const seeds = [
    { name: 'fuzz_conv', bytes: convNet() },
    { name: 'fuzz_branch', bytes: branchNet() },
    { name: 'fuzz_elementwise', bytes: elementwiseNet() },
    { name: 'fuzz_decode', bytes: decodeNet() },
  ];
  if (sharedModelsAvailable()) {
    const shared = loadSharedModels();
    for (const name of SHARED_SEEDS) seeds.push({ name, bytes: shared.find((m) => m.name === name)!.bytes });
  }
  return seeds.map((s) => ({ name: s.name, parsed: parseTflite(s.bytes) }));
}

class Rng {
  private readonly x: Xorshift32;
  constructor(seed: number) {
    this.x = new Xorshift32(seed);
  }
  below(n: number): number {
    return this.x.nextU32() % n;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)]!;
  }
  chance(p: number): boolean {
    return this.x.uniform() < p;
  }
}

const SCALES = [1e-15, 1e15, 1e-12, 1e-30, 3.4e38, 0, -0.05, Number.NaN, Number.POSITIVE_INFINITY, 2 ** -31, 1e-9, 1e9];
const ZERO_POINTS = [200, -300, 128, -129, 255, 32768, 2 ** 31, -(2 ** 40)];
const INTS = [0, -1, 1, 2, 3, 5, 7, 127, 255, 1 << 16, 0x7fffffff, -0x80000000];
const FLOATS = [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e30, 1e-30];
const DTYPES: DType[] = ['int16', 'int32', 'uint8', 'float32', 'int64', 'bool', 'int4'];

function clone(m: TfliteModel): TfliteModel {
  return {
    ...m,
    tensors: m.tensors.map((t) => ({ ...t, shape: [...t.shape], shapeSignature: null, quant: t.quant && { ...t.quant, scales: [...t.quant.scales], zeroPoints: [...t.quant.zeroPoints] } })),
    operators: m.operators.map((o) => ({ ...o, inputs: [...o.inputs], outputs: [...o.outputs], options: { ...o.options } })),
    inputs: [...m.inputs],
    outputs: [...m.outputs],
    signatureDefs: [],
  };
}

/** One mutation of the given class; returns what it did, in words naming indices and values. */
function apply(m: TfliteModel, cls: MutationClass, r: Rng): string {
  const nt = m.tensors.length;
  const opIndex = r.below(m.operators.length);
  const op = m.operators[opIndex]!;
  const activations = m.tensors.filter((t) => t.data === null).map((t) => t.id);
  const constants = m.tensors.filter((t) => t.data !== null).map((t) => t.id);
  const written = m.operators.flatMap((o) => o.outputs);
  switch (cls) {
    case 'rewire': {
      const j = r.below(op.inputs.length || 1);
      if (r.chance(0.5) || op.inputs.length === 0) {
        // an output pointed at a model input, a constant or a tensor another op writes
        const k = r.below(op.outputs.length);
        const to = r.pick([m.inputs, constants.length ? constants : m.inputs, written].flat());
        op.outputs[k] = to;
        return `op ${opIndex} ${op.kind} output ${k} -> tensor ${to}`;
      }
      const to = r.chance(0.5) ? r.pick(written) : r.below(nt);
      op.inputs[j] = to;
      return `op ${opIndex} ${op.kind} input ${j} -> tensor ${to}`;
    }
    case 'share': {
      // two ops write one tensor, or one op reads what a later op writes (a cycle or a read before the write)
      const other = r.below(m.operators.length);
      if (r.chance(0.5)) {
        m.operators[other]!.outputs[0] = op.outputs[0]!;
        return `op ${other} writes op ${opIndex}'s output tensor ${op.outputs[0]}`;
      }
      const later = m.operators[m.operators.length - 1 - r.below(Math.max(1, m.operators.length - opIndex))]!;
      op.inputs[0] = later.outputs[0]!;
      return `op ${opIndex} input 0 reads tensor ${later.outputs[0]} (written by a later op)`;
    }
    case 'io': {
      const choice = r.below(5);
      if (choice === 0 && constants.length) {
        const c = r.pick(constants);
        m.outputs.push(c);
        return `constant tensor ${c} added as a model output`;
      }
      if (choice === 1) {
        m.outputs.push(m.inputs[0]!);
        return `model input ${m.inputs[0]} is also a model output`;
      }
      if (choice === 2) {
        const t = r.pick(activations.filter((id) => !written.includes(id)).concat(m.outputs));
        m.outputs.push(t);
        return `tensor ${t} added (again) as a model output`;
      }
      if (choice === 3) {
        const t = r.pick(written);
        m.inputs.push(t);
        return `op-written tensor ${t} added as a model input`;
      }
      const mid = r.pick(written);
      m.outputs.unshift(mid);
      return `intermediate tensor ${mid} made a model output`;
    }
    case 'inflate': {
      const id = r.pick(activations);
      const t = m.tensors[id]!;
      const d = r.below(Math.max(1, t.shape.length));
      const choice = r.below(5);
      if (choice === 4) {
        // every activation of this rank alike, so shapes still agree op to op: a size bomb (16 MiB to
        // 1 GiB per tensor, or zero elements with 2^30-sized dims), not a mismatch
        const rank = t.shape.length;
        const dims = [...t.shape];
        const zero = r.chance(0.3);
        const log2 = zero ? 30 : r.pick([24, 26, 28, 30]) - Math.ceil(Math.log2(Math.max(1, dims[rank - 1]!)));
        if (rank >= 3) {
          const h = r.below(log2 + 1);
          [dims[rank - 3], dims[rank - 2]] = zero ? [2 ** 30, 2 ** 30] : [2 ** h, 2 ** (log2 - h)];
          if (zero) dims[rank - 1] = 0;
        } else dims[rank - 1] = zero ? 0 : 2 ** log2;
        if (zero && rank < 3 && rank > 1) dims[0] = 2 ** 30;
        for (const a of activations) if (m.tensors[a]!.shape.length === rank) m.tensors[a]!.shape = [...dims];
        return `every rank-${rank} activation shape -> [${dims}]`;
      }
      if (choice === 0) t.shape[d] = Math.min(2 ** 30, (t.shape[d] || 1) * 2 ** (1 + r.below(30)));
      else if (choice === 1) t.shape[d] = 2 ** 30;
      else if (choice === 2) {
        t.shape[d] = 0;
        t.shape.forEach((_, i) => i !== d && r.chance(0.5) && (t.shape[i] = 2 ** 30));
      } else t.shape = r.chance(0.5) ? [...t.shape, 1 + r.below(4)] : t.shape.slice(1);
      return `tensor ${id} shape -> [${t.shape}]`;
    }
    case 'quant': {
      const id = r.below(nt);
      const t = m.tensors[id]!;
      if (!t.quant) t.quant = { scales: [0.1], zeroPoints: [0], axis: 0 };
      const choice = r.below(4);
      if (choice === 0) t.quant.scales = t.quant.scales.map(() => r.pick(SCALES));
      else if (choice === 1) t.quant.zeroPoints = t.quant.zeroPoints.map(() => r.pick(ZERO_POINTS));
      else if (choice === 2) t.quant.scales = t.quant.scales.map((s, i) => (i === 0 ? r.pick(SCALES) : s));
      else t.quant.axis = r.pick([-1, 7, 1, 3]);
      return `tensor ${id} quant -> scales [${t.quant.scales.slice(0, 3)}${t.quant.scales.length > 3 ? ',…' : ''}] zero points [${t.quant.zeroPoints.slice(0, 3)}] axis ${t.quant.axis}`;
    }
    case 'options': {
      const withOptions = m.operators.map((o, i) => [o, i] as const).filter(([o]) => (OPTIONS[o.kind]?.fields.length ?? 0) > 0);
      if (withOptions.length === 0) return apply(m, 'order', r);
      const [o, i] = r.pick(withOptions);
      const field = r.pick(OPTIONS[o.kind]!.fields);
      let v: number | boolean | number[];
      if (field.kind === 'bool') v = !(o.options[field.name] as boolean);
      else if (field.kind === 'f32') v = r.pick(FLOATS);
      else if (field.kind === 'i32[]') v = Array.from({ length: r.below(6) }, () => r.pick([...INTS, 4, 16]));
      else v = r.pick(INTS) & (field.kind === 'i32' ? -1 : 0xff);
      if (field.kind === 'i8' && typeof v === 'number') v = (v << 24) >> 24;
      o.options[field.name] = v;
      return `op ${i} ${o.kind} option ${field.name} -> ${JSON.stringify(v)}`;
    }
    case 'order': {
      const other = r.below(m.operators.length);
      [m.operators[opIndex], m.operators[other]] = [m.operators[other]!, m.operators[opIndex]!];
      return `ops ${opIndex} and ${other} swapped`;
    }
    case 'dtype': {
      const id = r.chance(0.7) ? r.pick(activations) : r.below(nt);
      const t = m.tensors[id]!;
      const dtype = r.pick(DTYPES);
      t.dtype = dtype;
      return `tensor ${id} dtype -> ${dtype}`;
    }
  }
}

/** Case i of a seed model: deterministic from (seed model index, i); one or two mutations. */
export function structureCase(seedModel: SeedModel, modelIndex: number, i: number): FuzzCase {
  const seed = (modelIndex + 1) * 1_000_003 + i;
  const r = new Rng(seed);
  const m = clone(seedModel.parsed);
  const cls = MUTATION_CLASSES[i % MUTATION_CLASSES.length]!;
  const hows = [apply(m, cls, r)];
  if (r.chance(0.25)) hows.push(apply(m, r.pick(MUTATION_CLASSES), r));
  return { id: `${seedModel.name}#${i}`, seed, cls, how: hows.join('; '), bytes: encodeParsed(m) };
}
