// What `tinyforge plan` reports, as plain data (the --json schema) and as text.
import type { FlashEstimate } from '../cost/flash.js';
import type { StackEstimate } from '../cost/stack.js';
import type { PatchSummary } from '../plan/patch/index.js';
import { escapeTerminal } from '../escape.js';
import { liveBytesPerStep } from '../plan/planner.js';
import type { BufferKind, OrderSearchSummary, Plan } from '../plan/types.js';

/** The `tinyforge plan --json` schema (documented in README.md). */
export interface PlanReport {
  model: string;
  /** Everything that must be in RAM at run time: activations, input and output, scratch, kernel workspace. */
  peakBytes: number;
  /** Most bytes live at any step with this order and these overlaps; no placement can go below. */
  lowerBoundBytes: number;
  flashBytes: number;
  flash: FlashEstimate;
  sramBudgetBytes: number | null;
  flashBudgetBytes: number | null;
  /** The --cpu the stack is computed for; null when not computed (a TFLM plan: TFLM's kernels, not ours). */
  cpu: string | null;
  /** Worst-case stack of the generated C's invoke on `cpu` (its frame + the deepest kernel call); null when not computed. */
  stackBytes: number | null;
  /** .data + .bss of the generated C besides the arena; null when not computed. */
  staticBytes: number | null;
  /** --reserve: the application's own RAM. */
  reserveBytes: number;
  /** What the SRAM budget is compared with: peakBytes + stackBytes + staticBytes + reserveBytes. */
  ramBytes: number;
  /** ramBytes within --sram and flashBytes within --flash. */
  fits: boolean;
  /** Bytes over budget (0 when it fits): SRAM (ramBytes against --sram) and flash. */
  sramShortfallBytes: number;
  flashShortfallBytes: number;
  alignment: number;
  inplace: boolean;
  strategy: string;
  /** The operator-order search: exhaustive, or stopped at its work bound with the reason (greedy and stored orders tried); null for a patched plan (stored order). */
  orderSearch: OrderSearchSummary | null;
  /** The patch stage, when the plan runs the first layers tile by tile; splitTensor names the split op's output. */
  patch: (PatchSummary & { splitTensor: string }) | null;
  /** With --patch auto: the layer-by-layer peak the patched plan is compared with. */
  layerByLayerBytes: number | null;
  peakStep: number;
  steps: Array<{ index: number; opIndex: number; kind: string; output: string; variant: string; liveBytes: number; live: number[] }>;
  buffers: Array<{ id: number; name: string; kind: BufferKind; bytes: number; offset: number; first: number; last: number; aliasOf: number | null }>;
  /** What would make it fit, when it does not. */
  suggestions: string[];
}

export interface Budget {
  sramBytes: number | null;
  flashBytes: number | null;
  /** The application's own RAM, counted against sramBytes (default 0). */
  reserveBytes?: number;
  /** The generated C's stack and static data (src/cost/stack.ts); null or absent when not computed. */
  stack?: StackEstimate | null;
}

export interface PlanContext {
  patch: (PatchSummary & { splitTensor: string }) | null;
  layerByLayerBytes: number | null;
  /** Extra advice when it does not fit (e.g. a patch setting that would). */
  suggestions: string[];
}

export function planReport(model: string, plan: Plan, flash: FlashEstimate, budget: Budget, context: PlanContext = { patch: null, layerByLayerBytes: null, suggestions: [] }): PlanReport {
  const live = liveBytesPerStep(plan.steps, plan.buffers);
  const steps = plan.steps.map((s, i) => {
    const op = plan.graph.ops[s.op]!;
    return {
      index: i,
      opIndex: s.op,
      kind: op.kind,
      output: plan.graph.tensors[op.outputs[0]!]!.name,
      variant: s.variant,
      liveBytes: live[i]!,
      live: plan.buffers.filter((b) => b.aliasOf === null && b.bytes > 0 && b.first <= i && i <= b.last).map((b) => b.id),
    };
  });
  const reserveBytes = budget.reserveBytes ?? 0;
  const stack = budget.stack ?? null;
  const ramBytes = plan.arenaBytes + (stack ? stack.stackBytes + stack.staticBytes : 0) + reserveBytes;
  const sramShortfallBytes = budget.sramBytes === null ? 0 : Math.max(0, ramBytes - budget.sramBytes);
  const flashShortfallBytes = budget.flashBytes === null ? 0 : Math.max(0, flash.totalBytes - budget.flashBytes);
  const suggestions: string[] = [];
  if (sramShortfallBytes > 0) {
    const peak = steps[plan.peakStep]!;
    const biggest = peak.live
      .map((id) => plan.buffers[id]!)
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3)
      .map((b) => `${b.name} (${b.bytes} B)`);
    for (const s of context.suggestions) suggestions.push(s);
    suggestions.push(`the peak is at step ${peak.index} (${peak.kind} -> ${peak.output}); the largest live tensors there are ${biggest.join(', ')}: shrink those layers (fewer channels or a lower input resolution)`);
  }
  if (flashShortfallBytes > 0) suggestions.push(`weights take ${flash.weightBytes} B of the ${flash.totalBytes} B of flash: fewer or narrower layers would shrink them`);
  return {
    model,
    peakBytes: plan.arenaBytes,
    lowerBoundBytes: plan.lowerBoundBytes,
    flashBytes: flash.totalBytes,
    flash,
    sramBudgetBytes: budget.sramBytes,
    flashBudgetBytes: budget.flashBytes,
    cpu: stack?.cpu ?? null,
    stackBytes: stack?.stackBytes ?? null,
    staticBytes: stack?.staticBytes ?? null,
    reserveBytes,
    ramBytes,
    fits: sramShortfallBytes === 0 && flashShortfallBytes === 0,
    sramShortfallBytes,
    flashShortfallBytes,
    alignment: plan.options.alignment,
    inplace: plan.options.inplace,
    strategy: plan.strategy,
    orderSearch: plan.orderSearch ?? null,
    patch: context.patch,
    layerByLayerBytes: context.layerByLayerBytes,
    peakStep: plan.peakStep,
    steps,
    buffers: plan.buffers.map(({ id, name, kind, bytes, offset, first, last, aliasOf }) => ({ id, name, kind, bytes, offset, first, last, aliasOf })),
    suggestions,
  };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The flash figure's parts: the generated C's sections on its cpu, or the weights alone for a model tinyforge's C does not build. */
