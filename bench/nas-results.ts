// `npm run bench:nas [-- flags]` (the flags and their defaults: `npm run -s bench:nas -- --help`, bench/nas.ts): the NAS
// results table. Per SRAM budget (KiB, with a 256 KiB flash budget), the best member found by evolution and by
// random search with the same evaluations (ranked by the supernet's accuracy predictor), each exported from the
// supernet, fine-tuned briefly, quantized, compiled and measured: int8 test accuracy on --engine qemu-m4, the
// planned arena, flash, instructions per inference (qemu-m4) and wasm ms (profile --measure wasm); next to the
// hand-designed reference nets (src/train/arch) trained on the same slice, among them the most accurate that fits
// the budget. Every step is the CLI (dist/bin), so the figures are what a user gets. --json prints one array.
// Without --supernet a small-schedule supernet (--supernet-epochs, default 1,1,1,1, on --supernet-limit images)
// and its accuracy predictor (--predictor-samples members, default 100, each measured on --predictor-images val
// images, default 2,000: ~1 point of binomial noise at 70%, a third of the whole split's CPU; 0: all 6,000) are
// trained first into the work folder (kept there with --work). stderr's last lines: wall and CPU seconds per step.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PREDICTOR_VERSION } from '../src/nas/accuracy.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const bin = join(repo, 'bin', 'tinyforge.js');
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface ResultRow {
  budgetSramBytes: number;
  agent: 'evolution' | 'random' | null;
  reference: string | null;
  arch: unknown;
  /** int8 test accuracy on qemu-m4. */
  accuracy: number;
  /** Accuracy the predictor gave (agents), the supernet's measurement of the member and the fine-tuned float model's. */
  predicted?: number;
  supernetAccuracy?: number | null;
  floatAccuracy?: number;
  peakBytes: number;
  ramBytes: number;
  flashBytes: number;
  instructions: number;
  wasmMs: number;
}

/** CPU seconds of the finished child processes (Linux /proc: cutime + cstime at 100 ticks/s); null elsewhere. */
function childCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

/** Wall and CPU seconds per step (the first two words of the command), summed over the run: stderr's last lines. */
export const stepTimes = new Map<string, { calls: number; wall: number; cpu: number | null }>();

function tf(...args: string[]): any {
  const wall0 = performance.now();
  const cpu0 = childCpuSeconds();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const cpu1 = childCpuSeconds();
  const step = args[0] === 'nas' ? `nas ${args[1]}` : args[0]!;
  const t = stepTimes.get(step) ?? { calls: 0, wall: 0, cpu: 0 };
  stepTimes.set(step, { calls: t.calls + 1, wall: t.wall + (performance.now() - wall0) / 1000, cpu: t.cpu === null || cpu0 === null || cpu1 === null ? null : t.cpu + cpu1 - cpu0 });
  if (r.status !== 0) throw new Error(`tinyforge ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return args.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
}

/** Fine-tune (optional), quantize, then measure an int8 model: accuracy on qemu-m4, plan, instructions, wasm ms. */
function measure(float: string, tmp: string, name: string, o: { data: string; finetuneLimit: number; finetuneEpochs: string; finetuneLr: string; testLimit: number }) {
  let model = float;
  let floatAccuracy: number | undefined;
  if (o.finetuneLimit > 0) {
    model = join(tmp, `${name}-ft.tflite`);
    floatAccuracy = tf('train', '--arch', float, '--data', o.data, '--epochs', o.finetuneEpochs, '--limit', String(o.finetuneLimit), '--lr', o.finetuneLr, '--out', model, '--json').testAccuracy;
  }
  const int8 = join(tmp, `${name}-int8.tflite`);
  tf('quantize', model, '--calib', o.data, '--out', int8);
  const plan = tf('plan', int8, '--json');
  const accuracy = tf('eval', int8, '--data', o.data, '--limit', String(o.testLimit), '--engine', 'qemu-m4', '--json').accuracy as number;
  const graphInput = tf('inspect', int8, '--json');
  const inputBytes = (graphInput.inputs?.[0]?.bytes as number | undefined) ?? 0;
  const input = join(tmp, `${name}.in`);
  writeFileSync(input, new Uint8Array(inputBytes));
  const run = tf('run', int8, '-i', input, '--engine', 'qemu-m4', '--json');
  const profile = tf('profile', int8, '--measure', 'wasm', '--json');
  return { accuracy, floatAccuracy, peakBytes: plan.peakBytes as number, ramBytes: plan.ramBytes as number, flashBytes: plan.flashBytes as number, instructions: run.instructionsPerInference as number, wasmMs: profile.totals.measuredMs as number };
}

/** Without --supernet: a small-schedule supernet on fmnist-micro and its accuracy predictor, kept in the work folder. */
function smallSupernet(work: string, epochs: string, limit: string, samples: string, evalImages: string): string {
  const dir = join(work, `supernet-${epochs.replaceAll(',', '.')}-${limit}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    log(`supernet: training examples/nas/fmnist-micro.json, epochs ${epochs} on ${limit} images into ${dir}`);
    tf('nas', 'train', join(repo, 'examples', 'nas', 'fmnist-micro.json'), '--data', 'fashion-mnist', '--out', dir, '--epochs', epochs, '--limit', limit, '--json');
  }
  // a predictor kept in --work from an older tinyforge (another encoding) would be refused by nas search: measured again
  const predictor = join(dir, 'accuracy-predictor.json');
  if (!existsSync(predictor) || (JSON.parse(readFileSync(predictor, 'utf8')) as { version?: unknown }).version !== PREDICTOR_VERSION) {
    log(`supernet: measuring ${samples} members for the accuracy predictor (version ${PREDICTOR_VERSION})`);
    const a = tf('nas', 'accuracy', dir, '--samples', samples, '--eval-images', evalImages, '--calibration-images', '256', '--json');
    log(`accuracy predictor: held-out RMSE ${a.heldOutRmsePoints} points on ${a.heldOutPairs} members; the labels' own noise ${a.labelNoisePoints} points (${a.evalImages} images each)`);
  }
  return dir;
}

