// FULLY_CONNECTED int8 (TFLM reference_integer_ops::FullyConnected[PerChannel]); the spec is
// src/reference/ops/fully-connected.ts. Default: one matrix product; stream-row: batch rows via scratch.
import {
  FULLY_CONNECTED_INPUT, FULLY_CONNECTED_OUTPUT, FULLY_CONNECTED_FILTER, FULLY_CONNECTED_BIAS, FULLY_CONNECTED_MULTIPLIER,
  FULLY_CONNECTED_SHIFT, FULLY_CONNECTED_SCRATCH, FULLY_CONNECTED_BATCHES, FULLY_CONNECTED_UNITS, FULLY_CONNECTED_DEPTH,
  FULLY_CONNECTED_INPUT_OFFSET, FULLY_CONNECTED_OUTPUT_OFFSET, FULLY_CONNECTED_ACT_MIN, FULLY_CONNECTED_ACT_MAX,
  FULLY_CONNECTED_QPARAMS, FULLY_CONNECTED_WIDE, FULLY_CONNECTED_WORKSPACE,
  FULLY_CONNECTED_LUT_INPUT, FULLY_CONNECTED_LUT_OUTPUT, FULLY_CONNECTED_LUT_FILTER, FULLY_CONNECTED_LUT_BIAS, FULLY_CONNECTED_LUT_MULTIPLIER,
  FULLY_CONNECTED_LUT_SHIFT, FULLY_CONNECTED_LUT_BATCHES, FULLY_CONNECTED_LUT_UNITS, FULLY_CONNECTED_LUT_DEPTH,
  FULLY_CONNECTED_LUT_INPUT_OFFSET, FULLY_CONNECTED_LUT_OUTPUT_OFFSET, FULLY_CONNECTED_LUT_ACT_MIN, FULLY_CONNECTED_LUT_ACT_MAX,
  FULLY_CONNECTED_LUT_WORKSPACE, FULLY_CONNECTED_LUT_ANCILLARY, FULLY_CONNECTED_LUT_BIT_WIDTH, FULLY_CONNECTED_LUT_STRIDE,
  FULLY_CONNECTED_LUT_CHANNELS, FULLY_CONNECTED_LUT_QPARAMS,
} from './abi';
import { arg, ptr, ref, useWorkspace, WORK_BASE } from './base';
import { dot, matmul, matmulQ, matmulQW, copyBytes } from './conv';
import { requantize, QGROUP } from './requant';
import { lutRow, lutTables, lutTableStride } from './decode';

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

// ---- LUT-compressed weights (src/passes/fuse-decode.ts; format src/ir/lut.ts; the C twin fc.c fully_connected_lut_s8) ----

/** Units decoded per block into the workspace (FC_LUT_ROWS in src/ir/workspace.ts): one qparams group. */
const LUT_ROWS = 4;

export function fully_connected_lut_s8(args: usize): void {
  const x = ptr(args, FULLY_CONNECTED_LUT_INPUT);
  const y = ptr(args, FULLY_CONNECTED_LUT_OUTPUT);
  const packed = ptr(args, FULLY_CONNECTED_LUT_FILTER);
  const tables = lutTables(args, FULLY_CONNECTED_LUT_ANCILLARY);
  const bias = ptr(args, FULLY_CONNECTED_LUT_BIAS);
  const mult = ptr(args, FULLY_CONNECTED_LUT_MULTIPLIER);
  const shift = ptr(args, FULLY_CONNECTED_LUT_SHIFT);
  const batches = arg(args, FULLY_CONNECTED_LUT_BATCHES);
  const units = arg(args, FULLY_CONNECTED_LUT_UNITS);
  const depth = arg(args, FULLY_CONNECTED_LUT_DEPTH);
  const inputOffset = arg(args, FULLY_CONNECTED_LUT_INPUT_OFFSET);
  const outputOffset = arg(args, FULLY_CONNECTED_LUT_OUTPUT_OFFSET);
  const actMin = arg(args, FULLY_CONNECTED_LUT_ACT_MIN);
  const actMax = arg(args, FULLY_CONNECTED_LUT_ACT_MAX);
  const bits = arg(args, FULLY_CONNECTED_LUT_BIT_WIDTH);
  const stride = lutTableStride(args, FULLY_CONNECTED_LUT_CHANNELS, FULLY_CONNECTED_LUT_STRIDE);
  const q = arg(args, FULLY_CONNECTED_LUT_QPARAMS);
  useWorkspace(args, FULLY_CONNECTED_LUT_WORKSPACE);
  if (q != 0) {
    lutMatmulQ(x, batches, depth, packed, bits, tables, stride, units, LUT_ROWS, ref(q), y, outputOffset, actMin, actMax);
    return;
  }
  const rows = WORK_BASE;
  for (let u0 = 0; u0 < units; u0 += LUT_ROWS) {
    const n = min(units - u0, LUT_ROWS);
    for (let j = 0; j < n; j++) lutRow(packed, (u0 + j) * depth, depth, bits, tables + <usize>((u0 + j) * stride), rows + <usize>(j * depth));
    for (let b = 0; b < batches; b++) {
      const xr = x + <usize>(b * depth), yr = y + <usize>(b * units);
      for (let j = 0; j < n; j++) {
        const acc = dot(xr, rows + <usize>(j * depth), depth, inputOffset);
        store<i8>(yr + <usize>(u0 + j), <i8>requantize(acc, bias, mult, shift, u0 + j, outputOffset, actMin, actMax));
      }
    }
  }
}

/**
 * y[r * units + u] for r < rows, u < units over LUT-stored weights (units rows of `depth` indices): blocks of
 * `block` units (a multiple of 4: one qparams group each) decoded into the workspace, each block a matrix
 * product over every row (fully_connected_lut_s8; conv2d_lut_s8's pointwise blocks, the pixels as rows).
 */
export function lutMatmulQ(
  x: usize, rows: i32, depth: i32, packed: usize, bits: i32, tables: usize, stride: i32, units: i32, block: i32, qt: usize,
  y: usize, outputOffset: i32, actMin: i32, actMax: i32,
): void {
  const w = WORK_BASE;
  for (let u0 = 0; u0 < units; u0 += block) {
    const n = min(units - u0, block);
    for (let j = 0; j < n; j++) lutRow(packed, (u0 + j) * depth, depth, bits, tables + <usize>((u0 + j) * stride), w + <usize>(j * depth));
    matmulQ(x, depth, rows, depth, w, depth, n, qt + <usize>(u0 >> 2) * QGROUP, y + <usize>u0, units, outputOffset, actMin, actMax);
  }
}
