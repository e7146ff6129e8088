// What `tinyforge profile` reports: plain data (the --json schema, documented in README.md) and text.
import type { PatchSummary } from '../plan/patch/index.js';
import { kindMacRate, type DeviceModel, type KernelKind } from '../cost/devices.js';
import type { Profile, ProfileLayer, ProfileTotals } from '../cost/profile.js';
import { escapeTerminal } from '../escape.js';

export const PROFILE_SCHEMA_VERSION = 1;

/** One layer of `tinyforge profile --json`: ProfileLayer plus the measured column when asked for. */
export interface ProfileReportLayer extends ProfileLayer {
  /** With --measure wasm: median measured milliseconds of the op's calls in Node (null otherwise). */
  measuredMs: number | null;
}

export interface ProfileReport {
  schemaVersion: number;
  model: string;
  device: {
    id: string;
    name: string;
    mhz: number;
    defaultMhz: number;
    clockNote: string;
    peakMacsPerCycle: number;
    peakNote: string;
    sramBytesPerCycle: number;
    flashBytesPerCycle: number;
    memoryNote: string;
    cpiNote: string;
    /** Per kernel kind: cycles per instruction, the MAC loop's MACs/cycle and share of the peak, cycles per call. */
    kinds: Record<string, { cpi: number; macsPerCycle: number; efficiency: number; callCycles: number }>;
  };
  calibration: {
    source: string;
    method: string;
    date: string | null;
    /** The calibration run's per-model error: estimate / measured - 1 (instructions, qemu-m4). */
    models: Array<{ model: string; measured: number; estimated: number; error: number }>;
  };
  plan: { arenaBytes: number; patch: PatchSummary | null };
  layers: ProfileReportLayer[];
  totals: ProfileTotals & { measuredMs: number | null };
  aliasedOps: number[];
  /** What was measured with --measure (null without). */
  measure: { engine: string; runs: number; note: string } | null;
}

function deviceSummary(device: DeviceModel, mhz: number, used: Set<KernelKind>): ProfileReport['device'] {
  const kinds: ProfileReport['device']['kinds'] = {};
  for (const kind of [...used].sort()) {
    const rate = kindMacRate(device, kind);
    kinds[kind] = {
      cpi: device.cpi[kind],
      macsPerCycle: round(rate.macsPerCycle, 4),
      efficiency: round(rate.efficiency, 4),
      callCycles: Math.round(device.calibration.coefficients[kind].call * device.cpi[kind]),
    };
  }
  return {
    id: device.id,
    name: device.name,
    mhz,
    defaultMhz: device.defaultMhz,
    clockNote: device.clockNote,
    peakMacsPerCycle: device.peakMacsPerCycle,
    peakNote: device.peakNote,
    sramBytesPerCycle: device.sramBytesPerCycle,
    flashBytesPerCycle: device.flashBytesPerCycle,
    memoryNote: device.memoryNote,
    cpiNote: device.cpiNote,
    kinds,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface ProfileContext {
  arenaBytes: number;
  patch: PatchSummary | null;
  /** Measured milliseconds per op index (--measure), and what measured them. */
  measured?: { engine: string; runs: number; note: string; msByOp: Map<number, number> } | null;
}

export function profileReport(model: string, profile: Profile, context: ProfileContext): ProfileReport {
  const { device, mhz } = profile;
  const measured = context.measured ?? null;
  const layers = profile.layers.map((l) => ({
    ...l,
    intensity: round(l.intensity, 4),
    macsPerCycle: round(l.macsPerCycle, 4),
    ms: round(l.ms, 4),
    share: round(l.share, 5),
    measuredMs: measured ? round(measured.msByOp.get(l.opIndex) ?? 0, 5) : null,
  }));
  const t = profile.totals;
  const cal = device.calibration;
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    model,
    device: deviceSummary(device, mhz, new Set(profile.layers.map((l) => l.kernelKind))),
    calibration: { source: cal.source, method: cal.method, date: cal.date, models: cal.models },
    plan: { arenaBytes: context.arenaBytes, patch: context.patch },
    layers,
    totals: {
      ...t,
      intensity: round(t.intensity, 4),
      macsPerCycle: round(t.macsPerCycle, 4),
      ms: round(t.ms, 4),
      computeBoundShare: round(t.computeBoundShare, 4),
      memoryBoundShare: round(t.memoryBoundShare, 4),
      measuredMs: measured ? round(layers.reduce((s, l) => s + (l.measuredMs ?? 0), 0), 5) : null,
    },
    aliasedOps: profile.aliasedOps,
    measure: measured && { engine: measured.engine, runs: measured.runs, note: measured.note },
  };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

/** "1.23 ms" with enough digits for small layers. */
export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 0.1) return ms.toFixed(2);
  return ms.toFixed(4);
}

