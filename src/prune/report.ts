// The sensitivity scan as a self-contained HTML page: accuracy against sparsity per layer (the lab's
// curves, one line each, the dense accuracy dashed) and a table with each layer's parameters and MACs.
import { CSS_CHART, CSS_PAGE, CSS_TABLE, escapeHtml, fmt, htmlPage, r1 } from '../report/html.js';
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
