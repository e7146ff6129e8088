// QUANTIZE float32 -> int8 on the C kernels at the edges of its rounding: round(x / scale) with halves away
// from zero (std::round), the x86 cast's INT32_MIN for NaN and |r| >= 2^31, the int8 clamp, for zero points
// at both ends. quantize_f32_s8's ARMv7E-M FPU path (VCVT to fixed point, FPSCR.IOC for the outliers) runs on
// QEMU; the host runs the portable loop. Expected bytes from the reference interpreter (src/ir/quant.ts).
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { rng, runDefault, singleOpGraph } from '../plan/overlap-harness.js';
import { disjointPlacement } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, type Job } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

const f32 = (v: number): number => Math.fround(v);
const bitsToF32 = (bits: number): number => new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0]!;
const nextUp = (v: number): number => {
  const b = new Float32Array([v]);
  const u = new Uint32Array(b.buffer);
  u[0] = v >= 0 ? u[0]! + 1 : u[0]! - 1;
  return b[0]!;
};
const nextDown = (v: number): number => -nextUp(-v);

/** Values of r = x / scale that sit on or next to a rounding or range boundary. */
function edgeQuotients(): number[] {
  const r: number[] = [0, -0, 1e-45, -1e-45, 0.49999997, -0.49999997, 8388607.5, -8388607.5, 4194303.5, -4194303.5];
  for (let k = -300; k <= 300; k++) r.push(k + 0.5, nextUp(f32(k + 0.5)), nextDown(f32(k + 0.5)), k);
  for (const big of [2 ** 29, 2 ** 30 - 64, 2 ** 30, 2 ** 30 + 128, 2 ** 31 - 128, 2 ** 31, 2 ** 31 + 256, 2 ** 32, 1e30, 3.4e38, Infinity]) r.push(big, -big);
  return r;
}

/** NaNs (quiet, signalling, negative) by bit pattern. */
const NANS = [0x7fc00000, 0x7f800001, 0xffc00000, 0x7fffffff, 0xff800001].map(bitsToF32);

function quantizeGraph(n: number, scale: number, zp: number): Graph {
  return singleOpGraph('QUANTIZE', {}, [{ shape: [n], dtype: 'float32' }], { shape: [n], dtype: 'int8', scale, zp });
}

function jobs(): Array<{ job: Job; want: Uint8Array }> {
  const out: Array<{ job: Job; want: Uint8Array }> = [];
  const r = rng(16057);
  for (const scale of [0.25, f32(1 / 127.5), f32(0.0371)]) {
    for (const zp of [-128, -1, 0, 5, 127]) {
      // every edge quotient times the scale (exact for 0.25), NaNs at each position of the FPU path's block of
      // eight, random values between, and a length that leaves a tail of seven
      const values: number[] = [];
      for (const q of edgeQuotients()) values.push(f32(q * scale));
      while (values.length % 8 !== 0) values.push(r.float(-5, 5));
      for (let i = 0; i < 8; i++) {
        for (const nan of NANS) values.push(...Array.from({ length: i }, () => r.float(-300, 300)), nan, ...Array.from({ length: 7 - i }, () => r.float(-300, 300)));
      }
      for (let i = 0; i < 64; i++) values.push(r.float(-200, 200) * scale);
      while (values.length % 8 !== 7) values.push(r.float(-5, 5));
      const graph = quantizeGraph(values.length, scale, zp);
      const inputs = new Map([[0, new Uint8Array(new Float32Array(values).buffer)]]);
      const want = runDefault(graph, inputs);
      out.push({ want, job: kernelJob(graph, disjointPlacement(graph), inputs, 'default', `QUANTIZE float32 scale ${scale} zp ${zp}`, r.int(0, 255)) });
    }
  }
  return out;
}

function check(cases: Array<{ job: Job; want: Uint8Array }>, run: (jobs: Job[]) => Array<{ output: Uint8Array; symbol: string }>): void {
  const got = run(cases.map((c) => c.job));
  cases.forEach((c, i) => {
    expect(got[i]!.symbol).toBe('quantize_f32_s8');
    const diff = c.want.findIndex((v, k) => v !== got[i]!.output[k]);
    expect(diff, `${c.job.label}: first difference at element ${diff}`).toBe(-1);
  });
}

const hostOk = haveTools('C kernels (host)', ['gcc', 'ar']);
const qemuOk = haveTools('C kernels (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('QUANTIZE float32 -> int8 rounding edges', () => {
  it.skipIf(!qemuOk)('QEMU Cortex-M4F (the FPU path): halves, neighbours, NaN, the int32 range, the clamp', () => check(jobs(), runJobsOnQemu), 300_000);
  it.skipIf(!hostOk)('host gcc with ASan+UBSan (portable path): the same cases', () => check(jobs(), runJobsOnHost), 300_000);
});
