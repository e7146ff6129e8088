// `npm run bench:quantize [-- --models resnet,vww,ad01] [-- --settings minmax,16x8]`: our post-training quantization of the MLPerf Tiny
// float models under each calibration setting vs their official int8 twins, on the same held-out inputs:
// top-1 agreement with the float model and SQNR of the (dequantized) output. Classifiers get smooth
// synthetic images in the twin's input range (the repository ships no real ones); ad01 gets the 196
// real windows of its sample (calibration on the first half, measured on the second). Prints a markdown table.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixSeed, syntheticInputBytes } from '../src/builder/random.js';
import { readTflite } from '../src/import/tflite/index.js';
import type { Graph } from '../src/ir/graph.js';
import { compareInt8Io, compareQuantized, quantizeModel, type QuantizeOptions } from '../src/quantize/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const shared = process.env.TINYFORGE_SHARED ?? join(repo, '..', 'shared');
const argv = process.argv.slice(2);
const chosen = argv.includes('--models') ? argv[argv.indexOf('--models') + 1]!.split(',') : ['resnet', 'vww', 'ad01'];
// `--settings 16x8` runs only the settings whose name contains one of the given words
const only = argv.includes('--settings') ? argv[argv.indexOf('--settings') + 1]!.split(',') : null;
const log = (text: string) => process.stderr.write(text);
const read = (...p: string[]) => readTflite(new Uint8Array(readFileSync(join(shared, 'models', ...p))));

const SETTINGS: Array<{ name: string; options: QuantizeOptions }> = [
  { name: 'minmax', options: {} },
  { name: 'percentile 99.99', options: { method: 'percentile' } },
  { name: 'mse', options: { method: 'mse' } },
  { name: 'auto', options: { method: 'auto' } },
  { name: 'auto + bias correction', options: { method: 'auto', biasCorrection: true } },
  { name: 'minmax, per-tensor weights', options: { perTensor: true } },
  { name: '16x8 (int16 activations), minmax', options: { activations: 'int16' } },
  { name: '16x8, per-tensor weights', options: { activations: 'int16', perTensor: true } },
];

function synthetic(graph: Graph, twin: Graph, seed: number, n: number): Uint8Array[][] {
  const q = twin.tensors[twin.inputs[0]!]!.quant!;
  const range: [number, number] = [q.scales[0]! * (-128 - q.zeroPoints[0]!), q.scales[0]! * (127 - q.zeroPoints[0]!)];
  return Array.from({ length: n }, (_, k) => [syntheticInputBytes(graph.tensors[graph.inputs[0]!]!, mixSeed(seed, k), range)]);
}

/** ad01's sample: 200 frames x 128 float32, read as 196 windows of 5 frames. */
function ad01Windows(): Uint8Array[][] {
  const bytes = new Uint8Array(readFileSync(join(shared, 'models', 'mlperf-tiny', 'samples', 'normal_id_01_00000000_hist_librosa.bin')));
  return Array.from({ length: 196 }, (_, k) => [bytes.slice(k * 512, k * 512 + 2560)]);
}

const CASES = {
  resnet: () => {
    const float = read('mlperf-tiny-float', 'pretrainedResnet.tflite');
    const twin = read('mlperf-tiny', 'pretrainedResnet_quant.tflite');
    return { label: 'pretrainedResnet (ic01)', float, twin, calibration: synthetic(float, twin, 1, 32), held: synthetic(float, twin, 2, 32) };
  },
  vww: () => {
    const float = read('mlperf-tiny-float', 'vww_96_float.tflite');
    const twin = read('mlperf-tiny', 'vww_96_int8.tflite');
    return { label: 'vww_96 (vww01)', float, twin, calibration: synthetic(float, twin, 1, 16), held: synthetic(float, twin, 2, 16) };
  },
  ad01: () => {
    const windows = ad01Windows();
    return { label: 'ad01 (real windows)', float: read('mlperf-tiny-float', 'ad01_fp32.tflite'), twin: read('mlperf-tiny', 'ad01_int8.tflite'), calibration: windows.slice(0, 98), held: windows.slice(98) };
  },
};

const rows: string[] = ['| model | int8 model | calibration | held-out | top-1 agreement with float | output SQNR (dB) |', '|---|---|---:|---:|---:|---:|'];
for (const key of chosen) {
  const c = CASES[key as keyof typeof CASES]();
  const official = compareInt8Io(c.float, c.twin, c.held);
  rows.push(`| ${c.label} | official int8 twin | — | ${official.n} | ${official.top1Agreement.toFixed(3)} | ${official.outputSqnrDb.toFixed(1)} |`);
  log(`${rows.at(-1)}\n`);
  for (const s of SETTINGS.filter((s) => !only || only.some((w) => s.name.includes(w)))) {
    const start = performance.now();
    const int8 = quantizeModel(c.float, c.calibration, key, s.options);
    const ours = compareQuantized(c.float, int8, c.held);
    const outputSqnr = ours.layers.find((l) => l.tensor === c.float.outputs[0])!.sqnrDb;
    rows.push(`| ${c.label} | ours: ${s.name} | ${c.calibration.length} | ${ours.n} | ${ours.top1Agreement.toFixed(3)} | ${outputSqnr.toFixed(1)} |`);
    log(`${rows.at(-1)} (${((performance.now() - start) / 1000).toFixed(0)} s)\n`);
  }
}
process.stdout.write(rows.join('\n') + '\n');
