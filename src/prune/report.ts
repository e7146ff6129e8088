// The sensitivity scan as a self-contained HTML page: accuracy against sparsity per layer (the lab's
// curves, one line each, the dense accuracy dashed) and a table with each layer's parameters and MACs.
import { CSS_CHART, CSS_PAGE, CSS_TABLE, escapeHtml, fmt, htmlPage, r1, tickStep } from '../report/html.js';
import type { Scan } from './scan.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export interface ScanPageInfo {
  model: string;
  data: string;
  images: number;
  engine: string;
}

function chart(scan: Scan): string {
  const [w, h, left, top, right, bottom] = [720, 340, 56, 16, 180, 40];
  const values = [scan.denseAccuracy, ...scan.layers.flatMap((l) => l.curve.map((p) => p.accuracy))];
  const lo = Math.max(0, Math.floor(Math.min(...values) * 10) / 10);
  const x = (s: number) => r1(left + s * (w - left - right));
  const y = (a: number) => r1(top + (1 - (a - lo) / (1 - lo || 1)) * (h - top - bottom));
  const grid: string[] = [];
  for (let s = 0; s <= 10; s++) grid.push(`<line x1="${x(s / 10)}" x2="${x(s / 10)}" y1="${top}" y2="${h - bottom}"/>`);
  const ticks: string[] = [];
  for (let a = lo; a <= 1.0001; a += 0.1) {
    grid.push(`<line x1="${left}" x2="${w - right}" y1="${y(a)}" y2="${y(a)}"/>`);
    ticks.push(`<text x="${left - 6}" y="${y(a) + 4}" text-anchor="end">${Math.round(a * 100)}%</text>`);
  }
  for (let s = 0; s <= 10; s += 2) ticks.push(`<text x="${x(s / 10)}" y="${h - bottom + 16}" text-anchor="middle">${s / 10}</text>`);
  const lines = scan.layers.map((l, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const points = [{ sparsity: 0, accuracy: scan.denseAccuracy }, ...l.curve].map((p) => `${x(p.sparsity)},${y(p.accuracy)}`).join(' ');
    const legend = `<text x="${w - right + 12}" y="${top + 14 + 16 * i}" fill="${colour}">${escapeHtml(`${l.node} ${l.name}`.slice(0, 26))}</text>`;
    return `<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${points}"/>${legend}`;
  });
  const dense = `<line x1="${left}" x2="${w - right}" y1="${y(scan.denseAccuracy)}" y2="${y(scan.denseAccuracy)}" stroke="#6b7280" stroke-dasharray="4 3"/>`;
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="accuracy against sparsity per layer">
<g class="grid">${grid.join('')}</g><g class="axis">${ticks.join('')}</g><rect class="frame" x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}"/>
${dense}${lines.join('\n')}
<text class="label" x="${(left + w - right) / 2}" y="${h - 6}" text-anchor="middle">sparsity of the one pruned layer</text></svg>`;
}

export function scanPage(scan: Scan, info: ScanPageInfo): string {
  const sparsities = scan.layers[0]?.curve.map((p) => p.sparsity) ?? [];
  const rows = scan.layers.map((l) =>
    `<tr><td class="num">${l.node}</td><td>${escapeHtml(l.kind)}</td><td class="name">${escapeHtml(l.name)}</td><td class="num">${fmt(l.params)}</td><td class="num">${fmt(l.macs)}</td>` +
    l.curve.map((p) => `<td class="num">${pct(p.accuracy)}</td>`).join('') + '</tr>');
  const body = `<h1>Pruning sensitivity: ${escapeHtml(info.model)}</h1>
