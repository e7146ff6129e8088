// The qemu engines: the model as generated C, cross-compiled for a Cortex-M4F (mps2-an386) or Cortex-M7
// (mps2-an500), linked with the firmware template (RAM 256 KiB by default; the stack reserved is the
// plan's figure, src/cost/stack.ts, and a model whose arena + stack + static data exceed the RAM is
// refused before linking with a BudgetError), run in qemu-system-arm with semihosting under a
// timeout. A batch of input sets runs in one firmware run; the first set's invoke after a warm-up is
// measured with the MPS2 FPGAIO counter under -icount shift=0 (1 tick = 40 instructions), as
// ../shared/golden/tflm_cortex_m4_qemu.md measured TFLM, and the mean over the batch beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitC } from '../../../codegen/c/emit.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { BudgetError, ToolchainError } from '../../errors.js';
import { stackEstimate, stackTable } from '../../cost/stack.js';
import { armToolchain, buildDir, kernelArchive, removeDir, requireTool, runTool, templatesDir, writeFiles, type ArmCpu } from '../c-toolchain.js';
import type { Schedule } from '../../schedule/types.js';
import { readOutputRecords, writeInputRecords } from './records.js';
import type { Engine, EngineRun } from './types.js';

export interface QemuBoard {
  engine: string;
  machine: string;
  cpu: ArmCpu;
  qemuCpu: string;
}

export const QEMU_BOARDS: Record<'qemu-m4' | 'qemu-m7', QemuBoard> = {
  'qemu-m4': { engine: 'qemu-m4', machine: 'mps2-an386', cpu: 'cortex-m4', qemuCpu: 'cortex-m4' },
  'qemu-m7': { engine: 'qemu-m7', machine: 'mps2-an500', cpu: 'cortex-m7', qemuCpu: 'cortex-m7' },
};

export interface QemuEngineOptions {
  /**
   * RAM region of the linker script (default 256 KiB) and the stack reserved in it (default: the plan's
   * stackBytes for the board's cpu + the harness's own frames, src/cost/calibration/stack-<cpu>.json).
   */
  ramBytes?: number;
  stackBytes?: number;
  timeoutMs?: number;
  /**
   * Per-call profile: the model is built with TF_PROFILE_CALL reading the FPGAIO counter after every
   * kernel call, and run() adds `callInstructions` (instructions of each call of the measured invoke, in
   * schedule order, ±40: one counter tick) to its details.
   */
  profileCalls?: boolean;
}

export const INSTRUCTIONS_PER_TICK = 40;

/** Stack a per-call profile adds at most (tf_profile_mark's leaf frame under invoke). */
const PROFILE_STACK_BYTES = 32;

