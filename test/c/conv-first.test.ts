// int8 first convolutions over few input channels on the C kernels' column fill (ARMv7E-M word loads):
// 3x3 over 3 channels (RGB; interior windows by conv_col_fill_3x3c3, border windows the general fill) and
// windows whose rows are whole groups of 4 elements (kws's 10x4 over 1 channel; rows inside by words, rows
// crossing the border element by element). Strides 1 and 2, with and without padding, batches of two, input
// zero points at both ends, the default kernel on disjoint buffers and every overlap the variants allow.
// Expected bytes from the reference interpreter.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { outSizeWithPads } from '../../src/ir/shapes.js';
import { overlapRules } from '../../src/plan/overlap.js';
import { elementSize, randomInputs, rng, runDefault, singleOpGraph, type Rng } from '../plan/overlap-harness.js';
import { disjointPlacement, overlappedPlacement } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, type Job } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

/** Case i: 3x3 over 3 channels (even i) or a window whose rows are whole groups (odd i: 10x4x1, 2x2x2, 3x8x1). */
function firstConv(r: Rng, i: number): Graph {
  for (;;) {
    const [kh, kw, cin] = i % 2 === 0 ? [3, 3, 3] : ([[10, 4, 1], [2, 2, 2], [3, 8, 1]] as const)[(i >> 1) % 3]!;
    const n = r.int(1, 2), h = r.int(kh, kh + 8), w = r.int(kw, kw + 8), cout = r.int(1, 12);
    const s = 1 + ((i >> 1) % 2);
    const padded = i % 3 !== 0;
    const pad = padded ? { top: r.int(0, kh - 1), bottom: r.int(0, kh - 1), left: r.int(0, kw - 1), right: r.int(0, kw - 1) } : { top: 0, bottom: 0, left: 0, right: 0 };
    const oh = outSizeWithPads(h, kh, s, 1, pad.top, pad.bottom), ow = outSizeWithPads(w, kw, s, 1, pad.left, pad.right);
    if (oh < 1 || ow < 1) continue;
    const inScale = r.float(0.01, 0.05);
    const wScales = Array.from({ length: cout }, () => r.float(0.002, 0.02));
    const zp = [-128, 127, r.int(-128, 127)][i % 3]!;
    return singleOpGraph('CONV_2D', { stride: [s, s], dilation: [1, 1], pad, clamp: [r.int(-128, -40), r.int(40, 127)] }, [
      { shape: [n, h, w, cin], scale: inScale, zp },
      { shape: [cout, kh, kw, cin], scale: wScales, axis: 0, values: r.ints(cout * kh * kw * cin, -127, 127) },
      { shape: [cout], dtype: 'int32', scale: wScales.map((x) => x * inScale), values: r.ints(cout, -3000, 3000) },
    ], { shape: [n, oh, ow, cout], scale: inScale * 0.01 * Math.sqrt(kh * kw * cin) * 12, zp: r.int(-10, 10) });
  }
}

function jobs(): Array<{ job: Job; want: Uint8Array }> {
  const out: Array<{ job: Job; want: Uint8Array }> = [];
  for (let i = 0; i < 36; i++) {
    const r = rng(30357 + i * 7919);
    const graph = firstConv(r, i);
    const where = `CONV_2D first conv case ${i} [${graph.tensors.map((t) => t.shape.join('x')).join(' ')}]`;
    const inputs = randomInputs(graph, r);
    out.push({ want: runDefault(graph, inputs), job: kernelJob(graph, disjointPlacement(graph), inputs, 'default', `${where} default`, r.int(0, 255)) });
    for (const rule of overlapRules(graph, 0)) {
      const step = elementSize(graph, graph.ops[0]!.outputs[0]!);
      const lo = Math.ceil(rule.minDelta / step) * step, hi = Math.floor(rule.maxDelta / step) * step;
      if (lo > hi) continue;
      for (const delta of new Set([lo, hi])) {
        const fresh = randomInputs(graph, r);
        out.push({ want: runDefault(graph, fresh), job: kernelJob(graph, overlappedPlacement(graph, rule.input, delta, rule.scratchBytes), fresh, rule.variant, `${where} ${rule.variant} delta ${delta}`, r.int(0, 255)) });
      }
    }
  }
  return out;
}

function check(run: (jobs: Job[]) => Array<{ output: Uint8Array; symbol: string }>): void {
  const cases = jobs();
  const got = run(cases.map((c) => c.job));
  cases.forEach((c, i) => expect(Array.from(got[i]!.output), `${c.job.label} (${got[i]!.symbol})`).toEqual(Array.from(c.want)));
}

const hostOk = haveTools('C kernels (host)', ['gcc', 'ar']);
const qemuOk = haveTools('C kernels (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('int8 CONV_2D over few input channels (first convolutions)', () => {
  it.skipIf(!qemuOk)('QEMU Cortex-M4F (the word-load column fills)', () => check(runJobsOnQemu), 300_000);
  it.skipIf(!hostOk)('host gcc with ASan+UBSan', () => check(runJobsOnHost), 300_000);
});
