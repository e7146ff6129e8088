// `npm run bench:nas [-- --json]`: the NAS results table (bench/nas-results.ts): per SRAM budget the best member
// found by evolution and by random search, exported, fine-tuned, quantized and measured on qemu-m4 and wasm, next
// to the hand-designed reference nets; without --supernet DIR it first trains a small-schedule supernet. --json
// prints one JSON array (a row per budget and agent or reference net) on stdout and nothing else.
// `npm run bench:nas -- --efficiency [--candidates N] [--candidates-exact N] [--budget N] [--json]`: the efficiency
// predictor's throughput on examples/nas/mcu-small.json (distinct random members: composed from cached pieces,
// as the agents call it, from a cold cache and a warm one; and whole graphs built, planned, stack-sized and
// profiled, with the share of each step; candidates per second of this process's CPU time and of wall time), then
// evolution vs random at three SRAM budgets (16, 32, 64 KiB) with a 256 KiB flash budget, same budget and
// seed, ranked by the labelled MACs-as-proxy score. --json prints one JSON object on stdout and nothing else.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xorshift32 } from '../src/builder/index.js';
import { DEVICES } from '../src/cost/devices.js';
import { estimateFlash } from '../src/cost/flash.js';
import { profileSchedule } from '../src/cost/profile.js';
import { scheduleStack } from '../src/cost/stack.js';
import { buildArch } from '../src/nas/build.js';
import { EfficiencyPredictor, type PredictorOptions } from '../src/nas/predictor.js';
import { MACS_PROXY, sampleArch, search } from '../src/nas/search.js';
import { archKey, parseSpace } from '../src/nas/space.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import { planSpacePieces } from '../src/cli/nas-threads.js';
import { availableParallelism } from 'node:os';
import { nasResults } from './nas-results.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..') : join(here, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const json = argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);

const HELP = `npm run bench:nas [-- flags]: per SRAM budget the best supernet member found by evolution and by random search, exported, fine-tuned, quantized and measured (int8 on qemu-m4, wasm ms), beside the hand-designed reference nets.

  --supernet DIR           a trained supernet with its accuracy predictor (nas train, nas accuracy); without it a small one is trained first
  --supernet-epochs l,k,d,w  the small supernet's phases (default 1,1,1,1)
  --supernet-limit N       its training images (default 1000)
  --predictor-samples N    members measured for its accuracy predictor (default 100)
  --predictor-images N     val images each is measured on (default 2000; 0: all 6,000)
  --budgets 6,9,12         SRAM budgets in KiB (flash 256 KiB)
  --evaluations N          members each agent evaluates (default 200)
  --agents evolution,random  the agents (none: reference nets only)
  --finetune-limit N       training images a searched member is fine-tuned on (default 1000)
  --finetune-epochs N, --finetune-lr R  its fine-tuning (default 1 epoch at 3e-4)
  --test-limit N           test images of the int8 accuracy (default 1000)
  --refs a@width@res,...   reference nets (default lenet@@16,ds-cnn@@16,mobilenetv2@0.35@16)
  --ref-epochs N, --ref-limit N  their training (default 2 epochs on 2000 images)
  --work DIR               keep the intermediate models there (reference nets trained once)
  --json                   one JSON array of rows on stdout, nothing else
  --efficiency [--candidates N] [--candidates-exact N] [--budget N]  the efficiency predictor's throughput instead
  --help                   this text (nothing is run)`;

if (argv.includes('--help')) {
  process.stdout.write(HELP + '\n');
} else if (argv.includes('--efficiency')) {
  await efficiencyBench();
} else {
  const rows = nasResults(argv);
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else for (const r of rows) log(JSON.stringify(r));
}