/** arm-none-eabi-size -A: section name -> bytes. */
function sectionSizes(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\.\S+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

export interface PreparedFirmware {
  run(inputs: Uint8Array[]): EngineRun;
  /** Every input set in one firmware run (the harness loops over the records); details as run()'s. */
  runBatch(sets: Uint8Array[][]): { outputs: Uint8Array[][]; details: Record<string, unknown> };
  dispose(): void;
  /** Section sizes and what the build knows before running. */
  details: Record<string, unknown>;
}

/** Generates, cross-compiles and links a Schedule for the board; run() executes it on one input set in QEMU, runBatch() on many in one QEMU run. */
export function prepareQemu(schedule: Schedule, board: QemuBoard, options: QemuEngineOptions = {}): PreparedFirmware {
  const ramBytes = options.ramBytes ?? 256 * 1024;
  const model = emitC(schedule);
  // The same figures as `plan --cpu`: the model's stack and static data, plus what the harness adds (reset, main, semihosting).
  const planned = stackEstimate(model.lowered, board.cpu);
  const harness = stackTable(board.cpu).harness;
  // a per-call profile adds a counter read after each call (tf_profile_mark: a leaf frame) and its tick array
  const profile = options.profileCalls ? { stack: PROFILE_STACK_BYTES, data: 4 * (model.lowered.calls.length + 1) } : { stack: 0, data: 0 };
  const stackBytes = options.stackBytes ?? Math.ceil((planned.stackBytes + harness.stackBytes + profile.stack) / 8) * 8;
  const neededBytes = model.arenaBytes + stackBytes + planned.staticBytes + harness.staticBytes + profile.data;
  if (neededBytes > ramBytes) {
    throw new BudgetError(
      `the model needs ${neededBytes} bytes of RAM (arena ${model.arenaBytes} + stack ${stackBytes} + static ${planned.staticBytes + harness.staticBytes + profile.data}), the ${board.machine} image has ${ramBytes}: ${neededBytes - ramBytes} bytes over`,
      { arenaBytes: model.arenaBytes, stackBytes, staticBytes: planned.staticBytes, harnessStackBytes: harness.stackBytes, harnessStaticBytes: harness.staticBytes, ramBytes, neededBytes, overflowBytes: neededBytes - ramBytes },
    );
  }
  requireTool('qemu-system-arm');
  requireTool('arm-none-eabi-size');
  const tc = armToolchain(board.cpu);
  const lib = kernelArchive(tc);
  const t = templatesDir();
  const dir = buildDir(board.engine);
  try {
    writeFiles(dir, model.files);
    const link = runTool(tc.cc, [
      ...tc.cflags, '-I', lib.includeDir, '-I', dir, '-I', join(t, 'startup'),
      ...(options.profileCalls ? ['-DTF_PROFILE_CALLS', '-I', join(t, 'harness'), '-include', 'tf_profile.h'] : []),
      'model.c', join(t, 'startup', 'startup.c'), join(t, 'startup', 'semihost.c'), join(t, 'harness', 'qemu_main.c'), lib.archive,
      '-nostartfiles', '--specs=nano.specs', '-T', join(t, 'linker', 'cortex-m.ld'), '-Wl,--gc-sections',
      `-Wl,--defsym=__ram_size__=${ramBytes}`, `-Wl,--defsym=__stack_size__=${stackBytes}`, '-o', 'model.elf',
    ], { cwd: dir });
    if (link.status !== 0) {
      const overflow = /region [`']RAM' overflowed by (\d+) bytes/.exec(link.stderr);
      if (overflow) {
        const over = Number(overflow[1]);
        throw new BudgetError(
          `the model needs ${ramBytes + over} bytes of RAM (arena ${model.arenaBytes} + stack ${stackBytes} + other data), the ${board.machine} image has ${ramBytes}: ${over} bytes over`,
          { arenaBytes: model.arenaBytes, stackBytes, ramBytes, overflowBytes: over, neededBytes: ramBytes + over },
        );
      }
      throw new ToolchainError(`${tc.cc} failed (exit ${link.status}):\n${link.stderr.trim().split('\n').slice(0, 12).join('\n')}`, { output: link.stderr });
    }
    const sizes = sectionSizes(runTool('arm-none-eabi-size', ['-A', 'model.elf'], { cwd: dir }).stdout);
    const data = sizes['.data'] ?? 0;
    const bss = sizes['.bss'] ?? 0;
    const text = (sizes['.vectors'] ?? 0) + (sizes['.text'] ?? 0);
    const built = {
      machine: board.machine,
      cpu: board.cpu,
      text,
      rodata: sizes['.rodata'] ?? 0,
      data,
      bss,
      ramBytes: data + bss,
      flashBytes: text + (sizes['.rodata'] ?? 0) + (sizes['.ARM.exidx'] ?? 0) + data,
      arenaBytes: model.arenaBytes,
      constBytes: model.constBytes,
      /** The plan's figures (src/cost/stack.ts) and the harness's, which the measured ones must stay within. */
      plannedStackBytes: planned.stackBytes,
      plannedStaticBytes: planned.staticBytes,
      harnessStackBytes: harness.stackBytes,
      harnessStaticBytes: harness.staticBytes,
      kernels: model.symbols,
    };
    const firmware: PreparedFirmware = {
      details: built,
      run(inputs) {
        const { outputs, details } = firmware.runBatch([inputs]);
        return { outputs: outputs[0]!, details };
      },
      runBatch(sets) {
        if (sets.length === 0) return { outputs: [], details: built };
        writeInputRecords(dir, schedule, sets);
        const run = runTool('qemu-system-arm', [
          '-machine', board.machine, '-cpu', board.qemuCpu, '-nographic', '-monitor', 'none', '-serial', 'none',
          '-semihosting-config', 'enable=on,target=native', '-icount', 'shift=0,align=off,sleep=off', '-kernel', 'model.elf',
        ], { cwd: dir, timeoutMs: options.timeoutMs ?? 600_000 });
        // The semihosting console may go to stdout or stderr.
        const report = /TINYFORGE status=(\d+) ticks=(\d+) stack=(\d+) stack_size=(\d+) records=(\d+) total_ticks=(\d+)/.exec(run.stdout + run.stderr);
        if (run.timedOut || run.status !== 0 || !report) {
          const why = run.timedOut ? 'timed out' : `exited with ${run.status}`;
          throw new ToolchainError(`qemu-system-arm ${board.machine} ${why} (a batch of ${sets.length}): ${(run.stdout + run.stderr).trim().split('\n').slice(0, 8).join('\n')}`, { status: run.status, records: sets.length });
        }
        const outputs = readOutputRecords(dir, schedule, sets.length, `the ${board.machine} firmware`);
        const ticks = Number(report[2]);
        let profile: { callInstructions: number[] } | Record<string, never> = {};
        if (options.profileCalls) {
          const marks = new Uint32Array(new Uint8Array(readFileSync(join(dir, 'calls.bin'))).buffer);
          const n = marks.length - 1;
          const callInstructions: number[] = [];
          let prev = marks[n]!;
          for (let i = 0; i < n; i++) {
            callInstructions.push(((marks[i]! - prev) >>> 0) * INSTRUCTIONS_PER_TICK);
            prev = marks[i]!;
          }
          profile = { callInstructions };
        }
        return {
          outputs,
          details: {
            ...built,
            ticks,
            // The first set's invoke, after a warm-up: the single-input measurement bench/ and TFLM's use.
            instructionsPerInference: ticks * INSTRUCTIONS_PER_TICK,
            // The mean over every set of the batch (kernels with data-dependent paths differ a little).
            meanInstructionsPerInference: Math.round((Number(report[6]) * INSTRUCTIONS_PER_TICK) / Number(report[5])),
            records: Number(report[5]),
            stackBytes: Number(report[3]),
            stackReservedBytes: Number(report[4]),
            ...profile,
          },
        };
      },
      dispose: () => removeDir(dir),
    };
    return firmware;
  } catch (e) {
    removeDir(dir);
    throw e;
  }
}

export function createQemuEngine(board: QemuBoard, options: QemuEngineOptions = {}): Engine {
  return {
    name: board.engine,
    summary: `generated C on QEMU ${board.machine} (${board.cpu}), semihosting; reports instructions, sections and stack`,
    async run({ graph, inputs, plan }) {
      const prepared = prepareQemu(scheduleOf(planModel(graph, plan).plan), board, options);
      try {
        return prepared.run(inputs);
      } finally {
        prepared.dispose();
      }
    },
  };
}

export const qemuM4Engine: Engine = createQemuEngine(QEMU_BOARDS['qemu-m4']);
export const qemuM7Engine: Engine = createQemuEngine(QEMU_BOARDS['qemu-m7']);
