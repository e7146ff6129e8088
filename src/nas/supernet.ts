// The once-for-all super-network over a search space (Cai et al., Once-for-All): one set of weights at the
// space's largest member, every member a slice of it. Elastic kernel: the largest depthwise kernel's centre,
// cropped step by step to each smaller kernel and mixed by a learned k²×k² transform per kernel size;
// elastic depth: a stage runs its first d blocks; elastic expand ratio: the first channels of the expansion,
// elastic width multiplier: the first channels of every layer; both sorted by importance (L1 norm of the weights
// reading them, `sortChannels`) before shrinking; elastic resolution: the input resized. Batch norm uses the
// batch's statistics while training; a member is evaluated with statistics re-calibrated for it
// (`calibrate`), as Once-for-All does. Same layer structure as the int8 member of build.ts.
import * as tf from '@tensorflow/tfjs-core';
import { makeDivisible } from '../builder/channels.js';
import { Xorshift32 } from '../builder/random.js';
import { batches, type Dataset } from '../data/index.js';
import { inputValues } from '../train/fit.js';
import { normalizeByBatch } from '../train/graph.js';
import { registerSupernetGradients } from './supernet-gradients.js';
import { extremeArch, type Arch, type SearchSpace } from './space.js';

export const SUPERNET_BN_EPSILON = 1e-3;

/** One conv layer's shared parameters at the largest member (tfjs layouts: conv [H,W,I,O], depthwise [H,W,C,1]). */
interface Layer {
  name: string;
  weight: tf.Variable;
  gamma: tf.Variable;
  beta: tf.Variable;
}

interface BlockParams {
  expand: Layer;
  dw: Layer;
  project: Layer;
  /** Per smaller kernel size k: the k²×k² transform applied after cropping (identity at start). */
  transforms: Map<number, tf.Variable>;
}

/** Per batch-norm layer (by name): the statistics a member's forward pass normalizes with. */
export type BnStats = Map<string, { mean: Float32Array; variance: Float32Array }>;

/** Batch-norm mode of a forward pass: the batch's statistics (training, calibration) or fixed ones. */
export type BnMode = { kind: 'batch'; record?: (layer: string, mean: tf.Tensor, variance: tf.Tensor) => void } | { kind: 'fixed'; stats: BnStats };

/** A member's layer as exported: its sliced weights (kernel transforms applied) and batch-norm parameters. */
export interface MemberLayer {
  name: string;
  kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D';
  weight: tf.Tensor;
  gamma: tf.Tensor;
  beta: tf.Tensor;
}

/** Channels that take one permutation together: every tensor indexed by them, and the weights that read them. */
interface ChannelGroup {
  tensors: Array<{ v: tf.Variable; axis: number }>;
  readers: Array<{ v: tf.Variable; axis: number }>;
}

const bn = (l: Layer) => [{ v: l.gamma, axis: 0 }, { v: l.beta, axis: 0 }];

/**
 * The optimizer's state tensors per variable: tfjs optimizers keep one slot array per kind of state (Adam's
 * first and second moments), indexed like the variable list `minimize` was given; a slot is used only if its
 * shape is the variable's.
 */
function optimizerSlots(optimizer: tf.Optimizer | undefined, variables: readonly tf.Variable[]): Map<tf.Variable, tf.Variable[]> {
  const slots = new Map<tf.Variable, tf.Variable[]>();
  if (!optimizer) return slots;
  for (const value of Object.values(optimizer)) {
    if (!Array.isArray(value) || value.length !== variables.length) continue;
    value.forEach((slot: unknown, i) => {
      const s = (slot as { variable?: unknown } | null)?.variable;
      const v = variables[i]!;
      if (s instanceof tf.Variable && s.shape.length === v.shape.length && s.shape.every((d: number, k: number) => d === v.shape[k])) slots.set(v, [...(slots.get(v) ?? []), s]);
    });
  }
  return slots;
}

/** Channels of a member's layers: stem, each stage's output, head (not scaled). */
export function memberChannels(space: SearchSpace, width: number): { stem: number; stages: number[] } {
  return { stem: makeDivisible(space.stemChannels * width), stages: space.stages.map((s) => makeDivisible(s.channels * width)) };
}

export class Supernet {
  readonly variables: tf.Variable[] = [];
  private readonly stem: Layer;
  private readonly blocks: BlockParams[][];
  private readonly head: Layer | null;
  private readonly classifier: { weight: tf.Variable; bias: tf.Variable };
  private readonly largest: Arch;
  private readonly maxKernel: number;

