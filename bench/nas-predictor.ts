// `node dist/bench/nas-predictor.js --pairs A.json[,B.json] [--test T.json] [--folds 10] [--mlp] [--curve 100] [--rows-only] [--json]`: the
// accuracy predictor's error on measured (member, accuracy) pairs, the `--json` output of `tinyforge nas accuracy`
// (their supernet's space: examples/nas/fmnist-micro.json unless --space; every report measured as the first, by its
// measurement record, else a one-line refusal and exit 2). Per encoding (the default, version 3's: the
// lab's one-hots, resolution x width, log2 capacity; the lab's one-hots alone, version 2's; without depth, version 1's;
// the capacity part alone) and model (ridge on the centred encoding and on the standardized one, its lambda picked on
// the training folds alone, the 32-32 MLP with --mlp; kernel ridge, centred and standardized, on the default encoding,
// its length scale and lambda picked on the training folds alone), the k-fold RMSE over the --pairs (every pair predicted by a
// model fitted without it) and, with --test, the RMSE on those pairs of the model fitted on all --pairs (members --test
// shares with --pairs are dropped from it); then the nested choice: in each outer fold, the (encoding, model) with the
// least inner 5-fold error on that fold's training pairs alone predicts it (the RMSE of a choice made without the
// held-out members); then ridge's and kernel ridge's k-fold RMSE on the first 25/50/75/100% of the pairs, or with
// --curve N on the first N, 2N, ... (their learning curve); --rows-only stops after the rows. Figures in accuracy points.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossValidate, encodeArch, fitPredictorModel, kFolds, labelNoisePoints, type TrainPredictorOptions } from '../src/nas/accuracy.js';
import { readJson } from '../src/cli/io.js';
import { TinyforgeError } from '../src/errors.js';
import { readMeasuredPairs, type Measurement } from '../src/nas/pairs.js';
import { archKey, parseSpace, type Arch, type SearchSpace } from '../src/nas/space.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Pair {
  key: string;
  arch: Arch;
  accuracy: number;
  images: number;
}

/** Every report of --pairs and --test measured as the first one (else a typed refusal, as `nas accuracy --add-pairs` does). */
function readPairs(files: string, want?: Measurement): { measurement: Measurement; pairs: Pair[] } {
  let read: ReturnType<typeof readMeasuredPairs>;
  try {
    const reports = files.split(',').map((f) => ({ label: f, json: readJson(f, 'nas accuracy report') }));
    read = readMeasuredPairs(reports, space, want, 'the --pairs reports');
  } catch (e) {
    if (!(e instanceof TinyforgeError)) throw e;
    log(`nas-predictor: ${e.message}`);
    process.exit(2);
  }
  const { measurement, pairs } = read;
  return { measurement, pairs: pairs.map((p) => ({ key: archKey(p.arch), arch: p.arch, accuracy: p.accuracy, images: p.images! })) };
}

/** Inputs of the lab's one-hots (version 2's encoding): resolution, width, per stage depth and slots. */
const labLength = (space: SearchSpace) => space.resolutions.length + space.widths.length + space.stages.reduce((n, s) => n + s.depths.length + Math.max(...s.depths) * (space.kernels.length + space.expands.length), 0);

/** The encoding without each stage's depth one-hot and capacity (version 1's). */
function withoutDepth(space: SearchSpace, arch: Arch): Float64Array {
  const v = encodeArch(space, arch);
  const keep: number[] = [];
  let o = space.resolutions.length + space.widths.length;
  for (let i = 0; i < o; i++) keep.push(i);
  for (const s of space.stages) {
    o += s.depths.length;
    const slots = Math.max(...s.depths) * (space.kernels.length + space.expands.length);
    for (let i = 0; i < slots; i++) keep.push(o + i);
    o += slots;
  }
  return Float64Array.from(keep, (i) => v[i]!);
}

const space = parseSpace(JSON.parse(readFileSync(option('--space', join(repo, 'examples', 'nas', 'fmnist-micro.json')), 'utf8')));
const { measurement, pairs } = readPairs(option('--pairs', ''));
const test = argv.includes('--test') ? readPairs(option('--test', ''), measurement).pairs.filter((t) => !pairs.some((p) => p.key === t.key)) : [];
const folds = Number(option('--folds', '10'));
const encodings = {
  'v3: lab + resolution x width + capacity (default)': (a: Arch) => encodeArch(space, a),
  'lab (v2)': (a: Arch) => encodeArch(space, a).slice(0, labLength(space)),
  'lab without depth (v1)': (a: Arch) => withoutDepth(space, a),
  'resolution x width + capacity alone': (a: Arch) => encodeArch(space, a).slice(labLength(space)),
};
const models: Array<[string, TrainPredictorOptions]> = [['ridge', { model: 'ridge' }], ['ridge, standardized', { model: 'ridge', scale: true }], ...(argv.includes('--mlp') ? [['mlp 32-32', { model: 'mlp' }] as [string, TrainPredictorOptions]] : [])];
// kernel ridge on the default encoding only: each fit searches its length scale and lambda (49 Gram solves per inner fold)
const DEFAULT_ENCODING = 'v3: lab + resolution x width + capacity (default)';
const kernelModels: Array<[string, TrainPredictorOptions]> = [['kernel ridge (rbf)', { model: 'krr' }], ['kernel ridge (rbf), standardized', { model: 'krr', scale: true }]];
const modelsOf = (encoding: string) => (encoding === DEFAULT_ENCODING ? [...models, ...kernelModels] : models);
const rmse = (f: (x: Float64Array) => number, xs: Float64Array[], ys: number[]) => 100 * Math.sqrt(xs.reduce((s, x, i) => s + (f(x) - ys[i]!) ** 2, 0) / xs.length);
const cpuSeconds = () => process.cpuUsage().user / 1e6;

