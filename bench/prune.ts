// `npm run bench:prune [-- flags]` (the flags and their defaults: `npm run -s bench:prune -- --help`):
// per net (LeNet and DS-CNN trained on Fashion-MNIST, dense models cached in /tmp per schedule; MLPerf Tiny's
// pretrainedResnet, ic01, as shipped) dense / fine-grained 50, 70, 90% / channel 20, 30, 50% (L2; the Fashion-MNIST
// nets also the next-layer criterion), each with and without fine-tuning (the Fashion-MNIST nets; fine-grained rows pruned
// once before fine-tuning, or gradually during it over --prune-steps AGP steps; the 70% rows both ways), each
// quantized (PTQ) and measured as deployed: int8 accuracy on the wasm engine (ic01: top-1 agreement with the
// unpruned float model on fixed synthetic images), parameters, MACs, planner peak, flash and instructions per
// inference on qemu-m4 (the profiler's Cortex-M4 estimate beside it), wasm ms per inference (this shared machine's).
// --renormalize: the pruned rows instead re-normalised against the dense model on PTQ's calibration images
// (src/prune/renormalize.ts) after pruning, before fine-tuning (fine-grained: pruned once) and PTQ.
// --ft-batch-norm: the fine-tuned rows fine-tune with batch norm back in the graph (src/prune/finetune.ts), folded at export.
// --ft-distill: the fine-tuned rows distil from the run's dense model (src/train/distill.ts).
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
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
import { DEFAULT_PRUNE_STEPS, finetune, prunableLayers, pruneChannels, pruneMagnitude, realWeights, renormalize, uniformSparsity, type ChannelCriterion } from '../src/prune/index.js';
import { quantizeModel } from '../src/quantize/index.js';
import { dsCnnGraph, lenetGraph } from '../src/train/arch/named.js';
import { syntheticInputBytes, mixSeed } from '../src/builder/random.js';
import { argmax } from '../src/data/evaluate.js';
import { runReference } from '../src/reference/interpreter.js';
import { tradeoffPage, type TradeoffNet } from '../src/prune/report.js';
import { useTrainBackend } from '../src/train/backend.js';
import { exportGraph } from '../src/train/export.js';
import { fit, TRAINER_VERSION } from '../src/train/fit.js';
import { DEFAULT_DISTILL_ALPHA, DEFAULT_DISTILL_TEMPERATURE } from '../src/train/distill-settings.js';
import { isLrDecay, LR_DECAYS, type LrDecay } from '../src/train/lr-schedule.js';
import { parseScan, sparsitiesForShare, type Scan } from '../src/prune/scan.js';
import { trainableGraph } from '../src/train/graph.js';
import { inTableOrder, mergeNetBlocks } from './prune-sections.js';
import { readSection, writeSection } from './sections.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const text = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const lrDecayOption = (name: string): LrDecay => {
  if (!isLrDecay(name)) throw new Error(`--ft-lr-decay: ${name} is not one of ${LR_DECAYS.join(', ')}`);
  return name;
};
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const SEED = 1;
const BATCH = 64;
const LR = 1e-3;
const FT_LR = 5e-4;
/** The gradual schedule the one-shot 70% rows are compared with. */
const COMPARED_STEPS = 4;
const CALIBRATION = 200;
const NETS = ['lenet', 'ds-cnn', 'resnet'] as const;
type NetKey = (typeof NETS)[number];
const NET_LABELS: Record<NetKey, string> = { lenet: 'LeNet (Fashion-MNIST)', 'ds-cnn': 'DS-CNN (Fashion-MNIST)', resnet: 'pretrainedResnet (MLPerf Tiny ic01)' };

interface Setting {
  name: string;
  method: 'dense' | 'magnitude' | 'channels';
  amount: number;
  criterion?: ChannelCriterion;
  /** Magnitude: the first and last layers stay dense, the others pruned so that `amount` of all weights are zero. */
  inner?: boolean;
  /** Magnitude: per-layer sparsities from this sensitivity scan (prune --scan --json) zeroing `amount` of all weights (sparsitiesForShare). */
  scan?: Scan;
  finetune: boolean;
  /** Magnitude with fine-tuning: pruning steps during fine-tuning (1: pruned once, then fine-tuned). */
  steps?: number;
  /** Re-normalised against the dense model (src/prune/renormalize.ts) after pruning, before fine-tuning and PTQ. */
  renormalize?: boolean;
  /** Fine-tuned with a batch norm after each conv followed by its activation, folded back at export (src/prune/finetune.ts). */
  batchNorm?: boolean;
  /** Fine-tuned with knowledge distillation from the run's dense model at this temperature and soft-target weight. */
  distill?: { temperature: number; alpha: number };
}