export function flashParts(f: FlashEstimate): string {
  if (f.cpu === null) return `weights ${fmt(f.weightBytes)} + code not counted (a float32 model or a TFLM plan: not tinyforge's C kernels)`;
  const data = f.dataBytes > 0 ? ` + .data ${fmt(f.dataBytes)}` : '';
  return `code ${fmt(f.textBytes)} (kernels used, measured for ${f.cpu}) + constants ${fmt(f.rodataBytes)} (weights ${fmt(f.weightBytes)})${data}`;
}

export function formatPlan(r: PlanReport): string {
  const lines: string[] = [];
  const verdict = r.sramBudgetBytes === null && r.flashBudgetBytes === null ? '' : r.fits ? '  FITS' : '  DOES NOT FIT';
  lines.push(`${escapeTerminal(r.model)}${verdict}`);
  const budget = `${r.sramBudgetBytes !== null ? ` of ${fmt(r.sramBudgetBytes)} B` : ''}${r.sramShortfallBytes ? ` (short by ${fmt(r.sramShortfallBytes)} B)` : ''}`;
  lines.push(`  peak SRAM   ${fmt(r.peakBytes)} B (arena)`);
  const parts = [`arena ${fmt(r.peakBytes)}`];
  if (r.stackBytes !== null) parts.push(`stack ${fmt(r.stackBytes)} (${r.cpu})`, `static ${fmt(r.staticBytes!)}`);
  if (r.reserveBytes > 0) parts.push(`reserve ${fmt(r.reserveBytes)}`);
  lines.push(`  RAM         ${fmt(r.ramBytes)} B${budget} = ${parts.join(' + ')}`);
  const gap = r.lowerBoundBytes > 0 ? ((r.peakBytes / r.lowerBoundBytes - 1) * 100).toFixed(1) : '0.0';
  lines.push(`  lower bound ${fmt(r.lowerBoundBytes)} B (plan is ${gap}% above it)`);
  lines.push(
    `  flash       ${fmt(r.flashBytes)} B${r.flashBudgetBytes !== null ? ` of ${fmt(r.flashBudgetBytes)} B` : ''}${r.flashShortfallBytes ? ` (short by ${fmt(r.flashShortfallBytes)} B)` : ''} = ${flashParts(r.flash)}`,
  );
  if (r.patch) {
    const p = r.patch;
    lines.push(`  patch       ${p.tiles}x${p.tiles} tiles up to ${p.splitKind} -> ${escapeTerminal(p.splitTensor)}, +${fmt(p.extraMacs)} MACs recomputed (${(p.extraMacsRatio * 100).toFixed(1)}%)`);
  }
  if (r.layerByLayerBytes !== null) lines.push(`  layer-by-layer peak ${fmt(r.layerByLayerBytes)} B${r.patch ? '' : ' (no patch setting beats it)'}`);
  lines.push(`  peak at step ${r.peakStep}; ${r.inplace ? 'in-place on' : 'in-place off'}, alignment ${r.alignment}, strategy ${r.strategy}`);
  if (r.orderSearch && !r.orderSearch.exhaustive) lines.push(`  operator order: not exhaustive: ${r.orderSearch.reason}`);
  lines.push('');
  lines.push('  step  op                      variant          live B  output');
  for (const s of r.steps) {
    const mark = s.index === r.peakStep ? '*' : ' ';
    lines.push(`  ${mark}${String(s.index).padStart(3)}  ${s.kind.padEnd(22)}  ${s.variant.padEnd(15)} ${fmt(s.liveBytes).padStart(8)}  ${escapeTerminal(s.output)}`);
  }
  for (const s of r.suggestions) lines.push(`  suggestion: ${escapeTerminal(s)}`);
  return lines.join('\n');
}