export function formatProfile(r: ProfileReport): string {
  const d = r.device;
  const lines: string[] = [];
  lines.push(`${escapeTerminal(r.model)} on ${d.name} at ${d.mhz} MHz${d.mhz === d.defaultMhz ? ` (${d.clockNote})` : ''}`);
  lines.push(
    `  roofline: peak ${d.peakMacsPerCycle} int8 MACs/cycle; SRAM ${d.sramBytesPerCycle} B/cycle, flash ${d.flashBytesPerCycle} B/cycle` +
      (r.plan.patch ? `; patch ${r.plan.patch.tiles}x${r.plan.patch.tiles} up to op ${r.plan.patch.splitOp}` : ''),
  );
  lines.push('');
  const measured = r.measure !== null;
  const header = ['#', 'op', 'kernel', 'MACs', 'params', 'weight B', 'in B', 'out B', 'MAC/B', 'bound', 'est. cycles', 'est. ms', 'share'];
  if (measured) header.push(`${r.measure!.engine} ms`);
  const rows = r.layers.map((l) => {
    const row = [
      String(l.opIndex),
      l.op,
      l.kernels.join('+') + (l.tiles > 1 ? ` x${l.tiles}` : ''),
      fmtInt(l.macs),
      fmtInt(l.params),
      fmtInt(l.weightBytes),
      fmtInt(l.inputBytes),
      fmtInt(l.outputBytes),
      l.intensity.toFixed(2),
      l.bound,
      fmtInt(l.cycles),
      fmtMs(l.ms),
      `${(l.share * 100).toFixed(1)}%`,
    ];
    if (measured) row.push(fmtMs(l.measuredMs ?? 0));
    return row;
  });
  const t = r.totals;
  const total = ['', 'total', `${t.calls} calls`, fmtInt(t.macs), fmtInt(t.params), fmtInt(t.weightBytes), fmtInt(t.inputBytes), fmtInt(t.outputBytes), t.intensity.toFixed(2), '', fmtInt(t.cycles), fmtMs(t.ms), '100%'];
  if (measured) total.push(fmtMs(t.measuredMs ?? 0));
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, total].map((row) => row[i]!.length)));
  const left = new Set([1, 2, 9]);
  const fmtRow = (row: string[]) => row.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(fmtRow(header));
  for (const row of rows) lines.push(fmtRow(row));
  lines.push(fmtRow(total));
  lines.push('');
  lines.push(
    `estimate: ${fmtInt(t.instructions)} instructions, ${fmtInt(t.cycles)} cycles = ${fmtMs(t.ms)} ms at ${d.mhz} MHz; ` +
      `${t.macsPerCycle.toFixed(2)} MACs/cycle; ${(t.computeBoundShare * 100).toFixed(0)}% of the time in compute-bound layers`,
  );
  const cal = r.calibration;
  if (cal.source === 'first guess') {
    lines.push('calibration: FIRST GUESS constants (not yet fitted to measured instruction counts; npm run bench:calibrate)');
  } else {
    const worst = cal.models.reduce((m, x) => Math.max(m, Math.abs(x.error)), 0);
    lines.push(`calibration: ${cal.source} (${cal.date}), ${cal.models.length} models, worst error ${(worst * 100).toFixed(1)}% in instructions (BENCHMARKS.md)`);
  }
  if (r.measure) lines.push(`measured: ${r.measure.note}`);
  return lines.join('\n');
}