  constructor(
    readonly space: SearchSpace,
    seed: number,
  ) {
    registerSupernetGradients();
    const rng = new Xorshift32(seed);
    /** He-uniform values: bound sqrt(6 / fanIn). */
    const heUniform = (shape: number[], fanIn: number) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const bound = Math.sqrt(6 / fanIn);
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = rng.range(-bound, bound);
      return tf.tensor(v, shape);
    };
    const variable = (t: tf.Tensor, name: string) => {
      const v = tf.variable(t, true, undefined);
      t.dispose();
      this.names.push(name);
      this.variables.push(v);
      return v;
    };
    const layer = (name: string, shape: number[], fanIn: number): Layer => {
      const channels = shape[3] === 1 ? shape[2]! : shape[3]!;
      return {
        name,
        weight: variable(heUniform(shape, fanIn), `${name}/weight`),
        gamma: variable(tf.ones([channels]), `${name}/gamma`),
        beta: variable(tf.zeros([channels]), `${name}/beta`),
      };
    };
    const largest = extremeArch(space, 'largest');
    this.largest = largest;
    const maxK = Math.max(...space.kernels);
    this.maxKernel = maxK;
    const maxE = Math.max(...space.expands);
    const ch = memberChannels(space, largest.width);
    const inC = space.inputChannels;
    this.stem = layer('stem', [3, 3, inC, ch.stem], 9 * inC);
    let prev = ch.stem;
    this.blocks = space.stages.map((_, si) =>
      Array.from({ length: largest.stages[si]!.length }, (_, j) => {
        const cin = j === 0 ? prev : ch.stages[si]!;
        const mid = cin * maxE;
        const name = `s${si}b${j}`;
        const block: BlockParams = {
          expand: layer(`${name}_expand`, [1, 1, cin, mid], cin),
          dw: layer(`${name}_dw`, [maxK, maxK, mid, 1], maxK * maxK),
          project: layer(`${name}_project`, [1, 1, mid, ch.stages[si]!], mid),
          transforms: new Map(space.kernels.filter((k) => k < maxK).map((k) => [k, variable(tf.eye(k * k), `${name}_dw/transform${k}`)])),
        };
        if (j === largest.stages[si]!.length - 1) prev = ch.stages[si]!;
        return block;
      }),
    );
    this.head = space.headChannels > 0 ? layer('head', [1, 1, prev, space.headChannels], prev) : null;
    const features = space.headChannels > 0 ? space.headChannels : prev;
    this.classifier = {
      weight: variable(heUniform([space.classes, features], features), 'classifier/weight'),
      bias: variable(tf.zeros([space.classes]), 'classifier/bias'),
    };
  }

  /** Each variable's name, in `variables` order (the checkpoint's tensor names). */
  readonly names: string[] = [];

  /** The depthwise kernel of size k: the largest kernel's centre cropped step by step, each step transformed. */
  private kernelOf(block: BlockParams, k: number, channels: number): tf.Tensor {
    let w: tf.Tensor = tf.slice(block.dw.weight, [0, 0, 0, 0], [-1, -1, channels, 1]);
    let size = this.maxKernel;
    for (const next of [...this.space.kernels].filter((x) => x < size && x >= k).sort((a, b) => b - a)) {
      const off = (size - next) / 2;
      const crop = tf.slice(w, [off, off, 0, 0], [next, next, channels, 1]);
      // [k, k, C, 1] -> [C, k²] x T -> back: one transform shared by every channel of the layer
      const flat = tf.transpose(tf.reshape(crop, [next * next, channels]));
      const mixed = tf.matMul(flat, block.transforms.get(next)!);
      w = tf.reshape(tf.transpose(mixed), [next, next, channels, 1]);
      size = next;
    }
    return w;
  }

  /** The member's conv layers in forward order, sliced (and the kernel transformed): what export writes. */
  memberLayers(arch: Arch): MemberLayer[] {
    const out: MemberLayer[] = [];
    this.walk(arch, (l) => out.push(l));
    return out;
  }

  /** Visits the member's layers in order; `visit` gets each layer's sliced parameters (tensors owned by the caller's tidy). */
  private walk(arch: Arch, visit: (l: MemberLayer, stride: number, residualFrom: boolean | null) => void): void {
    const ch = memberChannels(this.space, arch.width);
    const slice = (l: Layer, kind: MemberLayer['kind'], cin: number, cout: number): MemberLayer => ({
      name: l.name,
      kind,
      weight: tf.slice(l.weight, [0, 0, 0, 0], [-1, -1, cin, cout]),
      gamma: tf.slice(l.gamma, [0], [cout]),
      beta: tf.slice(l.beta, [0], [cout]),
    });
    visit(slice(this.stem, 'CONV_2D', this.space.inputChannels, ch.stem), 2, null);
    let prev = ch.stem;
    arch.stages.forEach((blocks, si) => {
      const out = ch.stages[si]!;
      blocks.forEach((b, j) => {
        const params = this.blocks[si]![j]!;
        const cin = j === 0 ? prev : out;
        const mid = cin * b.expand;
        const stride = j === 0 ? this.space.stages[si]!.stride : 1;
        visit(slice(params.expand, 'CONV_2D', cin, mid), 1, true);
        visit({ name: params.dw.name, kind: 'DEPTHWISE_CONV_2D', weight: this.kernelOf(params, b.kernel, mid), gamma: tf.slice(params.dw.gamma, [0], [mid]), beta: tf.slice(params.dw.beta, [0], [mid]) }, stride, null);
        visit(slice(params.project, 'CONV_2D', mid, out), 1, stride === 1 && cin === out ? false : null);
      });
      prev = out;
    });
    if (this.head) visit(slice(this.head, 'CONV_2D', prev, this.space.headChannels), 1, null);
  }

  /** Features the classifier reads for this member. */
  featuresOf(arch: Arch): number {
    return this.space.headChannels > 0 ? this.space.headChannels : memberChannels(this.space, arch.width).stages[this.space.stages.length - 1]!;
  }

  /** The classifier's weight [classes, features] and bias, sliced for the member. */
  classifierOf(arch: Arch): { weight: tf.Tensor; bias: tf.Tensor } {
    return { weight: tf.slice(this.classifier.weight, [0, 0], [-1, this.featuresOf(arch)]), bias: this.classifier.bias };
  }

  /** Logits [batch, classes] of the member for inputs [batch, r, r, C] at its resolution. */
  forward(arch: Arch, x: tf.Tensor4D, bn: BnMode): tf.Tensor2D {
    let h: tf.Tensor = x;
    let blockInput: tf.Tensor | null = null;
    this.walk(arch, (l, stride, residual) => {
      if (residual === true) blockInput = h; // an expand conv starts a block
      const conv = l.kind === 'CONV_2D'
        ? tf.conv2d(h as tf.Tensor4D, l.weight as tf.Tensor4D, stride, 'same')
        : tf.depthwiseConv2d(h as tf.Tensor4D, l.weight as tf.Tensor4D, stride, 'same');
      const normed = this.batchNorm(l.name, conv, l.gamma, l.beta, bn);
      const isProject = l.name.endsWith('_project');
      if (!isProject) h = tf.relu6(normed);
      else h = residual === false ? tf.add(blockInput!, normed) : normed;
    });
    const pooled = tf.mean(h, [1, 2]);
    const { weight, bias } = this.classifierOf(arch);
    return tf.add(tf.matMul(pooled as tf.Tensor2D, weight as tf.Tensor2D, false, true), bias) as tf.Tensor2D;
  }

  /** Batch norm: the batch's statistics (gradient written out, src/train/graph.ts) or calibrated ones. */
  private batchNorm(name: string, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, bn: BnMode): tf.Tensor {
    if (bn.kind === 'batch') return normalizeByBatch(x, gamma, beta, SUPERNET_BN_EPSILON, bn.record && ((mean, variance) => bn.record!(name, mean, variance)));
    const s = bn.stats.get(name);
    if (!s) throw new Error(`batch-norm statistics for layer ${name} were not calibrated`);
    const scale = tf.div(gamma, tf.sqrt(tf.add(tf.tensor1d(s.variance), SUPERNET_BN_EPSILON)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(tf.tensor1d(s.mean), scale)));
  }

  /**
   * Re-orders channels by importance, most important first (Once-for-All's channel sorting), so a smaller expand
   * ratio or width multiplier keeps the most important ones: every block's expansion channels, and (elastic width)
   * the stem's and every block's output channels. A channel's importance is the L1 norm of the weights reading it
   * (OFA's rule: the project conv for an expansion channel; every expand conv, the head or the classifier for an
   * output channel). Each permutation is applied to everything indexed by those channels (the producing conv and
   * its batch norm, the readers' input axis; a residual ADD's operands share one), so the full network computes the
   * same function. `optimizer`: its per-variable state (Adam's moments) is permuted with the variables, else
   * the next steps would push each channel with another channel's momentum.
   */
  sortChannels(optimizer?: tf.Optimizer): void {
    const slots = optimizerSlots(optimizer, this.variables);
    tf.tidy(() => {
      for (const group of this.channelGroups()) {
        const importance = group.readers
          .map(({ v, axis }) => tf.sum(tf.abs(v), v.shape.map((_, i) => i).filter((i) => i !== axis)))
          .reduce((a, b) => tf.add(a, b));
        const order = tf.topk(importance, importance.shape[0]!).indices;
        for (const { v, axis } of group.tensors) {
          for (const t of [v, ...(slots.get(v) ?? [])]) t.assign(tf.gather(t, order, axis));
        }
      }
    });
  }

  /** The channel sets sorting permutes: each block's expansion, then the width-elastic output channels. */
  private channelGroups(): ChannelGroup[] {
    const expansions = this.blocks.flat().map((b): ChannelGroup => ({
      tensors: [{ v: b.expand.weight, axis: 3 }, ...bn(b.expand), { v: b.dw.weight, axis: 2 }, ...bn(b.dw), { v: b.project.weight, axis: 2 }],
      readers: [{ v: b.project.weight, axis: 2 }],
    }));
    // output channels: a set per producer (the stem, each block's project); a residual ADD joins its operands' sets
    const outputs: ChannelGroup[] = [];
    const produced = (l: Layer): ChannelGroup => {
      const g: ChannelGroup = { tensors: [{ v: l.weight, axis: 3 }, ...bn(l)], readers: [] };
      outputs.push(g);
      return g;
    };
    const reads = (g: ChannelGroup, v: tf.Variable, axis: number) => (g.tensors.push({ v, axis }), g.readers.push({ v, axis }));
    const full = memberChannels(this.space, this.largest.width);
    let current = produced(this.stem);
    let channels = full.stem;
    this.blocks.forEach((stage, si) => {
      stage.forEach((b, j) => {
        reads(current, b.expand.weight, 2); // every block of a stage shares its set, so elastic depth reads the same order
        const residual = j > 0 || (this.space.stages[si]!.stride === 1 && channels === full.stages[si]);
        if (residual) current.tensors.push({ v: b.project.weight, axis: 3 }, ...bn(b.project));
        else current = produced(b.project);
      });
      channels = full.stages[si]!;
    });
    if (this.head) reads(current, this.head.weight, 2);
    else reads(current, this.classifier.weight, 1);
    return [...expansions, ...outputs];
  }

  /** Model inputs of a member: the images resized (bilinear, src/data) to its resolution, [N, r, r, C] in [0, 1]. */
  inputsOf(arch: Arch, d: Dataset): tf.Tensor4D {
    const r = arch.resolution;
    const c = this.space.inputChannels;
    return tf.tensor4d(inputValues(d, { name: 'input', shape: [1, r, r, c], dtype: 'float32', quant: null }), [d.shape[0], r, r, c]);
  }

  /** Batch-norm statistics of the member over the images of `d` (population mean and variance, batches of `batchSize`). */
  calibrate(arch: Arch, d: Dataset, batchSize = 256): BnStats {
    const sums = new Map<string, { mean: Float64Array; square: Float64Array; n: number }>();
    for (const b of batches(d, batchSize)) {
      const m = b.shape[0];
      tf.tidy(() => {
        this.forward(arch, this.inputsOf(arch, b), {
          kind: 'batch',
          record: (layer, mean, variance) => {
            const pixels = m; // every batch weighs by its images (its pixels per image are equal)
            const mv = mean.dataSync();
            const vv = variance.dataSync();
            const sv = Float64Array.from(vv, (v, i) => v + mv[i]! * mv[i]!); // the batch's mean of squares
            let s = sums.get(layer);
            if (!s) sums.set(layer, (s = { mean: new Float64Array(mv.length), square: new Float64Array(mv.length), n: 0 }));
            for (let i = 0; i < mv.length; i++) (s.mean[i]! += mv[i]! * pixels), (s.square[i]! += sv[i]! * pixels);
            s.n += pixels;
          },
        });
      });
    }
    const stats: BnStats = new Map();
    for (const [layer, s] of sums) {
      const mean = Float32Array.from(s.mean, (v) => v / s.n);
      const variance = Float32Array.from(s.square, (v, i) => Math.max(0, v / s.n - mean[i]! * mean[i]!));
      stats.set(layer, { mean, variance });
    }
    return stats;
  }

  /** Fraction of `d` the member classifies right, with batch-norm statistics `stats`. */
  accuracy(arch: Arch, stats: BnStats, d: Dataset, batchSize = 256): number {
    let right = 0;
    for (const b of batches(d, batchSize)) {
      const predicted = tf.tidy(() => tf.argMax(this.forward(arch, this.inputsOf(arch, b), { kind: 'fixed', stats }), 1).dataSync());
      for (let j = 0; j < b.shape[0]; j++) if (predicted[j] === b.labels[j]) right++;
    }
    return d.shape[0] === 0 ? 0 : right / d.shape[0];
  }

  /** The largest member (the first phase of progressive shrinking trains it alone). */
  get largestArch(): Arch {
    return this.largest;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
