// `tinyforge profile --report profile.html`: the profile as one self-contained page. A log-log roofline
// (arithmetic intensity vs achieved MACs/cycle, one point per layer, the chosen core's compute peak and
// its SRAM and flash bandwidth roofs, the MAC-loop ceiling of each kernel kind in the model), per-layer
// bars of estimated cycles in schedule order, and the table of every column. Model strings are escaped.
import { CSS_CARDS, CSS_CHART, CSS_PAGE, CSS_TABLE, escapeHtml, fmt, htmlPage, r1 } from './html.js';
import { fmtMs, type ProfileReport, type ProfileReportLayer } from './profile.js';
import { maxOf, minOf } from '../ir/extremes.js';

export interface ProfileHtmlOptions {
  /** Page title (default: "<model> profile on <core>"). */
  title?: string;
}

const W = 1200;
const RH = 520;
const RM = { left: 78, right: 190, top: 20, bottom: 46 };
const BH = 250;
const BM = { left: 78, right: 24, top: 16, bottom: 40 };

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function layerTitle(l: ProfileReportLayer, mhz: number): string {
  const tiles = l.tiles > 1 ? `, ${l.tiles} tiles` : '';
  return escapeHtml(
    `#${l.opIndex} ${l.op} ${l.name} [${l.kernels.join(' + ')}${tiles}]: ${fmt(l.macs)} MACs, ${fmt(l.bytesMoved)} B moved, ` +
      `${l.intensity.toFixed(2)} MACs/B, ${l.macsPerCycle.toFixed(3)} MACs/cycle, ${l.bound}-bound; ` +
      `${fmt(l.cycles)} cycles = ${fmtMs(l.ms)} ms at ${mhz} MHz (${pct(l.share)})` +
      (l.measuredMs !== null ? `; measured ${fmtMs(l.measuredMs)} ms` : ''),
  );
}

