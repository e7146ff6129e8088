// SVDF from TFLM's svdf_test.cc vectors (SvdfQuantized2x2Input2x4OutputShouldMatchGolden, int8 and int16
// state): a single-op .tflite file written and read back, its 10 invokes run as one sequence on every
// engine (the state carried from one invoke to the next), then reset and run again. Every engine gives the
// same bytes; each output is within TFLM's own tolerance (1) of its float golden quantized; reset gives the
// first sequence back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { roundHalfAway } from '../../src/ir/quant.js';
import { compileModel, planModel, scheduleOf } from '../../src/pipeline.js';
import { loadKernelLibrary } from '../../src/package-asset.js';
import { cBatchEngine, referenceBatchEngine, wasmBatchEngine } from '../../src/cli/engines/batch.js';
import { opMacs } from '../../src/ir/macs.js';
import { createReferenceSession, runReference } from '../../src/reference/interpreter.js';
import { createScheduleSession } from '../../src/reference/execute.js';
import { hostCFor, runSequenceOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

// TFLM svdf_test.cc: 10 inputs of shape {2, 2}, feature weights {8, 2}, time weights {8, 10}, goldens {2, 4} per invoke.
const INPUT_2x2x10 = [
  0.12609188, -0.46347019, 0.35867718, 0.36897406,
  0.14278367, -1.64410412, -0.57290924, 0.12729003,
  0.49837467, 0.19278903, 0.17660543, 0.52949083,
  -0.11186574, 0.13164264, -0.72674477, -0.5683046,
  -0.68892461, 0.37783599, -0.63690937, 0.44483393,
  -0.81299269, -0.86831826, -0.95760226, 1.82078898,
  -1.45006323, -0.82251364, -1.65087092, -1.89238167,
  0.03966608, -0.24936394, 2.06740379, -1.51439476,
  0.11771342, -0.23761693, 0.31088525, -1.55601168,
  -0.89477462, 1.67204106, -0.6230064, 0.29819036,
];
const FEATURE_2x2x10 = [
  -0.31930989, 0.0079667, 0.39296314, 0.37613347, 0.12416199, 0.15785322,
  0.27901134, 0.3905206, 0.21931258, -0.36137494, -0.10640851, 0.31053296,
  -0.36118156, -0.0976817, -0.36916667, 0.22197971,
];
const TIME_2x2x10 = [
  -0.31930989, 0.37613347, 0.27901134, -0.36137494, -0.36118156, 0.22197971, 0.27557442, -0.06634006, 0.0079667, 0.12416199,
  0.3905206, -0.10640851, -0.0976817, 0.15294972, 0.39635518, -0.02702999, 0.39296314, 0.15785322, 0.21931258, 0.31053296,
  -0.36916667, 0.38031587, -0.21580373, 0.27072677, 0.23622236, 0.34936687, 0.18174365, 0.35907319, -0.17493086, 0.324846,
  -0.10781813, 0.27201805, 0.14324132, -0.23681851, -0.27115166, -0.01580888, -0.14943552, 0.15465137, 0.09784451, -0.0337657,
  -0.14884081, 0.19931212, -0.36002168, 0.34663299, -0.11405486, 0.12672701, 0.39463779, -0.07886535, -0.06384811, 0.08249187,
  -0.26816407, -0.19905911, 0.29211238, 0.31264046, -0.28664589, 0.05698794, 0.11613581, 0.14078894, 0.02187902, -0.21781836,
  -0.15567942, 0.08693647, -0.38256618, 0.36580828, -0.22922277, -0.0226903, 0.12878349, -0.28122205, -0.10850525, -0.11955214,
  0.27179423, -0.04710215, 0.31069002, 0.22672787, 0.09580326, 0.08682203, 0.1258215, 0.1851041, 0.29228821, 0.12366763,
];
const GOLDEN_2x2x10 = [
  -0.044205, -0.013757, 0.050369, -0.018447, 0.073010, 0.025142, -0.021154, 0.013551,
  -0.209613, -0.062421, 0.150209, -0.108334, 0.028256, -0.006950, -0.030885, 0.009603,
  -0.076800, -0.037075, -0.087198, -0.155183, 0.091069, 0.098446, -0.016083, 0.106475,
  -0.082123, -0.162238, -0.084434, -0.141074, -0.029340, -0.090685, 0.053302, -0.030604,
  -0.201440, 0.088424, 0.139877, 0.012416, -0.113212, 0.103893, -0.100842, 0.122780,
  -0.166632, -0.116705, 0.175298, -0.047163, 0.313077, -0.166485, -0.285860, 0.129069,
  -0.625911, 0.046134, 0.138081, -0.129581, -0.521455, -0.061579, 0.230289, 0.114963,
  -0.216693, -0.161643, -0.179177, -0.052599, -0.213239, 0.029502, 0.260858, 0.275045,
  -0.213689, -0.323608, -0.285635, -0.317687, -0.324092, -0.317972, -0.208450, -0.462504,
  -0.255126, -0.218576, -0.041528, 0.179421, -0.440583, 0.072127, -0.284136, 0.241570,
];

const f32 = Math.fround;

/** TFLM test_helpers Quantize: round(value / scale) + zero point in float32, clamped to the type. */
function quantize(values: number[], scale: number, zeroPoint: number, [lo, hi]: [number, number]): number[] {
  return values.map((v) => Math.min(Math.max(roundHalfAway(f32(f32(v) / scale)) + zeroPoint, lo), hi));
}

function bytesOf(dtype: 'int8' | 'int16' | 'int32', values: number[]): Uint8Array {
  const Type = dtype === 'int8' ? Int8Array : dtype === 'int16' ? Int16Array : Int32Array;
  return new Uint8Array(Type.from(values).buffer);
}

interface Options {
  state: 'int8' | 'int16';
  /** The bias scale when it is not state scale x time scale (a refusal case). */
  biasScale?: number;
  /** Whether the state tensor is marked variable (TFLM requires it). */
  variable?: boolean;
  /** A RELU after the SVDF (a second step whose buffers the plan could place over a state it let die). */
  relu?: boolean;
}

/** The TFLM test's model: batch 2, 4 units, input size 2, memory 10, rank 2 (8 filters). */
function model(o: Options): { file: Uint8Array; input: { scale: number }; output: { scale: number } } {
  const T = o.state;
  const tMax = T === 'int8' ? 127 : 32767;
  const range: [number, number] = T === 'int8' ? [-128, 127] : [-32768, 32767];
  const inputScale = f32(2.5 / 127), featureScale = f32(1 / 127), timeScale = f32(1 / tMax), stateScale = f32(1.49 / tMax), outputScale = f32(1 / 127);
  const q = (scale: number, zeroPoint = 0) => ({ scales: [scale], zeroPoints: [zeroPoint], axis: 0 });
  const t = (id: number, name: string, shape: number[], dtype: DType, quant: Tensor['quant'], data: Uint8Array | null, isVariable = false): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant, data, isVariable,
  });
  const tensors = [
    t(0, 'input', [2, 2], 'int8', q(inputScale), null),
    t(1, 'weights_feature', [8, 2], 'int8', q(featureScale), bytesOf('int8', quantize(FEATURE_2x2x10, featureScale, 0, [-128, 127]))),
    t(2, 'weights_time', [8, 10], T, q(timeScale), bytesOf(T, quantize(TIME_2x2x10, timeScale, 0, range))),
    t(3, 'bias', [4], 'int32', q(o.biasScale ?? f32(timeScale * stateScale)), bytesOf('int32', [0, 0, 0, 0])),
    t(4, 'activation_state', [2, 80], T, q(stateScale), null, o.variable ?? true),
    t(5, 'output', [2, 4], 'int8', q(outputScale), null),
  ];
  const graph: Graph = {
    name: 'svdf', description: 'TFLM svdf_test vectors', tensors,
    ops: [{ kind: 'SVDF', version: 3, inputs: [0, 1, 2, 3, 4], outputs: [5], attrs: { rank: 2, activation: 'NONE' }, params: null }],
    inputs: [0], outputs: [5], metadata: [], signatureDefs: [],
  };
  if (o.relu) {
    tensors.push(t(6, 'relu', [2, 4], 'int8', q(outputScale), null));
    graph.ops.push({ kind: 'RELU', version: 1, inputs: [5], outputs: [6], attrs: {}, params: null });
    graph.outputs = [6];
  }
  return { file: writeTflite(graph), input: { scale: inputScale }, output: { scale: outputScale } };
}