<div class="sub">each layer magnitude-pruned alone; accuracy on ${escapeHtml(info.data)} (${fmt(info.images)} images, ${escapeHtml(info.engine)} engine); dense ${pct(scan.denseAccuracy)}</div>
${chart(scan)}
<h2>Layers</h2>
<div class="tablewrap"><table><thead><tr><th>node</th><th>op</th><th>layer</th><th class="num">params</th><th class="num">MACs</th>${sparsities.map((s) => `<th class="num">${s}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  return htmlPage(`pruning scan: ${info.model}`, CSS_PAGE + CSS_CHART + CSS_TABLE, body, '');
}

/** One pruned (or dense) model: what the accuracy-vs-instructions plot places. */
export interface TradeoffPoint {
  name: string;
  finetuned: boolean;
  method: 'dense' | 'magnitude' | 'channels';
  accuracy: number;
  /** Cortex-M4 instructions per inference (measured on qemu, or the profiler's estimate: `measured` false). */
  instructions: number;
  measured: boolean;
  peakBytes: number;
  flashBytes: number;
}

export interface TradeoffNet {
  name: string;
  /** What the y axis is ("int8 accuracy", "top-1 agreement with the float model"). */
  accuracyLabel: string;
  points: TradeoffPoint[];
}

const METHOD_COLOURS: Record<TradeoffPoint['method'], string> = { dense: '#1d2330', magnitude: '#d62728', channels: '#1f77b4' };

/** An SVG scatter: instructions (x, from 0) against accuracy (y); colour = method, filled = fine-tuned, each point named. */
function tradeoffChart(net: TradeoffNet): string {
  const [w, h, left, top, right, bottom] = [720, 372, 64, 16, 96, 58];
  const accs = net.points.map((p) => p.accuracy);
  const lo = Math.max(0, Math.floor(Math.min(...accs) * 10) / 10);
  const hi = Math.min(1, Math.ceil(Math.max(...accs) * 10 + 1e-9) / 10) || 1;
  const xmax = Math.max(1, ...net.points.map((p) => p.instructions)) * 1.05;
  const x = (v: number) => r1(left + (v / xmax) * (w - left - right));
  const y = (a: number) => r1(top + (1 - (a - lo) / (hi - lo || 1)) * (h - top - bottom));
  const grid: string[] = [];
  const ticks: string[] = [];
  for (let a = lo; a <= hi + 1e-9; a += 0.1) {
    grid.push(`<line x1="${left}" x2="${w - right}" y1="${y(a)}" y2="${y(a)}"/>`);
    ticks.push(`<text x="${left - 6}" y="${y(a) + 4}" text-anchor="end">${Math.round(a * 100)}%</text>`);
  }
  const step = tickStep(xmax, 6, false);
  for (let v = 0; v <= xmax; v += step) {
    grid.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${top}" y2="${h - bottom}"/>`);
    ticks.push(`<text x="${x(v)}" y="${h - bottom + 16}" text-anchor="middle">${v === 0 ? '0' : `${fmt(v / 1e6)}M`}</text>`);
  }
  const dots = net.points.map((p) => {
    const colour = METHOD_COLOURS[p.method];
    const label = `${p.name}${p.finetuned ? ' + ft' : ''}`;
    const title = `${label}: ${pct(p.accuracy)}, ${fmt(p.instructions)} instructions${p.measured ? '' : ' (estimated)'}, peak SRAM ${fmt(p.peakBytes)} B, flash ${fmt(p.flashBytes)} B`;
    return `<g><title>${escapeHtml(title)}</title><circle cx="${x(p.instructions)}" cy="${y(p.accuracy)}" r="5" stroke="${colour}" stroke-width="1.6" fill="${p.finetuned ? colour : '#fff'}"/>` +
      `<text x="${x(p.instructions) + 7}" y="${y(p.accuracy) - 5}" font-size="10" fill="${colour}">${escapeHtml(label.replace('fine-grained', 'fg').replace(' (first/last dense)', ''))}</text></g>`;
  });
  const legend = (['dense', 'magnitude', 'channels'] as const).map((m, i) =>
    `<circle cx="${left + 12 + 150 * i}" cy="${h - 8}" r="5" fill="${METHOD_COLOURS[m]}"/><text x="${left + 22 + 150 * i}" y="${h - 4}">${m === 'magnitude' ? 'fine-grained' : m === 'channels' ? 'channel' : 'dense'}</text>`).join('') +
    `<circle cx="${left + 462}" cy="${h - 8}" r="5" fill="#fff" stroke="#1d2330"/><text x="${left + 472}" y="${h - 4}">hollow: not fine-tuned</text>`;
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(`${net.name}: ${net.accuracyLabel} against Cortex-M4 instructions`)}">
<g class="grid">${grid.join('')}</g><g class="axis">${ticks.join('')}</g><rect class="frame" x="${left}" y="${top}" width="${w - left - right}" height="${h - top - bottom}"/>
${dots.join('\n')}
<text class="label" x="${(left + w - right) / 2}" y="${h - bottom + 30}" text-anchor="middle">Cortex-M4 instructions per inference</text>${legend}</svg>`;
}

/** Accuracy against Cortex-M4 instructions per net, each with its table: a self-contained page (no external assets). */
export function tradeoffPage(nets: readonly TradeoffNet[], title: string): string {
  const sections = nets.map((net) => {
    const rows = net.points.map((p) =>
      `<tr><td class="name">${escapeHtml(p.name)}</td><td>${p.finetuned ? 'yes' : 'no'}</td><td class="num">${pct(p.accuracy)}</td><td class="num">${fmt(p.instructions)}${p.measured ? '' : ' (est.)'}</td>` +
      `<td class="num">${fmt(p.peakBytes)}</td><td class="num">${fmt(p.flashBytes)}</td></tr>`);
    return `<h2>${escapeHtml(net.name)}</h2>
<div class="sub">y: ${escapeHtml(net.accuracyLabel)}</div>
${tradeoffChart(net)}
<div class="tablewrap"><table><thead><tr><th>setting</th><th>fine-tuned</th><th class="num">${escapeHtml(net.accuracyLabel)}</th><th class="num">Cortex-M4 instructions</th><th class="num">peak SRAM (B)</th><th class="num">flash (B)</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
  });
  return htmlPage(title, CSS_PAGE + CSS_CHART + CSS_TABLE, `<h1>${escapeHtml(title)}</h1>\n${sections.join('\n')}`, '');
}
