// tinyforge train: a named architecture or a float .tflite trained on a labelled dataset through the
// 'tinyforge' tfjs backend, exported as float .tflite (after every epoch: the last good checkpoint).
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { InputDataError, UsageError } from '../../errors.js';
import { readTflite } from '../../import/tflite/index.js';
import type { Graph } from '../../ir/graph.js';
import { take } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { ARCH_NAMES, buildArch, isArchName } from '../../train/arch/named.js';
import { AUGMENTATIONS, type Augmentation } from '../../train/augmentations.js';
import { LR_DECAYS, type LrDecay } from '../../train/lr-schedule.js';
import type { EpochResult } from '../../train/fit.js';
import { importTraining } from '../../train/packages.js';
import { DATASET_NAMES, loadDataset } from '../data/index.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { createProgress } from '../progress.js';
import { trainingFlags } from '../training-flags.js';
import { integerFlag, numberFlag } from '../flags.js';

interface TrainFlags {
  arch: string;
  data: string;
  epochs: string;
  out: string;
  batch: string;
  lr: string;
  optimizer: 'adam' | 'sgd';
  lrDecay: LrDecay;
  seed: string;
  augment?: string;
  limit?: string;
  valFraction: string;
  width: string;
  resolution?: string;
  json?: boolean;
}

export interface TrainReport {
  model: string;
  arch: string;
  data: string;
  trainImages: number;
  valImages: number;
  testImages: number;
  epochs: EpochResult[];
  /** Accuracy on the test split of the exported .tflite, read back and run by the tfjs forward. */
  testAccuracy: number;
  testAccuracyOn: string;
  out: string;
  seconds: number;
}

function augmentations(text: string | undefined): Augmentation[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((a) => {
    if (!(AUGMENTATIONS as readonly string[]).includes(a)) throw new UsageError(`--augment takes ${AUGMENTATIONS.join(', ')} (comma-separated), got "${a}"`, { augment: a });
    return a as Augmentation;
  });
}

const percent = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function epochLine(r: EpochResult, epochs: number): string {
  return `epoch ${r.epoch}/${epochs}: loss ${r.loss.toFixed(4)}, train ${percent(r.trainAccuracy)}, val ${percent(r.valAccuracy)}, ${r.seconds.toFixed(1)} s\n`;
}

