// The c engine: the model as generated C (codegen/c), compiled with the host gcc against the kernel
// library, run on the inputs; outputs read back. `run --engine c --sanitize` and the tests build it with
// AddressSanitizer and UBSan.
import { join } from 'node:path';
import { emitC } from '../../../codegen/c/emit.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { ToolchainError } from '../../errors.js';
import { buildDir, compile, hostToolchain, kernelArchive, removeDir, runTool, templatesDir, writeFiles } from '../c-toolchain.js';
import type { Schedule } from '../../schedule/types.js';
import { inputFile, outputFile, readOutputRecords, writeInputRecords } from './records.js';
import type { Engine, EngineRun } from './types.js';

export interface CEngineOptions {
  /** -fsanitize=address,undefined on the kernels and the model (tests). */
  sanitize?: boolean;
  timeoutMs?: number;
}

/** A model compiled for the host, ready to run on any number of input sets. */
export interface PreparedModel {
  run(inputs: Uint8Array[]): EngineRun;
  /** Every input set in one process (the harness loops over the records); outputs in order. */
  runBatch(sets: Uint8Array[][]): Uint8Array[][];
  dispose(): void;
  details: Record<string, unknown>;
}

/** The line of a sanitizer report that says what was found (ASan's SUMMARY, UBSan's "runtime error"). */
export function sanitizerFinding(output: string): string | null {
  const lines = output.split('\n');
  return lines.find((l) => /runtime error:/.test(l))?.trim() ?? lines.find((l) => /^SUMMARY: \w+Sanitizer:/.test(l))?.trim() ?? null;
}

/** Runs a compiled host program; a failure (a sanitizer finding, a crash, a timeout) is one ToolchainError line. */
export function runCompiled(program: string, args: string[], cwd: string, timeoutMs = 300_000): void {
  const run = runTool(program, args, { cwd, timeoutMs });
  if (run.status === 0 && !run.timedOut) return;
  const output = run.stderr || run.stdout;
  const finding = sanitizerFinding(output);
  const why = run.timedOut ? `timed out after ${timeoutMs} ms` : finding !== null ? `failed a sanitizer check: ${finding}` : `exited with ${run.status}: ${output.trim().split('\n')[0] ?? ''}`;
  throw new ToolchainError(`the compiled model ${why}`, { status: run.status, output });
}

/** Generates and compiles a Schedule for the host; run() executes it on one input set, runBatch() on many. */
export function prepareHostC(schedule: Schedule, options: CEngineOptions = {}): PreparedModel {
  const model = emitC(schedule);
  const tc = hostToolchain(options.sanitize ?? false);
  const lib = kernelArchive(tc);
  const dir = buildDir('c');
  try {
    writeFiles(dir, model.files);
    const start = performance.now();
    compile(tc.cc, [...tc.cflags, '-I', lib.includeDir, '-I', dir, 'model.c', join(templatesDir(), 'harness', 'host_main.c'), lib.archive, '-o', 'model'], dir);
    const details = { sanitize: options.sanitize ?? false, arenaBytes: model.arenaBytes, constBytes: model.constBytes, kernels: model.symbols, compileMs: performance.now() - start };
    const runBatch = (sets: Uint8Array[][]): Uint8Array[][] => {
      if (sets.length === 0) return [];
      writeInputRecords(dir, schedule, sets);
      const args = [...schedule.inputs.map((_, i) => inputFile(i)), ...schedule.outputs.map((_, i) => outputFile(i))];
      runCompiled(join(dir, 'model'), args, dir, options.timeoutMs);
      return readOutputRecords(dir, schedule, sets.length, 'the compiled model');
    };
    return {
      details,
      runBatch,
      run: (inputs) => ({ outputs: runBatch([inputs])[0]!, details }),
      dispose: () => removeDir(dir),
    };
  } catch (e) {
    removeDir(dir);
    throw e;
  }
}

export function createCEngine(options: CEngineOptions = {}): Engine {
  return {
    name: 'c',
    summary: 'generated C compiled with the host gcc (portable kernels)',
    async run({ graph, inputs, plan }) {
      const prepared = prepareHostC(scheduleOf(planModel(graph, plan).plan), options);
      try {
        return prepared.run(inputs);
      } finally {
        prepared.dispose();
      }
    },
  };
}

export const cEngine: Engine = createCEngine();