export function nasResults(argv: string[]): ResultRow[] {
  const option = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
  const budgets = option('--budgets', '6,9,12').split(',').map(Number);
  const evaluations = option('--evaluations', '200');
  // a searched member's fine-tuning: by default brief (1 epoch of 1,000 images at 3e-4); --finetune-epochs and --finetune-lr as the references' training for a compute-matched comparison
  const o = { data: 'fashion-mnist', finetuneLimit: Number(option('--finetune-limit', '1000')), finetuneEpochs: option('--finetune-epochs', '1'), finetuneLr: option('--finetune-lr', '3e-4'), testLimit: Number(option('--test-limit', '1000')) };
  // at the budgets' 16x16 and 20x20 inputs (lenet and ds-cnn at 28x28 need 27 KB and 15 KB of RAM)
  const refs = option('--refs', 'lenet@@16,ds-cnn@@16,mobilenetv2@0.35@16').split(',');
  const agents = option('--agents', 'evolution,random').split(',').filter((a): a is 'evolution' | 'random' => a === 'evolution' || a === 'random');
  const refEpochs = option('--ref-epochs', '2');
  const refLimit = option('--ref-limit', '2000');
  // --work DIR keeps the intermediate models; a reference net already trained there is not trained again
  const work = option('--work', '');
  if (work !== '') mkdirSync(work, { recursive: true });
  const tmp = work !== '' ? work : mkdtempSync(join(tmpdir(), 'tinyforge-nas-results-'));
  const supernet = argv.includes('--supernet') ? option('--supernet', '') : smallSupernet(tmp, option('--supernet-epochs', '1,1,1,1'), option('--supernet-limit', '1000'), option('--predictor-samples', '100'), option('--predictor-images', '2000'));
  const rows: ResultRow[] = [];

  // reference nets: trained once on the slice, quantized and measured; each budget lists the best that fits
  const measuredRefs = refs.map((spec) => {
    const [name, width, resolution] = spec.split('@');
    const float = join(tmp, `${spec}.tflite`);
    const args = ['train', '--arch', name!, '--data', o.data, '--epochs', refEpochs, '--limit', refLimit, '--out', float, '--json'];
    if (width) args.push('--width', width);
    if (resolution) args.push('--resolution', resolution);
    if (!existsSync(float)) {
      log(`reference ${spec}: training ${refEpochs} epochs on ${refLimit} images`);
      tf(...args);
    }
    const m = measure(float, tmp, spec, { ...o, finetuneLimit: 0 });
    log(`reference ${spec}: int8 ${(100 * m.accuracy).toFixed(1)}% (qemu-m4), RAM ${m.ramBytes} B, flash ${m.flashBytes} B`);
    return { spec, ...m };
  });

  for (const kib of budgets) {
    const sram = kib * 1024;
    for (const agent of agents) {
      const archPath = join(tmp, `${kib}-${agent}.json`);
      const s = tf('nas', 'search', supernet, '--sram', String(sram), '--flash', '256K', '--agent', agent, '--budget', evaluations, '--seed', '1', '--population', '16', '--mutation-rate', '0.2', '--threads', '1', '--out', archPath, '--json');
      const name = `${kib}-${agent}`;
      const float = join(tmp, `${name}.tflite`);
      const e = tf('nas', 'export', supernet, '--arch', archPath, '--out', float, '--test-limit', String(o.testLimit), '--json');
      const m = measure(float, tmp, name, o);
      rows.push({ budgetSramBytes: sram, agent, reference: null, arch: s.best.arch, predicted: s.best.score, supernetAccuracy: e.supernetAccuracy, ...m });
      log(`SRAM ${kib} KiB ${agent.padEnd(9)}: ${s.best.key} predicted ${(100 * s.best.score).toFixed(1)}%, supernet ${(100 * e.supernetAccuracy).toFixed(1)}%, fine-tuned float ${(100 * (m.floatAccuracy ?? 0)).toFixed(1)}%, int8 qemu-m4 ${(100 * m.accuracy).toFixed(1)}%; RAM ${m.ramBytes} B, flash ${m.flashBytes} B`);
    }
    for (const r of measuredRefs) {
      if (r.ramBytes > sram || r.flashBytes > 256 * 1024) continue;
      rows.push({ budgetSramBytes: sram, agent: null, reference: r.spec, arch: null, accuracy: r.accuracy, peakBytes: r.peakBytes, ramBytes: r.ramBytes, flashBytes: r.flashBytes, instructions: r.instructions, wasmMs: r.wasmMs });
    }
  }
  for (const [step, t] of stepTimes) log(`time: ${step} x${t.calls}: ${t.wall.toFixed(1)} s wall, ${t.cpu === null ? '?' : t.cpu.toFixed(1)} s CPU`);
  return rows;
}
