// tinyforge profile: per-layer MACs, bytes, arithmetic intensity, roofline bound and estimated cycles and
// milliseconds of the planned model on a Cortex-M core; optionally an HTML roofline report and measured
// per-layer wasm latency.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { CORES, DEVICES, type CoreId } from '../../cost/devices.js';
import { CPUS } from '../../cost/cpus.js';
import { profileSchedule } from '../../cost/profile.js';
import { UsageError } from '../../errors.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { formatProfile, profileReport } from '../../report/profile.js';
import { profileHtml } from '../../report/profile-html.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { createProgress } from '../progress.js';
import { loadModel, refuseOverwrite, writeBytes } from '../io.js';
import { measureWasmLayers } from '../measure-wasm.js';

interface ProfileFlags extends PlanFlags {
  cpu: CoreId;
  mhz?: string;
  json?: boolean;
  report?: string;
  measure?: 'wasm';
  runs: string;
}

export function registerProfile(program: Command, io: CliIO): void {
  const command = program
    .command('profile')
    .description('Per-layer MACs, bytes, arithmetic intensity, compute/memory bound and estimated cycles and ms on a Cortex-M core')
    .argument('<model>', 'an int8 .tflite file')
    .addOption(new Option('--cpu <core>', `the device model: ${CPUS.join('|')}, the --cpu list of plan and compile (generic, portable C for any core, has none)`).choices([...CPUS]).default('cortex-m4'))
    .option('--mhz <n>', `clock in MHz (default: the core's typical clock: ${CORES.map((c) => `${c.replace('cortex-', '')} ${DEVICES[c].defaultMhz}`).join(', ')})`)
    .option('--json', 'print the profile as JSON (device, calibration, layers, totals)')
    .option('--report <file>', 'also write a self-contained HTML page: roofline chart, per-layer cycle bars, the table')
    .addOption(new Option('--measure <engine>', 'add measured per-layer latency: wasm (each op\'s calls compiled and timed in this process)').choices(['wasm']))
    .option('--runs <n>', 'with --measure: timed runs per layer (the median is reported)', '20');
  addPlanOptions(command)
    .addHelpText(
      'after',
      '\nColumns: MACs; params (weight elements); weight bytes; activation bytes in and out (patch tiles with\n' +
        'their halos); MAC/B = arithmetic intensity (MACs per byte moved: weights + activations); bound =\n' +
        'memory when moving the bytes at the core\'s SRAM/flash bandwidth takes longer than the MAC loop;\n' +
        'estimated cycles and ms at --mhz; share of the model\'s time. The Cortex-M4 instruction model is\n' +
        'calibrated on QEMU (BENCHMARKS.md, "Profiler calibration"); cycles use a stated CPI per kernel kind.\n\n' +
        'Examples:\n  tinyforge profile model.tflite\n  tinyforge profile model.tflite --cpu cortex-m7 --mhz 280 --report profile.html\n' +
        '  tinyforge profile model.tflite --int8-io --patch auto --json | jq .totals.ms\n  tinyforge profile model.tflite --measure wasm',
    )
    .action(async (model: string, opts: ProfileFlags) => {
      if (!(CORES as readonly string[]).includes(opts.cpu)) {
        throw new UsageError(`profile --cpu ${opts.cpu}: no device model (generic is portable C without the DSP paths, for any core); profile one of ${CORES.join(', ')}`, { cpu: opts.cpu, cores: [...CORES] });
      }
      const device = DEVICES[opts.cpu];
      let mhz = device.defaultMhz;
      if (opts.mhz !== undefined) {
        mhz = Number(opts.mhz);
        if (!(mhz > 0) || !Number.isFinite(mhz)) throw new UsageError(`--mhz takes a positive number of MHz, got "${opts.mhz}"`);
      }
      const runs = Number(opts.runs);
      if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs takes a positive integer, got "${opts.runs}"`);
      const options = planOptionsFrom(opts);
      if (opts.report !== undefined) refuseOverwrite([{ path: opts.report, what: '--report' }], [{ path: model, what: 'model' }]);
      const original = loadModel(model);
      const search = createProgress(io, 'patch search', { json: opts.json === true });
      // --measure wasm runs the wasm kernels: the plan then places their workspace
      const backend = opts.measure === 'wasm' ? 'wasm' : 'c';
      const planned = planModel(original, { ...options, backend, onProgress: search.enabled ? (d, t) => search.update(d, t) : undefined });
      search.end();
      const schedule = scheduleOf(planned.plan);
      const profile = profileSchedule(schedule, { device, mhz });
      let measured = null;
      if (opts.measure === 'wasm') {
        const progress = createProgress(io, 'measuring wasm layers', { json: opts.json === true });
        measured = await measureWasmLayers(schedule, { runs, onProgress: (d, t) => progress.update(d, t) });
        progress.end();
      }
      const report = profileReport(basename(model), profile, { arenaBytes: planned.plan.arenaBytes, patch: planned.patch, measured });
      if (opts.report !== undefined) writeBytes(opts.report, profileHtml(report), 'HTML report');
      if (opts.json) {
        io.stdout(JSON.stringify(report, null, 2) + '\n');
        if (opts.report !== undefined) io.stderr(`tinyforge: wrote ${opts.report}\n`);
      } else {
        io.stdout(formatProfile(report) + '\n' + (opts.report !== undefined ? `  wrote ${opts.report}\n` : ''));
      }
    });
}
