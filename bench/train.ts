// `npm run bench:train [-- --epochs 5] [-- --limit N] [-- --test-limit N] [-- --nets lenet,ds-cnn]
// [-- --tfjs-batches 2] [-- --no-torch] [-- --json] [-- --write]`: training throughput and test accuracy on
// Fashion-MNIST of the nets in src/train/arch/, side by side in one run: ours (tfjs-core + the 'tinyforge'
// SIMD backend), the IR trainer on the same slice (trainableGraph + fit over src/train/arch/named.ts's graph:
// what `tinyforge train` and bench:prune run; its ds-cnn has a batch norm after every conv), tfjs's plain cpu backend (a few batches timed, the epoch extrapolated: it is too slow to
// train) and PyTorch on CPU with 2 threads (bench/train_torch.py, Debian's python3-torch). Adam lr 1e-3,
// batch 64, seed 1 for all. Wall and CPU time are both reported: on a shared machine CPU time is the fairer.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadFashionMnist } from '../src/cli/data/named.js';
import { batches, take, type Dataset } from '../src/data/index.js';
import { useTrainBackend, TRAIN_BACKEND } from '../src/train/backend.js';
import { dsCnn } from '../src/train/arch/ds-cnn.js';
import { lenet } from '../src/train/arch/lenet.js';
import type { TrainableNet } from '../src/train/arch/net.js';
import { accuracy, trainStep } from '../src/train/loop.js';
import { dsCnnGraph, lenetGraph } from '../src/train/arch/named.js';
import { trainableGraph } from '../src/train/graph.js';
import { accuracyOf, fit } from '../src/train/fit.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const log = (text: string) => process.stderr.write(text);

const NETS: Record<string, (seed: number) => TrainableNet> = { lenet: (s) => lenet(s), 'ds-cnn': (s) => dsCnn(s) };
const BATCH = 64;
const LR = 1e-3;
const SEED = 1;
const EPOCH_IMAGES = 60000;

interface Column {
  imagesPerSecond: number | null;
  imagesPerCpuSecond: number | null;
  epochSeconds: number | null;
  testAccuracy: number | null;
  note: string;
}

interface Row {
  net: string;
  ours: Column;
  /** The IR trainer (trainableGraph + fit: `tinyforge train`, bench:prune, fine-tuning) on the named arch, batch norm after every conv. */
  ir: Column;
  tfjsCpu: Column;
  torch: Column;
}

/** Trains `epochs` epochs on `train`; the time counts the steps only (batching and shuffling included). */
function trainOurs(name: string, train: Dataset, test: Dataset, epochs: number): Column {
  const net = NETS[name]!(SEED);
  const optimizer = tf.train.adam(LR);
  let wall = 0;
  let cpu = 0;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let loss = 0;
    for (const batch of batches(train, BATCH, { seed: SEED + e })) loss += trainStep(net, optimizer, batch) * batch.shape[0];
    const n = train.shape[0];
    const c = process.cpuUsage(c0);
    wall += (performance.now() - t0) / 1000;
    cpu += (c.user + c.system) / 1e6;
    log(`  ${name} ours epoch ${e + 1}/${epochs}: loss ${(loss / n).toFixed(4)}, ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} images/s\n`);
  }
  const images = train.labels.length * epochs;
  const testAccuracy = accuracy(net, test);
  net.variables.forEach((v) => v.dispose());
  optimizer.dispose();
  return { imagesPerSecond: images / wall, imagesPerCpuSecond: images / cpu, epochSeconds: (EPOCH_IMAGES * wall) / images, testAccuracy,
    note: `${epochs} epoch(s) of ${train.labels.length} images` };
}

/** The IR trainer on the same slice and schedule: the named arch's float graph (ds-cnn with its batch norms), trained by fit. */
function trainIr(name: string, train: Dataset, test: Dataset, epochs: number): Column {
  const arch = (name === 'lenet' ? lenetGraph : dsCnnGraph)({ input: [28, 28, 1], classes: 10, seed: SEED });
  const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
  const optimizer = tf.train.adam(LR);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  fit(t, train, { epochs, batchSize: BATCH, seed: SEED, optimizer });
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  const testAccuracy = accuracyOf(t, test);
  t.dispose();
  optimizer.dispose();
  const images = train.labels.length * epochs;
  return { imagesPerSecond: images / wall, imagesPerCpuSecond: images / ((c.user + c.system) / 1e6), epochSeconds: (EPOCH_IMAGES * wall) / images, testAccuracy,
    note: `${epochs} epoch(s) of ${train.labels.length} images; ${arch.batchNorm.length} batch norms` };
}

