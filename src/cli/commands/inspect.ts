// tinyforge inspect: a model's ops, shapes, MACs and weights, and every op we cannot run yet (node index
// and the reason compile gives); for a model whose operators the importer refuses, just those, still exiting 0.
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';
import { UnsupportedError } from '../../errors.js';
import { readTflite, unsupportedOperators } from '../../import/tflite/index.js';
import { formatInspect, formatUnsupported, inspectGraph, type UnsupportedReport } from '../../report/inspect.js';
import { listingDerive, opsWeCannotRun } from '../../report/runnable.js';
import { readBytes } from '../io.js';

export function registerInspect(program: Command, io: CliIO): void {
  program
    .command('inspect')
    .description('List a model\'s operators with shapes, MACs and weight bytes, and its tensors; or the operators we cannot run yet')
    .argument('<model>', 'an int8 .tflite file')
    .option('--json', 'print the report as JSON (ops, tensors, totals, unsupported)')
    .addHelpText('after', '\nExample:\n  tinyforge inspect model.tflite\n  tinyforge inspect model.tflite --json | jq .totals')
    .action((model: string, opts: { json?: boolean }) => {
      const bytes = readBytes(model, 'model file');
      let report;
      try {
        // an op whose params we refuse still loads here (null params), to be listed with the rest
        const { derive, refused } = listingDerive();
        const graph = readTflite(bytes, derive);
        report = { ...inspectGraph(graph), unsupported: opsWeCannotRun(graph, refused) };
      } catch (e) {
        const unsupported = e instanceof UnsupportedError ? unsupportedOperators(bytes) : [];
        if (unsupported.length === 0) throw e; // refused for something other than its operators
        const r: UnsupportedReport = { error: { code: (e as UnsupportedError).code, message: (e as UnsupportedError).message }, unsupported };
        io.stdout(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatUnsupported(basename(model), r) + '\n');
        return;
      }
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatInspect(basename(model), report) + '\n');
    });
}
