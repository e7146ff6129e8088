// tinyforge inspect: a model's ops, shapes, MACs and weights.
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { formatInspect, inspectGraph } from '../../report/inspect.js';
import { loadModel } from '../io.js';

export function registerInspect(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description('List a model\'s operators with shapes, MACs and weight bytes, and its tensors')
    .argument('<model>', 'an int8 .tflite file')
    .option('--json', 'print the report as JSON (ops, tensors, totals)')
    .addHelpText('after', '\nExample:\n  tinyforge inspect model.tflite\n  tinyforge inspect model.tflite --json | jq .totals')
    .action((model: string, opts: { json?: boolean }) => {
      const report = inspectGraph(loadModel(model));
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatInspect(basename(model), report) + '\n');
    });
}
