// tinyforge nas: architecture search for microcontrollers with the real planner as the memory constraint.
// `nas space` sizes a search space, `nas predict` gives one member's exact figures, `nas search` runs an agent.
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { CORES, DEVICES, type CoreId, type DeviceModel } from '../../cost/devices.js';
import { ModelFormatError, UsageError } from '../../errors.js';
import { parsePredictor } from '../../nas/accuracy.js';
import { isDirectory } from '../data/files.js';
import { PREDICTOR, readManifest, readPredictorJson } from '../supernet-files.js';
import { EfficiencyPredictor, type Efficiency, type PredictorOptions } from '../../nas/predictor.js';
import { formatSearch, searchHtml, searchReport } from '../../nas/report.js';
import { MACS_PROXY, search, type AccuracyPredictor, type Constraints } from '../../nas/search.js';
import { extremeArch, parseArch, parseSpace, spaceSize, type Arch, type SearchSpace } from '../../nas/space.js';
import { addPlanOptions, addRamOptions, planOptionsFrom, ramOptionsFrom, type PlanFlags, type RamFlags } from '../plan-options.js';
import { integerFlag, numberFlag } from '../flags.js';
import { readJson, refuseOverwrite, writeBytes, type NamedPath } from '../io.js';
import { parseBytes } from '../sizes.js';
import { pieceWorkersAvailable, planSpacePieces } from '../nas-threads.js';
import { registerSupernetCommands } from './nas-supernet.js';

interface CommonFlags extends PlanFlags, RamFlags {
  json?: boolean;
  core: CoreId;
  mhz?: string;
}

function loadSpace(path: string): SearchSpace {
  return parseSpace(readJson(path, 'search space'));
}

/** "20@cortex-m4:120": 20 ms on a Cortex-M4 at 120 MHz; the core and clock are optional. */
export function parseMaxMs(text: string): { ms: number; core: CoreId | null; mhz: number | null } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:@([a-z0-9-]+)(?::(\d+(?:\.\d+)?))?)?\s*$/i.exec(text);
  const core = m?.[2]?.toLowerCase();
  if (!m || !(Number(m[1]) > 0) || (core !== undefined && !(CORES as readonly string[]).includes(core)) || (m[3] !== undefined && !(Number(m[3]) > 0))) {
    throw new UsageError(`--max-ms takes MS[@CORE[:MHZ]] with CORE one of ${CORES.join(', ')}, e.g. 20@cortex-m4:120, got "${text}"`, { value: text });
  }
  return { ms: Number(m[1]), core: (core as CoreId | undefined) ?? null, mhz: m[3] === undefined ? null : Number(m[3]) };
}

function addCommon(command: Command): Command {
  command
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--core <core>', 'the Cortex-M core whose latency is estimated (--max-ms CORE overrides)').choices([...CORES]).default('cortex-m4'))
    .option('--mhz <n>', "the core's clock in MHz (default: the core's typical clock)");
  return addRamOptions(addPlanOptions(command));
}

function predictorOptions(opts: CommonFlags, maxMs: ReturnType<typeof parseMaxMs> | null): PredictorOptions {
  const core: CoreId = maxMs?.core ?? opts.core;
  const device: DeviceModel = DEVICES[core];
  const mhz = maxMs?.mhz ?? (opts.mhz === undefined ? device.defaultMhz : numberFlag(opts.mhz, '--mhz', (v) => v > 0, 'a positive number of MHz'));
  const ram = ramOptionsFrom(opts);
  return { plan: planOptionsFrom(opts), stackCpu: ram.cpu, reserveBytes: ram.reserveBytes, device, mhz };
}

const efficiencyLine = (e: Efficiency) =>
  `RAM ${e.ramBytes} B (arena ${e.peakBytes} + stack ${e.stackBytes} + static ${e.staticBytes}), flash ${e.flashBytes} B, ${e.macs} MACs, ${e.instructions} instructions, ${e.ms.toFixed(2)} ms`;

