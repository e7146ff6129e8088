// Lowering of the ops with state kept across invokes (variable tensors in the arena): SVDF and
// UNIDIRECTIONAL_SEQUENCE_LSTM.
import { TinyforgeError } from '../../../errors.js';
import { elementCount } from '../../../ir/shapes.js';
import { arrayRef, code, operand, operandType, workspaceFields, type OpLowering } from '../context.js';

export const SVDF: OpLowering<'SVDF'> = {
  // The time weights' type is the state's (the deriver checks it): svdf_s8 or svdf_s16.
  symbol: ({ call, where }, graph) => `svdf_${code(operandType(graph, call.inputs[2], `${where} time weights`).dtype, where)}`,
  record(ctx, { call, op, where }) {
    const x = operand(ctx, call.inputs[0], `${where} input`);
    const feature = operand(ctx, call.inputs[1], `${where} feature weights`);
    const time = operand(ctx, call.inputs[2], `${where} time weights`);
    const state = operand(ctx, call.inputs[4], `${where} activation state`);
    const [filters, memory] = time.shape as [number, number];
    const units = filters / op.attrs.rank;
    const bias = call.inputs[3] ? operand(ctx, call.inputs[3], `${where} bias`).ref : arrayRef(ctx, new Int32Array(units));
    const p = op.params;
    return {
      record: 'svdf',
      fields: {
        input: x.ref, output: call.outputs[0]!.offset, feature: feature.ref, time: time.ref, bias, state: state.ref,
        batches: x.shape[0]!, input_size: x.shape[1]!, filters, memory, rank: op.attrs.rank,
        input_offset: -p.inputZeroPoint, state_zero_point: p.stateZeroPoint, output_offset: p.outputZeroPoint,
        multiplier1: p.multiplier1, shift1: p.shift1, multiplier2: p.multiplier2, shift2: p.shift2,
      },
    };
  },
};

/** TFLM lstm_shared.h slots per gate (input weights, recurrent weights, bias), in the record's gate order. */
const LSTM_GATES = [['forget', 2, 6, 13], ['input', 1, 5, 12], ['cell', 3, 7, 14], ['output', 4, 8, 15]] as const;

export const UNIDIRECTIONAL_SEQUENCE_LSTM: OpLowering<'UNIDIRECTIONAL_SEQUENCE_LSTM'> = {
  // The activations' type (the deriver gives input, hidden state and output one): lstm_s8 or lstm_s16.
  symbol: ({ call, where }, graph) => `lstm_${code(operandType(graph, call.inputs[0], `${where} input`).dtype, where)}`,
  record(ctx, { call, op, where }) {
    const x = operand(ctx, call.inputs[0], `${where} input`);
    const hidden = operand(ctx, call.inputs[18], `${where} hidden state`);
    const cell = operand(ctx, call.inputs[19], `${where} cell state`);
    const p = op.params;
    const int8 = p.activation === 'int8';
    const [d0, d1, inputSize] = x.shape as [number, number, number];
    const timeMajor = op.attrs.timeMajor;
    const [batches, steps] = timeMajor ? [d1, d0] : [d0, d1];
    const units = elementCount(cell.shape) / batches;
    const ws = workspaceFields(call);
    // No path without the gate buffers: a plan for TFLM's kernels (backend 'tflm') plans none.
    if (ws.workspace_bytes < 8 * units) {
      throw new TinyforgeError('E_USAGE', `${where}: the plan gives ${ws.workspace_bytes} workspace bytes, its kernel needs ${8 * units} for the gates: plan for the c or wasm kernels`, {
        op: op.kind, plannedBytes: ws.workspace_bytes, needBytes: 8 * units,
      });
    }
    // TFLM's Tanh of the cell state: its scale 2^power read as Q3.12 (src/reference/ops/lstm.ts).
    const tanhShift = 12 + p.cellScalePower;
    const gates = LSTM_GATES.map(([name, wIn, wRec, bias]) => ({
      g: p[name],
      w: operand(ctx, call.inputs[wIn], `${where} input-to-${name} weights`).ref,
      r: operand(ctx, call.inputs[wRec], `${where} recurrent-to-${name} weights`).ref,
      b: operand(ctx, call.inputs[bias], `${where} ${name} gate bias`).ref,
    }));
    return {
      record: 'lstm',
      fields: {
        input: x.ref, output: call.outputs[0]!.offset, hidden: hidden.ref, cell: cell.ref,
        input_weights: gates.map((e) => e.w), recurrent_weights: gates.map((e) => e.r), bias: gates.map((e) => e.b),
        input_multiplier: gates.map((e) => e.g.inputMultiplier), input_shift: gates.map((e) => e.g.inputShift),
        recurrent_multiplier: gates.map((e) => e.g.recurrentMultiplier), recurrent_shift: gates.map((e) => e.g.recurrentShift),
        input_weight_offset: gates.map((e) => e.g.inputWeightOffset), recurrent_weight_offset: gates.map((e) => e.g.recurrentWeightOffset),
        batches, steps, input_size: inputSize, units, time_major: timeMajor ? 1 : 0,
        // The 16x8 fully connected layers take no input offset (TFLM's int16 FullyConnected).
        input_offset: int8 ? -p.inputZeroPoint : 0, hidden_offset: int8 ? -p.hiddenZeroPoint : 0, hidden_zero_point: p.hiddenZeroPoint,
        forget_cell_multiplier: p.forgetCellMul.multiplier, forget_cell_shift: p.forgetCellMul.shift,
        input_cell_multiplier: p.inputMul.multiplier, input_cell_shift: p.inputMul.shift,
        hidden_multiplier: p.hiddenMul.multiplier, hidden_shift: p.hiddenMul.shift,
        tanh_multiplier: tanhShift < 0 ? 3 : 0, tanh_shift: Math.abs(tanhShift),
        cell_clip: op.attrs.cellClip > 0 ? p.quantizedCellClip : -1,
        ...ws,
      },
    };
  },
};