const ys = pairs.map((p) => p.accuracy);
const testYs = test.map((p) => p.accuracy);
const trainMean = ys.reduce((a, b) => a + b, 0) / ys.length;
const rows = [];
for (const [encoding, encode] of Object.entries(encodings)) {
  const xs = pairs.map((p) => encode(p.arch));
  const testXs = test.map((p) => encode(p.arch));
  for (const [model, options] of modelsOf(encoding)) {
    const c0 = cpuSeconds();
    const cv = crossValidate(xs, ys, { ...options, folds });
    const fixedTest = test.length > 0 ? rmse(fitPredictorModel(xs, ys, options), testXs, testYs) : null;
    const row = { encoding, model, inputs: xs[0]!.length, pairs: pairs.length, folds: cv.folds, kFoldRmsePoints: cv.rmsePoints, meanKFoldRmsePoints: cv.meanRmsePoints, testPairs: test.length, testRmsePoints: fixedTest, cpuSeconds: Math.round((cpuSeconds() - c0) * 10) / 10 };
    rows.push(row);
    log(`${encoding} (${row.inputs} inputs), ${model}: ${cv.folds}-fold RMSE ${cv.rmsePoints.toFixed(2)} on ${pairs.length} pairs (mean ${cv.meanRmsePoints.toFixed(2)})${fixedTest === null ? '' : `; on the ${test.length} test pairs ${fixedTest.toFixed(2)} (the training mean: ${rmse(() => trainMean, testXs, testYs).toFixed(2)})`}; ${row.cpuSeconds} CPU s`);
  }
}
// the nested choice: each outer fold predicted by the candidate with the least inner k-fold error on its training pairs
const rowsOnly = argv.includes('--rows-only');
const encoded = Object.fromEntries(Object.entries(encodings).map(([name, encode]) => [name, pairs.map((p) => encode(p.arch))]));
// kernel ridge enters the choice centred only (each of its inner scores is itself a nested search: the CPU grows as n^3)
const candidates = Object.keys(encodings).flatMap((encoding) => modelsOf(encoding).filter(([m, o]) => !m.startsWith('mlp') && !(o.model === 'krr' && o.scale)).map(([model, options]) => ({ encoding, model, options })));
let nestedSe = 0;
const picks: string[] = [];
const c0 = cpuSeconds();
for (const fold of rowsOnly ? [] : kFolds(pairs.length, folds, 1)) {
  const held = new Set(fold);
  const tr = pairs.map((_, i) => i).filter((i) => !held.has(i));
  const score = (c: (typeof candidates)[number]) => crossValidate(tr.map((i) => encoded[c.encoding]![i]!), tr.map((i) => ys[i]!), { ...c.options, folds: 5, seed: 2 }).rmsePoints;
  const best = candidates.map((c) => ({ c, rmse: score(c) })).reduce((a, b) => (b.rmse < a.rmse ? b : a));
  picks.push(`${best.c.encoding}, ${best.c.model}`);
  const f = fitPredictorModel(tr.map((i) => encoded[best.c.encoding]![i]!), tr.map((i) => ys[i]!), best.c.options);
  for (const i of fold) nestedSe += (f(encoded[best.c.encoding]![i]!) - ys[i]!) ** 2;
}
const nested = { kFoldRmsePoints: 100 * Math.sqrt(nestedSe / pairs.length), picks: Object.fromEntries([...new Set(picks)].map((p) => [p, picks.filter((q) => q === p).length])) };
if (!rowsOnly) log(`nested choice (inner 5-fold on each outer fold's training pairs): ${folds}-fold RMSE ${nested.kFoldRmsePoints.toFixed(2)}; picked ${Object.entries(nested.picks).map(([p, n]) => `${p} x${n}`).join('; ')}; ${(cpuSeconds() - c0).toFixed(1)} CPU s`);
const step = argv.includes('--curve') ? Number(option('--curve', '100')) : 0;
const curveSizes = step > 0 ? Array.from({ length: Math.floor(pairs.length / step) }, (_, i) => (i + 1) * step) : [0.25, 0.5, 0.75, 1].map((share) => Math.round(pairs.length * share));
const curve = (rowsOnly ? [] : curveSizes).flatMap((n) => {
  const xs = pairs.slice(0, n).map((p) => encodeArch(space, p.arch));
  return (['ridge', 'krr'] as const).map((model) => {
    const cv = crossValidate(xs, ys.slice(0, n), { model, folds });
    log(`${model}, default encoding, first ${n} pairs: ${cv.folds}-fold RMSE ${cv.rmsePoints.toFixed(2)} (mean ${cv.meanRmsePoints.toFixed(2)})`);
    return { model, pairs: n, kFoldRmsePoints: cv.rmsePoints, meanKFoldRmsePoints: cv.meanRmsePoints };
  });
});
const noise = { pairs: labelNoisePoints(pairs), test: test.length > 0 ? labelNoisePoints(test) : null };
log(`labels' binomial noise: ${noise.pairs?.toFixed(2)} points on the pairs${noise.test === null ? '' : `, ${noise.test?.toFixed(2)} on the test pairs; the training mean on the test pairs: ${rmse(() => trainMean, test.map(() => new Float64Array(0)), testYs).toFixed(2)}`}`);
if (argv.includes('--json')) process.stdout.write(JSON.stringify({ rows, nested, curve, labelNoisePoints: noise }, null, 2) + '\n');
