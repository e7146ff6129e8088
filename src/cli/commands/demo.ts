// `tinyforge demo`: the main job end to end on the bundled models, needing nothing outside the package.
import { DEMO_MODELS } from '../../../examples/models/index.js';
import { readTflite, writeTflite } from '../../import/tflite/index.js';
import { xorshiftInputs } from '../../reference/inputs.js';
import { compileModel, planModel, scheduleOf } from '../../pipeline.js';
import { runSchedule } from '../../reference/execute.js';
import { inspectGraph } from '../../report/inspect.js';
import { loadWasmBackend } from '../../../codegen/wasm/backend.js';
import { loadKernelLibrary } from '../../package-asset.js';
import type { Command } from 'commander';
import type { CliIO } from '../main.js';

export interface DemoResult {
  model: string;
  description: string;
  tfliteBytes: number;
  ops: number;
  macs: number;
  weightBytes: number;
  largestActivationBytes: number;
  /** Planned peak SRAM (in-place on, and off for comparison) and its lower bound. */
  peakBytes: number;
  peakBytesNoInplace: number;
  lowerBoundBytes: number;
  referenceMs: number;
  /** The compiled WebAssembly module: its size, median ms per inference, and whether its bytes equal the reference's. */
  wasmBytes: number;
  wasmMs: number;
  wasmMatchesReference: boolean;
  output: number[];
}

/** Median ms of `run` over enough calls to take at least ~50 ms (after one warm-up call). */
function medianMs(run: () => void): number {
  run();
  const times: number[] = [];
  const until = performance.now() + 50;
  while (times.length < 5 || (performance.now() < until && times.length < 200)) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export async function runDemo(io: CliIO, json: boolean): Promise<void> {
  const library = await loadKernelLibrary(true);
  const { instantiateEmitted, runLoaded } = await loadWasmBackend();
  const results: DemoResult[] = [];
  for (const demo of DEMO_MODELS) {
    // Through the file format and back, as a user's model would arrive.
    const bytes = writeTflite(demo.build());
    const graph = readTflite(bytes);
    const { totals } = inspectGraph(graph);
    // planned for the wasm kernels this demo runs (their workspace is in the arena)
    const { plan } = planModel(graph, { backend: 'wasm' });
    const peakBytesNoInplace = planModel(graph, { inplace: false, backend: 'wasm' }).plan.arenaBytes;
    const start = performance.now();
    const inputs = xorshiftInputs(graph, 0);
    const { outputs } = runSchedule(scheduleOf(plan), inputs);
    const referenceMs = performance.now() - start;
    // The same plan compiled to one WebAssembly module, run here in Node.
    const compiled = await compileModel(graph, { target: 'wasm', kernels: library, simd: true });
    const loaded = await instantiateEmitted(compiled.wasm.emitted);
    const wasmOutputs = runLoaded(loaded, inputs);
    const wasmMs = medianMs(() => runLoaded(loaded, inputs));
    const out = graph.tensors[graph.outputs[0]!]!;
    const q = out.quant;
    const raw = out.dtype === 'int8' ? Array.from(new Int8Array(outputs[0]!.buffer)) : Array.from(outputs[0]!);
    const output = q ? raw.map((v) => (v - q.zeroPoints[0]!) * q.scales[0]!) : raw;
    results.push({
      model: demo.name,
      description: demo.description,
      tfliteBytes: bytes.byteLength,
      ops: totals.ops,
      macs: totals.macs,
      weightBytes: totals.weightBytes,
      largestActivationBytes: totals.largestActivationBytes,
      peakBytes: plan.arenaBytes,
      peakBytesNoInplace,
      lowerBoundBytes: plan.lowerBoundBytes,
      referenceMs,
      wasmBytes: compiled.wasm.emitted.wasm.byteLength,
      wasmMs,
      wasmMatchesReference: wasmOutputs.every((o, i) => o.length === outputs[i]!.length && o.every((b, j) => b === outputs[i]![j])),
      output,
    });
  }
  if (json) {
    io.stdout(JSON.stringify(results, null, 2) + '\n');
    return;
  }
  for (const r of results) {
    io.stdout(`${r.model}: ${r.description}\n`);
    io.stdout(
      `  .tflite ${fmt(r.tfliteBytes)} B, ${r.ops} ops, ${fmt(r.macs)} MACs, weights ${fmt(r.weightBytes)} B, largest activation ${fmt(r.largestActivationBytes)} B\n`,
    );
    io.stdout(
      `  planned SRAM ${fmt(r.peakBytes)} B (lower bound ${fmt(r.lowerBoundBytes)} B; ${fmt(r.peakBytesNoInplace)} B without in-place kernels)\n`,
    );
    const shown = r.output.slice(0, 12).map((v) => v.toFixed(3));
    io.stdout(`  reference kernels in that arena, input set 0: ${r.referenceMs.toFixed(1)} ms -> [${shown.join(', ')}${r.output.length > 12 ? ', …' : ''}]\n`);
    io.stdout(
      `  compiled to WebAssembly: ${fmt(r.wasmBytes)} B module (weights included), ${r.wasmMs.toFixed(3)} ms per inference, ` +
        `${r.wasmMatchesReference ? 'same output bytes as the reference' : 'OUTPUT DIFFERS FROM THE REFERENCE'}\n\n`,
    );
  }
  io.stdout('Next: tinyforge inspect|plan|profile <model.tflite>, tinyforge compile <model.tflite> --target wasm|c --out DIR (see --help).\n');
}

export function registerDemo(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('Build the bundled demo models, plan their memory, run them in the planned arena and compiled to WebAssembly (needs nothing but this package)')
    .option('--json', 'print the results as JSON')
    .action((opts: { json?: boolean }) => runDemo(io, opts.json === true));
}