const hostC = hostCFor('SVDF on host C');

const INVOKES = 10;

async function checkAgainstTflm(state: 'int8' | 'int16'): Promise<void> {
  const m = model({ state });
  const graph = readTflite(m.file);
  const inputs = quantize(INPUT_2x2x10, m.input.scale, 0, [-128, 127]);
  const sequence = Array.from({ length: INVOKES }, (_, i) => [bytesOf('int8', inputs.slice(4 * i, 4 * i + 4))]);
  const runs = await runSequenceOnEveryEngine(graph, sequence, hostC);
  const values = (outs: Uint8Array[][]) => outs.map((o) => Array.from(new Int8Array(o[0]!.buffer, o[0]!.byteOffset, 8)));
  const reference = values(runs.reference!);
  expect(Object.keys(runs)).toEqual(['reference', 'planned', 'wasm', 'scalar', ...(hostC ? ['c'] : [])]);
  for (const [engine, outs] of Object.entries(runs)) expect([engine, values(outs)]).toEqual([engine, reference]);
  // reset gives the first sequence back
  expect(reference.slice(INVOKES)).toEqual(reference.slice(0, INVOKES));
  const golden = quantize(GOLDEN_2x2x10, m.output.scale, 0, [-128, 127]);
  reference.slice(0, INVOKES).flat().forEach((v, i) => expect(Math.abs(v - golden[i]!), `invoke ${Math.floor(i / 8)} element ${i % 8}: ${v} vs TFLM ${golden[i]}`).toBeLessThanOrEqual(1));
}

