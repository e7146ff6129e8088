// `tinyforge demo`: the main job end to end on the bundled models, needing nothing outside the package.
import { DEMO_MODELS } from '../../examples/models/index.js';
import { readTflite, writeTflite } from '../import/tflite/index.js';
import { xorshiftInputs } from '../reference/inputs.js';
import { runReference } from '../reference/interpreter.js';
import { inspectGraph } from '../report/inspect.js';
import type { CliIO } from './main.js';

export interface DemoResult {
  model: string;
  description: string;
  tfliteBytes: number;
  ops: number;
  macs: number;
  weightBytes: number;
  largestActivationBytes: number;
  referenceMs: number;
  output: number[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function runDemo(io: CliIO, json: boolean): void {
  const results: DemoResult[] = [];
  for (const demo of DEMO_MODELS) {
    // Through the file format and back, as a user's model would arrive.
    const bytes = writeTflite(demo.build());
    const graph = readTflite(bytes);
    const { totals } = inspectGraph(graph);
    const start = performance.now();
    const { outputs } = runReference(graph, xorshiftInputs(graph, 0));
    const referenceMs = performance.now() - start;
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
      referenceMs,
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
    const shown = r.output.slice(0, 12).map((v) => v.toFixed(3));
    io.stdout(`  reference run on input set 0: ${r.referenceMs.toFixed(1)} ms -> [${shown.join(', ')}${r.output.length > 12 ? ', …' : ''}]\n\n`);
  }
  io.stdout('Next: tinyforge inspect <model.tflite>, tinyforge run <model.tflite> --input in.bin --output out.bin (see --help).\n');
}
