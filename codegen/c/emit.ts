// The C emitter: a Schedule, lowered through the shared kernel ABI (src/schedule/abi/), as C99 sources
// for any C toolchain — <prefix>.h (the API, sizes and quantization as macros) and <prefix>.c (the arena,
// the constant data with every argument record, a straight-line invoke calling the kernel library with
// constant record addresses). Kernels come from firmware-templates/kernels; kernelFiles names the ones
// the model uses. Browser-safe: no file access (the CLI writes the files).
import type { DType, Tensor } from '../../src/ir/graph.js';
import { COPY_WINDOW_SOURCES, OP_TABLE } from '../../src/ir/op-table.js';
import { byteSize } from '../../src/ir/shapes.js';
import { UsageError } from '../../src/errors.js';
import { escapeCComment } from '../../src/escape.js';
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import { lowerSchedule, type LoweredSchedule, type LowerOptions } from '../../src/schedule/abi/lower.js';
import { cAbiHeader } from './abi-header.js';
import type { ArenaRef, Schedule } from '../../src/schedule/types.js';

export interface CEmitOptions extends Pick<LowerOptions, 'fastPaths' | 'compileTimeTables'> {
  /** Identifier prefix of the API and the file names (default "model"). */
  prefix?: string;
  /** Model name for comments. */
  name?: string;
}

export interface CModel {
  /** File name -> contents: <prefix>.h, <prefix>.c and the generated ABI header tf_kernel_abi.h. */
  files: Record<string, string>;
  /** Kernel library sources (under firmware-templates/kernels/) the model needs, headers included. */
  kernelFiles: string[];
  symbols: string[];
  lowered: LoweredSchedule;
  arenaBytes: number;
  /** Constant data bytes (weights, biases, requantization arrays, argument records): flash. */
  constBytes: number;
}

/** Headers every kernel source includes; runtime.c holds the arena/constant bases. */
export const KERNEL_HEADERS = ['tf_kernels.h', 'tf_kernel_abi.h', 'tf_quant.h', 'tf_dot.h', 'tf_lut.h', 'tf_fixedpoint.h', 'tf_elem.h', 'tf_sigmoid16.h'];
export const KERNEL_RUNTIME = 'runtime.c';

/** The kernel library source defining each ABI symbol: its op's C file in the op table. */
export function kernelSource(symbol: string): string {
  const spec = KERNELS[symbol];
  if (!spec) throw new Error(`kernel symbol ${symbol} is not in the kernel ABI`);
  const op = spec.ops[0]!;
  return spec.sources?.c ?? (op === 'copy-window' ? COPY_WINDOW_SOURCES.c : OP_TABLE[op].kernels.c);
}

/** Every kernel library source (what a complete library build compiles). */
export function allKernelSources(): string[] {
  return [...new Set([KERNEL_RUNTIME, ...Object.keys(KERNELS).map(kernelSource)])].sort();
}

const C_TYPES: Partial<Record<DType, string>> = {
  int8: 'int8_t', uint8: 'uint8_t', int16: 'int16_t', int32: 'int32_t', float32: 'float', int64: 'int64_t', bool: 'uint8_t',
};

/** File stems of the kernel library (written beside the model) and its identifier namespaces (tf_*, TF_*). */
export function reservedPrefixes(): { stems: string[]; namespaces: string[] } {
  const files = [...KERNEL_HEADERS, ...allKernelSources()];
  return {
    stems: files.map((f) => f.replace(/\.[ch]$/, '').toLowerCase()),
    namespaces: [...new Set(KERNEL_HEADERS.map((h) => h.split('_')[0]!.toLowerCase()))],
  };
}

/**
 * The prefix names <prefix>.h/.c and every API identifier: a C identifier that starts with a letter, and
 * neither a kernel library file name (it would overwrite it; compared ignoring case, as some file systems
 * do) nor in the library's tf_/TF_ namespace (its globals and macros would clash).
 */