describe('SVDF (TFLM svdf_test.cc, 10 invokes with state)', () => {
  it('int8 time weights and state: every engine, within 1 of TFLM, reset restores', async () => {
    await checkAgainstTflm('int8');
  });

  it('int16 time weights and state: every engine, within 1 of TFLM, reset restores', async () => {
    await checkAgainstTflm('int16');
  });

  it('the state carries over: the same input invoked twice gives different outputs, as TFLM', async () => {
    const m = model({ state: 'int16' });
    const x = [bytesOf('int8', quantize(INPUT_2x2x10.slice(0, 4), m.input.scale, 0, [-128, 127]))];
    const runs = await runSequenceOnEveryEngine(readTflite(m.file), [x, x], false);
    for (const [engine, outs] of Object.entries(runs)) {
      expect([engine, Array.from(outs[1]![0]!)]).not.toEqual([engine, Array.from(outs[0]![0]!)]);
    }
  });

  it('the state has its own place in the plan, live at every step and shared with no other buffer', () => {
    const plan = planModel(readTflite(model({ state: 'int8', relu: true }).file), { backend: 'wasm' }).plan;
    expect(plan.steps.length).toBe(2);
    const state = plan.buffers.find((b) => b.tensor === 4)!;
    expect(state).toMatchObject({ kind: 'variable', bytes: 160, first: 0, last: 1 });
    for (const b of plan.buffers) {
      if (b === state) continue;
      expect(b.offset + b.bytes <= state.offset || state.offset + state.bytes <= b.offset, `buffer ${b.name}`).toBe(true);
    }
  });

  it('refuses a state that is not a variable tensor (TFLM checks is_variable)', () => {
    const e = refusal(() => readTflite(model({ state: 'int8', variable: false }).file));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toContain("SVDF (node 0), tensor 'activation_state' (#4): the activation state must be a variable tensor");
  });

  it('refuses a bias scale that is not state scale x time scale (TFLM allows 1e-5)', () => {
    const e = refusal(() => readTflite(model({ state: 'int8', biasScale: 0.5 }).file));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toContain("SVDF (node 0), tensor 'bias' (#3): bias scale 0.5 is not the state scale x time weights scale");
  });

  it('read, write, read keeps the op (rank, version)', () => {
    const once = readTflite(model({ state: 'int16' }).file);
    const twice = readTflite(writeTflite(once));
    expect(twice.ops[0]).toMatchObject({ kind: 'SVDF', version: 3, attrs: { rank: 2 } });
    expect(twice.tensors[4]!.isVariable).toBe(true);
  });
});