export function registerTrain(program: Command, io: CliIO): void {
  program
    .command('train')
    .description('Train a float classifier (a named architecture or a float .tflite) on a labelled dataset; write float .tflite')
    .requiredOption('--arch <name|model.tflite>', `${ARCH_NAMES.join(' | ')} | a float32 .tflite classifier to train further`)
    .requiredOption('--data <name|dir>', `${DATASET_NAMES.join(' | ')} | a folder of IDX files, .npy pairs or class sub-folders of pictures`)
    .requiredOption('--epochs <n>', 'passes over the training split')
    .requiredOption('--out <model.tflite>', 'the trained float .tflite (rewritten after every epoch: the last good checkpoint)')
    .option('--batch <n>', 'images per step', '64')
    .option('--lr <rate>', 'learning rate', '1e-3')
    .addOption(new Option('--optimizer <name>', 'adam or sgd').choices(['adam', 'sgd']).default('adam'))
    .addOption(new Option('--lr-decay <schedule>', 'the learning rate over all the run\'s steps: none (--lr throughout) or cosine (from --lr at the first step down to 0 after the last)').choices([...LR_DECAYS]).default('none'))
    .option('--seed <n>', 'seed of the weights, the train/val split, the batch order and the augmentation', '1')
    .option('--augment <list>', `training-time augmentation: ${AUGMENTATIONS.join(', ')} (comma-separated; flip: left-right, shift: up to 2 pixels)`)
    .option('--limit <n>', 'use the first N images of each split (train, val, test)')
    .option('--val-fraction <f>', 'share of the training set held out for validation (0: none)', '0.1')
    .option('--width <w>', 'mobilenetv2: width multiplier', '1')
    .option('--resolution <n>', 'named architectures: input height and width (default: the dataset\'s)')
    .option('--json', 'print {model, arch, data, epochs: [{epoch, loss, trainAccuracy, valAccuracy, seconds}], testAccuracy, ...}')
    .addHelpText(
      'after',
      '\nImages are scaled to [0, 1] and resized (bilinear) to the model input. Loss: softmax cross-entropy on\n' +
        'the logits (a final SOFTMAX is kept in the export, not trained through). Batch norms of the named\n' +
        'architectures (ds-cnn, mobilenetv2) are folded into the convolutions at export. testAccuracy is\n' +
        'measured on the exported .tflite, read back and run by the training forward.\n\n' +
        'Examples:\n' +
        '  tinyforge train --arch lenet --data fashion-mnist --epochs 3 --out lenet.tflite\n' +
        '  tinyforge train --arch mobilenetv2 --width 0.35 --resolution 32 --data ./pictures --epochs 5 --out mnv2.tflite --augment flip,shift\n' +
        '  tinyforge train --arch lenet.tflite --data mnist --epochs 1 --lr 1e-4 --out lenet_mnist.tflite --json',
    )
    .action(async (opts: TrainFlags) => {
      const { epochs, batchSize, seed, limit, lr } = trainingFlags(opts);
      const valFraction = numberFlag(opts.valFraction, '--val-fraction', (v) => v >= 0 && v < 1, 'in [0, 1)');
      const width = numberFlag(opts.width, '--width', (v) => v > 0 && v <= 4, 'in (0, 4]');
      const resolution = opts.resolution === undefined ? undefined : integerFlag(opts.resolution, '--resolution', 1);
      const augment = augmentations(opts.augment);
      const named = isArchName(opts.arch);
      if (!named && !opts.arch.endsWith('.tflite')) throw new UsageError(`--arch must be ${ARCH_NAMES.join(', ')} or a .tflite file, got "${opts.arch}"`, { arch: opts.arch });
      if (!named && (opts.resolution !== undefined || opts.width !== '1')) throw new UsageError('--width and --resolution shape a named architecture; a .tflite model keeps its own', { arch: opts.arch });
      refuseOverwrite([{ path: opts.out, what: 'output model' }], named ? [] : [{ path: opts.arch, what: 'model' }]);
      // training's modules (tfjs, an optional dependency) load here, not when the CLI starts; tfjs-core first, so a missing install names it
      const tf = await importTraining(() => import('@tensorflow/tfjs-core'));
      const [{ useTrainBackend }, { exportTflite }, { accuracyOf, fit }, { trainableGraph }] = await importTraining(() => Promise.all([
        import('../../train/backend.js'), import('../../train/export.js'), import('../../train/fit.js'), import('../../train/graph.js'),
      ]));
      const start = performance.now();

      // the model file first: its input size picks the picture size of a picture folder
      const fromFile: Graph | null = named ? null : loadModel(opts.arch);
      const fileInput = fromFile ? fromFile.tensors[fromFile.inputs[0]!] : undefined;
      const imageSize: [number, number] | undefined = fileInput && fileInput.shape.length === 4 ? [fileInput.shape[1]!, fileInput.shape[2]!] : resolution ? [resolution, resolution] : undefined;
      const load = (split: 'train' | 'val' | 'test'): Dataset => {
        const d = loadDataset({ data: opts.data, split, seed, valFraction, imageSize });
        return limit === undefined ? d : take(d, limit);
      };
      const train = load('train');
      const validation = valFraction > 0 ? load('val') : undefined;
      const test = load('test');

      const [, h, w, c] = train.shape;
      const arch = named ? buildArch(opts.arch as (typeof ARCH_NAMES)[number], { input: [resolution ?? h, resolution ?? w, c], classes: train.classes.length, seed, width }) : { graph: fromFile!, batchNorm: [] };
      await useTrainBackend();
      const t = trainableGraph(arch.graph, { batchNorm: arch.batchNorm });
      const optimizer = opts.optimizer === 'sgd' ? tf.train.sgd(lr) : tf.train.adam(lr);
      const progress = createProgress(io, 'train', { json: opts.json, eta: true });
      const steps = Math.ceil(train.shape[0] / batchSize);
      let lastGood: number | null = null;
      let written: Uint8Array | undefined;
      let results: EpochResult[];
      try {
        results = fit(t, train, {
          epochs,
          batchSize,
          seed,
          optimizer,
          lrDecay: opts.lrDecay,
          augment,
          validation,
          onStep: (epoch, done) => progress.update((epoch - 1) * steps + Math.ceil(done / batchSize), epochs * steps),
          onEpoch: (r) => {
            written = exportTflite(t);
            writeBytes(opts.out, written, 'trained model');
            lastGood = r.epoch;
            if (!opts.json) {
              progress.end();
              io.stdout(epochLine(r, epochs));
            }
          },
        });
      } catch (e) {
        if (e instanceof InputDataError && typeof e.details.step === 'number') {
          const kept = lastGood === null ? 'nothing was written' : `${opts.out} holds the last good checkpoint (epoch ${lastGood})`;
          throw new InputDataError(`${e.message}; ${kept}`, { ...e.details, out: opts.out });
        }
        throw e;
      } finally {
        progress.end();
        optimizer.dispose();
        t.dispose();
      }

      // the exported bytes, read back: what the next command (quantize, eval) will load
      const exported = trainableGraph(readTflite(written!));
      const testAccuracy = accuracyOf(exported, test);
      exported.dispose();
      const report: TrainReport = {
        model: basename(opts.out),
        arch: named ? opts.arch : basename(opts.arch),
        data: train.name.replace(/\/train$/, ''),
        trainImages: train.shape[0],
        valImages: validation?.shape[0] ?? 0,
        testImages: test.shape[0],
        epochs: results,
        testAccuracy,
        testAccuracyOn: 'the exported .tflite read back, tfjs forward',
        out: opts.out,
        seconds: Math.round((performance.now() - start) / 100) / 10,
      };
      if (opts.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
      else io.stdout(`test accuracy ${percent(testAccuracy)} (${test.shape[0]} images, ${test.name}); wrote ${opts.out}\n`);
    });
}
