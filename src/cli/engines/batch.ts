// Engines that run one planned model on many input sets (tinyforge eval): the model is compiled or
// prepared once, then every set runs through it. An engine that must start a process or a firmware per
// run (c, qemu) takes the whole batch in one go (its harness loops over the records); that is why the
// unit of work is a batch.
import { loadWasmBackend } from '../../../codegen/wasm/backend.js';
import { runSchedule } from '../../reference/execute.js';
import { checkInputs } from '../../reference/interpreter.js';
import type { Schedule } from '../../schedule/types.js';
import { loadKernelLibrary } from '../../package-asset.js';
import { prepareHostC } from './c.js';
import { prepareQemu, QEMU_BOARDS, type QemuBoard } from './qemu.js';
import type { PlanBackend } from '../../ir/workspace.js';

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
  /** The kernels whose workspace the plan must place (PlanOptions.backend). */
  backend: PlanBackend;
  prepare(schedule: Schedule): Promise<BatchRunner>;
}

export const referenceBatchEngine: BatchEngine = {
  name: 'reference',
  summary: 'TypeScript reference kernels (the spec), in one arena at the planned offsets',
  backend: 'c',
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
  backend: 'wasm',
  async prepare(schedule) {
    const { emitWasm, instantiateEmitted, runLoaded } = await loadWasmBackend();
    const emitted = emitWasm(schedule, { library: await loadKernelLibrary(true), simd: true });
    const model = await instantiateEmitted(emitted);
    return {
      details: { arenaBytes: schedule.arenaBytes, wasmBytes: emitted.wasm.byteLength },
      async run(batch, onProgress) {
        return batch.map((inputs, i) => {
          checkInputs(schedule.graph, inputs);
          // every set is an independent inference from the initial state, as on the other engines
          model.reset();
          const outputs = runLoaded(model, inputs);
          onProgress?.(i + 1);
          return outputs;
        });
      },
      dispose() {},
    };
  },
};

export const cBatchEngine: BatchEngine = {
  name: 'c',
  summary: 'the generated C built with the host gcc, one process per batch',
  backend: 'c',
  async prepare(schedule) {
    const model = prepareHostC(schedule);
    return {
      details: model.details,
      async run(batch, onProgress) {
        const outputs = model.runBatch(batch);
        onProgress?.(batch.length);
        return outputs;
      },
      dispose: () => model.dispose(),
    };
  },
};

/** A QEMU board as a batch engine: the whole batch in one firmware run; details gain the last batch's measurements. */
export function qemuBatchEngine(board: QemuBoard): BatchEngine {
  return {
    name: board.engine,
    summary: `the generated C cross-compiled for ${board.cpu}, on QEMU ${board.machine}, one firmware run per batch`,
    backend: 'c',
    async prepare(schedule) {
      const firmware = prepareQemu(schedule, board);
      const runner: BatchRunner = {
        details: firmware.details,
        async run(batch, onProgress) {
          const { outputs, details } = firmware.runBatch(batch);
          runner.details = details;
          onProgress?.(batch.length);
          return outputs;
        },
        dispose: () => firmware.dispose(),
      };
      return runner;
    },
  };
}

/** The engines `tinyforge eval --engine` can use. */
export const BATCH_ENGINES: readonly BatchEngine[] = [wasmBatchEngine, referenceBatchEngine, cBatchEngine, qemuBatchEngine(QEMU_BOARDS['qemu-m4']), qemuBatchEngine(QEMU_BOARDS['qemu-m7'])];
