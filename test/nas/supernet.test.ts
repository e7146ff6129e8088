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
import { DEFAULT_SCHEDULE, parseSchedule, phaseOf, samplePhaseArch, trainSupernetEpoch } from '../../src/nas/supernet-train.js';
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

  it('channel sorting leaves the full network\'s logits unchanged and puts the largest L1 first', () => {
    const net = new Supernet(space, 2);
    const x = tf.randomUniform([4, 20, 20, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const largest = net.largestArch;
    const before = net.forward(largest, x, { kind: 'batch' }).arraySync();
    net.sortChannels();
    const after = net.forward(largest, x, { kind: 'batch' }).arraySync();
    before.forEach((row, i) => row.forEach((v, j) => expect(after[i]![j]!).toBeCloseTo(v, 4)));
    net.dispose();
  });
});