interface Row extends Setting {
  net: NetKey;
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

async function measure(setting: Setting, net: Net, float: Graph, qemu: boolean): Promise<Row> {
  const int8 = readTflite(writeTflite(quantizeModel(float, net.calibration, setting.name)));
  const t0 = performance.now();
  const accuracy = await engineAccuracy(int8, net.test, wasmBatchEngine);
  const wasmMs = (performance.now() - t0) / net.test.shape[0];
  const schedule = scheduleOf(planModel(int8, {}).plan);
  let instructions: number | null = null;
  let flashBytes = estimateFlash(schedule, 'cortex-m4').totalBytes;
  if (qemu) {
    const fw = prepareQemu(schedule, QEMU_BOARDS['qemu-m4']);
    try {
      const input = int8.tensors[int8.inputs[0]!]!;
      const run = fw.run([imageToInputBytes(net.test, 0, input)]);
      const d = run.details as Record<string, number>;
      instructions = d['instructionsPerInference']!;
      flashBytes = d['flashBytes'] ?? flashBytes;
    } finally {
      fw.dispose();
    }
  }
  return {
    ...setting,
    scan: undefined, // the row names its allocation; the scan itself is the run's input file
    net: net.key,
    accuracy,
    params: nonZeroParams(int8),
    macs: int8.ops.reduce((a, op) => a + opMacs(int8, op), 0),
    peakBytes: schedule.arenaBytes,
    flashBytes,
    instructions,
    estimatedInstructions: estimateInstructions(schedule, deviceModel('cortex-m4')!),
    wasmMs,
    cpuSeconds: 0,
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const rel = (x: number, base: number) => `${x >= base ? '+' : '−'}${Math.abs((100 * (x - base)) / base).toFixed(1)}%`;

function markdown(rows: Row[]): string {
  const dense = rows.find((r) => r.method === 'dense' && !r.finetune) ?? rows[0]!; // --only may leave the dense row out
  const lines = [
    `| setting | fine-tuned | int8 ${dense.net === 'resnet' ? 'agreement' : 'accuracy'} (wasm) | vs dense | non-zero params | MACs | peak SRAM (planner) | flash | Cortex-M4 instructions (qemu) | vs dense | profiler estimate | wasm ms |`,
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
  return lines.join('\n');
}

/** What a net is measured on: its dense float model, the images its accuracy is counted on, PTQ's calibration inputs and fine-tuning's data (none: no fine-tuned rows). */
interface Net {
  key: NetKey;
  dense: Graph;
  test: Dataset;
  calibration: Uint8Array[][];
  ftTrain: Dataset | null;
  /** How the dense model and the test set came to be (the table's setup line). */
  about: string;
  /** Whether this run trained the dense model (not read from a cache or as shipped). */
  trained: boolean;
}

/** A Fashion-MNIST net trained here (or read from its /tmp cache of the same schedule). */
function fashionNet(key: 'lenet' | 'ds-cnn', o: Options): Net {
  const all = loadDataset({ data: 'fashion-mnist', split: 'train', seed: SEED, valFraction: 0.1 });
  const train = take(all, o.trainLimit);
  const testAll = loadDataset({ data: 'fashion-mnist', split: 'test', seed: SEED, valFraction: 0.1 });
  // the trainer's version in the key: a model trained before a change to training is not this schedule's
  const cache = o.modelPath ?? `/tmp/bench-prune-${key}-t${TRAINER_VERSION}-e${o.epochs}-n${o.trainLimit}-s${SEED}.tflite`;
  let dense: Graph;
  let how: string;
  const trained = !existsSync(cache);
  if (!trained) {
    dense = readTflite(new Uint8Array(readFileSync(cache)));
    how = o.modelPath ? `read from ${o.modelPath}, trained so by an earlier run` : `trained by an earlier run of this schedule, cached in ${cache}`;
    log(`${key}: dense model read from ${cache}`);
  } else {
    if (o.modelPath) throw new Error(`--model ${o.modelPath}: no such file`);
    const arch = (key === 'lenet' ? lenetGraph : dsCnnGraph)({ input: [28, 28, 1], classes: 10, seed: SEED });
    const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
    const optimizer = tf.train.adam(LR);
    fit(t, train, { epochs: o.epochs, batchSize: BATCH, seed: SEED, optimizer, onEpoch: (r) => log(`${key} dense epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, train ${pct(r.trainAccuracy)}`) });
    dense = exportGraph(t);
    optimizer.dispose();
    t.dispose();
    writeFileSync(cache, writeTflite(dense));
    how = 'trained in this run';
  }
  const test = fitDataset(take(testAll, o.testLimit), dense, key);
  const input = dense.tensors[dense.inputs[0]!]!;
  return {
    key,
    dense,
    test,
    calibration: Array.from({ length: CALIBRATION }, (_, k) => [imageToInputBytes(train, o.trainLimit - 1 - k, input)]),
    ftTrain: take(all, o.ftLimit), // the first images of the same split: fine-tuning sees nothing new
    trained,
    about:
      // --model: how that model was trained is not this run's to know (--epochs would be a guess)
      `${o.modelPath ? `Dense model read from ${o.modelPath}` : `Dense model ${o.epochs} epoch(s) on the first ${fmt(o.trainLimit)} images of the training split, Adam lr ${LR}, batch ${BATCH} (${how})`}; ` +
      `fine-tuning ${o.ftEpochs} epoch(s) on the first ${fmt(o.ftLimit)} of those images, Adam lr ${o.ftLr}${o.ftLrDecay === 'none' ? '' : ` (${o.ftLrDecay} decay to 0)`}; PTQ on ${CALIBRATION} training images; accuracy over ${fmt(test.shape[0])} test images.`,
  };
}

const RESNET_INPUTS = 300;
const RESNET_CALIBRATION = 64;

/** MLPerf Tiny's ic01 float model as shipped; its accuracy here is top-1 agreement with the unpruned float model on fixed synthetic images (no CIFAR-10 in ../shared, so no fine-tuning either). */
function resnetNet(): Net {
  const shared = process.env['TINYFORGE_SHARED'] ?? join(repo, '..', 'shared');
  const dense = readTflite(new Uint8Array(readFileSync(join(shared, 'models', 'mlperf-tiny-float', 'pretrainedResnet.tflite'))));
  const input = dense.tensors[dense.inputs[0]!]!;
  const [, h, w, c] = input.shape as [number, number, number, number];
  const image = (seed: number) => new Float32Array(syntheticInputBytes(input, seed, [0, 255]).slice().buffer); // the official twin's input range (scale 1, zero point -128)
  const pixels = new Float32Array(RESNET_INPUTS * h * w * c);
  const labels = new Int32Array(RESNET_INPUTS);
  for (let k = 0; k < RESNET_INPUTS; k++) {
    const x = image(mixSeed(2, k));
    pixels.set(x, k * x.length);
    labels[k] = argmax(new Float32Array(runReference(dense, [new Uint8Array(x.buffer)]).outputs[0]!.slice().buffer));
  }
  const classes = new Set(labels).size;
  const test: Dataset = { name: 'synthetic', images: pixels, shape: [RESNET_INPUTS, h, w, c], labels, classes: Array.from({ length: 10 }, (_, i) => String(i)) };
  return {
    key: 'resnet',
    dense,
    test,
    calibration: Array.from({ length: RESNET_CALIBRATION }, (_, k) => [syntheticInputBytes(input, mixSeed(1, k), [0, 255])]),
    ftTrain: null,
    trained: false,
    about:
      `The float model of ../shared/models/mlperf-tiny-float as shipped; "accuracy" is top-1 agreement of the int8 model with the unpruned float model on ${RESNET_INPUTS} fixed uniform-random images in its input range ` +
      `(the float model predicts ${classes} of the 10 classes on them); PTQ on ${RESNET_CALIBRATION} other such images; no fine-tuned rows (no training data in ../shared).`,
  };
}

interface Options {
  trainLimit: number;
  epochs: number;
  ftLimit: number;
  ftEpochs: number;
  ftLr: number;
  ftLrDecay: LrDecay;
  pruneSteps: number;
  /** Distillation from the dense model in the fine-tuned rows (null: none). */
  ftDistill: { temperature: number; alpha: number } | null;
  /** A sensitivity scan of the dense model: adds the scan-allocated 70% rows. */
  scan: Scan | undefined;
  testLimit: number;
  modelPath: string | undefined;
}

function settingsFor(net: Net, pruneSteps: number, scan: Scan | undefined): Setting[] {
  const settings: Setting[] = [{ name: 'dense', method: 'dense', amount: 0, finetune: false }];
  for (const s of [0.5, 0.7, 0.9]) settings.push({ name: `fine-grained ${s * 100}%`, method: 'magnitude', amount: s, finetune: false });
  settings.push({ name: 'fine-grained 70% overall (first/last dense)', method: 'magnitude', amount: 0.7, inner: true, finetune: false });
  if (scan) settings.push({ name: 'fine-grained 70% overall (scan-allocated)', method: 'magnitude', amount: 0.7, scan, finetune: false });
  for (const s of [0.2, 0.3, 0.5]) settings.push({ name: `channel ${s * 100}% (l2)`, method: 'channels', amount: s, criterion: 'l2', finetune: false });
  if (net.ftTrain !== null) for (const s of [0.2, 0.3, 0.5]) settings.push({ name: `channel ${s * 100}% (next)`, method: 'channels', amount: s, criterion: 'next', finetune: false });
  const tuned: Setting[] = net.ftTrain === null ? [] : settings.filter((s) => s.method !== 'channels' || s.criterion === 'l2' || s.amount === 0.3).map((s) => ({ ...s, finetune: true }));
  const named = (s: Setting, steps: number): Setting => ({ ...s, steps, name: `${s.name}, ${steps === 1 ? 'one-shot' : `${steps} steps`}` });
  const magnitudeTuned = (s: Setting) => s.method === 'magnitude' && s.finetune;
  // the 70% rows also with the other schedule (one-shot against AGP's 4 steps), the comparison the schedule is chosen on
  const compare = pruneSteps === 1 ? COMPARED_STEPS : 1;
  const other = tuned.filter((s) => magnitudeTuned(s) && s.amount === 0.7).map((s) => named(s, compare));
  return [...settings, ...tuned.map((s) => (magnitudeTuned(s) ? named(s, pruneSteps) : s)), ...other];
}

/** A row's name as --only takes it: the table's, ' + ft' for a fine-tuned one. */
const rowName = (x: Setting) => `${x.name}${x.finetune ? ' + ft' : ''}`;

/** The settings `only` names (all of them without --only); naming none of `net`'s is an error listing them (a misspelt --only ran nothing and printed an empty table). */
export function onlyRows(all: Setting[], only: readonly string[] | undefined, net: string): Setting[] {
  if (!only) return all;
  const chosen = all.filter((x) => only.includes(rowName(x)));
  if (chosen.length === 0) throw new Error(`--only: no ${net} row is named ${only.map((n) => `'${n}'`).join(' or ')}; its rows: ${all.map((x) => `'${rowName(x)}'`).join(', ')}`);
  return chosen;
}

const HELP = `npm run bench:prune [-- flags]: per net dense / fine-grained / channel-pruned rows, with and without fine-tuning, measured as deployed (int8 on wasm, qemu-m4).

  --net lenet,ds-cnn,resnet  the nets (default all three)
  --epochs N                 dense training epochs (default 2; the dense model is cached in /tmp per trainer version and schedule)
  --train-limit N            dense training images: the first N of the training split (default 24000)
  --model FILE               the dense float model instead of training one (Fashion-MNIST nets)
  --ft-limit N               fine-tuning images: the first N of the training split (default 6000)
  --ft-epochs N              fine-tuning epochs (default 1)
  --ft-lr R                  fine-tuning Adam learning rate (default ${FT_LR})
  --ft-lr-decay cosine       the fine-tuning rate decayed from --ft-lr to 0 over its steps (default none)
  --scan FILE                a sensitivity scan of the dense model (prune --scan --json; of its int8 twin is fine): adds the 70% rows whose per-layer sparsities it allocates
  --prune-steps K            fine-grained rows with fine-tuning: AGP steps (default ${DEFAULT_PRUNE_STEPS}: one-shot)
  --test-limit N             accuracy over the first N test images (default 10000)
  --renormalize              the pruned rows re-normalised against the dense model before fine-tuning and PTQ
  --ft-batch-norm            the fine-tuned rows fine-tune with a batch norm after each conv followed by its activation, folded back (named ", BN fine-tuning")
  --ft-distill               the fine-tuned rows distil from the run's dense model: (1-a)·CE + a·T²·KL (named ", distilled")
  --ft-distill-temperature T its temperature (default ${DEFAULT_DISTILL_TEMPERATURE})
  --ft-distill-alpha A       the soft targets' weight a (default ${DEFAULT_DISTILL_ALPHA})
  --only 'name;name + ft'    only these rows (names as in the table, ' + ft' for the fine-tuned ones)
  --no-qemu                  no qemu-m4 run (instructions from the profiler only)
  --rows-out FILE            where each row is saved as it is measured (default /tmp/bench-prune-rows.json)
  --rows FILE,...            render rows saved by earlier runs instead of measuring
  --json                     print the rows as JSON
  --write                    put the tables in BENCHMARKS.md (the nets without rows here kept)
  --report FILE              the accuracy-vs-instructions HTML page
  --help                     this text (nothing is run)`;

async function main(): Promise<void> {
  if (flag('--help')) {
    console.log(HELP);
    return;
  }
  const o: Options = {
    trainLimit: option('--train-limit', 24000),
    epochs: option('--epochs', 2),
    ftLimit: option('--ft-limit', 6000),
    ftEpochs: option('--ft-epochs', 1),
    ftLr: option('--ft-lr', FT_LR),
    ftLrDecay: lrDecayOption(text('--ft-lr-decay') ?? 'none'),
    scan: text('--scan') === undefined ? undefined : parseScan(readFileSync(text('--scan')!, 'utf8'), text('--scan')!),
    pruneSteps: option('--prune-steps', DEFAULT_PRUNE_STEPS),
    testLimit: option('--test-limit', 10000),
    modelPath: text('--model'),
    ftDistill: flag('--ft-distill') ? { temperature: option('--ft-distill-temperature', DEFAULT_DISTILL_TEMPERATURE), alpha: option('--ft-distill-alpha', DEFAULT_DISTILL_ALPHA) } : null,
  };
  const qemu = !flag('--no-qemu');
  const renorm = flag('--renormalize');
  const ftBatchNorm = flag('--ft-batch-norm');
  const rowsFiles = text('--rows');
  if (rowsFiles) {
    // saved runs (the bench writes its rows file after every row)
    const saved = rowsFiles.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as { rows: Row[]; about: Partial<Record<NetKey, string>>; cpu: string });
    // a net's CPU line: those of the runs that measured its rows
    const cpu = Object.fromEntries(NETS.map((k) => [k, saved.filter((x) => x.rows.some((r) => r.net === k)).map((x) => x.cpu).join('; ')]));
    // a net's setup line: the first file's that has one (the main run first, variants' files after)
    report(inTableOrder(saved.flatMap((x) => x.rows)), Object.assign({}, ...saved.map((x) => x.about).reverse()) as Partial<Record<NetKey, string>>, cpu);
    return;
  }
  const started = process.cpuUsage();
  const nets = (text('--net') ?? NETS.join(',')).split(',') as NetKey[];
  for (const key of nets) if (!NETS.includes(key)) throw new Error(`--net: ${key} is not one of ${NETS.join(', ')}`);
  if (nets.some((k) => k !== 'resnet')) await useTrainBackend();
  const only = text('--only')?.split(';');
  const rows: Row[] = [];
  const about: Partial<Record<NetKey, string>> = {};
  const rowsOut = text('--rows-out') ?? '/tmp/bench-prune-rows.json';
  let trainedHere = false;
  const runCpu = () => `${cpuSeconds(started).toFixed(0)} CPU s (${nets.join(', ')}${trainedHere ? '; dense training included' : ''})`;
  for (const key of nets) {
    const c0 = process.cpuUsage();
    const net = key === 'resnet' ? resnetNet() : fashionNet(key, o);
    about[key] = net.about;
    trainedHere ||= net.trained;
    log(`${key}: dense model and data ready, ${cpuSeconds(c0).toFixed(0)} CPU s`);
    const chosen = onlyRows(settingsFor(net, o.pruneSteps, o.scan), only, key);
    // --renormalize: the pruned rows re-normalised (fine-grained ones pruned once, before it: gradual pruning has nothing to re-normalise before fine-tuning); the dense rows kept as they are, the baseline
    const renormed = renorm ? chosen.flatMap((x) => (x.method === 'dense' ? [x] : (x.steps ?? 1) > 1 ? [] : [{ ...x, renormalize: true, name: `${x.name}, re-normalised` }])) : chosen;
    // --ft-batch-norm: the fine-tuned rows fine-tune with batch norm back in the graph
    const normed = ftBatchNorm ? renormed.map((x) => (x.finetune ? { ...x, batchNorm: true, name: `${x.name}, BN fine-tuning` } : x)) : renormed;
    // --ft-distill: the fine-tuned rows distil from this run's dense model
    const d = o.ftDistill;
    const runs = d ? normed.map((x) => (x.finetune ? { ...x, distill: d, name: `${x.name}, distilled (T ${d.temperature}, α ${d.alpha})` } : x)) : normed;
    for (const setting of runs) {
      const c1 = process.cpuUsage();
      const model = key;
      const sparsities = setting.method !== 'magnitude' ? null
        : setting.inner ? innerSparsity(net.dense, setting.amount)
        : setting.scan ? sparsitiesForShare(net.dense, setting.scan, setting.amount, model)
        : uniformSparsity(net.dense, setting.amount, model);
      if (setting.scan) log(`${key} ${setting.name}: per-layer sparsities ${[...sparsities!.values()].map((v) => v.toFixed(3)).join(', ')}`);
      const channels = setting.method === 'channels' ? pruneChannels(net.dense, setting.amount, model, { criterion: setting.criterion }) : null;
      let g = sparsities && (!setting.finetune || setting.renormalize) ? pruneMagnitude(net.dense, sparsities, model).graph : channels ? channels.graph : net.dense;
      if (setting.renormalize) {
        const removed = new Map(channels?.layers.map((l) => [l.node, l.removed]) ?? []);
        g = renormalize(net.dense, g, net.calibration, model, { removed }).graph;
        log(`${key} ${setting.name}: re-normalised on ${net.calibration.length} training images, ${cpuSeconds(c1).toFixed(0)} CPU s`);
      }
      if (setting.finetune) {
        // fine-grained: pruned during fine-tuning (setting.steps AGP steps), the mask kept; re-normalised: pruned before it, the mask kept
        const optimizer = tf.train.adam(o.ftLr);
        const prune = sparsities && !setting.renormalize ? { sparsities, steps: setting.steps ?? 1 } : undefined;
        g = finetune(g, net.ftTrain!, { epochs: o.ftEpochs, batchSize: BATCH, seed: SEED + 1, optimizer, lrDecay: o.ftLrDecay, keepZeros: setting.method === 'magnitude', prune, batchNorm: setting.batchNorm,
          distill: setting.distill ? { ...setting.distill, teacher: net.dense } : undefined }).graph;
        optimizer.dispose();
      }
      const row = await measure(setting, net, g, qemu);
      row.cpuSeconds = cpuSeconds(c1);
      rows.push(row);
      log(`${key} ${setting.name}${setting.finetune ? ' + fine-tuning' : ''}: ${pct(row.accuracy)}, ${fmt(row.macs)} MACs, peak ${fmt(row.peakBytes)}, ${row.instructions === null ? '-' : fmt(row.instructions)} instructions, ${row.cpuSeconds.toFixed(0)} CPU s`);
      writeFileSync(rowsOut, JSON.stringify({ rows, about, cpu: runCpu() }, null, 2));
    }
  }
  if (flag('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const cpu = runCpu();
  report(rows, about, Object.fromEntries(nets.map((k) => [k, cpu])));
}

/**
 * Prints a table per net (with --write puts them in BENCHMARKS.md, where the tables of nets without rows here
 * stay as they are; with --report FILE the accuracy-vs-instructions page). `cpu`: per net, what its runs cost.
 */
function report(rows: Row[], about: Partial<Record<NetKey, string>>, cpu: Partial<Record<NetKey, string>>): void {
  const setup =
    '"dense, fine-tuned" gets the same extra training as the pruned rows, the fair baseline for the fine-tuned rows. Fine-grained rows with fine-tuning are pruned during it ("k steps": each layer\'s sparsity raised along AGP\'s cubic curve at k evenly spaced batches over the first half of the fine-tuning, the mask only growing, then fixed; "one-shot": pruned before fine-tuning, the mask fixed). ' +
    'Channel pruning removes that share of the output channels of every layer whose channels do not reach the output (ADD groups jointly; the logits layer is left out: its channels are the classes) ranked by the filters\' L2 norm (l2) or by the L2 norm of the next layer\'s weights reading them (next). ' +
    '"70% overall": the first and last prunable layers dense, the others at the one sparsity that makes 70% of all prunable weights zero. ' +
    '"re-normalised": each pruned layer\'s pre-activation mean and std set back to the dense model\'s on PTQ\'s calibration images before fine-tuning (src/prune/renormalize.ts). ' +
    '"distilled (T, α)": fine-tuned with knowledge distillation from the run\'s dense float model, loss (1 − α)·CE(labels) + α·T²·KL(teacher ‖ student) over softmax(logits/T) (src/train/distill.ts). ' +
    '"BN fine-tuning": fine-tuned with a batch norm after each conv followed by its activation, the identity at the model\'s statistics when fine-tuning starts (before a fine-grained row\'s pruning step, so the pruned layers are normalised back to the dense statistics), trained with batch statistics, re-calibrated on 2,048 training images and folded back into the convs (src/prune/finetune.ts; `prune --finetune`\'s default). ' +
    'Flash: the linked qemu-m4 firmware (.text + .rodata + .data); instructions: one inference on qemu-m4 (the FPGAIO counter, ±40); the profiler\'s estimate beside it. ' +
    'wasm ms: per inference over the test images on this shared 2-core machine (noisy). ' +
    'Command: `npm run bench:prune` (`-- --write` refreshes these tables; `-- --rows FILE,...` renders rows runs saved; `-- --report prune.html` draws accuracy against instructions).';
  const measured = `${new Date().toISOString().slice(0, 10)}, node ${process.version}`;
  const blocks = new Map(
    NETS.filter((k) => rows.some((r) => r.net === k)).map((k) => [NET_LABELS[k], `**${NET_LABELS[k]}**. ${about[k] ?? ''} ${cpu[k] ?? ''}; ${measured}.\n\n${markdown(rows.filter((r) => r.net === k))}`]),
  );
  const file = join(repo, 'BENCHMARKS.md');
  const table = mergeNetBlocks(setup, NETS.map((k) => NET_LABELS[k]), blocks, flag('--write') ? readSection(file, 'prune') : null);
  console.log(table);
  if (flag('--write')) {
    writeSection(file, 'prune', table, 'Pruning');
    log(`bench:prune: wrote the Pruning tables of ${[...blocks.keys()].join(', ')} to ${file} (the others kept)`);
  }
  const page = text('--report');
  if (page) {
    const nets: TradeoffNet[] = NETS.filter((k) => rows.some((r) => r.net === k)).map((k) => ({
      name: NET_LABELS[k],
      accuracyLabel: k === 'resnet' ? 'top-1 agreement with the float model' : 'int8 accuracy',
      points: rows.filter((r) => r.net === k).map((r) => ({
        name: r.name, finetuned: r.finetune, method: r.method, accuracy: r.accuracy,
        instructions: r.instructions ?? r.estimatedInstructions, measured: r.instructions !== null, peakBytes: r.peakBytes, flashBytes: r.flashBytes,
      })),
    }));
    writeFileSync(page, tradeoffPage(nets, 'pruning: accuracy against Cortex-M4 instructions'));
    log(`bench:prune: wrote ${page}`);
  }
}
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
