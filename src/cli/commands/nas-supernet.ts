// tinyforge nas train | export | accuracy: the once-for-all supernet over a search space, trained by
// progressive shrinking with a checkpoint per epoch; a member extracted as a float .tflite; the accuracy
// predictor (kernel ridge, ridge or an MLP on members measured from the supernet) that `nas search SUPERNET/` ranks by.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { take } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { DEFAULT_PREDICTOR_MODEL, PREDICTOR_MODELS, trainAccuracyPredictor, type MeasuredMember, type PredictorModel } from '../../nas/accuracy.js';
import { Xorshift32 } from '../../builder/random.js';
import { sampleArch } from '../../nas/search.js';
import { readMeasuredPairs, type Measurement } from '../../nas/pairs.js';
import { archKey, extremeArch, parseArch, parseSpace, type Arch } from '../../nas/space.js';
import { DEFAULT_SCHEDULE, FULL_SCHEDULE, PHASES, parseSchedule, totalEpochs, type Schedule, type SupernetEpoch } from '../../nas/supernet-train.js';
import { importTraining } from '../../train/packages.js';
import { DATASET_NAMES, loadDataset } from '../data/index.js';
import { integerFlag, numberFlag } from '../flags.js';
import { makeFolder, readJson, refuseOverwrite, writeBytes } from '../io.js';
import { createProgress } from '../progress.js';
import { checkSameSpace, MANIFEST, PREDICTOR, readManifest, readWeights, spaceHash, writeCheckpoint, type SupernetManifest } from '../supernet-files.js';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
const scheduleText = (s: Schedule) => PHASES.map((p) => s[p]).join(',');

/** The training modules (tfjs, optional), the backend made current. */
async function training() {
  const tf = await importTraining(() => import('@tensorflow/tfjs-core'));
  const mods = await importTraining(() => Promise.all([import('../../train/backend.js'), import('../../nas/supernet.js'), import('../../nas/supernet-state.js'), import('../../nas/supernet-train.js'), import('../../nas/supernet-export.js')]));
  await mods[0].useTrainBackend();
  return { tf, supernet: mods[1], state: mods[2], train: mods[3], exporter: mods[4] };
}
type Training = Awaited<ReturnType<typeof training>>;

/** The manifest's supernet with its checked weights loaded. */
function loadNet(t: Training, dir: string, m: SupernetManifest) {
  const bytes = readWeights(dir, m);
  const net = new t.supernet.Supernet(m.space, m.training.seed);
  const where = `supernet ${join(dir, m.weights.file)}`;
  t.state.assignTensors(net.variables, net.names, t.state.unpackTensors(m.weights.tensors, bytes, where), where);
  return { net, bytes, where };
}

function dataOf(m: Pick<SupernetManifest, 'data'>, split: 'train' | 'val' | 'test', limit?: number): Dataset {
  const d = loadDataset({ data: m.data.name, split, seed: m.data.seed, valFraction: m.data.valFraction });
  const n = limit ?? m.data.limit ?? undefined;
  return n === undefined ? d : take(d, n);
}

interface TrainFlags {
  data?: string;
  out: string;
  epochs?: string;
  batch: string;
  lr: string;
  members: string;
  seed: string;
  limit: string;
  valFraction: string;
  resume?: boolean;
  json?: boolean;
}

