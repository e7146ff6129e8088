// Cortex-M4 benchmark: the generated C on QEMU mps2-an386 (Cortex-M4F) side by side with TFLite Micro +
// CMSIS-NN on the same board (../shared/golden/tflm_cortex_m4_qemu.md). Per model: instructions per
// inference, RAM, flash and stack. `npm run bench:c [-- --json] [-- --write] [-- --models a,b] [-- --calls]`.
//
// Instructions are counted the way the peer table counts TFLM's ticks: QEMU runs with
// `-icount shift=0,align=off,sleep=off`, where the MPS2 FPGAIO counter advances once per 40 executed
// instructions; the harness (firmware-templates/harness/qemu_main.c) reads it around one invoke after a
// warm-up invoke. `--calls` also builds the model with the per-call profiling hook (TF_PROFILE_CALL: the
// counter after every kernel call) and prints where the instructions go, per kernel symbol and per call.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { opMacs } from '../src/ir/macs.js';
import { readTflite } from '../src/import/tflite/index.js';
import { planModel, scheduleOf } from '../src/pipeline.js';
import { lowerSchedule } from '../src/schedule/abi/lower.js';
import type { Schedule } from '../src/schedule/types.js';
import { prepareQemu, QEMU_BOARDS } from '../src/cli/engines/qemu.js';
import { runTool } from '../src/cli/c-toolchain.js';
import { BudgetError } from '../src/errors.js';
import { benchModels } from './plan.js';
import { boardLatencyPeers, tflmM4Peers, type TflmM4Peer } from './peers.js';
import { DEVICES } from '../src/cost/devices.js';
import { writeSection } from './sections.js';

export interface CBenchCall {
  index: number;
  symbol: string;
  /** "op 3 CONV_2D 1x1 48x48x8 -> 48x48x16" or "copy-window to-tile". */
  what: string;
  macs: number;
  instructions: number;
}

export interface CBenchRow {
  model: string;
  /** Golden set 0's output equals TFLM's byte for byte. */
  exact: boolean;
  instructions: number;
  tflmInstructions: number | null;
  /** instructions / TFLM + CMSIS-NN's exact instructions per Invoke. */
  ratio: number | null;
  /** .data + .bss of the firmware (arena, kernel library state, harness). */
  ramBytes: number;
  /** The planner's peak (the arena: every tensor and kernel scratch). */
  planPeakBytes: number;
  tflmRamBytes: number | null;
  /** vectors + .text + .rodata + .ARM.exidx + .data (as the peer table). */
  flashBytes: number;
  textBytes: number;
  rodataBytes: number;
  tflmFlashBytes: number | null;
  /** Deepest stack use (painted stack), bytes. */
  stackBytes: number;
  tflmStackBytes: number | null;
  macs: number;
  kernelCalls: number;
  /** With --calls: instructions per kernel call of the measured invoke (±40). */
  calls?: CBenchCall[];
}

interface GoldenTensor {
  file_pattern: string;
}

function goldenSet(sharedDir: string, name: string, k: number): { inputs: Uint8Array[]; outputs: Uint8Array[] } {
  const dir = join(sharedDir, 'golden', name);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { inputs: GoldenTensor[]; outputs: GoldenTensor[] };
  const files = (ts: GoldenTensor[]) => ts.map((t) => new Uint8Array(readFileSync(join(dir, t.file_pattern.replace('{k}', String(k))))));
  return { inputs: files(m.inputs), outputs: files(m.outputs) };
}

/** TFLM + CMSIS-NN's stack high-water per model (the peer table's column). */
function tflmStack(sharedDir: string): Map<string, number> {
  const text = readFileSync(join(sharedDir, 'golden', 'tflm_cortex_m4_qemu.md'), 'utf8');
  const section = text.slice(text.indexOf('TFLM + CMSIS-NN kernels'));
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0]!.split('|').map((c) => c.trim());
  const col = header.indexOf('stack high-water');
  const out = new Map<string, number>();
  for (const l of lines.slice(2)) {
    const c = l.split('|').map((x) => x.trim());
    if (!c[1] || c[1].startsWith('-')) break;
    out.set(c[1], Number(c[col]!.replace(/,/g, '')));
  }
  return out;
}

