// tinyforge cluster: k-means weight sharing of a model's conv/depthwise/fully-connected weights
// (src/quantize/cluster.ts), written in TFLite Micro's LUT-compressed format (DECODE operators). An int8
// model is clustered as it is; a float model is clustered in real values, optionally fine-tuned (Deep
// Compression's centroid updates, src/train/centroids.ts), then quantized with its weights still shared.
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { writeTflite } from '../../import/tflite/index.js';
import type { Graph } from '../../ir/graph.js';
import { isFloatOp } from '../../ir/float.js';
import { LUT_MAX_BITS } from '../../ir/lut.js';
import { take } from '../../data/split.js';
import { applyClusters, clusterFloatWeights, clusterWeights, quantizeShared, snappedFloatGraph, type FloatClusters } from '../../quantize/cluster.js';
import { checkQuantizable } from '../../quantize/index.js';
import { importTraining } from '../../train/packages.js';
import { samplesOf } from '../calibration.js';
import { DATASET_NAMES, loadDataset } from '../data/index.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { integerFlag, numberFlag } from '../flags.js';
import { trainingFlags } from '../training-flags.js';

interface ClusterFlags {
  bits: string;
  out: string;
  perTensor?: boolean;
  seed: string;
  format: string;
  finetune?: string;
  epochs?: string;
  calib?: string;
  lr: string;
  batch: string;
  limit?: string;
  json?: boolean;
}

const FORMATS = ['decode', 'metadata'] as const;
/** Calibration images a float model's quantization takes (as quantize's default --limit). */
const CALIBRATION_IMAGES = 200;

interface Finetuned {
  graph: Graph;
  losses: number[];
  trainImages: number;
}

/** Deep Compression's centroid fine-tuning of a float model's clusters on `data`'s training split. */
async function finetune(graph: Graph, clusters: readonly FloatClusters[], data: string, opts: ClusterFlags): Promise<Finetuned> {
  const { epochs, batchSize, lr, seed, limit } = trainingFlags({ ...opts, epochs: opts.epochs ?? '', seed: opts.seed });
  const input = graph.tensors[graph.inputs[0]!];
  const imageSize: [number, number] | undefined = input && input.shape.length === 4 ? [input.shape[1]!, input.shape[2]!] : undefined;
  const all = loadDataset({ data, split: 'train', seed, valFraction: 0, imageSize });
  const train = limit === undefined ? all : take(all, limit);
  // training's modules (tfjs, an optional dependency) load here, not when the CLI starts
  await importTraining(() => import('@tensorflow/tfjs-core'));
  const [{ useTrainBackend }, { finetuneCentroids }] = await importTraining(() => Promise.all([import('../../train/backend.js'), import('../../train/centroids.js')]));
  await useTrainBackend();
  const r = finetuneCentroids(graph, clusters, train, { epochs, batchSize, lr, seed });
  return { graph: r.graph, losses: r.losses, trainImages: train.shape[0] };
}