export function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(prefix)) {
    throw new UsageError(`C prefix "${prefix}" is not a C identifier starting with a letter`, { prefix });
  }
  const { stems, namespaces } = reservedPrefixes();
  const lower = prefix.toLowerCase();
  if (stems.includes(lower)) {
    throw new UsageError(`C prefix "${prefix}" is the name of a kernel library file (${stems.join(', ')}): choose another`, { prefix, reserved: stems });
  }
  const ns = namespaces.find((n) => lower === n || lower.startsWith(`${n}_`));
  if (ns !== undefined) {
    throw new UsageError(`C prefix "${prefix}" is in the kernel library's ${ns}_ namespace: choose another`, { prefix, namespace: ns });
  }
  return prefix;
}

/** A float as a C literal that reads back as the same float32. */
function floatLiteral(x: number): string {
  if (!Number.isFinite(x)) return '0.0f';
  const s = Math.fround(x).toPrecision(9);
  return `${s.includes('e') || s.includes('.') ? s : `${s}.0`}f`;
}

function wordsOf(bytes: Uint8Array): Uint32Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  return new Uint32Array(padded.buffer);
}

function constantArray(name: string, bytes: Uint8Array): string {
  const words = wordsOf(bytes);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) {
    lines.push('  ' + Array.from(words.subarray(i, i + 8), (w) => `0x${w.toString(16).padStart(8, '0')}u`).join(', ') + ',');
  }
  if (words.length === 0) lines.push('  0u,');
  return `static const uint32_t ${name}[${Math.max(1, words.length)}] TF_ALIGN16 = {\n${lines.join('\n')}\n};\n`;
}

function ioMacros(P: string, kind: 'INPUT' | 'OUTPUT', refs: ArenaRef[], tensors: Array<Tensor | undefined>): string[] {
  const lines = [`#define ${P}_NUM_${kind}S ${refs.length}`];
  refs.forEach((r, i) => {
    const t = tensors[i];
    const q = t?.quant && t.quant.scales.length === 1 ? t.quant : null;
    lines.push(
      `#define ${P}_${kind}${i}_BYTES ${byteSize(r.shape, r.dtype)}`,
      `#define ${P}_${kind}${i}_OFFSET ${r.offset} /* in the arena */`,
      `#define ${P}_${kind}${i}_TYPE ${C_TYPES[r.dtype] ?? 'uint8_t'} /* ${r.dtype}[${r.shape.join(',')}] */`,
      `#define ${P}_${kind}${i}_RANK ${r.shape.length}`,
      `#define ${P}_${kind}${i}_SHAPE {${r.shape.join(', ')}}`,
      `#define ${P}_${kind}${i}_SCALE ${q ? floatLiteral(q.scales[0]!) : '0.0f'}`,
      `#define ${P}_${kind}${i}_ZERO_POINT ${q ? q.zeroPoints[0] ?? 0 : 0}`,
    );
  });
  return lines;
}