/** tfjs cpu: `count` batches timed (no warm-up: one batch takes CPU-minutes, JIT warm-up is noise); the epoch is extrapolated. */
function timeTfjsCpu(name: string, train: Dataset, count: number): Column {
  const net = NETS[name]!(SEED);
  const optimizer = tf.train.adam(LR);
  const timed = Array.from(batches(take(train, count * BATCH), BATCH, { seed: SEED }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const batch of timed) trainStep(net, optimizer, batch);
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  net.variables.forEach((v) => v.dispose());
  optimizer.dispose();
  const images = timed.length * BATCH;
  return { imagesPerSecond: images / wall, imagesPerCpuSecond: images / ((c.user + c.system) / 1e6), epochSeconds: (EPOCH_IMAGES * wall) / images,
    testAccuracy: null, note: `${timed.length} batches timed, epoch extrapolated, not trained` };
}

function runTorch(name: string, epochs: number, limit: number, testLimit: number): Column {
  const script = join(repo, 'bench', 'train_torch.py');
  const r = spawnSync('/usr/bin/python3', [script, '--arch', name, '--epochs', String(epochs), '--batch', String(BATCH), '--limit', String(limit),
    '--test-limit', String(testLimit), '--lr', String(LR), '--seed', String(SEED), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.error?.message ?? r.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 120);
    return { imagesPerSecond: null, imagesPerCpuSecond: null, epochSeconds: null, testAccuracy: null, note: `PyTorch not run: ${why}` };
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { imagesPerSecond: number; imagesPerCpuSecond: number; testAccuracy: number; torch: string; images: number };
  return { imagesPerSecond: out.imagesPerSecond, imagesPerCpuSecond: out.imagesPerCpuSecond, epochSeconds: EPOCH_IMAGES / out.imagesPerSecond,
    testAccuracy: out.testAccuracy, note: `torch ${out.torch}, 2 threads, ${epochs} epoch(s) of ${out.images} images` };
}

/** Small rates (tfjs cpu: under one image/s) keep two significant decimals. */
const num = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(v < 10 ? Math.max(digits, 2) : digits));
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(2)}%`);
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '—' : `${(a / b).toFixed(2)}×`);

export function trainMarkdown(rows: Row[], setup: string): string {
  const lines = [
    setup,
    '',
    '| net | engine | images/s (wall) | images/CPU-s | s/epoch (60k, wall) | test accuracy | note |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    for (const [engine, c] of [['tinyforge (tfjs-core + SIMD wasm)', r.ours], ['tinyforge IR trainer (`tinyforge train`, bench:prune)', r.ir],
      ['tfjs cpu', r.tfjsCpu], ['PyTorch CPU', r.torch]] as const) {
      lines.push(`| ${r.net} | ${engine} | ${num(c.imagesPerSecond)} | ${num(c.imagesPerCpuSecond)} | ${num(c.epochSeconds, 1)} | ${pct(c.testAccuracy)} | ${c.note} |`);
    }
  }
  lines.push('', '| net | ours / PyTorch time per epoch (wall) | (CPU) | tfjs cpu / ours (wall) |', '|---|---:|---:|---:|');
  for (const r of rows) {
    lines.push(`| ${r.net} | ${ratio(r.ours.epochSeconds, r.torch.epochSeconds)} | ${ratio(r.torch.imagesPerCpuSecond, r.ours.imagesPerCpuSecond)} | ${ratio(r.tfjsCpu.epochSeconds, r.ours.epochSeconds)} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const epochs = option('--epochs', 5);
  const limit = option('--limit', EPOCH_IMAGES);
  const testLimit = option('--test-limit', 10000);
  const tfjsBatches = option('--tfjs-batches', 2);
  const nets = argv.includes('--nets') ? argv[argv.indexOf('--nets') + 1]!.split(',') : Object.keys(NETS);
  const train = take(loadFashionMnist('train'), limit);
  const test = take(loadFashionMnist('test'), testLimit);
  await useTrainBackend();
  const rows: Row[] = [];
  for (const net of nets) {
    if (!NETS[net]) throw new Error(`unknown net ${net}: ${Object.keys(NETS).join(', ')}`);
    log(`${net}: tinyforge backend\n`);
    await tf.setBackend(TRAIN_BACKEND);
    const ours = trainOurs(net, train, test, epochs);
    log(`${net}: the IR trainer (named arch, fit)\n`);
    const ir = trainIr(net, train, test, epochs);
    log(`${net}: tfjs cpu backend (${tfjsBatches} batches)\n`);
    await tf.setBackend('cpu');
    const tfjsCpu = timeTfjsCpu(net, train, tfjsBatches);
    log(`${net}: PyTorch\n`);
    const torch = flag('--no-torch')
      ? { imagesPerSecond: null, imagesPerCpuSecond: null, epochSeconds: null, testAccuracy: null, note: 'PyTorch skipped (--no-torch)' }
      : runTorch(net, epochs, limit, testLimit);
    rows.push({ net, ours, ir, tfjsCpu, torch });
  }
  if (flag('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const setup = `Fashion-MNIST, Adam lr ${LR}, batch ${BATCH}, seed ${SEED}, ${epochs} epoch(s) on ${train.labels.length} training images, ` +
    `test accuracy on ${test.labels.length} test images; ${new Date().toISOString().slice(0, 10)}, node ${process.version}. ` +
    'Command: `npm run bench:train` (`-- --write` refreshes this table; `-- --limit N --epochs N` for a slice).';
  const table = trainMarkdown(rows, setup);
  console.log(table);
  if (flag('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    const text = readFileSync(file, 'utf8');
    const begin = '<!-- bench:train:begin -->';
    const end = '<!-- bench:train:end -->';
    const next = text.includes(begin) && text.includes(end)
      ? text.slice(0, text.indexOf(begin) + begin.length) + '\n' + table + '\n' + text.slice(text.indexOf(end))
      : `${text.trimEnd()}\n\n## Training\n\n${begin}\n${table}\n${end}\n`;
    writeFileSync(file, next);
    log(`bench:train: wrote the Training table to ${file}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
