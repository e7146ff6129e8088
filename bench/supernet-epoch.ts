// `npm run build && node dist/bench/supernet-epoch.js [--images N]`: CPU seconds of one supernet training epoch on
// examples/nas/fmnist-micro.json (seed 1, batch 64, Adam 3e-3, the first N Fashion-MNIST training images, default
// 512): epoch 1 (largest-member phase) and epoch 2 (kernel phase, two members per step). The BENCHMARKS figure
// for the fused batch-norm and ReLU6 gradient kernels.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../src/cli/data/index.js';
import { take } from '../src/data/split.js';
import { parseSpace } from '../src/nas/space.js';
import { Supernet } from '../src/nas/supernet.js';
import { parseSchedule, trainSupernetEpoch } from '../src/nas/supernet-train.js';
import { useTrainBackend } from '../src/train/backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const images = argv.includes('--images') ? Number(argv[argv.indexOf('--images') + 1]) : 512;

await useTrainBackend();
const space = parseSpace(JSON.parse(readFileSync(join(repo, 'examples', 'nas', 'fmnist-micro.json'), 'utf8')));
const train = take(loadDataset({ data: 'fashion-mnist', split: 'train', seed: 1, valFraction: 0.1 }), images);
const net = new Supernet(space, 1);
const optimizer = tf.train.adam(3e-3);
for (const epoch of [1, 2]) {
  const c0 = process.cpuUsage();
  const r = trainSupernetEpoch(net, train, epoch, { schedule: parseSchedule('1,1,0,0'), batchSize: 64, membersPerStep: 2, seed: 1, optimizer });
  const c = process.cpuUsage(c0);
  console.log(`epoch ${epoch} (${r.phase} phase): loss ${r.loss.toFixed(4)}, ${((c.user + c.system) / 1e6).toFixed(2)} CPU s, ${r.seconds.toFixed(1)} s wall, ${images} images`);
}
