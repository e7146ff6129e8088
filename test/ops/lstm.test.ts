// UNIDIRECTIONAL_SEQUENCE_LSTM from TFLM's own test vectors (unidirectional_sequence_lstm_test.cc with
// testdata/lstm_test_data.cc: the 2x3x2x2 model, batch 2, 3 time steps, input 2, state 2, cell clip 6),
// the int8 (int8 x int8 -> int16 cell, int32 bias) and 16x8 (int64 bias) quantizations: a single-op
// .tflite written and read back, run by the reference kernel; the output, hidden and cell state dequantized
// are within TFLM's tolerances of its float goldens. Plus the refusals TFLM's Prepare makes.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, QuantizedOp, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { roundHalfAway } from '../../src/ir/quant.js';
import { opMacs } from '../../src/ir/macs.js';
import { createReferenceSession, runReference } from '../../src/reference/interpreter.js';
import { unidirectionalSequenceLstm } from '../../src/reference/ops/lstm.js';
import { logistic16, tanh16 } from '../../src/reference/ops/sigmoid16.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { createScheduleSession } from '../../src/reference/execute.js';
import type { TensorView } from '../../src/reference/types.js';
import { refusal } from '../helpers/refusal.js';
import { emitC } from '../../codegen/c/emit.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { haveTools } from '../c/toolchain.js';
import { hostCFor, runOnEveryEngine, runSequenceOnEveryEngine } from '../helpers/engines.js';

// lstm_test_data.cc Get2X2LstmEvalCheckData: input [batch 2, time 3, input 2], zero initial state.
const INPUT = [0.2, 0.3, 0.2, 0.3, 0.2, 0.3, -0.98, 0.62, 0.01, 0.99, 0.49, -0.32];
const EXPECTED_OUTPUT = [
  0.26455893, 0.26870455, 0.47935803, 0.47937014, 0.58013272, 0.58013278,
  -1.41184672e-3, -1.43329117e-5, 0.46887168, 0.46891281, 0.50054074, 0.50054148,
];
const EXPECTED_HIDDEN = [0.58013272, 0.58013278, 0.50054074, 0.50054148];
const EXPECTED_CELL = [0.89740515, 0.8974053, 0.80327607, 0.80327785];

// Create2x3x2X2FloatNodeContents: per gate, input weights [2, 2], recurrent weights [2, 2], bias [2].
const GATES = {
  forget: { w: [-10, -10, -20, -20], b: [1, 2] },
  input: { w: [10, 10, 20, 20], b: [-1, -2] },
  cell: { w: [1, 1, 1, 1], b: [0, 0] },
  output: { w: [1, 1, 1, 1], b: [0, 0] },
};

// Get2X2Int8LstmQuantizationSettings / Get2X2Int16LstmQuantizationSettings.
interface Settings {
  activation: 'int8' | 'int16';
  bias: 'int32' | 'int64';
  input: [number, number];
  hidden: [number, number];
  cell: number;
  weight: { forget: number; input: number; cell: number; output: number };
  biasScale: { forget: number; input: number; cell: number; output: number };
  hiddenTolerance: number;
  cellTolerance: number;
}
const WEIGHT = { forget: 0.15748031496062992, input: 0.15748031496062992, cell: 0.007874015748031496, output: 0.007874015748031496 };
const INT8: Settings = {
  activation: 'int8', bias: 'int32', input: [0.00784313725490196, 0], hidden: [0.004705882165580988, -21], cell: 0.00024414062,
  weight: WEIGHT,
  biasScale: { forget: 0.0012351397251814111, input: 0.0012351397251814111, cell: 6.175698625907056e-5, output: 6.175698625907056e-5 },
  hiddenTolerance: 1e-2, cellTolerance: 1e-2,
};
const INT16: Settings = {
  activation: 'int16', bias: 'int64', input: [3.0518044e-5, 0], hidden: [2.1362956633198035e-5, 0], cell: 0.00024414062,
  weight: WEIGHT,
  biasScale: { forget: 4.8059911474468205e-6, input: 4.8059911474468205e-6, cell: 2.40299557372341e-7, output: 2.40299557372341e-7 },
  hiddenTolerance: 1e-3, cellTolerance: 1e-2,
};

const f32 = Math.fround;
const RANGE = { int8: [-128, 127], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [-(2 ** 53), 2 ** 53] } as const;

