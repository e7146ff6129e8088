// tinyforge's command line: parses arguments, reads files, prints results. No compiler logic lives here.
import { basename } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { TinyforgeError, UsageError } from '../errors.js';
import { readTflite } from '../import/tflite/index.js';
import { formatInspect, inspectGraph } from '../report/inspect.js';
import { runReference } from '../reference/interpreter.js';
import { estimateFlash } from '../cost/flash.js';
import { parsePatch, planModel } from '../pipeline.js';
import { formatPlan, planReport } from '../report/plan.js';
import { runDemo } from './demo.js';
import { parseBytes } from './sizes.js';
import { readBytes, writeBytes } from './io.js';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const ENGINES = ['reference'] as const;

function loadModel(path: string) {
  return readTflite(readBytes(path, 'model file'));
}

function buildProgram(io: CliIO): Command {
  const program = new Command('tinyforge')
    .description('TinyML compiler: int8 .tflite models to planned-memory WebAssembly and Cortex-M C')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

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

  program
    .command('run')
    .description('Run a model on raw input tensors and write raw output tensors')
    .argument('<model>', 'an int8 .tflite file')
    .requiredOption('-i, --input <file...>', 'raw little-endian bytes of each model input, in order')
    .requiredOption('-o, --output <file...>', 'where to write each model output, in order')
    .addOption(new Option('--engine <name>', 'which executor runs the model').choices(ENGINES).default('reference'))
    .option('--json', 'print a JSON summary (engine, time, outputs)')
    .addHelpText(
      'after',
      '\nTensor files hold the tensor\'s raw bytes in its dtype and stored shape (row-major),\n' +
        'the format of ../shared/golden. Example:\n  tinyforge run kws.tflite --input in.bin --output out.bin',
    )
    .action((model: string, opts: { input: string[]; output: string[]; engine: string; json?: boolean }) => {
      const graph = loadModel(model);
      if (opts.output.length !== graph.outputs.length) {
        throw new UsageError(`model has ${graph.outputs.length} output(s), got ${opts.output.length} --output file(s)`);
      }
      const inputs = opts.input.map((f, i) => readBytes(f, `input ${i}`));
      const start = performance.now();
      const { outputs } = runReference(graph, inputs);
      const ms = performance.now() - start;
      outputs.forEach((bytes, i) => writeBytes(opts.output[i]!, bytes, `output ${i}`));
      const summary = outputs.map((bytes, i) => {
        const t = graph.tensors[graph.outputs[i]!]!;
        return { file: opts.output[i]!, tensor: t.name, dtype: t.dtype, shape: t.shape, bytes: bytes.byteLength };
      });
      if (opts.json) io.stdout(JSON.stringify({ engine: opts.engine, ms, outputs: summary }, null, 2) + '\n');
      else for (const s of summary) io.stdout(`wrote ${s.file}: ${s.tensor} ${s.dtype}[${s.shape.join(',')}] (${s.bytes} B) in ${ms.toFixed(1)} ms\n`);
    });

  program
    .command('plan')
    .description('Plan every byte of a model\'s SRAM: operator order, tensor offsets in one arena, in-place kernels; say whether it fits')
    .argument('<model>', 'an int8 .tflite file')
    .option('--sram <bytes>', 'SRAM budget, e.g. 256K or 262144')
    .option('--flash <bytes>', 'flash budget, e.g. 1M')
    .option('--int8-io', 'drop a leading QUANTIZE / trailing DEQUANTIZE: int8 input and output, as firmware uses them')
    .option('--no-inplace', 'no in-place kernels or input/output overlap (RESHAPE still aliases)')
    .option('--patch <setting>', 'patch-based inference: none, auto, or N@LAYER (N x N tiles up to op LAYER or the op writing tensor LAYER)', 'none')
    .option('--max-recompute <fraction>', 'with --patch auto: most extra MACs allowed, as a fraction of the model\'s', '0.25')
    .option('--alignment <bytes>', 'offset alignment, a power of two', '16')
    .option('--json', 'print the plan as JSON (peakBytes, lowerBoundBytes, flashBytes, fits, steps, buffers, ...)')
    .addHelpText(
      'after',
      '\npeakBytes counts everything that must be in RAM at run time: activations, the input and output\n' +
        'buffers, and kernel scratch. lowerBoundBytes is the most bytes live at any step; no placement can\n' +
        'go below it. Exit code 0 whether or not it fits; read "fits" in --json.\n\n' +
        'Examples:\n  tinyforge plan model.tflite --sram 256K\n  tinyforge plan model.tflite --int8-io --patch auto --sram 64K\n' +
        '  tinyforge plan model.tflite --patch 4@12 --json | jq .peakBytes',
    )
    .action(
      (
        model: string,
        opts: { sram?: string; flash?: string; int8Io?: boolean; inplace: boolean; patch: string; maxRecompute: string; alignment: string; json?: boolean },
      ) => {
        const original = loadModel(model);
        const budget = {
          sramBytes: opts.sram === undefined ? null : parseBytes(opts.sram, '--sram'),
          flashBytes: opts.flash === undefined ? null : parseBytes(opts.flash, '--flash'),
        };
        const maxRecompute = Number(opts.maxRecompute);
        if (!(maxRecompute >= 0)) throw new UsageError(`--max-recompute must be a non-negative fraction, got "${opts.maxRecompute}"`);
        const common = { int8Io: opts.int8Io === true, inplace: opts.inplace, alignment: parseBytes(opts.alignment, '--alignment'), maxRecompute };
        const result = planModel(original, { ...common, patch: parsePatch(opts.patch) });
        const suggestions: string[] = [];
        if (budget.sramBytes !== null && result.plan.arenaBytes > budget.sramBytes && !result.patch) {
          const auto = planModel(original, { ...common, patch: 'auto' });
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
      },
    );

  program
    .command('demo')
    .description('Build the bundled demo models, inspect them and run them (needs nothing but this package)')
    .option('--json', 'print the results as JSON')
    .action((opts: { json?: boolean }) => runDemo(io, opts.json === true));

  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 a TinyforgeError, 2 a usage error). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (e instanceof TinyforgeError) {
      io.stderr(`tinyforge: ${e.code}: ${e.message}\n`);
      return e.code === 'E_USAGE' ? 2 : 1;
    }
    io.stderr(`tinyforge: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 70;
  }
}
