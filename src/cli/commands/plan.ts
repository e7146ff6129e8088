// tinyforge plan: the memory plan, the budget verdict, and what would make a model fit; optionally an
// HTML report of it and a copy of the model carrying it as TFLite Micro's offline allocation.
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { estimateFlash, weightsOnlyFlash } from '../../cost/flash.js';
import { UsageError } from '../../errors.js';
import { writeTflite } from '../../import/tflite/index.js';
import { checkArenaLimit, planModel, scheduleOf, type ModelPlan } from '../../pipeline.js';
import { planForTflm, withTflmOfflinePlan } from '../../plan/tflm-offline.js';
import { addPlanOptions, addRamOptions, planOptionsFrom, ramOptionsFrom, type PlanFlags, type RamFlags } from '../plan-options.js';
import { scheduleStack, type StackEstimate } from '../../cost/stack.js';
import { formatPlan, planReport } from '../../report/plan.js';
import { planHtml } from '../../report/plan-html.js';
import { loadModel, refuseOverwrite, writeBytes, type NamedPath } from '../io.js';
import { EXIT_NOT_FITS, ExitStatus } from '../exit-status.js';
import { createProgress } from '../progress.js';
import { parseBytes } from '../sizes.js';
import { BOARDS } from '../engines/qemu.js';

interface PlanCommandFlags extends PlanFlags, RamFlags {
  sram?: string;
  flash?: string;
  json?: boolean;
  report?: string;
  emitTflmPlan?: string;
  failIfNotFits?: boolean;
  board?: string;
  target: 'c' | 'wasm';
}

