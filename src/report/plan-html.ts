// `tinyforge plan --report plan.html`: the memory plan as one self-contained page (inline CSS, SVG and a
// few lines of JS; nothing fetched). The chart draws every buffer at its arena offset over the steps it
// lives, so reuse, in-place overlap and fragmentation are visible; the table lists the steps.
import { CSS_CARDS, CSS_CHART, CSS_PAGE, CSS_TABLE, escapeHtml, fmt, htmlPage, r1, tickStep } from './html.js';
import { flashParts, type PlanReport } from './plan.js';

export { escapeHtml } from './html.js';

export interface PlanHtmlOptions {
  /** Page title (default: "<model> memory plan"). */
  title?: string;
}

type Buffer = PlanReport['buffers'][number];

/** 12 KiB, 1.5 MiB or 300 B: a byte count as a short axis label. */
function shortBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 18) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 256 === 0) return `${n / 1024} KiB`;
  return `${fmt(n)} B`;
}

const W = 1200;
const H = 470;
const M = { left: 78, right: 24, top: 22, bottom: 42 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

function chart(r: PlanReport): string {
  const steps = Math.max(1, r.steps.length);
  const roots = r.buffers.filter((b) => b.aliasOf === null && b.bytes > 0);
  const aliases = new Map<number, string[]>();
  for (const b of r.buffers) if (b.aliasOf !== null) aliases.set(b.aliasOf, [...(aliases.get(b.aliasOf) ?? []), b.name]);
  const budget = r.sramBudgetBytes;
  // The y range: the arena, and the budget line when it is close enough to be worth showing.
  const top = Math.max(1, r.peakBytes, r.lowerBoundBytes, budget !== null && budget <= r.peakBytes * 1.3 ? budget : 0);
  const yStep = tickStep(top, 7, true);
  const yMax = Math.ceil((top * 1.04) / yStep) * yStep;
  const xStep = tickStep(steps, 12, false);
  const px = (step: number) => r1(M.left + (step / steps) * PW);
  const py = (bytes: number) => r1(M.top + PH - (bytes / yMax) * PH);

  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="arena offsets of every buffer over the steps">`);
  // Grid and axes.
  out.push('<g class="grid">');
  for (let y = 0; y <= yMax; y += yStep) out.push(`<line x1="${M.left}" x2="${M.left + PW}" y1="${py(y)}" y2="${py(y)}"/>`);
  out.push('</g><g class="axis">');
  for (let y = 0; y <= yMax; y += yStep) out.push(`<text x="${M.left - 8}" y="${py(y) + 4}" text-anchor="end">${shortBytes(y)}</text>`);
  for (let s = 0; s < steps; s += xStep) out.push(`<line x1="${px(s + 0.5)}" x2="${px(s + 0.5)}" y1="${M.top + PH}" y2="${M.top + PH + 5}"/><text x="${px(s + 0.5)}" y="${M.top + PH + 19}" text-anchor="middle">${s}</text>`);
  out.push(`<text x="${M.left + PW / 2}" y="${H - 4}" text-anchor="middle" class="label">step</text>`);
  out.push(`<text transform="translate(14 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle" class="label">arena offset</text>`);
  out.push(`<rect class="frame" x="${M.left}" y="${M.top}" width="${PW}" height="${PH}"/>`);
  out.push('</g>');
  // The peak step, behind the buffers; a movable highlight for the step under the pointer.
  const bandW = Math.max(r1(PW / steps), 3);
  out.push(`<rect class="peakband" x="${r1(px(r.peakStep + 0.5) - bandW / 2)}" y="${M.top}" width="${bandW}" height="${PH}"><title>peak step ${r.peakStep}: ${fmt(r.steps[r.peakStep]?.liveBytes ?? 0)} B live</title></rect>`);
  out.push(`<rect id="hl" class="hl" x="0" y="${M.top}" width="${bandW}" height="${PH}" visibility="hidden"/>`);
  // The buffers: one path per buffer in a nested SVG whose units are (step, byte), so coordinates are exact integers.
  out.push(`<svg class="bufs" x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" viewBox="0 0 ${steps} ${yMax}" preserveAspectRatio="none">`);
  for (const b of roots) out.push(bufferPath(b, yMax, aliases.get(b.id)));
  out.push('</svg>');
  // Live bytes per step, as a step line: the lower bound is its maximum; the gap up to the arena is fragmentation.
  const pts: string[] = [];
  r.steps.forEach((s, i) => pts.push(`${px(i)},${py(s.liveBytes)} ${px(i + 1)},${py(s.liveBytes)}`));
  if (pts.length > 0) out.push(`<polyline class="live" points="${pts.join(' ')}"/>`);
  // Peak, lower bound and budget lines with their labels.
  const label = (x: number, y: number, anchor: string, cls: string, text: string) =>
    `<text class="${cls}" x="${x}" y="${y}" text-anchor="${anchor}">${text}</text>`;
  out.push(`<line class="peak" x1="${M.left}" x2="${M.left + PW}" y1="${py(r.peakBytes)}" y2="${py(r.peakBytes)}"/>`);
  if (r.lowerBoundBytes === r.peakBytes) {
    out.push(label(M.left + PW - 4, py(r.peakBytes) - 5, 'end', 'peak-t', `peak ${fmt(r.peakBytes)} B = lower bound`));
  } else {
    out.push(label(M.left + PW - 4, py(r.peakBytes) - 5, 'end', 'peak-t', `peak ${fmt(r.peakBytes)} B`));
    out.push(`<line class="lb" x1="${M.left}" x2="${M.left + PW}" y1="${py(r.lowerBoundBytes)}" y2="${py(r.lowerBoundBytes)}"/>`);
    out.push(label(M.left + PW - 4, py(r.lowerBoundBytes) + 13, 'end', 'lb-t', `lower bound ${fmt(r.lowerBoundBytes)} B`));
  }
  if (budget !== null && budget <= yMax) {
    out.push(`<line class="budget ${r.sramShortfallBytes > 0 ? 'over' : 'ok'}" x1="${M.left}" x2="${M.left + PW}" y1="${py(budget)}" y2="${py(budget)}"/>`);
    out.push(label(M.left + 6, py(budget) - 5, 'start', `budget-t ${r.sramShortfallBytes > 0 ? 'over' : 'ok'}`, `SRAM budget ${fmt(budget)} B`));
  }
  const peakX = px(r.peakStep + 0.5);
  out.push(`<path class="peakmark" d="M${peakX - 6} ${M.top - 9}h12l-6 8z"/>`);
  out.push(label(peakX > M.left + PW / 2 ? peakX - 6 : peakX + 6, M.top + 13, peakX > M.left + PW / 2 ? 'end' : 'start', 'peak-t', `peak step ${r.peakStep}`));
  out.push('</svg>');
  return out.join('\n');
}

function bufferPath(b: Buffer, yMax: number, aliases: string[] | undefined): string {
  const w = b.last - b.first + 1;
  const cls = b.kind === 'input' ? 'in' : b.kind === 'output' ? 'out' : b.kind === 'scratch' || b.kind === 'workspace' ? 'scr' : `a${b.id % 6}`;
  const steps = b.first === b.last ? `step ${b.first}` : `steps ${b.first}–${b.last}`;
  const also = aliases ? ` (also ${aliases.map(escapeHtml).join(', ')})` : '';
  const title = `${escapeHtml(b.name)}${also}: ${fmt(b.bytes)} B at offset ${fmt(b.offset)}, ${steps}, ${b.kind}`;
  return `<path class="${cls}" d="M${b.first} ${yMax - b.offset - b.bytes}h${w}v${b.bytes}h-${w}z"><title>${title}</title></path>`;
}

function figures(r: PlanReport): string {
  const card = (label: string, value: string, note: string, cls = '') =>
    `<div class="card ${cls}"><div class="k">${label}</div><div class="v">${value}</div><div class="n">${note}</div></div>`;
  const gap = r.lowerBoundBytes > 0 ? ((r.peakBytes / r.lowerBoundBytes - 1) * 100).toFixed(1) : '0.0';
  const sram =
    r.sramBudgetBytes === null
      ? 'no SRAM budget given'
      : r.sramShortfallBytes > 0
        ? `of ${fmt(r.sramBudgetBytes)} B: short by ${fmt(r.sramShortfallBytes)} B`
        : `of ${fmt(r.sramBudgetBytes)} B: ${fmt(r.sramBudgetBytes - r.peakBytes)} B to spare`;
  const flash =
    escapeHtml(flashParts(r.flash)) +
    (r.flashBudgetBytes === null ? '' : r.flashShortfallBytes > 0 ? `; short by ${fmt(r.flashShortfallBytes)} B of ${fmt(r.flashBudgetBytes)} B` : `; of ${fmt(r.flashBudgetBytes)} B`);
  const cards = [
    card('peak SRAM', `${fmt(r.peakBytes)} B`, sram, r.sramShortfallBytes > 0 ? 'bad' : ''),
    card('lower bound', `${fmt(r.lowerBoundBytes)} B`, `most bytes live at once; the plan is ${gap}% above it`),
    card('flash', `${fmt(r.flashBytes)} B`, flash, r.flashShortfallBytes > 0 ? 'bad' : ''),
  ];
  if (r.patch) {
    const p = r.patch;
    cards.push(
      card(
        'patch',
        `${p.tiles}×${p.tiles} tiles`,
        `up to ${escapeHtml(p.splitKind)} → ${escapeHtml(p.splitTensor)}; +${fmt(p.extraMacs)} MACs recomputed (${(p.extraMacsRatio * 100).toFixed(1)}%)` +
          (r.layerByLayerBytes !== null ? `; layer by layer ${fmt(r.layerByLayerBytes)} B` : ''),
      ),
    );
  } else if (r.layerByLayerBytes !== null) {
    cards.push(card('patch', 'none', `no patch setting beats layer by layer (${fmt(r.layerByLayerBytes)} B)`));
  }
  return `<div class="cards">${cards.join('')}</div>`;
}

function table(r: PlanReport): string {
  const rows = r.steps.map((s) => {
    const peak = s.index === r.peakStep;
    const pct = r.peakBytes > 0 ? r1((s.liveBytes / r.peakBytes) * 100) : 0;
    return (
      `<tr data-s="${s.index}"${peak ? ' class="peak"' : ''}><td>${s.index}${peak ? ' ★' : ''}</td><td>${escapeHtml(s.kind)} <span class="dim">#${s.opIndex}</span></td>` +
      `<td class="name"${s.output.length > 60 ? ` title="${escapeHtml(s.output)}"` : ''}>${escapeHtml(s.output)}</td><td>${s.variant === 'default' ? '<span class="dim">default</span>' : escapeHtml(s.variant)}</td>` +
      `<td class="num"><span class="bar" style="width:${pct}%"></span>${fmt(s.liveBytes)}</td><td class="num">${s.live.length}</td></tr>`
    );
  });
  return (
    '<div class="tablewrap"><table><thead><tr><th>step</th><th>op</th><th>output</th><th>variant</th><th class="num">live bytes</th><th class="num">buffers</th></tr></thead><tbody>\n' +
    rows.join('\n') +
    '\n</tbody></table></div>'
  );
}

const CSS = `
${CSS_PAGE}${CSS_CARDS}ul.sugg{margin:6px 0 0;padding-left:20px}ul.sugg li{margin:3px 0}
${CSS_CHART}.bufs path{stroke:rgba(20,25,35,.45);stroke-width:.6;vector-effect:non-scaling-stroke;fill-opacity:.78}
.bufs path:hover{fill-opacity:1;stroke:#000;stroke-width:1.5}
.in{fill:#3b82f6;background:#3b82f6}.out{fill:#16a34a;background:#16a34a}.scr{fill:#f59e0b;background:#f59e0b}
.a0{fill:#94a3b8;background:#94a3b8}.a1{fill:#a78bfa;background:#a78bfa}.a2{fill:#5eead4;background:#5eead4}
.a3{fill:#f9a8d4;background:#f9a8d4}.a4{fill:#fcd34d;background:#fcd34d}.a5{fill:#7dd3fc;background:#7dd3fc}
.chart text.peak-t,.chart text.lb-t,.chart text.budget-t{paint-order:stroke;stroke:#fff;stroke-width:3.5px;stroke-linejoin:round}
.peakband{fill:#fecdca;opacity:.75}.peakmark{fill:var(--bad)}.hl{fill:#1d2330;opacity:.12}
.live{fill:none;stroke:#111827;stroke-width:1.2;stroke-linejoin:round}
.peak{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:6 3}.peak-t{fill:var(--bad);font-weight:600}
.lb{stroke:#6b7280;stroke-width:1;stroke-dasharray:3 3}.lb-t{fill:#4b5563}
.budget{stroke-width:1.5}.budget.ok{stroke:var(--ok)}.budget.over{stroke:var(--bad)}
.budget-t.ok{fill:var(--ok)}.budget-t.over{fill:var(--bad)}
.legend{display:flex;flex-wrap:wrap;gap:16px;color:var(--dim);font-size:12.5px;margin:6px 0 0 ${M.left}px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:3px;vertical-align:-2px}
.legend span{white-space:nowrap}
.legend i.ln{height:0;border-top:2px solid #111827;border-radius:0;vertical-align:3px}
.legend i.pk{height:0;border-top:2px dashed var(--bad);border-radius:0;vertical-align:3px}
#info{min-height:20px;margin:6px 0 0 ${M.left}px;font-size:13px}
${CSS_TABLE}`;

// Pointer over a table row: highlight its step in the chart; click in the chart: scroll to that step's row.
const js = (steps: number) => `
(function(){
var svg=document.querySelector('.chart'),hl=document.getElementById('hl'),info=document.getElementById('info');
var n=${steps},x0=${M.left},pw=${PW},vw=${W};
document.querySelectorAll('tbody tr').forEach(function(tr){
tr.addEventListener('mouseenter',function(){var s=+tr.dataset.s;hl.setAttribute('x',x0+(s+0.5)*pw/n-hl.getAttribute('width')/2);hl.setAttribute('visibility','visible');});
tr.addEventListener('mouseleave',function(){hl.setAttribute('visibility','hidden');});});
svg.addEventListener('mouseover',function(e){var t=e.target.closest&&e.target.closest('path');if(t){info.textContent=t.querySelector('title').textContent;}});
svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();var x=(e.clientX-r.left)*vw/r.width;var s=Math.floor((x-x0)*n/pw);
var tr=document.querySelector('tr[data-s="'+s+'"]');if(tr){tr.scrollIntoView({block:'center'});tr.style.outline='2px solid #6366f1';setTimeout(function(){tr.style.outline='';},1500);}});
})();
`;

export function planHtml(report: PlanReport, options: PlanHtmlOptions = {}): string {
  const r = report;
  const title = options.title ?? `${r.model} memory plan`;
  const verdict =
    r.sramBudgetBytes === null && r.flashBudgetBytes === null
      ? '<span class="verdict none">no budget given</span>'
      : r.fits
        ? '<span class="verdict ok">FITS</span>'
        : '<span class="verdict bad">DOES NOT FIT</span>';
  const live = r.buffers.filter((b) => b.aliasOf === null && b.bytes > 0).length;
  const suggestions = r.suggestions.length > 0 ? `<h2>Suggestions</h2><ul class="sugg">${r.suggestions.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>` : '';
  const legend =
    '<div class="legend"><span><i class="in"></i>input</span><span><i class="out"></i>output</span><span><i class="a0"></i><i class="a1"></i><i class="a2"></i>activations</span>' +
    '<span><i class="scr"></i>scratch, workspace</span><span><i class="ln"></i>live bytes per step</span><span><i class="pk"></i>peak (arena size)</span><span><i style="background:#fecdca"></i>peak step</span></div>';
  return htmlPage(
    title,
    CSS,
    `<h1>${escapeHtml(r.model)}${verdict}</h1>
<div class="sub">Memory plan: ${fmt(r.steps.length)} steps, ${fmt(live)} buffers in one arena; in-place ${r.inplace ? 'on' : 'off'}, alignment ${r.alignment}, strategy ${escapeHtml(r.strategy)}</div>
${figures(r)}
${suggestions}
<h2>Arena over time</h2>
${chart(r)}
${legend}
<div id="info" class="dim">Hover a buffer for its name, size, offset and steps; click the chart to find a step in the table.</div>
<h2>Steps</h2>
${table(r)}
<div class="meta">Generated by tinyforge plan. Each rectangle is one buffer: its height is its bytes at its arena offset, its width the steps it must be kept. Rectangles stacked at one step are what is live then; overlapping ones share bytes by an in-place or streaming kernel.</div>`,
    js(Math.max(1, r.steps.length)),
  );
}