/** TFLM's SvdfFloat2x2Input2x4OutputShouldMatchGolden model: every tensor float32, bias zeros, the given fused activation. */
function floatModel(activation: 'NONE' | 'RELU'): Graph {
  const t = (id: number, name: string, shape: number[], data: number[] | null, isVariable = false): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: 'float32', quant: null, data: data && new Uint8Array(Float32Array.from(data).buffer), isVariable,
  });
  const graph: Graph = {
    name: 'svdf_float', description: 'TFLM svdf_test float vectors',
    tensors: [
      t(0, 'input', [2, 2], null), t(1, 'weights_feature', [8, 2], FEATURE_2x2x10), t(2, 'weights_time', [8, 10], TIME_2x2x10),
      t(3, 'bias', [4], [0, 0, 0, 0]), t(4, 'activation_state', [2, 80], null, true), t(5, 'output', [2, 4], null),
    ],
    ops: [{ kind: 'SVDF', version: 1, inputs: [0, 1, 2, 3, 4], outputs: [5], attrs: { rank: 2, activation }, params: null }],
    inputs: [0], outputs: [5], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

describe('SVDF float32 (TFLM EvalFloatSvdfReference, svdf_test.cc SvdfFloat2x2Input2x4OutputShouldMatchGolden): the reference interpreter', () => {
  const floats = (b: Uint8Array) => Array.from(new Float32Array(b.slice().buffer));
  const sequence = Array.from({ length: INVOKES }, (_, i) => [new Uint8Array(Float32Array.from(INPUT_2x2x10.slice(4 * i, 4 * i + 4)).buffer)]);

  it('10 invokes with state: each output within TFLM\'s 1e-5 of its golden; reset gives the first sequence back', () => {
    const session = createReferenceSession(floatModel('NONE'));
    const first = sequence.map((x) => floats(session.invoke(x).outputs[0]!));
    first.flat().forEach((v, i) => expect(Math.abs(v - GOLDEN_2x2x10[i]!), `invoke ${Math.floor(i / 8)} element ${i % 8}: ${v} vs TFLM ${GOLDEN_2x2x10[i]}`).toBeLessThanOrEqual(1e-5));
    session.reset();
    expect(sequence.map((x) => floats(session.invoke(x).outputs[0]!))).toEqual(first);
  });

  it('applies its fused RELU (the integer path ignores it, as TFLM); the activation round-trips the file', () => {
    const g = floatModel('RELU');
    expect(readTflite(writeTflite(g)).ops[0]!.attrs).toEqual({ rank: 2, activation: 'RELU' });
    const session = createReferenceSession(g);
    const got = sequence.map((x) => floats(session.invoke(x).outputs[0]!)).flat();
    got.forEach((v, i) => expect(Math.abs(v - Math.max(0, GOLDEN_2x2x10[i]!)), `element ${i}`).toBeLessThanOrEqual(1e-5));
  });

  it('refuses a float32 input with int8 weights (TFLM: every tensor float32), naming the tensor', () => {
    const g = floatModel('NONE');
    g.tensors[1] = { ...g.tensors[1]!, dtype: 'int8', quant: { scales: [0.01], zeroPoints: [0], axis: 0 }, data: new Uint8Array(16) };
    const e = refusal(() => readTflite(writeTflite(g)));
    expect(e.message).toMatch(/^SVDF \(node 0\).*'weights_feature'/);
  });
});

describe('SVDF in batches (eval): every input set is an independent inference from the initial state', () => {
  it('reference, wasm and host C batch engines give the same outputs for the same input twice, equal to a fresh run', async () => {
    const graph = readTflite(model({ state: 'int16' }).file);
    const x = [bytesOf('int8', quantize(INPUT_2x2x10.slice(4, 8), f32(2.5 / 127), 0, [-128, 127]))];
    const fresh = runReference(graph, x).outputs;
    const engines = [referenceBatchEngine, wasmBatchEngine, ...(hostC ? [cBatchEngine] : [])];
    for (const engine of engines) {
      const runner = await engine.prepare(scheduleOf(planModel(graph, { backend: engine.backend }).plan));
      try {
        const outs = [...(await runner.run([x, x])), ...(await runner.run([x]))];
        for (const o of outs) expect([engine.name, Array.from(o[0]!)]).toEqual([engine.name, Array.from(fresh[0]!)]);
      } finally {
        runner.dispose();
      }
    }
  });

  it('MACs: per batch, the feature matmul and the time dot products of every filter', () => {
    // 2 batches x 8 filters x (2 inputs + 10 memory)
    const graph = readTflite(model({ state: 'int8' }).file);
    expect(opMacs(graph, graph.ops[0]!)).toBe(192);
  });
});

describe('SVDF through the emitted loader (model.mjs)', () => {
  it('meta.state names the variable tensor; invokes carry it, reset() restores it, a new instance starts from it', async () => {
    // int8 state with zero point 3: the loader must fill it with 3, not leave the module's zeroed memory
    const graph = readTflite(model({ state: 'int8' }).file);
    graph.tensors[4]!.quant = { scales: graph.tensors[4]!.quant!.scales, zeroPoints: [3], axis: 0 };
    const fixed = readTflite(writeTflite(graph));
    const { files } = await compileModel(fixed, { target: 'wasm', kernels: await loadKernelLibrary(true), simd: true, embed: true });
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-svdf-'));
    try {
      for (const f of files) writeFileSync(join(dir, f.path), f.contents);
      const mod = (await import(pathToFileURL(join(dir, 'model.mjs')).href)) as {
        meta: { state: Array<{ byteLength: number; fill: number }> };
        createModel(): Promise<{ run(values: ArrayLike<number>[]): Int8Array[]; reset(): void }>;
      };
      expect(mod.meta.state.map((s) => [s.byteLength, s.fill])).toEqual([[160, 3]]);
      const inputs = quantize(INPUT_2x2x10, f32(2.5 / 127), 0, [-128, 127]);
      const sequence = [0, 1, 2].map((i) => [bytesOf('int8', inputs.slice(4 * i, 4 * i + 4))]);
      const reference = createReferenceSession(fixed);
      const want = sequence.map((x) => Array.from(new Int8Array(reference.invoke(x).outputs[0]!.buffer)));
      const m = await mod.createModel();
      const run = () => sequence.map((x) => Array.from(m.run([new Int8Array(x[0]!.buffer)])[0]!));
      expect(run()).toEqual(want);
      m.reset();
      expect(run()).toEqual(want);
      const other = await mod.createModel();
      expect(Array.from(other.run([new Int8Array(sequence[0]![0]!.buffer)])[0]!)).toEqual(want[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SVDF with --patch auto', () => {
  it('plans (nothing to tile), keeps the state in Schedule.state and runs the sequence as the reference session', () => {
    const graph = readTflite(model({ state: 'int16', relu: true }).file);
    const schedule = scheduleOf(planModel(graph, { patch: 'auto', backend: 'wasm' }).plan);
    expect(schedule.state.map((s) => s.bytes)).toEqual([320]);
    const inputs = quantize(INPUT_2x2x10, f32(2.5 / 127), 0, [-128, 127]);
    const sequence = Array.from({ length: INVOKES }, (_, i) => [bytesOf('int8', inputs.slice(4 * i, 4 * i + 4))]);
    const reference = createReferenceSession(graph), planned = createScheduleSession(schedule);
    for (const x of sequence) expect(Array.from(planned.invoke(x).outputs[0]!)).toEqual(Array.from(reference.invoke(x).outputs[0]!));
  });
});
