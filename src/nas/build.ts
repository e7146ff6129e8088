// A member of the search space as an int8 graph built with the builder: stem 3x3/2 conv, then per stage
// MobileNetV2 inverted residual blocks (1x1 expand, kxk depthwise, 1x1 project, residual when shapes
// match), a 1x1 head, global average pooling and a classifier. Random weights: the graph is for cost.
// The same pieces build each piece alone (fragments.ts): one definition of the network for both.
import { makeDivisible, ModelBuilder, type TensorHandle } from '../builder/index.js';
import type { Graph } from '../ir/graph.js';
import { macsOf } from '../ir/macs.js';
import { archKey, type Arch, type SearchSpace } from './space.js';

export interface BuildArchOptions {
  seed?: number;
  /** The builder's calibration samples (default 0: no shadow pass; activation ranges change no cost figure). */
  calibrationSamples?: number;
}

/** One block of a member: what it computes depends on these fields alone (the fragment cache's key). */
export type Piece =
  | { kind: 'stem'; resolution: number; inputChannels: number; filters: number }
  | { kind: 'block'; height: number; width: number; inChannels: number; kernel: number; expand: number; outChannels: number; stride: number; name: string }
  | { kind: 'tail'; height: number; width: number; channels: number; headChannels: number; classes: number };

/** The member's pieces in order, with the activation shape each one reads. */
export function archPieces(space: SearchSpace, arch: Arch): Piece[] {
  const stemFilters = makeDivisible(space.stemChannels * arch.width);
  const pieces: Piece[] = [{ kind: 'stem', resolution: arch.resolution, inputChannels: space.inputChannels, filters: stemFilters }];
  // The stem is 3x3 stride 2 with SAME padding: ceil(r / 2).
  let h = Math.ceil(arch.resolution / 2);
  let w = h;
  let c = stemFilters;
  arch.stages.forEach((blocks, s) => {
    const spec = space.stages[s]!;
    const out = makeDivisible(spec.channels * arch.width);
    blocks.forEach((block, i) => {
      const stride = i === 0 ? spec.stride : 1;
      pieces.push({ kind: 'block', height: h, width: w, inChannels: c, kernel: block.kernel, expand: block.expand, outChannels: out, stride, name: `s${s}b${i}` });
      h = Math.ceil(h / stride);
      w = Math.ceil(w / stride);
      c = out;
    });
  });
  pieces.push({ kind: 'tail', height: h, width: w, channels: c, headChannels: space.headChannels, classes: space.classes });
  return pieces;
}

/** Multiply-accumulates and weight + bias elements of a member, from its pieces' shapes alone (no graph built): what buildArch's graph computes and stores. */
export function archCapacity(space: SearchSpace, arch: Arch): { macs: number; params: number } {
  let macs = 0;
  let params = 0;
  // one conv / depthwise / FC layer: [output shape], [weight shape], bias elements
  const layer = (kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED', out: number[], weights: number[], biases: number) => {
    macs += macsOf(kind, out, weights);
    params += weights.reduce((a, b) => a * b, 1) + biases;
  };
  for (const p of archPieces(space, arch)) {
    if (p.kind === 'stem') {
      const h = Math.ceil(p.resolution / 2);
      layer('CONV_2D', [1, h, h, p.filters], [p.filters, 3, 3, p.inputChannels], p.filters);
    } else if (p.kind === 'block') {
      const mid = p.inChannels * p.expand;
      const [ho, wo] = [Math.ceil(p.height / p.stride), Math.ceil(p.width / p.stride)];
      layer('CONV_2D', [1, p.height, p.width, mid], [mid, 1, 1, p.inChannels], mid);
      layer('DEPTHWISE_CONV_2D', [1, ho, wo, mid], [1, p.kernel, p.kernel, mid], mid);
      layer('CONV_2D', [1, ho, wo, p.outChannels], [p.outChannels, 1, 1, mid], p.outChannels);
    } else {
      let c = p.channels;
      if (p.headChannels > 0) (layer('CONV_2D', [1, p.height, p.width, p.headChannels], [p.headChannels, 1, 1, c], p.headChannels), (c = p.headChannels));
      layer('FULLY_CONNECTED', [1, p.classes], [p.classes, c], p.classes);
    }
  }
  return { macs, params };
}

export function buildArch(space: SearchSpace, arch: Arch, options: BuildArchOptions = {}): Graph {
  const b = builderFor(`nas-${archKey(arch)}`, `tinyforge nas member ${archKey(arch)} of space ${space.name} (random weights)`, options);
  let x: TensorHandle | null = null;
  for (const piece of archPieces(space, arch)) x = addPiece(b, x, piece);
  return b.build();
}

/** One piece alone: its input a graph input of the shape it reads, its output the graph's output. */
export function buildPiece(piece: Piece, options: BuildArchOptions = {}): Graph {
  const b = builderFor(`nas-piece`, `tinyforge nas piece ${JSON.stringify(piece)} (random weights)`, options);
  const x = piece.kind === 'stem' ? null : b.input('input', piece.kind === 'block' ? [1, piece.height, piece.width, piece.inChannels] : [1, piece.height, piece.width, piece.channels], INPUT_QUANT);
  const y = addPiece(b, x, piece);
  if (piece.kind !== 'tail') b.output(y);
  return b.build();
}

const INPUT_QUANT = { scale: 1 / 128, zeroPoint: 0 };

function builderFor(name: string, description: string, options: BuildArchOptions): ModelBuilder {
  return new ModelBuilder({ name, seed: options.seed ?? 1, calibrationSamples: options.calibrationSamples ?? 0, description });
}

function addPiece(b: ModelBuilder, x: TensorHandle | null, piece: Piece): TensorHandle {
  switch (piece.kind) {
    case 'stem': {
      const image = b.input('input', [1, piece.resolution, piece.resolution, piece.inputChannels], INPUT_QUANT);
      return b.conv2d(image, { name: 'stem', filters: piece.filters, kernel: 3, stride: 2, activation: 'relu6' });
    }
    case 'block':
      return invertedResidual(b, x!, piece.kernel, piece.expand, piece.outChannels, piece.stride, piece.name);
    case 'tail': {
      let y = x!;
      if (piece.headChannels > 0) y = b.conv2d(y, { name: 'head', filters: piece.headChannels, kernel: 1, activation: 'relu6' });
      y = b.mean(y, { name: 'pool', axes: [1, 2] });
      y = b.fullyConnected(y, { name: 'classifier', units: piece.classes, zeroMeanWeights: true, weightGain: 0.1 });
      const out = b.softmax(y, { name: 'softmax' });
      b.output(out);
      return out;
    }
  }
}

function invertedResidual(b: ModelBuilder, x: TensorHandle, kernel: number, expand: number, out: number, stride: number, name: string): TensorHandle {
  const inC = x.shape[3]!;
  let h = b.conv2d(x, { name: `${name}_expand`, filters: inC * expand, kernel: 1, activation: 'relu6' });
  h = b.depthwiseConv2d(h, { name: `${name}_dw`, kernel, stride, activation: 'relu6' });
  h = b.conv2d(h, { name: `${name}_project`, filters: out, kernel: 1 });
  return stride === 1 && inC === out ? b.add(x, h, { name: `${name}_add` }) : h;
}