export function registerCluster(program: Command, io: CliIO): void {
  program
    .command('cluster')
    .description("K-means weight sharing of a model's conv, depthwise and fully-connected weights, stored in TensorFlow Lite Micro's LUT format")
    .argument('<model>', 'an int8 .tflite model, or a float32 one (clustered, optionally fine-tuned, then quantized)')
    .requiredOption('--bits <n>', 'index bits: at most 2^n shared values per output channel (1..7)')
    .requiredOption('--out <file>', 'the clustered .tflite to write')
    .option('--per-tensor', 'one set of shared values per tensor instead of per output channel')
    .option('--seed <s>', 'seed of the k-means++ initialisation and of the fine-tuning batch order (same seed, same file)', '1')
    .option('--format <f>', `decode (TFLM's DECODE operators, the current format) | metadata (the older COMPRESSION_METADATA)`, 'decode')
    .option('--finetune <data>', `float model: fine-tune the shared values on ${DATASET_NAMES.join(' | ')} | a dataset folder (its training split)`)
    .option('--epochs <n>', 'with --finetune: passes over the training split')
    .option('--calib <data>', 'float model: calibration data of its int8 quantization, as quantize --calib (default: the --finetune data)')
    .option('--lr <rate>', 'with --finetune: learning rate (Adam)', '1e-4')
    .option('--batch <n>', 'with --finetune: images per step', '64')
    .option('--limit <n>', 'with --finetune: the first N images of the training split')
    .option('--json', 'print {model, out, bits, float, finetune: {epochs, losses, trainImages} | null, tensors: [{tensor, name, op, channels, tableEntries, distinctBefore, changedWeights, compressed, originalBytes, storedBytes, savedBytes}], savedBytes}')
    .addHelpText(
      'after',
      '\nA tensor is stored compressed (packed indices + per-channel tables, expanded by a DECODE op into the\n' +
        'arena before its first use) only where that takes less flash than int8; otherwise its clustered values\n' +
        'are stored as plain int8. A channel with at most 2^bits distinct values is kept exactly (a no-op).\n' +
        'A float model is clustered on the grid its int8 weights will have, --finetune moves each shared value\n' +
        "by the sum of its weights' gradients (Deep Compression; the biases train too), and the result is\n" +
        'quantized (calibrated on --calib) with at most 2^bits values per channel. Fine-tuning needs the float\n' +
        'model: an int8 model has no float weights to train.\n\n' +
        'Examples:\n' +
        '  tinyforge cluster kws.tflite --bits 4 --out kws_lut4.tflite\n' +
        '  tinyforge cluster kws.tflite --bits 2 --per-tensor --seed 7 --out kws_lut2.tflite --json\n' +
        '  tinyforge cluster lenet_fp32.tflite --bits 4 --finetune fashion-mnist --epochs 1 --out lenet_lut4.tflite',
    )
    .action(async (modelPath: string, opts: ClusterFlags) => {
      const bits = numberFlag(opts.bits, '--bits', (v) => Number.isInteger(v) && v >= 1 && v <= LUT_MAX_BITS, `an integer in 1..${LUT_MAX_BITS} (TFLM's LUT index widths)`);
      const seed = integerFlag(opts.seed, '--seed', 0);
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format} is not one of ${FORMATS.join(', ')}`, { format: opts.format });
      }
      if ((opts.finetune === undefined) !== (opts.epochs === undefined)) throw new UsageError('--finetune DATA and --epochs N go together', { finetune: opts.finetune ?? null, epochs: opts.epochs ?? null });
      const perTensor = opts.perTensor ?? false;
      refuseOverwrite([{ path: opts.out, what: 'output model' }], [{ path: modelPath, what: 'model' }]);
      const model = basename(modelPath);
      const graph = loadModel(modelPath);
      const float = graph.ops.some((op) => isFloatOp(op, graph.tensors));
      let tuned: Finetuned | null = null;
      let result: ReturnType<typeof applyClusters>;
      if (float) {
        checkQuantizable(graph, model); // names the ops the quantizer cannot handle, before any data is read
        const calib = opts.calib ?? opts.finetune;
        if (calib === undefined) throw new UsageError(`${model} is a float32 model: pass --calib DATA (or --finetune DATA) to calibrate its int8 quantization`, { model });
        const clusters = clusterFloatWeights(graph, { bits, perTensor, seed });
        tuned = opts.finetune === undefined ? null : await finetune(graph, clusters, opts.finetune, opts);
        const shared = tuned?.graph ?? snappedFloatGraph(graph, clusters);
        result = quantizeShared(shared, samplesOf(shared, calib, CALIBRATION_IMAGES).calibration, { bits, perTensor, seed, model });
      } else if (opts.finetune !== undefined || opts.calib !== undefined) {
        throw new UsageError(`${model} is an int8 model: --finetune and --calib take the float model it came from (fine-tuning trains float weights, then quantizes them)`, { model });
      } else {
        result = applyClusters(graph, clusterWeights(graph, { bits, perTensor, seed }), bits);
      }
      const { graph: clustered, report } = result;
      writeBytes(opts.out, writeTflite(clustered, { lutFormat: opts.format as (typeof FORMATS)[number] }), 'output model');
      const savedBytes = report.reduce((n, t) => n + t.savedBytes, 0);
      if (opts.json) {
        const finetuned = tuned && { epochs: tuned.losses.length, losses: tuned.losses, trainImages: tuned.trainImages };
        io.stdout(JSON.stringify({ model, out: opts.out, format: opts.format, bits, perTensor, seed, float, finetune: finetuned, tensors: report, savedBytes }, null, 2) + '\n');
        return;
      }
      const compressed = report.filter((t) => t.compressed).length;
      const how = tuned ? `, fine-tuned ${tuned.losses.length} epoch(s) (loss ${tuned.losses[0]!.toFixed(4)} -> ${tuned.losses.at(-1)!.toFixed(4)}) and quantized` : float ? ', quantized' : '';
      io.stdout(`${model}: ${report.length} weight tensors clustered to ${bits}-bit shared values${how}, ${compressed} stored LUT-compressed (${savedBytes} bytes of flash saved, ${opts.format} format) -> ${opts.out}\n`);
    });
}
