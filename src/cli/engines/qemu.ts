// The qemu engines: the model as generated C, cross-compiled for a board's core (qemu-m4: mps2-an386, or
// netduinoplus2 with --board; qemu-m7: mps2-an500), linked with the board's linker script (its RAM: 256 KiB
// on MPS2, 128 KiB on netduinoplus2; the stack reserved is the plan's figure, src/cost/stack.ts; a model
// whose arena + stack + static data exceed the RAM, or whose predicted flash (src/cost/flash.ts) exceeds
// the board's, is refused before linking with a BudgetError), run in qemu-system-arm with semihosting
// under a timeout. A batch of input sets runs in one firmware run; the first set's invoke after a warm-up
// is measured with the board's counter under -icount shift=0 (MPS2 FPGAIO: 1 tick = 40 instructions, as
// ../shared/golden/tflm_cortex_m4_qemu.md measured TFLM; netduinoplus2 TIM2: 1 tick = 1 instruction), and
// the mean over the batch beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitC } from '../../../codegen/c/emit.js';
import { planModel, scheduleOf } from '../../pipeline.js';
import { BudgetError, ToolchainError, UsageError } from '../../errors.js';
import { stackEstimate, stackTable } from '../../cost/stack.js';
import { flashOfLowered } from '../../cost/flash.js';
import { graphWeightBytes } from '../../ir/macs.js';
import { armToolchain, buildDir, kernelArchive, removeDir, requireTool, runTool, templatesDir, writeFiles, type ArmCpu } from '../c-toolchain.js';
import type { Schedule } from '../../schedule/types.js';
import { readOutputRecords, writeInputRecords } from './records.js';
import type { Engine, EngineRun } from './types.js';

export interface QemuBoard {
  engine: 'qemu-m4' | 'qemu-m7';
  /** qemu-system-arm -machine, and the --board name. */
  machine: string;
  cpu: ArmCpu;
  qemuCpu: string;
  /** firmware-templates/linker/<script>: the board's memory map. */
  linkerScript: string;
  /** The RAM region the image's .data, .bss and stack go in, and the flash region its code and constants go in. */
  ramBytes: number;
  flashBytes: number;
  /** Defines selecting the board's counter in harness/tf_counter.h, and instructions per tick of it under -icount shift=0. */
  defines: string[];
  instructionsPerTick: number;
}

export const BOARDS: Readonly<Record<string, QemuBoard>> = {
  'mps2-an386': { engine: 'qemu-m4', machine: 'mps2-an386', cpu: 'cortex-m4', qemuCpu: 'cortex-m4', linkerScript: 'cortex-m.ld', ramBytes: 256 * 1024, flashBytes: 4 << 20, defines: [], instructionsPerTick: 40 },
  'mps2-an500': { engine: 'qemu-m7', machine: 'mps2-an500', cpu: 'cortex-m7', qemuCpu: 'cortex-m7', linkerScript: 'cortex-m.ld', ramBytes: 256 * 1024, flashBytes: 4 << 20, defines: [], instructionsPerTick: 40 },
  // STM32F405RG: 1 MiB flash, 128 KiB SRAM (its 64 KiB CCM is not mapped by QEMU 7.2: unused)
  netduinoplus2: { engine: 'qemu-m4', machine: 'netduinoplus2', cpu: 'cortex-m4', qemuCpu: 'cortex-m4', linkerScript: 'netduinoplus2.ld', ramBytes: 128 * 1024, flashBytes: 1 << 20, defines: ['-DTF_BOARD_NETDUINOPLUS2'], instructionsPerTick: 1 },
};

/** Each engine's default board. */
export const QEMU_BOARDS: Record<'qemu-m4' | 'qemu-m7', QemuBoard> = { 'qemu-m4': BOARDS['mps2-an386']!, 'qemu-m7': BOARDS['mps2-an500']! };

/** The board `--engine <engine> --board <name>` runs on: one whose core is the engine's. */
export function boardFor(engine: string, name: string | undefined): QemuBoard {
  const engines = Object.keys(QEMU_BOARDS);
  if (!engines.includes(engine)) throw new UsageError(`--board needs --engine ${engines.join(' or ')}, got --engine ${engine}`, { engine, board: name });
  if (name === undefined) return QEMU_BOARDS[engine as 'qemu-m4' | 'qemu-m7'];
  const fits = Object.values(BOARDS).filter((b) => b.engine === engine).map((b) => b.machine);
  const board = BOARDS[name];
  if (!board || board.engine !== engine) throw new UsageError(`--board for --engine ${engine} must be one of ${fits.join(', ')}, got "${name}"`, { engine, board: name, boards: fits });
  return board;
}

