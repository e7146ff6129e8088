// tinyforge prune: a sensitivity scan (--scan), fine-grained magnitude pruning (--sparsity) or channel
// pruning (--channels) of a float or int8 model, optionally fine-tuned (float models), written as .tflite.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { UnsupportedError, UsageError } from '../../errors.js';
import { floatOpIndices, requireQuantizedGraph } from '../../ir/float.js';
import type { Graph } from '../../ir/graph.js';
import { graphWeightBytes, opMacs } from '../../ir/macs.js';
import { writeTflite } from '../../import/tflite/index.js';
import { take } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { byLayerName, prunableLayers } from '../../prune/layers.js';
import { pruneMagnitude, uniformSparsity, zeroShare } from '../../prune/magnitude.js';
import { DEFAULT_PRUNE_STEPS } from '../../prune/schedule.js';
import { parseScan, sensitivityScan, sparsitiesForShare, sparsitiesWithinDrop, type Scan } from '../../prune/scan.js';
import { CHANNEL_CRITERIA, pruneChannels, type ChannelCriterion } from '../../prune/channels.js';
import { imageToInputBytes } from '../../data/preprocess.js';
import { scanPage, tradeoffPage, type TradeoffPoint } from '../../prune/report.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { deviceModel } from '../../cost/devices.js';
import { estimateFlash } from '../../cost/flash.js';
import { estimateInstructions } from '../../cost/profile.js';
import type { EpochResult } from '../../train/fit.js';
import { LR_DECAYS, type LrDecay } from '../../train/lr-schedule.js';
import { checkTeacher, DEFAULT_DISTILL_ALPHA, DEFAULT_DISTILL_TEMPERATURE } from '../../train/distill-settings.js';
import { importTraining } from '../../train/packages.js';
import { engineAccuracy, fitDataset } from '../accuracy.js';
import { DATASET_NAMES, loadDataset, SPLITS, type Split } from '../data/index.js';
import { BATCH_ENGINES, type BatchEngine } from '../engines/batch.js';
import { loadModel, readBytes, refuseOverwrite, writeBytes } from '../io.js';
import { createProgress } from '../progress.js';
import { integerFlag, numberFlag } from '../flags.js';

interface PruneFlags {
  scan?: boolean;
  sparsity?: string;
  maxDrop: string;
  overall?: string;
  channels?: string;
  criterion: ChannelCriterion;
  data?: string;
  split: Split;
  limit?: string;
  seed: string;
  valFraction: string;
  engine?: string;
  finetune?: string;
  epochs: string;
  pruneSteps: string;
  lr: string;
  lrDecay: LrDecay;
  batch: string;
  out?: string;
  report?: string;
  renormalize: boolean;
  batchNorm: boolean;
  distill?: string;
  distillTemperature?: string;
  distillAlpha?: string;
  json?: boolean;
}

export interface ScanReport extends Scan {
  model: string;
  data: string;
  split: Split;
  images: number;
  engine: string;
}

