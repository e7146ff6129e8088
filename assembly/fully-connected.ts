// FULLY_CONNECTED int8 (TFLM reference_integer_ops::FullyConnected[PerChannel]); the spec is
// src/reference/ops/fully-connected.ts. Default: one matrix product; stream-row: batch rows via scratch.
import {
  FULLY_CONNECTED_INPUT, FULLY_CONNECTED_OUTPUT, FULLY_CONNECTED_FILTER, FULLY_CONNECTED_BIAS, FULLY_CONNECTED_MULTIPLIER,
  FULLY_CONNECTED_SHIFT, FULLY_CONNECTED_SCRATCH, FULLY_CONNECTED_BATCHES, FULLY_CONNECTED_UNITS, FULLY_CONNECTED_DEPTH,
  FULLY_CONNECTED_INPUT_OFFSET, FULLY_CONNECTED_OUTPUT_OFFSET, FULLY_CONNECTED_ACT_MIN, FULLY_CONNECTED_ACT_MAX,
  FULLY_CONNECTED_QPARAMS, FULLY_CONNECTED_WIDE, FULLY_CONNECTED_WORKSPACE,
} from './abi';
import { arg, ptr, ref, useWorkspace, WORK_BASE } from './base';
import { matmul, matmulQ, matmulQW, copyBytes } from './conv';

// @ts-ignore: decorator
@inline
function fc(args: usize, streamRow: bool): void {
  const x = ptr(args, FULLY_CONNECTED_INPUT);
  const y = ptr(args, FULLY_CONNECTED_OUTPUT);
  const w = ptr(args, FULLY_CONNECTED_FILTER);
  const bias = ptr(args, FULLY_CONNECTED_BIAS);
  const mult = ptr(args, FULLY_CONNECTED_MULTIPLIER);
  const shift = ptr(args, FULLY_CONNECTED_SHIFT);
  const scratch = ptr(args, FULLY_CONNECTED_SCRATCH);
  const batches = arg(args, FULLY_CONNECTED_BATCHES);
  const units = arg(args, FULLY_CONNECTED_UNITS);
  const depth = arg(args, FULLY_CONNECTED_DEPTH);
  const inputOffset = arg(args, FULLY_CONNECTED_INPUT_OFFSET);
  const outputOffset = arg(args, FULLY_CONNECTED_OUTPUT_OFFSET);
  const actMin = arg(args, FULLY_CONNECTED_ACT_MIN);
  const actMax = arg(args, FULLY_CONNECTED_ACT_MAX);
  const q = arg(args, FULLY_CONNECTED_QPARAMS);
  useWorkspace(args, FULLY_CONNECTED_WORKSPACE);
  if (q != 0) {
    // stream-row: each batch row copied to the workspace (the row's reads), then its outputs written.
    const wd = ASC_FEATURE_SIMD ? arg(args, FULLY_CONNECTED_WIDE) : 0;
    if (!streamRow) {
      if (wd != 0) matmulQW(x, depth, batches, depth, ref(wd), units, ref(q), y, units, outputOffset, actMin, actMax);
      else matmulQ(x, depth, batches, depth, w, depth, units, ref(q), y, units, outputOffset, actMin, actMax);
    } else {
      for (let n = 0; n < batches; n++) {
        copyBytes(WORK_BASE, x + <usize>(n * depth), depth);
        if (wd != 0) matmulQW(WORK_BASE, depth, 1, depth, ref(wd), units, ref(q), y + <usize>(n * units), units, outputOffset, actMin, actMax);
        else matmulQ(WORK_BASE, depth, 1, depth, w, depth, units, ref(q), y + <usize>(n * units), units, outputOffset, actMin, actMax);
      }
    }
    return;
  }
  if (!streamRow) {
    matmul(x, w, y, bias, mult, shift, batches, depth, units, inputOffset, outputOffset, actMin, actMax);
    return;
  }
  for (let n = 0; n < batches; n++) {
    matmul(x + <usize>(n * depth), w, scratch, bias, mult, shift, 1, depth, units, inputOffset, outputOffset, actMin, actMax);
    memory.copy(y + <usize>(n * units), scratch, <usize>units);
  }
}

export function fully_connected_s8(args: usize): void {
  fc(args, false);
}

export function fully_connected_s8_stream_row(args: usize): void {
  fc(args, true);
}