export function registerNas(program: Command, io: CliIO): void {
  const nas = program.command('nas').description('Architecture search for microcontrollers: search spaces, the exact efficiency predictor, random and evolutionary agents');

  addCommon(nas.command('space').description("A search space's size and its smallest and largest members' MACs, peak SRAM (the real planner) and flash").argument('<space>', 'search space JSON (e.g. examples/nas/mcu-small.json)'))
    .action((spacePath: string, opts: CommonFlags) => {
      const space = loadSpace(spacePath);
      const predictor = new EfficiencyPredictor(space, predictorOptions(opts, null));
      const members = (['smallest', 'largest'] as const).map((which) => {
        const arch = extremeArch(space, which);
        return { which, arch, ...predictor.exact(arch) };
      });
      const size = spaceSize(space);
      if (opts.json) {
        io.stdout(JSON.stringify({ space: space.name, size: size.toString(), smallest: members[0], largest: members[1] }, null, 2) + '\n');
        return;
      }
      io.stdout(`search space ${space.name}: ${size} members (about 10^${(size.toString().length - 1)})\n` + members.map((m) => `  ${m.which.padEnd(8)} ${efficiencyLine(m)}\n`).join(''));
    });

  registerSupernetCommands(nas, io);

  addCommon(nas.command('predict').description("One member's exact figures: peak SRAM (arena + stack + static), flash, MACs, Cortex-M instructions and ms").argument('<space>', 'search space JSON').argument('<arch>', 'architecture JSON: {resolution, width, stages: [[{kernel, expand}, ...], ...]}'))
    .action((spacePath: string, archPath: string, opts: CommonFlags) => {
      const space = loadSpace(spacePath);
      const arch: Arch = parseArch(readJson(archPath, 'architecture'), space);
      const e = new EfficiencyPredictor(space, predictorOptions(opts, null)).exact(arch);
      io.stdout(opts.json ? JSON.stringify({ arch, ...e }, null, 2) + '\n' : `${basename(archPath)}: ${efficiencyLine(e)}\n`);
    });

  interface SearchFlags extends CommonFlags {
    sram?: string;
    flash?: string;
    maxMacs?: string;
    maxMs?: string;
    agent: 'random' | 'evolution';
    budget: string;
    seed: string;
    population: string;
    mutationRate: string;
    crossoverRate: string;
    parentsRatio: string;
    report?: string;
    out?: string;
    threads: string;
  }
  const fraction = (text: string, flag: string) => numberFlag(text, flag, (v) => v >= 0 && v <= 1, 'a fraction in [0, 1]');
  addCommon(
    nas
      .command('search')
      .description('Search a space under SRAM, flash, MAC and latency constraints checked exactly; the Pareto front and the best architecture')
      .argument('<space|supernet>', 'search space JSON, or a supernet folder (nas train --out): its space, ranked by its accuracy predictor (nas accuracy)')
      .option('--sram <bytes>', 'SRAM budget for arena + stack + static data + --reserve, e.g. 64K')
      .option('--flash <bytes>', 'flash budget, e.g. 256K')
      .option('--max-macs <n>', 'most MACs per inference, e.g. 2M (M = 10^6, K = 10^3)')
      .option('--max-ms <ms@core:mhz>', 'latency limit on a Cortex-M core, e.g. 20@cortex-m4:120')
      .addOption(new Option('--agent <agent>', 'search agent').choices(['random', 'evolution']).default('evolution'))
      .option('--budget <n>', 'candidates evaluated', '500')
      .option('--seed <n>', 'random seed', '1')
      .option('--population <n>', 'evolution: population size', '32')
      .option('--mutation-rate <r>', 'evolution: per-gene mutation probability', '0.1')
      .option('--crossover-rate <r>', "evolution: fraction of a generation's children made by crossover", '0.5')
      .option('--parents-ratio <r>', 'evolution: fraction of the population kept as parents', '0.25')
      .option('--report <file>', 'also write the Pareto front as a self-contained HTML page')
      .option('--out <file>', 'write the best architecture as ARCH.json')
      .option('--threads <n>', "worker threads that plan the space's pieces up front (1: plan them as the search meets them)", String(availableParallelism())),
  )
    .addHelpText('after', '\nScore: given a supernet folder with a trained accuracy predictor (nas accuracy), the predicted accuracy;\notherwise a labelled MACs-as-proxy score (log10 MACs), not an accuracy. Examples:\n  tinyforge nas search examples/nas/mcu-small.json --sram 64K --flash 256K --max-ms 20@cortex-m4:120 --budget 300 --out best.json\n  tinyforge nas search supernet/ --sram 32K --flash 256K --agent evolution --budget 300 --out best.json')
    .action(async (spacePath: string, opts: SearchFlags) => {
      const outputs: NamedPath[] = [];
      if (opts.report !== undefined) outputs.push({ path: opts.report, what: '--report' });
      if (opts.out !== undefined) outputs.push({ path: opts.out, what: '--out' });
      refuseOverwrite(outputs, [{ path: spacePath, what: 'search space' }]);
      const maxMs = opts.maxMs === undefined ? null : parseMaxMs(opts.maxMs);
      const constraints: Constraints = {};
      if (opts.sram !== undefined) constraints.sramBytes = parseBytes(opts.sram, '--sram');
      if (opts.flash !== undefined) constraints.flashBytes = parseBytes(opts.flash, '--flash');
      if (opts.maxMacs !== undefined) constraints.maxMacs = parseCount(opts.maxMacs, '--max-macs');
      if (maxMs) constraints.maxMs = maxMs.ms;
      const seed = integerFlag(opts.seed, '--seed', 0);
      const { space, accuracy } = searchSource(spacePath);
      const predictor = new EfficiencyPredictor(space, predictorOptions(opts, maxMs));
      const threads = integerFlag(opts.threads, '--threads', 1);
      // Patch-based plans are whole-graph only (no pieces); from the sources there is no worker script.
      if (threads > 1 && (predictor.options.plan.patch ?? 'none') === 'none') {
        if (pieceWorkersAvailable()) {
          const t0 = Date.now();
          const n = await planSpacePieces(predictor, threads);
          io.stderr(`tinyforge: planned the ${n} pieces of space ${space.name} on ${threads} threads in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        } else io.stderr('tinyforge: no built worker script (npm run build): pieces are planned on this thread as the search meets them\n');
      }
      const result = search(predictor, {
        agent: opts.agent,
        budget: integerFlag(opts.budget, '--budget', 1),
        seed,
        constraints,
        accuracy,
        population: integerFlag(opts.population, '--population', 2),
        mutationRate: fraction(opts.mutationRate, '--mutation-rate'),
        crossoverRate: fraction(opts.crossoverRate, '--crossover-rate'),
        parentsRatio: fraction(opts.parentsRatio, '--parents-ratio'),
      });
      const report = searchReport(space.name, seed, predictor.evaluated, constraints, accuracy.label, result);
      // Outputs are written whole (temporary file + rename): an interrupted search leaves none half-written.
      if (opts.out !== undefined) writeBytes(opts.out, JSON.stringify(result.best.arch, null, 2) + '\n', 'best architecture');
      if (opts.report !== undefined) writeBytes(opts.report, searchHtml(report, result.feasible), 'HTML report');
      const notes = [opts.out, opts.report].filter((p) => p !== undefined).map((p) => `wrote ${p}`);
      if (opts.json) {
        io.stdout(JSON.stringify(report, null, 2) + '\n');
        for (const n of notes) io.stderr(`tinyforge: ${n}\n`);
      } else {
        io.stdout(formatSearch(report) + '\n' + notes.map((n) => `  ${n}\n`).join(''));
      }
    });
}

/** The space to search and what ranks its members: a supernet folder's trained predictor, else the labelled MACs proxy. */
function searchSource(path: string): { space: SearchSpace; accuracy: AccuracyPredictor } {
  if (!isDirectory(path)) return { space: loadSpace(path), accuracy: MACS_PROXY };
  const m = readManifest(path);
  const json = readPredictorJson(path);
  if (json === null) return { space: m.space, accuracy: { ...MACS_PROXY, label: `${MACS_PROXY.label}; ${path} has no ${PREDICTOR} (run tinyforge nas accuracy ${path})` } };
  const where = join(path, PREDICTOR);
  if ((json as { spaceSha256?: unknown }).spaceSha256 !== m.spaceSha256) throw new ModelFormatError(`${where} was trained for another space than ${path}'s (space SHA-256 differs)`, { where });
  return { space: m.space, accuracy: parsePredictor(json, m.space, where) };
}

/** A count like 2000000, 2M or 500K (decimal: MACs are not bytes). */
export function parseCount(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg])?\s*$/i.exec(text);
  const v = m ? Number(m[1]) * ({ k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase() as 'k'] ?? 1) : NaN;
  if (!(Number.isSafeInteger(Math.round(v)) && v > 0)) throw new UsageError(`${flag} must be a positive count like 2000000, 2M or 500K, got "${text}"`, { flag, value: text });
  return Math.round(v);
}