function describeCalls(schedule: Schedule): Array<{ symbol: string; what: string; macs: number }> {
  const lowered = lowerSchedule(schedule);
  return lowered.calls.map(({ symbol, call }) => {
    if (call.type === 'copy-window') return { symbol, what: `copy-window ${call.direction}`, macs: 0 };
    const shape = (s: readonly number[]) => s.slice(1).join('x');
    const ins = call.inputs.map((o) => (o && 'arena' in o ? shape(o.arena.shape) : null)).filter((s): s is string => s !== null);
    const w = call.inputs[1];
    const kernel = (call.op.kind === 'CONV_2D' || call.op.kind === 'DEPTHWISE_CONV_2D') && w && 'constant' in w
      ? ` ${schedule.graph.tensors[w.constant]!.shape[1]}x${schedule.graph.tensors[w.constant]!.shape[2]}/${(call.op.attrs as { stride: number[] }).stride[0]}`
      : '';
    const variant = call.variant === 'default' ? '' : ` [${call.variant}]`;
    return {
      symbol,
      what: `op ${call.opIndex} ${call.op.kind}${kernel}${variant} ${ins.join(', ')} -> ${shape(call.outputs[0]!.shape)}`,
      macs: opMacs(schedule.graph, call.op),
    };
  });
}

export function cBench(sharedDir: string, options: { models?: string[]; calls?: boolean; log?: (line: string) => void } = {}): CBenchRow[] {
  const peers = tflmM4Peers(sharedDir);
  const stacks = tflmStack(sharedDir);
  const rows: CBenchRow[] = [];
  for (const { path, name } of benchModels(sharedDir)) {
    if (options.models && !options.models.some((m) => m === name || m === path)) continue;
    const peer: TflmM4Peer | undefined = peers.get(path);
    options.log?.(`${path}: building and running on qemu-m4`);
    const graph = readTflite(new Uint8Array(readFileSync(join(sharedDir, 'models', `${path}.tflite`))));
    const planned = planModel(graph, {});
    const schedule = scheduleOf(planned.plan);
    let fw: ReturnType<typeof prepareQemu>;
    try {
      fw = prepareQemu(schedule, QEMU_BOARDS['qemu-m4'], { profileCalls: options.calls ?? false });
    } catch (e) {
      // The board has TFLM's 256 KiB of RAM and 4 MiB of flash: a model outside them is left out.
      if (e instanceof BudgetError || /overflowed/.test((e as Error).message)) {
        options.log?.(`${path}: left out (${(e as Error).message.split('\n').find((l) => /overflow|needs/.test(l)) ?? 'does not fit'})`);
        continue;
      }
      throw e;
    }
    try {
      const set = goldenSet(sharedDir, name, 0);
      const run = fw.run(set.inputs);
      const d = run.details as Record<string, number> & { callInstructions?: number[] };
      const exact = run.outputs.length === set.outputs.length && run.outputs.every((o, i) => Buffer.from(o).equals(Buffer.from(set.outputs[i]!)));
      const described = describeCalls(schedule);
      const row: CBenchRow = {
        model: path,
        exact,
        instructions: d['instructionsPerInference']!,
        tflmInstructions: peer?.insns ?? null,
        ratio: peer ? d['instructionsPerInference']! / peer.insns : null,
        ramBytes: d['ramBytes']!,
        planPeakBytes: schedule.arenaBytes,
        tflmRamBytes: peer?.staticRam ?? null,
        flashBytes: d['flashBytes']!,
        textBytes: d['text']!,
        rodataBytes: d['rodata']!,
        tflmFlashBytes: peer?.flashTotal ?? null,
        stackBytes: d['stackBytes']!,
        tflmStackBytes: stacks.get(path) ?? null,
        macs: described.reduce((a, c) => a + c.macs, 0),
        kernelCalls: described.length,
      };
      if (d.callInstructions) row.calls = d.callInstructions.map((instructions, index) => ({ index, ...described[index]!, instructions }));
      rows.push(row);
    } finally {
      fw.dispose();
    }
  }
  return rows;
}

const fmt = (n: number | null) => (n === null ? '–' : Math.round(n).toLocaleString('en-US'));
const ratio = (a: number, b: number | null) => (b === null ? '–' : `${(a / b).toFixed(2)}x`);

