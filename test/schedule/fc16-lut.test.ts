// FULLY_CONNECTED 16x8 (int16 activations) with LUT-stored weights (a folded DECODE): fully_connected_lut_s8 reads
// int8 activations only, so the lowering must pick fully_connected_s16 on the decoded weights (its record, its
// kernel) for C and wasm alike, and that call must match the reference; the int8 twin still gets the LUT kernel.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { lowerSchedule } from '../../src/schedule/abi/lower.js';
import { lowerWasmSchedule } from '../../codegen/wasm/abi/lower.js';
import { fc16Case, fullyConnectedCase, withLutFilter } from '../plan/overlap-cases.js';
import { randomInputs, rng, runDefault } from '../plan/overlap-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu, type Job } from '../c/kernel-harness.js';
import { haveTools } from '../c/toolchain.js';
import { disjointPlacement, loadLibrary, runKernel, type Library } from '../wasm/kernel-harness.js';

const SEEDS = [1, 2, 3, 4, 5, 6];

interface Case {
  graph: Graph;
  inputs: Map<number, Uint8Array>;
  want: Uint8Array;
  job: Job;
}

function lutCase(seed: number, make: typeof fc16Case): Case {
  const r = rng(seed * 7717 + 31);
  const graph = withLutFilter(r, make(r));
  const inputs = randomInputs(graph, r);
  const job = kernelJob(graph, disjointPlacement(graph), inputs, 'default', `FULLY_CONNECTED LUT weights seed ${seed} shapes ${graph.tensors.map((t) => `[${t.shape}]`).join(' ')}`, r.int(0, 255));
  return { graph, inputs, want: runDefault(graph, inputs), job };
}

const int16Cases = SEEDS.map((s) => lutCase(s, fc16Case));

describe('FULLY_CONNECTED 16x8 with LUT-stored weights', () => {
  it('lowers to fully_connected_s16 for C and wasm; the int8 twin to fully_connected_lut_s8', () => {
    for (const c of int16Cases) {
      expect(c.graph.tensors[c.graph.ops[0]!.inputs[1]!]!.lut, c.job.label).toBeDefined();
      expect(lowerSchedule(c.job.schedule).calls.map((k) => k.symbol), c.job.label).toEqual(['fully_connected_s16']);
      expect(lowerWasmSchedule(c.job.schedule).calls.map((k) => k.symbol), c.job.label).toEqual(['fully_connected_s16']);
    }
    const int8 = lutCase(1, fullyConnectedCase);
    expect(lowerSchedule(int8.job.schedule).calls.map((k) => k.symbol)).toEqual(['fully_connected_lut_s8']);
  });

  describe.each(['simd', 'scalar'] as const)('wasm (%s build)', (target) => {
    let lib: Library;
    beforeAll(async () => {
      lib = await loadLibrary(target);
    });
    it('matches the reference, weights read at each invoke and decoded at load', () => {
      for (const c of int16Cases) {
        for (const lutAtLoad of [false, true]) {
          const got = runKernel(lib, c.graph, disjointPlacement(c.graph), c.inputs, 'default', { lutAtLoad, garbage: 0x5a });
          expect(got.symbol, c.job.label).toBe('fully_connected_s16');
          expect(Buffer.compare(got.output, c.want), `${c.job.label} lutAtLoad ${lutAtLoad}`).toBe(0);
        }
      }
    });
  });

  const check = (run: (jobs: Job[]) => Array<{ output: Uint8Array; symbol: string }>) => {
    const results = run(int16Cases.map((c) => c.job));
    int16Cases.forEach((c, i) => {
      expect(results[i]!.symbol, c.job.label).toBe('fully_connected_s16');
      expect(Buffer.compare(results[i]!.output, c.want), c.job.label).toBe(0);
    });
  };
  it.skipIf(!haveTools('FC 16x8 LUT (host)', ['gcc', 'ar']))('host C matches the reference', () => check(runJobsOnHost), 300_000);
  it.skipIf(!haveTools('FC 16x8 LUT (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']))('qemu-m4 matches the reference', () => check(runJobsOnQemu), 300_000);
});
