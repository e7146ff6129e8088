// int8 ADD / SUB without broadcasting on the C kernels: every pair of int8 inputs (65,536 elements a call)
// through the flat path's input scalings (shift 0 with multiplier 2^30 on the larger scale, shifts 1..12 on
// the other, equal scales, either input the larger), zero points at both ends and fused clamps. The flat path
// is the same C on the host (ASan+UBSan) and QEMU's Cortex-M4F. Expected bytes from the reference interpreter.
import { describe, expect, it } from 'vitest';
import { rng, runDefault, singleOpGraph } from '../plan/overlap-harness.js';
import { disjointPlacement } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, type Job } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

interface Case { kind: 'ADD' | 'SUB'; s1: number; s2: number; z1: number; z2: number; so: number; zo: number; clamp: [number, number] }

const CASES: Case[] = [
  { kind: 'ADD', s1: 0.05, s2: 0.02, z1: -3, z2: 7, so: 0.08, zo: -5, clamp: [-128, 127] },
  { kind: 'ADD', s1: 0.013, s2: 0.07, z1: 127, z2: -128, so: 0.11, zo: -128, clamp: [-128, 127] },
  { kind: 'ADD', s1: 0.04, s2: 0.04, z1: 12, z2: -12, so: 0.05, zo: 3, clamp: [3, 127] },
  { kind: 'ADD', s1: 0.5, s2: 0.0002, z1: -128, z2: 127, so: 0.4, zo: 100, clamp: [-128, 120] },
  { kind: 'ADD', s1: 0.00031, s2: 0.6, z1: 0, z2: 1, so: 0.002, zo: -1, clamp: [-100, 127] },
  { kind: 'SUB', s1: 0.05, s2: 0.021, z1: -3, z2: 7, so: 0.08, zo: -5, clamp: [-128, 127] },
  { kind: 'SUB', s1: 0.019, s2: 0.03, z1: 100, z2: -90, so: 0.03, zo: 20, clamp: [-128, 127] },
  { kind: 'SUB', s1: 0.04, s2: 0.04, z1: 0, z2: 0, so: 0.05, zo: 0, clamp: [-128, 127] },
];

function jobs(): Array<{ job: Job; want: Uint8Array }> {
  const r = rng(57016);
  const n = 256 * 256 + 3; // every (a, b) pair, then a tail
  return CASES.map((c) => {
    const graph = singleOpGraph(c.kind, { clamp: c.clamp }, [
      { shape: [n], scale: c.s1, zp: c.z1 },
      { shape: [n], scale: c.s2, zp: c.z2 },
    ], { shape: [n], scale: c.so, zp: c.zo });
    const a = new Uint8Array(n), b = new Uint8Array(n);
    for (let i = 0; i < n; i++) { a[i] = i & 255; b[i] = (i >> 8) & 255; }
    const inputs = new Map([[0, a], [1, b]]);
    const job = kernelJob(graph, disjointPlacement(graph), inputs, 'default', `${c.kind} ${JSON.stringify(c)}`, r.int(0, 255));
    // without ADD's input table too: the full-range cases then take add_hg_run_full, as ADDs below its size do
    return [job, { ...job, tables: false, label: `${job.label} (no table)` }].map((j) => ({ want: runDefault(graph, inputs), job: j }));
  }).flat();
}

function check(run: (jobs: Job[]) => Array<{ output: Uint8Array; symbol: string }>): void {
  const cases = jobs();
  const got = run(cases.map((c) => c.job));
  cases.forEach((c, i) => {
    const diff = c.want.findIndex((v, k) => v !== got[i]!.output[k]);
    expect(diff, `${c.job.label}: first difference at element ${diff} (a ${diff & 255}, b ${(diff >> 8) & 255})`).toBe(-1);
  });
}

const hostOk = haveTools('C kernels (host)', ['gcc', 'ar']);
const qemuOk = haveTools('C kernels (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('int8 ADD / SUB flat path: every input pair', () => {
  it.skipIf(!hostOk)('host gcc with ASan+UBSan', () => check(runJobsOnHost), 300_000);
  it.skipIf(!qemuOk)('QEMU Cortex-M4F', () => check(runJobsOnQemu), 300_000);
});
