// Lowering of the ops with state kept across invokes (a variable tensor in the arena): SVDF, and the
// refusal of UNIDIRECTIONAL_SEQUENCE_LSTM, which has a reference kernel but no wasm or C kernel yet.
import { UnsupportedError } from '../../../errors.js';
import { arrayRef, code, operand, operandType, type OpLowering } from '../context.js';

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

/** No compiled kernel yet: compiling (wasm, C) refuses the op by name; the reference interpreter runs it. */
function noLstmKernel({ op, where }: { op: { kind: string }; where: string }): never {
  throw new UnsupportedError(`${where}: no wasm or C kernel yet (the reference interpreter runs it: run --engine reference)`, { op: op.kind });
}

export const UNIDIRECTIONAL_SEQUENCE_LSTM: OpLowering<'UNIDIRECTIONAL_SEQUENCE_LSTM'> = {
  symbol: (c) => noLstmKernel(c),
  record: (_ctx, c) => noLstmKernel(c),
};
