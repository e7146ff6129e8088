// `npm run bench:compress [-- --train-images N] [-- --epochs N] [-- --ft-images N] [-- --ft-epochs N] [-- --lr R]
// [-- --qat-images N] [-- --test-limit N] [-- --bits 7,5,4,3,2] [-- --models lenet,resnet] [-- --json] [-- --write]`:
// the quantization lab's table, one per model. LeNet trained here on Fashion-MNIST (the first --train-images
// training images, --epochs epochs, Adam 1e-3, seed 1), then: int8 PTQ (min/max on 200 training images), 16x8
// PTQ (int16 activations, `quantize --int16-activations`), int8
// QAT, k-means 7/5/4/3/2 bits (per output channel, on the weights' int8 grid, quantized with the shared values)
// without and with centroid fine-tuning (--ft-images, --ft-epochs, Adam --lr) -> test accuracy (wasm engine),
// conv/FC weight bytes as stored, flash and RAM of the firmware, qemu-m4 instructions per inference, wasm ms.
// The MLPerf Tiny ResNet (ic01, float vs its official int8 twin): top-1 agreement with the float model on
// synthetic images, no fine-tuning (no labelled data here). Then what DECODE into the arena costs per model.
// The defaults are a small schedule (a few CPU-minutes on a shared machine); the lab's would be larger.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { emitWasm, instantiateEmitted, runLoaded, type EmittedWasm } from '../codegen/wasm/index.js';
import { mixSeed, syntheticInputBytes } from '../src/builder/random.js';
import { engineAccuracy } from '../src/cli/accuracy.js';
import { loadFashionMnist } from '../src/cli/data/named.js';
import { BATCH_ENGINES } from '../src/cli/engines/batch.js';
import { imageToInputBytes } from '../src/data/preprocess.js';
import { take, type Dataset } from '../src/data/index.js';
import { readTflite, writeTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import { loadKernelLibrary } from '../src/package-asset.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../src/pipeline.js';
import { clusterableWeights, clusterFloatWeights, quantizeShared, snappedFloatGraph, type ClusteredTensorReport } from '../src/quantize/cluster.js';
import { compareInt8Io, compareQuantized, quantizeModel } from '../src/quantize/index.js';
import { buildArch } from '../src/train/arch/named.js';
import { useTrainBackend } from '../src/train/backend.js';
import { finetuneCentroids } from '../src/train/centroids.js';
import { exportGraph } from '../src/train/export.js';
import { qatGraph } from '../src/train/fake-quant.js';
import { accuracyOf, fit } from '../src/train/fit.js';
import { trainableGraph } from '../src/train/graph.js';
import { clusteredFiles, m4Figures } from './clustered.js';
import { writeSection } from './sections.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const shared = process.env.TINYFORGE_SHARED ?? join(repo, '..', 'shared');
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const log = (text: string) => process.stderr.write(`bench:compress: ${text}\n`);
const MODELS = argv.includes('--models') ? argv[argv.indexOf('--models') + 1]!.split(',') : ['lenet', 'resnet'];
const SCHEDULE = {
  trainImages: option('--train-images', 6000),
  epochs: option('--epochs', 1),
  ftImages: option('--ft-images', 2000),
  ftEpochs: option('--ft-epochs', 1),
  lr: option('--lr', 1e-4),
  qatImages: option('--qat-images', 2000),
  testImages: option('--test-limit', 2000),
};
const BITS = argv.includes('--bits') ? argv[argv.indexOf('--bits') + 1]!.split(',').map(Number) : [7, 5, 4, 3, 2];
const SEED = 1;

interface Row {
  variant: string;
  /** Test accuracy (LeNet) or top-1 agreement with the float model (MLPerf Tiny). */
  score: number;
  weightBytes: number | null;
  flashBytes: number | null;
  arenaBytes: number | null;
  sramBytes: number | null;
  instructions: number | null;
  wasmMs: number | null;
  cpuSeconds: number;
}

/** Conv/FC weight bytes as stored: the LUT report's stored bytes when clustered, else the int8 bytes. */
function weightBytes(graph: Graph, report: readonly ClusteredTensorReport[] = []): number {
  if (report.length > 0) return report.reduce((n, r) => n + r.storedBytes, 0);
  return clusterableWeights(graph).reduce((n, { tensor }) => n + tensor.data!.byteLength, 0);
}

/** Median ms of one invoke of the wasm module (SIMD kernels), 30 runs after 10 of warm-up. */
export async function wasmMs(graph: Graph, input: Uint8Array[], options: PlanModelOptions = {}): Promise<number> {
  return (await wasmTimed(graph, input, options)).ms;
}

/** The SIMD module planned with `options` (backend 'wasm') and its median invoke time over 30 runs, after 10 warm-ups. */
export async function wasmTimed(graph: Graph, input: Uint8Array[], options: PlanModelOptions = {}): Promise<{ ms: number; emitted: EmittedWasm }> {
  const emitted = emitWasm(scheduleOf(planModel(graph, { ...options, backend: 'wasm' }).plan), { library: await loadKernelLibrary(true), simd: true });
  const model = await instantiateEmitted(emitted);
  for (let i = 0; i < 10; i++) runLoaded(model, input);
  const times = Array.from({ length: 30 }, () => {
    const t0 = performance.now();
    runLoaded(model, input);
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return { ms: times[15]!, emitted };
}

function cpu<T>(run: () => T): { value: T; cpuSeconds: number } {
  const c0 = process.cpuUsage();
  const value = run();
  const c = process.cpuUsage(c0);
  return { value, cpuSeconds: (c.user + c.system) / 1e6 };
}

async function measured(variant: string, graph: Graph, score: number, cpuSeconds: number, input: Uint8Array[], report?: ClusteredTensorReport[]): Promise<Row> {
  const g = readTflite(writeTflite(graph)); // as written to a file
  const row: Row = { variant, score, weightBytes: weightBytes(graph, report), ...m4Figures(g, input), wasmMs: await wasmMs(g, input), cpuSeconds };
  log(`${variant}: ${(100 * score).toFixed(2)}, ${JSON.stringify(row)}`);
  return row;
}

async function lenetTable(): Promise<{ rows: Row[]; note: string; ptq: Graph }> {
  await useTrainBackend();
  const trainAll = loadFashionMnist('train');
  const test = take(loadFashionMnist('test'), SCHEDULE.testImages);
  const train = take(trainAll, SCHEDULE.trainImages);
  const arch = buildArch('lenet', { input: [28, 28, 1], classes: 10, seed: SEED, width: 1 });
  const trained = cpu(() => {
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    const optimizer = tf.train.adam(1e-3);
    fit(t, train, { epochs: SCHEDULE.epochs, batchSize: 64, seed: SEED, optimizer });
    const g = readTflite(writeTflite(exportGraph(t)));
    optimizer.dispose();
    t.dispose();
    return g;
  });
  const float = trained.value;
  const floatAcc = (() => {
    const t = trainableGraph(float);
    const a = accuracyOf(t, test);
    t.dispose();
    return a;
  })();
  const input = float.tensors[float.inputs[0]!]!;
  const calibration = Array.from({ length: 200 }, (_, k) => [imageToInputBytes(trainAll, k, input)]);
  const sample = [imageToInputBytes(test, 0, input)];
  const wasm = BATCH_ENGINES.find((e) => e.name === 'wasm')!;
  const accuracy = (g: Graph) => engineAccuracy(g, test, wasm);
  const rows: Row[] = [{ variant: 'float32', score: floatAcc, weightBytes: null, flashBytes: null, arenaBytes: null, sramBytes: null, instructions: null, wasmMs: null, cpuSeconds: trained.cpuSeconds }];
  log(`float: ${floatAcc}`);

  const ptq = cpu(() => quantizeModel(float, calibration, 'lenet'));
  rows.push(await measured('int8 PTQ', ptq.value, await accuracy(ptq.value), ptq.cpuSeconds, sample));
  // TFLite's 16x8 scheme on the same calibration images: int16 activations, int8 weights, int64 biases
  const ptq16 = cpu(() => quantizeModel(float, calibration, 'lenet', { activations: 'int16' }));
  rows.push(await measured('16x8 PTQ', ptq16.value, await accuracy(ptq16.value), ptq16.cpuSeconds, sample));

  const qat = cpu(() => {
    const q = qatGraph(float, 'lenet');
    const optimizer = tf.train.adam(1e-4);
    fit(q.trainable, take(trainAll, SCHEDULE.qatImages), { epochs: 1, batchSize: 64, seed: SEED, optimizer });
    const g = q.exportInt8('lenet');
    optimizer.dispose();
    q.dispose();
    return g;
  });
  rows.push(await measured(`int8 QAT (1 epoch, ${SCHEDULE.qatImages} images)`, qat.value, await accuracy(qat.value), qat.cpuSeconds, sample));

  const ftData: Dataset = take(trainAll, SCHEDULE.ftImages);
  for (const bits of BITS) {
    const clusters = clusterFloatWeights(float, { bits, seed: SEED });
    const plain = cpu(() => quantizeShared(snappedFloatGraph(float, clusters), calibration, { bits, seed: SEED, model: 'lenet' }));
    rows.push(await measured(`k-means ${bits}-bit`, plain.value.graph, await accuracy(plain.value.graph), plain.cpuSeconds, sample, plain.value.report));
    const tuned = cpu(() => {
      const r = finetuneCentroids(float, clusters, ftData, { epochs: SCHEDULE.ftEpochs, batchSize: 64, lr: SCHEDULE.lr, seed: SEED });
      return quantizeShared(r.graph, calibration, { bits, seed: SEED, model: 'lenet' });
    });
    rows.push(await measured(`k-means ${bits}-bit + fine-tune`, tuned.value.graph, await accuracy(tuned.value.graph), tuned.cpuSeconds, sample, tuned.value.report));
  }
  const note =
    `LeNet trained ${SCHEDULE.epochs} epoch(s) on the first ${SCHEDULE.trainImages} Fashion-MNIST training images (Adam 1e-3, batch 64, seed 1); ` +
    `QAT 1 epoch on ${SCHEDULE.qatImages} images (Adam 1e-4); fine-tuning ${SCHEDULE.ftEpochs} epoch(s) on ${SCHEDULE.ftImages} images (Adam ${SCHEDULE.lr}); ` +
    `calibration: the first 200 training images; accuracy: the first ${SCHEDULE.testImages} test images on the wasm engine (float32: the tfjs forward of the exported model)`;
  return { rows, note, ptq: ptq.value };
}

async function resnetTable(): Promise<{ rows: Row[]; note: string }> {
  const read = (...p: string[]) => readTflite(new Uint8Array(readFileSync(join(shared, 'models', ...p))));
  const float = read('mlperf-tiny-float', 'pretrainedResnet.tflite');
  const twin = read('mlperf-tiny', 'pretrainedResnet_quant.tflite');
  const q = twin.tensors[twin.inputs[0]!]!.quant!;
  const range: [number, number] = [q.scales[0]! * (-128 - q.zeroPoints[0]!), q.scales[0]! * (127 - q.zeroPoints[0]!)];
  const draw = (seed: number, n: number) => Array.from({ length: n }, (_, k) => [syntheticInputBytes(float.tensors[float.inputs[0]!]!, mixSeed(seed, k), range)]);
  const calibration = draw(1, 32);
  const held = draw(2, 32);
  const twinInput = [syntheticInputBytes(twin.tensors[twin.inputs[0]!]!, mixSeed(2, 0))];
  const rows: Row[] = [{ variant: 'float32', score: 1, weightBytes: null, flashBytes: null, arenaBytes: null, sramBytes: null, instructions: null, wasmMs: null, cpuSeconds: 0 }];
  rows.push(await measured('official int8 twin', twin, compareInt8Io(float, twin, held).top1Agreement, 0, twinInput));
  const ptq = cpu(() => quantizeModel(float, calibration, 'resnet'));
  rows.push(await measured('int8 PTQ (ours)', ptq.value, compareQuantized(float, ptq.value, held).top1Agreement, ptq.cpuSeconds, held[0]!));
  for (const bits of BITS) {
    const r = cpu(() => quantizeShared(snappedFloatGraph(float, clusterFloatWeights(float, { bits, seed: SEED })), calibration, { bits, seed: SEED, model: 'resnet' }));
    rows.push(await measured(`k-means ${bits}-bit`, r.value.graph, compareQuantized(float, r.value.graph, held).top1Agreement, r.cpuSeconds, held[0]!, r.value.report));
  }
  return { rows, note: 'pretrainedResnet (ic01): top-1 agreement with the float model on 32 smooth synthetic images in the twin\'s input range (calibration: 32 others); no fine-tuning (no labelled CIFAR-10 here); QAT not run' };
}

/**
 * What LUT weights cost in RAM: per model at 4 bits, the default plan's arena for the int8 model, for its
 * clustered file with every DECODE expanding into the arena (`fuseDecode: false`), and as compiled by default
 * (the conv/FC kernels read their LUT weights: src/passes/fuse-decode.ts), with the largest expanded tensor and
 * the largest channel. From the plans; no run.
 */
function decodeCost(graphs: Array<{ model: string; int8: Graph }>): string {
  const lines = ['| model (4-bit, per channel) | arena int8 B | arena, DECODE into the arena B | arena, kernels read the LUT weights (default) B | largest decoded tensor B | largest channel B |', '|---|---:|---:|---:|---:|---:|'];
  const n = (v: number) => v.toLocaleString('en-US');
  for (const { model, int8 } of graphs) {
    const { clustered: graph, report } = clusteredFiles(int8, 4, SEED);
    const arena = (g: Graph, fuseDecode = true) => planModel(readTflite(writeTflite(g)), { fuseDecode }).plan.arenaBytes;
    const compressed = report.filter((r) => r.compressed);
    const largest = Math.max(0, ...compressed.map((r) => r.originalBytes));
    const channel = Math.max(0, ...compressed.map((r) => r.originalBytes / r.channels));
    lines.push(`| ${model} | ${n(arena(int8))} | ${n(arena(graph, false))} | ${n(arena(graph))} | ${n(largest)} | ${n(channel)} |`);
    log(lines.at(-1)!);
  }
  return lines.join('\n');
}

function markdown(title: string, rows: Row[], note: string, scoreName: string): string {
  const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
  const base = rows.find((r) => r.variant.startsWith('int8 PTQ'))!;
  const float = rows[0]!;
  const lines = [
    `**${title}** — ${note}.`,
    '',
    `| variant | ${scoreName} | vs float (points) | conv/FC weight B | vs int8 | flash B | arena B | RAM B (.data+.bss+stack) | qemu-m4 instructions | wasm ms | CPU s |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const vsInt8 = r.weightBytes === null || r === base ? '' : `${(((r.weightBytes - base.weightBytes!) / base.weightBytes!) * 100).toFixed(1)}%`;
    lines.push(
      `| ${r.variant} | ${(100 * r.score).toFixed(2)}% | ${r === float ? '' : (100 * (r.score - float.score)).toFixed(2)} | ${fmt(r.weightBytes)} | ${vsInt8} | ${r.flashBytes === null && r.arenaBytes !== null ? 'no run: RAM > 256 KiB' : fmt(r.flashBytes)} | ${fmt(r.arenaBytes)} | ${fmt(r.sramBytes)} | ${fmt(r.instructions)} | ${r.wasmMs === null ? '—' : r.wasmMs.toFixed(3)} | ${r.cpuSeconds.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

interface Saved {
  schedule: typeof SCHEDULE;
  tables: Array<{ model: string; rows: Row[]; note: string }>;
  decode: string;
}

const SCORE_NAMES: Record<string, [string, string]> = { lenet: ['LeNet, Fashion-MNIST', 'test accuracy'], pretrainedResnet: ['MLPerf Tiny ResNet (ic01)', 'top-1 agreement'] };

/** The section's body from a run's tables. */
function sectionBody(run: Saved): string {
  const parts = run.tables.map((t) => markdown(SCORE_NAMES[t.model]![0], t.rows, t.note, SCORE_NAMES[t.model]![1]));
  parts.push(`**LUT weights in RAM** (the C plan's arena: int8, every DECODE expanded into the arena, and the default where the conv/FC kernels read their LUT weights).\n\n${run.decode}`);
  return parts.join('\n\n');
}

function output(run: Saved): void {
  if (argv.includes('--json')) process.stdout.write(JSON.stringify(run, null, 2) + '\n');
  else process.stdout.write(sectionBody(run) + '\n');
  if (argv.includes('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'compress', sectionBody(run), 'Compression: PTQ, QAT and k-means weight sharing (the quantization lab)', INTRO);
    log(`wrote the tables to ${file}`);
  }
}

async function main(): Promise<void> {
  // --from FILE: the tables of an earlier --json run, rendered (and written with --write) without running again
  if (argv.includes('--from')) return output(JSON.parse(readFileSync(argv[argv.indexOf('--from') + 1]!, 'utf8')) as Saved);
  const tables: Array<{ model: string; rows: Row[]; note: string }> = [];
  let lenetPtq: Graph | null = null;
  if (MODELS.includes('lenet')) {
    const t = await lenetTable();
    lenetPtq = t.ptq;
    tables.push({ model: 'lenet', rows: t.rows, note: t.note });
  }
  if (MODELS.includes('resnet')) tables.push({ model: 'pretrainedResnet', ...(await resnetTable()) });
  const read = (...p: string[]) => readTflite(new Uint8Array(readFileSync(join(shared, 'models', ...p))));
  const decode = decodeCost([
    ...(lenetPtq ? [{ model: 'lenet (int8 PTQ)', int8: lenetPtq }] : []),
    { model: 'kws_ref_model', int8: read('mlperf-tiny', 'kws_ref_model.tflite') },
    { model: 'vww_96_int8', int8: read('mlperf-tiny', 'vww_96_int8.tflite') },
    { model: 'pretrainedResnet_quant', int8: read('mlperf-tiny', 'pretrainedResnet_quant.tflite') },
  ]);
  output({ schedule: SCHEDULE, tables, decode });
}

const INTRO = [
  'Command: `npm run bench:compress` (`-- --write` refreshes the tables below, `-- --json` prints them as JSON;',
  '`--train-images`, `--epochs`, `--ft-images`, `--ft-epochs`, `--lr`, `--qat-images`, `--test-limit`, `--bits`, `--models`',
  'set the schedule; the defaults are the small one below, a few CPU-minutes on the shared machine).',
  'Flash, arena, RAM and instructions: the model compiled to C (default plan) and run on qemu-m4 (one input, after a',
  'warm-up); weight bytes: the conv/FC weight tensors as stored (int8, or packed indices + DECODE header + tables',
  'where compression saves flash); wasm ms: median invoke of the SIMD module in Node; CPU s: the variant\'s training',
  'and quantization CPU time.',
].join('\n');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
