// Lowering of int8 LOG_SOFTMAX: rows of the last dim and TFLM's Prepare params (LogSoftmaxOpData).
import type { OpLowering } from '../context.js';
import { unary } from './elementwise.js';

export const LOG_SOFTMAX: OpLowering<'LOG_SOFTMAX'> = {
  symbol: () => 'log_softmax_s8',
  record(ctx, { call, op, where }) {
    const { x, io, size } = unary(ctx, call, where);
    const depth = x.shape[x.shape.length - 1] ?? 1;
    const p = op.params;
    return {
      record: 'log_softmax',
      fields: {
        ...io, rows: depth === 0 ? 0 : size / depth, depth, input_multiplier: p.inputMultiplier, input_left_shift: p.inputLeftShift,
        reverse_scaling_divisor: p.reverseScalingDivisor, reverse_scaling_right_shift: p.reverseScalingRightShift, diff_min: p.diffMin,
      },
    };
  },
};