export function registerPlan(program: Command, io: CliIO): void {
  const command = program
    .command('plan')
    .description("Plan every byte of a model's SRAM: operator order, tensor offsets in one arena, in-place kernels; say whether it fits")
    .argument('<model>', 'an int8 .tflite file')
    .option('--sram <bytes>', 'SRAM budget, e.g. 256K or 262144')
    .option('--flash <bytes>', 'flash budget, e.g. 1M')
    .option('--board <name>', `a board's budgets and core: ${Object.values(BOARDS).map((b) => `${b.machine} (${b.ramBytes / 1024} KiB RAM, ${b.flashBytes / 1024} KiB flash, ${b.cpu})`).join(', ')}; --sram/--flash override its figures`)
    .addOption(new Option('--target <backend>', "whose kernel workspace the arena holds: c (the MCU's C kernels) or wasm; they need different amounts").choices(['c', 'wasm']).default('c'))
    .option('--json', 'print the plan as JSON (peakBytes, lowerBoundBytes, flashBytes, fits, steps, buffers, ...)')
    .option('--report <file>', 'also write the plan as a self-contained HTML page (arena chart and step table)')
    .option('--emit-tflm-plan <file>', "write a copy of the model whose OfflineMemoryAllocation metadata makes TFLite Micro use this plan's offsets (see below)")
    .option('--fail-if-not-fits', `exit ${EXIT_NOT_FITS} when the plan does not fit --sram/--flash (for CI scripts); the report is printed either way`);
  addRamOptions(addPlanOptions(command))
    .addHelpText(
      'after',
      '\npeakBytes counts everything that must be in RAM at run time: activations, the input and output\n' +
        "buffers, kernel scratch and the kernels' workspace (sized for --target's kernels). lowerBoundBytes\n" +
        'is the most bytes live at any step; no placement can go below it. "fits" compares arena + stack +\n' +
        'static data + --reserve with --sram: stackBytes is the\n' +
        "generated C's worst-case stack on --cpu (compiler frame sizes over the model's call graph), staticBytes\n" +
        `its .data/.bss besides the arena. Exit code 0 whether or not it fits (read "fits" in --json), or ${EXIT_NOT_FITS}\n` +
        'with --fail-if-not-fits.\n\n' +
        '--emit-tflm-plan plans the model as TFLite Micro runs it: the stored ops in stored order (no PAD\n' +
        'folding) with its own kernels, so in-place kernels are off, RESHAPE aliases but SQUEEZE copies; it\n' +
        'refuses --patch and --int8-io (TFLM cannot run tiles or a changed graph).\n' +
        'The report printed is that plan. TFLM adds its kernels\' scratch and its persistent data to the arena.\n\n' +
        'Examples:\n  tinyforge plan model.tflite --sram 256K\n  tinyforge plan model.tflite --int8-io --patch auto --sram 64K --report plan.html\n' +
        '  tinyforge plan model.tflite --patch 4@12 --json | jq .peakBytes\n  tinyforge plan model.tflite --emit-tflm-plan model_planned.tflite',
    )
    .action((model: string, opts: PlanCommandFlags, cmd: Command) => {
      const board = opts.board === undefined ? null : BOARDS[opts.board];
      if (board === undefined) throw new UsageError(`--board must be one of ${Object.keys(BOARDS).join(', ')}, got "${opts.board}"`, { board: opts.board });
      const budget = {
        sramBytes: opts.sram === undefined ? (board?.ramBytes ?? null) : parseBytes(opts.sram, '--sram'),
        flashBytes: opts.flash === undefined ? (board?.flashBytes ?? null) : parseBytes(opts.flash, '--flash'),
      };
      if (board) {
        if (cmd.getOptionValueSource('cpu') === 'cli' && opts.cpu !== board.cpu) throw new UsageError(`--board ${board.machine} is a ${board.cpu}, got --cpu ${opts.cpu}`, { board: board.machine, cpu: opts.cpu });
        opts.cpu = board.cpu; // the board's core: its stack and flash figures
      }
      if (opts.failIfNotFits && budget.sramBytes === null && budget.flashBytes === null) {
        throw new UsageError('--fail-if-not-fits needs a budget to check: give --sram and/or --flash');
      }
      const options = { ...planOptionsFrom(opts), backend: opts.target };
      const ram = ramOptionsFrom(opts);
      // arena + the generated C's stack and static data + the application's reserve: what --sram is compared with
      const ramOf = (r: ModelPlan, stack: StackEstimate | null) => r.plan.arenaBytes + (stack ? stack.stackBytes + stack.staticBytes : 0) + ram.reserveBytes;
      const tflm = opts.emitTflmPlan !== undefined;
      if (tflm && options.patch !== 'none') {
        throw new UsageError(`--emit-tflm-plan cannot be used with --patch ${opts.patch}: TFLite Micro runs whole layers with its own kernels, not tiles`);
      }
      if (tflm && options.int8Io) {
        throw new UsageError('--emit-tflm-plan cannot be used with --int8-io: TFLite Micro runs the model as stored, QUANTIZE and DEQUANTIZE included');
      }
      const outputs: NamedPath[] = [];
      if (opts.report !== undefined) outputs.push({ path: opts.report, what: '--report' });
      if (tflm) outputs.push({ path: opts.emitTflmPlan!, what: '--emit-tflm-plan' });
      refuseOverwrite(outputs, [{ path: model, what: 'model' }]);
      const original = loadModel(model);
      let result: ModelPlan;
      const suggestions: string[] = [];
      if (tflm) {
        checkArenaLimit(original, options);
        const plan = planForTflm(original, { alignment: options.alignment! });
        writeBytes(opts.emitTflmPlan!, writeTflite(withTflmOfflinePlan(original, plan)), 'TFLM model');
        result = { graph: original, plan, patch: null, layerByLayerBytes: null, candidates: [] };
      } else {
        const search = createProgress(io, 'patch search', { json: opts.json === true });
        result = planModel(original, { ...options, onProgress: search.enabled ? (d, t) => search.update(d, t) : undefined });
        search.end();
        if (budget.sramBytes !== null && ramOf(result, scheduleStack(scheduleOf(result.plan), ram.cpu)) > budget.sramBytes && !result.patch) {
          const auto = planModel(original, { ...options, patch: 'auto' });
          const autoRam = auto.patch ? ramOf(auto, scheduleStack(scheduleOf(auto.plan), ram.cpu)) : Infinity;
          if (auto.patch && autoRam <= budget.sramBytes) {
            const layer = auto.graph.tensors[auto.graph.ops[auto.patch.splitOp]!.outputs[0]!]!.name;
            suggestions.push(`--patch '${auto.patch.tiles}@${layer}' would fit: peak ${auto.plan.arenaBytes} B (RAM ${autoRam} B) with ${(auto.patch.extraMacsRatio * 100).toFixed(1)}% more MACs`);
          }
        }
      }
      const patch = result.patch && {
        ...result.patch,
        splitTensor: result.graph.tensors[result.graph.ops[result.patch.splitOp]!.outputs[0]!]!.name,
      };
      // A TFLM plan runs TFLM's kernels: their stack is not ours to compute.
      const stack = tflm ? null : scheduleStack(scheduleOf(result.plan), ram.cpu);
      const report = planReport(basename(model), result.plan, tflm ? weightsOnlyFlash(result.graph) : estimateFlash(scheduleOf(result.plan), ram.cpu), { ...budget, reserveBytes: ram.reserveBytes, stack }, {
        patch,
        layerByLayerBytes: result.layerByLayerBytes,
        suggestions,
      });
      if (opts.report !== undefined) writeBytes(opts.report, planHtml(report), 'HTML report');
      const notes: string[] = [];
      if (opts.report !== undefined) notes.push(`wrote ${opts.report}`);
      if (tflm) notes.push(`wrote ${opts.emitTflmPlan}: TFLM offline plan for ${report.buffers.filter((b) => b.aliasOf === null).length} buffers, ${report.peakBytes} B of arena head (plus TFLM's scratch and persistent allocations)`);
      if (opts.json) {
        io.stdout(JSON.stringify(report, null, 2) + '\n');
        for (const n of notes) io.stderr(`tinyforge: ${n}\n`);
      } else {
        io.stdout(formatPlan(report) + '\n' + notes.map((n) => `  ${n}\n`).join(''));
      }
      if (opts.failIfNotFits && !report.fits) throw new ExitStatus(EXIT_NOT_FITS, 'the plan does not fit its budget');
    });
}