/** Powers of ten spanning [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const tickLabel = (v: number) => (v >= 1000 ? fmt(v) : v >= 1 ? String(v) : String(Number(v.toPrecision(1))));

function roofline(r: ProfileReport): string {
  const d = r.device;
  const pts = r.layers.filter((l) => l.macs > 0 && l.intensity > 0 && l.macsPerCycle > 0);
  const ceilings = Object.entries(d.kinds).filter(([, k]) => k.macsPerCycle > 0);
  const xs = [...pts.map((l) => l.intensity), d.peakMacsPerCycle / d.sramBytesPerCycle, d.peakMacsPerCycle / d.flashBytesPerCycle];
  const ys = [...pts.map((l) => l.macsPerCycle), ...ceilings.map(([, k]) => k.macsPerCycle), d.peakMacsPerCycle];
  const xLo = 10 ** Math.floor(Math.log10(minOf(xs) / 1.5));
  const xHi = 10 ** Math.ceil(Math.log10(maxOf(xs) * 1.5));
  const yLo = 10 ** Math.floor(Math.log10(minOf(ys) / 1.5));
  const yHi = 10 ** Math.ceil(Math.log10(d.peakMacsPerCycle * 1.5));
  const PW = W - RM.left - RM.right;
  const PH = RH - RM.top - RM.bottom;
  const px = (x: number) => r1(RM.left + ((Math.log10(x) - Math.log10(xLo)) / (Math.log10(xHi) - Math.log10(xLo))) * PW);
  const py = (y: number) => r1(RM.top + PH - ((Math.log10(y) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * PH);
  const out: string[] = [];
  out.push(`<svg class="chart roof" viewBox="0 0 ${W} ${RH}" role="img" aria-label="roofline: arithmetic intensity against achieved MACs per cycle, one point per layer">`);
  out.push('<g class="grid">');
  for (const x of decades(xLo, xHi)) out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${RM.top}" y2="${RM.top + PH}"/>`);
  for (const y of decades(yLo, yHi)) out.push(`<line x1="${RM.left}" x2="${RM.left + PW}" y1="${py(y)}" y2="${py(y)}"/>`);
  out.push('</g><g class="axis">');
  for (const x of decades(xLo, xHi)) out.push(`<text x="${px(x)}" y="${RM.top + PH + 18}" text-anchor="middle">${tickLabel(x)}</text>`);
  for (const y of decades(yLo, yHi)) out.push(`<text x="${RM.left - 8}" y="${py(y) + 4}" text-anchor="end">${tickLabel(y)}</text>`);
  out.push(`<text x="${RM.left + PW / 2}" y="${RH - 6}" text-anchor="middle" class="label">arithmetic intensity (MACs per byte moved: weights + activations in and out), log scale</text>`);
  out.push(`<text transform="translate(16 ${RM.top + PH / 2}) rotate(-90)" text-anchor="middle" class="label">MACs per cycle (log)</text>`);
  out.push(`<rect class="frame" x="${RM.left}" y="${RM.top}" width="${PW}" height="${PH}"/>`);
  out.push('</g>');
  out.push(`<clipPath id="plot"><rect x="${RM.left}" y="${RM.top}" width="${PW}" height="${PH}"/></clipPath><g clip-path="url(#plot)">`);
  // The roofs: min(peak, intensity x bandwidth), for activations in SRAM and for weights in flash.
  const roof = (bw: number, cls: string, label: string) => {
    const ridge = d.peakMacsPerCycle / bw;
    const x0 = xLo;
    out.push(`<polyline class="${cls}" points="${px(x0)},${py(x0 * bw)} ${px(ridge)},${py(d.peakMacsPerCycle)} ${px(xHi)},${py(d.peakMacsPerCycle)}"><title>${escapeHtml(label)}: ${bw} B/cycle, ridge at ${r1(ridge * 100) / 100} MACs/B</title></polyline>`);
  };
  roof(d.flashBytesPerCycle, 'roof-flash', 'flash roof (weights)');
  roof(d.sramBytesPerCycle, 'roof-sram', 'SRAM roof (activations)');
  for (const [kind, k] of ceilings) {
    out.push(`<line class="ceil" x1="${RM.left}" x2="${RM.left + PW}" y1="${py(k.macsPerCycle)}" y2="${py(k.macsPerCycle)}"><title>${escapeHtml(kind)} MAC loop: ${k.macsPerCycle.toFixed(3)} MACs/cycle (${pct(k.efficiency)} of peak)</title></line>`);
  }
  out.push('</g>');
  // Labels right of the plot.
  const lx = RM.left + PW + 8;
  out.push(`<text class="peak-t" x="${lx}" y="${py(d.peakMacsPerCycle) + 4}">peak ${d.peakMacsPerCycle} MACs/cycle</text>`);
  const labelled: number[] = [py(d.peakMacsPerCycle)];
  for (const [kind, k] of ceilings) {
    let y = py(k.macsPerCycle) + 4;
    while (labelled.some((u) => Math.abs(u - y) < 13)) y += 13;
    labelled.push(y);
    out.push(`<text class="ceil-t" x="${lx}" y="${y}">${escapeHtml(kind)} ${k.macsPerCycle.toFixed(2)}</text>`);
  }
  // One point per layer with MACs: area proportional to its share of the time.
  const maxShare = maxOf(pts.map((l) => l.share), 1e-9);
  for (const l of pts) {
    const rad = r1(3 + 11 * Math.sqrt(l.share / maxShare));
    out.push(`<circle class="pt ${l.bound}" data-s="${l.index}" cx="${px(l.intensity)}" cy="${py(l.macsPerCycle)}" r="${rad}"><title>${layerTitle(l, d.mhz)}</title></circle>`);
  }
  out.push('</svg>');
  const hidden = r.layers.length - pts.length;
  const note = hidden > 0 ? ` ${hidden} layer${hidden === 1 ? '' : 's'} without MACs (element-wise, pooling, copies: intensity 0, memory-bound by the roofline) cannot sit on a log axis; they are in the bars and the table.` : '';
  const legend =
    '<div class="legend"><span><i class="c-compute"></i>compute-bound layer</span><span><i class="c-memory"></i>memory-bound layer</span>' +
    '<span><i class="ln sram"></i>SRAM roof</span><span><i class="ln flash"></i>flash roof</span><span><i class="ln ceil"></i>MAC-loop ceiling per kernel kind</span><span>point area = share of time</span></div>';
  return out.join('\n') + '\n' + legend + `\n<div class="dim note">Each point is a layer at its intensity and its estimated MACs per cycle.${note}</div>`;
}

function bars(r: ProfileReport): string {
  const n = Math.max(1, r.layers.length);
  const PW = W - BM.left - BM.right;
  const PH = BH - BM.top - BM.bottom;
  const top = maxOf(r.layers.map((l) => l.cycles), 1);
  const step = (() => {
    const raw = top / 5;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  })();
  const yMax = Math.ceil(top / step) * step;
  const bw = PW / n;
  const py = (c: number) => r1(BM.top + PH - (c / yMax) * PH);
  const out: string[] = [];
  out.push(`<svg class="chart bars" viewBox="0 0 ${W} ${BH}" role="img" aria-label="estimated cycles per layer in schedule order">`);
  out.push('<g class="grid">');
  for (let y = 0; y <= yMax; y += step) out.push(`<line x1="${BM.left}" x2="${BM.left + PW}" y1="${py(y)}" y2="${py(y)}"/>`);
  out.push('</g><g class="axis">');
  const short = (c: number) => (c >= 1e6 ? `${Number((c / 1e6).toPrecision(3))}M` : c >= 1e3 ? `${Number((c / 1e3).toPrecision(3))}k` : String(c));
  for (let y = 0; y <= yMax; y += step) out.push(`<text x="${BM.left - 8}" y="${py(y) + 4}" text-anchor="end">${short(y)}</text>`);
  const xStep = Math.max(1, Math.ceil(n / 30));
  for (let i = 0; i < n; i += xStep) out.push(`<text x="${r1(BM.left + (i + 0.5) * bw)}" y="${BM.top + PH + 16}" text-anchor="middle">${r.layers[i]?.opIndex ?? i}</text>`);
  out.push(`<text x="${BM.left + PW / 2}" y="${BH - 4}" text-anchor="middle" class="label">layer (op index), schedule order</text>`);
  out.push(`<text transform="translate(14 ${BM.top + PH / 2}) rotate(-90)" text-anchor="middle" class="label">est. cycles</text>`);
  out.push(`<rect class="frame" x="${BM.left}" y="${BM.top}" width="${PW}" height="${PH}"/>`);
  out.push('</g>');
  const gap = bw > 6 ? 1.5 : 0.3;
  r.layers.forEach((l, i) => {
    const h = r1((l.cycles / yMax) * PH);
    out.push(`<rect class="bar-${l.bound}" data-s="${l.index}" x="${r1(BM.left + i * bw + gap / 2)}" y="${r1(BM.top + PH - h)}" width="${r1(Math.max(0.5, bw - gap))}" height="${h}"><title>${layerTitle(l, r.device.mhz)}</title></rect>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function cards(r: ProfileReport): string {
  const t = r.totals;
  const d = r.device;
  const card = (label: string, value: string, note: string, cls = '') =>
    `<div class="card ${cls}"><div class="k">${label}</div><div class="v">${value}</div><div class="n">${note}</div></div>`;
  const cal = r.calibration;
  const worst = cal.models.reduce((m, x) => Math.max(m, Math.abs(x.error)), 0);
  const list = [
    card('estimated latency', `${fmtMs(t.ms)} ms`, `${fmt(t.cycles)} cycles at ${d.mhz} MHz`),
    card('instructions', fmt(t.instructions), cal.source === 'first guess' ? 'first-guess instruction model (not yet calibrated)' : `calibrated on qemu-m4: worst model error ${pct(worst)}`, cal.source === 'first guess' ? 'bad' : ''),
    card('MACs', fmt(t.macs), `${t.macsPerCycle.toFixed(3)} MACs/cycle of ${d.peakMacsPerCycle} peak (${pct(t.macsPerCycle / d.peakMacsPerCycle)})`),
    card('bound', pct(t.computeBoundShare), `of the time in compute-bound layers; ${pct(t.memoryBoundShare)} memory-bound`),
  ];
  if (t.measuredMs !== null && r.measure) list.push(card('measured', `${fmtMs(t.measuredMs)} ms`, escapeHtml(r.measure.note)));
  return `<div class="cards">${list.join('')}</div>`;
}

function table(r: ProfileReport): string {
  const measured = r.measure !== null;
  const maxShare = maxOf(r.layers.map((l) => l.share), 1e-9);
  const rows = r.layers.map((l) => {
    const w = r1((l.share / maxShare) * 100);
    return (
      `<tr data-s="${l.index}"><td>${l.opIndex}</td><td>${escapeHtml(l.op)}</td><td class="name" title="${escapeHtml(l.name)}">${escapeHtml(l.name)}</td>` +
      `<td>${l.kernels.map(escapeHtml).join(' + ')}${l.tiles > 1 ? ` <span class="dim">×${l.tiles}</span>` : ''}</td>` +
      `<td class="num">${fmt(l.macs)}</td><td class="num">${fmt(l.params)}</td><td class="num">${fmt(l.weightBytes)}</td><td class="num">${fmt(l.inputBytes)}</td><td class="num">${fmt(l.outputBytes)}</td>` +
      `<td class="num">${l.intensity.toFixed(2)}</td><td class="b-${l.bound}">${l.bound}</td><td class="num">${fmt(l.cycles)}</td><td class="num">${fmtMs(l.ms)}</td>` +
      `<td class="num"><span class="bar" style="width:${w}%"></span>${pct(l.share)}</td>` +
      (measured ? `<td class="num">${fmtMs(l.measuredMs ?? 0)}</td>` : '') +
      '</tr>'
    );
  });
  const head =
    '<tr><th>op</th><th>kind</th><th>output</th><th>kernel</th><th class="num">MACs</th><th class="num">params</th><th class="num">weight B</th><th class="num">in B</th><th class="num">out B</th>' +
    `<th class="num">MACs/B</th><th>bound</th><th class="num">est. cycles</th><th class="num">est. ms</th><th class="num">share</th>${measured ? `<th class="num">${escapeHtml(r.measure!.engine)} ms</th>` : ''}</tr>`;
  return `<div class="tablewrap"><table><thead>${head}</thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function deviceNotes(r: ProfileReport): string {
  const d = r.device;
  const kinds = Object.entries(d.kinds)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${v.cpi}</td><td class="num">${v.macsPerCycle > 0 ? v.macsPerCycle.toFixed(3) : '–'}</td><td class="num">${v.macsPerCycle > 0 ? pct(v.efficiency) : '–'}</td><td class="num">${fmt(v.callCycles)}</td></tr>`)
    .join('');
  const cal = r.calibration;
  const calText =
    cal.source === 'first guess'
      ? 'Instruction model: first-guess constants read off the kernel sources, not yet fitted (npm run bench:calibrate).'
      : `Instruction model: ${escapeHtml(cal.source)} on ${escapeHtml(cal.date ?? '')}; per model: ${cal.models.map((m) => `${escapeHtml(m.model)} ${m.error >= 0 ? '+' : ''}${(m.error * 100).toFixed(1)}%`).join(', ')}.`;
  return (
    `<ul class="notes"><li>${escapeHtml(d.name)}: peak ${d.peakMacsPerCycle} int8 MACs/cycle (${escapeHtml(d.peakNote)}).</li>` +
    `<li>Bandwidth: SRAM ${d.sramBytesPerCycle} B/cycle, flash ${d.flashBytesPerCycle} B/cycle (${escapeHtml(d.memoryNote)}).</li>` +
    `<li>Clock: ${d.mhz} MHz${d.mhz === d.defaultMhz ? ` (${escapeHtml(d.clockNote)})` : ` (default ${d.defaultMhz} MHz: ${escapeHtml(d.clockNote)})`}. CPI: ${escapeHtml(d.cpiNote)}.</li>` +
    `<li>${calText}</li></ul>` +
    `<div class="tablewrap small"><table><thead><tr><th>kernel kind</th><th class="num">CPI</th><th class="num">MAC loop MACs/cycle</th><th class="num">of peak</th><th class="num">cycles per call</th></tr></thead><tbody>${kinds}</tbody></table></div>`
  );
}

const CSS = `
${CSS_PAGE}${CSS_CARDS}${CSS_CHART}${CSS_TABLE}.roof-sram{fill:none;stroke:#1d2330;stroke-width:2}
.roof-flash{fill:none;stroke:#b45309;stroke-width:1.6;stroke-dasharray:7 4}
.ceil{stroke:#6b7280;stroke-width:1;stroke-dasharray:2 3}.ceil-t{fill:#4b5563;font-size:11.5px}
.peak-t{fill:#1d2330;font-weight:600}
.pt{stroke:#fff;stroke-width:1;fill-opacity:.85}.pt:hover,.pt.hl{stroke:#000;stroke-width:2;fill-opacity:1}
.pt.compute,.bar-compute,.c-compute{fill:#3b82f6;background:#3b82f6}.pt.memory,.bar-memory,.c-memory{fill:#f97316;background:#f97316}
.bars rect[data-s]:hover,.bars rect.hl{fill:#1d2330}
.b-compute{color:#1d4ed8}.b-memory{color:#c2410c}
.legend{display:flex;flex-wrap:wrap;gap:16px;color:var(--dim);font-size:12.5px;margin:6px 0 0 ${RM.left}px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px;vertical-align:-2px}
.legend i.ln{width:18px;height:0;border-radius:0;vertical-align:3px;border-top:2px solid #1d2330}
.legend i.ln.flash{border-top:2px dashed #b45309}.legend i.ln.ceil{border-top:1px dotted #6b7280}
.note{margin:4px 0 0 ${RM.left}px;font-size:12.5px}
#info{min-height:20px;margin:6px 0 0 ${RM.left}px;font-size:13px}
ul.notes{margin:6px 0 10px;padding-left:20px;color:var(--fg)}ul.notes li{margin:2px 0}
.tablewrap.small{max-width:720px}
td.name{max-width:260px}
tr.hl{background:#eef4ff!important}
`;

// Hover a point, a bar or a row: the same layer is highlighted in all three and described under the chart.
const JS = `
(function(){
var info=document.getElementById('info');
function all(s){return document.querySelectorAll('[data-s="'+s+'"]');}
function on(s,t){all(s).forEach(function(e){e.classList.add('hl');});if(t)info.textContent=t;}
function off(s){all(s).forEach(function(e){e.classList.remove('hl');});}
document.querySelectorAll('[data-s]').forEach(function(e){
var s=e.getAttribute('data-s');var t=e.querySelector('title');
e.addEventListener('mouseenter',function(){on(s,t?t.textContent:'');});
e.addEventListener('mouseleave',function(){off(s);});
e.addEventListener('click',function(){var tr=document.querySelector('tr[data-s="'+s+'"]');if(tr&&tr!==e)tr.scrollIntoView({block:'center'});});});
})();
`;

export function profileHtml(report: ProfileReport, options: ProfileHtmlOptions = {}): string {
  const r = report;
  const title = options.title ?? `${r.model} profile on ${r.device.name}`;
  const cal = r.calibration.source === 'first guess' ? '<span class="verdict bad">FIRST-GUESS MODEL</span>' : '<span class="verdict ok">CALIBRATED</span>';
  const patch = r.plan.patch ? `; patch ${r.plan.patch.tiles}×${r.plan.patch.tiles} tiles up to op ${r.plan.patch.splitOp} (${escapeHtml(r.plan.patch.splitKind)})` : '';
  return htmlPage(
    title,
    CSS,
    `<h1>${escapeHtml(r.model)}${cal}</h1>
<div class="sub">Profile on ${escapeHtml(r.device.name)} at ${r.device.mhz} MHz: ${fmt(r.totals.layers)} layers, ${fmt(r.totals.calls)} kernel calls; arena ${fmt(r.plan.arenaBytes)} B${patch}</div>
${cards(r)}
<h2>Roofline</h2>
${roofline(r)}
<div id="info" class="dim">Hover a point, a bar or a row for the layer's figures.</div>
<h2>Estimated cycles per layer</h2>
${bars(r)}
<div class="legend"><span><i class="c-compute"></i>compute-bound</span><span><i class="c-memory"></i>memory-bound</span></div>
<h2>Layers</h2>
${table(r)}
<h2>Device model</h2>
${deviceNotes(r)}
<div class="meta">Generated by tinyforge profile. Estimates: instructions from the per-kernel-kind instruction model, cycles = CPI × (call and per-element work) + max(MAC loop, bytes moved at the roof bandwidths). A layer is memory-bound when moving its bytes takes longer than its MAC loop.</div>`,
    JS,
  );
}
