// tinyforge qat: quantization-aware training of a float .tflite (src/train/fake-quant.ts) on a labelled
// dataset, exported as an int8 model by the quantizer's writer; its test accuracy measured on an int8 engine.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { engineAccuracy } from '../accuracy.js';
import { UsageError } from '../../errors.js';
import { writeTflite } from '../../import/tflite/index.js';
import type { Graph } from '../../ir/graph.js';
import { take } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import type { EpochResult } from '../../train/fit.js';
import { importTraining } from '../../train/packages.js';
import { DATASET_NAMES, loadDataset } from '../data/index.js';
import { BATCH_ENGINES } from '../engines/batch.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { createProgress } from '../progress.js';
import { trainingFlags } from '../training-flags.js';

interface QatFlags {
  data: string;
  epochs: string;
  out: string;
  batch: string;
  lr: string;
  seed: string;
  limit?: string;
  engine: string;
  json?: boolean;
}

export interface QatReport {
  model: string;
  data: string;
  trainImages: number;
  testImages: number;
  epochs: EpochResult[];
  /** Test accuracy of the written int8 model, run by `engine`. */
  int8TestAccuracy: number;
  engine: string;
  out: string;
  seconds: number;
}

/** Share of `data` the int8 graph classifies right on an int8 engine (as eval runs it, default plan for its kernels). */
function int8Accuracy(graph: Graph, data: Dataset, engineName: string): Promise<number> {
  return engineAccuracy(graph, data, BATCH_ENGINES.find((e) => e.name === engineName)!);
}

const percent = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

export function registerQat(program: Command, io: CliIO): void {
  program
    .command('qat')
    .description('Quantization-aware training of a float .tflite classifier; write the int8 model')
    .argument('<model>', 'a float32 .tflite classifier (e.g. what tinyforge train writes)')
    .requiredOption('--data <name|dir>', `${DATASET_NAMES.join(' | ')} | a folder of IDX files, .npy pairs or class sub-folders of pictures`)
    .requiredOption('--epochs <n>', 'passes over the training split')
    .requiredOption('--out <int8.tflite>', 'the int8 .tflite to write (float input and output, as quantize writes)')
    .option('--batch <n>', 'images per step', '64')
    .option('--lr <rate>', 'learning rate (Adam)', '1e-4')
    .option('--seed <n>', 'seed of the batch order', '1')
    .option('--limit <n>', 'use the first N images of the train and test splits')
    .addOption(new Option('--engine <name>', 'the int8 engine that measures the test accuracy of the written model').choices(BATCH_ENGINES.map((e) => e.name)).default('wasm'))
    .option('--json', 'print {model, data, trainImages, testImages, epochs: [{epoch, loss, trainAccuracy, valAccuracy, seconds}], int8TestAccuracy, engine, out, seconds}')
    .addHelpText(
      'after',
      '\nThe forward pass fake-quantizes what the int8 model will quantize: weights symmetric int8 per output\n' +
        'channel, activations asymmetric int8 over ranges tracked by an exponential moving average (decay 0.99);\n' +
        'gradients pass straight through (zero where an activation is clipped). Batch norms are already folded\n' +
        'into a float .tflite. The int8 model takes the tracked ranges, written as tinyforge quantize writes.\n\n' +
        'Examples:\n' +
        '  tinyforge qat lenet.tflite --data fashion-mnist --epochs 1 --out lenet_qat.tflite\n' +
        '  tinyforge qat lenet.tflite --data mnist --epochs 2 --limit 1000 --lr 5e-5 --out q.tflite --json',
    )
    .action(async (modelPath: string, opts: QatFlags) => {
      const { epochs, batchSize, seed, limit, lr } = trainingFlags(opts);
      if (!opts.out.endsWith('.tflite')) throw new UsageError(`--out must name a .tflite file, got "${opts.out}"`, { out: opts.out });
      refuseOverwrite([{ path: opts.out, what: 'output model' }], [{ path: modelPath, what: 'model' }]);
      const start = performance.now();
      const model = basename(modelPath);
      const graph = loadModel(modelPath);
      const input = graph.tensors[graph.inputs[0]!];
      const imageSize: [number, number] | undefined = input && input.shape.length === 4 ? [input.shape[1]!, input.shape[2]!] : undefined;
      const load = (split: 'train' | 'test'): Dataset => {
        const d = loadDataset({ data: opts.data, split, seed, valFraction: 0, imageSize });
        return limit === undefined ? d : take(d, limit);
      };
      // training's modules (tfjs, an optional dependency) load here, not when the CLI starts; tfjs-core first, so a missing install names it
      const tf = await importTraining(() => import('@tensorflow/tfjs-core'));
      const [{ useTrainBackend }, { qatGraph }, { fit }] = await importTraining(() => Promise.all([
        import('../../train/backend.js'), import('../../train/fake-quant.js'), import('../../train/fit.js'),
      ]));
      await useTrainBackend();
      const qat = qatGraph(graph, model);
      const train = load('train');
      const test = load('test');
      const optimizer = tf.train.adam(lr);
      const progress = createProgress(io, 'qat', { json: opts.json, eta: true });
      const steps = Math.ceil(train.shape[0] / batchSize);
      let int8: Graph;
      let results: EpochResult[];
      try {
        results = fit(qat.trainable, train, {
          epochs,
          batchSize,
          seed,
          optimizer,
          onStep: (epoch, done) => progress.update((epoch - 1) * steps + Math.ceil(done / batchSize), epochs * steps),
          onEpoch: (r) => {
            if (opts.json) return;
            progress.end();
            io.stdout(`epoch ${r.epoch}/${epochs}: loss ${r.loss.toFixed(4)}, train ${percent(r.trainAccuracy)} (fake-quantized), ${r.seconds.toFixed(1)} s\n`);
          },
        });
        int8 = qat.exportInt8(model);
      } finally {
        progress.end();
        optimizer.dispose();
        qat.dispose();
      }
      writeBytes(opts.out, writeTflite(int8), 'output model');
      const int8TestAccuracy = await int8Accuracy(int8, test, opts.engine);
      const report: QatReport = {
        model,
        data: train.name.replace(/\/train$/, ''),
        trainImages: train.shape[0],
        testImages: test.shape[0],
        epochs: results,
        int8TestAccuracy,
        engine: opts.engine,
        out: opts.out,
        seconds: Math.round((performance.now() - start) / 100) / 10,
      };
      if (opts.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
      else io.stdout(`int8 test accuracy ${percent(int8TestAccuracy)} (${test.shape[0]} images, ${test.name}, --engine ${opts.engine}); wrote ${opts.out}\n`);
    });
}
