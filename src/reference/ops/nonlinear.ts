// The nonlinear / fixed-point reference kernels, by op kind.
import type { NonlinearKind } from '../../ir/params/nonlinear.js';
import type { RefKernels } from '../types.js';
import { abs, rsqrt } from './abs-rsqrt.js';
import { leakyRelu, relu, relu6, reluN1To1 } from './activations.js';
import { l2Normalization } from './l2norm.js';
import { hardSwish } from './hard-swish.js';
import { logistic } from './logistic.js';
import { elu, exp, neg } from './lookup-table.js';
import { logSoftmax } from './log-softmax.js';
import { mean, reduceMax } from './mean.js';
import { dequantize, quantize } from './quantize.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';

export const nonlinearKernels: RefKernels<NonlinearKind> = {
  SOFTMAX: softmax,
  LOGISTIC: logistic,
  TANH: tanh,
  HARD_SWISH: hardSwish,
  LEAKY_RELU: leakyRelu,
  RELU: relu,
  RELU6: relu6,
  RELU_N1_TO_1: reluN1To1,
  MEAN: mean,
  QUANTIZE: quantize,
  DEQUANTIZE: dequantize,
  ABS: abs,
  RSQRT: rsqrt,
  ELU: elu,
  EXP: exp,
  NEG: neg,
  LOG_SOFTMAX: logSoftmax,
  SUM: mean,
  REDUCE_MAX: reduceMax,
  L2_NORMALIZATION: l2Normalization,
};