/** Generates the model's C sources from its Schedule. */
export function emitC(schedule: Schedule, options: CEmitOptions = {}): CModel {
  const prefix = checkPrefix(options.prefix ?? 'model');
  const P = prefix.toUpperCase();
  const lowered = lowerSchedule(schedule, {
    ...(options.fastPaths === undefined ? {} : { fastPaths: options.fastPaths }),
    ...(options.compileTimeTables === undefined ? {} : { compileTimeTables: options.compileTimeTables }),
  });
  const { graph } = schedule;
  const inputTensors = graph.inputs.map((id) => graph.tensors[id]);
  const outputTensors = graph.outputs.map((id) => graph.tensors[id]);
  const arenaBytes = Math.max(16, Math.ceil(schedule.arenaBytes / 16) * 16);
  const name = escapeCComment(options.name ?? prefix);

  const header = [
    `/* ${name}: generated by tinyforge. Do not edit. */`,
    `#ifndef ${P}_H`,
    `#define ${P}_H`,
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    '/* C linkage, so a C++ caller (an Arduino sketch, an RTOS app) links against these C symbols. */',
    '#ifdef __cplusplus',
    'extern "C" {',
    '#endif',
    '',
    `/* RAM: one arena of ${schedule.arenaBytes} bytes (16-aligned storage of ${arenaBytes}) holds every tensor. */`,
    `#define ${P}_ARENA_BYTES ${arenaBytes}`,
    `#define ${P}_CONST_BYTES ${lowered.constants.length}`,
    `#define ${P}_KERNEL_CALLS ${lowered.calls.length}`,
    ...ioMacros(P, 'INPUT', schedule.inputs, inputTensors),
    ...ioMacros(P, 'OUTPUT', schedule.outputs, outputTensors),
    '',
    '/* Status codes of invoke. */',
    `#define ${P}_OK 0`,
    `#define ${P}_ERROR_NOT_INITIALIZED 1`,
    `#define ${P}_ERROR_KERNEL 2 /* a SOFTMAX row out of TFLM's range (TFLM aborts there) or an RSQRT input below zero (TFLM's Invoke fails) */`,
    '',
    `/* Selects the arena: NULL = the model's static arena (absent when compiled with -D${P}_NO_STATIC_ARENA),`,
    ` * or caller storage of ${P}_ARENA_BYTES bytes, 16-byte aligned. Returns 0, or 1 for a missing/misaligned arena. */`,
    `int ${prefix}_init(uint8_t *arena);`,
    `/* Sets the model's state (its ${schedule.state.length} variable tensor(s): memory carried from one invoke to the next) back to`,
    ' * its initial value, as TFLite Micro\'s ResetVariableTensors; init does it. No effect before init. */',
    `void ${prefix}_reset(void);`,
    `/* Where to write input i / read output i (raw little-endian tensor bytes). NULL before init. */`,
    `void *${prefix}_input(int i);`,
    `void *${prefix}_output(int i);`,
    `size_t ${prefix}_input_bytes(int i);`,
    `size_t ${prefix}_output_bytes(int i);`,
    `/* Runs the model once; ${P}_OK (0) on success. Inputs are consumed (the plan reuses their bytes). */`,
    `int ${prefix}_invoke(void);`,
    '',
    '#ifdef __cplusplus',
    '}',
    '#endif',
    '',
    `#endif /* ${P}_H */`,
    '',
  ].join('\n');

  const calls = lowered.calls.map((c, i) => {
    const what = c.call.type === 'copy-window' ? `copy-window ${c.call.direction}` : `op ${c.call.opIndex} ${c.call.op.kind}${c.call.variant === 'default' ? '' : ` (${c.call.variant})`}`;
    return `  ${c.symbol}(&${prefix}_consts_i32[${c.record / 4}]); /* ${what} */\n  TF_PROFILE_CALL(${i});`;
  });
  const list = (values: number[]) => (values.length ? values.join(', ') : '0');
  const ioOffsets = (refs: ArenaRef[]) => (refs.length ? refs.map((r) => String(r.offset)).join(', ') : '0');
  const ioBytes = (refs: ArenaRef[]) => (refs.length ? refs.map((r) => String(byteSize(r.shape, r.dtype))).join(', ') : '0');
  const source = [
    `/* ${name}: generated by tinyforge. Do not edit.`,
    ` * ${lowered.calls.length} kernel calls; constant data ${lowered.constants.length} bytes (${lowered.dataBytes} arrays, ${lowered.recordBytes} argument records). */`,
    `#include "${prefix}.h"`,
    '#include "tf_kernels.h"',
    '',
    '/* Define TF_PROFILE_CALL(i) to observe the end of each kernel call (e.g. read a cycle counter). */',
    '#ifndef TF_PROFILE_CALL',
    '#define TF_PROFILE_CALL(i)',
    '#endif',
    '#if defined(__GNUC__)',
    '#define TF_ALIGN16 __attribute__((aligned(16)))',
    '#else',
    '#define TF_ALIGN16',
    '#endif',
    '',
    `#ifndef ${P}_NO_STATIC_ARENA`,
    `static uint8_t ${prefix}_static_arena[${arenaBytes}] TF_ALIGN16;`,
    '#endif',
    `static uint8_t *${prefix}_arena;`,
    '',
    constantArray(`${prefix}_consts`, lowered.constants),
    `#define ${prefix}_consts_i32 ((const int32_t *)${prefix}_consts)`,
    '',
    `static const uint32_t ${prefix}_input_offsets[] = {${ioOffsets(schedule.inputs)}};`,
    `static const uint32_t ${prefix}_input_sizes[] = {${ioBytes(schedule.inputs)}};`,
    `static const uint32_t ${prefix}_output_offsets[] = {${ioOffsets(schedule.outputs)}};`,
    `static const uint32_t ${prefix}_output_sizes[] = {${ioBytes(schedule.outputs)}};`,
    '',
    `/* Variable tensors: arena offset, bytes and the byte they start from (an int8 tensor's zero point, else 0). */`,
    `#define ${P}_NUM_STATES ${schedule.state.length}`,
    `static const uint32_t ${prefix}_state_offsets[] = {${list(schedule.state.map((st) => st.offset))}};`,
    `static const uint32_t ${prefix}_state_sizes[] = {${list(schedule.state.map((st) => st.bytes))}};`,
    `static const uint8_t ${prefix}_state_fill[] = {${list(schedule.state.map((st) => st.fill))}};`,
    '',
    `void ${prefix}_reset(void) {`,
    `  if (${prefix}_arena == NULL) return;`,
    `  for (int i = 0; i < ${P}_NUM_STATES; i++)`,
    `    for (uint32_t j = 0; j < ${prefix}_state_sizes[i]; j++) ${prefix}_arena[${prefix}_state_offsets[i] + j] = ${prefix}_state_fill[i];`,
    '}',
    '',
    `int ${prefix}_init(uint8_t *arena) {`,
    `#ifndef ${P}_NO_STATIC_ARENA`,
    `  if (arena == NULL) arena = ${prefix}_static_arena;`,
    '#endif',
    '  if (arena == NULL || ((uintptr_t)arena & 15u) != 0) return 1;',
    `  ${prefix}_arena = arena;`,
    `  ${prefix}_reset();`,
    '  return 0;',
    '}',
    '',
    `void *${prefix}_input(int i) { return ${prefix}_arena && i >= 0 && i < ${P}_NUM_INPUTS ? ${prefix}_arena + ${prefix}_input_offsets[i] : NULL; }`,
    `void *${prefix}_output(int i) { return ${prefix}_arena && i >= 0 && i < ${P}_NUM_OUTPUTS ? ${prefix}_arena + ${prefix}_output_offsets[i] : NULL; }`,
    `size_t ${prefix}_input_bytes(int i) { return i >= 0 && i < ${P}_NUM_INPUTS ? ${prefix}_input_sizes[i] : 0; }`,
    `size_t ${prefix}_output_bytes(int i) { return i >= 0 && i < ${P}_NUM_OUTPUTS ? ${prefix}_output_sizes[i] : 0; }`,
    '',
    `int ${prefix}_invoke(void) {`,
    `  if (${prefix}_arena == NULL) return ${P}_ERROR_NOT_INITIALIZED;`,
    `  tf_arena = ${prefix}_arena;`,
    `  tf_consts = (const uint8_t *)${prefix}_consts;`,
    '  tf_status = 0;',
    ...calls,
    `  return tf_status == 0 ? ${P}_OK : ${P}_ERROR_KERNEL;`,
    '}',
    '',
  ].join('\n');

  // a kernel's files and those of the kernels it calls (KernelSpec.calls)
  const used = [...new Set(lowered.symbols.flatMap((s) => [s, ...(KERNELS[s]?.calls ?? [])]).map(kernelSource))].sort();
  return {
    files: { [`${prefix}.h`]: header, [`${prefix}.c`]: source, 'tf_kernel_abi.h': cAbiHeader() },
    kernelFiles: [...KERNEL_HEADERS.filter((h) => h !== 'tf_kernel_abi.h'), KERNEL_RUNTIME, ...used],
    symbols: lowered.symbols,
    lowered,
    arenaBytes,
    constBytes: lowered.constants.length,
  };
}
