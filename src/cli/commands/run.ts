// tinyforge run: a model on raw input tensors, through one of the engines.
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { ENGINES, engineNames } from '../engines/index.js';
import { createCEngine } from '../engines/c.js';
import { BOARDS, boardFor, createQemuEngine } from '../engines/qemu.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { loadModel, readBytes, refuseOverwrite, writeBytes } from '../io.js';
import { applyPasses } from '../../passes/index.js';
import { requireQuantizedGraph } from '../../ir/float.js';
import { formatOutputValues, outputValues, TOP_K } from '../output-values.js';

export function registerRun(program: Command, io: CliIO): void {
  const command = program
    .command('run')
    .description('Run a model on raw input tensors; write the raw output tensors, or print their values')
    .argument('<model>', 'an int8 .tflite file')
    .requiredOption('-i, --input <file...>', 'raw little-endian bytes of each model input, in order')
    .option('-o, --output <file...>', `where to write each model output, in order; without it the outputs are printed (dequantized, top ${TOP_K} classes of a classifier)`)
    .addOption(new Option('--engine <name>', `which executor runs the planned model: ${ENGINES.map((e) => `${e.name} (${e.summary})`).join('; ')}`).choices(engineNames()).default('wasm'))
    .option('--sanitize', '(--engine c) build with AddressSanitizer and UBSan; the first finding fails the run')
    .option('--board <name>', `(--engine qemu-m4|qemu-m7) the QEMU machine: ${Object.values(BOARDS).map((b) => `${b.machine} (${b.engine}${b === boardFor(b.engine, undefined) ? ', its default' : ''})`).join(', ')}`)
    .option('--json', 'print a JSON summary (engine, what it measured, outputs: files written, or values and top classes)');
  addPlanOptions(command)
    .addHelpText(
      'after',
      "\nTensor files hold the tensor's raw bytes in its dtype and stored shape (row-major), the format\n" +
        'TFLite Micro reads and writes. With --int8-io the model takes and gives int8 tensors. Examples:\n' +
        '  tinyforge run kws.tflite --input in.bin --output out.bin\n' +
        '  tinyforge run kws.tflite --input in.bin          # prints the outputs and the top classes',
    )
    .action(async (model: string, opts: PlanFlags & { input: string[]; output?: string[]; engine: string; sanitize?: boolean; board?: string; json?: boolean }) => {
      if (opts.sanitize && opts.engine !== 'c') throw new UsageError(`--sanitize needs --engine c (the host build), got --engine ${opts.engine}`);
      const files = opts.output ?? [];
      refuseOverwrite(
        files.map((path, i) => ({ path, what: `output ${i}` })),
        [{ path: model, what: 'model' }, ...opts.input.map((path, i) => ({ path, what: `input ${i}` }))],
      );
      const graph = loadModel(model);
      if (opts.input.length !== graph.inputs.length) {
        throw new UsageError(`model has ${graph.inputs.length} input(s), got ${opts.input.length} --input file(s)`, { expected: graph.inputs.length, got: opts.input.length });
      }
      if (opts.output && files.length !== graph.outputs.length) {
        throw new UsageError(`model has ${graph.outputs.length} output(s), got ${files.length} --output file(s)`, { expected: graph.outputs.length, got: files.length });
      }
      const engine = opts.sanitize ? createCEngine({ sanitize: true }) : opts.board !== undefined ? createQemuEngine(boardFor(opts.engine, opts.board)) : ENGINES.find((e) => e.name === opts.engine)!;
      // Refused before any input is read or kernel built, naming the model, as compile does.
      if (engine.name !== 'reference') requireQuantizedGraph(graph, model, `the ${engine.name} engine runs integer-quantized kernels only (--engine reference runs float32)`);
      const inputs = opts.input.map((f, i) => readBytes(f, `input ${i}`));
      const plan = planOptionsFrom(opts);
      const { outputs, details } = await engine.run({ graph, inputs, plan });
      if (!opts.output) {
        // The bytes are the planned graph's outputs: int8 rather than float32 with --int8-io.
        const planned = applyPasses(graph, { int8Io: plan.int8Io ?? false });
        const values = outputs.map((bytes, i) => outputValues(i, planned.tensors[planned.outputs[i]!]!, bytes));
        if (opts.json) io.stdout(JSON.stringify({ engine: engine.name, ...details, outputs: values }, null, 2) + '\n');
        else io.stdout(values.map(formatOutputValues).join(''));
        return;
      }
      outputs.forEach((bytes, i) => writeBytes(files[i]!, bytes, `output ${i}`));
      const summary = outputs.map((bytes, i) => ({ file: files[i]!, bytes: bytes.byteLength }));
      if (opts.json) io.stdout(JSON.stringify({ engine: engine.name, ...details, outputs: summary }, null, 2) + '\n');
      else for (const s of summary) io.stdout(`wrote ${s.file} (${s.bytes} B) with the ${engine.name} engine\n`);
    });
}
