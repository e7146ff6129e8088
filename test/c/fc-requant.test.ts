// int8 FULLY_CONNECTED on the C kernels through its requantization forms: per-tensor filters (the record's
// per_tensor: one tf_rq form a call, four units stored as a word with the activation clamp on the four bytes)
// with clamps narrower than int8 at either end, per-channel filters (per unit), and output scales whose
// requantization tf_rq cannot take (shift > -2, or beyond -23) where the kernel falls back per unit. Units not a
// multiple of four, batches of one and two. Expected bytes from the reference interpreter; host (ASan+UBSan)
// and QEMU's Cortex-M4F (the DSP path).
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { randomInputs, rng, runDefault, singleOpGraph, type Rng } from '../plan/overlap-harness.js';
import { disjointPlacement } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, type Job } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

interface Case { perChannel: boolean; clamp: [number, number]; outScale: number; zo: number }

const CASES: Case[] = [
  { perChannel: false, clamp: [-128, 127], outScale: 1, zo: 3 },
  { perChannel: false, clamp: [-20, 127], outScale: 1, zo: -20 }, // RELU with its zero point
  { perChannel: false, clamp: [-128, 40], outScale: 1, zo: 100 },
  { perChannel: false, clamp: [-90, 90], outScale: 0.5, zo: -128 },
  { perChannel: false, clamp: [-128, 127], outScale: 2 ** 22, zo: 127 }, // tiny multiplier: shift below -23
  { perChannel: false, clamp: [-128, 127], outScale: 1 / 2 ** 12, zo: 0 }, // multiplier above 1/4: shift > -2
  { perChannel: true, clamp: [-7, 99], outScale: 1, zo: -7 },
];

function graphOf(c: Case, r: Rng): Graph {
  const batches = r.int(1, 2), depth = r.int(5, 70), units = r.int(5, 23);
  const inScale = r.float(0.01, 0.05);
  const wScales = c.perChannel ? Array.from({ length: units }, () => r.float(0.002, 0.02)) : [r.float(0.002, 0.02)];
  const base = inScale * wScales[0]! * Math.sqrt(depth) * 12;
  return singleOpGraph('FULLY_CONNECTED', { clamp: c.clamp, keepNumDims: false }, [
    { shape: [batches, depth], scale: inScale, zp: r.int(-128, 127) },
    { shape: [units, depth], scale: c.perChannel ? wScales : wScales[0]!, ...(c.perChannel ? { axis: 0 } : {}), values: r.ints(units * depth, -127, 127) },
    { shape: [units], dtype: 'int32', scale: (c.perChannel ? wScales : new Array(units).fill(wScales[0])).map((s: number) => s * inScale), values: r.ints(units, -30000, 30000) },
  ], { shape: [batches, units], scale: base * c.outScale, zp: c.zo });
}

function jobs(): Array<{ job: Job; want: Uint8Array }> {
  const out: Array<{ job: Job; want: Uint8Array }> = [];
  CASES.forEach((c, i) => {
    for (let seed = 0; seed < 4; seed++) {
      const r = rng(5701 + 31 * i + seed);
      const graph = graphOf(c, r);
      const inputs = randomInputs(graph, r);
      out.push({ want: runDefault(graph, inputs), job: kernelJob(graph, disjointPlacement(graph), inputs, 'default', `FULLY_CONNECTED ${JSON.stringify(c)} seed ${seed} [${graph.tensors.map((t) => t.shape.join('x')).join(' ')}]`, r.int(0, 255)) });
    }
  });
  return out;
}

function check(run: (jobs: Job[]) => Array<{ output: Uint8Array; symbol: string }>): void {
  const cases = jobs();
  const got = run(cases.map((c) => c.job));
  cases.forEach((c, i) => {
    expect(got[i]!.symbol).toBe('fully_connected_s8');
    expect(Array.from(got[i]!.output), c.job.label).toEqual(Array.from(c.want));
  });
}

const hostOk = haveTools('C kernels (host)', ['gcc', 'ar']);
const qemuOk = haveTools('C kernels (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('int8 FULLY_CONNECTED requantization forms', () => {
  it.skipIf(!qemuOk)('QEMU Cortex-M4F', () => check(runJobsOnQemu), 300_000);
  it.skipIf(!hostOk)('host gcc with ASan+UBSan', () => check(runJobsOnHost), 300_000);
});
