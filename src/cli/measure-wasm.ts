// `tinyforge profile --measure wasm`: measured per-layer latency of the compiled WebAssembly kernels in
// this process. The emitted module exports only `invoke` (the whole Schedule), so each op is measured as
// its own module: the op's calls of the same Schedule (same kernels, same argument records, the same
// arena layout; patch tiles and their window copies included), emitted, instantiated once, warmed up and
// timed `runs` times (median). Activations are the arena's zeros; the kernels' time does not depend on
// the values. The whole model's module is timed the same way, for comparison with the sum.
import { loadWasmBackend } from '../../codegen/wasm/backend.js';
import { scheduleCalls } from '../cost/profile.js';
import type { Schedule } from '../schedule/types.js';
import { loadKernelLibrary } from '../package-asset.js';

export interface WasmMeasureOptions {
  runs: number;
  onProgress?: (done: number, total: number) => void;
}

const WARM_MS = 200;

async function timeInvoke(schedule: Schedule, library: Uint8Array, runs: number): Promise<number> {
  const { emitWasm, instantiateEmitted } = await loadWasmBackend();
  const emitted = emitWasm(schedule, { library, simd: true });
  const model = await instantiateEmitted(emitted);
  // V8 runs new wasm code in its baseline tier and swaps in optimized code from background threads:
  // warm up long enough (at least 10 invokes and 200 ms) that the timed runs see the optimized kernels
  const start = performance.now();
  for (let i = 0; i < 10 || performance.now() - start < WARM_MS; i++) model.invoke();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    model.invoke();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function measureWasmLayers(schedule: Schedule, options: WasmMeasureOptions): Promise<{ engine: string; runs: number; note: string; msByOp: Map<number, number> }> {
  const library = await loadKernelLibrary(true);
  const owners = scheduleCalls(schedule).map((c) => c.opIndex);
  const ops = [...new Set(owners)];
  const msByOp = new Map<number, number>();
  const total = ops.length + 1;
  options.onProgress?.(0, total);
  for (const [i, op] of ops.entries()) {
    const calls = schedule.calls.filter((_, k) => owners[k] === op);
    msByOp.set(op, await timeInvoke({ ...schedule, calls }, library, options.runs));
    options.onProgress?.(i + 1, total);
  }
  const whole = await timeInvoke(schedule, library, options.runs);
  options.onProgress?.(total, total);
  const sum = [...msByOp.values()].reduce((a, b) => a + b, 0);
  return {
    engine: 'wasm',
    runs: options.runs,
    note: `wasm SIMD kernels in Node ${process.versions.node}, median of ${options.runs} runs per layer after ${WARM_MS} ms of warm-up (each op's calls as their own module; the module exports only invoke); whole model ${whole.toFixed(3)} ms vs ${sum.toFixed(3)} ms summed`,
    msByOp,
  };
}
