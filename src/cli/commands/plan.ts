// tinyforge plan: the memory plan, the budget verdict, and what would make a model fit.
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { estimateFlash } from '../../cost/flash.js';
import { planModel } from '../../pipeline.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { formatPlan, planReport } from '../../report/plan.js';
import { loadModel } from '../io.js';
import { parseBytes } from '../sizes.js';

export function registerPlan(program: Command, io: CliIO): void {
  const command = program
    .command('plan')
    .description("Plan every byte of a model's SRAM: operator order, tensor offsets in one arena, in-place kernels; say whether it fits")
    .argument('<model>', 'an int8 .tflite file')
    .option('--sram <bytes>', 'SRAM budget, e.g. 256K or 262144')
    .option('--flash <bytes>', 'flash budget, e.g. 1M')
    .option('--json', 'print the plan as JSON (peakBytes, lowerBoundBytes, flashBytes, fits, steps, buffers, ...)');
  addPlanOptions(command)
    .addHelpText(
      'after',
      '\npeakBytes counts everything that must be in RAM at run time: activations, the input and output\n' +
        'buffers, and kernel scratch. lowerBoundBytes is the most bytes live at any step; no placement can\n' +
        'go below it. Exit code 0 whether or not it fits; read "fits" in --json.\n\n' +
        'Examples:\n  tinyforge plan model.tflite --sram 256K\n  tinyforge plan model.tflite --int8-io --patch auto --sram 64K\n' +
        '  tinyforge plan model.tflite --patch 4@12 --json | jq .peakBytes',
    )
    .action((model: string, opts: PlanFlags & { sram?: string; flash?: string; json?: boolean }) => {
      const original = loadModel(model);
      const budget = {
        sramBytes: opts.sram === undefined ? null : parseBytes(opts.sram, '--sram'),
        flashBytes: opts.flash === undefined ? null : parseBytes(opts.flash, '--flash'),
      };
      const options = planOptionsFrom(opts);
      const result = planModel(original, options);
      const suggestions: string[] = [];
      if (budget.sramBytes !== null && result.plan.arenaBytes > budget.sramBytes && !result.patch) {
        const auto = planModel(original, { ...options, patch: 'auto' });
        if (auto.patch && auto.plan.arenaBytes <= budget.sramBytes) {
          const layer = auto.graph.tensors[auto.graph.ops[auto.patch.splitOp]!.outputs[0]!]!.name;
          suggestions.push(`--patch '${auto.patch.tiles}@${layer}' would fit: peak ${auto.plan.arenaBytes} B with ${(auto.patch.extraMacsRatio * 100).toFixed(1)}% more MACs`);
        }
      }
      const patch = result.patch && {
        ...result.patch,
        splitTensor: result.graph.tensors[result.graph.ops[result.patch.splitOp]!.outputs[0]!]!.name,
      };
      const report = planReport(basename(model), result.plan, estimateFlash(result.graph), budget, {
        patch,
        layerByLayerBytes: result.layerByLayerBytes,
        suggestions,
      });
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatPlan(report) + '\n');
    });
}