/** The efficiency predictor's throughput, then the agents ranked by the MACs proxy (no supernet needed). */
async function efficiencyBench(): Promise<void> {
  const space = parseSpace(JSON.parse(readFileSync(join(repo, 'examples', 'nas', 'mcu-small.json'), 'utf8')));
  const options: PredictorOptions = { plan: {}, stackCpu: 'cortex-m4', reserveBytes: 0, device: DEVICES['cortex-m4'], mhz: 120 };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };

  // Throughput of the exact path: distinct members, each whole graph built and planned, each step timed in CPU ms.
  const distinct = (count: number, seed: number) => {
    const rng = new Xorshift32(seed);
    const seen = new Set<string>();
    const out = [];
    while (out.length < count) {
      const a = sampleArch(space, rng);
      if (!seen.has(archKey(a))) (seen.add(archKey(a)), out.push(a));
    }
    return out;
  };
  const n = option('--candidates-exact', 40);
  const archs = distinct(n, 1);
  const steps = { build: 0, plan: 0, schedule: 0, stack: 0, flash: 0, profile: 0 };
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  for (const a of archs) {
    let t = cpuMs();
    const lap = (k: keyof typeof steps) => {
      const now = cpuMs();
      steps[k] += now - t;
      t = now;
    };
    const graph = buildArch(space, a);
    lap('build');
    const planned = planModel(graph, options.plan);
    lap('plan');
    const schedule = scheduleOf(planned.plan);
    lap('schedule');
    scheduleStack(schedule, options.stackCpu);
    lap('stack');
    estimateFlash(schedule, options.stackCpu);
    lap('flash');
    profileSchedule(schedule, { device: options.device, mhz: options.mhz });
    lap('profile');
  }
  const cpuTotal = cpuMs() - cpu0;
  const wallTotal = performance.now() - wall0;
  const rate = (count: number, ms: number) => Math.round((count / ms) * 1000 * 10) / 10;
  const exactPath = {
    candidates: n,
    perSecondCpu: rate(n, cpuTotal),
    perSecondWall: rate(n, wallTotal),
    share: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round((v / cpuTotal) * 1000) / 1000])),
  };
  log(`exact path (whole graph) on ${space.name}: ${n} distinct members, ${exactPath.perSecondCpu} candidates/s of CPU, ${exactPath.perSecondWall}/s wall (shared machine); CPU share ${JSON.stringify(exactPath.share)}`);

  // Throughput of the predictor the agents call (pieces planned once, composed per member): a cold run from an
  // empty piece cache over m distinct members, then m more distinct members with the pieces cached.
  const m = option('--candidates', 5000);
  const fast = new EfficiencyPredictor(space, options);
  const timed = (list: typeof archs) => {
    const c0 = cpuMs(), w0 = performance.now();
    for (const a of list) fast.predict(a);
    return { cpu: cpuMs() - c0, wall: performance.now() - w0 };
  };
  const cold = timed(distinct(m, 2));
  const piecesCold = fast.piecesBuilt;
  const warm = timed(distinct(m, 3));
  const throughput = {
    candidates: m,
    perSecondCpu: rate(m, cold.cpu),
    perSecondWall: rate(m, cold.wall),
    pieces: piecesCold,
    piecesCpuSeconds: Math.round(cold.cpu) / 1000,
    warmPerSecondCpu: rate(m, warm.cpu),
    warmPiecesBuilt: fast.piecesBuilt - piecesCold,
    exactPath,
  };
  log(`predictor (composed from pieces): ${m} distinct members from an empty cache: ${throughput.perSecondCpu} candidates/s of CPU (${piecesCold} pieces planned), ${throughput.perSecondWall}/s wall; ${m} more with the pieces cached: ${throughput.warmPerSecondCpu}/s of CPU (${throughput.warmPiecesBuilt} new pieces)`);

  // The whole space's pieces planned up front on worker threads (what `nas search --threads` does), wall time.
  const threads = availableParallelism();
  const pooled = new EfficiencyPredictor(space, options);
  const pw0 = performance.now();
  const spacePieceCount = await planSpacePieces(pooled, threads);
  const threadsWallSeconds = Math.round(performance.now() - pw0) / 1000;
  Object.assign(throughput, { spacePieces: spacePieceCount, threads, threadsWallSeconds });
  log(`the space's ${spacePieceCount} pieces planned on ${threads} worker threads in ${threadsWallSeconds} s wall`);

  // Agents at three SRAM budgets, same evaluations and seed; one predictor (its cache) shared by both agents.
  const budget = option('--budget', 200);
  const predictor = new EfficiencyPredictor(space, options);
  const rows = [];
  for (const kib of [16, 32, 64]) {
    for (const agent of ['evolution', 'random'] as const) {
      const r = search(predictor, { agent, budget, seed: 1, constraints: { sramBytes: kib * 1024, flashBytes: 256 * 1024 }, accuracy: MACS_PROXY, population: 16, mutationRate: 0.2 });
      const e = r.best.efficiency;
      rows.push({ budgetSramBytes: kib * 1024, agent, score: r.best.score, scoreLabel: MACS_PROXY.label, arch: r.best.arch, feasible: r.feasible.length, peakBytes: e.peakBytes, ramBytes: e.ramBytes, flashBytes: e.flashBytes, macs: e.macs, instructions: e.instructions, ms: e.ms });
      log(`SRAM ${kib} KiB ${agent.padEnd(9)}: best ${r.best.key} proxy ${r.best.score.toFixed(3)} (${e.macs} MACs), RAM ${e.ramBytes} B, flash ${e.flashBytes} B, ${e.ms.toFixed(1)} ms; ${r.feasible.length} feasible of ${budget}`);
    }
  }
  if (json) process.stdout.write(JSON.stringify({ throughput, agents: rows }, null, 2) + '\n');
}
