// tinyforge cluster: k-means weight sharing of an int8 model's conv/depthwise/fully-connected weights
// (src/quantize/cluster.ts), written in TFLite Micro's LUT-compressed format (DECODE operators).
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { writeTflite } from '../../import/tflite/index.js';
import { LUT_MAX_BITS } from '../../ir/lut.js';
import { applyClusters, clusterWeights } from '../../quantize/cluster.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { integerFlag, numberFlag } from '../flags.js';

interface ClusterFlags {
  bits: string;
  out: string;
  perTensor?: boolean;
  seed: string;
  format: string;
  json?: boolean;
}

const FORMATS = ['decode', 'metadata'] as const;

export function registerCluster(program: Command, io: CliIO): void {
  program
    .command('cluster')
    .description("K-means weight sharing of an int8 model's conv, depthwise and fully-connected weights, stored in TFLite Micro's LUT format")
    .argument('<model>', 'an int8 .tflite model')
    .requiredOption('--bits <n>', 'index bits: at most 2^n shared values per output channel (1..7)')
    .requiredOption('--out <file>', 'the clustered .tflite to write')
    .option('--per-tensor', 'one set of shared values per tensor instead of per output channel')
    .option('--seed <s>', 'seed of the k-means++ initialisation (same seed, same file)', '1')
    .option('--format <f>', `decode (TFLM's DECODE operators, the current format) | metadata (the older COMPRESSION_METADATA)`, 'decode')
    .option('--json', 'print {model, out, bits, tensors: [{tensor, name, op, channels, tableEntries, distinctBefore, changedWeights, compressed, originalBytes, storedBytes, savedBytes}], savedBytes}')
    .addHelpText(
      'after',
      '\nA tensor is stored compressed (packed indices + per-channel tables, expanded by a DECODE op into the\n' +
        'arena before its first use) only where that takes less flash than int8; otherwise its clustered values\n' +
        'are stored as plain int8. A channel with at most 2^bits distinct values is kept exactly (a no-op).\n\n' +
        'Examples:\n' +
        '  tinyforge cluster kws.tflite --bits 4 --out kws_lut4.tflite\n' +
        '  tinyforge cluster kws.tflite --bits 2 --per-tensor --seed 7 --out kws_lut2.tflite --json',
    )
    .action((modelPath: string, opts: ClusterFlags) => {
      const bits = numberFlag(opts.bits, '--bits', (v) => Number.isInteger(v) && v >= 1 && v <= LUT_MAX_BITS, `an integer in 1..${LUT_MAX_BITS} (TFLM's LUT index widths)`);
      const seed = integerFlag(opts.seed, '--seed', 0);
      if (!(FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format} is not one of ${FORMATS.join(', ')}`, { format: opts.format });
      }
      refuseOverwrite([{ path: opts.out, what: 'output model' }], [{ path: modelPath, what: 'model' }]);
      const model = basename(modelPath);
      const graph = loadModel(modelPath);
      const clusters = clusterWeights(graph, { bits, perTensor: opts.perTensor ?? false, seed });
      const { graph: clustered, report } = applyClusters(graph, clusters, bits);
      writeBytes(opts.out, writeTflite(clustered, { lutFormat: opts.format as (typeof FORMATS)[number] }), 'output model');
      const savedBytes = report.reduce((n, t) => n + t.savedBytes, 0);
      if (opts.json) {
        io.stdout(JSON.stringify({ model, out: opts.out, format: opts.format, bits, perTensor: opts.perTensor ?? false, seed, tensors: report, savedBytes }, null, 2) + '\n');
        return;
      }
      const compressed = report.filter((t) => t.compressed).length;
      io.stdout(`${model}: ${report.length} weight tensors clustered to ${bits}-bit shared values, ${compressed} stored LUT-compressed (${savedBytes} bytes of flash saved, ${opts.format} format) -> ${opts.out}\n`);
    });
}
