// tinyforge run: a model on raw input tensors, through one of the engines.
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { ENGINES, engineNames } from '../engines/index.js';
import { createCEngine } from '../engines/c.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { loadModel, readBytes, refuseOverwrite, writeBytes } from '../io.js';

export function registerRun(program: Command, io: CliIO): void {
  const command = program
    .command('run')
    .description('Run a model on raw input tensors and write raw output tensors')
    .argument('<model>', 'an int8 .tflite file')
    .requiredOption('-i, --input <file...>', 'raw little-endian bytes of each model input, in order')
    .requiredOption('-o, --output <file...>', 'where to write each model output, in order')
    .addOption(new Option('--engine <name>', `which executor runs the planned model: ${ENGINES.map((e) => `${e.name} (${e.summary})`).join('; ')}`).choices(engineNames()).default('wasm'))
    .option('--sanitize', '(--engine c) build with AddressSanitizer and UBSan; the first finding fails the run')
    .option('--json', 'print a JSON summary (engine, what it measured, outputs)');
  addPlanOptions(command)
    .addHelpText(
      'after',
      "\nTensor files hold the tensor's raw bytes in its dtype and stored shape (row-major), the format\n" +
        'of ../shared/golden. With --int8-io the model takes and gives int8 tensors. Example:\n' +
        '  tinyforge run kws.tflite --input in.bin --output out.bin',
    )
    .action(async (model: string, opts: PlanFlags & { input: string[]; output: string[]; engine: string; sanitize?: boolean; json?: boolean }) => {
      if (opts.sanitize && opts.engine !== 'c') throw new UsageError(`--sanitize needs --engine c (the host build), got --engine ${opts.engine}`);
      refuseOverwrite(
        opts.output.map((path, i) => ({ path, what: `output ${i}` })),
        [{ path: model, what: 'model' }, ...opts.input.map((path, i) => ({ path, what: `input ${i}` }))],
      );
      const graph = loadModel(model);
      if (opts.input.length !== graph.inputs.length) {
        throw new UsageError(`model has ${graph.inputs.length} input(s), got ${opts.input.length} --input file(s)`, { expected: graph.inputs.length, got: opts.input.length });
      }
      if (opts.output.length !== graph.outputs.length) {
        throw new UsageError(`model has ${graph.outputs.length} output(s), got ${opts.output.length} --output file(s)`, { expected: graph.outputs.length, got: opts.output.length });
      }
      const inputs = opts.input.map((f, i) => readBytes(f, `input ${i}`));
      const engine = opts.sanitize ? createCEngine({ sanitize: true }) : ENGINES.find((e) => e.name === opts.engine)!;
      const { outputs, details } = await engine.run({ graph, inputs, plan: planOptionsFrom(opts) });
      outputs.forEach((bytes, i) => writeBytes(opts.output[i]!, bytes, `output ${i}`));
      const summary = outputs.map((bytes, i) => ({ file: opts.output[i]!, bytes: bytes.byteLength }));
      if (opts.json) io.stdout(JSON.stringify({ engine: engine.name, ...details, outputs: summary }, null, 2) + '\n');
      else for (const s of summary) io.stdout(`wrote ${s.file} (${s.bytes} B) with the ${engine.name} engine\n`);
    });
}
