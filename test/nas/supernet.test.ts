// The once-for-all supernet on a tiny space and 512 real Fashion-MNIST images: a short progressive-shrinking
// run lowers the loss; a member exported as float .tflite computes what the supernet computes for it (same
// logits up to float rounding, so the same accuracy); channel sorting keeps the full network's function.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../../src/cli/data/named.js';
import { take, subset } from '../../src/data/index.js';
import { readTflite, } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { useTrainBackend } from '../../src/train/backend.js';
import { trainableGraph } from '../../src/train/graph.js';
import { accuracyOf, inputValues, modelInputOf } from '../../src/train/fit.js';
import { Supernet } from '../../src/nas/supernet.js';
import { exportMember } from '../../src/nas/supernet-export.js';
import { DEFAULT_SCHEDULE, parseSchedule, phaseOf, samplePhaseArch, stopGradient, trainSupernetEpoch } from '../../src/nas/supernet-train.js';
import { parseSpace, type Arch } from '../../src/nas/space.js';
import { Xorshift32 } from '../../src/builder/random.js';
import { TINY_SPACE } from './fixtures.js';

const present = existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
const space = parseSpace({ ...TINY_SPACE, classes: 10, kernels: [3, 5, 7] });

const member: Arch = { resolution: 16, width: 0.35, stages: [[{ kernel: 3, expand: 3 }, { kernel: 5, expand: 6 }], [{ kernel: 7, expand: 3 }]] };

describe('progressive shrinking schedule', () => {
  it('phases in order, elastic choices only from their phase on', () => {
    const s = parseSchedule('1,2,0,1');
    expect([1, 2, 3, 4].map((e) => phaseOf(s, e))).toEqual(['largest', 'kernel', 'kernel', 'width']);
    expect(() => parseSchedule('1,2')).toThrow(/--epochs takes 4 epoch counts/);
    const rng = new Xorshift32(3);
    for (let i = 0; i < 20; i++) {
      const k = samplePhaseArch(space, 'kernel', rng);
      expect(k.width).toBe(0.5);
      expect(k.stages.map((b) => b.length)).toEqual([2, 2]);
      expect(k.stages.flat().every((b) => b.expand === 6)).toBe(true);
      const l = samplePhaseArch(space, 'largest', rng);
      expect(l.stages.flat().every((b) => b.kernel === 7 && b.expand === 6)).toBe(true);
    }
    expect(DEFAULT_SCHEDULE.largest).toBeGreaterThan(0);
  });
});

describe('distillation target', () => {
  beforeAll(async () => {
    await useTrainBackend();
  });

  it('passes values through and no gradient back: d/dx sum(stop(x) * x) is x, not 2x', () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    expect(Array.from(stopGradient(x).dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x).dataSync())).toEqual([1.5, -2, 3]);
  });
});

describe.skipIf(!present)('supernet on Fashion-MNIST', () => {
  beforeAll(async () => {
    await useTrainBackend();
  });

  it('trains, and an exported member computes the supernet\'s logits for it', () => {
    const all = loadFashionMnist('train');
    const train = take(all, 512);
    const calib = subset(all, Array.from({ length: 256 }, (_, i) => 1000 + i));
    const test = subset(all, Array.from({ length: 256 }, (_, i) => 2000 + i));
    const net = new Supernet(space, 1);
    const optimizer = tf.train.adam(3e-3);
    const schedule = parseSchedule('1,0,0,1');
    const first = trainSupernetEpoch(net, train, 1, { schedule, batchSize: 64, membersPerStep: 2, seed: 1, optimizer });
    const last = trainSupernetEpoch(net, train, 2, { schedule, batchSize: 64, membersPerStep: 2, seed: 1, optimizer });
    expect(first.phase).toBe('largest');
    expect(last.phase).toBe('width');
    expect(first.loss).toBeLessThan(2.4);

    const stats = net.calibrate(member, calib);
    const supernetAcc = net.accuracy(member, stats, test);
    const bytes = writeTflite(exportMember(net, member, stats));
    const graph = readTflite(bytes);
    expect(graph.tensors[graph.inputs[0]!]!.shape).toEqual([1, 16, 16, 1]);
    const t = trainableGraph(graph);
    const x = tf.tensor(inputValues(take(test, 32), modelInputOf(t)), [32, 16, 16, 1]) as tf.Tensor4D;
    const a = net.forward(member, x, { kind: 'fixed', stats }).arraySync();
    const b = t.forward(x).arraySync();
    let maxDiff = 0;
    a.forEach((row, i) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[i]![j]!)))));
    console.log(`supernet member accuracy ${supernetAcc}, exported logits max |diff| ${maxDiff}`);
    expect(maxDiff).toBeLessThan(1e-3);
    expect(Math.abs(accuracyOf(t, test) - supernetAcc)).toBeLessThanOrEqual(2 / 256);
    t.dispose();
    net.dispose();
    optimizer.dispose();
  }, 300_000);
});