export function registerSupernetCommands(nas: Command, io: CliIO): void {
  nas
    .command('train')
    .description('Train a once-for-all supernet over a search space by progressive shrinking (largest, kernel, depth, width); a checkpoint every epoch')
    .argument('<space>', 'search space JSON')
    .option('--data <name|dir>', `${DATASET_NAMES.join(' | ')} | a folder of IDX files, .npy pairs or class sub-folders (on --resume: the checkpoint's)`)
    .requiredOption('--out <dir>', 'the supernet folder (manifest.json, weights-e<N>.bin), rewritten after every epoch')
    .option('--epochs <l,k,d,w>', `epochs of the largest, kernel, depth and width phases (default ${scheduleText(DEFAULT_SCHEDULE)}; the full schedule is ${scheduleText(FULL_SCHEDULE)} without --limit)`)
    .option('--batch <n>', 'images per step', '64')
    .option('--lr <rate>', 'Adam learning rate', '3e-3')
    .option('--members <n>', 'members sampled per step (their losses summed; the largest phase trains one)', '2')
    .option('--seed <n>', 'seed of the weights, the split, the batch order and the sampled members', '1')
    .option('--limit <n>', 'use the first N training images (0: all)', '2000')
    .option('--val-fraction <f>', 'share of the training set held out (the accuracy predictor measures members on it)', '0.1')
    .option('--resume', 'continue the supernet in --out from its last checkpoint')
    .option('--json', 'print {space, out, schedule, epochs: [{epoch, phase, loss, seconds}], largest, smallest} on stdout')
    .addHelpText('after', '\nExample (about 5 minutes on two shared cores):\n  tinyforge nas train examples/nas/fmnist-micro.json --data fashion-mnist --out supernet/\n  tinyforge nas train examples/nas/fmnist-micro.json --out supernet/ --resume')
    .action(async (spacePath: string, opts: TrainFlags) => {
      const space = parseSpace(readJson(spacePath, 'search space'));
      const hasCheckpoint = existsSync(join(opts.out, MANIFEST));
      if (hasCheckpoint && !opts.resume) throw new UsageError(`${opts.out} already holds a supernet: pass --resume to continue it, or another --out`, { out: opts.out });
      if (!hasCheckpoint && opts.resume) throw new UsageError(`--resume: ${opts.out} holds no supernet checkpoint (no ${MANIFEST})`, { out: opts.out });
      let previous: SupernetManifest | null = null;
      if (opts.resume) {
        previous = readManifest(opts.out);
        checkSameSpace(previous, space, opts.out, spacePath);
        if (opts.data !== undefined && opts.data !== previous.data.name) throw new UsageError(`--resume: ${opts.out} was trained on --data ${previous.data.name}, not ${opts.data}`, { out: opts.out });
      } else if (opts.data === undefined) {
        throw new UsageError("nas train needs --data (a dataset name or folder)", {});
      }
      const schedule = opts.epochs !== undefined ? parseSchedule(opts.epochs) : previous?.training.schedule ?? DEFAULT_SCHEDULE;
      const limit = integerFlag(opts.limit, '--limit', 0);
      const manifestBase: Omit<SupernetManifest, 'weights'> = previous
        ? { ...previous, training: { ...previous.training, schedule } }
        : {
            format: 'tinyforge-supernet',
            version: 1,
            space,
            spaceSha256: spaceHash(space),
            data: { name: opts.data!, seed: integerFlag(opts.seed, '--seed', 0), valFraction: numberFlag(opts.valFraction, '--val-fraction', (v) => v > 0 && v < 1, 'in (0, 1)'), limit: limit === 0 ? null : limit },
            training: {
              schedule,
              batch: integerFlag(opts.batch, '--batch', 1),
              lr: numberFlag(opts.lr, '--lr', (v) => v > 0, 'a positive number'),
              membersPerStep: integerFlag(opts.members, '--members', 1),
              seed: integerFlag(opts.seed, '--seed', 0),
            },
            epochsDone: 0,
            history: [],
          };
      const total = totalEpochs(schedule);
      if (previous && previous.epochsDone > total) throw new UsageError(`--resume: ${opts.out} has ${previous.epochsDone} epochs done, more than the schedule's ${total}`, { done: previous.epochsDone, total });
      const train = dataOf(manifestBase, 'train');
      const t = await training();
      makeFolder(opts.out, 'supernet folder');
      const { net } = previous ? loadNet(t, opts.out, previous) : { net: new t.supernet.Supernet(space, manifestBase.training.seed) };
      const optimizer = t.tf.train.adam(manifestBase.training.lr);
      if (previous && previous.weights.optimizer.length > 0) {
        const bytes = readWeights(opts.out, previous);
        const saved = t.state.unpackTensors(previous.weights.optimizer, bytes, `supernet ${opts.out}`);
        await optimizer.setWeights(saved.map((s) => ({ name: s.name, tensor: t.tf.tensor(s.values, s.shape) })));
      }
      const start = performance.now();
      let m: Omit<SupernetManifest, 'weights'> = manifestBase;
      const progress = createProgress(io, 'nas train', { json: opts.json, eta: true });
      const steps = Math.ceil(train.shape[0] / m.training.batch);
      const first = m.epochsDone + 1;
      try {
        for (let epoch = first; epoch <= total; epoch++) {
          const r: SupernetEpoch = t.train.trainSupernetEpoch(net, train, epoch, {
            schedule,
            batchSize: m.training.batch,
            membersPerStep: m.training.membersPerStep,
            seed: m.training.seed,
            optimizer,
            onStep: (step) => progress.update((epoch - first) * steps + step, (total - first + 1) * steps),
          });
          const variables = net.variables.map((v, i) => ({ name: net.names[i]!, tensor: v as import('@tensorflow/tfjs-core').Tensor }));
          const optimizerWeights = await optimizer.getWeights();
          const packed = t.state.packTensors([...variables, ...optimizerWeights]);
          m = { ...m, epochsDone: epoch, history: [...m.history, r] };
          writeCheckpoint(opts.out, m, { bytes: packed.bytes, tensors: packed.entries.slice(0, variables.length), optimizer: packed.entries.slice(variables.length) });
          if (!opts.json) {
            progress.end();
            io.stdout(`epoch ${epoch}/${total} (${r.phase}): loss ${r.loss.toFixed(4)}, ${r.seconds.toFixed(1)} s; checkpoint ${opts.out}\n`);
          }
        }
      } finally {
        progress.end();
        optimizer.dispose();
      }
      // the extremes, batch norm re-calibrated, on the held-out split
      const val = dataOf(m, 'val', 1000);
      const calib = take(train, 512);
      const extremes = Object.fromEntries(
        (['largest', 'smallest'] as const).map((which) => {
          const arch = extremeArch(space, which);
          return [which, { arch: archKey(arch), accuracy: net.accuracy(arch, net.calibrate(arch, calib), val) }];
        }),
      ) as Record<'largest' | 'smallest', { arch: string; accuracy: number }>;
      net.dispose();
      const summary = { space: space.name, out: opts.out, schedule, trainImages: train.shape[0], valImages: val.shape[0], epochs: m.history, largest: extremes.largest, smallest: extremes.smallest, seconds: Math.round((performance.now() - start) / 100) / 10 };
      if (opts.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
      else io.stdout(`largest member ${percent(extremes.largest.accuracy)}, smallest ${percent(extremes.smallest.accuracy)} on ${val.shape[0]} held-out images (batch norm re-calibrated); wrote ${opts.out}\n`);
    });

  nas
    .command('export')
    .description("Extract a member of a trained supernet as a float .tflite (batch norm re-calibrated on training images, folded) that quantize and compile take")
    .argument('<supernet>', 'the supernet folder (nas train --out)')
    .requiredOption('--arch <file>', 'the member: architecture JSON {resolution, width, stages: [[{kernel, expand}, ...], ...]}')
    .requiredOption('--out <model.tflite>', 'the float .tflite written')
    .option('--calibration-images <n>', 'training images the batch norms are re-calibrated on', '512')
    .option('--test-limit <n>', "test images the supernet's accuracy of the member is measured on (0: none)", '1000')
    .option('--json', 'print {arch, out, supernetAccuracy, testImages} on stdout')
    .action(async (dir: string, opts: { arch: string; out: string; calibrationImages: string; testLimit: string; json?: boolean }) => {
      refuseOverwrite([{ path: opts.out, what: 'output model' }], [{ path: opts.arch, what: 'architecture' }, { path: join(dir, MANIFEST), what: 'supernet manifest' }]);
      const m = readManifest(dir);
      const arch: Arch = parseArch(readJson(opts.arch, 'architecture'), m.space);
      const calibN = integerFlag(opts.calibrationImages, '--calibration-images', 1);
      const testN = integerFlag(opts.testLimit, '--test-limit', 0);
      const t = await training();
      const { net } = loadNet(t, dir, m);
      const { writeTflite } = await import('../../import/tflite/write.js');
      try {
        const stats = net.calibrate(arch, take(dataOf(m, 'train'), calibN));
        writeBytes(opts.out, writeTflite(t.exporter.exportMember(net, arch, stats)), 'exported member');
        const test = testN > 0 ? take(loadDataset({ data: m.data.name, split: 'test', seed: m.data.seed, valFraction: m.data.valFraction }), testN) : null;
        const supernetAccuracy = test ? net.accuracy(arch, stats, test) : null;
        const report = { arch: archKey(arch), out: opts.out, calibrationImages: calibN, supernetAccuracy, testImages: test?.shape[0] ?? 0 };
        if (opts.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
        else io.stdout(`wrote ${opts.out} (member ${report.arch}${supernetAccuracy === null ? '' : `, supernet accuracy ${percent(supernetAccuracy)} on ${report.testImages} test images`})\n`);
      } finally {
        net.dispose();
      }
    });

  nas
    .command('accuracy')
    .description('Train the accuracy predictor: sample members, measure each from the supernet (batch norm re-calibrated) on held-out images, fit kernel ridge, ridge regression or an MLP; report its k-fold RMSE')
    .argument('<supernet>', 'the supernet folder (nas train --out); the predictor is written into it')
    .option('--samples <n>', 'distinct members measured', '100')
    .option('--eval-images <n>', 'held-out (val split) images each member is measured on (0: the whole split; fewer images, more label noise)', '0')
    .option('--calibration-images <n>', 'training images the batch norms are re-calibrated on per member', '256')
    .option('--folds <k>', 'folds of the reported RMSE: each member predicted by a model fitted without it', '5')
    .option('--model <krr|ridge|mlp>', 'kernel ridge (RBF; length scale and lambda by an inner 5-fold), ridge regression on the centred encoding, or a 32-32 MLP', DEFAULT_PREDICTOR_MODEL)
    .option('--seed <n>', 'seed of the sampled members and the MLP', '1')
    .option('--add-pairs <reports>', "earlier --json reports of this supernet's members, measured the same way (comma-separated): their pairs join the fit, new samples skip them (--samples 0: fit on them alone)")
    .option('--json', 'print {samples, evalImages, measurement, heldOutRmsePoints, labelNoisePoints, pairs: [{arch, accuracy}]} on stdout')
    .addHelpText('after', '\nMeasuring members is the slow part (~6 CPU s each on the whole val split): spread it over runs with\ndifferent seeds, then fit on all of them:\n  tinyforge nas accuracy supernet/ --samples 100 --seed 1 --json > a1.json\n  tinyforge nas accuracy supernet/ --samples 100 --seed 2 --json --add-pairs a1.json > a2.json')
    .action(async (dir: string, opts: { samples: string; evalImages: string; calibrationImages: string; folds: string; model: string; seed: string; addPairs?: string; json?: boolean }) => {
      const m = readManifest(dir);
      const samples = integerFlag(opts.samples, '--samples', opts.addPairs === undefined ? 3 : 0);
      const folds = integerFlag(opts.folds, '--folds', 2);
      if (!(PREDICTOR_MODELS as readonly string[]).includes(opts.model)) throw new UsageError(`--model must be ${PREDICTOR_MODELS.join(', ')}, got ${JSON.stringify(opts.model)}`, { flag: '--model', value: opts.model });
      const model = opts.model as PredictorModel;
      const seed = integerFlag(opts.seed, '--seed', 0);
      // the whole val split (train's --limit caps training images, not these): each label's binomial noise shrinks as 1/sqrt(n)
      const evalImages = integerFlag(opts.evalImages, '--eval-images', 0);
      const wholeVal = loadDataset({ data: m.data.name, split: 'val', seed: m.data.seed, valFraction: m.data.valFraction });
      const val = evalImages === 0 ? wholeVal : take(wholeVal, evalImages);
      const calib = take(dataOf(m, 'train'), integerFlag(opts.calibrationImages, '--calibration-images', 1));
      const measurement: Measurement = { weightsSha256: m.weights.sha256, evalImages: val.shape[0], calibrationImages: calib.shape[0] };
      const added = opts.addPairs === undefined ? [] : readMeasuredPairs(opts.addPairs.split(',').map((file) => ({ label: `--add-pairs ${file}`, json: readJson(file, '--add-pairs report') })), m.space, measurement).pairs;
      if (added.length + samples < 3) throw new UsageError(`nas accuracy: ${added.length} added and ${samples} new members are too few to fit a predictor (at least 3)`, { added: added.length, samples });
      const t = await training();
      const { net } = loadNet(t, dir, m);
      const rng = new Xorshift32(seed);
      const seen = new Set<string>(added.map((p) => archKey(p.arch)));
      const pairs: MeasuredMember[] = [...added];
      const wanted = added.length + samples;
      const progress = createProgress(io, 'nas accuracy', { json: opts.json, eta: true });
      try {
        for (let tries = 0; pairs.length < wanted && tries < samples * 100; tries++) {
          const arch = sampleArch(m.space, rng);
          if (seen.has(archKey(arch))) continue;
          seen.add(archKey(arch));
          pairs.push({ arch, accuracy: net.accuracy(arch, net.calibrate(arch, calib), val), images: val.shape[0] });
          progress.update(pairs.length - added.length, samples);
        }
      } finally {
        progress.end();
        net.dispose();
      }
      const predictor = trainAccuracyPredictor(m.space, pairs, { folds, model, seed });
      writeBytes(join(dir, PREDICTOR), JSON.stringify({ ...predictor, spaceSha256: m.spaceSha256 }) + '\n', 'accuracy predictor');
      const accs = pairs.map((p) => p.accuracy);
      const report = {
        supernet: dir,
        samples: pairs.length,
        added: added.length,
        evalImages: val.shape[0],
        measurement,
        accuracyRange: [Math.min(...accs), Math.max(...accs)],
        model: predictor.model,
        trainPairs: predictor.trainPairs,
        heldOutPairs: predictor.heldOutPairs,
        folds: predictor.folds,
        heldOutRmsePoints: predictor.heldOutRmsePoints,
        labelNoisePoints: predictor.labelNoisePoints ?? null,
        meanRmsePoints: predictor.meanRmsePoints,
        out: join(dir, PREDICTOR),
        pairs: pairs.map((p) => ({ arch: archKey(p.arch), accuracy: p.accuracy })),
      };
      if (opts.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
      else io.stdout(`${pairs.length} members (${added.length} of them from --add-pairs) measured on ${val.shape[0]} held-out images (accuracy ${percent(report.accuracyRange[0]!)} to ${percent(report.accuracyRange[1]!)}); ${predictor.model} ${predictor.folds}-fold RMSE ${predictor.heldOutRmsePoints.toFixed(2)} points (each of the ${predictor.heldOutPairs} members predicted by a model fitted without it) (the labels' own binomial noise: ${report.labelNoisePoints?.toFixed(2)} points; predicting the mean: ${report.meanRmsePoints?.toFixed(2)}); wrote ${report.out}\n`);
    });
}