export interface PruneReport {
  model: string;
  out: string;
  method: 'magnitude' | 'channels';
  criterion: ChannelCriterion | null;
  layers: Array<{ node: number; kind: string; name: string; sparsity?: number; zeroed?: number; weights?: number; channels?: number; kept?: number }>;
  notices: string[];
  params: { before: number; after: number };
  macs: { before: number; after: number };
  weightBytes: { before: number; after: number };
  /** Share of zero weights over the prunable layers of the written model. */
  zeroWeights: number;
  /** Layers re-normalised against the dense model, and on how many training images (null: not done). */
  renormalized: { layers: number; images: number } | null;
  finetune: EpochResult[] | null;
  /** Batch norms fine-tuning put after the convs followed by an activation and folded back (null: no fine-tuning). */
  batchNorms: number | null;
  /** The teacher fine-tuning distilled from (null: none). */
  distill: { teacher: string; temperature: number; alpha: number } | null;
  accuracy: { before: number; after: number; data: string; split: Split; images: number; engine: string } | null;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Training images re-normalisation estimates each layer's output statistics on (EagleEye: a few hundred). */
export const RENORMALIZE_IMAGES = 256;

/** `--channels`: a share for every layer ("0.3"), or per layer ("conv1=0.2,conv2=0.4", or @file holding that or a JSON object {"conv1": 0.2}). */
export function parseChannelShares(spec: string, readFile: (path: string) => string): number | Map<string, number> {
  const text = spec.startsWith('@') ? readFile(spec.slice(1)).trim() : spec;
  const from = spec.startsWith('@') ? ` (in ${spec.slice(1)})` : '';
  if (!text.includes('=') && !text.startsWith('{')) return numberFlag(text, '--channels', (v) => v >= 0 && v < 1, 'a share in [0, 1), or layer=share,...');
  let entries: Array<[string, unknown]>;
  if (text.startsWith('{')) {
    try {
      entries = Object.entries(JSON.parse(text) as Record<string, unknown>);
    } catch (e) {
      throw new UsageError(`--channels${from}: not a JSON object of layer shares: ${(e as Error).message}`, { spec });
    }
  } else {
    entries = text.split(/[,\n]/).map((part) => part.trim()).filter((part) => part !== '').map((part) => {
      const eq = part.lastIndexOf('=');
      if (eq <= 0) throw new UsageError(`--channels${from}: "${part}" is not layer=share`, { spec, part });
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
  }
  if (entries.length === 0) throw new UsageError(`--channels${from}: no layer=share given`, { spec });
  const shares = new Map<string, number>();
  for (const [name, raw] of entries) {
    if (shares.has(name)) throw new UsageError(`--channels${from}: layer ${JSON.stringify(name)} given twice`, { spec, layer: name });
    const share = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!(Number.isFinite(share) && share >= 0 && share < 1)) throw new UsageError(`--channels${from}: ${name} must be a share in [0, 1), got ${JSON.stringify(raw)}`, { spec, layer: name, share: raw });
    shares.set(name, share);
  }
  return shares;
}

function totals(graph: Graph, model: string): { params: number; macs: number; weightBytes: number } {
  const layers = prunableLayers(graph, model);
  return { params: layers.reduce((a, l) => a + l.params, 0), macs: graph.ops.reduce((a, op) => a + opMacs(graph, op), 0), weightBytes: graphWeightBytes(graph) };
}

/** The engine measuring accuracy: the one asked for, else reference (float32 models) or wasm (int8). */
function engineFor(graph: Graph, name: string | undefined, model: string): BatchEngine {
  const isFloat = floatOpIndices(graph).length > 0;
  const chosen = name ?? (isFloat ? 'reference' : 'wasm');
  const engine = BATCH_ENGINES.find((e) => e.name === chosen);
  if (!engine) throw new UsageError(`--engine must be one of ${BATCH_ENGINES.map((e) => e.name).join(', ')}, got "${chosen}"`, { engine: chosen });
  if (chosen !== 'reference') requireQuantizedGraph(graph, model, `--engine ${chosen} runs int8 models (float models run on --engine reference)`);
  return engine;
}

function scanText(r: ScanReport): string {
  const head = `${r.model}: each layer magnitude-pruned alone, accuracy on ${r.data} (${r.split}, ${r.images} images, ${r.engine} engine); dense ${percent(r.denseAccuracy)}`;
  const sparsities = r.layers[0]?.curve.map((p) => p.sparsity) ?? [];
  const header = `${'node'.padStart(4)}  ${'layer'.padEnd(24)} ${'params'.padStart(9)} ${'MACs'.padStart(11)} ${sparsities.map((s) => String(s).padStart(7)).join('')}`;
  const rows = r.layers.map((l) => `${String(l.node).padStart(4)}  ${`${l.kind.replace('_2D', '')} ${l.name}`.slice(0, 24).padEnd(24)} ${String(l.params).padStart(9)} ${String(l.macs).padStart(11)} ${l.curve.map((p) => percent(p.accuracy).padStart(7)).join('')}`);
  return [head, '', header, ...rows].join('\n') + '\n';
}

/** tfjs-core (first, so a missing install names it), the training backend, fine-tuning and re-normalisation (its forward pass is the trainer's). */
async function importFinetune() {
  const tf = await importTraining(() => import('@tensorflow/tfjs-core'));
  const [{ useTrainBackend }, { finetune }, { renormalize }] = await importTraining(() =>
    Promise.all([import('../../train/backend.js'), import('../../prune/finetune.js'), import('../../prune/renormalize.js')]),
  );
  return { tf, useTrainBackend, finetune, renormalize };
}

export function registerPrune(program: Command, io: CliIO): void {
  program
    .command('prune')
    .description('Prune a float or int8 classifier: sensitivity scan, fine-grained magnitude pruning or channel pruning, optionally fine-tuned')
    .argument('<model>', 'a float32 or int8 .tflite classifier')
    .option('--scan', 'per prunable layer: accuracy with that layer alone pruned at sparsity 0.1..0.9, its parameters and MACs (needs --data)')
    .option('--sparsity <s|@scan.json>', 'fine-grained: zero the round(s*n) smallest-magnitude weights of every layer; or per layer from a scan (--json output) within --max-drop')
    .option('--max-drop <points>', 'with --sparsity @scan.json: per layer the largest sparsity whose accuracy is at most this many percentage points below dense', '0.5')
    .option('--overall <share>', 'with --sparsity @scan.json instead of --max-drop: zero this share of all the prunable weights, the scan\'s cheapest points first (the layer that crosses the share cut back to it)')
    .option('--channels <share|layer=share,...|@file>', 'channel pruning: remove this share of every layer\'s output channels (ADD groups jointly), shrinking the layers that read them; or per layer (conv1=0.2,conv2=0.4; @file: the same or a JSON object), the others kept whole')
    .addOption(new Option('--criterion <name>', 'channel ranking: l2 (the filters\' L2 norm) or next (the L2 norm of the weights reading the channel)').choices(CHANNEL_CRITERIA).default('l2'))
    .option('--data <name|dir>', `accuracy data: ${DATASET_NAMES.join(' | ')} | a dataset folder (as eval --data)`)
    .addOption(new Option('--split <split>', 'split of --data measured').choices(SPLITS).default('val'))
    .option('--limit <n>', 'measure the first N images of the split')
    .option('--seed <n>', 'seed of the train/val split and of fine-tuning', '1')
    .option('--val-fraction <f>', 'share of the training set held out as val', '0.1')
    .option('--engine <name>', `runs the model to measure accuracy: ${BATCH_ENGINES.map((e) => e.name).join(', ')} (default: reference for float32 models, wasm for int8)`)
    .option('--finetune <data>', 'fine-tune the pruned float model on the training split of this dataset (the pruning mask kept fixed)')
    .option('--epochs <n>', 'fine-tuning epochs', '1')
    .option('--prune-steps <k>', `with --sparsity and --finetune: 1 prunes once, then fine-tunes with the mask fixed; k > 1 prunes gradually while fine-tuning, each layer's sparsity raised over k steps in the first half of the batches (AGP's cubic schedule), the mask then fixed (pays with longer fine-tuning)`, String(DEFAULT_PRUNE_STEPS))
    .option('--lr <rate>', 'fine-tuning learning rate (adam)', '2e-4')
    .addOption(new Option('--lr-decay <schedule>', 'the fine-tuning rate over its steps: none (--lr throughout) or cosine (from --lr down to 0 after the last step)').choices([...LR_DECAYS]).default('none'))
    .option('--batch <n>', 'fine-tuning images per step', '64')
    .option('--no-renormalize', `with --data, a float model and pruning before any fine-tuning (--prune-steps 1): do not re-normalise. By default each pruned layer's output channels (and every layer after the first pruned one) get the scale and shift that give their pre-activation outputs the dense model's mean and std on ${RENORMALIZE_IMAGES} training images of --data, what a batch norm folded into the layers no longer does`)
    .option('--no-batch-norm', 'with --finetune: fine-tune the convs as they are. By default a batch norm goes after each conv followed by its activation (where a trained net\'s batch norm was folded into it), the identity at the model\'s statistics, trained with batch statistics and folded back into the conv when written; pruned weights stay zero')
    .option('--distill <teacher.tflite>', 'with --finetune: knowledge distillation from this float model (same input and classes, e.g. the dense model before pruning): the loss is (1 - alpha)·CE(labels) + alpha·T²·KL(softmax(teacher/T) || softmax(student/T))')
    .option('--distill-temperature <T>', `with --distill: the temperature T softening both models' outputs (default ${DEFAULT_DISTILL_TEMPERATURE})`)
    .option('--distill-alpha <a>', `with --distill: the soft targets' weight alpha in [0, 1] (default ${DEFAULT_DISTILL_ALPHA})`)
    .option('--out <model.tflite>', 'the pruned model (a normal .tflite)')
    .option('--report <page.html>', 'a self-contained HTML page: with --scan the curves and the layer table; with --sparsity/--channels (and --data) accuracy against the profiler\'s Cortex-M4 instructions before and after')
    .option('--json', 'print the scan ({denseAccuracy, layers: [{node, kind, name, params, macs, curve: [{sparsity, accuracy}]}], ...}) or the pruning report')
    .addHelpText(
      'after',
      '\nThe scan is measured on --split (default val: the sparsities are chosen on data the final accuracy\n' +
        'is not reported on). Fine-grained pruning keeps every shape (dense kernels gain nothing from the\n' +
        'zeros: the benefit is accuracy at a given compressibility); channel pruning gives a smaller dense model.\n' +
        'With one --channels share, layers whose channels reach the model output or a fixed-size RESHAPE are\n' +
        'left out with a notice; such a layer named in a per-layer --channels is refused.\n\n' +
        'Examples:\n' +
        '  tinyforge prune lenet.tflite --scan --data fashion-mnist --limit 1000 --json > scan.json\n' +
        '  tinyforge prune lenet.tflite --sparsity @scan.json --max-drop 0.5 --finetune fashion-mnist --epochs 1 --out lenet_sparse.tflite\n' +
        '  tinyforge prune lenet.tflite --channels 0.3 --finetune fashion-mnist --epochs 1 --out lenet_c30.tflite --data fashion-mnist',
    )
    .action(async (modelPath: string, opts: PruneFlags) => {
      const modes = [opts.scan ? '--scan' : null, opts.sparsity !== undefined ? '--sparsity' : null, opts.channels !== undefined ? '--channels' : null].filter((m) => m !== null);
      if (modes.length !== 1) throw new UsageError(`prune takes exactly one of --scan, --sparsity, --channels; got ${modes.length === 0 ? 'none' : modes.join(' and ')}`, { modes });
      const seed = integerFlag(opts.seed, '--seed', 0);
      const limit = opts.limit === undefined ? undefined : integerFlag(opts.limit, '--limit', 1);
      const valFraction = numberFlag(opts.valFraction, '--val-fraction', (v) => v > 0 && v < 1, 'in (0, 1)');
      const model = basename(modelPath);
      if (opts.scan && opts.data === undefined) throw new UsageError('--scan measures accuracy: give --data', {});
      if (!opts.scan && opts.out === undefined) throw new UsageError(`${modes[0]} writes a model: give --out`, {});
      if (opts.scan && (opts.out !== undefined || opts.finetune !== undefined)) throw new UsageError('--scan writes no model: --out and --finetune go with --sparsity or --channels', {});
      if (opts.report !== undefined && !opts.scan && opts.data === undefined) throw new UsageError('--report plots accuracy against instructions before and after pruning: give --data', {});
      const scanFile = opts.sparsity?.startsWith('@') ? opts.sparsity.slice(1) : undefined;
      if (opts.overall !== undefined && scanFile === undefined) throw new UsageError('--overall shares the sparsity out by a scan: give --sparsity @scan.json', { overall: opts.overall });
      if (opts.distill !== undefined && opts.finetune === undefined) throw new UsageError('--distill distils during fine-tuning: give --finetune', { distill: opts.distill });
      if (opts.distill === undefined && (opts.distillTemperature !== undefined || opts.distillAlpha !== undefined)) {
        throw new UsageError(`${opts.distillTemperature !== undefined ? '--distill-temperature' : '--distill-alpha'} goes with --distill TEACHER.tflite`, {});
      }
      const distillTemperature = opts.distillTemperature === undefined ? DEFAULT_DISTILL_TEMPERATURE : numberFlag(opts.distillTemperature, '--distill-temperature', (v) => v > 0, 'a number > 0');
      const distillAlpha = opts.distillAlpha === undefined ? DEFAULT_DISTILL_ALPHA : numberFlag(opts.distillAlpha, '--distill-alpha', (v) => v >= 0 && v <= 1, 'in [0, 1]');
      refuseOverwrite(
        [...(opts.out ? [{ path: opts.out, what: 'output model' }] : []), ...(opts.report ? [{ path: opts.report, what: 'report' }] : [])],
        [{ path: modelPath, what: 'model' }, ...(opts.distill !== undefined ? [{ path: opts.distill, what: 'teacher' }] : []), ...(scanFile ? [{ path: scanFile, what: 'scan' }] : []), ...(opts.channels?.startsWith('@') ? [{ path: opts.channels.slice(1), what: 'channel shares' }] : [])],
      );
      const graph = loadModel(modelPath);
      const before = totals(graph, model); // refuses a model without prunable layers before any data is read
      const engine = engineFor(graph, opts.engine, model);
      const isFloat = floatOpIndices(graph).length > 0;
      if (opts.finetune !== undefined && !isFloat) {
        throw new UnsupportedError(`${model} is int8 and fine-tuning trains float32 models: prune the float model, fine-tune it, then quantize`, { model });
      }
      const teacher = opts.distill === undefined ? null : loadModel(opts.distill);
      if (teacher && floatOpIndices(teacher).length === 0) {
        throw new UsageError(`--distill ${basename(opts.distill!)} is int8: the teacher runs in the float trainer, give the float model`, { teacher: opts.distill });
      }
      if (teacher) checkTeacher(graph, teacher, { student: model, teacher: basename(opts.distill!) }); // before any data is read

      const pruneSteps = integerFlag(opts.pruneSteps, '--prune-steps', 1);
      // re-normalised before fine-tuning; gradual pruning (--prune-steps > 1) prunes during it, leaving nothing to re-normalise before
      const renormalizing = !opts.scan && opts.renormalize && opts.data !== undefined && isFloat && (opts.finetune === undefined || opts.sparsity === undefined || pruneSteps === 1);
      // fine-tuning's and re-normalisation's modules (tfjs, an optional dependency) load before any data is read; pruning without them runs without tfjs
      const training = opts.finetune === undefined && !renormalizing ? null : await importFinetune();

      const input = graph.tensors[graph.inputs[0]!]!;
      const imageSize: [number, number] | undefined = input.shape.length >= 3 ? [input.shape[1]!, input.shape[2]!] : undefined;
      const load = (data: string, split: Split): Dataset => {
        const d = loadDataset({ data, split, seed, valFraction, imageSize });
        return limit === undefined ? d : take(d, limit);
      };
      const measured = opts.data === undefined ? null : fitDataset(load(opts.data, opts.split), graph, model);
      const accuracy = (g: Graph) => engineAccuracy(g, measured!, engine);

      if (opts.scan) {
        const progress = createProgress(io, `prune --scan (${engine.name})`, { json: opts.json, eta: true });
        let scan: Scan;
        try {
          scan = await sensitivityScan(graph, accuracy, model, { onProgress: (done, total) => progress.update(done, total) });
        } finally {
          progress.end();
        }
        const report: ScanReport = { model, data: measured!.name, split: opts.split, images: measured!.shape[0], engine: engine.name, ...scan };
        if (opts.report) writeBytes(opts.report, scanPage(scan, { model, data: report.data, images: report.images, engine: engine.name }), 'report');
        io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : scanText(report));
        return;
      }

      let pruned: Graph;
      let gradual: Map<number, number> | null = null; // fine-grained: the sparsities fine-tuning prunes to
      const report: Omit<PruneReport, 'params' | 'macs' | 'weightBytes' | 'zeroWeights' | 'accuracy'> = {
        model, out: opts.out!, method: opts.channels !== undefined ? 'channels' : 'magnitude', criterion: null, layers: [], notices: [], renormalized: null, finetune: null, batchNorms: null, distill: null,
      };
      let removed = new Map<number, readonly number[]>(); // channel pruning's removed channels, for re-normalisation
      if (opts.channels !== undefined) {
        const spec = parseChannelShares(opts.channels, (path) => new TextDecoder().decode(readBytes(path, 'channel shares')));
        const shares = typeof spec === 'number' ? spec : byLayerName(graph, spec, model, '--channels');
        const result = pruneChannels(graph, shares, model, { criterion: opts.criterion });
        pruned = result.graph;
        report.criterion = opts.criterion;
        report.layers = result.layers.map(({ node, kind, name, channels, kept }) => ({ node, kind, name, channels, kept }));
        report.notices = result.notices;
        removed = new Map(result.layers.map((l) => [l.node, l.removed]));
      } else {
        let sparsities: Map<number, number>;
        if (scanFile !== undefined) {
          const scan = parseScan(new TextDecoder().decode(readBytes(scanFile, 'scan')), scanFile);
          if (opts.overall !== undefined) {
            sparsities = sparsitiesForShare(graph, scan, numberFlag(opts.overall, '--overall', (v) => v >= 0 && v < 1, 'in [0, 1)'), model);
          } else {
            const maxDrop = numberFlag(opts.maxDrop, '--max-drop', (v) => v >= 0, 'a number of percentage points >= 0');
            sparsities = sparsitiesWithinDrop(graph, scan, maxDrop, model);
          }
        } else {
          sparsities = uniformSparsity(graph, numberFlag(opts.sparsity!, '--sparsity', (v) => v >= 0 && v < 1, 'in [0, 1) (or @scan.json)'), model);
        }
        const result = pruneMagnitude(graph, sparsities, model);
        pruned = result.graph;
        gradual = sparsities;
        report.layers = result.layers.map(({ node, kind, name, sparsity, zeroed, weights }) => ({ node, kind, name, sparsity, zeroed, weights }));
      }
      for (const n of report.notices) if (!opts.json) io.stderr(`notice: ${n}\n`);

      if (renormalizing) {
        const train = fitDataset(take(loadDataset({ data: opts.data!, split: 'train', seed, valFraction, imageSize }), RENORMALIZE_IMAGES), graph, model);
        const samples = Array.from({ length: train.shape[0] }, (_, k) => [imageToInputBytes(train, k, input)]);
        await training!.useTrainBackend();
        const result = training!.renormalize(graph, pruned, samples, model, { removed });
        pruned = result.graph;
        gradual = null; // already pruned: fine-tuning keeps its zeros
        report.renormalized = { layers: result.layers.length, images: samples.length };
      } else if (opts.renormalize && opts.data !== undefined && !opts.json) {
        io.stderr(`notice: not re-normalised (${isFloat ? '--prune-steps > 1 prunes during fine-tuning' : `${model} is int8: re-normalisation corrects float models`})\n`);
      }

      if (opts.finetune !== undefined) {
        const epochs = integerFlag(opts.epochs, '--epochs', 1);
        const batchSize = integerFlag(opts.batch, '--batch', 1);
        const lr = numberFlag(opts.lr, '--lr', (v) => v > 0, 'a positive number');
        const train = load(opts.finetune, 'train');
        const { tf, useTrainBackend, finetune } = training!;
        await useTrainBackend();
        const optimizer = tf.train.adam(lr);
        const progress = createProgress(io, 'prune --finetune', { json: opts.json, eta: true });
        const steps = Math.ceil(train.shape[0] / batchSize);
        try {
          // fine-grained: the dense model pruned during fine-tuning (the same round(s·n) zeros per layer at the end)
          const tuned = finetune(gradual ? graph : pruned, train, {
            epochs, batchSize, seed, optimizer, lrDecay: opts.lrDecay, keepZeros: report.method === 'magnitude', prune: gradual ? { sparsities: gradual, steps: pruneSteps } : undefined, batchNorm: opts.batchNorm,
            distill: teacher ? { teacher, temperature: distillTemperature, alpha: distillAlpha, names: { student: model, teacher: basename(opts.distill!) } } : undefined,
            onStep: (epoch, done) => progress.update((epoch - 1) * steps + Math.ceil(done / batchSize), epochs * steps),
          });
          pruned = tuned.graph;
          report.finetune = tuned.epochs;
          report.batchNorms = tuned.batchNorms;
          if (teacher) report.distill = { teacher: basename(opts.distill!), temperature: distillTemperature, alpha: distillAlpha };
        } finally {
          progress.end();
          optimizer.dispose();
        }
      }
      writeBytes(opts.out!, writeTflite(pruned), 'pruned model');

      const after = totals(pruned, model);
      const full: PruneReport = {
        ...report,
        params: { before: before.params, after: after.params },
        macs: { before: before.macs, after: after.macs },
        weightBytes: { before: before.weightBytes, after: after.weightBytes },
        zeroWeights: zeroShare(pruned, prunableLayers(pruned, model)),
        accuracy: measured
          ? { before: await accuracy(graph), after: await accuracy(pruned), data: measured.name, split: opts.split, images: measured.shape[0], engine: engine.name }
          : null,
      };
      if (opts.report) {
        const point = (g: Graph, name: string, acc: number): TradeoffPoint => {
          const schedule = scheduleOf(planModel(g, {}).plan);
          const instructions = estimateInstructions(schedule, deviceModel('cortex-m4')!);
          return { name, finetuned: false, method: name === 'pruned' ? full.method : 'dense', accuracy: acc, instructions, measured: false, peakBytes: schedule.arenaBytes, flashBytes: estimateFlash(schedule, 'cortex-m4').totalBytes };
        };
        const points = [point(graph, model, full.accuracy!.before), { ...point(pruned, 'pruned', full.accuracy!.after), name: `${basename(opts.out!)}`, finetuned: full.finetune !== null }];
        const accuracyLabel = `accuracy on ${full.accuracy!.data} (${full.accuracy!.images} images, ${full.accuracy!.engine})`;
        writeBytes(opts.report, tradeoffPage([{ name: `${model} -> ${basename(opts.out!)}`, accuracyLabel, points }], `pruning: ${model}`), 'report');
      }
      if (opts.json) {
        io.stdout(JSON.stringify(full, null, 2) + '\n');
        return;
      }
      const what = full.method === 'channels'
        ? `${full.layers.length} layers' channels pruned (${full.criterion}); params ${full.params.before} -> ${full.params.after}, MACs ${full.macs.before} -> ${full.macs.after}`
        : `${full.layers.length} layers magnitude-pruned; ${percent(full.zeroWeights)} of their weights are zero`;
      const acc = full.accuracy ? `; accuracy ${percent(full.accuracy.before)} -> ${percent(full.accuracy.after)} (${full.accuracy.images} images, ${full.accuracy.engine})` : '';
      const renormed = full.renormalized ? `, ${full.renormalized.layers} layers re-normalised on ${full.renormalized.images} training images` : '';
      const distilled = full.distill ? `, distilled from ${full.distill.teacher} (T ${full.distill.temperature}, alpha ${full.distill.alpha})` : '';
      const tuned = full.finetune ? `, fine-tuned ${full.finetune.length} epoch(s)${full.batchNorms ? ` with ${full.batchNorms} batch norms folded back` : ''}${distilled}` : '';
      io.stdout(`${model}: ${what}${renormed}${tuned}${acc}; wrote ${opts.out}\n`);
    });
}
