// `npm run build && node dist/bench/supernet-phases.js [--epochs l,k,d,w] [--images N] [--val N] [--members N] [--lr R] [--distill 0|1] [--json]`:
// what each progressive-shrinking epoch does to the members, not only to its own training loss (which averages
// over the members that phase samples, smaller in later phases, so it is not comparable across phases). After
// every epoch: held-out accuracy (val split, batch norm re-calibrated on 256 training images) of the largest
// member, the smallest, and a fixed sample of N members drawn from the whole space (seed 99); fmnist-micro,
// seed 1, batch 64, 2 members per step (--distill 0: both sampled, labels only; 1: the largest and one sampled,
// distilled from it). The width-phase before/after in BENCHMARKS.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Xorshift32 } from '../src/builder/random.js';
import { loadDataset } from '../src/cli/data/index.js';
import { take } from '../src/data/split.js';
import { sampleArch } from '../src/nas/search.js';
import { extremeArch, parseSpace } from '../src/nas/space.js';
import { Supernet } from '../src/nas/supernet.js';
import { parseSchedule, totalEpochs, trainSupernetEpoch } from '../src/nas/supernet-train.js';
import { useTrainBackend } from '../src/train/backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const schedule = parseSchedule(option('--epochs', '1,1,1,2'));
const images = Number(option('--images', '1000'));
const valImages = Number(option('--val', '1000'));
const sampled = Number(option('--members', '8'));
const lr = Number(option('--lr', '3e-3'));
const distill = option('--distill', '0') !== '0';

await useTrainBackend();
const space = parseSpace(JSON.parse(readFileSync(join(repo, 'examples', 'nas', 'fmnist-micro.json'), 'utf8')));
const train = take(loadDataset({ data: 'fashion-mnist', split: 'train', seed: 1, valFraction: 0.1 }), images);
const val = take(loadDataset({ data: 'fashion-mnist', split: 'val', seed: 1, valFraction: 0.1 }), valImages);
const calib = take(train, 256);
const rng = new Xorshift32(99);
const members = [extremeArch(space, 'largest'), extremeArch(space, 'smallest'), ...Array.from({ length: sampled }, () => sampleArch(space, rng))];
const net = new Supernet(space, 1);
const optimizer = tf.train.adam(lr);
const rows = [];
for (let epoch = 1; epoch <= totalEpochs(schedule); epoch++) {
  const c0 = process.cpuUsage();
  const r = trainSupernetEpoch(net, train, epoch, { schedule, batchSize: 64, membersPerStep: 2, seed: 1, optimizer, distill });
  const c = process.cpuUsage(c0);
  const accs = members.map((a) => net.accuracy(a, net.calibrate(a, calib), val));
  const sample = accs.slice(2);
  const row = {
    epoch,
    phase: r.phase,
    loss: Math.round(r.loss * 1e4) / 1e4,
    cpuSeconds: Math.round((c.user + c.system) / 1e4) / 100,
    largest: accs[0]!,
    smallest: accs[1]!,
    sampleMean: sample.reduce((s, x) => s + x, 0) / Math.max(1, sample.length),
    sampleMin: Math.min(...sample),
    sampleMax: Math.max(...sample),
  };
  rows.push(row);
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  process.stderr.write(`epoch ${epoch} (${r.phase}): loss ${row.loss}, ${row.cpuSeconds} CPU s; largest ${pc(row.largest)}, smallest ${pc(row.smallest)}, ${sampled} sampled members mean ${pc(row.sampleMean)} (${pc(row.sampleMin)}–${pc(row.sampleMax)}) on ${val.shape[0]} val images\n`);
}
if (argv.includes('--json')) process.stdout.write(JSON.stringify({ schedule, images, valImages, lr, distill, rows }, null, 2) + '\n');
