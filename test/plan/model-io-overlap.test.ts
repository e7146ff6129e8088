// Model inputs and outputs the model returns must survive every overlap the planner allows: a model
// output (or a buffer aliased by one, through RESHAPE) read by an in-place/streaming op keeps its
// value; a plain model input may still be consumed. Each model runs with default planning on the
// reference executor and in wasm, compared with --no-inplace; the verifier catches a hand-made plan
// that overwrites a returned buffer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { ModelBuilder, type TensorHandle } from '../../src/builder/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { verifyPlan } from '../../src/plan/verify.js';
import { runSchedule } from '../../src/reference/execute.js';
import { REPO_ROOT } from '../helpers/shared.js';

const SHAPE = [1, 4, 4, 8];

function model(name: string, body: (b: ModelBuilder, x: TensorHandle) => TensorHandle[]): { graph: Graph; inputs: Uint8Array[] } {
  const b = new ModelBuilder({ name, seed: 7 });
  const x = b.input('x', SHAPE, { scale: 0.05, zeroPoint: -3 });
  for (const out of body(b, x)) b.output(out);
  // Odd calibration samples are uniform random bytes: every output value is exercised.
  return { graph: b.build(), inputs: b.calibrationInputs()[1]! };
}

const conv = (b: ModelBuilder, x: TensorHandle) => b.conv2d(x, { filters: 8, kernel: 1, name: 'logits' });

const CASES: Record<string, () => { graph: Graph; inputs: Uint8Array[] }> = {
  // outputs [logits, LOGISTIC(logits)]: the LOGISTIC would stream over logits.
  'an op output that is a model output': () =>
    model('logits_and_sigmoid', (b, x) => {
      const logits = conv(b, x);
      return [logits, b.logistic(logits)];
    }),
  // outputs [x, LOGISTIC(x)]: the model input is also returned.
  'a model input that is also a model output': () => model('input_returned', (b, x) => [x, b.logistic(x)]),
  // outputs [logits, LOGISTIC(RESHAPE(logits))]: the alias's root is a model output.
  'a RESHAPE alias of a model output': () =>
    model('reshaped_output_read', (b, x) => {
      const logits = conv(b, x);
      return [logits, b.logistic(b.reshape(logits, [1, 128]))];
    }),
  // outputs [RESHAPE(a), LOGISTIC(a)]: the model output is the alias, a its root.
  'a buffer aliased by a model output': () =>
    model('alias_is_output', (b, x) => {
      const a = conv(b, x);
      return [b.reshape(a, [1, 128]), b.logistic(a)];
    }),
};

const library = () => new Uint8Array(readFileSync(join(REPO_ROOT, 'build', 'kernels.simd.wasm')));

async function runBoth(graph: Graph, inputs: Uint8Array[], options: PlanModelOptions) {
  const { plan } = planModel(graph, { ...options, backend: 'wasm' });
  expect(verifyPlan(plan)).toEqual([]);
  const schedule = scheduleOf(plan);
  const reference = runSchedule(schedule, inputs).outputs;
  const wasm = runLoaded(await instantiateEmitted(emitWasm(schedule, { library: library(), simd: true })), inputs);
  return { plan, reference, wasm };
}

describe('planner: bytes the model returns are never overwritten', () => {
  for (const [label, make] of Object.entries(CASES)) {
    it(`${label}: default planning returns the same bytes as --no-inplace (reference and wasm)`, async () => {
      const { graph, inputs } = make();
      const want = (await runBoth(graph, inputs, { inplace: false })).reference;
      // The outputs differ from each other, so an overwritten first output would show.
      expect(Buffer.from(want[0]!).equals(Buffer.from(want[1]!))).toBe(false);
      const got = await runBoth(graph, inputs, {});
      expect(got.reference.map((o) => [...o])).toEqual(want.map((o) => [...o]));
      expect(got.wasm.map((o) => [...o])).toEqual(want.map((o) => [...o]));
    });
  }

  it('a patched plan (2x2 tiles up to op 1) keeps a model output its LOGISTIC reads', () => {
    const b = new ModelBuilder({ name: 'patched_logits', seed: 7 });
    const x = b.input('x', [1, 8, 8, 4], { scale: 0.05, zeroPoint: -3 });
    const logits = b.conv2d(b.conv2d(x, { filters: 8, kernel: 3 }), { filters: 8, kernel: 3, name: 'logits' });
    b.output(logits);
    b.output(b.logistic(logits));
    const [graph, inputs] = [b.build(), b.calibrationInputs()[1]!];
    const want = runSchedule(scheduleOf(planModel(graph, { inplace: false }).plan), inputs).outputs;
    const { plan } = planModel(graph, { patch: { tiles: 2, layer: 1 } });
    expect(runSchedule(scheduleOf(plan), inputs).outputs.map((o) => [...o])).toEqual(want.map((o) => [...o]));
  });

  it('a plain model input is still consumed in place (the C README documents it)', async () => {
    const { graph, inputs } = model('input_consumed', (b, x) => [b.logistic(x)]);
    const got = await runBoth(graph, inputs, {});
    const step = got.plan.steps.find((s) => graph.ops[s.op]!.kind === 'LOGISTIC')!;
    expect(step.variant).toBe('stream-element');
    const [inBuf, outBuf] = [got.plan.buffers[step.inputs[0]!]!, got.plan.buffers[step.outputs[0]!]!];
    expect(inBuf.offset).toBe(outBuf.offset);
    expect(got.reference.map((o) => [...o])).toEqual((await runBoth(graph, inputs, { inplace: false })).reference.map((o) => [...o]));
  });
});

describe('verifyPlan: a plan overwriting a returned buffer is a violation', () => {
  for (const [label, make] of Object.entries(CASES)) {
    it(`${label}: the LOGISTIC made to stream over its input's bytes`, () => {
      const { graph } = make();
      const { plan } = planModel(graph, { inplace: false });
      expect(verifyPlan(plan)).toEqual([]);
      // Hand-corrupt: the LOGISTIC runs in place over its input at delta 0, its rule allowing it.
      const index = plan.steps.findIndex((s) => graph.ops[s.op]!.kind === 'LOGISTIC');
      const step = plan.steps[index]!;
      const inBuf = plan.buffers[step.inputs[0]!]!;
      const root = plan.buffers[inBuf.aliasOf ?? inBuf.id]!;
      const out = plan.buffers[step.outputs[0]!]!;
      step.overlap = { variant: 'stream-element', input: 0, minDelta: 1 - out.bytes, maxDelta: 0, scratchBytes: 0 };
      step.variant = 'stream-element';
      out.offset = root.offset;
      const violations = verifyPlan(plan);
      // The first violation names the overwrite (the pair then also overlaps without a usable rule).
      expect(violations[0]).toEqual({ step: index, message: expect.stringMatching(/^step \d+ overwrites \S+, whose bytes the model returns as output /) });
    });
  }
});
