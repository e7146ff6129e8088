// Registers the three kernel-engine checks a case list needs: the wasm library (SIMD with and without tables,
// scalar), the C kernels on the host under ASan + UBSan and on QEMU's Cortex-M4F (each with and without fast
// paths), every output compared with the case's expected bytes.
import { expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { disjointPlacement, loadLibrary, runKernel } from '../wasm/kernel-harness.js';
import { kernelJob, runJobsOnHost, runJobsOnQemu } from './kernel-harness.js';
import { haveTools } from './toolchain.js';

export interface KernelCase {
  name: string;
  graph: Graph;
  inputs: Map<number, Uint8Array>;
  want: Uint8Array;
}

export function kernelEngineTests(cases: KernelCase[], o: { tool: string; seed: number; wasm: string; host: string; qemu: string }): void {
  it(o.wasm, async () => {
    for (const target of ['simd', 'scalar'] as const) {
      const lib = await loadLibrary(target);
      for (const c of cases) {
        for (const qparams of target === 'simd' ? [true, false] : [false]) {
          const got = runKernel(lib, c.graph, disjointPlacement(c.graph), c.inputs, 'default', { qparams });
          expect(Buffer.compare(got.output, c.want), `${c.name}: ${target}${qparams ? ' with tables' : ''} (${got.symbol})`).toBe(0);
        }
      }
    }
  });

  const jobs = () => cases.flatMap((c, i) => [true, false].map((fastPaths) => ({ c, job: kernelJob(c.graph, disjointPlacement(c.graph), c.inputs, 'default', `${c.name}${fastPaths ? '' : ' (no fast paths)'}`, o.seed + i, fastPaths) })));

  it.skipIf(!haveTools(`${o.tool} (host C)`, ['gcc', 'ar']))(o.host, () => {
    const all = jobs();
    const results = runJobsOnHost(all.map((j) => j.job));
    all.forEach((j, i) => expect(Buffer.compare(results[i]!.output, j.c.want), `${j.job.label} (${results[i]!.symbol})`).toBe(0));
  }, 300_000);

  it.skipIf(!haveTools(`${o.tool} (qemu)`, ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']))(o.qemu, () => {
    const all = jobs();
    const results = runJobsOnQemu(all.map((j) => j.job));
    all.forEach((j, i) => expect(Buffer.compare(results[i]!.output, j.c.want), `${j.job.label} (${results[i]!.symbol})`).toBe(0));
  }, 300_000);
}
