// The search's results as plain data (the `nas search --json` schema) and as a self-contained HTML page:
// a scatter of every feasible candidate (score vs Cortex-M ms, RAM as the dot size), the Pareto front, a table.
import { CSS_CHART, CSS_PAGE, CSS_TABLE, escapeHtml, fmt, htmlPage, r1 } from '../report/html.js';
import type { Constraints, Candidate, SearchResult } from './search.js';

export interface SearchReport {
  space: string;
  agent: string;
  seed: number;
  evaluations: number;
  /** Distinct members built and planned (the rest came from the predictor's cache). */
  planned: number;
  constraints: Constraints;
  /** What `score` is (a proxy says so). */
  scoreLabel: string;
  feasible: number;
  best: Candidate;
  pareto: Candidate[];
}

export function searchReport(space: string, seed: number, planned: number, constraints: Constraints, scoreLabel: string, r: SearchResult): SearchReport {
  return { space, agent: r.agent, seed, evaluations: r.evaluations, planned, constraints, scoreLabel, feasible: r.feasible.length, best: r.best, pareto: r.pareto };
}

export function formatSearch(r: SearchReport): string {
  const e = r.best.efficiency;
  const lines = [
    `nas search: space ${r.space}, agent ${r.agent}, seed ${r.seed}: ${r.evaluations} evaluations, ${r.planned} members planned, ${r.feasible} feasible`,
    `score: ${r.scoreLabel}`,
    `best: ${r.best.key}  score ${r.best.score.toFixed(3)}  RAM ${e.ramBytes} B (arena ${e.peakBytes} B)  flash ${e.flashBytes} B  ${e.macs} MACs  ${e.ms.toFixed(2)} ms`,
    `Pareto front (score vs ms vs RAM): ${r.pareto.length} members`,
    ...r.pareto.map((c) => `  ${c.key.padEnd(40)} score ${c.score.toFixed(3)}  ${c.efficiency.ms.toFixed(2)} ms  RAM ${c.efficiency.ramBytes} B`),
  ];
  return lines.join('\n');
}

export function searchHtml(r: SearchReport, all: readonly Candidate[]): string {
  const W = 760, H = 380, L = 60, B = 40, T = 16, R = 16;
  const xs = all.map((c) => c.efficiency.ms), ys = all.map((c) => c.score), rams = all.map((c) => c.efficiency.ramBytes);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const ramMax = Math.max(...rams);
  const sx = (v: number) => L + ((v - x0) / (x1 - x0 || 1)) * (W - L - R);
  const sy = (v: number) => H - B - ((v - y0) / (y1 - y0 || 1)) * (H - B - T);
  const front = new Set(r.pareto.map((c) => c.key));
  const dots = all
    .map((c) => {
      const rad = 2 + 5 * (c.efficiency.ramBytes / ramMax);
      const fill = front.has(c.key) ? '#b42318' : '#94a3b8';
      return `<circle cx="${r1(sx(c.efficiency.ms))}" cy="${r1(sy(c.score))}" r="${r1(rad)}" fill="${fill}" fill-opacity="0.7"><title>${escapeHtml(`${c.key}: ${c.efficiency.ms.toFixed(2)} ms, RAM ${c.efficiency.ramBytes} B, score ${c.score.toFixed(3)}`)}</title></circle>`;
    })
    .join('');
  const axes = `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>` +
    `<text x="${L}" y="${H - 8}">${escapeHtml(x0.toFixed(2))} ms</text><text x="${W - R}" y="${H - 8}" text-anchor="end">${escapeHtml(x1.toFixed(2))} ms (Cortex-M estimate)</text>` +
    `<text x="4" y="${T + 10}">${escapeHtml(y1.toFixed(2))}</text><text x="4" y="${H - B}">${escapeHtml(y0.toFixed(2))}</text>`;
  const rows = r.pareto
    .map((c) => `<tr><td>${escapeHtml(c.key)}</td><td class="num">${escapeHtml(c.score.toFixed(3))}</td><td class="num">${escapeHtml(c.efficiency.ms.toFixed(2))}</td><td class="num">${fmt(c.efficiency.ramBytes)}</td><td class="num">${fmt(c.efficiency.flashBytes)}</td><td class="num">${fmt(c.efficiency.macs)}</td></tr>`)
    .join('');
  const limits = Object.entries(r.constraints).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const body = `<h1>${escapeHtml(`nas search: ${r.space}`)}</h1>
<div class="sub">${escapeHtml(`agent ${r.agent}, seed ${r.seed}, ${r.evaluations} evaluations, ${r.feasible} feasible; constraints: ${limits}`)}</div>
<div class="sub"><b>Score:</b> ${escapeHtml(r.scoreLabel)}</div>
<h2>Feasible candidates (red: Pareto front; dot size: RAM)</h2>
<svg class="chart" viewBox="0 0 ${W} ${H}" role="img">${axes}${dots}</svg>
<h2>Pareto front (score vs ms vs RAM)</h2>
<div class="tablewrap"><table><thead><tr><th>arch</th><th>score</th><th>ms</th><th>RAM B</th><th>flash B</th><th>MACs</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return htmlPage(`nas search: ${r.space}`, CSS_PAGE + CSS_CHART + CSS_TABLE, body, '');
}