export interface QemuEngineOptions {
  /**
   * RAM region of the linker script (default: the board's) and the stack reserved in it (default: the plan's
   * stackBytes for the board's cpu + the harness's own frames, src/cost/calibration/stack-<cpu>.json).
   */
  ramBytes?: number;
  stackBytes?: number;
  timeoutMs?: number;
  /**
   * Per-call profile: the model is built with TF_PROFILE_CALL reading the FPGAIO counter after every
   * kernel call, and run() adds `callInstructions` (instructions of each call of the measured invoke, in
   * schedule order, ± one counter tick: 40 on MPS2, 1 on netduinoplus2) to its details.
   */
  profileCalls?: boolean;
}

/** Stack a per-call profile adds at most (tf_profile_mark's leaf frame under invoke). */
const PROFILE_STACK_BYTES = 32;

/** arm-none-eabi-size -A: section name -> bytes. */
export function sectionSizes(text: string): Record<string, number> {
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
  const ramBytes = options.ramBytes ?? board.ramBytes;
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
      { board: board.machine, arenaBytes: model.arenaBytes, stackBytes, staticBytes: planned.staticBytes, harnessStackBytes: harness.stackBytes, harnessStaticBytes: harness.staticBytes, ramBytes, neededBytes, overflowBytes: neededBytes - ramBytes },
    );
  }
  // The model's predicted flash (its kernels' measured code + constants); the harness's code comes on top and a link overflow says so.
  const flash = flashOfLowered(model.lowered, { inputs: schedule.inputs.length, outputs: schedule.outputs.length, arenaBytes: schedule.arenaBytes, weightBytes: graphWeightBytes(schedule.graph) }, board.cpu);
  if (flash.totalBytes > board.flashBytes) {
    throw new BudgetError(
      `the model needs ${flash.totalBytes} bytes of flash (code ${flash.textBytes} + constants ${flash.rodataBytes + flash.dataBytes}), the ${board.machine} image has ${board.flashBytes}: ${flash.totalBytes - board.flashBytes} bytes over`,
      { board: board.machine, flashNeededBytes: flash.totalBytes, flashBytes: board.flashBytes, textBytes: flash.textBytes, rodataBytes: flash.rodataBytes, overflowBytes: flash.totalBytes - board.flashBytes },
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
      ...board.defines,
      ...(options.profileCalls ? ['-DTF_PROFILE_CALLS', '-I', join(t, 'harness'), '-include', 'tf_profile.h'] : []),
      'model.c', join(t, 'startup', 'startup.c'), join(t, 'startup', 'semihost.c'), join(t, 'harness', 'qemu_main.c'), lib.archive,
      '-nostartfiles', '--specs=nano.specs', '-L', join(t, 'linker'), '-T', join(t, 'linker', board.linkerScript), '-Wl,--gc-sections',
      `-Wl,--defsym=__ram_size__=${ramBytes}`, `-Wl,--defsym=__stack_size__=${stackBytes}`, '-o', 'model.elf',
    ], { cwd: dir });
    if (link.status !== 0) {
      const flashOver = /region [`']FLASH' overflowed by (\d+) bytes/.exec(link.stderr);
      if (flashOver) {
        const over = Number(flashOver[1]);
        throw new BudgetError(`the firmware needs ${board.flashBytes + over} bytes of flash (model, kernels, harness), the ${board.machine} image has ${board.flashBytes}: ${over} bytes over`, { board: board.machine, flashBytes: board.flashBytes, overflowBytes: over });
      }
      const overflow = /region [`']RAM' overflowed by (\d+) bytes/.exec(link.stderr);
      if (overflow) {
        const over = Number(overflow[1]);
        throw new BudgetError(
          `the model needs ${ramBytes + over} bytes of RAM (arena ${model.arenaBytes} + stack ${stackBytes} + other data), the ${board.machine} image has ${ramBytes}: ${over} bytes over`,
          { board: board.machine, arenaBytes: model.arenaBytes, stackBytes, ramBytes, overflowBytes: over, neededBytes: ramBytes + over },
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
            callInstructions.push(((marks[i]! - prev) >>> 0) * board.instructionsPerTick);
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
            instructionsPerInference: ticks * board.instructionsPerTick,
            // The mean over every set of the batch (kernels with data-dependent paths differ a little).
            meanInstructionsPerInference: Math.round((Number(report[6]) * board.instructionsPerTick) / Number(report[5])),
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