/** TFLM test_helpers (Symmetric)Quantize: round(value / float scale) + zero point, clamped to the type. */
function quantize(values: number[], scale: number, zeroPoint: number, dtype: keyof typeof RANGE): number[] {
  const [lo, hi] = RANGE[dtype];
  return values.map((v) => Math.min(Math.max(roundHalfAway(f32(f32(v) / f32(scale))) + zeroPoint, lo), hi));
}

function bytesOf(dtype: 'int8' | 'int16' | 'int32' | 'int64', values: number[]): Uint8Array {
  if (dtype === 'int64') return new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);
  const Type = dtype === 'int8' ? Int8Array : dtype === 'int16' ? Int16Array : Int32Array;
  return new Uint8Array(Type.from(values).buffer);
}

interface Variant {
  /** Input slots to fill with an extra tensor (a variant TFLM refuses: peephole 9-11, projection 16-17, layer norm 20-23). */
  extra?: number[];
  /** Input slots to leave absent (CIFG: 1 and 5). */
  absent?: number[];
  cellType?: DType;
  variable?: boolean;
  timeMajor?: boolean;
  cellClip?: number;
  steps?: number;
}

/** TFLM's 2x3x2x2 model as a single-op graph: inputs in lstm_shared.h order, output [2, 3, 2]. */
function model(s: Settings, v: Variant = {}): Uint8Array {
  const q = (scale: number, zeroPoint = 0) => ({ scales: [f32(scale)], zeroPoints: [zeroPoint], axis: 0 });
  const tensors: Tensor[] = [];
  const add = (name: string, shape: number[], dtype: DType, quant: Tensor['quant'], data: Uint8Array | null, isVariable = false): number => {
    tensors.push({ id: tensors.length, name, shape, shapeSignature: null, dtype, quant, data, isVariable });
    return tensors.length - 1;
  };
  const inputs = new Array<number>(24).fill(-1);
  const steps = v.steps ?? 3;
  inputs[0] = add('input', v.timeMajor ? [steps, 2, 2] : [2, steps, 2], s.activation, q(...s.input), null);
  const slots = { forget: [2, 6, 13], input: [1, 5, 12], cell: [3, 7, 14], output: [4, 8, 15] } as const;
  for (const [name, g] of Object.entries(GATES) as Array<[keyof typeof GATES, (typeof GATES)['forget']]>) {
    const [wIn, wRec, bias] = slots[name];
    const w = bytesOf('int8', quantize(g.w, s.weight[name], 0, 'int8'));
    inputs[wIn] = add(`input_to_${name}_w`, [2, 2], 'int8', q(s.weight[name]), w);
    inputs[wRec] = add(`recurrent_to_${name}_w`, [2, 2], 'int8', q(s.weight[name]), w.slice());
    inputs[bias] = add(`${name}_bias`, [2], s.bias, q(s.biasScale[name]), bytesOf(s.bias, quantize(g.b, s.biasScale[name], 0, s.bias)));
  }
  inputs[18] = add('hidden_state', [2, 2], s.activation, q(...s.hidden), null, v.variable ?? true);
  inputs[19] = add('cell_state', [2, 2], v.cellType ?? 'int16', q(s.cell), null, true);
  for (const slot of v.extra ?? []) inputs[slot] = add(`variant_${slot}`, [2], 'int16', q(1), bytesOf('int16', [1, 1]));
  for (const slot of v.absent ?? []) inputs[slot] = -1;
  const out = add('output', v.timeMajor ? [steps, 2, 2] : [2, steps, 2], s.activation, q(...s.hidden), null);
  const graph: Graph = {
    name: 'lstm', description: 'TFLM unidirectional_sequence_lstm_test vectors', tensors,
    ops: [{ kind: 'UNIDIRECTIONAL_SEQUENCE_LSTM', version: s.activation === 'int16' ? 5 : 1, inputs, outputs: [out], attrs: { timeMajor: v.timeMajor ?? false, cellClip: v.cellClip ?? 6, projClip: 3 }, params: null }],
    inputs: [inputs[0]!], outputs: [out], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** Runs the reference kernel once from the given (else TFLM's reset) state; returns output, hidden and cell state as integers. */
function runKernel(graph: Graph, input: number[], state?: { hidden: number[]; cell: number[] }): { output: number[]; hidden: number[]; cell: number[] } {
  const op = graph.ops[0] as QuantizedOp<'UNIDIRECTIONAL_SEQUENCE_LSTM'>;
  const Act = op.params.activation === 'int8' ? Int8Array : Int16Array;
  const view = (id: number): TensorView | null => {
    if (id < 0) return null;
    const t = graph.tensors[id]!;
    if (t.data) {
      const T = t.dtype === 'int8' ? Int8Array : t.dtype === 'int16' ? Int16Array : t.dtype === 'int32' ? Int32Array : BigInt64Array;
      return { shape: t.shape, data: new T(t.data.slice().buffer) };
    }
    return { shape: t.shape, data: new Act(4) };
  };
  const views = op.inputs.map(view);
  views[0] = { shape: graph.tensors[op.inputs[0]!]!.shape, data: Act.from(input) };
  views[18]!.data.fill(op.params.hiddenZeroPoint as never); // TFLM's ResetVariableTensors: the int8 zero point
  const cell = new Int16Array(4);
  views[19] = { shape: [2, 2], data: cell };
  if (state) {
    views[18]!.data.set(state.hidden as never);
    cell.set(state.cell);
  }
  const out = { shape: graph.tensors[op.outputs[0]!]!.shape, data: new Act(input.length) };
  unidirectionalSequenceLstm(op, views, [out]);
  return { output: Array.from(out.data as ArrayLike<number>), hidden: Array.from(views[18]!.data as ArrayLike<number>), cell: Array.from(cell) };
}

function expectNear(what: string, actual: number[], expected: number[], tolerance: number): void {
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `${what}[${i}]: ${a} vs TFLM ${expected[i]}`).toBeLessThanOrEqual(tolerance));
}

function checkAgainstTflm(s: Settings): void {
  const graph = readTflite(model(s));
  const [scale, zp] = s.input;
  const x = quantize(INPUT, scale, zp, s.activation);
  const r = runKernel(graph, x);
  const [hs, hz] = s.hidden;
  const deq = (vals: number[], sc: number, z: number) => vals.map((v) => (v - z) * f32(sc));
  expectNear('output', deq(r.output, hs, hz), EXPECTED_OUTPUT, s.hiddenTolerance);
  expectNear('hidden state', deq(r.hidden, hs, hz), EXPECTED_HIDDEN, s.hiddenTolerance);
  expectNear('cell state', deq(r.cell, s.cell, 0), EXPECTED_CELL, s.cellTolerance);
  // The interpreter runs the same kernel with the state as variable tensors.
  const session = createReferenceSession(graph);
  const Act = s.activation === 'int8' ? Int8Array : Int16Array;
  const outputs = session.invoke([new Uint8Array(Act.from(x).buffer)]).outputs;
  expect(Array.from(new Act(outputs[0]!.slice().buffer))).toEqual(r.output);
}

describe('UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM unidirectional_sequence_lstm_test.cc, 2x3x2x2)', () => {
  it('int8 activations, int8 weights, int16 cell, int32 bias: output and both states within TFLM tolerance', () => {
    checkAgainstTflm(INT8);
  });

  it('16x8: int16 activations, int8 weights, int16 cell, int64 bias: output and both states within TFLM tolerance', () => {
    checkAgainstTflm(INT16);
  });
});

const hostC = hostCFor('UNIDIRECTIONAL_SEQUENCE_LSTM on host C');

/** Integer values of a run's first output. */
const valuesOf = (s: Settings, bytes: Uint8Array): number[] => Array.from(s.activation === 'int8' ? new Int8Array(bytes.slice().buffer) : new Int16Array(bytes.slice().buffer));

describe('UNIDIRECTIONAL_SEQUENCE_LSTM kernels (lstm_s8 / lstm_s16) on every engine: TFLM\'s 2x3x2x2 vectors', () => {
  for (const s of [INT8, INT16]) {
    it(`${s.activation}: wasm SIMD/scalar and host C give the reference's output, within TFLM's tolerance`, async () => {
      const graph = readTflite(model(s));
      const x = quantize(INPUT, s.input[0], s.input[1], s.activation);
      const runs = await runOnEveryEngine(graph, [bytesOf(s.activation, x)], hostC);
      expect(Object.keys(runs)).toEqual(['reference', 'wasm', 'scalar', ...(hostC ? ['c'] : [])]);
      const reference = valuesOf(s, runs.reference![0]!);
      for (const [engine, outs] of Object.entries(runs)) expect([engine, valuesOf(s, outs[0]!)]).toEqual([engine, reference]);
      const [hs, hz] = s.hidden;
      expectNear('output', reference.map((v) => (v - hz) * f32(hs)), EXPECTED_OUTPUT, s.hiddenTolerance);
    });
  }

  it('time-major with cell clip 0.5 and non-zero hidden zero point: every engine equals the reference', async () => {
    const graph = readTflite(model(INT8, { timeMajor: true, cellClip: 0.5 }));
    const x = quantize(INPUT, INT8.input[0], 0, 'int8');
    const runs = await runOnEveryEngine(graph, [bytesOf('int8', x)], hostC);
    const reference = valuesOf(INT8, runs.reference![0]!);
    for (const [engine, outs] of Object.entries(runs)) expect([engine, valuesOf(INT8, outs[0]!)]).toEqual([engine, reference]);
  });

  for (const s of [INT8, INT16]) {
    it(`${s.activation}: the states persist across 4 invokes and reset() restores the first sequence, on every engine`, async () => {
      const graph = readTflite(model(s));
      const x = quantize(INPUT, s.input[0], s.input[1], s.activation);
      const y = x.map((v, i) => (i % 2 ? v : -v));
      const sequence = [x, y, x, x].map((v) => [bytesOf(s.activation, v)]);
      const runs = await runSequenceOnEveryEngine(graph, sequence, hostC);
      expect(Object.keys(runs)).toEqual(['reference', 'planned', 'wasm', 'scalar', ...(hostC ? ['c'] : [])]);
      const reference = runs.reference!.map((o) => valuesOf(s, o[0]!));
      for (const [engine, outs] of Object.entries(runs)) expect([engine, outs.map((o) => valuesOf(s, o[0]!))]).toEqual([engine, reference]);
      expect(reference[2]).not.toEqual(reference[0]); // the same input, a later state
      expect(reference[3]).not.toEqual(reference[2]);
      expect(reference.slice(4)).toEqual(reference.slice(0, 4));
    });
  }

  const qemuOk = haveTools('UNIDIRECTIONAL_SEQUENCE_LSTM on qemu-m4', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);
  it.skipIf(!qemuOk)('qemu-m4 (Cortex-M4F, the DSP dot products): TFLM\'s vectors, int8 and 16x8, equal the reference', () => {
    for (const s of [INT8, INT16]) {
      const graph = readTflite(model(s));
      const x = [bytesOf(s.activation, quantize(INPUT, s.input[0], s.input[1], s.activation))];
      const prepared = prepareQemu(scheduleOf(planModel(graph).plan), QEMU_BOARDS['qemu-m4']);
      try {
        expect([s.activation, valuesOf(s, prepared.run(x).outputs[0]!)]).toEqual([s.activation, valuesOf(s, runReference(graph, x).outputs[0]!)]);
      } finally {
        prepared.dispose();
      }
    }
  }, 300_000);

  it('plans the gates\' workspace (4 x units int16) for the c and wasm kernels, int8 and 16x8, and none for TFLM\'s', () => {
    for (const s of [INT8, INT16]) {
      const graph = readTflite(model(s));
      for (const backend of ['c', 'wasm'] as const) {
        const call = scheduleOf(planModel(graph, { backend }).plan).calls[0]!;
        expect(call.type === 'kernel' && call.workspace?.shape, `${s.activation} ${backend}`).toEqual([16]);
      }
      const tflm = scheduleOf(planModel(graph, { backend: 'tflm' }).plan).calls[0]!;
      expect(tflm.type === 'kernel' && tflm.workspace).toBe(null);
    }
  });
});

// lstm_test_data.cc Get2X2GateOutputCheckData: one time step from a given state; batch 2's first cell
// (-6.80625824 unclipped) is clipped to -6 by cell_clip 6. TFLM's lstm_eval_test checks these stage by
// stage from float gate values; run whole, the last element differs, in TFLM's kernel too: its forget gate
// input FC is -20 x (-0.98 + 0.62) + 2 = 9.2, beyond Q3.12's 8, so the int16 gate sum saturates before the
// recurrent -4 is added (sigmoid(4.0) instead of sigmoid(5.2)). The first three elements are compared.
const STEP = {
  input: [0.2, 0.3, -0.98, 0.62],
  hidden: [-0.1, 0.2, -0.3, 0.5],
  cell: [-1.3, 6.2, -7.3, 3.5],
  expectedCell: [0.52475447, 0.53730665, -6, 3.47992756],
  expectedHidden: [0.31079388, 0.3169827, -0.46007947, 0.45921249],
};

describe('UNIDIRECTIONAL_SEQUENCE_LSTM one step from a given state (TFLM Get2X2GateOutputCheckData: cell clipped to -6)', () => {
  for (const s of [INT8, INT16]) {
    it(`${s.activation}: updated cell and hidden state within TFLM's tolerances (fails without the clip)`, () => {
      const graph = readTflite(model(s, { steps: 1 }));
      const [hs, hz] = s.hidden;
      const r = runKernel(graph, quantize(STEP.input, s.input[0], s.input[1], s.activation), {
        hidden: quantize(STEP.hidden, hs, hz, s.activation),
        cell: quantize(STEP.cell, s.cell, 0, 'int16'),
      });
      expectNear('cell state', r.cell.slice(0, 3).map((v) => v * f32(s.cell)), STEP.expectedCell, s.cellTolerance);
      expectNear('hidden state', r.hidden.slice(0, 3).map((v) => (v - hz) * f32(hs)), STEP.expectedHidden, s.hiddenTolerance);
      expect(r.output).toEqual(r.hidden);
    });
  }
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM: clip, layouts, state across invokes', () => {
  it('cell_clip bounds the cell state to clip / cell scale (TFLM quantized_cell_clip), and changes it', () => {
    const x = quantize(INPUT, INT8.input[0], 0, 'int8');
    const unclipped = runKernel(readTflite(model(INT8, { cellClip: 0 })), x);
    const clipped = runKernel(readTflite(model(INT8, { cellClip: 0.5 })), x);
    const bound = Math.trunc(0.5 / f32(INT8.cell)); // 2048
    expect(Math.max(...unclipped.cell.map(Math.abs))).toBeGreaterThan(bound);
    expect(Math.max(...clipped.cell.map(Math.abs))).toBe(bound);
  });

  it('counts 228 MACs: 12 output elements x (4 gates x (2 input + 2 hidden) + 3 element-wise products), hand-counted', () => {
    const graph = readTflite(model(INT8));
    expect(opMacs(graph, graph.ops[0]!)).toBe(12 * (4 * (2 + 2) + 3));
  });

  it('time-major input [time, batch, input] gives the batch-major outputs transposed', () => {
    const x = quantize(INPUT, INT8.input[0], 0, 'int8');
    const batchMajor = runKernel(readTflite(model(INT8)), x).output;
    // [batch 2, time 3, 2] -> [time 3, batch 2, 2]
    const transpose = (v: number[]) => [0, 1, 2].flatMap((t) => [0, 1].flatMap((b) => v.slice((b * 3 + t) * 2, (b * 3 + t) * 2 + 2)));
    const graph = readTflite(model(INT8, { timeMajor: true }));
    const out = createReferenceSession(graph).invoke([new Uint8Array(Int8Array.from(transpose(x)).buffer)]).outputs[0]!;
    expect(Array.from(new Int8Array(out.slice().buffer))).toEqual(transpose(batchMajor));
  });

  it('planned: both states get variable buffers live at every step; the arena executor equals the reference across invokes and reset', () => {
    const graph = readTflite(model(INT8));
    const plan = planModel(graph, { backend: 'c' }).plan;
    const schedule = scheduleOf(plan);
    for (const id of [13, 14]) expect(plan.buffers.find((b) => b.tensor === id), `tensor ${id}`).toMatchObject({ kind: 'variable', first: 0 });
    const x = [new Uint8Array(Int8Array.from(quantize(INPUT, INT8.input[0], 0, 'int8')).buffer)];
    const reference = createReferenceSession(graph);
    const planned = createScheduleSession(schedule);
    const both = () => [Array.from(reference.invoke(x).outputs[0]!), Array.from(planned.invoke(x).outputs[0]!)];
    const [r1, p1] = both();
    const [r2, p2] = both();
    expect([p1, p2]).toEqual([r1, r2]);
    expect(r2).not.toEqual(r1);
    planned.reset();
    expect(Array.from(planned.invoke(x).outputs[0]!)).toEqual(r1);
  });

  it('the hidden and cell state persist across invokes; reset() restores the first sequence', () => {
    const graph = readTflite(model(INT16));
    const x = [new Uint8Array(Int16Array.from(quantize(INPUT, INT16.input[0], 0, 'int16')).buffer)];
    const session = createReferenceSession(graph);
    const run = () => Array.from(session.invoke(x).outputs[0]!);
    const first = run();
    const second = run();
    expect(second).not.toEqual(first);
    session.reset();
    expect(run()).toEqual(first);
    expect(run()).toEqual(second);
  });
});

describe('int16 sigmoid and tanh (TFLite reference_integer_ops, Q3.12 in, Q0.15 out)', () => {
  it('follow the real functions within 2 counts of 2^-15 over [-8, 8)', () => {
    for (let q = -32768; q < 32768; q += 37) {
      const real = q / 4096;
      expect(Math.abs(logistic16(q, 0, 0) - 32768 / (1 + Math.exp(-real))), `sigmoid(${real})`).toBeLessThanOrEqual(2);
      expect(Math.abs(tanh16(q, 0, 0) - 32768 * Math.tanh(real)), `tanh(${real})`).toBeLessThanOrEqual(2);
    }
    expect([logistic16(0, 0, 0), tanh16(0, 0, 0)]).toEqual([16384, 0]);
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM refusals (TFLM LstmTensors::ValidateTensorStatus and Prepare)', () => {
  const cases: Array<[string, Variant, string]> = [
    ['peephole', { extra: [10, 11] }, 'the peephole (cell-to-gate weights, inputs 9-11) LSTM variant is not supported'],
    ['projection', { extra: [16] }, 'the projection (inputs 16-17) LSTM variant is not supported'],
    ['layer norm', { extra: [20, 21, 22, 23] }, 'the layer normalization (inputs 20-23) LSTM variant is not supported'],
    ['CIFG', { absent: [1, 5, 12] }, 'the CIFG LSTM variant (no input gate weights, inputs 1 and 5) is not supported'],
    ['an int8 cell state', { cellType: 'int8' }, "tensor 'cell_state' (#14): cell state dtype int8 is not supported (TFLM's integer LSTM needs int16)"],
  ];
  for (const [name, variant, message] of cases) {
    it(`refuses ${name} with E_UNSUPPORTED naming it`, () => {
      const e = refusal(() => readTflite(model(INT8, variant)));
      expect(e.code).toBe('E_UNSUPPORTED');
      expect(e.message).toContain(`UNIDIRECTIONAL_SEQUENCE_LSTM (node 0)`);
      expect(e.message).toContain(message);
    });
  }

  it('refuses a hidden state that is not a variable tensor (TFLM checks is_variable)', () => {
    const e = refusal(() => readTflite(model(INT8, { variable: false })));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toContain("tensor 'hidden_state' (#13): the hidden state must be a variable tensor");
  });

  it('refuses a negative cell_clip as malformed (TFLM checks cell_clip >= 0)', () => {
    const e = refusal(() => readTflite(model(INT8, { cellClip: -1 })));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toContain('cell_clip -1 must be >= 0');
  });

  it('compiling C from a plan for TFLM\'s kernels (no gate workspace planned) is refused naming the op and the bytes', () => {
    const schedule = scheduleOf(planModel(readTflite(model(INT8)), { backend: 'tflm' }).plan);
    const e = refusal(() => emitC(schedule));
    expect(e.code).toBe('E_USAGE');
    expect(e.message).toContain('UNIDIRECTIONAL_SEQUENCE_LSTM (op 0): the plan gives 0 workspace bytes, its kernel needs 16 for the gates');
  });

  it('read, write, read keeps the op (options, version, variable states)', () => {
    const once = readTflite(model(INT16, { timeMajor: true, cellClip: 2.5 }));
    const twice = readTflite(writeTflite(once));
    expect(twice.ops[0]).toMatchObject({ kind: 'UNIDIRECTIONAL_SEQUENCE_LSTM', version: 5, attrs: { timeMajor: true, cellClip: 2.5, projClip: 3 } });
    expect(twice.ops[0]!.params).toEqual(once.ops[0]!.params);
    expect([twice.tensors[13]!.isVariable, twice.tensors[14]!.isVariable]).toEqual([true, true]);
  });
});
