// Peer figures read from ../shared (peers.md and golden/*.md), so the benchmarks compare against the
// published numbers rather than copies of them. Tables are found by the heading above them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Row = Record<string, string>;

/** The first markdown table after a heading (or the first table whose header has `headerText`). */
export function tableAfter(markdown: string, headingOrHeader: string): Row[] {
  const lines = markdown.split('\n');
  let i = lines.findIndex((l) => l.startsWith('#') && l.includes(headingOrHeader));
  if (i < 0) i = lines.findIndex((l) => l.startsWith('|') && l.includes(headingOrHeader)) - 1;
  if (i < -1) throw new Error(`no table under "${headingOrHeader}"`);
  while (i + 1 < lines.length && !lines[i + 1]!.startsWith('|')) i++;
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const header = cells(lines[i + 1]!);
  const rows: Row[] = [];
  for (let j = i + 3; j < lines.length && lines[j]!.startsWith('|'); j++) {
    const c = cells(lines[j]!);
    rows.push(Object.fromEntries(header.map((h, k) => [h, c[k] ?? ''])));
  }
  return rows;
}

const num = (s: string) => Number(s.replace(/,/g, ''));
const kib = (s: string) => Math.round(parseFloat(s) * 1024);

export interface TinyEnginePeer {
  model: string;
  inputBytes: number;
  /** Planned peak, layer by layer, in-place depthwise on / off. */
  inplaceBytes: number;
  noInplaceBytes: number;
  /** Best valid patch plan's peak plus the input (which its patch mode keeps outside the buffer); null when none. */
  patchWithInputBytes: number | null;
  patchNote: string;
}

/** model path (e.g. "mcunet/mcunet_vww") -> TinyEngine's planned figures. */
export function tinyEnginePeers(sharedDir: string): Map<string, TinyEnginePeer> {
  const rows = tableAfter(readFileSync(join(sharedDir, 'peers.md'), 'utf8'), "TinyEngine's own code generator");
  const out = new Map<string, TinyEnginePeer>();
  for (const r of rows) {
    const model = r['model']!.split(' ')[0]!;
    const patchCell = r['patch-based (n patches, split layer)'] ?? '';
    const kibs = [...patchCell.matchAll(/([\d.]+) KiB \+ input/g)].map((m) => kib(m[1]!));
    const inputBytes = num(r['input bytes']!);
    out.set(model, {
      model,
      inputBytes,
      inplaceBytes: kib(r['layer-by-layer, in-place dw on']!),
      noInplaceBytes: kib(r['in-place off']!),
      // "best valid" is the last figure when the cell lists more than one.
      patchWithInputBytes: kibs.length ? kibs[kibs.length - 1]! + inputBytes : null,
      patchNote: patchCell,
    });
  }
  return out;
}

export interface TflmM4Peer {
  model: string;
  insns: number;
  ticks: number;
  arenaUsedBytes: number;
  minArenaBytes: number;
  text: number;
  rodata: number;
  flashTotal: number;
  staticRam: number;
}

/** TFLM + CMSIS-NN on the Cortex-M4 under QEMU, by model path. */
export function tflmM4Peers(sharedDir: string): Map<string, TflmM4Peer> {
  const rows = tableAfter(readFileSync(join(sharedDir, 'golden', 'tflm_cortex_m4_qemu.md'), 'utf8'), 'TFLM + CMSIS-NN kernels');
  return new Map(
    rows.map((r) => [
      r['model']!,
      {
        model: r['model']!,
        insns: num(r['exact insns/Invoke']!),
        ticks: num(r['ticks/Invoke']!),
        arenaUsedBytes: num(r['arena_used_bytes']!),
        minArenaBytes: num(r['min arena (AllocateTensors OK)']!),
        text: num(r['.text']!),
        rodata: num(r['.rodata (model incl.)']!),
        flashTotal: num(r['flash total']!),
        staticRam: num(r['static RAM (.data+.bss)']!),
      },
    ]),
  );
}

/** MLPerf Tiny task column of peers.md's board-latency table per benchmark model. */
const MLPERF_TASK: Record<string, string> = {
  'mlperf-tiny/vww_96_int8': 'VWW',
  'mlperf-tiny/kws_ref_model': 'KWS',
  'mlperf-tiny/pretrainedResnet_quant': 'IC',
  'mlperf-tiny/ad01_int8': 'AD',
};

/** A published board latency (ms per inference) of one framework on one MLPerf Tiny task. */
export interface BoardLatencyPeer {
  /** "STM32L4R5 (Cortex-M4 @120 MHz) · X-CUBE-AI 10.2" as in peers.md. */
  board: string;
  ms: number;
}

/**
 * model path -> the Cortex-M4 boards' latencies of the frameworks whose board name contains one of `frameworks`
 * (peers.md "Latency on real boards"; only the MLPerf Tiny models have figures).
 */
export function boardLatencyPeers(sharedDir: string, frameworks: string[]): Map<string, BoardLatencyPeer[]> {
  const rows = tableAfter(readFileSync(join(sharedDir, 'peers.md'), 'utf8'), 'Latency on real boards');
  // the rows naming the board once and "same" after it
  let board = '';
  const named = rows.map((r) => {
    const label = r['board · framework']!;
    const [where, what] = label.split(' · ') as [string, string];
    if (where !== 'same') board = where;
    return { label: `${board} · ${what}`, r };
  });
  const out = new Map<string, BoardLatencyPeer[]>();
  for (const [model, task] of Object.entries(MLPERF_TASK)) {
    out.set(model, named.filter((n) => n.label.includes('Cortex-M4') && frameworks.some((f) => n.label.includes(f))).map((n) => ({ board: n.label, ms: num(n.r[task]!) })));
  }
  return out;
}
