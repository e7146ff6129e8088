// tinyforge quantize: post-training int8 quantization of a float32 model (src/quantize/), calibrated on a
// dataset or on synthetic inputs, written atomically; --json adds per-layer SQNR and top-1 agreement.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { writeTflite } from '../../import/tflite/index.js';
import { CALIB_METHODS, checkQuantizable, compareQuantized, DEFAULT_PERCENTILE, quantizeWithReport, RANGE_METHODS, type CalibMethod, type QuantizeResult } from '../../quantize/index.js';
import { samplesOf } from '../calibration.js';
import { DATASET_NAMES } from '../data/index.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { integerFlag, numberFlag } from '../flags.js';

interface QuantizeFlags {
  calib: string;
  out: string;
  limit: string;
  calibMethod: CalibMethod;
  percentile: string;
  perTensor?: boolean;
  int16Activations?: boolean;
  biasCorrection?: boolean;
  json?: boolean;
}

/** "auto chose minmax for 2, percentile for 1, mse for 5 of 8 tensors" */
function methodSummary(method: CalibMethod, result: QuantizeResult): string {
  if (method !== 'auto') return method;
  const count = (m: string) => result.tensors.filter((t) => t.method === m).length;
  return `auto: ${RANGE_METHODS.map((m) => `${m} ${count(m)}`).join(', ')} of ${result.tensors.length} tensors`;
}

export function registerQuantize(program: Command, io: CliIO): void {
  program
    .command('quantize')
    .description('Post-training int8 (or 16x8) quantization of a float32 model (int8 or int16 inside, float32 input and output)')
    .argument('<model>', 'a float32 .tflite model')
    .requiredOption('--calib <data>', `calibration data: ${DATASET_NAMES.join(' | ')} | a dataset folder (as eval --data) | random:N (N synthetic inputs in [0, 1])`)
    .requiredOption('--out <file>', 'the quantized .tflite to write')
    .option('--limit <n>', 'calibration images taken from the training split (and as many held out from the test split for --json)', '200')
    .addOption(new Option('--calib-method <method>', 'activation ranges: min/max, a percentile, the range of least int8 MSE, or per tensor the best of the three (auto)').choices([...CALIB_METHODS]).default('minmax'))
    .option('--percentile <p>', 'percentile calibration: the share of values (in %) inside the range, two-sided', String(DEFAULT_PERCENTILE))
    .option('--per-tensor', 'one weight scale per tensor instead of one per output channel')
    .option('--int16-activations', "TFLite's 16x8 scheme: int16 symmetric activations (zero point 0), int8 weights, int64 conv/FC biases")
    .option('--bias-correction', 'add to each conv/FC bias the mean float - int8 output per channel over the calibration samples')
    .option('--json', 'print {model, out, calibration, calibMethod, tensors: [{tensor, name, method, range, mse}], perTensor, activations, biasCorrections, heldOut, top1Agreement, layers: [{tensor, name, op, sqnrDb}]} measured on the held-out samples')
    .addHelpText(
      'after',
      '\nWeights: symmetric int8 per output channel; biases int32 (input scale x weight scale); activations\n' +
        'asymmetric int8 per tensor from the range calibration chooses (min/max as TFLite by default; percentile\n' +
        'clips the rarest values; mse picks the clipping of least quantization error; auto takes per tensor the\n' +
        'one of the three with the least error, and --json says which won).\n' +
        'With --int16-activations (16x8): activations int16, symmetric per tensor (zero point 0, scale max|range| /\n' +
        '32767), biases int64; input and output stay float32 with a QUANTIZE/DEQUANTIZE at each end, the\n' +
        "converter's default; an op without an int16 kernel here (MUL, RELU6, HARD_SWISH, ...) is refused.\n\n" +
        'Examples:\n' +
        '  tinyforge quantize net_fp32.tflite --calib fashion-mnist --out net_int8.tflite\n' +
        '  tinyforge quantize ad01_fp32.tflite --calib random:64 --out ad01_int8.tflite --json\n' +
        '  tinyforge quantize net_fp32.tflite --calib fashion-mnist --calib-method auto --bias-correction --out net_int8.tflite\n' +
        '  tinyforge quantize net_fp32.tflite --calib fashion-mnist --int16-activations --out net_16x8.tflite',
    )
    .action((modelPath: string, opts: QuantizeFlags) => {
      const limit = integerFlag(opts.limit, '--limit', 1);
      const percentile = numberFlag(opts.percentile, '--percentile', (v) => v > 50 && v <= 100, 'in (50, 100]');
      refuseOverwrite([{ path: opts.out, what: 'output model' }], [{ path: modelPath, what: 'model' }]);
      const model = basename(modelPath);
      const graph = loadModel(modelPath);
      const activations = opts.int16Activations ? 'int16' : 'int8';
      checkQuantizable(graph, model, activations); // before any calibration data is read
      const { calibration, heldOut } = samplesOf(graph, opts.calib, limit);
      const result = quantizeWithReport(graph, calibration, model, { method: opts.calibMethod, percentile, perTensor: opts.perTensor, activations, biasCorrection: opts.biasCorrection });
      const int8 = result.graph;
      writeBytes(opts.out, writeTflite(int8), 'output model');
      if (!opts.json) {
        const extras = [methodSummary(opts.calibMethod, result), opts.int16Activations ? 'int16 activations (16x8)' : '', opts.perTensor ? 'per-tensor weights' : '', opts.biasCorrection ? `${result.corrections.length} biases corrected` : ''].filter(Boolean).join('; ');
        io.stdout(`${model}: quantized to ${opts.int16Activations ? '16x8' : 'int8'} on ${calibration.length} calibration samples (${opts.calib}; ${extras}) -> ${opts.out}\n`);
        return;
      }
      const agreement = compareQuantized(graph, int8, heldOut);
      const report = {
        model,
        out: opts.out,
        calibration: calibration.length,
        calibMethod: opts.calibMethod,
        ...(opts.calibMethod === 'minmax' ? {} : { percentile }),
        perTensor: opts.perTensor === true,
        activations,
        tensors: result.tensors,
        biasCorrections: opts.biasCorrection ? result.corrections : null,
        heldOut: agreement.n,
        top1Agreement: agreement.top1Agreement,
        layers: agreement.layers,
      };
      // JSON has no Infinity: an exact layer's SQNR is printed as null.
      io.stdout(JSON.stringify(report, (_k, v) => (v === Infinity ? null : v), 2) + '\n');
    });
}
