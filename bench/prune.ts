// `npm run bench:prune [-- --train-limit N] [-- --epochs N] [-- --ft-limit N] [-- --ft-epochs N] [-- --test-limit N]
// [-- --model dense_fp32.tflite] [-- --no-qemu] [-- --only 'name;name + ft'] [-- --rows-out FILE] [-- --rows saved.json] [-- --json] [-- --write]`: LeNet trained on Fashion-MNIST, then
// dense / fine-grained 50, 70, 90% / channel 20, 30, 50% (L2 and next-layer criteria), each with and without
// fine-tuning (the mask kept), each quantized (PTQ, 200 training images) and measured as deployed: int8
// accuracy on the wasm engine, parameters, MACs, planner peak, flash and instructions per inference on
// qemu-m4 (the profiler's Cortex-M4 estimate beside it), wasm ms per inference (this shared machine's).
import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '../src/cli/data/index.js';
import { engineAccuracy, fitDataset } from '../src/cli/accuracy.js';
import { wasmBatchEngine } from '../src/cli/engines/batch.js';
import { prepareQemu, QEMU_BOARDS } from '../src/cli/engines/qemu.js';
import { deviceModel } from '../src/cost/devices.js';
import { estimateFlash } from '../src/cost/flash.js';
import { estimateInstructions } from '../src/cost/profile.js';
import { imageToInputBytes, take, type Dataset } from '../src/data/index.js';
import { readTflite, writeTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import { opMacs } from '../src/ir/macs.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import { finetune, prunableLayers, pruneChannels, pruneMagnitude, realWeights, uniformSparsity, type ChannelCriterion } from '../src/prune/index.js';
import { quantizeModel } from '../src/quantize/index.js';
import { lenetGraph } from '../src/train/arch/named.js';
import { useTrainBackend } from '../src/train/backend.js';
import { exportGraph } from '../src/train/export.js';
import { fit } from '../src/train/fit.js';
import { trainableGraph } from '../src/train/graph.js';
import { writeSection } from './sections.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const text = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const SEED = 1;
const BATCH = 64;
const LR = 1e-3;
const FT_LR = 5e-4;
const CALIBRATION = 200;

interface Setting {
  name: string;
  method: 'dense' | 'magnitude' | 'channels';
  amount: number;
  criterion?: ChannelCriterion;
  /** Magnitude: the first and last layers stay dense, the others pruned so that `amount` of all weights are zero. */
  inner?: boolean;
  finetune: boolean;
}

interface Row extends Setting {
  accuracy: number;
  /** Non-zero weights and biases of the prunable layers. */
  params: number;
  macs: number;
  peakBytes: number;
  flashBytes: number;
  /** Measured on qemu-m4 (null with --no-qemu or when the firmware does not fit). */
  instructions: number | null;
  estimatedInstructions: number;
  wasmMs: number;
  cpuSeconds: number;
}

function nonZeroParams(g: Graph): number {
  let n = 0;
  for (const l of prunableLayers(g, 'bench')) {
    const op = g.ops[l.node]!;
    for (const v of realWeights(g.tensors[op.inputs[1]!]!)) if (v !== 0) n++;
    const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? g.tensors[op.inputs[2]]! : null;
    if (bias) for (const v of bias.dtype === 'int32' ? new Int32Array(bias.data!.slice().buffer) : new Float32Array(bias.data!.slice().buffer)) if (v !== 0) n++;
  }
  return n;
}

/** The middle layers at the one sparsity that makes `overall` of all prunable weights zero (first and last layers dense, as is common practice). */
function innerSparsity(g: Graph, overall: number): Map<number, number> {
  const layers = prunableLayers(g, 'bench');
  const weights = (l: (typeof layers)[number]) => g.tensors[l.weight]!.shape.reduce((a, b) => a * b, 1);
  const inner = layers.slice(1, -1);
  const s = (overall * layers.reduce((a, l) => a + weights(l), 0)) / inner.reduce((a, l) => a + weights(l), 0);
  return new Map(inner.map((l) => [l.node, s]));
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1e6;
}

async function measure(setting: Setting, float: Graph, calibration: Uint8Array[][], test: Dataset, qemu: boolean, cpu: number): Promise<Row> {
  const int8 = readTflite(writeTflite(quantizeModel(float, calibration, setting.name)));
  const t0 = performance.now();
  const accuracy = await engineAccuracy(int8, test, wasmBatchEngine);
  const wasmMs = (performance.now() - t0) / test.shape[0];
  const schedule = scheduleOf(planModel(int8, {}).plan);
  let instructions: number | null = null;
  let flashBytes = estimateFlash(schedule, 'cortex-m4').totalBytes;
  if (qemu) {
    const fw = prepareQemu(schedule, QEMU_BOARDS['qemu-m4']);
    try {
      const input = int8.tensors[int8.inputs[0]!]!;
      const run = fw.run([imageToInputBytes(test, 0, input)]);
      const d = run.details as Record<string, number>;
      instructions = d['instructionsPerInference']!;
      flashBytes = d['flashBytes'] ?? flashBytes;
    } finally {
      fw.dispose();
    }
  }
  return {
    ...setting,
    accuracy,
    params: nonZeroParams(int8),
    macs: int8.ops.reduce((a, op) => a + opMacs(int8, op), 0),
    peakBytes: schedule.arenaBytes,
    flashBytes,
    instructions,
    estimatedInstructions: estimateInstructions(schedule, deviceModel('cortex-m4')!),
    wasmMs,
    cpuSeconds: cpu,
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rel = (x: number, base: number) => `${x >= base ? '+' : '−'}${Math.abs((100 * (x - base)) / base).toFixed(1)}%`;

function markdown(rows: Row[], setup: string): string {
  const dense = rows.find((r) => r.method === 'dense' && !r.finetune) ?? rows[0]!; // --only may leave the dense row out
  const lines = [
    '| setting | fine-tuned | int8 accuracy (wasm) | vs dense | non-zero params | MACs | peak SRAM (planner) | flash | Cortex-M4 instructions (qemu) | vs dense | profiler estimate | wasm ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const insns = r.instructions ?? r.estimatedInstructions;
    const baseInsns = dense.instructions ?? dense.estimatedInstructions;
    lines.push(
      `| ${r.name} | ${r.finetune ? 'yes' : 'no'} | ${pct(r.accuracy)} | ${r.accuracy >= dense.accuracy ? '+' : '−'}${Math.abs(100 * (r.accuracy - dense.accuracy)).toFixed(2)} pt | ${fmt(r.params)} | ${fmt(r.macs)} | ` +
        `${fmt(r.peakBytes)} | ${fmt(r.flashBytes)} | ${r.instructions === null ? '–' : fmt(r.instructions)} | ${rel(insns, baseInsns)} | ${fmt(r.estimatedInstructions)} | ${r.wasmMs.toFixed(3)} |`,
    );
  }
  return `${setup}\n\n${lines.join('\n')}`;
}

async function main(): Promise<void> {
  const trainLimit = option('--train-limit', 24000);
  const epochs = option('--epochs', 1);
  const ftLimit = option('--ft-limit', 6000);
  const ftEpochs = option('--ft-epochs', 1);
  const testLimit = option('--test-limit', 10000);
  const qemu = !flag('--no-qemu');
  const rowsFile = text('--rows');
  if (rowsFile) {
    // a saved run (the bench writes /tmp/bench-prune-rows.json after every row): the flags must be the run's
    const saved = JSON.parse(readFileSync(rowsFile, 'utf8')) as Row[];
    const cpu = `${saved.reduce((a, r) => a + r.cpuSeconds, 0).toFixed(0)} CPU s over the rows (dense training not counted)`;
    report(saved, { trainImages: trainLimit, ftImages: ftLimit, testImages: testLimit, epochs, ftEpochs, modelPath: text('--model'), cpu });
    return;
  }
  const started = process.cpuUsage();
  const all = loadDataset({ data: 'fashion-mnist', split: 'train', seed: SEED, valFraction: 0.1 });
  const train = take(all, trainLimit);
  const ftTrain = take(all, ftLimit); // the first images of the same split: fine-tuning sees nothing new
  const testAll = loadDataset({ data: 'fashion-mnist', split: 'test', seed: SEED, valFraction: 0.1 });
  await useTrainBackend();

  let dense: Graph;
  const modelPath = text('--model');
  if (modelPath) {
    dense = readTflite(new Uint8Array(readFileSync(modelPath)));
    log(`dense model read from ${modelPath}`);
  } else {
    const arch = lenetGraph({ input: [28, 28, 1], classes: 10, seed: SEED });
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    const optimizer = tf.train.adam(LR);
    fit(t, train, { epochs, batchSize: BATCH, seed: SEED, optimizer, onEpoch: (r) => log(`dense epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, train ${pct(r.trainAccuracy)}`) });
    dense = exportGraph(t);
    optimizer.dispose();
    t.dispose();
    writeFileSync('/tmp/bench-prune-lenet-dense.tflite', writeTflite(dense));
  }
  const test = fitDataset(take(testAll, testLimit), dense, 'lenet');
  const input = dense.tensors[dense.inputs[0]!]!;
  const calibration = Array.from({ length: CALIBRATION }, (_, k) => [imageToInputBytes(train, trainLimit - 1 - k, input)]);

  const settings: Setting[] = [{ name: 'dense', method: 'dense', amount: 0, finetune: false }];
  for (const s of [0.5, 0.7, 0.9]) settings.push({ name: `fine-grained ${s * 100}%`, method: 'magnitude', amount: s, finetune: false });
  settings.push({ name: 'fine-grained 70% overall (first/last dense)', method: 'magnitude', amount: 0.7, inner: true, finetune: false });
  for (const s of [0.2, 0.3, 0.5]) settings.push({ name: `channel ${s * 100}% (l2)`, method: 'channels', amount: s, criterion: 'l2', finetune: false });
  for (const s of [0.2, 0.3, 0.5]) settings.push({ name: `channel ${s * 100}% (next)`, method: 'channels', amount: s, criterion: 'next', finetune: false });
  const tuned: Setting[] = settings.filter((s) => s.method !== 'channels' || s.criterion === 'l2' || s.amount === 0.3).map((s) => ({ ...s, finetune: true }));

  const only = text('--only')?.split(';');
  const rows: Row[] = [];
  for (const setting of [...settings, ...tuned].filter((x) => !only || only.some((o) => `${x.name}${x.finetune ? ' + ft' : ''}` === o))) {
    const c0 = process.cpuUsage();
    let g = setting.method === 'magnitude'
      ? pruneMagnitude(dense, setting.inner ? innerSparsity(dense, setting.amount) : uniformSparsity(dense, setting.amount, 'lenet'), 'lenet').graph
      : setting.method === 'channels' ? pruneChannels(dense, setting.amount, 'lenet', { criterion: setting.criterion }).graph : dense;
    if (setting.finetune) {
      const optimizer = tf.train.adam(FT_LR);
      g = finetune(g, ftTrain, { epochs: ftEpochs, batchSize: BATCH, seed: SEED + 1, optimizer, keepZeros: setting.method === 'magnitude' }).graph;
      optimizer.dispose();
    }
    const row = await measure(setting, g, calibration, test, qemu, 0);
    row.cpuSeconds = cpuSeconds(c0);
    rows.push(row);
    log(`${setting.name}${setting.finetune ? ' + fine-tuning' : ''}: ${pct(row.accuracy)}, ${fmt(row.macs)} MACs, peak ${fmt(row.peakBytes)}, ${row.instructions === null ? '-' : fmt(row.instructions)} instructions, ${row.cpuSeconds.toFixed(0)} CPU s`);
    writeFileSync(text('--rows-out') ?? '/tmp/bench-prune-rows.json', JSON.stringify(rows, null, 2));
  }
  if (flag('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  report(rows, { trainImages: train.shape[0], ftImages: ftTrain.shape[0], testImages: test.shape[0], epochs, ftEpochs, modelPath, cpu: `${cpuSeconds(started).toFixed(0)} CPU s` });
}

interface RunInfo {
  trainImages: number;
  ftImages: number;
  testImages: number;
  epochs: number;
  ftEpochs: number;
  modelPath: string | undefined;
  cpu: string;
}

/** Prints the table (and with --write puts it in BENCHMARKS.md). */
function report(rows: Row[], r: RunInfo): void {
  const setup =
    `LeNet (src/train/arch) trained here on Fashion-MNIST: ${r.modelPath ? `read from ${r.modelPath}` : `${r.epochs} epoch(s) on the first ${fmt(r.trainImages)} images of the training split, Adam lr ${LR}, batch ${BATCH}`}. ` +
    `Fine-tuning: ${r.ftEpochs} epoch(s) on the first ${fmt(r.ftImages)} of those images, Adam lr ${FT_LR}, the pruning mask kept (fine-grained); ` +
    `"dense, fine-tuned" gets the same extra training, the fair baseline for the fine-tuned rows. Every model quantized by \`tinyforge quantize\`'s PTQ (${CALIBRATION} training images), ` +
    `accuracy of the int8 model on the wasm engine over ${fmt(r.testImages)} test images. Channel pruning removes that share of the output channels of conv1, conv2 and dense1 ` +
    `(the logits layer is left out: its channels are the classes) ranked by the filters' L2 norm (l2) or by the L2 norm of the next layer's weights reading them (next). ` +
    `Flash: the linked qemu-m4 firmware (.text + .rodata + .data); instructions: one inference on qemu-m4 (the FPGAIO counter, ±40); the profiler's estimate beside it. ` +
    `wasm ms: per inference over the test images on this shared 2-core machine (noisy). ${r.cpu}; ${new Date().toISOString().slice(0, 10)}, node ${process.version}. ` +
    'Command: `npm run bench:prune` (`-- --write` refreshes this table; `-- --rows FILE` renders rows a run saved).';
  const table = markdown(rows, setup);
  console.log(table);
  if (flag('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'prune', table, 'Pruning');
    log(`bench:prune: wrote the Pruning table to ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
