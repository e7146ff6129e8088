// tinyforge compile: a model to a deployable artifact for one target (wasm, c, ...).
import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliIO } from '../main.js';
import { UsageError } from '../../errors.js';
import { addPlanOptions, planOptionsFrom, type PlanFlags } from '../plan-options.js';
import { TARGETS, targetNames } from '../targets/index.js';
import { loadModel, makeFolder, refuseOverwrite, writeBytes } from '../io.js';
import { MANIFEST_FILE, updateManifest } from '../manifest.js';

export function registerCompile(program: Command, io: CliIO): void {
  let command = program
    .command('compile')
    .description('Compile a model for a target: planned memory, generated code, a loader')
    .argument('<model>', 'an int8 .tflite file')
    .addOption(new Option('--target <name>', `what to emit: ${TARGETS.map((t) => `${t.name} (${t.summary})`).join('; ')}`).choices(targetNames()).default('wasm'))
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--json', 'print a JSON summary (files, sizes, kernels)');
  for (const t of TARGETS) if (t.addOptions) command = t.addOptions(command);
  addPlanOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  tinyforge compile kws.tflite --target wasm --out web/\n' +
        '  tinyforge compile mcunet_vww.tflite --int8-io --patch auto --out web/ --embed\n' +
        'The wasm target writes model.wasm, model.mjs (`const model = await createModel()`) and model.d.mts.',
    )
    .action(async (model: string, opts: PlanFlags & { target: string; out: string; json?: boolean } & Record<string, unknown>) => {
      const target = TARGETS.find((t) => t.name === opts.target);
      if (!target) throw new UsageError(`unknown target ${opts.target}`);
      const modelName = basename(model).replace(/\.tflite$/i, '');
      const { compiled, files, summary, notes } = await target.emit({ graph: loadModel(model), plan: planOptionsFrom(opts), modelName, options: opts });
      refuseOverwrite([...files.map((f) => f.path), MANIFEST_FILE].map((f) => ({ path: join(opts.out, f), what: 'output file' })), [{ path: model, what: 'model' }]);
      makeFolder(opts.out, 'output folder');
      const written = files.map((f) => {
        const path = join(opts.out, f.path);
        if (f.path.includes('/')) makeFolder(dirname(path), 'output folder'); // a package's src/, examples/<name>/, ...
        writeBytes(path, f.contents, 'output file');
        return { path, bytes: typeof f.contents === 'string' ? Buffer.byteLength(f.contents) : f.contents.byteLength };
      });
      const stale = updateManifest(opts.out, files);
      if (opts.json) {
        io.stdout(JSON.stringify({ target: target.name, model: modelName, arenaBytes: compiled.schedule.arenaBytes, ...summary, files: written, removed: stale.removed, kept: stale.kept }, null, 2) + '\n');
      } else {
        for (const w of written) io.stdout(`wrote ${w.path} (${w.bytes} B)\n`);
        for (const f of stale.removed) io.stdout(`removed ${join(opts.out, f)} (written by the previous compile, not needed now)\n`);
        for (const f of stale.kept) io.stdout(`kept ${join(opts.out, f)} (written by the previous compile, changed since)\n`);
        io.stdout(`${target.name}: ${Object.entries(summary).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
        for (const n of notes ?? []) io.stdout(`${n}\n`);
      }
    });
}
