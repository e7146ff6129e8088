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

/** n indices from element `start` of the packed stream (bits each, high-order bits first) through table t, to dst. */
function lutRow(packed: usize, start: i32, n: i32, bits: i32, t: usize, dst: usize): void {
  const bit = <usize>start * <usize>bits;
  let p = packed + (bit >> 3);
  let i = 0;
  if (bits == 4 && (bit & 7) == 0) {
    for (; i + 2 <= n; i += 2) {
      const b = <u32>load<u8>(p++);
      store<u8>(dst + <usize>i, load<u8>(t + <usize>(b >> 4)));
      store<u8>(dst + <usize>i + 1, load<u8>(t + <usize>(b & 15)));
    }
    if (i < n) store<u8>(dst + <usize>i, load<u8>(t + <usize>(<u32>load<u8>(p) >> 4)));
    return;
  }
  if (bits == 2 && (bit & 7) == 0) {
    for (; i + 4 <= n; i += 4) {
      const b = <u32>load<u8>(p++);
      store<u8>(dst + <usize>i, load<u8>(t + <usize>(b >> 6)));
      store<u8>(dst + <usize>i + 1, load<u8>(t + <usize>((b >> 4) & 3)));
      store<u8>(dst + <usize>i + 2, load<u8>(t + <usize>((b >> 2) & 3)));
      store<u8>(dst + <usize>i + 3, load<u8>(t + <usize>(b & 3)));
    }
    for (let s: u32 = 6; i < n; i++, s -= 2) store<u8>(dst + <usize>i, load<u8>(t + <usize>((<u32>load<u8>(p) >> s) & 3)));
    return;
  }
  const mask: u32 = (1 << bits) - 1;
  let acc: u32 = 0;
  let have = 0;
  if (n > 0) {
    acc = <u32>load<u8>(p++);
    have = 8 - <i32>(bit & 7);
  }
  for (; i < n; i++) {
    if (have < bits) {
      acc = (acc << 8) | <u32>load<u8>(p++);
      have += 8;
    }
    have -= bits;
    store<u8>(dst + <usize>i, load<u8>(t + <usize>((acc >> <u32>have) & mask)));
  }
}

export function fully_connected_lut_s8(args: usize): void {
  const x = ptr(args, FULLY_CONNECTED_LUT_INPUT);
  const y = ptr(args, FULLY_CONNECTED_LUT_OUTPUT);
  const packed = ptr(args, FULLY_CONNECTED_LUT_FILTER);
  const tables = ptr(args, FULLY_CONNECTED_LUT_ANCILLARY) + 16;
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
  const stride = arg(args, FULLY_CONNECTED_LUT_CHANNELS) > 1 ? arg(args, FULLY_CONNECTED_LUT_STRIDE) : 0;
  const q = arg(args, FULLY_CONNECTED_LUT_QPARAMS);
  useWorkspace(args, FULLY_CONNECTED_LUT_WORKSPACE);
  const rows = WORK_BASE;
  for (let u0 = 0; u0 < units; u0 += LUT_ROWS) {
    const n = min(units - u0, LUT_ROWS);
    for (let j = 0; j < n; j++) lutRow(packed, (u0 + j) * depth, depth, bits, tables + <usize>((u0 + j) * stride), rows + <usize>(j * depth));
    if (q != 0) {
      matmulQ(x, depth, batches, depth, rows, depth, n, ref(q) + <usize>(u0 >> 2) * QGROUP, y + <usize>u0, units, outputOffset, actMin, actMax);
      continue;
    }
    for (let b = 0; b < batches; b++) {
      const xr = x + <usize>(b * depth), yr = y + <usize>(b * units);
      for (let j = 0; j < n; j++) {
        const acc = dot(xr, rows + <usize>(j * depth), depth, inputOffset);
        store<i8>(yr + <usize>(u0 + j), <i8>requantize(acc, bias, mult, shift, u0 + j, outputOffset, actMin, actMax));
      }
    }
  }
}
