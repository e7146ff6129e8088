// Engines that run one planned model on many input sets (tinyforge eval): the model is compiled or
// prepared once, then every set runs through it. An engine that must start a process or a firmware per
// run (c, qemu) takes the whole batch in one go; that is why the unit of work is a batch.
import { emitWasm, instantiateEmitted, runLoaded } from '../../../codegen/wasm/index.js';
import { runSchedule } from '../../reference/execute.js';
import { checkInputs } from '../../reference/interpreter.js';
import type { Schedule } from '../../schedule/types.js';
import { kernelLibrary } from '../targets/wasm.js';

/** Per input set: the raw bytes of each model input, in order (the outputs likewise). */
export type TensorSet = Uint8Array[];

/** A model ready to run batches; made once per evaluation. */
export interface BatchRunner {
  /** Outputs of every input set, in order; onProgress counts finished sets of this batch. */
  run(batch: TensorSet[], onProgress?: (done: number) => void): Promise<TensorSet[]>;
  /** What the engine measured while preparing (sizes, kernels), for --json. */
  details: Record<string, unknown>;
  dispose(): void;
}

export interface BatchEngine {
  name: string;
  summary: string;
  prepare(schedule: Schedule): Promise<BatchRunner>;
}

export const referenceBatchEngine: BatchEngine = {
  name: 'reference',
  summary: 'TypeScript reference kernels (the spec), in one arena at the planned offsets',
  async prepare(schedule) {
    return {
      details: { arenaBytes: schedule.arenaBytes },
      async run(batch, onProgress) {
        return batch.map((inputs, i) => {
          const { outputs } = runSchedule(schedule, inputs);
          onProgress?.(i + 1);
          return outputs;
        });
      },
      dispose() {},
    };
  },
};

export const wasmBatchEngine: BatchEngine = {
  name: 'wasm',
  summary: 'the compiled WebAssembly module (SIMD kernels), instantiated once in this process',
  async prepare(schedule) {
    const emitted = emitWasm(schedule, { library: kernelLibrary(true), simd: true });
    const model = await instantiateEmitted(emitted);
    return {
      details: { arenaBytes: schedule.arenaBytes, wasmBytes: emitted.wasm.byteLength },
      async run(batch, onProgress) {
        return batch.map((inputs, i) => {
          checkInputs(schedule.graph, inputs);
          const outputs = runLoaded(model, inputs);
          onProgress?.(i + 1);
          return outputs;
        });
      },
      dispose() {},
    };
  },
};

/** The engines `tinyforge eval --engine` can use. */
export const BATCH_ENGINES: readonly BatchEngine[] = [wasmBatchEngine, referenceBatchEngine];
