// Pieces every self-contained HTML report shares (plan, profile): escaping, number formats, axis ticks,
// the page skeleton and the base style sheet. A page loads nothing from elsewhere: inline CSS, SVG, JS.

import { escapeHtml } from '../escape.js';

export { escapeHtml };

export const fmt = (n: number) => n.toLocaleString('en-US');

/** One decimal, for SVG coordinates. */
export const r1 = (x: number) => Math.round(x * 10) / 10;

/** Tick spacing near range/target: 1, 2 or 5 times a power of ten (steps) or a power of two (bytes). */
export function tickStep(range: number, target: number, binary: boolean): number {
  const raw = Math.max(range / target, 1);
  if (binary) return 2 ** Math.ceil(Math.log2(raw));
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/** Colours, body, headings, subtitle and the verdict badge (.verdict.ok / .bad / .none). */
export const CSS_PAGE = `:root{--fg:#1d2330;--dim:#6b7280;--line:#e3e6eb;--bg:#fff;--bad:#b42318;--ok:#067647}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:28px 0 8px}
.sub{color:var(--dim);margin-bottom:16px}
.verdict{display:inline-block;margin-left:10px;padding:2px 10px;border-radius:12px;font-size:13px;font-weight:600;vertical-align:2px}
.verdict.ok{background:#dcfae6;color:var(--ok)}.verdict.bad{background:#fee4e2;color:var(--bad)}.verdict.none{background:#eef0f3;color:var(--dim)}
`;

/** Headline figure cards: .cards > .card > .k (label), .v (value), .n (note); .card.bad. */
export const CSS_CARDS = `.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 220px;border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card .k{color:var(--dim);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.card .n{color:var(--dim);font-size:12.5px}
.card.bad{border-color:#fda29b}.card.bad .v{color:var(--bad)}
`;

/** An SVG chart: .chart with .grid, .axis, .frame and .label. */
export const CSS_CHART = `.chart{width:100%;height:auto;display:block;font-size:12px}
.chart .grid line{stroke:#eef0f3}.chart .axis text{fill:var(--dim)}.chart .axis line{stroke:#9aa1ad}
.chart .frame{fill:none;stroke:#c5cad3}.chart .label{fill:var(--dim);font-size:12.5px}
`;

/** A scrolling table with sticky headers; .num cells with an optional .bar; .dim and .meta text. */
export const CSS_TABLE = `.tablewrap{max-height:560px;overflow:auto;border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th{position:sticky;top:0;background:#f6f7f9;text-align:left;font-weight:600;border-bottom:1px solid var(--line)}
th,td{padding:4px 10px;white-space:nowrap}
td.name{max-width:520px;overflow:hidden;text-overflow:ellipsis}
tbody tr:nth-child(even){background:#fafbfc}tbody tr:hover{background:#eef4ff}
tr.peak{background:#fef3f2!important;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{position:relative}
.bar{position:absolute;left:0;top:3px;bottom:3px;background:#e0e7ff;z-index:-1}
td.num{z-index:0}
.dim{color:var(--dim)}
.meta{color:var(--dim);font-size:12.5px;margin-top:18px}
`;

/** The page: doctype, head with title and style sheet, the body and an inline script. */
export function htmlPage(title: string, css: string, body: string, script: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${css}</style></head>
<body>
${body}
<script>${script}</script>
</body></html>
`;
}