function toolVersions(): string {
  const first = (tool: string) => runTool(tool, ['--version']).stdout.split('\n')[0]!.trim();
  return `${first('qemu-system-arm')}; ${first('arm-none-eabi-gcc')}`;
}

export function cBenchMarkdown(rows: CBenchRow[]): string {
  const lines = [
    `Measured with ${toolVersions()}; kernels and model at -O2, \`-mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16\`.`,
    '',
    '| model | MACs | instructions / inference | TFLM + CMSIS-NN | ratio | instructions / MAC | RAM (.data+.bss) | planner peak | TFLM RAM | flash | TFLM flash | stack high-water | TFLM stack | exact (set 0) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.model} | ${fmt(r.macs)} | ${fmt(r.instructions)} | ${fmt(r.tflmInstructions)} | ${ratio(r.instructions, r.tflmInstructions)} | ${(r.instructions / Math.max(1, r.macs)).toFixed(2)} | ` +
        `${fmt(r.ramBytes)} | ${fmt(r.planPeakBytes)} | ${fmt(r.tflmRamBytes)} (${ratio(r.ramBytes, r.tflmRamBytes)}) | ${fmt(r.flashBytes)} | ${fmt(r.tflmFlashBytes)} (${ratio(r.flashBytes, r.tflmFlashBytes)}) | ` +
        `${fmt(r.stackBytes)} | ${fmt(r.tflmStackBytes)} | ${r.exact ? 'yes' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}

/** The frameworks of peers.md's board table set beside our estimate (the fastest published on the STM32L4R5). */
const BOARD_PEERS = ['X-CUBE-AI', 'Plumerai'];

/**
 * Instructions converted to milliseconds with the profiler's Cortex-M4 CPI for MAC kernels at its default
 * clock (src/cost/devices.ts), beside the published board latencies. An estimate from an emulator's
 * instruction count, not a measurement: the peers' figures are measured on the board.
 */
export function cBenchLatencyMarkdown(rows: CBenchRow[], sharedDir: string): string {
  const m4 = DEVICES['cortex-m4'];
  const cpi = m4.cpi.conv2d, mhz = m4.defaultMhz;
  const peers = boardLatencyPeers(sharedDir, BOARD_PEERS);
  const measured = rows.filter((r) => (peers.get(r.model) ?? []).length > 0);
  if (measured.length === 0) return '';
  const names = peers.get(measured[0]!.model)!.map((p) => p.board);
  const ms = (insns: number) => (insns * cpi) / (mhz * 1000);
  const lines = [
    `Estimated latency: our instruction count under QEMU × CPI ${cpi} (the profiler's Cortex-M4 MAC-kernel CPI, src/cost/devices.ts) at ${mhz} MHz,`,
    "set beside the MLPerf Tiny results measured on the STM32L4R5 board (../shared/peers.md). Ours is an estimate from an emulator's",
    'instruction count (QEMU models no cycles, flash wait states or pipeline stalls); theirs are board measurements.',
    '',
    `| model | instructions / MAC | est. ms @ ${mhz} MHz (CPI ${cpi}) | ${names.map((n) => `${n} ms (board)`).join(' | ')} | est. / fastest peer |`,
    `|---|---:|---:|${names.map(() => '---:').join('|')}|---:|`,
  ];
  for (const r of measured) {
    const ps = peers.get(r.model)!;
    const est = ms(r.instructions);
    const best = Math.min(...ps.map((p) => p.ms));
    lines.push(`| ${r.model} | ${(r.instructions / Math.max(1, r.macs)).toFixed(2)} | ${est.toFixed(1)} | ${ps.map((p) => p.ms.toFixed(2)).join(' | ')} | ${(est / best).toFixed(2)}x |`);
  }
  return lines.join('\n');
}

/** Per model: instructions per kernel symbol, and the most expensive calls. */
export function cBenchCallsText(rows: CBenchRow[], top = 12): string {
  const out: string[] = [];
  for (const r of rows) {
    if (!r.calls) continue;
    out.push(`${r.model}: ${fmt(r.instructions)} instructions, ${r.calls.length} calls`);
    const bySymbol = new Map<string, { n: number; insns: number; macs: number }>();
    for (const c of r.calls) {
      const s = bySymbol.get(c.symbol) ?? { n: 0, insns: 0, macs: 0 };
      s.n++;
      s.insns += c.instructions;
      s.macs += c.macs;
      bySymbol.set(c.symbol, s);
    }
    for (const [sym, s] of [...bySymbol].sort((a, b) => b[1].insns - a[1].insns)) {
      const perMac = s.macs ? `${(s.insns / s.macs).toFixed(2)}/MAC` : '';
      out.push(`  ${sym.padEnd(30)} ${String(s.n).padStart(4)} calls ${fmt(s.insns).padStart(12)} ${((100 * s.insns) / r.instructions).toFixed(1).padStart(5)}%  ${perMac}`);
    }
    out.push('  top calls:');
    for (const c of [...r.calls].sort((a, b) => b.instructions - a.instructions).slice(0, top)) {
      const perMac = c.macs ? ` ${(c.instructions / c.macs).toFixed(2)}/MAC` : '';
      out.push(`   #${String(c.index).padEnd(4)} ${fmt(c.instructions).padStart(11)} ${c.symbol.padEnd(28)} ${c.what}${perMac}`);
    }
  }
  return out.join('\n');
}

function methodText(): string {
  return [
    'Command: `npm run bench:c` (table below: `npm run bench:c -- --write`; `npm run -s bench:c -- --json` prints a JSON',
    'array, one object per model; `-- --models a,b` narrows the run; `-- --calls` adds a per-kernel and per-call profile).',
    '',
    "Each model is compiled with its default plan and its own interface (the `.tflite`'s inputs and outputs;",
    "mcunet_vww's float32 ones included, with its QUANTIZE/DEQUANTIZE ops, as TFLM runs it) to C by the C backend,",
    'cross-compiled with the kernel library and linked with the QEMU firmware template (RAM 256 KiB, of which the',
    "stack reserved is the plan's `stackBytes` + the harness's frames; the peer build reserves 16 KiB), and run on",
    '`qemu-system-arm -machine mps2-an386 -cpu cortex-m4` on golden',
    "input set 0 (the output is checked against TFLM's).",
    '',
    '- **instructions / inference**: the MPS2 FPGAIO counter (0x40028018) read before and after one `invoke()`',
    '  after a warm-up invoke, under `-icount shift=0,align=off,sleep=off`, where one tick is 40 executed guest',
    "  instructions (QEMU models no cycles): ticks × 40, ±40. The peer's figure is TFLM + CMSIS-NN's exact",
    '  instructions per `Invoke()` on the same board (a TCG plugin count; its ticks × 40 agree).',
    '- **RAM**: `.data + .bss` of the firmware (`arm-none-eabi-size -A`): the arena plus the kernel library\'s',
    "  and harness's variables; **planner peak** is the plan's arena. TFLM's is its `.data + .bss` with the",
    '  smallest arena that works. Neither includes the stack reservation.',
    '- **flash**: vectors + `.text` + `.rodata` + `.ARM.exidx` + `.data`, as the peer table (both include the',
    '  harness and newlib-nano routines).',
    '- **stack high-water**: the deepest stack use of the whole run, from painting the stack at reset.',
  ].join('\n');
}

function main(): void {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.TINYFORGE_SHARED ?? resolve(repo, '../shared');
  if (!existsSync(join(shared, 'golden'))) {
    console.error(`bench:c: ${shared} not found; the benchmark runs the shared models against TFLM's figures`);
    process.exit(1);
  }
  const argv = process.argv.slice(2);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const models = value('--models');
  const rows = cBench(shared, {
    ...(models ? { models: models.split(',') } : {}),
    calls: argv.includes('--calls'),
    log: (l) => console.error(`bench:c: ${l}`),
  });
  if (argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const latency = cBenchLatencyMarkdown(rows, shared);
  const table = cBenchMarkdown(rows) + (latency ? `\n\n${latency}` : '');
  if (argv.includes('--calls')) console.log(cBenchCallsText(rows) + '\n');
  console.log(table);
  if (argv.includes('--write')) {
    const file = join(repo, 'BENCHMARKS.md');
    writeSection(file, 'c', table, 'Cortex-M4 (QEMU)', methodText());
    console.error(`bench:c: wrote the Cortex-M4 table to ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (e) {
    console.error(`bench:c: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  }
}