// Channel sorting on a space whose stem and first stage are joined by a residual ADD (stride 1, 16 channels
// each at width 1): one permutation for the stem, both blocks' outputs and every reader of them.
describe('channel importance sorting (expansion and width)', () => {
  const residualSpace = parseSpace({
    ...TINY_SPACE,
    widths: [0.5, 1],
    stemChannels: 16,
    stages: [
      { channels: 16, stride: 1, depths: [1, 2] },
      { channels: 24, stride: 2, depths: [1, 2] },
    ],
  });
  const valuesOf = (net: Supernet, name: string) => {
    const v = net.variables[net.names.indexOf(name)]!;
    return { shape: v.shape, values: Array.from(v.dataSync()) };
  };
  /** Per channel along `axis`: its values, in element order. */
  const channelsOf = ({ shape, values }: { shape: number[]; values: number[] }, axis: number) => {
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out: number[][] = Array.from({ length: shape[axis]! }, () => []);
    values.forEach((x, e) => out[Math.floor(e / stride) % shape[axis]!]!.push(x));
    return out;
  };
  /** Channel indices by the summed L1 norm of the readers' weights, largest first (computed here, not by sortChannels). */
  const importanceOrder = (readers: Array<{ shape: number[]; values: number[] }>, axis: number) => {
    const l1 = channelsOf(readers[0]!, axis).map(() => 0);
    for (const r of readers) channelsOf(r, axis).forEach((c, i) => (l1[i]! += c.reduce((s, x) => s + Math.abs(x), 0)));
    return l1.map((_, i) => i).sort((a, b) => l1[b]! - l1[a]!);
  };

  beforeAll(async () => {
    await useTrainBackend();
  });

  it("leaves the largest member's logits unchanged", () => {
    const net = new Supernet(residualSpace, 2);
    const x = tf.randomUniform([4, 20, 20, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const largest = net.largestArch;
    const before = net.forward(largest, x, { kind: 'batch' }).arraySync();
    net.sortChannels();
    const after = net.forward(largest, x, { kind: 'batch' }).arraySync();
    before.forEach((row, i) => row.forEach((v, j) => expect(after[i]![j]!).toBeCloseTo(v, 4)));
    net.dispose();
  });

  it('puts the channels with the largest L1 norm of the weights reading them first, one order per residual group', () => {
    const net = new Supernet(residualSpace, 3);
    const before = Object.fromEntries(net.names.map((n) => [n, valuesOf(net, n)]));
    // the stem, s0b0 and s0b1 outputs are one group (residual ADDs), read by every stage-0 block's expand and s1b0's
    const groupOrder = importanceOrder(['s0b0_expand/weight', 's0b1_expand/weight', 's1b0_expand/weight'].map((n) => before[n]!), 2);
    // s0b0's expansion: read by its project conv
    const expandOrder = importanceOrder([before['s0b0_project/weight']!], 2);
    expect(groupOrder).not.toEqual(groupOrder.slice().sort((a, b) => a - b));
    net.sortChannels();
    // a channel's values as a sorted list: a weight sorted along two axes (expand: input and expansion) keeps them
    const asSets = (cs: number[][]) => cs.map((c) => c.slice().sort((a, b) => a - b));
    const permuted = (name: string, axis: number, order: number[]) =>
      expect(asSets(channelsOf(valuesOf(net, name), axis))).toEqual(asSets(order.map((i) => channelsOf(before[name]!, axis)[i]!)));
    permuted('stem/weight', 3, groupOrder);
    permuted('s0b0_project/weight', 3, groupOrder);
    permuted('s0b1_project/weight', 3, groupOrder);
    permuted('s1b0_expand/weight', 2, groupOrder);
    permuted('s0b0_expand/weight', 3, expandOrder);
    permuted('s0b0_dw/weight', 2, expandOrder);
    // width 0.5 keeps the first 8 of the 16: the top 8 by importance
    const kept = channelsOf(valuesOf(net, 'stem/weight'), 3).slice(0, 8);
    expect(kept).toEqual(groupOrder.slice(0, 8).map((i) => channelsOf(before['stem/weight']!, 3)[i]!));
    net.dispose();
  });

  it("permutes the optimizer's moments with the weights: the next Adam step is the one the unsorted net takes", () => {
    const x = tf.randomUniform([8, 16, 16, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    const nets = [new Supernet(residualSpace, 4), new Supernet(residualSpace, 4)];
    const largest = nets[0]!.largestArch;
    const logits = nets.map((net, k) => {
      const optimizer = tf.train.adam(1e-2);
      const step = () => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, net.forward(largest, x, { kind: 'batch' })) as tf.Scalar, false, net.variables);
      step();
      step();
      if (k === 1) net.sortChannels(optimizer);
      step();
      const out = net.forward(largest, x, { kind: 'batch' }).arraySync();
      optimizer.dispose();
      net.dispose();
      return out;
    });
    logits[0]!.forEach((row, i) => row.forEach((v, j) => expect(logits[1]![i]![j]!).toBeCloseTo(v, 3)));
  });
});
